"""Gene-level copy-number and LOH calls with their evidence (DESIGN §3)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import intervals
from ..genome import SEX_CHROMOSOMES
from .states import normal_copy_number

#: Gene calls, in the order used when several states overlap one gene (first wins).
CALL_PRIORITY = ("homdel", "amp", "hetdel", "gain", "neutral")
CALL_NAMES = {
    "homdel": "homozygous_deletion", "amp": "amplification", "hetdel": "heterozygous_deletion",
    "gain": "gain", "neutral": "neutral",
}
ALL_CALLS = ("homozygous_deletion", "heterozygous_deletion", "copy_neutral_loh", "gain", "amplification",
             "neutral", "no_data")
_RANK = {s: i for i, s in enumerate(CALL_PRIORITY)}


def call_genes(genes: pd.DataFrame, segments: pd.DataFrame, arms: pd.DataFrame, *,
               absent_is_neutral: bool, loh_assessed: bool, sex: str | None = None) -> pd.DataFrame:
    """Call every gene of ``genes`` from one sample's ``segments`` (with a ``state`` column).

    ``absent_is_neutral``: True for exports that list only aberrant segments (ChAS), where an assessed
    region no segment touches has the normal copy number; False for complete segmentations (log2 .seg),
    where it has no data. Returns one row per gene with call, copy number, LOH, partial flag, covered
    fraction and the deciding segment; :func:`gene_evidence` gives every overlapping segment.
    """
    g = genes  # read by position only
    n = len(g)
    gstart, gend = g["start"].to_numpy(np.int64), g["end"].to_numpy(np.int64)
    glen = (gend - gstart).astype(float)
    is_cn = segments["kind"].to_numpy(object) == "cn"
    cn = segments if is_cn.all() else segments[is_cn].reset_index(drop=True)
    loh = segments.iloc[:0] if is_cn.all() else segments[~is_cn].reset_index(drop=True)

    def overlaps(i: np.ndarray, other: pd.DataFrame, k: np.ndarray) -> np.ndarray:
        return (np.minimum(gend[i], other["end"].to_numpy(np.int64)[k])
                - np.maximum(gstart[i], other["start"].to_numpy(np.int64)[k])).clip(min=0)

    def per_gene_sum(i: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(i, weights=values, minlength=n)

    # --- copy number: every (gene, segment) overlap, then the deciding segment per gene ----------------
    i, k = intervals.overlap_pairs(g, cn) if len(cn) else (np.empty(0, np.int64), np.empty(0, np.int64))
    ov = overlaps(i, cn, k).astype(float)
    state_k = cn["state"].to_numpy(object)[k]
    cn_k = cn["copy_number"].to_numpy(float)[k]
    rank = np.array([_RANK.get(x, len(_RANK)) for x in state_k], dtype=np.int64)
    extreme = np.where(np.isin(state_k, ["amp", "gain"]), -cn_k, cn_k)
    # Deciding segment: most severe state; ties by the more extreme copy number, then larger overlap.
    order = np.lexsort((-ov, extreme, rank, i))
    first = order[np.r_[True, i[order][1:] != i[order][:-1]]] if len(order) else order
    best = np.full(n, -1, dtype=np.int64)
    best[i[first]] = k[first]
    best_ov = np.full(n, np.nan)
    best_ov[i[first]] = ov[first]
    covered_bp = np.minimum(per_gene_sum(i, ov), glen)
    mins = np.full(n, np.nan)
    maxs = np.full(n, np.nan)
    if len(i):
        np.fmin.at(mins, i, cn_k)
        np.fmax.at(maxs, i, cn_k)
    # --- assessed extent of the arms ---------------------------------------------------------------------
    ia, ka = intervals.overlap_pairs(g, arms)
    assessed_bp = np.minimum(per_gene_sum(ia, overlaps(ia, arms, ka).astype(float)), glen)
    normal = normal_copy_number(g["chrom"], sex).to_numpy(float)

    has_segment = best >= 0
    implicit_neutral = absent_is_neutral & (covered_bp < glen) & (assessed_bp > 0)
    bk = np.where(has_segment, best, 0)

    def pick(col: str, fill: object = None) -> np.ndarray:
        values = cn[col].to_numpy(object)[bk] if len(cn) else np.full(n, fill, dtype=object)
        return np.where(has_segment, values, fill)

    state = np.where(has_segment, pick("state"), np.where(implicit_neutral, "neutral", None))
    call = np.array([CALL_NAMES.get(x, "no_data") if x is not None else "no_data" for x in state], dtype=object)
    aberrant = has_segment & (state != "neutral")
    best_cn = pick("copy_number", np.nan).astype(float)
    no_data = call == "no_data"
    neutral_cover = assessed_bp if absent_is_neutral else covered_bp
    frac = np.round(np.where(aberrant, best_ov / glen, np.where(no_data, covered_bp / glen, neutral_cover / glen))
                    .astype(float), 4)
    out = {c: g[c].to_numpy() for c in ("gene", "chrom", "start", "end")}
    out.update({
        "gene_length": gend - gstart, "covered_bp": covered_bp.astype("int64"),
        "assessed_bp": assessed_bp.astype("int64"), "state": state, "call": call,
        "copy_number": np.where(has_segment, best_cn, np.where(implicit_neutral, normal, np.nan)),
        # min/max over the gene; in an aberration-only export the unlisted part of the gene is at the normal level.
        "min_copy_number": np.where(implicit_neutral, np.fmin(mins, normal), mins),
        "max_copy_number": np.where(implicit_neutral, np.fmax(maxs, normal), maxs),
        "covered_fraction": frac, "partial": ~no_data & (frac < 1.0),
    })
    for c in ("segment_id", "source_line", "markers", "in_profile"):
        out[f"deciding_{c}"] = pick(c) if c in cn else np.full(n, None, dtype=object)
    for c in ("start", "end"):
        values = cn[c].to_numpy(np.int64)[bk] if len(cn) else np.zeros(n, dtype=np.int64)
        out[f"deciding_{c}"] = pd.array(np.where(has_segment, values, 0), dtype="Int64")
        out[f"deciding_{c}"][~has_segment] = pd.NA

    # --- LOH ---------------------------------------------------------------------------------------
    il, kl = intervals.overlap_pairs(g, loh) if len(loh) else (np.empty(0, np.int64), np.empty(0, np.int64))
    loh_bp = np.minimum(per_gene_sum(il, overlaps(il, loh, kl).astype(float)), glen)
    if loh_assessed:
        out["loh_fraction"] = np.round(loh_bp / glen, 4)
        out["loh"] = out["loh_fraction"] > 0
        out["call"] = np.where(out["loh"] & (call == "neutral"), "copy_neutral_loh", call).astype(object)
    else:
        out["loh"] = np.full(n, None, dtype=object)
        out["loh_fraction"] = np.full(n, np.nan)
    out["sex_chromosome"] = np.isin(out["chrom"], list(SEX_CHROMOSOMES))
    return pd.DataFrame(out)


def gene_evidence(genes: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Every (gene, segment) overlap with the overlap size and the gene fraction it covers."""
    g = genes[["gene", "chrom", "start", "end"]]
    cols = ["segment_id", "start", "end", "kind", "type", "state", "copy_number", "markers", "source_line",
            "in_profile"]
    j = intervals.overlap_join(g, segments[["chrom", *cols]])
    if j.empty:
        return pd.DataFrame(columns=["gene", "chrom", *[c if c not in ("start", "end") else c + "_b" for c in cols],
                                     "overlap_bp", "gene_fraction"])
    start, end = j["start"].to_numpy(np.int64), j["end"].to_numpy(np.int64)
    overlap = (np.minimum(end, j["end_b"].to_numpy(np.int64)) - np.maximum(start, j["start_b"].to_numpy(np.int64)))
    j["overlap_bp"] = overlap.clip(min=0)
    j["gene_fraction"] = np.round(j["overlap_bp"].to_numpy() / (end - start), 4)
    return j
