import os
from pathlib import Path

import pytest

from pipelines.ingest.registry import load_registry, report_id_from_name


def write(folder: Path, name: str, text: str = "Sixty percent agree.") -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_folder_without_registry_lists_documents_and_skips_readme(tmp_path):
    write(tmp_path, "Acme CX Report 2024.html", "<p>x</p>")
    write(tmp_path, "notes.md")
    write(tmp_path, "README.md")
    write(tmp_path, "data.json", "{}")
    registry = load_registry(tmp_path)
    assert [s.report_id for s in registry.specs] == ["acme-cx-report-2024", "notes"]
    assert registry.specs[0].file == "Acme CX Report 2024.html"
    assert registry.problems == ()


def test_yaml_registry_metadata_and_url_entries(tmp_path):
    write(tmp_path, "a.txt")
    write(
        tmp_path,
        "registry.yaml",
        """
reports:
  - id: Alpha 2024
    file: a.txt
    title: Alpha
    published: 2024-05-01
    survey_year: 2024
    language: zh-TW
  - url: https://example.org/reports/beta.pdf
    survey_year: "2023"
""",
    )
    specs = load_registry(tmp_path).by_id()
    assert specs["alpha-2024"].language == "zh-Hant"
    assert specs["alpha-2024"].published.isoformat() == "2024-05-01"
    assert specs["beta"].url == "https://example.org/reports/beta.pdf"
    assert specs["beta"].survey_year == 2023
    assert "a" not in specs  # listed file is not added a second time


def test_reports_csv_like_the_shared_corpus(tmp_path):
    write(tmp_path, "x1.txt")
    write(
        tmp_path,
        "reports.csv",
        "file,title,publisher,original_url,published,survey_year,language\n"
        "x1.txt,Title One,Pub,https://example.org,2022-01-01,2022,zh-Hans\n",
    )
    (spec,) = load_registry(tmp_path).specs
    assert (spec.report_id, spec.title, spec.survey_year, spec.language) == ("x1", "Title One", 2022, "zh-Hans")


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("file: ../../etc/passwd", "escapes the sources folder"),
        ("file: /etc/passwd", "absolute paths"),
        ("url: file:///etc/passwd", "only http and https"),
        ("url: ftp://example.org/x.pdf", "only http and https"),
        ("file: missing.txt", "file not found"),
        ("file: ok.txt\n    survey_year: twenty", "four-digit year"),
        ("file: ok.txt\n    language: fr", "unknown language"),
        ("file: ok.txt\n    url: https://example.org/x", "exactly one of"),
    ],
)
def test_bad_entries_become_problems_and_others_survive(tmp_path, entry, message):
    write(tmp_path, "ok.txt")
    write(tmp_path, "good.txt")
    write(tmp_path, "registry.yaml", f"reports:\n  - id: bad\n    {entry}\n  - file: good.txt\n")
    registry = load_registry(tmp_path)
    assert [p.report_id for p in registry.problems] == ["bad"]
    assert message in str(registry.problems[0].error)
    assert "good" in registry.by_id()


def test_symlink_out_of_the_folder_is_refused(tmp_path):
    outside = write(tmp_path / "outside", "secret.txt")
    sources = tmp_path / "sources"
    sources.mkdir()
    os.symlink(outside, sources / "leak.txt")
    write(sources, "fine.txt")
    registry = load_registry(sources)
    assert list(registry.by_id()) == ["fine"]
    assert "escapes the sources folder" in str(registry.problems[0].error)


def test_yaml_is_loaded_safely(tmp_path):
    write(tmp_path, "registry.yaml", "reports: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(ValueError, match="cannot read registry"):
        load_registry(tmp_path)


def test_report_ids_are_partition_safe():
    assert report_id_from_name("Über Report (Final).PDF") == "ber-report-final"
    assert report_id_from_name("...") == "report"
