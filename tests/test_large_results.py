"""Very large results (issue 19: 2 M segments in one sample took 87 s and 11.8 GB without the report, 244 s and
13 GB with it): above ``REPORT_MAX_SEGMENTS`` copy-number segments ``lmsgen classify`` writes no report and no figure
(a warning says why) and writes the JSON compact from the arrays; the JSON holds every result all the same."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from lms_genomics.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def test_classify_regression_two_million_segments_no_report_compact_json(tmp_path, monkeypatch):
    from lms_genomics import classify
    from lms_genomics.report import outputs

    monkeypatch.setattr(outputs, "REPORT_MAX_SEGMENTS", 10)  # case2 has 19 segments: "very large" here
    res = CliRunner().invoke(main, ["classify", str(ROOT / "examples" / "case2"), "--out", str(tmp_path),
                                    "--plots", "html"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["case2.genes.tsv", "case2.igv.seg", "case2.json"]
    doc = json.loads((tmp_path / "case2.json").read_text())
    assert any("no report and no figure were written" in w for w in doc["warnings"])
    expected = classify(ROOT / "examples" / "case2").to_dict()
    for key in ("genes", "segments", "biallelic"):
        assert doc[key] == expected[key]
    assert doc["profile"]["class"] == expected["profile"]["class"] == "complex"
    assert "\n" not in (tmp_path / "case2.json").read_text().rstrip("\n")  # compact
    assert "no report and no figure were written" in res.output


def test_classify_ordinary_result_keeps_report_and_indented_json(tmp_path):
    res = CliRunner().invoke(main, ["classify", str(ROOT / "examples" / "case2"), "--out", str(tmp_path)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / "case2.report.html").is_file()
    assert (tmp_path / "case2.json").read_text().startswith("{\n  ")
