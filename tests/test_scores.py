"""oncoscanR's cleaning and genome-wide scores on small hand-built cases (each number worked out by hand), the
cleaning against a base-by-base oracle, and the scores in the result, the JSON and the cohort table."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from conftest import EXAMPLES, write_chas
from hypothesis import given, settings
from hypothesis import strategies as st

from lms_genomics import classify
from lms_genomics.calling.cleaning import (
    GAIN,
    LOH,
    LOSS,
    NEUTRAL,
    CleanSegments,
    KitCoverage,
    chrom_codes,
    clean_segments,
    load_kit,
)
from lms_genomics.calling.scores import (
    genome_scores,
    score_avg_cn,
    score_gloh,
    score_hr_loh,
    score_lst,
    score_td,
    wgd_events,
)
from lms_genomics.cohort import SCORE_COLUMNS, summary_row
from lms_genomics.result import SampleResult
from lms_genomics.thresholds import DEFAULT_THRESHOLDS as T

MB = 1_000_000
#: A toy kit: chr1 p/q and chr2 p/q and chrX p/q (0-based half-open).
KIT = KitCoverage.from_arms(pd.DataFrame({
    "chrom": ["chr1", "chr1", "chr2", "chr2", "chrX", "chrX"],
    "start": [0, 120 * MB, 0, 90 * MB, 0, 60 * MB],
    "end": [100 * MB, 240 * MB, 80 * MB, 240 * MB, 58 * MB, 155 * MB],
    "arm": ["1p", "1q", "2p", "2q", "Xp", "Xq"]}))
ARM = {a: i for i, a in enumerate(KIT.arm)}


def clean(rows, merge_gap=T.kit_merge_gap, min_size=T.kit_min_segment_size, kit=KIT) -> CleanSegments:
    """rows: (chrom, start, end, kind, cn)."""
    chrom, start, end, kind, cn = zip(*rows, strict=True) if rows else ((), (), (), (), ())
    return clean_segments(chrom_codes(np.array(chrom, dtype=object)), np.array(start, np.int64),
                          np.array(end, np.int64), np.array(cn, float), np.array(kind, np.int8), kit,
                          merge_gap=merge_gap, min_size=min_size)


def segs(rows) -> CleanSegments:
    """Already-clean segments: (arm, start, end, kind, cn)."""
    arm, start, end, kind, cn = zip(*rows, strict=True)
    return CleanSegments(np.array([ARM[a] for a in arm]), np.array(start, np.int64), np.array(end, np.int64),
                         np.array(cn, float), np.array(kind, np.int8))


def as_rows(c: CleanSegments) -> list[tuple]:
    return [(str(KIT.arm[a]), int(s), int(e), int(k), None if np.isnan(n) else float(n))
            for a, s, e, k, n in zip(c.arm, c.start, c.end, c.kind, c.cn, strict=True)]


# --- cleaning -----------------------------------------------------------------------------------------------

def test_cleaning_cuts_segments_at_the_kit_arms_and_drops_the_uncovered_part():
    got = clean([("chr1", 50 * MB, 150 * MB, GAIN, 3.0), ("chr2", 81 * MB, 89 * MB, LOSS, 1.0)])
    assert as_rows(got) == [("1p", 50 * MB, 100 * MB, GAIN, 3.0), ("1q", 120 * MB, 150 * MB, GAIN, 3.0)]


def test_cleaning_removes_loh_inside_a_loss_and_splits_it():
    got = clean([("chr1", 10 * MB, 40 * MB, LOH, np.nan), ("chr1", 20 * MB, 25 * MB, LOSS, 1.0),
                 ("chr2", 0, 10 * MB, LOH, 2.0), ("chr2", 0, 20 * MB, LOSS, 1.0)])
    assert as_rows(got) == [("1p", 10 * MB, 20 * MB, LOH, None), ("1p", 20 * MB, 25 * MB, LOSS, 1.0),
                            ("1p", 25 * MB, 40 * MB, LOH, None), ("2p", 0, 20 * MB, LOSS, 1.0)]


def test_cleaning_merges_same_copy_number_closer_than_300kb_only():
    gap = T.kit_merge_gap
    got = clean([("chr1", 0, 1 * MB, GAIN, 3.0), ("chr1", 1 * MB + gap - 1, 2 * MB, GAIN, 3.0),  # gap 299,999
                 ("chr1", 3 * MB, 4 * MB, GAIN, 3.0), ("chr1", 4 * MB + gap, 5 * MB, GAIN, 3.0),  # gap 300,000
                 ("chr2", 0, 1 * MB, GAIN, 3.0), ("chr2", 1 * MB, 2 * MB, GAIN, 4.0)])  # other copy number
    assert as_rows(got) == [("1p", 0, 2 * MB, GAIN, 3.0), ("1p", 3 * MB, 4 * MB, GAIN, 3.0),
                            ("1p", 4 * MB + gap, 5 * MB, GAIN, 3.0), ("2p", 0, 1 * MB, GAIN, 3.0),
                            ("2p", 1 * MB, 2 * MB, GAIN, 4.0)]


def test_cleaning_merges_across_a_segment_of_another_copy_number():
    # oncoscanR merges per copy number: the two CN 3 pieces 200 kb apart join over the CN 5 segment between.
    got = clean([("chr1", 0, 1 * MB, GAIN, 3.0), ("chr1", 1 * MB, 1_200_000, GAIN, 5.0),
                 ("chr1", 1_200_000, 2 * MB, GAIN, 3.0)], min_size=0)
    assert ("1p", 0, 2 * MB, GAIN, 3.0) in as_rows(got)


def test_cleaning_drops_segments_below_300kb_after_merging():
    size = T.kit_min_segment_size
    got = clean([("chr1", 0, size - 1, LOSS, 1.0), ("chr1", 10 * MB, 10 * MB + size, LOSS, 1.0),
                 ("chr2", 0, 200_000, GAIN, 3.0), ("chr2", 250_000, 400_000, GAIN, 3.0)])
    assert as_rows(got) == [("1p", 10 * MB, 10 * MB + size, LOSS, 1.0), ("2p", 0, 400_000, GAIN, 3.0)]


def test_cleaning_ignores_neutral_rows_and_empty_input():
    assert len(clean([("chr1", 0, 50 * MB, NEUTRAL, 2.0)])) == 0
    assert len(clean([])) == 0


ORACLE_KIT = KitCoverage.from_arms(pd.DataFrame({"chrom": ["chr1", "chr1", "chr2"], "start": [0, 60, 10],
                                                 "end": [50, 120, 90], "arm": ["1p", "1q", "2q"]}))
oracle_rows = st.lists(st.tuples(st.sampled_from(["chr1", "chr2", "chr3"]), st.integers(0, 130), st.integers(1, 40),
                                 st.sampled_from([GAIN, LOSS, LOH, NEUTRAL]), st.sampled_from([0.0, 1.0, 3.0])),
                       max_size=12)


@settings(max_examples=300, deadline=None)
@given(oracle_rows)
def test_cleaning_without_merge_or_floor_keeps_exactly_the_oracle_bases(rows):
    rows = [(c, s, s + w, k, np.nan if k == LOH else n) for c, s, w, k, n in rows]
    got = clean(rows, merge_gap=1, min_size=0, kit=ORACLE_KIT)
    kit = {(c, x) for c, s, e in zip(ORACLE_KIT.chrom, ORACLE_KIT.start, ORACLE_KIT.end, strict=True)
           for x in range(s, e)}
    code = {"chr1": 0, "chr2": 1, "chr3": 2}

    def bases(kind):
        return {(code[c], x) for c, s, e, k, _ in rows if k == kind for x in range(s, e)} & kit

    want = {GAIN: bases(GAIN), LOSS: bases(LOSS), LOH: bases(LOH) - bases(LOSS)}
    for kind, expected in want.items():
        mine = {(int(ORACLE_KIT.chrom[a]), x) for a, s, e, k in zip(got.arm, got.start, got.end, got.kind,
                                                                      strict=True) if k == kind for x in range(s, e)}
        assert mine == expected, kind


# --- scores -------------------------------------------------------------------------------------------------

def test_avg_cn_rounds_away_from_two_and_leaves_out_loh_and_sex_chromosomes():
    auto = float(KIT.length[KIT.autosomal].sum())  # 470 Mb
    s = segs([("1p", 0, 47 * MB, GAIN, 2.33), ("2p", 0, 47 * MB, LOSS, 1.67), ("2q", 90 * MB, 137 * MB, LOH, np.nan),
              ("Xq", 60 * MB, 155 * MB, GAIN, 5.0)])
    # 47 Mb at 3 and 47 Mb at 1 (subclonal states rounded away from 2), the rest at 2.
    assert score_avg_cn(s, KIT) == pytest.approx((47 * MB * 3 + 47 * MB * 1 + 2 * (auto - 94 * MB)) / auto)
    assert score_avg_cn(segs([("Xp", 0, 58 * MB, GAIN, 4.0)]), KIT) == 2.0


@pytest.mark.parametrize(("avg", "events"), [(2.0, 0), (2.2, 0), (2.2001, 1), (3.4, 1), (3.4001, 2)])
def test_wgd_events_follow_carter_cut_offs(avg, events):
    assert wgd_events(avg, T) == events


def test_lst_counts_breakpoints_with_10mb_on_both_sides():
    # 1q (120-240 Mb): breakpoints 120 | 130 | 160 | 200 | 240 Mb, every side >= 10 Mb: three transitions.
    s = segs([("1q", 130 * MB, 160 * MB, GAIN, 3.0), ("1q", 160 * MB, 200 * MB, LOSS, 1.0)])
    assert score_lst(s, KIT) == 3
    # 129 Mb start: 9 Mb to the arm start, that breakpoint no longer counts.
    s = segs([("1q", 129 * MB, 160 * MB, GAIN, 3.0), ("1q", 160 * MB, 200 * MB, LOSS, 1.0)])
    assert score_lst(s, KIT) == 2


def test_lst_smooths_breakpoints_closer_than_3mb_and_drops_small_segments():
    # 160 and 161 Mb merge to 160.5 Mb: still three transitions; a 2.9 Mb gain is ignored.
    s = segs([("1q", 130 * MB, 160 * MB, GAIN, 3.0), ("1q", 161 * MB, 200 * MB, LOSS, 1.0),
              ("1q", 210 * MB, 212_900_000, GAIN, 4.0)])
    assert score_lst(s, KIT) == 3
    # Same-copy-number segments 2 Mb apart are merged first: one segment, two transitions.
    s = segs([("1q", 140 * MB, 170 * MB, GAIN, 3.0), ("1q", 172 * MB, 200 * MB, GAIN, 3.0)])
    assert score_lst(s, KIT) == 2
    assert score_lst(segs([("1q", 130 * MB, 132 * MB, GAIN, 3.0)]), KIT) == 0


def lst_reference(s: CleanSegments, kit: KitCoverage) -> int:
    """oncoscanR's score_lst step by step, one arm at a time (the plain loop lmsgen's version shortcuts)."""
    from lms_genomics.calling.cleaning import merge_same_copy_number

    big = s.take(s.width >= 3 * MB)
    if not len(big):
        return 0
    m = merge_same_copy_number(big, 3 * MB)
    total = 0
    for a in sorted(set(m.arm.tolist())):
        sel = m.arm == a
        bp = sorted({int(kit.start[a]) + 1, *(m.start[sel] + 1).tolist(), *(m.end[sel] + 1).tolist(),
                     int(kit.end[a]) + 1})
        for i in range(1, len(bp)):
            if bp[i] - bp[i - 1] < 3 * MB:
                bp[i], bp[i - 1] = round((bp[i] + bp[i - 1]) / 2), None
        bp = [b for b in bp if b is not None]
        total += sum(1 for i in range(1, len(bp) - 1) if bp[i] - bp[i - 1] >= 10 * MB and bp[i + 1] - bp[i] >= 10 * MB)
    return total


lst_segments = st.lists(st.tuples(st.sampled_from(["1p", "1q", "2q"]), st.integers(0, 150), st.integers(1, 40),
                                  st.sampled_from([GAIN, LOSS, LOH]), st.sampled_from([1.0, 3.0, 4.0])),
                        max_size=15)


@settings(max_examples=300, deadline=None)
@given(lst_segments)
def test_lst_equals_the_step_by_step_reference(rows):
    clipped = []
    for arm, s0, w, kind, cn in rows:  # half-Mb grid, clipped to the arm: close breakpoints are frequent
        a = ARM[arm]
        start = max(int(KIT.start[a]), int(KIT.start[a]) + s0 * MB // 2)
        end = min(int(KIT.end[a]), start + w * MB // 2)
        if end > start:
            clipped.append((arm, start, end, kind, np.nan if kind == LOH else cn))
    if not clipped:
        return
    s = segs(clipped)
    assert score_lst(s, KIT) == lst_reference(s, KIT)


def test_nlst_subtracts_3_5_per_wgd_and_labels_hrd():
    rows = [("chr1", 0, 100 * MB, GAIN, 4.0)]  # 1p at CN 4: avg CN 2.43 -> one WGD
    for k in range(7):  # 14 transitions on 2q (90-240 Mb): 10 Mb losses 10 Mb apart from 100 to 230 Mb
        rows.append(("chr2", (100 + 20 * k) * MB, (110 + 20 * k) * MB, LOSS, 1.0))
    chrom, start, end, kind, cn = zip(*rows, strict=True)
    scores = genome_scores(chrom_codes(np.array(chrom, object)), np.array(start), np.array(end), np.array(cn),
                           np.array(kind), KIT, T)
    assert scores.wgd == 1
    assert scores.lst == 14 and scores.nlst == 10.5 and scores.hrd == "negative"
    low = genome_scores(chrom_codes(np.array(chrom, object)), np.array(start), np.array(end), np.array(cn),
                        np.array(kind), KIT, T.with_overrides(score_nlst_hrd=10.5))
    assert low.hrd == "positive" and low.as_dict()["thresholds"]["nlst_hrd_positive"] == 10.5


def test_hr_loh_counts_regions_over_15mb_outside_whole_chromosome_loh():
    none = np.zeros(len(KIT), bool)
    s = segs([("1p", 0, 15 * MB, LOH, np.nan), ("1p", 20 * MB, 20 * MB + 15 * MB + 1, LOH, np.nan),
              ("1q", 130 * MB, 146 * MB, LOSS, 1.0), ("1q", 150 * MB, 170 * MB, LOSS, 0.5),
              ("2p", 0, 8 * MB, LOH, np.nan), ("2p", 8 * MB, 16 * MB, LOH, np.nan),
              ("2q", 100 * MB, 108 * MB, LOH, np.nan), ("2q", 108 * MB, 116 * MB, LOSS, 1.0)])
    # 15 Mb exactly: no; 15 Mb + 1: yes; het loss 16 Mb: yes; homozygous loss: no; touching LOH 8+8: yes;
    # LOH touching a het loss: two regions of 8 Mb (not merged across kinds).
    assert score_hr_loh(s, KIT, none, none) == 3
    whole_1 = np.isin(KIT.arm, ["1p", "1q"])
    assert score_hr_loh(s, KIT, whole_1, none) == 1  # chromosome 1 left out
    assert score_hr_loh(s, KIT, np.isin(KIT.arm, ["1p"]), none) == 3  # only one arm: kept
    assert score_hr_loh(s, KIT, np.isin(KIT.arm, ["1p"]), np.isin(KIT.arm, ["1q"])) == 3  # mixed: kept


def test_gloh_is_the_kit_fraction_in_loh_outside_arm_level_events():
    none = np.zeros(len(KIT), bool)
    s = segs([("1p", 0, 10 * MB, LOH, np.nan), ("2p", 0, 5 * MB, LOSS, 1.0), ("2q", 90 * MB, 100 * MB, LOSS, 0.0)])
    total = float(KIT.length.sum())
    assert score_gloh(s, KIT, none, none) == pytest.approx(15 * MB / total)
    assert score_gloh(s, KIT, np.isin(KIT.arm, ["1p"]), none) == pytest.approx(5 * MB / total)


def test_td_counts_gains_of_one_or_two_copies_by_size():
    s = segs([("1p", 0, 1 * MB, GAIN, 3.0), ("1p", 2 * MB, 3 * MB + 1, GAIN, 4.0),
              ("1p", 10 * MB, 20 * MB, GAIN, 3.0), ("1p", 30 * MB, 40 * MB + 1, GAIN, 3.0),
              ("1p", 50 * MB, 52 * MB, LOSS, 1.0), ("1p", 60 * MB, 62 * MB, GAIN, 5.0)])
    assert score_td(s) == (1, 2)  # TD: the 1 Mb gain; TD+: 1 Mb + 1 and 10 Mb; 10 Mb + 1, losses, CN 5: no


def test_td_leaves_out_fractional_states_above_four_copies():
    # Found against oncoscanR 1.5.0 on the LST export: it counts its "gain" subtype (CN <= 4), so ChAS's
    # subclonal 4.33/4.67 states are not tandem duplications (lmsgen first said TD 76 / TD+ 136 vs 74 / 128).
    assert score_td(segs([("1p", 0, 2 * MB, GAIN, 4.33), ("1p", 5 * MB, 7 * MB, GAIN, 4.0)])) == (0, 1)


# --- in the result ------------------------------------------------------------------------------------------

CONTRACT_KEYS = {"research_use", "avg_cn", "wgd", "lst", "nlst", "hrd", "hr_loh", "gloh", "td", "td_plus",
                 "mb_altered", "mb_kit", "thresholds"}


def test_result_json_carries_the_scores_and_reads_them_back():
    r = classify(EXAMPLES / "case2")
    doc = r.to_dict()
    scores = doc["profile"]["scores"]
    assert set(scores) == CONTRACT_KEYS and scores["research_use"] is True
    assert scores["hrd"] in ("positive", "negative") and isinstance(scores["wgd"], bool)
    assert scores["thresholds"]["nlst_hrd_positive"] == 15.0 and scores["thresholds"]["merge_gap_bp"] == 300_000
    assert scores["mb_kit"] == pytest.approx(2837.101, abs=1e-3)
    assert doc["provenance"]["kit_coverage"]["path"].endswith("oncoscan_na33r2_coverage.bed")
    assert len(doc["provenance"]["kit_coverage"]["sha256"]) == 64
    assert SampleResult.from_dict(doc).to_dict()["profile"]["scores"] == scores


def test_log2_input_scores_need_loh_not_assessed_and_avg_cn_from_corrected_copy_number(tmp_path):
    # Regression: oncoscanR's rounding away from 2 on a continuous estimate turned CN 4.0000002 into 5.
    kit = load_kit()
    # chr1 at CN 4 in a tumour of 50% purity: log2 = log2((4 * 0.5 + 1) / (2 * 0.5 + 1)) = log2(1.5).
    lines = ["ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean"]
    for c in range(1, 23):
        lines.append(f"T1\t{c}\t1\t{240_000_000 if c == 1 else 40_000_000}\t5000\t"
                     f"{np.log2(1.5) if c == 1 else 0.0:.6f}")
    seg = tmp_path / "T1.seg"
    seg.write_text("\n".join(lines) + "\n")
    scores = classify(seg, purity=0.5).to_dict()["profile"]["scores"]
    assert {scores[k] for k in ("lst", "hr_loh", "gloh")} == {"not_assessed"}
    chr1 = kit.chrom == 0
    covered = np.minimum(kit.end[chr1], 240_000_000) - kit.start[chr1]
    want = 2 + 2 * covered.sum() / kit.length[kit.autosomal].sum()
    assert scores["avg_cn"] == pytest.approx(want, abs=1e-4)
    assert scores["wgd"] is False and scores["td"] == 0 and isinstance(scores["nlst"], float)


def test_near_empty_export_warns_that_the_scores_may_see_no_tumour(tmp_path):
    path = write_chas(tmp_path / "t.txt", [("3", 10_000_000, 12_000_000, "Loss", 1)])
    r = classify(path)
    assert any("no tumour DNA" in w and "'no tumor?'" in w for w in r.warnings)
    assert r.to_dict()["profile"]["scores"]["hrd"] == "negative"


def test_cohort_row_has_a_column_per_score():
    row = summary_row(classify(EXAMPLES / "case2").to_dict())
    assert list(SCORE_COLUMNS) == ["avg_cn", "wgd", "lst", "nlst", "hrd", "hr_loh", "gloh", "td", "td_plus",
                                   "mb_altered"]
    assert row["wgd"] in ("yes", "no") and row["hrd"] in ("positive", "negative") and isinstance(row["lst"], int)
    row6 = summary_row(classify(EXAMPLES / "case6").to_dict())  # no LOH rows in case 6
    assert row6["hr_loh"] == "not_assessed"
    empty = summary_row({"sample": "x", "profile": "not_assessed"})
    assert all(empty[c] is None for c in SCORE_COLUMNS)


def test_arm_level_and_scores_clean_once_when_the_arms_are_the_kit(tmp_path):
    # With the kit passed as the arm table both see the same cleaned segments: the LOH arms the arm-level pass
    # calls are the ones gLOH leaves out.
    r = classify(EXAMPLES / "case2", arms=load_kit().path)
    loh_arms = r.arm_level["LOH"]
    assert isinstance(loh_arms, list)
    assert r.to_dict()["provenance"]["kit_coverage"]["path"] == load_kit().path
