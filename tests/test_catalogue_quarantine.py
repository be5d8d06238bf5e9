"""One odd figure never blocks a release: row-level rule failures are held back and published.

Built from real documents through the real stages (``pipelines.build``), judged by the real gate
(Great Expectations), published by the real catalogue.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml
from catalogue_samples import BUILD, SOURCES, VALIDATION, build_folder
from support import SOURCES as SOURCES_DIR

from pipelines.build import add_benchmarks
from pipelines.catalogue import load, publish, read_manifest
from pipelines.quality import gx_adapter, run_gate
from pipelines.quality.quarantine import default_rules, split
from pipelines.quality.rules import Rule, row_rules
from pipelines.quality.synthetic import release_frames

ODD = """# Complaints review 2024

Complaints fell by 200% after the new process launched.

Some 150% of shoppers said they would return.

Satisfaction is up from 12% in 1975 to 80% in 2024.

| Channel | Share |
|---|---|
| Phone | 250% |
| Chat | 25% |

Some 61% of callers felt heard.
"""

OLD = "Customer service review\n\nIn this survey 64% of customers were satisfied with the help they got.\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sources plus a report with odd figures and one whose registry survey_year is 1950."""
    root = tmp_path_factory.mktemp("sources")
    for path in SOURCES_DIR.iterdir():
        shutil.copy(path, root / path.name)
    (root / "odd-review-2024.md").write_text(ODD, encoding="utf-8")
    (root / "old-review.txt").write_text(OLD, encoding="utf-8")
    registry = yaml.safe_load((root / "registry.yaml").read_text(encoding="utf-8"))
    registry["reports"] += [
        {"id": "odd-review-2024", "file": "odd-review-2024.md", "survey_year": 2024, "language": "en"},
        {"id": "old-review", "file": "old-review.txt", "survey_year": 1950, "language": "en"},
    ]
    (root / "registry.yaml").write_text(yaml.safe_dump(registry, allow_unicode=True), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def assembled(folder: Path) -> dict[str, pd.DataFrame]:
    return build_folder(folder)


def held(quarantine: pd.DataFrame, report_id: str) -> dict[str, str]:
    rows = quarantine[quarantine["report_id"] == report_id]
    return dict(zip(rows["stated_as"].fillna(rows["value"]), rows["rule"], strict=True))


def test_each_odd_figure_is_held_back_with_the_rule_it_broke(assembled: dict[str, pd.DataFrame]) -> None:
    kept, quarantine = split(assembled)
    assert held(quarantine, "odd-review-2024") == {
        "200%": "observations.expect_column_values_to_be_between[value:percent-change]",
        "150%": "observations.expect_column_values_to_be_between[value:percent-level]",
        "12%": "observations.year_plausible[reports.survey_year]",
        "250%": "observations.expect_column_values_to_be_between[value:percent-level]",
    }
    assert held(quarantine, "old-review") == {"1950": "reports.expect_column_values_to_be_between[survey_year]"}
    old = quarantine[quarantine["report_id"] == "old-review"].iloc[0]
    assert (old["dataset"], old["held_back"], old["column"]) == ("reports", "report", "survey_year")
    table_cell = quarantine[quarantine["stated_as"] == "250%"].iloc[0]
    assert table_cell["quote"].endswith("250%") and table_cell["value"] == "250.0"
    # Held back: the odd rows, and the 1950 report with everything it states.
    assert "old-review" not in set(kept["reports"]["report_id"]) | set(kept["observations"]["report_id"])
    odd_kept = kept["observations"][kept["observations"]["report_id"] == "odd-review-2024"]
    assert sorted(odd_kept["stated_as"]) == ["25%", "61%", "80%"]
    n_odd = kept["reports"].set_index("report_id").loc["odd-review-2024", "n_observations"]
    assert n_odd == len(odd_kept)
    # Every other report is kept whole.
    others = assembled["observations"][~assembled["observations"]["report_id"].isin(["odd-review-2024", "old-review"])]
    assert len(kept["observations"]) == len(others) + len(odd_kept)


def test_the_gate_blocks_without_quarantine_and_passes_with_it(assembled: dict[str, pd.DataFrame]) -> None:
    before = run_gate(assembled)
    assert not before.success
    row_level = {r.name for r in default_rules()}
    assert {c.name for c in before.failed()} <= row_level  # only row-level rules stood in the way
    kept, _ = split(assembled)
    after = run_gate(kept)
    assert after.success, after.summary()


def test_benchmarks_of_what_is_kept_name_no_held_back_figure(assembled: dict[str, pd.DataFrame]) -> None:
    """Benchmarks are derived after the split: a held-back figure stands behind no benchmark."""
    kept, quarantine = split(assembled)
    kept = add_benchmarks(kept)
    listed = {i for ids in kept["benchmarks"]["observation_ids"] for i in ids}
    held_ids = set(quarantine["observation_id"].dropna())
    assert listed and held_ids and not listed & held_ids
    assert listed <= set(kept["observations"]["observation_id"])
    assert run_gate(kept).success


def test_quarantine_is_published_and_the_package_validates(
    assembled: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    kept, quarantine = split(assembled)
    result = publish(
        str(tmp_path), {**kept, "quarantine": quarantine}, validation=VALIDATION, build_info=BUILD, sources=SOURCES
    )
    published = load("quarantine", root=str(tmp_path))
    assert len(published) == len(quarantine) == 5
    assert set(published["report_id"]) == {"odd-review-2024", "old-review"}
    resource = next(r for r in read_manifest(str(tmp_path))["resources"] if r["name"] == "quarantine")
    assert resource["rows"] == 5 and resource["schema"]["primaryKey"] == ["dataset", "row_key", "rule"]
    frictionless = Path(sys.executable).parent / "frictionless"
    done = subprocess.run(
        [str(frictionless), "validate", "--json", str(Path(result.path) / "datapackage.json")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert json.loads(done.stdout)["valid"], done.stdout[-2000:]


def test_the_figure_fixed_upstream_leaves_quarantine_as_a_patch(
    assembled: dict[str, pd.DataFrame], tmp_path: Path
) -> None:
    """The next build without the odd figure: it simply leaves the quarantine; nothing else moves."""
    kept, quarantine = split(assembled)
    publish(str(tmp_path), {**kept, "quarantine": quarantine}, validation=VALIDATION, build_info=BUILD, sources=SOURCES)
    fewer = quarantine[quarantine["stated_as"] != "150%"]
    result = publish(
        str(tmp_path), {**kept, "quarantine": fewer}, validation=VALIDATION, build_info=BUILD, sources=SOURCES
    )
    assert result.bump == "patch"
    changes = load("changes", root=str(tmp_path))
    assert changes[["dataset", "change"]].drop_duplicates().values.tolist() == [["quarantine", "removed"]]


def inject_every_row_fault(frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """At least one offending row for every row-level rule of the gate."""
    f = {name: frame.copy() for name, frame in frames.items()}
    obs, reports, tables = f["observations"], f["reports"], f["tables"]
    faults = [
        ("percent", "level", 140.0),
        ("percent", "change", -200.0),
        ("percentage_points", "change", 150.0),
        ("count", "level", -3.0),
        ("days", "level", -1.0),
        ("multiple", "level", 0.0),
    ]
    for i, (unit, kind, value) in enumerate(faults):
        obs.loc[i, ["unit", "kind", "value"]] = [unit, kind, value]
    obs.loc[10, "page"] = 0
    obs.loc[11, ["char_start", "char_end"]] = [-1, 5]
    obs.loc[12, ["char_start", "char_end"]] = [20, 10]
    obs.loc[13, "quote"] = "   "
    obs.loc[14, "stated_as"] = ""
    reports.loc[0, "survey_year"] = 1950
    reports.loc[1, "pages"] = 0
    reports.loc[2, "content_sha256"] = "not-a-digest"
    reports.loc[3, "n_observations"] = -1
    tables.loc[0, "row"] = -1
    tables.loc[1, "col"] = -1
    tables.loc[2, "page"] = 0
    return f


def test_pandas_and_great_expectations_agree_on_every_row_rule() -> None:
    """Rule.violations is the quarantine's reading of a rule; GX is the gate's. They must match."""
    frames = inject_every_row_fault(release_frames(n_observations=300, n_reports=6, seed=5))
    for dataset in ("reports", "observations", "tables"):
        frame = frames[dataset]
        verdicts = {c.name: c for c in gx_adapter.validate(dataset, frame)}
        for rule in (r for r in row_rules() if r.dataset == dataset):
            mask = rule.violations(frame)
            gx = verdicts[rule.name]
            assert mask.any(), rule.name  # the fault above reaches this rule
            assert gx.observed["unexpected_count"] == int(mask.sum()), rule.name
            assert set(gx.report_ids) == set(frame.loc[mask, "report_id"]), rule.name


def test_dataset_level_rules_still_block(assembled: dict[str, pd.DataFrame]) -> None:
    """A duplicated key is not an odd figure: split leaves it, the gate refuses the release."""
    broken = {name: frame.copy() for name, frame in assembled.items()}
    obs = broken["observations"]
    obs.loc[1, "observation_id"] = obs.loc[0, "observation_id"]
    kept, _ = split(broken)
    assert kept["observations"]["observation_id"].duplicated().any()
    gate = run_gate(kept)
    assert "observations.expect_column_values_to_be_unique[observation_id]" in {c.name for c in gate.failed()}
    with pytest.raises(ValueError, match="dataset-level"):
        Rule("observations", "expect_column_values_to_be_unique", {"column": "observation_id"}, "key").violations(obs)
