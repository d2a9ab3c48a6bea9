"""lmsgen classify --plots / --report and lmsgen plot, as a user runs them."""

from __future__ import annotations

import shutil

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES
from lms_genomics.cli.main import main


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_classify_writes_report_and_html_plot_without_a_browser(tmp_path):
    res = run("classify", EXAMPLES / "case2", "--out", tmp_path, "--plots", "html", "-q")
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["case2.genes.tsv", "case2.genome.html", "case2.igv.seg", "case2.json", "case2.report.html"]
    report = (tmp_path / "case2.report.html").read_text()
    assert "MYOCD" in report and "<script src=\"http" not in report


def test_unknown_plot_format_is_a_usage_error(tmp_path):
    res = run("classify", EXAMPLES / "case2", "--out", tmp_path, "--plots", "gif")
    assert res.exit_code == 2 and "gif" in res.stderr
    assert not list(tmp_path.iterdir())


def test_missing_browser_fails_before_writing_anything(tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    monkeypatch.setenv("PATH", str(tmp_path))
    res = run("classify", EXAMPLES / "case2", "--out", tmp_path / "out", "--plots", "png")
    assert res.exit_code == 6
    assert "Chromium" in res.stderr and "\n" not in res.stderr.strip()
    assert not (tmp_path / "out").exists()


def test_plot_an_existing_result_zoomed_on_chr17(tmp_path):
    if shutil.which("chromium") is None and shutil.which("chromium-browser") is None:
        pytest.skip("no Chromium: apt-get install chromium to run the PNG export test")
    assert run("classify", EXAMPLES / "case2", "--out", tmp_path, "-q").exit_code == 0
    res = run("plot", tmp_path / "case2.json", "--out", tmp_path / "figs", "--chromosome", "17",
              "--formats", "png,svg,html")
    assert res.exit_code == 0, res.output
    png = (tmp_path / "figs" / "case2.chr17.genome.png").read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 20_000
    assert (tmp_path / "figs" / "case2.chr17.genome.svg").read_text().lstrip().startswith("<svg")


def test_plot_refuses_a_json_that_is_not_a_result(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"schema": "other"}')
    res = run("plot", bad, "--formats", "html", "--out", tmp_path)
    assert res.exit_code == 3 and "x.json" in res.stderr
