"""The tumour-board report as a board reads it (issue 16): first block, findings and hints, non-contributory
samples, contract keys rendered when present, figures built once, readable wording and numbers, PDF, crashes."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES, write_chas
from lms_genomics.cli.main import main

from lms_genomics import classify, classify_all
from lms_genomics.report import facts
from lms_genomics.report.html_report import methods_text, render_report
from lms_genomics.report.summary import format_summary
from lms_genomics.result import SampleResult

THESIS = FIXTURES / "thesis_cohort"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def _chromium():
    from lms_genomics.report.static_export import BrowserNotFoundError, find_browser

    try:
        return find_browser()
    except BrowserNotFoundError:
        return None


def first_part(html: str) -> str:
    return html.split("<h2>Genome profile</h2>")[0]


@pytest.fixture(scope="module")
def liposarcoma(tmp_path_factory):
    """A ChAS export with MDM2 at CN 22 and CDK4 at CN 15 (12q13-15 amplicons), RB1 and TP53 untouched."""
    d = tmp_path_factory.mktemp("ddlps")
    write_chas(d / "ddlps.txt", [("12", 57_900_000, 58_400_000, "Gain", 15), ("12", 68_500_000, 70_000_000, "Gain", 22),
                                 ("9", 21_900_000, 22_100_000, "Loss", 0)], sample="DDLPS1")
    return classify(d)


@pytest.fixture(scope="module")
def case2():
    return classify(EXAMPLES / "case2")


def test_mdm2_cdk4_amplification_raises_the_liposarcoma_differential(liposarcoma):
    html = first_part(render_report(liposarcoma))
    assert "<b>MDM2</b> CN 22 (12q15)" in html and "<b>CDK4</b> CN 15 (12q14.1)" in html
    assert "dedifferentiated liposarcoma, the main differential diagnosis of leiomyosarcoma" in html
    assert "Sirvent N" in html  # the hint carries its reference
    assert "MDM2 amplified: characteristic" not in html  # the co-amplification rule supersedes the single ones
    assert "<b>CDKN2A</b> (9p21.3)" in html and "CDKN2A homozygous deletion" in html  # any gene, not only RB1…
    text = format_summary(liposarcoma)
    amplified = next(line for line in text.splitlines() if line.startswith("  amplified: "))
    assert "MDM2 CN 22 (12q15)" in amplified and "CDK4 CN 15 (12q14.1)" in amplified
    assert "hint (not a diagnosis): MDM2 and CDK4 co-amplified" in text


def test_first_block_order_and_content(case2):
    html = render_report(case2)
    head = first_part(html)
    order = [head.index(w) for w in ("Sample", "Copy number", "Variants", "Fusions", "Genomic profile",
                                     "Key gene", "Findings worth discussing")]
    assert order == sorted(order)
    assert "complex</b> profile — A = 13 anomalies on C = 10 chromosomes, GI = 16.9 (GI &gt; 10), FGA 22 %" in head
    # an export alone carries no array QC value: "not assessed" (issue 15), not the "pass" it read before
    assert "OncoScan ChAS segment export — QC <span class=\"qc-not_assessed\">not assessed</span>" in head
    assert "MAPD not measured" in head
    assert "<b>RB1</b> (13q14.2)" in head and "<b>MYOCD</b> CN 8 (17p12)" in head
    assert "MYOCD amplified: supports smooth-muscle differentiation" in head
    assert "NON-CONTRIBUTORY" not in html


def test_non_contributory_said_first(tmp_path):
    r = classify(THESIS / "case08")  # MAPD 0.41 > 0.3
    summary = format_summary(r)
    assert summary.splitlines()[0].startswith("case08: NON-CONTRIBUTORY (")
    assert "MAPD" in summary.splitlines()[0]
    html = render_report(r)
    body = html.split("<body>", 1)[1]
    assert body.index("NON-CONTRIBUTORY") < body.index("Findings worth discussing") < body.index("Genome profile")
    assert '<div class="banner">NON-CONTRIBUTORY — copy-number QC failed: MAPD' in html


def test_variant_qc_failure_alone_is_not_a_copy_number_failure(case2):
    doc = case2.to_dict()
    doc["qc"] = {**doc["qc"], "verdict": "pass", "copy_number": {"verdict": "pass", "reasons": [], "measures": {}},
                 "variants": {"verdict": "fail", "reasons": ["median depth 40 < 100"], "measures": {}}}
    assert facts.non_contributory(doc) == (False, "")
    doc["qc"]["copy_number"] = {"verdict": "fail", "reasons": ["MAPD 0.41 > 0.3"], "measures": {"mapd": 0.41}}
    bad, why = facts.non_contributory(doc)
    assert bad and "MAPD 0.41 > 0.3" in why


def _contract_doc(result: SampleResult) -> dict:
    """A real result's document carrying every key the round's contract adds (issues 12-15)."""
    doc = copy.deepcopy(result.to_dict())
    prof = doc["profile"]
    prof["ploidy"] = {"value": 2.31, "source": "ChAS CN states", "wgd": False}
    prof["scores"] = {"research_use": True, "avg_cn": 2.1234, "wgd": False, "lst": 12, "nlst": 6.0,
                      "hrd": "negative", "hr_loh": "not_assessed", "gloh": 0.05, "td": 1, "td_plus": 0,
                      "mb_altered": 612.4, "mb_kit": 590.0, "thresholds": {}}
    doc["provenance"]["sex"] = {"value": "female", "source": "sample sheet"}
    doc["genes"]["MYOCD"].update({"subclonal_or_mixed": False, "focal": True,
                                  "relative_state": "amplification (CN 8 ≥ 2.5 × ploidy 2.31)",
                                  "role": "oncogene"})
    doc["qc"].update({"copy_number": {"verdict": "pass", "reasons": [], "measures": {"mapd": 0.18}},
                      "variants": {"verdict": "pass", "reasons": [], "measures": {"median_depth": 1500.0}},
                      "fusions": {"verdict": "not_assessed", "reasons": [], "measures": {}}})
    doc["fusions"] = "not_assessable"
    doc["biallelic"]["TP53"].update({"status": "probable", "reason": "one damaging mutation with loss of the "
                                                                      "other allele (copy_number 1)"})
    doc["biallelic"]["RB1"].update({"status": "confirmed", "reason": "homozygous deletion"})
    for v in doc["variants"]:
        if v.get("hgvs_p") == "p.Met246Val":
            v.update({"consequence": "missense_variant", "exon": "7", "classification": "damaging",
                      "annotation_source": "FUNC", "polymorphism": False, "germline_hint": False,
                      "ffpe_artefact": False, "limit_of_detection": False})
    doc["sequenced_territory"] = {"TP53": 0.71, "RB1": 0.38, "PTEN": "not_assessed"}
    return doc


def test_contract_keys_rendered_when_present(tmp_path):
    d = tmp_path / "full"
    d.mkdir()
    shutil.copy(EXAMPLES / "case2" / "case2.segments.txt", d)
    shutil.copy(FIXTURES / "vcf" / "case01_tvc52.vcf", d)
    r = classify(d)
    doc = _contract_doc(r)
    html = render_report(r, doc=doc)
    head = first_part(html)
    assert "GI = 16.9 (GI &gt; 10)" in head and "of which whole-chromosome 0, arm 4, sub-arm 9" in head
    assert "ploidy 2.3 (ChAS CN states), no whole-genome doubling; sex female (sample sheet)" in head
    assert "biallelic (probable): one damaging mutation with loss of the other allele (copy number 1)" in head
    assert "biallelic (confirmed): homozygous deletion" in head
    assert "amplification (CN 8 ≥ 2.5 × ploidy 2.31), focal" in head  # relative_state shown when present
    assert "not assessable (Archer RNA QC failed)" in head
    assert "c.736A&gt;G p.Met246Val, VAF 38 % (depth 2,000), damaging, missense variant" in head
    assert "Genomic scores" in html and "For research use only" in html and "HR-LOH</td><td>not assessed" in html
    assert "RB1 38 %, TP53 71 %, PTEN not assessed" in html
    assert "<td>0.18</td>" not in head  # measures stay in the QC section
    summary = format_summary(r, doc=doc)
    assert "fusions: not assessable (Archer RNA QC failed)" in summary
    assert "ploidy 2.3" in summary.splitlines()[2]
    # The same document without those keys renders too (results of earlier versions).
    bare = r.to_dict()
    bare["profile"].pop("scores", None)
    assert "Genomic scores" not in render_report(r, doc=bare)


def test_no_internal_keys_shown_to_readers(case2):
    html = render_report(case2)
    visible = re.sub(r"<script.*?</script>|<style>.*?</style>", "", html, flags=re.S)
    visible = re.sub(r"<code>.*?</code>", "", visible, flags=re.S)  # threshold names in the provenance table
    visible = re.sub(r'class="[^"]*"|id="[^"]*"', "", visible)
    for key in ("copy_neutral_loh", "not_assessed", "homozygous_deletion", "heterozygous_deletion", "loh_assessed",
                "segments_below_marker_floor", "chas_segments"):
        assert key not in visible, key
    assert "0.953299" not in visible


def test_readable_numbers():
    assert [facts.fmt_cn(v) for v in (8.0, 0.953299, 1.33, 0.04, 0, None)] == ["8", "1.0", "1.3", "0.0", "0", "—"]
    assert facts.fmt_pct(0.2234) == "22 %" and facts.fmt_gi(19.6000001) == "19.6"
    assert facts.fmt_vaf(0.0612) == "6.1 %" and facts.fmt_vaf(0.38) == "38 %"


def test_genes_tsv_numbers_rounded(tmp_path):
    r = classify_all(FIXTURES / "samples" / "log2_purity_sheet")[0]
    from lms_genomics.report.writers import genes_tsv

    text = genes_tsv(r)
    assert not re.search(r"\d\.\d{5,}", text), re.search(r"\d\.\d{5,}", text)
    assert any(v not in (None, 0, 1, 2) and abs(v - round(v)) > 1e-6 for v in r.genes["copy_number"].dropna())


def test_methods_from_what_was_read(case2):
    seg = classify_all(FIXTURES / "samples" / "log2_purity_sheet")[0]
    text = methods_text(seg)
    assert "log2-ratio segments (.seg)" in text and "purity p = " in text and "sample sheet" in text
    assert "ChAS CN states" not in text
    assert "Variants were not analysed (no VCF)." in text and "Fusions were not analysed" in text
    assert "Variants are reportable" not in text and "unique start sites" not in text
    chas = methods_text(case2)
    assert "ChAS CN states as exported" in chas and "derived from segment log2 ratios" not in chas


def test_vcf_only_folder_writes_json_tsv_and_report(tmp_path):
    """Regression: the report called .items() on "not_assessed" and left a JSON behind (issue 16)."""
    d = tmp_path / "vcf_only"
    d.mkdir()
    shutil.copy(FIXTURES / "vcf" / "case01_tvc52.vcf", d)
    res = run("classify", d, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == ["vcf_only.json", "vcf_only.report.html", "vcf_only.variants.tsv"]
    report = (tmp_path / "out" / "vcf_only.report.html").read_text()
    assert "p.Met246Val" in report and "Copy number was not assessed" in report
    tsv = (tmp_path / "out" / "vcf_only.variants.tsv").read_text().splitlines()
    assert tsv[0].startswith("sample\tgene\tchrom\tpos") and any("p.Met246Val" in line for line in tsv)
    assert res.output.splitlines()[0] == "vcf_only: copy number not assessed (no ChAS export or log2 segments)"


def test_figures_built_once_per_sample(tmp_path, monkeypatch):
    """Regression (issue 18): with --plots and the report the genome figure was built twice."""
    from lms_genomics.report import plots

    calls = []
    real = plots.genome_figure

    def counting(result, *a, chromosome=None, **kw):
        calls.append(chromosome)
        return real(result, *a, chromosome=chromosome, **kw)

    monkeypatch.setattr(plots, "genome_figure", counting)
    res = run("classify", EXAMPLES / "case2", "--out", tmp_path, "--plots", "html", "-q")
    assert res.exit_code == 0, res.output
    assert calls.count(None) == 1  # the genome figure, shared by case2.genome.html and the report
    assert sorted(c for c in calls if c) == ["chr10", "chr13", "chr17"]  # PTEN, RB1, TP53/MYOCD zooms


def test_key_event_chromosomes(case2):
    from lms_genomics.report.figures import key_event_chromosomes

    assert key_event_chromosomes(case2.to_dict()) == ["chr10", "chr13", "chr17"]


def test_one_shared_plotly_js_for_several_samples(tmp_path):
    res = run("classify", FIXTURES / "seg" / "dnacopy_multi_sample.seg", "--out", tmp_path, "-q", "--plots", "html")
    assert res.exit_code == 0, res.output
    js = tmp_path / "plotly.min.js"
    assert js.is_file() and js.stat().st_size > 1_000_000
    for page in list(tmp_path.glob("*.report.html")) + list(tmp_path.glob("*.genome.html")):
        text = page.read_text()
        assert 'src="plotly.min.js"' in text and len(text) < 1_000_000, page.name
    single = tmp_path / "single"
    assert run("classify", EXAMPLES / "case2", "--out", single, "-q").exit_code == 0
    assert not (single / "plotly.min.js").exists()
    assert len((single / "case2.report.html").read_text()) > 1_000_000  # one self-contained offline file


def test_cohort_html_every_column_marks_and_order(tmp_path):
    res = run("cohort", THESIS, "--out", tmp_path, "-q")
    assert res.exit_code == 0, res.output
    html = (tmp_path / "cohort.html").read_text()
    from lms_genomics.report.cohort_report import TSV_COLUMNS

    head = html.split("<table class='sortable'>")[1].split("</thead>")[0]
    assert [re.sub("<.*?>", "", h) for h in re.findall(r"<th>.*?</th>", head)] == TSV_COLUMNS
    for col in ("TP53_mutations", "RB1_biallelic", "fusions"):
        assert f"<th>{col}</th>" in head
    assert 'src="plotly.min.js"' in html and html.count("plotly.js v") == 0
    assert (tmp_path / "plotly.min.js").is_file()
    assert "reportable mutation" in html and "biallelic inactivation" in html
    rows = re.findall(r"<tr( class=\"nc\")?><td>(case\d+)</td>", html)
    nc = [name for cls, name in rows if cls]
    assert sorted(nc) == ["case08", "case11", "case13"] and [n for _, n in rows[-3:]] == nc  # greyed, last
    assert "addEventListener('click'" in html


def test_oncoprint_order_class_then_alteration():
    import pandas as pd

    from lms_genomics.report.cohort_report import oncoprint_order

    table = pd.DataFrame([
        {"sample": "a", "contribution": "non-contributory", "class": "complex", "RB1": "homozygous_deletion"},
        {"sample": "b", "contribution": "contributory", "class": "simple", "RB1": "homozygous_deletion"},
        {"sample": "c", "contribution": "contributory", "class": "complex", "RB1": "neutral"},
        {"sample": "d", "contribution": "contributory", "class": "complex", "RB1": "heterozygous_deletion"},
        {"sample": "e", "contribution": "failed", "class": None, "RB1": None},
    ])
    assert list(oncoprint_order(table)["sample"]) == ["d", "c", "b", "a", "e"]


# --- figures -----------------------------------------------------------------------------------------------------

def _boxes_px(fig, width):
    from lms_genomics.report.plots import MARGIN

    meta = fig.layout.meta
    total = fig.layout.xaxis.range[1]
    plot_px = width - MARGIN["l"] - MARGIN["r"]
    out = []
    for b in meta["label_boxes"]:
        c = b["label_x"] / total * plot_px
        out.append((b["side"], c - b["width_px"] / 2, c + b["width_px"] / 2, b["offset_px"],
                    b["offset_px"] + b["height_px"], b["gene"]))
    return out, plot_px


@pytest.mark.parametrize("genes", [("RB1", "TP53", "MYOCD", "PTEN", "CDKN2A"),
                                   ("RB1", "TP53", "MYOCD", "PTEN", "CDKN2A", "CDKN2B", "NF1", "ATRX", "MDM2",
                                    "CDK4", "HMGA2", "FRS2", "ERBB2", "KIT")])
@pytest.mark.parametrize("width", [800, 1400])
def test_gene_labels_never_overlap_and_stay_inside(case2, genes, width):
    from lms_genomics.report.plots import genome_figure

    fig = genome_figure(case2, genes=genes)  # laid out for 800 px, the narrowest supported width
    boxes, plot_px = _boxes_px(fig, width)
    assert len(boxes) == len(genes)
    for side, x0, x1, *_ in boxes:
        assert x0 >= -1e-6 and x1 <= plot_px + 1e-6, (side, x0, x1)
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            if a[0] != b[0]:
                continue
            overlap_x = a[1] < b[2] and b[1] < a[2]
            overlap_y = a[3] < b[4] and b[3] < a[4]
            assert not (overlap_x and overlap_y), (a, b)


def test_mutation_and_biallelic_marks_on_the_figure(tmp_path):
    from lms_genomics.report.plots import genome_figure

    d = tmp_path / "s"
    d.mkdir()
    shutil.copy(EXAMPLES / "case2" / "case2.segments.txt", d)
    shutil.copy(FIXTURES / "vcf" / "case01_tvc52.vcf", d)
    fig = genome_figure(classify(d))
    tp53 = next(a for a in fig.layout.annotations if (a.text or "").startswith("<b>TP53</b>"))
    assert "▼ p.Met246Val 38 %" in tp53.text and "★ biallelic" in tp53.text
    names = {t.name for t in fig.data}
    assert {"reportable mutation", "biallelic inactivation"} <= names


def test_legend_below_the_plot_not_over_the_title(case2):
    from lms_genomics.report.plots import genome_figure

    fig = genome_figure(case2, chromosome="17")
    assert fig.layout.legend.y < 0 and fig.layout.legend.yanchor == "top"
    assert fig.layout.title.text.endswith("chr17")


# --- browser paths -----------------------------------------------------------------------------------------------

def test_plots_png_after_plain_install(tmp_path):
    """kaleido is a core dependency: --plots png works whenever Chromium is there."""
    import importlib.util

    assert importlib.util.find_spec("kaleido") is not None
    if _chromium() is None:
        pytest.skip("no Chromium (apt-get install chromium): PNG export test skipped")
    res = run("classify", EXAMPLES / "case2", "--out", tmp_path, "--plots", "png", "-q")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "case2.genome.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("command", [("classify", EXAMPLES / "case2", "--plots", "png"),
                                     ("classify", EXAMPLES / "case2", "--report-formats", "pdf"),
                                     ("plot", EXAMPLES / "case2", "--formats", "png"),
                                     ("report", EXAMPLES / "case2", "--formats", "pdf")])
def test_no_browser_exit_6_one_line_nothing_written(tmp_path, monkeypatch, command):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    monkeypatch.setenv("PATH", str(tmp_path))
    res = run(*command, "--out", tmp_path / "out")
    assert res.exit_code == 6, res.output
    assert res.stderr.startswith("lmsgen: error: ") and "Chromium" in res.stderr
    assert "\n" not in res.stderr.strip()
    assert not (tmp_path / "out").exists()


def test_broken_browser_exit_6_one_line(tmp_path, monkeypatch):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("BROWSER_PATH", str(fake))
    res = run("report", EXAMPLES / "case2", "--formats", "pdf", "--out", tmp_path / "out")
    assert res.exit_code == 6 and str(fake) in res.stderr and "\n" not in res.stderr.strip()
    assert not (tmp_path / "out").exists()  # found broken before anything was written


def test_report_pdf_a4_with_the_figure_on_page_1(tmp_path):
    if _chromium() is None or shutil.which("pdftotext") is None:
        pytest.skip("no Chromium or no pdftotext (apt-get install chromium poppler-utils): PDF test skipped")
    assert run("classify", EXAMPLES / "case2", "--out", tmp_path, "-q").exit_code == 0
    res = run("report", tmp_path / "case2.json", "--formats", "pdf", "--out", tmp_path / "pdf")
    assert res.exit_code == 0, res.output
    pdf = tmp_path / "pdf" / "case2.report.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "(A4)" in info
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages <= 6
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Findings worth discussing" in page1 and "copy number" in page1 and "homozygous deletion" in page1
    assert "chromosome (hg19)" in page1  # the genome figure's axis: the figure is on page 1


def test_report_of_an_existing_json_equals_classify(tmp_path):
    assert run("classify", EXAMPLES / "case2", "--out", tmp_path, "-q").exit_code == 0
    doc = json.loads((tmp_path / "case2.json").read_text())
    res = run("report", tmp_path / "case2.json", "--out", tmp_path / "again")
    assert res.exit_code == 0, res.output
    again = (tmp_path / "again" / "case2.report.html").read_text()
    assert first_part(again).count("<b>RB1</b>") >= 2
    assert [e["iscn"] for e in doc["profile"]["iscn"]][0] in again
