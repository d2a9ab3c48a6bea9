"""Issue 13 part B: one loss/gain rule per log2 input (low-level calls, CNVkit's own copy numbers, the CNVkit
threshold set) and the purity guardrails of log2 inputs. Tests are named after the bug they caught."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from conftest import ROOT, shared_path

from lms_genomics import classify_all
from lms_genomics.calling.log2 import homdel_log2_bound, one_copy_loss_log2
from lms_genomics.thresholds import DEFAULT_THRESHOLDS, LOG2_PRESETS, log2_preset

SEG_HEADER = "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
RB1_LOW = "P1\t13\t19084823\t115100000\t3000\t-0.13\n"  # RB1 (chr13:48.9 Mb) at log2 -0.13: CN 1.83 at purity 1
KEY_GENES = ("RB1", "TP53", "PTEN", "CDKN2A", "MYOCD")
#: Header and column order ``cnvkit.py call`` (CNVkit 0.9.14) writes: the ``cn`` column after ``log2``.
CNVKIT_CALL_HEADER = "chromosome\tstart\tend\tgene\tlog2\tcn\tdepth\tprobes\tweight\n"


def _doc(path: Path, **kw):
    [r] = classify_all(path, **kw)
    return r.to_dict()


def _write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_low_level_rb1_loss_regression_flat_profile_with_deleted_rb1(tmp_path):
    """A log2 −0.13 loss over 13q made RB1 'heterozygous deletion' while the profile (|log2| ≥ 0.25) was flat: the
    call is kept (GISTIC's ±0.1) but flagged low-level, and neither the profile nor arm-level events count it."""
    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + RB1_LOW))
    rb1 = d["genes"]["RB1"]
    assert d["profile"]["class"] == "flat"
    assert rb1["call"] == "heterozygous_deletion" and rb1["low_level"] is True
    assert any(n.startswith("low-level change") for n in rb1["notes"])
    assert "13q" not in d["profile"]["arm_level"]["LOSS"]
    assert d["genes"]["TP53"]["low_level"] is False  # no segment: no_data, not low-level


def test_strong_loss_is_not_low_level_and_counts_everywhere(tmp_path):
    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + RB1_LOW.replace("-0.13", "-0.5")))
    assert d["genes"]["RB1"]["low_level"] is False
    assert d["profile"]["class"] == "simple" and "13q" in d["profile"]["arm_level"]["LOSS"]


def test_chas_gene_calls_have_no_low_level_key():
    d = _doc(ROOT / "examples" / "case2")
    assert all("low_level" not in g for g in d["genes"].values())


def test_cnvkit_call_cn_column_regression_cn2_segments_called_loss_or_gain(tmp_path):
    """A .cns through ``cnvkit.py call``: a segment CNVkit calls 2 copies at log2 +0.15 or −0.15 was a gain or a
    loss by lmsgen's ±0.1; now CNVkit's cn column is the copy number and decides every call."""
    rows = [("chr13", 19020000, 60000000, "RB1", -0.15, 2), ("chr10", 60000, 135000000, "PTEN", -0.62, 1),
            ("chr9", 21000000, 23000000, "CDKN2A", -1.8, 0), ("chr17", 0, 22000000, "TP53", 0.15, 2),
            ("chr12", 60000000, 70000000, "MDM2", 1.9, 7)]
    text = CNVKIT_CALL_HEADER + "".join(f"{c}\t{s}\t{e}\t{g}\t{l2}\t{cn}\t1.0\t200\t50.0\n"
                                        for c, s, e, g, l2, cn in rows)
    d = _doc(_write(tmp_path, "T1.call.cns", text))
    genes = d["genes"]
    assert d["provenance"]["copy_number_model"]["source"] == "CNVkit cn column (cnvkit.py call)"
    assert (genes["RB1"]["call"], genes["RB1"]["copy_number"]) == ("neutral", 2.0)
    assert (genes["TP53"]["call"], genes["TP53"]["copy_number"]) == ("neutral", 2.0)
    assert genes["PTEN"]["call"] == "heterozygous_deletion"
    assert genes["CDKN2A"]["call"] == "homozygous_deletion"
    assert genes["MDM2"]["call"] == "amplification"
    assert "low_level" not in genes["RB1"]
    assert d["profile"]["anomalies"] == 3  # PTEN loss, CDKN2A homdel, MDM2 amplification


def test_cnvkit_call_with_purity_warns_purity_not_applied(tmp_path):
    text = CNVKIT_CALL_HEADER + "chr10\t60000\t135000000\tPTEN\t-0.62\t1\t1.0\t200\t50.0\n"
    d = _doc(_write(tmp_path, "T1.cns", text), purity=0.5)
    assert any("purity/ploidy not applied" in w for w in d["warnings"])
    assert d["genes"]["PTEN"]["copy_number"] == 1.0


def test_cnvkit_call_bad_cn_is_refused_with_its_line(tmp_path):
    from lms_genomics.errors import InputError

    text = CNVKIT_CALL_HEADER + "chr10\t60000\t135000000\tPTEN\t-0.62\tx\t1.0\t200\t50.0\n"
    with pytest.raises(InputError, match="cn.*not a number"):
        classify_all(_write(tmp_path, "T1.cns", text))


def test_cnvkit_threshold_set_is_named_and_recorded():
    t = log2_preset("cnvkit")
    assert (t.log2_loss, t.log2_gain, t.log2_homdel) == (-0.25, 0.2, -1.1)
    assert LOG2_PRESETS["gistic"]["log2_loss"] == DEFAULT_THRESHOLDS.log2_loss
    from lms_genomics.errors import UsageError

    with pytest.raises(UsageError, match="unknown log2 threshold set"):
        log2_preset("ascat")


def test_cli_log2_thresholds_cnvkit_changes_calls_and_provenance(tmp_path):
    from click.testing import CliRunner

    from cli.main import main

    seg = _write(tmp_path, "P1.seg", SEG_HEADER + RB1_LOW.replace("-0.13", "-0.2"))
    out = tmp_path / "out"
    ran = CliRunner().invoke(main, ["classify", str(seg), "--out", str(out), "--no-report", "-q",
                                   "--log2-thresholds", "cnvkit"])
    assert ran.exit_code == 0, ran.output
    import json

    d = json.loads((out / "P1.json").read_text())
    assert d["provenance"]["thresholds"]["log2_loss"] == -0.25
    assert d["genes"]["RB1"]["call"] == "neutral"  # −0.2 is above CNVkit's −0.25


def test_shared_cnvkit_files_never_flat_with_deleted_key_genes():
    """Done-when of issue 13: the CNVkit segment files of ../shared never give a flat profile with key genes
    deleted (a low-level loss is flagged as such, not counted)."""
    files = sorted(shared_path("formats", "examples", "field", "cnvkit").glob("*.cns"))
    files.append(shared_path("formats", "examples", "field", "seg", "cnvkit_cw-tr-log2.seg"))
    n = 0
    for f in files:
        for r in classify_all(f):
            d = r.to_dict()
            n += 1
            if d["profile"]["class"] != "flat":
                continue
            deleted = [g for g in KEY_GENES if d["genes"][g]["call"].endswith("deletion")
                       and not d["genes"][g].get("low_level")]
            assert not deleted, (f.name, r.sample, deleted)
    assert n >= 45


# ------------------------------------------------------------------------------------------------ purity guardrails

def test_one_copy_loss_log2_and_homdel_bound():
    assert one_copy_loss_log2(1.0, 2.0) == pytest.approx(-1.0)
    assert one_copy_loss_log2(0.9, 2.0) == pytest.approx(-0.8625, abs=1e-3)
    assert homdel_log2_bound(2.0, DEFAULT_THRESHOLDS) == pytest.approx(-0.8625, abs=1e-3)
    assert homdel_log2_bound(2.0, log2_preset("cnvkit")) == pytest.approx(-1.1)


def test_purity_half_regression_whole_13q_one_copy_loss_called_rb1_homdel(tmp_path):
    """--purity 0.5 turned a log2 −0.51 loss of 13q (a one-copy loss at purity 0.6) into an RB1 homozygous
    deletion: the guardrail keeps it heterozygous and says why."""
    seg = _write(tmp_path, "P1.seg", SEG_HEADER + RB1_LOW.replace("-0.13", "-0.5146"))
    d = _doc(seg, purity=0.5)
    assert d["genes"]["RB1"]["copy_number"] < 1
    assert d["genes"]["RB1"]["call"] == "heterozygous_deletion"
    assert any("purity guardrail" in w for w in d["warnings"])


def test_deep_focal_loss_stays_homdel_at_purity_half(tmp_path):
    seg = _write(tmp_path, "P1.seg", SEG_HEADER + "P1\t13\t48000000\t50000000\t300\t-1.4\n")
    d = _doc(seg, purity=0.5)
    assert d["genes"]["RB1"]["call"] == "homozygous_deletion"
    assert not any("purity guardrail" in w for w in d["warnings"])


def test_low_purity_warns(tmp_path):
    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + RB1_LOW), purity=0.2)
    assert any("purity 0.2 is below 0.3" in w for w in d["warnings"])


def test_purity_that_rescales_much_of_the_genome_below_zero_warns(tmp_path):
    # log2 −0.9 over chr1-chr3 at purity 0.4: (2^-0.9 · 2 − 1.2) / 0.4 < 0
    rows = "".join(f"P1\t{c}\t1000000\t100000000\t3000\t-0.9\n" for c in (1, 2, 3))
    rows += "".join(f"P1\t{c}\t1000000\t40000000\t3000\t0.0\n" for c in range(4, 23))
    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + rows), purity=0.4)
    assert any("rescale to a copy number ≤ 0" in w for w in d["warnings"])
    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + rows), purity=0.9)
    assert not any("rescale to a copy number ≤ 0" in w for w in d["warnings"])


def test_whole_arm_homdel_regression_rcgh_whole_arm_log2_minus_1_5(tmp_path):
    """rCGH's whole-arm log2 ≈ −1.5 was called a homozygous deletion without comment: it now carries a
    plausibility warning naming the arm."""
    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + "P1\t13\t19084823\t115100000\t3000\t-1.5\n"))
    assert d["genes"]["RB1"]["call"] == "homozygous_deletion"
    assert any("homozygous deletion over 1 whole arm(s) (13q)" in w for w in d["warnings"])


def test_focal_homdel_has_no_whole_arm_warning(tmp_path):
    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + "P1\t13\t48000000\t50000000\t300\t-1.5\n"))
    assert not any("whole arm" in w for w in d["warnings"])


def test_tcga_purity_half_rb1_homdels_absolute_does_not_call():
    """Done-when of issue 13: at --purity 0.5 for every TCGA leiomyosarcoma, RB1 homozygous deletions ABSOLUTE does
    not call ≤ 5 (24 of the 40 with an ABSOLUTE call before the guardrail), every ABSOLUTE one kept."""
    folder = shared_path("realdata", "tcga_sarc_dev")
    spec = importlib.util.spec_from_file_location("tcga_sarc", ROOT / "validation" / "tcga_sarc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    samples, _gistic, absolute = module._truth(folder)
    calls, _ = module.gene_calls(folder, False, 0.5)
    counts = module.homdel_counts(calls, samples, absolute)
    assert counts["RB1 homdel not in ABSOLUTE"] <= 5
    found, total = map(int, counts["RB1 ABSOLUTE homdel found"].split("/"))
    assert found == total == 8


def test_report_says_low_level(tmp_path):
    from lms_genomics.report.facts import gene_call_text

    d = _doc(_write(tmp_path, "P1.seg", SEG_HEADER + RB1_LOW))
    assert gene_call_text(d["genes"]["RB1"]) == ("heterozygous deletion (CN 1.8), low-level (not counted in the "
                                                 "profile)")
