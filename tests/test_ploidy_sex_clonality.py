"""Issue 13 (part A): baseline ploidy and WGD, amplification by ploidy, gene roles, sex, fractional ChAS states.

Real files: oncoscanR's triploid export and Bergonié's 14-CJ export in ``../shared`` (skipped without it); a ChAS
fixture of ours with CN 1.5 over TP53 and 0.67 over CDKN2A (``tests/fixtures/chas/make_fixtures.py``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import shared_path

from lms_genomics import classify
from lms_genomics.calling.ploidy import baseline_ploidy, reference_level
from lms_genomics.calling.sex import decide_sex, gender_word
from lms_genomics.report import facts
from lms_genomics.report.writers import compact_json
from lms_genomics.result import SampleResult
from lms_genomics.thresholds import DEFAULT_THRESHOLDS as T

FIXTURES = Path(__file__).parent / "fixtures"
SUBCLONAL = FIXTURES / "chas" / "subclonal_tp53_cdkn2a.txt"


def triploid() -> Path:
    return shared_path("formats", "examples", "chas", "oncoscanR", "extdata", "triploide_gene_list_full_location.txt")


def cj14() -> Path:
    return shared_path("formats", "examples", "chas", "bergonie-gist", "segments (10).txt")


# --- ploidy ------------------------------------------------------------------------------------------------------

def test_baseline_rule():
    assert baseline_ploidy(given=None, given_source=None, avg_cn=3.2482, wgd=True, continuous=False,
                           thresholds=T).value == 3.25
    low = baseline_ploidy(given=None, given_source=None, avg_cn=2.31, wgd=True, continuous=False, thresholds=T)
    assert low.value == 2.0 and low.wgd is True and "< 2.5" in low.source
    assert baseline_ploidy(given=None, given_source=None, avg_cn=2.6, wgd=False, continuous=False,
                           thresholds=T).value == 2.0
    given = baseline_ploidy(given=3.0, given_source="sample sheet", avg_cn=2.0, wgd=False, continuous=False,
                            thresholds=T)
    assert (given.value, given.source) == (3.0, "sample sheet")
    assert baseline_ploidy(given=None, given_source=None, avg_cn=3.3, wgd=True, continuous=True,
                           thresholds=T).value == 2.0  # log2 ratios are already relative
    assert [reference_level(v) for v in (2.0, 2.49, 2.5, 3.25, 3.6)] == [2, 2, 3, 3, 4]


def test_triploid_export_read_against_its_ploidy():
    """oncoscanR's triploid export: lmsgen said RB1 "amplification" (CN 5 over 28 Mb), TP53 "gain", GI 149."""
    r = classify(triploid())
    doc = r.to_dict()
    ploidy = doc["profile"]["ploidy"]
    assert ploidy["value"] == pytest.approx(3.25, abs=0.01) and ploidy["wgd"] is True
    assert ploidy["source"].startswith("inferred")
    rb1, tp53 = doc["genes"]["RB1"], doc["genes"]["TP53"]
    assert rb1["call"] == "gain" and rb1["copy_number"] == 5.0
    assert rb1["relative_state"] == "high-copy gain to ploidy 3 (CN 5; amplification needs CN ≥ 8.12)"
    assert rb1["role"] == "tumour_suppressor" and rb1["focal"] is False
    assert tp53["call"] == "copy_neutral_loh" and tp53["relative_state"] == "copy-neutral LOH at ploidy 3 (CN 3)"
    assert doc["profile"]["anomalies"] < 56
    assert "RB1" not in {f.gene for f in facts.findings(doc).amplifications}
    assert facts.gene_call_text(rb1).startswith("high-copy gain to ploidy 3 (CN 5")
    assert "ploidy 3.2" in facts.ploidy_text(doc) and "whole-genome doubling" in facts.ploidy_text(doc)
    text, _ = compact_json(r, evidence=False)
    assert text == json.dumps(r.to_dict(evidence=False), ensure_ascii=False)
    again = SampleResult.from_dict(doc).to_dict()
    assert again["genes"]["RB1"]["relative_state"] == rb1["relative_state"]
    assert again["profile"]["ploidy"] == ploidy


def test_given_ploidy_applies_to_chas_as_baseline():
    """--ploidy was ignored for ChAS input ("purity/ploidy not applied"); it is now the baseline, not a rescale."""
    r = classify(triploid(), ploidy=2)
    doc = r.to_dict()
    assert doc["profile"]["ploidy"] == {"value": 2.0, "source": "command line", "wgd": True}
    assert doc["provenance"]["copy_number_model"]["ploidy_from"] == "command line"
    assert not any("not applied" in w for w in doc["warnings"])
    rb1 = doc["genes"]["RB1"]
    # at ploidy 2 RB1 CN 5 is an amplification, but a tumour suppressor never headlines one
    assert rb1["call"] == "amplification" and rb1["relative_state"] is None
    assert any("tumour suppressor" in n for n in rb1["notes"])
    assert "RB1" not in {f.gene for f in facts.findings(doc).amplifications}
    assert facts.gene_call_text(rb1) == ("amplification (CN 5), partial (60 % covered) "
                                         "(tumour suppressor: not headlined)")
    assert doc["genes"]["TP53"]["call"] == "gain"  # CN 3 against 2: oncoscanR's reading
    r3 = classify(triploid(), ploidy=3)
    assert r3.to_dict()["genes"]["TP53"]["relative_state"] == "copy-neutral LOH at ploidy 3 (CN 3)"


def test_ploidy_of_the_sample_sheet_applies_to_chas(tmp_path):
    folder = tmp_path / "S"
    folder.mkdir()
    (folder / "export.txt").write_bytes(triploid().read_bytes())
    (folder / "samples.tsv").write_text("sample\tploidy\ntriploide\t3\n")
    doc = classify(folder).to_dict()
    assert doc["profile"]["ploidy"]["value"] == 3.0 and doc["profile"]["ploidy"]["source"] == "sample sheet"


def test_diploid_sample_keeps_its_calls_and_gets_no_relative_state():
    r = classify(Path(__file__).parents[1] / "examples" / "case2")
    doc = r.to_dict()
    assert doc["profile"]["ploidy"]["value"] == 2.0
    assert all(g["relative_state"] is None for g in doc["genes"].values())


# --- sex ---------------------------------------------------------------------------------------------------------

def test_14cj_inferred_male_x_neutral():
    """Bergonié 14-CJ: whole X CN 1 "Loss", Y CN 1 "Gain" (a ChAS that assumed female). lmsgen said ATRX
    heterozygous deletion and arm-level LOSS Xp/Xq."""
    doc = classify(cj14()).to_dict()
    sex = doc["provenance"]["sex"]
    assert sex["value"] == "male" and sex["source"].startswith("inferred from the export: chrY")
    assert doc["genes"]["ATRX"]["call"] == "neutral" and doc["genes"]["ATRX"]["copy_number"] == 1.0
    arms = doc["profile"]["arm_level"]
    assert not {"Xp", "Xq", "Yp", "Yq"} & set(arms["LOSS"] + arms["GAIN"])
    assert not any("sex" in w for w in doc["warnings"])
    assert "sex male (inferred from the export" in facts.ploidy_text(doc)


def test_14cj_with_sex_female_warns_that_chry_is_present():
    doc = classify(cj14(), sex="female").to_dict()
    assert doc["provenance"]["sex"] == {"value": "female", "source": "command line"}
    assert any("chrY is present in the export" in w for w in doc["warnings"])
    assert doc["genes"]["ATRX"]["call"] == "heterozygous_deletion"  # read as female, as asked


def test_sex_precedence_and_conflicts():
    assert gender_word("Male") == "male" and gender_word("F") == "female" and gender_word("NA") is None
    s = decide_sex(given=None, given_source=None, fields={"the VCF's gender field": "Female"}, evidence=None)
    assert (s.value, s.source, s.warnings) == ("female", "the VCF's gender field", [])
    s = decide_sex(given="male", given_source="sample sheet", fields={"the VCF's gender field": "Female"},
                   evidence=None)
    assert s.value == "male" and s.warnings == ["sex male (sample sheet) but the VCF's gender field says female"]
    s = decide_sex(given=None, given_source=None, fields={}, evidence=None)
    assert s.value == "unknown" and s.used is None


def test_old_plain_sex_string_still_read():
    assert facts.sex_of({"provenance": {"sex": "female"}}) == ("female", "")
    assert facts.sex_of({"provenance": {"sex": {"value": "male", "source": "sample sheet"}}}) == ("male",
                                                                                                   "sample sheet")


# --- fractional states -------------------------------------------------------------------------------------------

def test_fractional_states_flagged_subclonal_or_mixed():
    """CN 1.5 over TP53 and 0.67 over CDKN2A: lmsgen reported CN 0.67 as a plain homozygous deletion."""
    r = classify(SUBCLONAL)
    doc = r.to_dict()
    tp53, cdkn2a, rb1 = doc["genes"]["TP53"], doc["genes"]["CDKN2A"], doc["genes"]["RB1"]
    assert tp53["subclonal_or_mixed"] is True and tp53["call"] == "heterozygous_deletion"
    assert cdkn2a["subclonal_or_mixed"] is True and cdkn2a["call"] == "homozygous_deletion"
    assert rb1["subclonal_or_mixed"] is False
    assert facts.gene_call_text(tp53).startswith("heterozygous deletion (fractional 1.5)")
    assert facts.gene_call_text(cdkn2a).startswith("homozygous deletion (fractional 0.67)")
    assert any("not a clonal homozygous deletion" in n for n in cdkn2a["notes"])
    assert tp53["focal"] is True and tp53["role"] == "tumour_suppressor"
    iscn = {e["chrom"]: e["iscn"] for e in doc["profile"]["iscn"]}
    assert iscn["chr17"].endswith("x1~2") and iscn["chr9"].endswith("x0~1")  # ISCN ranges kept
    text, _ = compact_json(r, evidence=False)
    assert text == json.dumps(r.to_dict(evidence=False), ensure_ascii=False)


def test_fractional_loss_is_not_a_full_second_hit():
    from lms_genomics.calling.biallelic import biallelic_status

    doc = classify(SUBCLONAL).to_dict()
    row = {"gene": "TP53", **{k: doc["genes"]["TP53"][k] for k in ("chrom", "start", "end", "call", "copy_number",
                                                                     "loh", "loh_fraction", "partial",
                                                                     "covered_fraction")}}
    row["loh"], row["loh_fraction"] = False, 0.0
    import pandas as pd

    vt = pd.DataFrame([{"gene": "TP53", "chrom": "chr17", "pos": 7577538, "ref": "C", "alt": "T", "vaf": 0.6,
                        "reportable": True, "damaging": True, "classification": "damaging",
                        "hgvs_c": "c.743G>A", "hgvs_p": "p.Arg248Gln", "depth": 1000, "alt_reads": 600}])
    res = biallelic_status([row], vt, purity=None, thresholds=T)["TP53"]
    assert res["status"] == "probable" and "subclonal" in res["flags"]
    assert np.isclose(row["copy_number"], 1.5)


def test_array_gender_call_is_a_source_and_a_conflict(tmp_path):
    """The OncoScan chip summary's Y-gender call (export header, or the sample's row of an APT QC table)."""
    header = FIXTURES / "qc" / "chas_header_qc.segments.txt"
    r = classify(header)
    assert r.provenance["sex"] == {"value": "female",
                                   "source": "the array's gender call (export header chas_header_qc.segments.txt)"}
    r = classify(header, sex="male")
    assert "sex male (command line) but the array's gender call (export header chas_header_qc.segments.txt) says " \
           "female" in r.warnings
    folder = tmp_path / "PATIENT-A"
    folder.mkdir()
    for f in (Path(__file__).parents[1] / "examples" / "case2" / "case2.segments.txt",
              FIXTURES / "qc" / "apt_pass.qc.txt"):
        (folder / f.name).write_bytes(f.read_bytes())
    r = classify(folder)
    assert r.provenance["sex"] == {"value": "female", "source": "the array's gender call (QC table apt_pass.qc.txt)"}


def test_result_doc_accepts_both_sex_forms():
    from lms_genomics.result_doc import is_result_doc

    doc = classify(SUBCLONAL).to_dict()
    assert is_result_doc(doc)
    doc["provenance"]["sex"] = "female"  # an older result
    assert is_result_doc(doc)
    doc["provenance"]["sex"] = {"value": "woman", "source": "x"}
    with pytest.raises(ValueError, match="provenance.sex"):
        is_result_doc(doc, raise_errors=True)


def test_report_marks_a_fractional_homozygous_deletion_in_its_findings():
    from lms_genomics.report.html_report import render_report
    from lms_genomics.report.summary import format_summary

    r = classify(SUBCLONAL)
    assert "<b>CDKN2A</b> (9p21.3, subclonal or mixed)" in render_report(r)
    assert "CDKN2A (9p21.3, subclonal or mixed)" in format_summary(r)
