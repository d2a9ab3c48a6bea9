"""Profile metrics A, C, GI, FGA and the class boundaries, with merging and the size floor."""

from __future__ import annotations

import pytest
from conftest import make_segments

from lms_genomics.calling.profile import clean_anomalies, compute_profile
from lms_genomics.calling.states import segment_states
from lms_genomics.genome import load_arms
from lms_genomics.thresholds import Thresholds

T = Thresholds()
ARMS = load_arms()


def profile(rows, thresholds=T):
    seg = make_segments(rows)
    seg["state"] = segment_states(seg, thresholds)
    return compute_profile(clean_anomalies(seg, thresholds), ARMS, thresholds)


def test_flat_when_no_anomaly():
    p = profile([])
    assert (p.profile_class, p.anomalies, p.chromosomes, p.genomic_index, p.fga) == ("flat", 0, 0, 0.0, 0.0)


def test_ten_anomalies_are_simple_eleven_complex():
    rows = [(f"chr{c}", 10_000_000, 20_000_000, "gain", 3.0) for c in range(1, 11)]
    p = profile(rows)
    assert (p.profile_class, p.anomalies, p.chromosomes) == ("simple", 10, 10)
    p = profile(rows + [("chr11", 10_000_000, 20_000_000, "loss", 1.0)])
    assert (p.profile_class, p.anomalies, p.chromosomes) == ("complex", 11, 11)
    assert p.genomic_index == pytest.approx(121 / 11)


def test_same_state_neighbours_merge_and_small_segments_drop():
    rows = [
        ("chr1", 10_000_000, 20_000_000, "loss", 1.0),
        ("chr1", 20_100_000, 30_000_000, "loss", 1.33),   # same state (hetdel), 100 kb gap: merged
        ("chr1", 40_000_000, 40_100_000, "gain", 3.0),    # 100 kb: below the 300 kb floor
        ("chr1", 50_000_000, 60_000_000, "loss", 0.0),    # another state: counted apart
        ("chrX", 10_000_000, 20_000_000, "loss", 1.0),    # sex chromosome: not counted by default
    ]
    p = profile(rows)
    assert p.anomalies == 2
    assert p.chromosomes == 1
    p = profile(rows, Thresholds(include_sex_chromosomes=True))
    assert p.anomalies == 3 and p.chromosomes == 2


def test_fga_is_altered_over_assessed_autosomal_bases():
    p = profile([("chr1", 10_000_000, 20_000_000, "gain", 3.0)])
    auto = ARMS[ARMS["chrom"].isin([f"chr{i}" for i in range(1, 23)])]
    total = int((auto["end"] - auto["start"]).sum())
    assert p.fga == pytest.approx(10_000_000 / total)


def test_rule_text_states_the_numbers():
    p = profile([("chr1", 10_000_000, 20_000_000, "gain", 3.0)])
    assert "simple" in p.rule and "300000" in p.rule
