"""The tumour-board HTML report: self-contained, escaped, renders in headless Chromium."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from lms_genomics import classify

pytest.importorskip("plotly")

ROOT = Path(__file__).resolve().parents[1]
CASE2 = ROOT / "examples" / "case2"
FIX = ROOT / "tests" / "fixtures"
EVIL = "<script>alert(1)</script>"


def _browser() -> str | None:
    from lms_genomics.report.static_export import BrowserNotFoundError, find_browser

    try:
        return find_browser()
    except BrowserNotFoundError:
        return None


@pytest.fixture(scope="module")
def full_sample(tmp_path_factory):
    """case2 copy number + a TVC VCF + an Archer output with SS18::SSX2."""
    d = tmp_path_factory.mktemp("full")
    shutil.copy(CASE2 / "case2.segments.txt", d)
    shutil.copy(FIX / "vcf" / "case01_tvc52.vcf", d)
    shutil.copy(FIX / "archer" / "full_results_ss18_ssx2.txt", d)
    return classify(d)


@pytest.fixture(scope="module")
def evil_report(full_sample):
    from lms_genomics.report.html_report import render_report

    r = classify(CASE2)
    r.sample = EVIL
    r.warnings = [*r.warnings, "file <b>bad</b>.txt: odd & worse"]
    r.provenance = {**r.provenance, "inputs": [{**r.provenance["inputs"][0], "path": "/data/<img src=x>.txt"}]}
    return render_report(r)


def test_report_self_contained(full_sample):
    from lms_genomics.report.html_report import render_report

    html = render_report(full_sample)
    assert html.startswith("<!DOCTYPE html>")
    assert "plotly.js v" in html or "Plotly" in html
    assert html.count("plotly.js v") <= 1  # plotly.js embedded once
    assert not re.search(r"<script[^>]+src=[\"']?https?:", html, re.I)
    assert not re.search(r"<link[^>]+href=[\"']?https?:", html, re.I)
    assert 'id="genome-plot"' in html


def test_report_content(full_sample):
    from lms_genomics.report.html_report import render_report

    html = render_report(full_sample)
    for text in ("complex", "A = 13", "GI = 16.9", "amplification (CN 8)", "homozygous deletion (CN 0)",
                 "SS18::SSX2", "synovial sarcoma (hint, not a diagnosis)", "p.Met246Val", "Biallelic inactivation",
                 "biallelic (probable): damaging mutation and deletion of the other allele",
                 "Methods", "Provenance", "sha256", "FAO/FDP"):
        assert text in html, text
    th = full_sample.provenance["thresholds"]
    methods = html.split("<h2>Methods</h2>")[1].split("</p>")[0]
    assert f"CN ≥ {th['amp_min_cn']:g}" in methods and f"MAPD &gt; {th['qc_max_mapd']:g}" in methods
    for inp in full_sample.provenance["inputs"]:
        assert inp["sha256"] in html


def test_methods_follow_thresholds():
    from lms_genomics.report.html_report import methods_text
    from lms_genomics.thresholds import Thresholds

    r = classify(CASE2, thresholds=Thresholds().with_overrides(amp_min_cn=6))
    assert "CN ≥ 6" in methods_text(r)


def test_not_assessed_and_none_detected(tmp_path):
    from lms_genomics.report.html_report import render_report

    html = render_report(classify(CASE2))
    summary = html.split("<h2>Genome profile</h2>")[0]
    assert "not assessed (no Archer output)" in summary and "not assessed (no VCF)" in summary
    d = tmp_path / "s"
    d.mkdir()
    shutil.copy(CASE2 / "case2.segments.txt", d)
    shutil.copy(FIX / "archer" / "full_results_no_fusion.txt", d)
    html = render_report(classify(d))
    assert "none detected" in html.split("<h2>Genome profile</h2>")[0]


def test_user_strings_escaped(evil_report):
    html = evil_report
    assert EVIL not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<img src=x>" not in html and "&lt;img src=x&gt;" in html
    assert "<b>bad</b>" not in html and "file &lt;b&gt;bad&lt;/b&gt;.txt: odd &amp; worse" in html
    # The embedded JSON cannot close its script element, and still parses back to the true name.
    m = re.search(r'<script type="application/json" id="lmsgen-result">(.*?)</script>', html, re.S)
    assert m and "</" not in m.group(1) and "<!--" not in m.group(1)
    assert json.loads(m.group(1))["sample"] == EVIL


def test_write_report_atomic(full_sample, tmp_path):
    from lms_genomics.report.html_report import write_report

    out = write_report(full_sample, tmp_path / "r" / "case2.report.html")
    assert out.read_text(encoding="utf-8").rstrip().endswith("</html>")
    assert [p.name for p in out.parent.iterdir()] == ["case2.report.html"]


def test_report_renders_in_headless_chromium(evil_report, tmp_path):
    browser = _browser()
    if browser is None:
        pytest.skip("no Chromium/Chrome found (apt-get install chromium, or set BROWSER_PATH): render test skipped")
    hook = ("<script>window.onerror=function(m){var d=document.documentElement;"
            "d.setAttribute('data-js-error',(d.getAttribute('data-js-error')||'')+m+';');};"
            "window.alert=function(){document.documentElement.setAttribute('data-alert','1');};</script>")
    page = tmp_path / "report.html"
    page.write_text(evil_report.replace("<head>", "<head>" + hook, 1), encoding="utf-8")
    cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'ud'}",
           "--virtual-time-budget=15000", "--dump-dom", page.as_uri()]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)
    dom = proc.stdout
    assert proc.returncode == 0, proc.stderr[-2000:]
    root = re.search(r"<html[^>]*>", dom).group(0)
    assert "data-js-error" not in root, root
    assert "data-alert" not in root  # the sample name never ran as script
    plot = dom.split('id="genome-plot"', 1)[1]
    assert 'class="main-svg"' in plot.split("<h2>", 1)[0]
    assert "MYOCD" in plot
