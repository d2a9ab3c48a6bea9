"""Interval operations on lmsgen's canonical tables, vectorised with numpy (one small module, so a change of
engine is one file).

All tables use ``chrom``, ``start``, ``end`` (0-based half-open). pyranges 0.1.x did the same work but cost
~40 ms per call in per-chromosome bookkeeping, which dominated a sample's run time (and a cohort's); these
sort/searchsorted implementations give identical results (see ``tests/test_intervals.py``, which checks them
against pyranges and a brute-force oracle).
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else object) for c in cols})


def overlap_pairs(left: pd.DataFrame, right: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (i, j) of every left/right pair overlapping by at least one base."""
    li_all, rj_all = [], []
    lchrom = left["chrom"].to_numpy()
    rchrom = right["chrom"].to_numpy()
    lstart, lend = left["start"].to_numpy(np.int64), left["end"].to_numpy(np.int64)
    rstart, rend = right["start"].to_numpy(np.int64), right["end"].to_numpy(np.int64)
    for chrom in np.intersect1d(pd.unique(lchrom), pd.unique(rchrom)):
        li = np.flatnonzero(lchrom == chrom)
        rj = np.flatnonzero(rchrom == chrom)
        order = np.argsort(rstart[rj], kind="stable")
        rj = rj[order]
        rs, re = rstart[rj], rend[rj]
        maxlen = int((re - rs).max())
        hi = np.searchsorted(rs, lend[li], side="left")  # right starts < left end
        lo = np.searchsorted(rs, lstart[li] - maxlen, side="left")  # nothing earlier can reach the left start
        counts = np.maximum(hi - lo, 0)
        total = int(counts.sum())
        if total == 0:
            continue
        rep_l = np.repeat(li, counts)
        offsets = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)
        cand = rj[offsets]
        keep = (rend[cand] > lstart[rep_l]) & (rstart[cand] < lend[rep_l])
        li_all.append(rep_l[keep])
        rj_all.append(cand[keep])
    if not li_all:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    i, j = np.concatenate(li_all), np.concatenate(rj_all)
    order = np.lexsort((j, i))
    return i[order], j[order]


def overlap_join(left: pd.DataFrame, right: pd.DataFrame, suffix: str = "_b") -> pd.DataFrame:
    """All pairs (left row, right row) whose intervals overlap by at least one base.

    Columns of ``right`` other than ``chrom`` get ``suffix`` when their name is taken by ``left`` (so the
    right coordinates become ``start{suffix}``/``end{suffix}``).
    """
    rcols = [c for c in right.columns if c != "chrom"]
    renamed = {c: (c + suffix if c in left.columns else c) for c in rcols}
    if left.empty or right.empty:
        return _empty(list(left.columns) + list(renamed.values()))
    i, j = overlap_pairs(left, right)
    out = left.iloc[i].reset_index(drop=True)
    r = right.iloc[j][rcols].rename(columns=renamed).reset_index(drop=True)
    return pd.concat([out, r], axis=1)


def _group_codes(d: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """One integer per distinct combination of ``cols`` (factorized column by column)."""
    code = np.zeros(len(d), dtype=np.int64)
    for c in cols:
        f, uniques = pd.factorize(d[c])
        code = code * (len(uniques) + 1) + f
    return code


def cluster(df: pd.DataFrame, by: list[str] | None = None, slack: int = 0) -> np.ndarray:
    """Cluster id of each row (in ``df``'s row order): rows of one chromosome and ``by`` values whose intervals
    overlap or lie within ``slack`` bases of each other share an id; ids follow (by, chrom, start) order."""
    by = list(by or [])
    if df.empty:
        return np.empty(0, dtype=np.int64)
    d = df[["chrom", *by, "start", "end"]].reset_index(drop=True)
    order = np.lexsort((d["end"].to_numpy(), d["start"].to_numpy(), _group_codes(d, ["chrom", *by])))
    keys = _group_codes(d, ["chrom", *by])[order]
    start = d["start"].to_numpy(np.int64)[order]
    end = d["end"].to_numpy(np.int64)[order]
    new_key = np.r_[True, keys[1:] != keys[:-1]]
    # Running max of ends within each key group (ends are >= 0, so offsetting each group above the previous
    # one's maximum lets one global cummax serve every group).
    group = np.cumsum(new_key) - 1
    span = int(end.max()) + 1
    run_end = np.maximum.accumulate(end + group * span) - group * span
    prev_end = np.r_[np.iinfo(np.int64).min // 2, run_end[:-1]]
    ids_sorted = np.cumsum(new_key | (start > prev_end + slack)) - 1
    ids = np.empty(len(d), dtype=np.int64)
    ids[order] = ids_sorted
    return ids


def merge(df: pd.DataFrame, by: list[str] | None = None, slack: int = 0) -> pd.DataFrame:
    """Merge intervals that overlap or lie within ``slack`` bases, per chromosome and ``by`` columns.

    Returns ``chrom, start, end, *by, n_merged``, one row per cluster of :func:`cluster`.
    """
    by = list(by or [])
    cols = ["chrom", "start", "end", *by]
    if df.empty:
        return _empty([*cols, "n_merged"])
    d = df[cols].reset_index(drop=True)
    ids = cluster(d, by, slack)
    n = int(ids.max()) + 1
    first_row = np.full(n, len(d), dtype=np.int64)
    np.minimum.at(first_row, ids, np.arange(len(d)))
    start = np.full(n, np.iinfo(np.int64).max)
    end = np.zeros(n, dtype=np.int64)
    np.minimum.at(start, ids, d["start"].to_numpy(np.int64))
    np.maximum.at(end, ids, d["end"].to_numpy(np.int64))
    out = d.loc[first_row, ["chrom", *by]].reset_index(drop=True)
    out["start"] = start
    out["end"] = end
    out["n_merged"] = np.bincount(ids, minlength=n)
    return out[[*cols, "n_merged"]]


def intersect(df: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Parts of ``df`` intervals inside ``regions`` (each df row clipped to each overlapping region)."""
    if df.empty or regions.empty:
        return df.iloc[0:0].copy()
    reg = merge(regions[["chrom", "start", "end"]])
    i, j = overlap_pairs(df, reg)
    out = df.iloc[i].reset_index(drop=True)
    out["start"] = np.maximum(out["start"].to_numpy(), reg["start"].to_numpy()[j])
    out["end"] = np.minimum(out["end"].to_numpy(), reg["end"].to_numpy()[j])
    return out


def subtract(df: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Parts of ``df`` intervals outside ``regions`` (an interval may split in several pieces)."""
    if df.empty or regions.empty:
        return df.copy()
    d = df.reset_index(drop=True)
    reg = merge(regions[["chrom", "start", "end"]])
    i, j = overlap_pairs(d, reg)
    ids = np.arange(len(d))
    # Pieces of interval k: [start_k, r1.start), [r1.end, r2.start), ..., [rn.end, end_k); regions sorted.
    starts = pd.DataFrame({"id": np.r_[ids, i], "pos": np.r_[d["start"].to_numpy(), reg["end"].to_numpy()[j]]})
    ends = pd.DataFrame({"id": np.r_[i, ids], "pos": np.r_[reg["start"].to_numpy()[j], d["end"].to_numpy()]})
    starts = starts.sort_values(["id", "pos"], kind="stable").reset_index(drop=True)
    ends = ends.sort_values(["id", "pos"], kind="stable").reset_index(drop=True)
    keep = ends["pos"].to_numpy() > starts["pos"].to_numpy()
    idx = starts["id"].to_numpy()[keep]
    out = d.iloc[idx].reset_index(drop=True)
    out["start"] = starts["pos"].to_numpy()[keep]
    out["end"] = ends["pos"].to_numpy()[keep]
    return out
