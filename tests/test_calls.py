"""Gene-level copy-number and LOH calls on hand-built segments (DESIGN §3 rules, boundaries included)."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import make_segments

from lms_genomics.calling.genes import call_genes
from lms_genomics.calling.profile import clean_anomalies, in_profile_flags
from lms_genomics.calling.states import segment_states
from lms_genomics.genome import load_arms, load_genes
from lms_genomics.thresholds import Thresholds

T = Thresholds()
GENES = load_genes().genes
ARMS = load_arms()
RB1 = (48877882, 49056026)
TP53 = (7571719, 7590868)
MYOCD = (12569206, 12672266)


def calls(rows, absent_is_neutral=True, loh_assessed=True, sex=None, thresholds=T):
    seg = make_segments(rows)
    seg["state"] = segment_states(seg, thresholds, sex=sex)
    seg["in_profile"] = in_profile_flags(seg, clean_anomalies(seg, thresholds))
    out = call_genes(GENES, seg, ARMS, absent_is_neutral=absent_is_neutral, loh_assessed=loh_assessed, sex=sex)
    return out.set_index("gene")


@pytest.mark.parametrize("cn,expected", [
    (0.0, "homozygous_deletion"), (0.33, "homozygous_deletion"), (0.67, "homozygous_deletion"),
    (1.0, "heterozygous_deletion"), (1.33, "heterozygous_deletion"), (1.67, "heterozygous_deletion"),
])
def test_loss_thresholds(cn, expected):
    c = calls([("chr13", 40_000_000, 60_000_000, "loss", cn)])
    assert c.loc["RB1", "call"] == expected
    assert c.loc["RB1", "copy_number"] == cn


@pytest.mark.parametrize("cn,expected", [
    (2.33, "gain"), (3.0, "gain"), (4.99, "gain"), (5.0, "amplification"), (9.33, "amplification"),
])
def test_gain_thresholds(cn, expected):
    c = calls([("chr17", 12_000_000, 13_000_000, "gain", cn)])
    assert c.loc["MYOCD", "call"] == expected


def test_gene_not_touched_by_any_segment_is_neutral_in_chas_and_no_data_in_full_segmentation():
    assert calls([])["TP53"]["call"] if False else calls([]).loc["TP53", "call"] == "neutral"
    assert calls([]).loc["TP53", "copy_number"] == 2.0
    assert calls([], absent_is_neutral=False).loc["TP53", "call"] == "no_data"


def test_partial_cover_is_flagged_with_fraction():
    half = (RB1[0] + RB1[1]) // 2
    c = calls([("chr13", 40_000_000, half, "loss", 0.0)])
    assert c.loc["RB1", "call"] == "homozygous_deletion"
    assert bool(c.loc["RB1", "partial"]) is True
    assert c.loc["RB1", "covered_fraction"] == pytest.approx(0.5, abs=0.01)
    # The uncovered half is at the normal level in a ChAS export.
    assert c.loc["RB1", "max_copy_number"] == 2.0


def test_most_severe_state_decides_and_min_max_are_reported():
    mid = (RB1[0] + RB1[1]) // 2
    c = calls([("chr13", 40_000_000, mid, "loss", 1.0), ("chr13", mid, 60_000_000, "loss", 0.0)])
    assert c.loc["RB1", "call"] == "homozygous_deletion"
    assert c.loc["RB1", "min_copy_number"] == 0.0
    assert c.loc["RB1", "max_copy_number"] == 1.0


def test_copy_neutral_loh_and_loh_with_deletion():
    c = calls([("chr17", 0, 22_000_000, "loh", None)])
    assert c.loc["TP53", "call"] == "copy_neutral_loh"
    assert c.loc["TP53", "loh"] is True or c.loc["TP53", "loh"] == True  # noqa: E712
    c = calls([("chr17", 0, 22_000_000, "loh", None), ("chr17", 0, 22_000_000, "loss", 1.0)])
    assert c.loc["TP53", "call"] == "heterozygous_deletion"
    assert bool(c.loc["TP53", "loh"]) is True


def test_loh_not_assessed_is_none_not_false():
    c = calls([], loh_assessed=False)
    assert c.loc["TP53", "loh"] is None
    assert c.loc["TP53", "call"] == "neutral"


def test_small_homdel_is_called_but_flagged_out_of_profile():
    c = calls([("chr13", RB1[0] - 10_000, RB1[1] + 10_000, "loss", 0.0)])
    assert c.loc["RB1", "call"] == "homozygous_deletion"
    assert c.loc["RB1", "deciding_in_profile"] is False or c.loc["RB1", "deciding_in_profile"] == False  # noqa: E712


def test_sex_chromosomes_follow_sex_or_export_type():
    # ATRX on chrX (~76.7 Mb). Male: CN 1 is the normal level; female: CN 1 is a loss.
    seg = [("chrX", 70_000_000, 80_000_000, "loss", 1.0)]
    assert calls(seg, sex="male").loc["ATRX", "call"] == "neutral"
    assert calls(seg, sex="female").loc["ATRX", "call"] == "heterozygous_deletion"
    # Unknown sex: the export typed it Loss, so it is a loss.
    assert calls(seg).loc["ATRX", "call"] == "heterozygous_deletion"


def test_threshold_override_changes_the_call():
    t = Thresholds().with_overrides(amp_min_cn="9")
    c = calls([("chr17", 12_000_000, 13_000_000, "gain", 8.0)], thresholds=t)
    assert c.loc["MYOCD", "call"] == "gain"


def test_calls_are_one_row_per_gene():
    c = calls([("chr13", 40_000_000, 60_000_000, "loss", 1.0)])
    assert len(c) == len(GENES)
    assert set(c["call"]) <= {"homozygous_deletion", "heterozygous_deletion", "copy_neutral_loh", "gain",
                              "amplification", "neutral", "no_data"}
    assert isinstance(c, pd.DataFrame)
