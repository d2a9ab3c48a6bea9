"""Interval operations on lmsgen's canonical tables, vectorised with numpy (one small module, so a change of
engine is one file).

All tables use ``chrom``, ``start``, ``end`` (0-based half-open). pyranges 0.1.x did the same work but cost
~40 ms per call in per-chromosome bookkeeping, which dominated a sample's run time (and a cohort's); these
sort/searchsorted implementations give identical results (see ``tests/test_intervals.py``, which checks them
against pyranges and a brute-force oracle). Every chromosome is placed on one genome axis (code × 2^32 +
position), so an operation is one sort and one search over the whole genome, with no per-chromosome loop.
"""

from __future__ import annotations

import numpy as np

from ._lazy import pandas as pd
from .genome import CHROMOSOMES

#: Chromosome codes are shifted this far apart, so one sorted axis holds the whole genome (hg19's longest
#: chromosome is < 2^28 bases: no interval, merge slack or gene can reach into the next chromosome's range).
_CHROM_SHIFT = np.int64(1 << 32)
_CANONICAL_CODES = {c: i for i, c in enumerate(CHROMOSOMES)}
_INT64_MAX, _INT64_MIN = np.iinfo(np.int64).max, np.iinfo(np.int64).min


def _empty(cols: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="int64" if c in ("start", "end") else object) for c in cols})


def _chrom_codes(*chroms: np.ndarray) -> list[np.ndarray]:
    """One integer per chromosome name, consistent across the given arrays (canonical names first)."""
    known = _CANONICAL_CODES
    out = []
    for arr in chroms:
        codes = np.fromiter((known.get(c, -1) for c in arr), dtype=np.int64, count=len(arr))
        out.append(codes)
    if any((c < 0).any() for c in out):  # non-canonical names: one factorisation over all arrays
        f, _ = pd.factorize(np.concatenate([np.asarray(a, dtype=object) for a in chroms]))
        bounds = np.cumsum([0, *map(len, chroms)])
        out = [f[bounds[k]:bounds[k + 1]].astype(np.int64) for k in range(len(chroms))]
    return out


def _genome_axis(code: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    off = code * _CHROM_SHIFT
    return off + np.asarray(start, dtype=np.int64), off + np.asarray(end, dtype=np.int64)


def _pairs(ls: np.ndarray, le: np.ndarray, rs: np.ndarray, re: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Overlapping (i, j) on the genome axis, sorted by (i, j)."""
    if not len(ls) or not len(rs):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    order = np.argsort(rs, kind="stable")
    rs_sorted = rs[order]
    maxlen = int((re - rs).max())
    hi = np.searchsorted(rs_sorted, le, side="left")  # right starts < left end
    lo = np.searchsorted(rs_sorted, ls - maxlen, side="left")  # nothing earlier can reach the left start
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    rep_l = np.repeat(np.arange(len(ls), dtype=np.int64), counts)
    offsets = np.repeat(lo - np.cumsum(counts) + counts, counts) + np.arange(total)
    cand = order[offsets]
    keep = (re[cand] > ls[rep_l]) & (rs[cand] < le[rep_l])
    i, j = rep_l[keep], cand[keep]
    o = np.lexsort((j, i))
    return i[o], j[o]


def overlap_pairs(left: pd.DataFrame, right: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Row positions (i, j) of every left/right pair overlapping by at least one base, sorted by (i, j)."""
    if not len(left) or not len(right):
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    lc, rc = _chrom_codes(left["chrom"].to_numpy(), right["chrom"].to_numpy())
    ls, le = _genome_axis(lc, left["start"].to_numpy(), left["end"].to_numpy())
    rs, re = _genome_axis(rc, right["start"].to_numpy(), right["end"].to_numpy())
    return _pairs(ls, le, rs, re)


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
    data = {c: left[c].to_numpy()[i] for c in left.columns}
    data.update({renamed[c]: right[c].to_numpy()[j] for c in rcols})
    return pd.DataFrame(data)


def _group_codes(d: pd.DataFrame, cols: list[str]) -> np.ndarray:
    """One integer per distinct combination of ``cols`` (factorized column by column)."""
    code = np.zeros(len(d), dtype=np.int64)
    for c in cols:
        f, uniques = pd.factorize(d[c])
        code = code * (len(uniques) + 1) + f
    return code


def cluster_ids(keys: np.ndarray, start: np.ndarray, end: np.ndarray, slack: int,
                subkey: np.ndarray | None = None) -> np.ndarray:
    """Array form of :func:`cluster` (``keys``: one integer per chromosome/group; ``subkey``: a second group
    key, any sortable values, e.g. copy numbers, instead of folding them into ``keys`` by a factorisation): rows of
    one key (and subkey) whose intervals overlap or lie within ``slack`` bases share an id; ids follow (key,
    subkey, start) order."""
    order = np.lexsort((end, start, keys) if subkey is None else (end, start, subkey, keys))
    k, s, e = keys[order], start[order], end[order]
    new_key = np.empty(len(k), dtype=bool)
    new_key[:1] = True
    np.not_equal(k[1:], k[:-1], out=new_key[1:])
    if subkey is not None:
        sub = subkey[order]
        new_key[1:] |= sub[1:] != sub[:-1]
    # Running max of ends within each key group (ends are >= 0, so offsetting each group above the previous
    # one's maximum lets one global cummax serve every group).
    group = np.cumsum(new_key) - 1
    span = int(e.max()) + 1
    run_end = np.maximum.accumulate(e + group * span) - group * span
    prev_end = np.empty_like(run_end)
    prev_end[:1] = _INT64_MIN // 2
    prev_end[1:] = run_end[:-1]
    ids = np.empty(len(k), dtype=np.int64)
    ids[order] = np.cumsum(new_key | (s > prev_end + slack)) - 1
    return ids


def cluster(df: pd.DataFrame, by: list[str] | None = None, slack: int = 0) -> np.ndarray:
    """Cluster id of each row (in ``df``'s row order): rows of one chromosome and ``by`` values whose intervals
    overlap or lie within ``slack`` bases of each other share an id; ids follow (by, chrom, start) order."""
    by = list(by or [])
    if df.empty:
        return np.empty(0, dtype=np.int64)
    keys = _group_codes(df, ["chrom", *by])
    return cluster_ids(keys, df["start"].to_numpy(np.int64), df["end"].to_numpy(np.int64), slack)


def merge(df: pd.DataFrame, by: list[str] | None = None, slack: int = 0) -> pd.DataFrame:
    """Merge intervals that overlap or lie within ``slack`` bases, per chromosome and ``by`` columns.

    Returns ``chrom, start, end, *by, n_merged``, one row per cluster of :func:`cluster`.
    """
    by = list(by or [])
    cols = ["chrom", "start", "end", *by]
    if df.empty:
        return _empty([*cols, "n_merged"])
    ids = cluster(df, by, slack)
    n = int(ids.max()) + 1
    first_row = np.full(n, len(df), dtype=np.int64)
    np.minimum.at(first_row, ids, np.arange(len(df)))
    start, end = cluster_extents(ids, df["start"].to_numpy(np.int64), df["end"].to_numpy(np.int64))
    data = {"chrom": df["chrom"].to_numpy()[first_row], "start": start, "end": end}
    data.update({c: df[c].to_numpy()[first_row] for c in by})
    data["n_merged"] = np.bincount(ids, minlength=n)
    return pd.DataFrame(data)


def cluster_extents(ids: np.ndarray, start: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(start, end) of each cluster of :func:`cluster_ids`."""
    n = int(ids.max()) + 1 if len(ids) else 0
    cs, ce = np.full(n, _INT64_MAX), np.zeros(n, dtype=np.int64)
    np.minimum.at(cs, ids, start)
    np.maximum.at(ce, ids, end)
    return cs, ce


def covered_bases(df: pd.DataFrame, regions: pd.DataFrame | None = None) -> int:
    """Bases covered by the union of ``df``'s intervals (inside ``regions`` when given)."""
    if df.empty:
        return 0
    codes = _chrom_codes(df["chrom"].to_numpy(), *([regions["chrom"].to_numpy()] if regions is not None else []))
    s, e = _genome_axis(codes[0], df["start"].to_numpy(), df["end"].to_numpy())
    if regions is not None:
        if regions.empty:
            return 0
        rs, re = _genome_axis(codes[1], regions["start"].to_numpy(), regions["end"].to_numpy())
        ms, me = cluster_extents(cluster_ids(np.zeros(len(rs), dtype=np.int64), rs, re, 0), rs, re)
        i, j = _pairs(s, e, ms, me)
        s, e = np.maximum(s[i], ms[j]), np.minimum(e[i], me[j])
        if not len(s):
            return 0
    us, ue = cluster_extents(cluster_ids(np.zeros(len(s), dtype=np.int64), s, e, 0), s, e)
    return int((ue - us).sum())


def covered_bases_arrays(key: np.ndarray, start: np.ndarray, end: np.ndarray, rkey: np.ndarray, rstart: np.ndarray,
                         rend: np.ndarray) -> int:
    """Array form of :func:`covered_bases` with regions: bases of the union of the intervals that lie inside the
    union of the regions (intervals and regions keyed by chromosome code)."""
    if not len(key) or not len(rkey):
        return 0
    s, e = _genome_axis(np.asarray(key, dtype=np.int64), start, end)
    rs, re = _genome_axis(np.asarray(rkey, dtype=np.int64), rstart, rend)
    ms, me = cluster_extents(cluster_ids(np.zeros(len(rs), dtype=np.int64), rs, re, 0), rs, re)
    i, j = _pairs(s, e, ms, me)
    if not len(i):
        return 0
    s, e = np.maximum(s[i], ms[j]), np.minimum(e[i], me[j])
    us, ue = cluster_extents(cluster_ids(np.zeros(len(s), dtype=np.int64), s, e, 0), s, e)
    return int((ue - us).sum())


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
    dc, rc = _chrom_codes(d["chrom"].to_numpy(), regions["chrom"].to_numpy())
    src, start, end = subtract_arrays(dc, d["start"].to_numpy(np.int64), d["end"].to_numpy(np.int64),
                                      rc, regions["start"].to_numpy(np.int64), regions["end"].to_numpy(np.int64))
    out = d.iloc[src].reset_index(drop=True)
    out["start"] = start
    out["end"] = end
    return out


# Array forms: intervals given as (key, start, end) numpy arrays, where ``key`` is any non-negative integer
# grouping (a chromosome code, an arm index, ...); intervals of different keys never interact. These serve the
# per-sample numpy path (:mod:`lms_genomics.calling.cleaning`, :mod:`lms_genomics.calling.scores`).

def overlap_pairs_arrays(key: np.ndarray, start: np.ndarray, end: np.ndarray, rkey: np.ndarray,
                         rstart: np.ndarray, rend: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions (i, j) of every left/right pair of one key overlapping by at least one base, sorted by (i, j)."""
    ls, le = _genome_axis(np.asarray(key, dtype=np.int64), start, end)
    rs, re = _genome_axis(np.asarray(rkey, dtype=np.int64), rstart, rend)
    return _pairs(ls, le, rs, re)


def clip_arrays(key: np.ndarray, start: np.ndarray, end: np.ndarray, rkey: np.ndarray, rstart: np.ndarray,
                rend: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Each interval clipped to each overlapping region of its key: ``(i, j, start, end)`` with ``i`` the
    interval, ``j`` the region (regions are taken as given: overlapping regions give overlapping pieces)."""
    i, j = overlap_pairs_arrays(key, start, end, rkey, rstart, rend)
    return i, j, np.maximum(np.asarray(start, np.int64)[i], np.asarray(rstart, np.int64)[j]), \
        np.minimum(np.asarray(end, np.int64)[i], np.asarray(rend, np.int64)[j])


def subtract_arrays(key: np.ndarray, start: np.ndarray, end: np.ndarray, rkey: np.ndarray, rstart: np.ndarray,
                    rend: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Parts of each interval outside the union of the regions of its key: ``(source index, start, end)`` of
    every piece, in (source, start) order (an interval inside the regions gives no piece, one straddling a
    region two)."""
    key, start, end = np.asarray(key, np.int64), np.asarray(start, np.int64), np.asarray(end, np.int64)
    ids = np.arange(len(key), dtype=np.int64)
    if not len(key) or not len(rkey):
        return ids, start.copy(), end.copy()
    rkey, rstart, rend = np.asarray(rkey, np.int64), np.asarray(rstart, np.int64), np.asarray(rend, np.int64)
    cid = cluster_ids(rkey, rstart, rend, 0)
    ms, me = cluster_extents(cid, rstart, rend)
    mk = np.zeros(len(ms), dtype=np.int64)
    mk[cid] = rkey
    i, j = overlap_pairs_arrays(key, start, end, mk, ms, me)
    # Pieces of interval k: [start_k, r1.start), [r1.end, r2.start), ..., [rn.end, end_k); regions sorted.
    s_id, s_pos = np.concatenate((ids, i)), np.concatenate((start, me[j]))
    e_id, e_pos = np.concatenate((i, ids)), np.concatenate((ms[j], end))
    so, eo = np.lexsort((s_pos, s_id)), np.lexsort((e_pos, e_id))
    s_id, s_pos, e_pos = s_id[so], s_pos[so], e_pos[eo]
    keep = e_pos > s_pos
    return s_id[keep], s_pos[keep], e_pos[keep]


def union_length(key: np.ndarray, start: np.ndarray, end: np.ndarray, n_keys: int) -> np.ndarray:
    """Bases covered by the union of the intervals of each key ``0 .. n_keys - 1`` (overlaps counted once)."""
    out = np.zeros(n_keys, dtype=np.int64)
    if not len(key):
        return out
    key = np.asarray(key, np.int64)
    ids = cluster_ids(key, np.asarray(start, np.int64), np.asarray(end, np.int64), 0)
    cs, ce = cluster_extents(ids, np.asarray(start, np.int64), np.asarray(end, np.int64))
    ck = np.zeros(len(cs), dtype=np.int64)
    ck[ids] = key
    np.add.at(out, ck, ce - cs)
    return out
