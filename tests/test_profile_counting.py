"""Issue 13 part B: the profile counted the way the GI literature counts it (per arm, same direction, copy numbers
< 1 apart; a nested event +1; a whole chromosome 1), its split by extent and Bergonié's GI class. Tests are named
after the bug they caught."""

from __future__ import annotations

import pytest
from conftest import ROOT, make_segments

from lms_genomics import classify_all
from lms_genomics.calling.profile import clean_anomalies, compute_profile
from lms_genomics.calling.states import segment_states
from lms_genomics.genome import load_arms
from lms_genomics.thresholds import Thresholds

T = Thresholds()
ARMS = load_arms()


def profile(rows, thresholds=T):
    seg = make_segments(rows)
    seg["state"] = segment_states(seg, thresholds)
    return compute_profile(clean_anomalies(seg, thresholds, arms=ARMS), ARMS, thresholds)


def test_focal_homdel_nested_in_loss_regression_counted_three():
    """A homozygous deletion inside a one-copy loss (ChAS splits the loss around it) counted 3; it is 2."""
    p = profile([("chr13", 20_000_000, 48_000_000, "loss", 1.0), ("chr13", 48_000_000, 49_500_000, "loss", 0.0),
                 ("chr13", 49_500_000, 90_000_000, "loss", 1.0)])
    assert p.anomalies == 2
    table = p.anomaly_table
    assert list(table["state"]) == ["hetdel", "homdel"]
    assert (table["start"].iloc[0], table["end"].iloc[0]) == (20_000_000, 90_000_000)  # the outer event spans


def test_doubly_nested_events_count_three():
    p = profile([("chr1", 10_000_000, 20_000_000, "gain", 3.0), ("chr1", 20_000_000, 25_000_000, "gain", 4.0),
                 ("chr1", 25_000_000, 26_000_000, "gain", 6.0), ("chr1", 26_000_000, 30_000_000, "gain", 4.0),
                 ("chr1", 30_000_000, 40_000_000, "gain", 3.0)])
    assert p.anomalies == 3


def test_step_at_the_edge_of_a_loss_counts_two():
    p = profile([("chr1", 10_000_000, 20_000_000, "loss", 0.0), ("chr1", 20_000_000, 40_000_000, "loss", 1.0)])
    assert p.anomalies == 2


def test_cn3_and_cn4_neighbours_regression_merged_into_one_gain():
    p = profile([("chr1", 10_000_000, 20_000_000, "gain", 3.0), ("chr1", 20_100_000, 30_000_000, "gain", 4.0)])
    assert p.anomalies == 2


def test_copy_numbers_less_than_one_apart_merge():
    p = profile([("chr1", 10_000_000, 20_000_000, "loss", 1.0), ("chr1", 20_100_000, 30_000_000, "loss", 1.5)])
    assert p.anomalies == 1


def test_same_direction_across_the_other_direction_regression_2p_gain_and_loss():
    """A gain on each side of a loss merged into one gain spanning the loss (thesis case13 had 2p both gained and
    lost in the profile); now the three are three events."""
    p = profile([("chr2", 10_000_000, 12_000_000, "gain", 3.0), ("chr2", 12_100_000, 14_000_000, "loss", 1.0),
                 ("chr2", 14_100_000, 16_000_000, "gain", 3.0)])
    assert p.anomalies == 3
    [r] = classify_all(ROOT / "tests" / "fixtures" / "thesis_cohort" / "case13")
    segs = r.to_dict()["profile"]["anomaly_segments"]
    assert not [a for a in segs if a["chrom"] == "chr2"]  # 30 kb alternations: each under the 300 kb floor


def test_whole_chromosome_counts_one_regression_split_at_centromere_counted_two():
    whole = profile([("chr7", 0, 159_138_663, "gain", 3.0)])
    split = profile([("chr7", 0, 58_000_000, "gain", 3.0), ("chr7", 61_000_000, 159_138_663, "gain", 3.0)])
    for p in (whole, split):
        assert p.anomalies == 1
        assert p.anomaly_counts == {"total": 1, "whole_chromosome": 1, "arm": 0, "sub_arm": 0}


def test_arms_at_different_levels_are_two_arm_events():
    p = profile([("chr7", 0, 58_000_000, "gain", 3.0), ("chr7", 61_000_000, 159_138_663, "gain", 5.0)])
    assert p.anomalies == 2 and p.anomaly_counts["arm"] == 2


def test_segments_across_the_centromere_are_not_merged_into_one_arm_event():
    p = profile([("chr7", 30_000_000, 58_000_000, "gain", 3.0), ("chr7", 61_000_000, 80_000_000, "gain", 3.0)])
    assert p.anomalies == 2 and p.anomaly_counts["sub_arm"] == 2


def test_extent_counts_split_total():
    p = profile([("chr1", 0, 249_250_621, "loss", 1.0),            # whole chromosome
                 ("chr3", 90_000_000, 198_022_430, "gain", 3.0),   # 3q
                 ("chr5", 10_000_000, 20_000_000, "gain", 3.0)])   # sub-arm
    assert p.anomaly_counts == {"total": 3, "whole_chromosome": 1, "arm": 1, "sub_arm": 1}
    assert p.as_dict()["anomaly_counts"] == p.anomaly_counts


def test_gi_class_beside_the_thesis_class():
    rows = [(f"chr{c}", s, s + 5_000_000, "gain", 3.0) for c in (1, 2) for s in (10_000_000, 30_000_000,
                                                                               50_000_000, 70_000_000)]
    p = profile(rows)
    assert (p.profile_class, p.anomalies, p.chromosomes) == ("simple", 8, 2)
    assert p.genomic_index == pytest.approx(32.0) and p.gi_class == "GI > 10" and p.classes_disagree
    p = profile(rows[:3])
    assert p.gi_class == "GI <= 10" and not p.classes_disagree


def test_gi_class_disagreement_is_warned(tmp_path):
    header = "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
    rows = "".join(f"P1\t1\t{s}\t{s + 5_000_000}\t500\t0.5\nP1\t1\t{s + 5_000_000}\t{s + 10_000_000}\t500\t0\n"
                   for s in range(10_000_000, 90_000_000, 10_000_000))
    seg = tmp_path / "P1.seg"
    seg.write_text(header + rows)
    [r] = classify_all(seg)
    d = r.to_dict()
    assert (d["profile"]["class"], d["profile"]["gi_class"]) == ("simple", "GI > 10")
    assert any("the two classes disagree" in w for w in d["warnings"])


def test_cases_keep_their_classes():
    """The bundled examples and the thesis cohort keep their classes (case2: A 14 → 13, the nested RB1 homdel)."""
    from lms_genomics import classify

    assert classify(ROOT / "examples" / "case2").profile.anomalies == 13
    assert classify(ROOT / "examples" / "case6").profile_class == "simple"
