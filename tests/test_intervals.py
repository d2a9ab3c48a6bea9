"""Interval operations against a brute-force oracle (hypothesis) and against pyranges."""

from __future__ import annotations

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from lms_genomics import intervals

CHROMS = ["chr1", "chr2"]
interval = st.tuples(st.sampled_from(CHROMS), st.integers(0, 200), st.integers(1, 60)).map(
    lambda t: (t[0], t[1], t[1] + t[2]))
tables = st.lists(interval, max_size=25).map(lambda rows: pd.DataFrame(rows, columns=["chrom", "start", "end"]))


def bases(df: pd.DataFrame) -> set[tuple[str, int]]:
    return {(c, x) for c, s, e in df[["chrom", "start", "end"]].itertuples(index=False) for x in range(s, e)}


@settings(max_examples=300, deadline=None)
@given(tables, tables)
def test_overlap_pairs_equal_brute_force(left, right):
    i, j = intervals.overlap_pairs(left, right)
    got = set(zip(i.tolist(), j.tolist(), strict=True))
    want = {(a, b) for a, (c1, s1, e1) in enumerate(left.itertuples(index=False))
            for b, (c2, s2, e2) in enumerate(right.itertuples(index=False)) if c1 == c2 and s1 < e2 and s2 < e1}
    assert got == want


@settings(max_examples=300, deadline=None)
@given(tables, st.integers(0, 20))
def test_merge_covers_the_same_bases_and_respects_slack(df, slack):
    m = intervals.merge(df, slack=slack)
    assert bases(m) >= bases(df)
    if slack == 0:
        assert bases(m) == bases(df)
    for _chrom, g in m.groupby("chrom"):
        g = g.sort_values("start")
        assert ((g["start"].to_numpy()[1:] - g["end"].to_numpy()[:-1]) > slack).all()
    assert int(m["n_merged"].sum()) == len(df)


@settings(max_examples=300, deadline=None)
@given(tables, tables)
def test_intersect_and_subtract_partition_the_bases(df, regions):
    inside = intervals.intersect(df, regions)
    outside = intervals.subtract(df, regions)
    assert bases(inside) == bases(df) & bases(regions)
    assert bases(outside) == bases(df) - bases(regions)


def test_overlap_join_matches_pyranges():
    import pyranges as pr

    left = pd.DataFrame({"chrom": ["chr1", "chr1", "chr2"], "start": [0, 100, 5], "end": [50, 200, 10], "g": [1, 2, 3]})
    right = pd.DataFrame({"chrom": ["chr1", "chr1"], "start": [40, 150], "end": [120, 160], "s": ["a", "b"]})
    ours = intervals.overlap_join(left, right)
    theirs = pr.PyRanges(left.rename(columns={"chrom": "Chromosome", "start": "Start", "end": "End"})).join(
        pr.PyRanges(right.rename(columns={"chrom": "Chromosome", "start": "Start", "end": "End"}))).df
    assert sorted(zip(ours["g"], ours["s"], strict=True)) == sorted(zip(theirs["g"], theirs["s"], strict=True))


@settings(max_examples=300, deadline=None)
@given(tables, tables)
def test_covered_bases_counts_the_union(df, regions):
    assert intervals.covered_bases(df) == len(bases(df))
    assert intervals.covered_bases(df, regions) == len(bases(df) & bases(regions))


# Array forms (per-sample numpy path): integer keys instead of chromosome names.
keyed = st.tuples(st.integers(0, 2), st.integers(0, 200), st.integers(1, 60)).map(
    lambda t: (t[0], t[1], t[1] + t[2]))
keyed_lists = st.lists(keyed, max_size=25)


def _arrays(rows):
    import numpy as np

    a = np.array(rows, dtype=np.int64).reshape(-1, 3)
    return a[:, 0], a[:, 1], a[:, 2]


def _bases_of(keys, starts, ends) -> set[tuple[int, int]]:
    return {(int(k), x) for k, s, e in zip(keys, starts, ends, strict=True) for x in range(int(s), int(e))}


@settings(max_examples=300, deadline=None)
@given(keyed_lists, keyed_lists)
def test_clip_arrays_equal_brute_force(left, right):
    i, j, s, e = intervals.clip_arrays(*_arrays(left), *_arrays(right))
    got = set(zip(i.tolist(), j.tolist(), s.tolist(), e.tolist(), strict=True))
    want = {(a, b, max(s1, s2), min(e1, e2)) for a, (k1, s1, e1) in enumerate(left)
            for b, (k2, s2, e2) in enumerate(right) if k1 == k2 and s1 < e2 and s2 < e1}
    assert got == want


@settings(max_examples=300, deadline=None)
@given(keyed_lists, keyed_lists)
def test_subtract_arrays_keeps_each_interval_outside_the_regions(left, right):
    src, s, e = intervals.subtract_arrays(*_arrays(left), *_arrays(right))
    region_bases = _bases_of(*_arrays(right))
    for n, (k, s0, e0) in enumerate(left):  # per source interval: exactly its bases outside the regions
        mine = [(a, b) for m, a, b in zip(src.tolist(), s.tolist(), e.tolist(), strict=True) if m == n]
        got = {(k, x) for a, b in mine for x in range(a, b)}
        assert got == {(k, x) for x in range(s0, e0)} - region_bases
        assert all(b > a for a, b in mine)
        assert sum(b - a for a, b in mine) == len(got)  # pieces do not overlap


@settings(max_examples=300, deadline=None)
@given(keyed_lists)
def test_union_length_counts_each_base_once_per_key(rows):
    keys, starts, ends = _arrays(rows)
    got = intervals.union_length(keys, starts, ends, 3)
    want = [len({x for k, x in _bases_of(keys, starts, ends) if k == key}) for key in range(3)]
    assert got.tolist() == want


def test_subtract_arrays_matches_pyranges():
    import numpy as np
    import pyranges as pr

    left = pd.DataFrame({"Chromosome": ["chr1", "chr1", "chr2"], "Start": [0, 100, 5], "End": [50, 200, 60]})
    right = pd.DataFrame({"Chromosome": ["chr1", "chr1", "chr2"], "Start": [40, 120, 10], "End": [120, 150, 20]})
    codes = {"chr1": 0, "chr2": 1}
    src, s, e = intervals.subtract_arrays(
        np.array([codes[c] for c in left["Chromosome"]]), left["Start"].to_numpy(), left["End"].to_numpy(),
        np.array([codes[c] for c in right["Chromosome"]]), right["Start"].to_numpy(), right["End"].to_numpy())
    theirs = pr.PyRanges(left).subtract(pr.PyRanges(right)).df
    assert sorted(zip(left["Chromosome"].to_numpy()[src], s.tolist(), e.tolist(), strict=True)) == sorted(
        zip(theirs["Chromosome"].astype(str), theirs["Start"].tolist(), theirs["End"].tolist(), strict=True))
