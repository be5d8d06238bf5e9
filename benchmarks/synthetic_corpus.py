"""Write a synthetic corpus of customer-experience reports for scale benchmarks and tests.

Belongs here: generating many reports (HTML, plain text, Markdown and PDF; English, Simplified and
Traditional Chinese) from sentence templates written for this project, deterministically from a
seed, so a benchmark run at N reports is repeatable. It does not belong in the pipeline: nothing
here is imported by ``pipelines``.

How realistic, and after what: each report copies the length and the number of published figures
of one real report, taken in turn from

* ``../shared/corpus`` (5 scraped CX articles) for HTML, text and Markdown reports: 7.6-17.5 KB,
  7-123 published figures (median 19);
* ``../shared/real-pdfs`` (8 real survey PDFs) for PDF reports: 14-48 pages (median 30), 573-1,940
  text characters a page, 30-594 published figures (median 166).

Those profiles were measured on 2026-12-02 with ``pipelines.build.process_report`` and pypdfium2
(``TEXT_PROFILES`` and ``PDF_PROFILES`` below). What is not copied: real PDFs also carry pictures,
charts and tables, which cost more to read than the text lines drawn here, so a synthetic PDF is
cheaper than the real one it follows. ``size="small"`` is the one-page, nine-sentence report of the
first benchmarks, for quick runs.

Usage: ``python benchmarks/synthetic_corpus.py OUT_DIR [--n 1000] [--pdf-share 0.1] [--seed 7] [--size small]``
"""

from __future__ import annotations

import argparse
import html
import random
from pathlib import Path

# Sentence templates, each stating one or two figures; {y} is the survey year, {p} the previous.
EN_SENTENCES = (
    "In the {y} survey, {a}% of customers said they expect a reply within one hour.",
    "Satisfaction with phone support fell to {a}%, down from {b}% in {p}.",
    "About {a}% of service teams plan to add self-service options next year.",
    "First-contact resolution rose by {d} percentage points compared with {p}.",
    "Average handle time was {m} minutes across all channels.",
    "Roughly {a}% of shoppers switched brands after a single poor experience.",
    "Only {a}% of managers publish their customer effort score internally.",
    "Chat users rated the service \"very good\" in {a}% of cases and \"good\" in {b}%.",
    "Agent attrition reached {a}% this year, compared with {b}% in {p}.",
    "Net promoter scores improved for {a}% of the retailers in the panel.",
)
ZH_HANS_SENTENCES = (
    "在{y}年的调查中,{a}%的消费者表示希望在一小时内得到回复。",
    "对电话客服的满意度降至{a}%,低于{p}年的{b}%。",
    "约{a}%的服务团队计划明年增加自助服务渠道。",
    "首次联系解决率比{p}年提高了{d}个百分点。",
    "所有渠道的平均处理时长为{m}分钟。",
    "有{a}%的受访者在一次糟糕的体验后更换了品牌。",
)
ZH_HANT_SENTENCES = (
    "在{y}年的調查中,{a}%的消費者表示希望在一小時內得到回覆。",
    "對電話客服的滿意度降至{a}%,低於{p}年的{b}%。",
    "約{a}%的服務團隊計劃明年增加自助服務管道。",
    "首次聯繫解決率比{p}年提高了{d}個百分點。",
    "所有管道的平均處理時長為{m}分鐘。",
    "有{a}%的受訪者在一次糟糕的體驗後更換了品牌。",
)
# Sentences without figures: real reports are mostly prose around their figures.
EN_PROSE = (
    "Respondents were asked to think about their most recent contact with a brand.",
    "The panel covered retail, banking, travel, telecoms and public services.",
    "Leaders who share customer feedback across teams tend to act on it sooner.",
    "Many organisations still route every enquiry through a single queue.",
    "Self-service works best when it hands over to a person without losing context.",
    "The findings below are weighted to reflect the population of each market.",
    "Several interviewees described their knowledge base as out of date.",
    "Teams that measure effort as well as satisfaction see problems earlier.",
)
ZH_HANS_PROSE = (
    "受访者被要求回想最近一次与品牌的接触。",
    "样本覆盖零售、银行、旅游、电信和公共服务等行业。",
    "在团队之间共享客户反馈的企业,往往能更快采取行动。",
    "许多企业仍然把所有咨询放在同一个队列中处理。",
    "当自助服务能够把上下文完整地转交给人工时,效果最好。",
    "以下结果已按各市场的人口结构进行加权。",
)
ZH_HANT_PROSE = (
    "受訪者被要求回想最近一次與品牌的接觸。",
    "樣本涵蓋零售、銀行、旅遊、電信和公共服務等產業。",
    "在團隊之間分享客戶回饋的企業,往往能更快採取行動。",
    "許多企業仍然把所有諮詢放在同一個佇列中處理。",
    "當自助服務能夠把脈絡完整地轉交給真人時,效果最好。",
    "以下結果已按各市場的人口結構進行加權。",
)
HEADINGS = {
    "en": ("Key findings", "Channels", "Service teams", "Outlook"),
    "zh-Hans": ("主要发现", "服务渠道", "服务团队", "展望"),
    "zh-Hant": ("主要發現", "服務管道", "服務團隊", "展望"),
}
TITLES = {
    "en": "{org} Customer Experience Report {y}",
    "zh-Hans": "{y}年{org}客户体验报告",
    "zh-Hant": "{y}年{org}客戶體驗報告",
}
ORGS = {
    "en": ("Bluefin", "Copperleaf", "Driftwood", "Eastgate", "Fernhill", "Glasshouse", "Ironbridge"),
    "zh-Hans": ("青松", "远航", "金桥", "长风"),
    "zh-Hant": ("玉山", "明灣", "晴川", "鹿港"),
}
SENTENCES = {"en": EN_SENTENCES, "zh-Hans": ZH_HANS_SENTENCES, "zh-Hant": ZH_HANT_SENTENCES}
PROSE = {"en": EN_PROSE, "zh-Hans": ZH_HANS_PROSE, "zh-Hant": ZH_HANT_PROSE}
# (bytes, figures published) of each article in ../shared/corpus, in file order.
TEXT_PROFILES = ((17518, 123), (7595, 19), (12017, 10), (8430, 25), (13804, 7))
# (pages, mean text characters a page, figures published) of each PDF in ../shared/real-pdfs.
PDF_PROFILES = (
    (48, 576, 117),
    (42, 573, 100),
    (19, 1499, 240),
    (45, 1509, 262),
    (28, 1046, 216),
    (14, 1940, 30),
    (31, 1535, 107),
    (21, 1754, 594),
)
# Figures the pipeline publishes per figure sentence of the templates (measured on this corpus: a
# sentence states one or two figures, sometimes with a year).
FIGURES_PER_SENTENCE = 1.35
SIZES = ("realistic", "small")
SMALL = (3, 3)  # sections x figure sentences of a "small" report, no prose


def _sentence(rng: random.Random, language: str, year: int) -> str:
    return rng.choice(SENTENCES[language]).format(
        y=year,
        p=year - 1,
        a=rng.randint(5, 95),
        b=rng.randint(5, 95),
        d=rng.randint(1, 12),
        m=f"{rng.randint(2, 15)}.{rng.randint(0, 9)}",
    )


def _sentences(rng: random.Random, language: str, year: int, figures: int, chars: int) -> list[str]:
    """Figure sentences for about ``figures`` published figures, padded with prose to ``chars`` characters."""
    out = [_sentence(rng, language, year) for _ in range(max(1, round(figures / FIGURES_PER_SENTENCE)))]
    length = sum(len(s) + 1 for s in out)
    while length < chars:
        out.append(rng.choice(PROSE[language]))
        length += len(out[-1]) + 1
    rng.shuffle(out)
    return out


def _sectioned(language: str, sentences: list[str], per_section: int = 8) -> list[tuple[str, list[str]]]:
    headings = HEADINGS[language]
    chunks = [sentences[i : i + per_section] for i in range(0, len(sentences), per_section)]
    return [(headings[i % len(headings)], chunk) for i, chunk in enumerate(chunks)]


def _text_sections(rng: random.Random, language: str, year: int, size: str, profile: tuple[int, int]):
    """Sections of (heading, sentences) for an HTML, text or Markdown report following ``profile``."""
    if size == "small":
        sections, figures = SMALL
        return _sectioned(language, [_sentence(rng, language, year) for _ in range(sections * figures)], figures)
    size_bytes, figures = profile
    chars = size_bytes if language == "en" else size_bytes // 3  # CJK text is 3 UTF-8 bytes a character
    return _sectioned(language, _sentences(rng, language, year, figures, chars))


def _table_rows(rng: random.Random) -> list[list[str]]:
    header = ["Channel", "Very satisfied", "Satisfied"]
    return [header] + [[c, f"{rng.randint(10, 60)}%", f"{rng.randint(10, 60)}%"] for c in ("Phone", "Chat", "Email")]


def render_html(title: str, sections, table: list[list[str]] | None, language: str) -> str:
    body = [f"<h1>{html.escape(title)}</h1>"]
    for heading, sentences in sections:
        body.append(f"<h2>{html.escape(heading)}</h2>")
        body.append("<p>" + " ".join(html.escape(s) for s in sentences) + "</p>")
    if table:
        cells = "".join(
            "<tr>" + "".join(f"<{'th' if i == 0 else 'td'}>{html.escape(c)}</{'th' if i == 0 else 'td'}>" for c in row)
            + "</tr>"
            for i, row in enumerate(table)
        )
        body.append(f"<table>{cells}</table>")
    lang = {"en": "en", "zh-Hans": "zh-CN", "zh-Hant": "zh-TW"}[language]
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"</head><body><article>{''.join(body)}</article></body></html>\n"
    )


def render_text(title: str, sections, markdown: bool) -> str:
    lines = [f"# {title}" if markdown else title, ""]
    for heading, sentences in sections:
        lines += [f"## {heading}" if markdown else heading, "", " ".join(sentences), ""]
    return "\n".join(lines)


def render_pdf(path: Path, title: str, pages: list[list[str]]) -> None:
    """An English PDF with the given lines on each page, one sentence a line, a heading every 8
    lines and a page number (reportlab's core fonts have no CJK glyphs)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    height = A4[1]
    canvas = Canvas(str(path), pagesize=A4, invariant=1, pageCompression=1)
    canvas.setTitle(title)
    for number, lines in enumerate(pages):
        y = height - 72
        if number == 0:
            canvas.setFont("Helvetica-Bold", 16)
            canvas.drawString(56, y, title)
            y -= 32
        for i, line in enumerate(lines):
            if i % 8 == 0:
                canvas.setFont("Helvetica-Bold", 12)
                canvas.drawString(56, y, HEADINGS["en"][(number + i // 8) % len(HEADINGS["en"])])
                y -= 20
            canvas.setFont("Helvetica", 10)
            canvas.drawString(56, y, line)
            y -= 15
            if y < 60:
                break
        canvas.setFont("Helvetica", 8)
        canvas.drawString(290, 30, str(number + 1))
        canvas.showPage()
    canvas.save()


def _pdf_pages(rng: random.Random, year: int, size: str, profile: tuple[int, int, int]) -> list[list[str]]:
    """The lines of each page of a PDF report following ``profile`` (pages, characters a page, figures)."""
    if size == "small":
        return [[_sentence(rng, "en", year) for _ in range(SMALL[0] * SMALL[1])]]
    pages, per_page, figures = profile
    sentences = _sentences(rng, "en", year, figures, pages * per_page)
    out: list[list[str]] = [[] for _ in range(pages)]
    page, used = 0, 0
    for sentence in sentences:  # fill each page to its share of the text; the last one takes the rest
        if used >= per_page and page < pages - 1:
            page, used = page + 1, 0
        out[page].append(sentence)
        used += len(sentence) + 1
    return out


def write_corpus(
    out_dir: str | Path, n: int = 1000, *, pdf_share: float = 0.1, seed: int = 7, size: str = "realistic"
) -> list[Path]:
    """Write ``n`` reports into ``out_dir`` and return their paths (names give the report ids).

    The first ``pdf_share`` of them are PDFs; the others cycle through HTML, text and Markdown and
    through English (half), Simplified and Traditional Chinese. Each follows the real profile of its
    kind in turn (``TEXT_PROFILES``, ``PDF_PROFILES``), so any N spreads evenly over the real reports.
    """
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    n_pdf = round(n * pdf_share)
    paths = []
    for i in range(n):
        year = 2020 + i % 6
        if i < n_pdf:
            kind, language = "pdf", "en"
        else:
            kind = ("html", "txt", "md")[i % 3]
            language = ("en", "en", "zh-Hans", "zh-Hant")[(i // 3) % 4]
        org = ORGS[language][i % len(ORGS[language])]
        title = TITLES[language].format(org=org, y=year)
        path = out / f"synthetic-{i:05d}.{kind}"
        if kind == "pdf":
            render_pdf(path, title, _pdf_pages(rng, year, size, PDF_PROFILES[i % len(PDF_PROFILES)]))
        else:
            profile = TEXT_PROFILES[(i - n_pdf) % len(TEXT_PROFILES)]
            sections = _text_sections(rng, language, year, size, profile)
            if kind == "html":
                table = _table_rows(rng) if language == "en" and i % 2 == 0 else None
                path.write_text(render_html(title, sections, table, language), encoding="utf-8")
            else:
                path.write_text(render_text(title, sections, markdown=kind == "md"), encoding="utf-8")
        paths.append(path)
    return paths


def touch_report(path: Path, note: str = "A follow-up poll found that 58% of customers agreed.") -> None:
    """Change one report's content (so its content hash changes), keeping its format valid."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".html":
        text = text.replace("</article>", f"<p>{html.escape(note)}</p></article>")
    else:
        text = text.rstrip("\n") + f"\n\n{note}\n"
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--pdf-share", type=float, default=0.1)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--size", choices=SIZES, default="realistic")
    args = parser.parse_args(argv)
    paths = write_corpus(args.out_dir, args.n, pdf_share=args.pdf_share, seed=args.seed, size=args.size)
    print(f"wrote {len(paths)} reports to {args.out_dir}")


if __name__ == "__main__":
    main()
