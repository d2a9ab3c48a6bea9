"""Issue 15: QC per assay, sample identity, output names, and negative results that say what was not assessed.

Every "Done when" item of the issue is asserted here through the library or the CLI; the QC readers are in the
reader contract suite (their fixtures: tests/fixtures/qc/make_fixtures.py)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES
from lms_genomics.cli.main import main

from lms_genomics import classify
from lms_genomics.calling.qc import assay_verdicts, sample_verdict
from lms_genomics.errors import InputError
from lms_genomics.identity import identity_warnings, same_sample
from lms_genomics.io.apt_qc import header_measures, read_qc_table
from lms_genomics.io.archer_read_stats import read_read_stats
from lms_genomics.io.ion_coverage import read_coverage_stats
from lms_genomics.naming import NamePlan, StemRegistry, file_stem
from lms_genomics.report import facts
from lms_genomics.report.summary import format_summary
from lms_genomics.thresholds import Thresholds

QC = FIXTURES / "qc"
ARCHER = FIXTURES / "archer"
CASE2 = EXAMPLES / "case2" / "case2.segments.txt"  # complex profile, RB1 homozygous deletion
THESIS = FIXTURES / "thesis_cohort"


def folder(tmp_path: Path, name: str, *files: Path, rename: dict[str, str] | None = None) -> Path:
    d = tmp_path / name
    d.mkdir(parents=True)
    for f in files:
        shutil.copy(f, d / (rename or {}).get(f.name, f.name))
    return d


def run(*args) -> object:
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


# --- Done when: copy number ----------------------------------------------------------------------------------------

def test_export_alone_is_not_assessed_overall(tmp_path):
    r = classify(folder(tmp_path, "case2", CASE2))
    assert r.qc["verdict"] == "not_assessed"
    assert r.qc["copy_number"]["verdict"] == "not_assessed"
    assert "MAPD not measured" in r.qc["copy_number"]["reasons"][0]
    assert r.qc["variants"]["verdict"] == r.qc["fusions"]["verdict"] == "not_assessed"
    assert r.qc["variants"]["read"] is False and r.qc["non_contributory"] is False
    assert r.qc["checks"]["segmentation"] == "pass"  # a segment count alone never passes the array
    assert r.profile_class == "complex"


def test_probes_with_mapd_045_make_copy_number_non_contributory(tmp_path):
    r = classify(folder(tmp_path, "case2", CASE2, QC / "mapd045.probeset.txt"))
    cn = r.qc["copy_number"]
    assert cn["verdict"] == "fail" and cn["measures"]["mapd"] == pytest.approx(0.45, abs=0.01)
    assert "MAPD 0.45" in cn["reasons"][0] and "lmsgen from the probe-level export" in cn["measure_sources"]["mapd"]
    assert r.qc["verdict"] == "fail" and r.qc["non_contributory"] is True
    doc = r.to_dict()
    assert doc["profile"]["class"] == "non_contributory" and doc["profile"]["measured_class"] == "complex"
    assert doc["profile"]["anomalies"] == 13  # the measured profile stays, for traceability (13 since issue 13)
    assert facts.non_contributory(doc)[0]
    first = format_summary(r).splitlines()[0]
    assert first.startswith("case2: NON-CONTRIBUTORY (copy-number QC failed: MAPD 0.45")


def test_the_same_with_a_good_vcf_keeps_the_variants(tmp_path):
    r = classify(folder(tmp_path, "case2", CASE2, QC / "mapd045.probeset.txt", QC / "patient_a_depth2000.vcf"))
    assert r.qc["copy_number"]["verdict"] == "fail" and r.qc["variants"]["verdict"] == "pass"
    assert r.qc["contributory_assays"] == ["variants"]
    reportable = [v for v in r.variants if v["reportable"]]
    assert [(v["gene"], v["hgvs_p"]) for v in reportable] == [("TP53", "p.Met246Val")]
    # the failed array's calls do not make a second hit
    assert r.biallelic["TP53"]["status"] == "not_assessable"
    assert r.biallelic["TP53"]["evidence"][0].startswith("copy-number QC failed")
    assert any("variants are still reported" in w for w in r.warnings)
    row = assay_verdicts(r.to_dict())
    assert row == {"qc_copy_number": "fail", "qc_variants": "pass", "qc_fusions": ""}


def test_complex_export_with_a_shallow_vcf_keeps_the_profile(tmp_path):
    r = classify(folder(tmp_path, "case2", CASE2, QC / "patient_a_depth40.vcf"))
    assert r.profile_class == "complex"
    v = r.qc["variants"]
    assert v["verdict"] == "fail" and v["reasons"] == ["median sequencing depth 40 < 100"]
    assert v["measures"]["median_depth"] == 40 and v["measures"]["limit_of_detection"] == 0.125
    assert r.qc["non_contributory"] is False and r.qc["verdict"] != "fail"
    assert not facts.non_contributory(r.to_dict())[0]
    summary = format_summary(r)
    assert "NON-CONTRIBUTORY" not in summary
    assert "variants: Ion Torrent VCF, QC FAIL (median sequencing depth 40 < 100" in summary
    assert "no reportable variant — not a negative result: variant QC failed" in summary


def test_a_negative_variant_result_states_its_depth_and_limit_of_detection(tmp_path):
    vcf = (QC / "patient_a_depth2000.vcf").read_text().replace("\tPASS\t", "\tNOCALL\t")
    d = folder(tmp_path, "PATIENT-A", CASE2)
    (d / "p.vcf").write_text(vcf)
    r = classify(d)
    v = r.qc["variants"]
    assert v["verdict"] == "pass" and v["measures"]["limit_of_detection"] == 0.02  # 5/2000 < the 2 % VAF floor
    assert "median depth 2,000" in v["statement"] and "below 2.0 % VAF" in v["statement"]
    assert "variants: no reportable variant (median depth 2,000, limit of detection 2.0 % VAF)" in format_summary(r)


def test_coverage_analysis_report_judges_the_depth(tmp_path):
    r = classify(folder(tmp_path, "PATIENT-A", CASE2, QC / "patient_a_depth2000.vcf",
                        QC / "coverage_shallow.stats.cov.txt"))
    v = r.qc["variants"]
    assert v["verdict"] == "fail" and v["measures"]["coverage_mean_depth"] == 38.2
    assert "mean base coverage depth 38.2 < 100 (coverageAnalysis)" in v["reasons"]
    assert r.qc["checks"]["sequencing_depth"] == "pass" and r.qc["checks"]["coverage_depth"] == "fail"
    formats = {i["format"] for i in r.provenance["inputs"]}
    assert "ion_coverage" in formats
    ok = classify(folder(tmp_path, "B/PATIENT-A", CASE2, QC / "patient_a_depth2000.vcf",
                         QC / "coverage_pass.stats.cov.txt"))
    assert ok.qc["variants"]["verdict"] == "pass" and ok.qc["variants"]["measures"]["coverage_uniformity_pct"] == 94.12


def test_qc_table_mapd_and_low_ndsnpqc(tmp_path):
    fail = classify(folder(tmp_path, "a", CASE2, QC / "apt_mapd045.qc.txt"))
    assert fail.qc["copy_number"]["verdict"] == "fail" and fail.profile_class == "non_contributory"
    assert fail.qc["copy_number"]["measure_sources"]["mapd"] == "QC table apt_mapd045.qc.txt"
    good = classify(folder(tmp_path, "b", CASE2, QC / "apt_pass.qc.txt"))
    cn = good.qc["copy_number"]
    assert cn["verdict"] == "pass" and cn["measures"]["nd_snp_qc"] == 31.4 and good.qc["verdict"] == "pass"
    assert cn["measures"]["tuscan_cellularity"] == 0.62 and cn["measures"]["gender"] == "female"
    low = classify(folder(tmp_path, "c", CASE2, QC / "apt_low_ndsnpqc.qc.txt"))
    cn = low.qc["copy_number"]
    assert cn["verdict"] == "pass" and low.qc["checks"]["snp_qc"] == "fail"
    assert "ndSNPQC 18.6 < 26" in cn["cautions"][0]


def test_qc_values_in_the_export_header(tmp_path):
    assert header_measures(QC / "chas_header_qc.segments.txt") == {"mapd": 0.45, "snp_qc": 27.3,
                                                                     "waviness_sd": 0.0912, "gender": "female"}
    r = classify(folder(tmp_path, "PATIENT-A", QC / "chas_header_qc.segments.txt"))
    assert r.qc["copy_number"]["verdict"] == "fail"
    assert r.qc["copy_number"]["measure_sources"]["mapd"] == "ChAS export header (chas_header_qc.segments.txt)"


def test_batch_qc_table_gives_each_sample_its_row(tmp_path):
    report = read_qc_table(QC / "chas_qc_batch.tsv")
    assert report.samples == ["PATIENT-A.OSCHP", "PATIENT-C.OSCHP"]
    assert report.for_sample("PATIENT-C")[1]["mapd"] == 0.38
    assert report.for_sample("PATIENT-B") is None
    seg = (QC / "chas_header_qc.segments.txt").read_text().split("\n", 4)[4]  # without the QC header
    d = folder(tmp_path, "PATIENT-B", QC / "chas_qc_batch.tsv")
    (d / "b.segments.txt").write_text(seg.replace("PATIENT-A", "PATIENT-B"))
    r = classify(d)
    assert r.qc["copy_number"]["verdict"] == "not_assessed"
    assert any("has no row for sample 'PATIENT-B'" in w for w in r.warnings)


def test_low_ndsnpqc_makes_an_loh_second_hit_probable(tmp_path):
    vcf = (QC / "patient_a_depth2000.vcf").read_text().replace("AF=0.38", "AF=0.95").replace(
        "FAO=760;FDP=2000;FRO=1240", "FAO=1900;FDP=2000;FRO=100").replace("0/1:2000:760", "0/1:2000:1900")
    seg = (THESIS / "case01" / "case01.segments.txt").read_text().replace("case01", "PATIENT-A")
    good = tmp_path / "good" / "PATIENT-A"
    good.mkdir(parents=True)
    (good / "p.vcf").write_text(vcf)
    (good / "p.segments.txt").write_text(seg)
    r = classify(good)
    assert r.biallelic["TP53"]["status"] == "confirmed"  # 17p copy-neutral LOH + VAF 0.95
    low = tmp_path / "low" / "PATIENT-A"
    shutil.copytree(good, low)
    shutil.copy(QC / "apt_low_ndsnpqc.qc.txt", low)
    b = classify(low).biallelic["TP53"]
    assert b["status"] == "probable" and b["biallelic"] is True and "low_snp_qc" in b["flags"]
    assert "ndSNPQC 18.6 < 26" in b["reason"]


# --- Done when: fusions --------------------------------------------------------------------------------------------

def test_archer_control_metric_4_and_no_fusion_is_not_assessable(tmp_path):
    r = classify(folder(tmp_path, "S-23-0002", ARCHER / "full_results_no_fusion.txt", QC / "read_stats_metric4.json"))
    assert r.fusions == "not_assessable"
    f = r.qc["fusions"]
    assert f["verdict"] == "fail" and f["measures"]["rna_control_start_sites"] == 4.0
    assert "per GSP2 control 4 < 10" in f["reasons"][0]
    summary = format_summary(r)
    assert "fusions: not assessable (Archer RNA QC failed" in summary and "none detected" not in summary
    assert r.to_dict()["fusions"] == "not_assessable"


def test_the_same_with_a_strong_fusion_is_reported_with_a_qc_warning(tmp_path):
    r = classify(folder(tmp_path, "S-23-0001", ARCHER / "full_results_ss18_ssx2.txt", QC / "read_stats_metric4.json"))
    reported = [f for f in r.fusions if f["reported"]]
    assert [f["fusion"] for f in reported] == ["SS18::SSX2"]
    assert "Archer RNA QC failed" in reported[0]["qc_warning"]
    assert any("SS18::SSX2 reported although Archer's RNA QC failed" in w for w in r.warnings)
    assert r.qc["fusions"]["verdict"] == "fail" and r.qc["contributory_assays"] == ["fusions"]
    assert r.qc["non_contributory"] is False  # the positive stands
    assert "QC warning" in format_summary(r)


def test_fusion_metric_passes_and_missing_metric_is_not_assessed(tmp_path):
    good = classify(folder(tmp_path, "a", ARCHER / "full_results_no_fusion.txt", QC / "read_stats_metric25.json"))
    assert good.fusions == [] and good.qc["fusions"]["verdict"] == "pass"
    assert "fusions: none detected" in format_summary(good)
    none = classify(folder(tmp_path, "b", ARCHER / "full_results_no_fusion.txt", QC / "read_stats_no_metric.json"))
    assert none.fusions == [] and none.qc["fusions"]["verdict"] == "not_assessed"
    assert "none detected (Archer RNA QC not assessed" in format_summary(none)
    alone = classify(folder(tmp_path, "c", ARCHER / "full_results_no_fusion.txt"))
    assert alone.qc["fusions"]["verdict"] == "not_assessed"  # missing metric: never a pass
    inline = classify(folder(tmp_path, "d", QC / "full_results_rna_qc4.txt"))
    assert inline.fusions == "not_assessable"


def test_threshold_of_the_rna_metric_is_configurable(tmp_path):
    d = folder(tmp_path, "a", ARCHER / "full_results_no_fusion.txt", QC / "read_stats_metric4.json")
    r = classify(d, thresholds=Thresholds().with_overrides(qc_min_rna_control_start_sites=3))
    assert r.fusions == [] and r.qc["fusions"]["verdict"] == "pass"
    assert r.provenance["thresholds"]["qc_min_rna_control_start_sites"] == 3


# --- flat profile qualification --------------------------------------------------------------------------------------

def test_flat_profile_says_whether_tumour_content_was_established(tmp_path):
    flat = THESIS / "case14" / "case14.segments.txt"
    r = classify(folder(tmp_path, "case14", flat))
    doc = r.to_dict()
    assert doc["profile"]["class"] == "flat"
    assert doc["profile"]["tumour_content"]["established"] is False
    assert doc["profile"]["class_statement"] == "flat (tumour content not established)"
    assert "flat profile (tumour content not established)" in format_summary(r).splitlines()[0]
    sheet = folder(tmp_path, "sheet/case14", flat)
    (sheet / "sample.tsv").write_text("sample\tpurity\ncase14\t60\n")
    doc = classify(sheet).to_dict()
    assert doc["profile"]["tumour_content"]["value"] == 0.6
    assert doc["profile"]["class_statement"] == "flat (tumour content 60 % (sample sheet))"
    tuscan = classify(folder(tmp_path, "t/case14", flat, QC / "apt_pass.qc.txt")).to_dict()
    assert tuscan["profile"]["tumour_content"]["source"] == "TuScan cellularity"
    vaf = classify(folder(tmp_path, "v/PATIENT-A", flat, QC / "patient_a_depth2000.vcf")).to_dict()
    assert vaf["profile"]["tumour_content"]["source"] == "somatic variant VAF"
    assert "TP53 p.Met246Val at VAF 38 %" in vaf["profile"]["class_statement"]
    # thesis case 9: flat with TP53 p.Ser241Phe at 6 %, a C:G>T:A change flagged as a possible FFPE artefact:
    # it cannot establish the tumour content on its own
    case9 = classify(THESIS / "case09").to_dict()
    assert case9["profile"]["class_statement"] == "flat (tumour content not established)"


# --- Done when: identity ---------------------------------------------------------------------------------------------

def test_chas_export_of_patient_a_and_vcf_of_patient_b_warn_naming_both(tmp_path):
    d = tmp_path / "PATIENT-A"
    d.mkdir()
    (d / "a.segments.txt").write_text(CASE2.read_text(encoding="utf-8-sig").replace("case2.OSCHP", "PATIENT-A.OSCHP"))
    (d / "b.vcf").write_text((QC / "patient_a_depth2000.vcf").read_text().replace("\tPATIENT-A\n", "\tPATIENT-B\n"))
    r = classify(d)
    hits = [w for w in r.warnings if w.startswith("sample identity")]
    assert len(hits) == 1 and "'PATIENT-A'" in hits[0] and "'PATIENT-B'" in hits[0]
    res = run("classify", d, "--out", tmp_path / "out", "--no-report")
    assert res.exit_code == 0 and "PATIENT-B" in res.output


def test_identity_ignores_suffixes_but_not_other_patients():
    assert same_sample("PATIENT-A.OSCHP", "PATIENT-A")
    assert same_sample("H24-0153_v1", "H24-0153-01") and same_sample("H24-0153.RC.OSCHP", "h24_0153_v2")
    assert not same_sample("PATIENT-A", "PATIENT-C") and not same_sample("P7_A.CEL", "P8_A.CEL")
    assert same_sample("LMS05-T", "LMS05") and same_sample("P7_A.CEL", "P7")
    assert not same_sample("LMS-01", "LMS-02") and not same_sample("PATIENT-A", "PATIENT-B")
    assert identity_warnings([("a", "P1.OSCHP"), ("b", None), ("c", "P1_v1")]) == []


# --- Done when: cohorts --------------------------------------------------------------------------------------------

def test_two_folders_naming_the_same_sample_give_two_results(tmp_path):
    # lmsgen cohort names a sample folder's files after the folder (decided before anything is read, issue 19):
    # two folders whose exports name one sample never share files; the cohort still says the name repeats.
    series = tmp_path / "series"
    folder(series, "A", CASE2)
    b = series / "B"
    b.mkdir()
    (b / "x.segments.txt").write_text((EXAMPLES / "case6" / "case6.segments.txt").read_text(encoding="utf-8-sig")
                                      .replace("case6.OSCHP", "case2.OSCHP"))
    out = tmp_path / "out"
    res = run("cohort", series, "--out", out, "-j", "2")
    assert res.exit_code == 0, res.output
    assert "several inputs name the same sample (case2 ×2)" in res.stdout
    docs = {p.name: json.loads(p.read_text()) for p in out.glob("*.json")}
    assert set(docs) == {"A.json", "B.json"}
    assert {d["sample"] for d in docs.values()} == {"case2"}
    assert docs["A.json"]["profile"]["class"] == "complex" and docs["B.json"]["profile"]["class"] == "simple"
    table = pd.read_csv(out / "cohort.tsv", sep="\t")
    assert list(table["sample"]) == ["case2", "case2"]
    assert list(table["input"]) == ["A", "B"] and list(table["outputs"]) == ["A", "B"]
    again = run("cohort", series, "--out", out, "-j", "1")  # a re-run keeps each sample's name
    assert again.exit_code == 0 and {p.name for p in out.glob("*.json")} == set(docs)


def test_a_cohort_of_chas_only_folders_says_not_assessed(tmp_path):
    series = tmp_path / "series"
    for case in ("case2", "case6"):
        shutil.copytree(EXAMPLES / case, series / case)
    res = run("cohort", series, "--out", tmp_path / "out")
    assert res.exit_code == 0
    assert "fusions: not assessed (no Archer output)" in res.stdout
    assert "none detected" not in res.stdout and "mutated 0" not in res.stdout
    assert "mutations not assessed (no VCF)" in res.stdout


def test_a_cohort_of_non_contributory_samples_finishes_with_its_table(tmp_path):
    series = tmp_path / "series"
    for case in ("case08", "case13"):
        shutil.copytree(THESIS / case, series / case)
    res = run("cohort", series, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert "non-contributory 2" in res.stdout
    assert "RB1 not assessable (every copy-number and variant result failed QC)" in res.stdout
    assert "MYOCD amplification not assessable (QC failed in every sample)" in res.stdout
    assert "biallelic: not assessable" in res.stdout and "altered 0" not in res.stdout
    table = pd.read_csv(tmp_path / "out" / "cohort.tsv", sep="\t")
    assert list(table["contribution"]) == ["non-contributory", "non-contributory"]
    assert list(table["class"]) == ["non_contributory", "non_contributory"] and list(table["qc_copy_number"]) == [
        "fail", "fail"]


def test_cohort_counts_take_only_contributory_assays(tmp_path):
    series = tmp_path / "series"
    folder(series, "PATIENT-A", CASE2, QC / "mapd045.probeset.txt", QC / "patient_a_depth2000.vcf")
    res = run("cohort", series, "--out", tmp_path / "out")
    assert res.exit_code == 0
    # the array failed: RB1's homozygous deletion is not counted; the VCF passed: the TP53 mutation is
    assert "RB1 altered 0" in res.stdout and "TP53 altered 1 (deletions not assessable" in res.stdout
    assert "mutated 1" in res.stdout and "copy number 1 (1 failed QC)" in res.stdout


# --- output names ----------------------------------------------------------------------------------------------------

def test_names_equal_once_file_safe_get_distinct_stems():
    reg = StemRegistry()
    got = [reg.claim(n, "/data/batch.txt") for n in ("LMS 01", "LMS_01", "LMS/01", "P-é", "P-ü", "p-e")]
    stems = [s for s, _ in got]
    assert stems[:3] == ["LMS_01", "LMS_01.2", "LMS_01.3"] and len({s.casefold() for s in stems}) == 6
    assert file_stem("P-é") == "P-e" and file_stem("P-ü") == "P-u" and stems[3:] == ["P-e", "P-u", "p-e.2"]
    assert got[0][1] is None and "'LMS_01' (the file-safe name of 'LMS_01')" in got[1][1]
    assert "'LMS 01'" in got[1][1]


def test_name_plan_is_decided_in_call_order_and_labels_inputs(tmp_path):
    a, b = tmp_path / "A", tmp_path / "B"
    a.mkdir()
    b.mkdir()
    plan = NamePlan(tmp_path)
    first, second = plan.name("P1", a), plan.name("P1", b)
    assert (first.stem, first.input, first.warning) == ("P1", "A", None)
    assert second.stem == "P1.B" and second.input == "B" and str(a) in second.warning
    third = plan.name("P1", tmp_path / "batch.seg", path=tmp_path / "batch.seg", sample="P1")
    assert third.stem == "P1.2" and third.input == "batch.seg#P1"


def test_classify_of_a_batch_with_colliding_names_writes_both(tmp_path):
    rows = CASE2.read_text(encoding="utf-8-sig").splitlines()
    body = [r for r in rows[1:] if r.strip()]
    text = "\n".join([rows[0], *[r.replace("case2.OSCHP", "LMS 01") for r in body[:3]],
                      *[r.replace("case2.OSCHP", "LMS_01") for r in body[3:6]]]) + "\n"
    src = tmp_path / "batch.txt"
    src.write_text(text)
    res = run("classify", src, "--out", tmp_path / "out", "--no-report")
    assert res.exit_code == 0, res.output
    names = sorted(p.name for p in (tmp_path / "out").glob("*.json"))
    assert names == ["LMS_01.2.json", "LMS_01.json"]
    docs = [json.loads(p.read_text()) for p in (tmp_path / "out").glob("*.json")]
    assert sorted(d["sample"] for d in docs) == ["LMS 01", "LMS_01"]
    assert "output name:" in res.output


# --- readers ---------------------------------------------------------------------------------------------------------

def test_qc_readers_refuse_bad_values_in_one_line(tmp_path):
    bad = tmp_path / "x.qc.txt"
    bad.write_text("cel_files\tMAPD\tndSNPQC\nP1_A.CEL\tabc\t30\n")
    with pytest.raises(InputError, match=r"x.qc.txt:2: mapd: expected a non-negative number"):
        read_qc_table(bad)
    cov = tmp_path / "y.stats.cov.txt"
    cov.write_text("Coverage Analysis Report\n\nNumber of mapped reads: 100\n")
    with pytest.raises(InputError, match="without 'Average base coverage depth'"):
        read_coverage_stats(cov)
    js = tmp_path / "z.json"
    js.write_text('{"qc_stats": {"avg_unique_rna_start_sites_per_gsp2_control": "many"}}')
    with pytest.raises(InputError, match="expected a non-negative number"):
        read_read_stats(js)


def test_sample_verdict_rules():
    p = {"verdict": "pass", "reasons": []}
    f = {"verdict": "fail", "reasons": ["x"]}
    n = {"verdict": "not_assessed", "reasons": ["y"]}
    assert sample_verdict({"copy_number": None, "variants": None, "fusions": None})["verdict"] == "not_assessed"
    assert sample_verdict({"copy_number": n, "variants": None, "fusions": None})["verdict"] == "not_assessed"
    assert sample_verdict({"copy_number": f, "variants": p, "fusions": None})["verdict"] == "fail"
    only_variants = sample_verdict({"copy_number": None, "variants": f, "fusions": None})
    assert only_variants["verdict"] == "fail" and only_variants["non_contributory"]
    shallow = sample_verdict({"copy_number": n, "variants": f, "fusions": None})
    assert shallow["verdict"] == "not_assessed" and not shallow["non_contributory"]
    assert shallow["reasons"][0] == "variants: x"


def test_coverage_value_beyond_the_float_range_is_refused_in_one_line(tmp_path):
    """Fuzz finding (bench/fuzz_readers.py, ion_coverage): ``94.1e308%`` parsed as infinity reached the QC table
    validator (ValueError) instead of a one-line InputError."""
    cov = tmp_path / "x.stats.cov.txt"
    cov.write_text("Coverage Analysis Report\n\nAverage base coverage depth:     1520.4\n"
                   "Uniformity of amplicon coverage:   94.1e308%\n")
    with pytest.raises(InputError, match=r"x.stats.cov.txt:4: Uniformity of amplicon coverage: expected a non-neg"):
        read_coverage_stats(cov)


def test_qc_blocks_survive_the_json_and_the_report_of_an_existing_result(tmp_path):
    from lms_genomics.report.html_report import render_report
    from lms_genomics.result import SampleResult

    r = classify(folder(tmp_path, "PATIENT-A", CASE2, QC / "apt_mapd045.qc.txt"))
    again = SampleResult.from_dict(json.loads(json.dumps(r.to_dict())))
    doc = again.to_dict()
    assert again.profile_class == "non_contributory" and doc["profile"]["measured_class"] == "complex"
    assert doc["qc"]["copy_number"]["verdict"] == "fail"
    html = render_report(again)
    assert '<div class="banner">NON-CONTRIBUTORY — copy-number QC failed: MAPD 0.450 &gt; 0.3' in html
    assert "non-contributory (copy-number QC failed; measured: complex profile)" in html


def test_classify_prints_each_assays_verdict_with_its_measures(tmp_path):
    d = folder(tmp_path, "PATIENT-A", CASE2, QC / "apt_pass.qc.txt", QC / "patient_a_depth2000.vcf",
               rename={"apt_pass.qc.txt": "PATIENT-A.qc.txt"})
    (d / "a.segments.txt").write_text((d / "case2.segments.txt").read_text(encoding="utf-8-sig")
                                      .replace("case2.OSCHP", "PATIENT-A.OSCHP"))
    (d / "case2.segments.txt").unlink()
    res = run("classify", d, "--out", tmp_path / "out", "--no-report")
    assert res.exit_code == 0, res.output
    lines = res.output.splitlines()
    assert lines[0].startswith("PATIENT-A: complex profile")
    assert ("assays: copy number: OncoScan ChAS segment export, QC pass (MAPD 0.183, ndSNPQC 31.4, waviness SD "
            "0.082, TuScan cellularity 62 %, array gender call female); variants: Ion Torrent VCF, QC pass (median "
            "depth 2,000, limit of detection 2.0 % VAF)") in lines[1]
    assert "tumour content 62 % (TuScan cellularity)" in res.output
    assert "sample identity" not in res.output  # PATIENT-A everywhere (the CEL name carries _A.CEL)
