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


def _clip_overlap(j: pd.DataFrame) -> pd.Series:
    return (np.minimum(j["end"], j["end_b"]) - np.maximum(j["start"], j["start_b"])).clip(lower=0)


def call_genes(genes: pd.DataFrame, segments: pd.DataFrame, arms: pd.DataFrame, *,
               absent_is_neutral: bool, loh_assessed: bool, sex: str | None = None) -> pd.DataFrame:
    """Call every gene of ``genes`` from one sample's ``segments`` (with a ``state`` column).

    ``absent_is_neutral``: True for exports that list only aberrant segments (ChAS), where an assessed
    region no segment touches has the normal copy number; False for complete segmentations (log2 .seg),
    where it has no data. Returns one row per gene with call, copy number, LOH, partial flag, covered
    fraction and the deciding segment; :func:`gene_evidence` gives every overlapping segment.
    """
    g = genes[["gene", "chrom", "start", "end"]].reset_index(drop=True)
    glen = (g["end"] - g["start"]).astype(float)
    cn = segments[segments["kind"] == "cn"]
    loh = segments[segments["kind"] == "loh"]
    seg_cols = ["segment_id", "start", "end", "state", "copy_number", "markers", "source_line", "in_profile"]

    j = intervals.overlap_join(g, cn[["chrom", *seg_cols]])
    out = g.copy()
    out["gene_length"] = glen.astype("int64")
    if not j.empty:
        j["overlap"] = _clip_overlap(j)
        j["rank"] = j["state"].map(_RANK)
        # Deciding segment: most severe state; ties by the more extreme copy number, then larger overlap.
        j["extreme"] = np.where(j["state"].isin(["amp", "gain"]), -j["copy_number"], j["copy_number"])
        best = (j.sort_values(["gene", "rank", "extreme", "overlap"], ascending=[True, True, True, False])
                  .drop_duplicates("gene").set_index("gene"))
        covered = j.groupby("gene")["overlap"].sum()
        cn_min = j.groupby("gene")["copy_number"].min()
        cn_max = j.groupby("gene")["copy_number"].max()
    else:
        best = pd.DataFrame(columns=[*seg_cols, "start_b", "end_b", "overlap"]).set_index(
            pd.Index([], name="gene"))
        covered = cn_min = cn_max = pd.Series(dtype=float)

    out["covered_bp"] = out["gene"].map(covered).fillna(0).clip(upper=glen).astype("int64")
    # Is the gene inside the assessed extent of an arm?
    ja = intervals.overlap_join(g, arms[["chrom", "start", "end"]])
    if not ja.empty:
        ja["overlap"] = _clip_overlap(ja)
        assessed_bp = ja.groupby("gene")["overlap"].sum()
    else:
        assessed_bp = pd.Series(dtype=float)
    out["assessed_bp"] = out["gene"].map(assessed_bp).fillna(0).clip(upper=glen).astype("int64")
    normal = normal_copy_number(out["chrom"], sex)

    def from_best(col: str) -> pd.Series:
        return out["gene"].map(best[col]) if len(best) else pd.Series(np.nan, index=out.index, dtype=object)

    has_segment = from_best("state").notna()
    uncovered = out["covered_bp"] < out["gene_length"]
    implicit_neutral = absent_is_neutral & uncovered & (out["assessed_bp"] > 0)
    state = from_best("state").where(has_segment, np.where(implicit_neutral, "neutral", None))
    out["state"] = state
    out["call"] = state.map(CALL_NAMES).fillna("no_data")
    aberrant = has_segment & state.ne("neutral")
    out["copy_number"] = from_best("copy_number").astype(float).where(has_segment, normal.where(implicit_neutral))
    # min/max over the gene; in an aberration-only export the unlisted part of the gene is at the normal level.
    mins = out["gene"].map(cn_min).astype(float)
    maxs = out["gene"].map(cn_max).astype(float)
    out["min_copy_number"] = np.where(implicit_neutral, np.fmin(mins, normal), mins)
    out["max_copy_number"] = np.where(implicit_neutral, np.fmax(maxs, normal), maxs)
    overlap = from_best("overlap").astype(float)
    neutral_cover = np.where(absent_is_neutral, out["assessed_bp"], out["covered_bp"])
    frac = np.where(aberrant, overlap / glen, np.where(out["call"] == "no_data", out["covered_bp"] / glen,
                                                       neutral_cover / glen))
    out["covered_fraction"] = np.round(frac.astype(float), 4)
    out["partial"] = (out["call"] != "no_data") & (out["covered_fraction"] < 1.0)
    for c in ("segment_id", "source_line", "markers", "in_profile"):
        out[f"deciding_{c}"] = from_best(c).where(has_segment, None)
    out["deciding_start"] = pd.to_numeric(from_best("start_b").where(has_segment)).astype("Int64")
    out["deciding_end"] = pd.to_numeric(from_best("end_b").where(has_segment)).astype("Int64")

    # --- LOH ---------------------------------------------------------------------------------------
    jl = intervals.overlap_join(g, loh[["chrom", "segment_id", "start", "end"]])
    if not jl.empty:
        jl["overlap"] = _clip_overlap(jl)
        loh_bp = jl.groupby("gene")["overlap"].sum()
    else:
        loh_bp = pd.Series(dtype=float)
    out["loh_fraction"] = np.round((out["gene"].map(loh_bp).fillna(0).clip(upper=glen) / glen).astype(float), 4)
    if loh_assessed:
        out["loh"] = out["loh_fraction"] > 0
        cnloh = out["loh"] & (out["call"] == "neutral")
        out.loc[cnloh, "call"] = "copy_neutral_loh"
    else:
        out["loh"] = None
        out["loh_fraction"] = np.nan
    out["sex_chromosome"] = out["chrom"].isin(SEX_CHROMOSOMES)
    return out


def gene_evidence(genes: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Every (gene, segment) overlap with the overlap size and the gene fraction it covers."""
    g = genes[["gene", "chrom", "start", "end"]]
    cols = ["segment_id", "start", "end", "kind", "type", "state", "copy_number", "markers", "source_line",
            "in_profile"]
    j = intervals.overlap_join(g, segments[["chrom", *cols]])
    if j.empty:
        return pd.DataFrame(columns=["gene", "chrom", *[c if c not in ("start", "end") else c + "_b" for c in cols],
                                     "overlap_bp", "gene_fraction"])
    j["overlap_bp"] = _clip_overlap(j)
    j["gene_fraction"] = np.round(j["overlap_bp"] / (j["end"] - j["start"]), 4)
    return j
