"""Genomic profile: cleaned anomalies, A, C, GI = A²/C, FGA and the flat/simple/complex class (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import intervals
from ..genome import AUTOSOMES, CHROM_ORDER
from ..thresholds import Thresholds
from .states import GAIN_STATES, LOSS_STATES

_AUTOSOMES = sorted(AUTOSOMES)  # np.isin needs a sequence, not a set


@dataclass(frozen=True)
class Profile:
    """Profile metrics of one sample and the rule that decided its class."""

    profile_class: str
    anomalies: int
    chromosomes: int
    genomic_index: float
    fga: float
    rule: str
    anomaly_table: pd.DataFrame
    scores: dict[str, Any] | None = None
    """Genome-wide scores (:mod:`lms_genomics.calling.scores`, research use), JSON-ready; None when not computed."""

    def as_dict(self) -> dict[str, object]:
        """JSON-ready metrics (without the anomaly table)."""
        out: dict[str, object] = {"class": self.profile_class, "anomalies": self.anomalies,
                                  "chromosomes": self.chromosomes, "genomic_index": round(self.genomic_index, 4),
                                  "fga": round(self.fga, 6), "rule": self.rule}
        if self.scores is not None:
            out["scores"] = self.scores
        return out


def clean_anomalies(segments: pd.DataFrame, thresholds: Thresholds, continuous: bool = False) -> pd.DataFrame:
    """Aberrant copy-number segments after merging same-state neighbours and applying the size/marker floor.

    Neighbours of one state (homdel, hetdel, gain, amp) closer than ``merge_gap`` are merged (their markers
    summed); merged segments shorter than ``min_anomaly_size`` or with fewer than ``min_anomaly_markers``
    markers are dropped. For log2-derived segments (``continuous``) a segment must also reach |log2| ≥
    ``log2_anomaly`` and the size floor is ``log2_min_anomaly_size``. Returns the kept anomalies with
    ``chrom, start, end, state, direction, markers, n_merged, segment_ids``.
    """
    aberrant = (segments["kind"].to_numpy(object) == "cn") & (segments["state"].to_numpy(object) != "neutral")
    min_size = thresholds.min_anomaly_size
    if continuous:
        aberrant &= np.abs(segments["log2"].to_numpy(dtype=float, na_value=np.nan)) >= thresholds.log2_anomaly
        min_size = thresholds.log2_min_anomaly_size
    cols = ["chrom", "start", "end", "state", "direction", "markers", "n_merged", "segment_ids"]
    if not aberrant.any():
        return pd.DataFrame(columns=cols)
    cn = segments[["chrom", "start", "end", "state", "markers", "segment_id"]][aberrant].reset_index(drop=True)
    ids = intervals.cluster(cn, by=["state"], slack=thresholds.merge_gap)
    starts, ends = intervals.cluster_extents(ids, cn["start"].to_numpy(np.int64), cn["end"].to_numpy(np.int64))
    n = len(starts)
    first = np.full(n, len(cn), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(cn)))
    markers = pd.to_numeric(cn["markers"], errors="coerce").to_numpy(float)
    known = ~np.isnan(markers)
    marker_sum = np.bincount(ids, weights=np.where(known, markers, 0.0), minlength=n)
    any_known = np.bincount(ids, weights=known.astype(float), minlength=n) > 0
    order = np.argsort(ids, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(ids, minlength=n))]
    seg_ids = cn["segment_id"].to_numpy(object)[order]
    chrom = cn["chrom"].to_numpy(object)[first]
    state = cn["state"].to_numpy(object)[first]
    keep = ((ends - starts) >= min_size) & (~any_known | (marker_sum >= thresholds.min_anomaly_markers))
    rank = np.array([CHROM_ORDER.get(c, len(CHROM_ORDER)) for c in chrom], dtype=np.int64)
    kept = [c for c in np.lexsort((starts, rank)) if keep[c]]  # karyotype order, then start
    markers_out = pd.array(marker_sum[kept].astype("int64"), dtype="Int64")
    markers_out[~any_known[kept]] = pd.NA
    out = pd.DataFrame({
        "chrom": chrom[kept], "start": starts[kept], "end": ends[kept], "state": state[kept],
        "direction": np.where(np.isin(state[kept], list(LOSS_STATES)), "loss",
                              np.where(np.isin(state[kept], list(GAIN_STATES)), "gain", "neutral")),
        "markers": markers_out, "n_merged": np.diff(bounds)[kept],
        "segment_ids": [list(seg_ids[bounds[c]:bounds[c + 1]]) for c in kept],
    })
    return out[cols]


def in_profile_flags(segments: pd.DataFrame, anomalies: pd.DataFrame) -> pd.Series:
    """For each segment: True if it is part of a kept anomaly, False if cleaning dropped it, None for
    neutral and LOH segments."""
    kept = [sid for ids in anomalies.get("segment_ids", []) for sid in ids]
    aberrant = (segments["kind"].to_numpy(object) == "cn") & (segments["state"].to_numpy(object) != "neutral")
    flags = np.isin(segments["segment_id"].to_numpy(object), kept).astype(object)
    flags[~aberrant] = None
    return pd.Series(flags, index=segments.index, dtype=object)


def compute_profile(anomalies: pd.DataFrame, arms: pd.DataFrame, thresholds: Thresholds,
                    continuous: bool = False) -> Profile:
    """A, C, GI, FGA and class from cleaned anomalies."""
    sexes = thresholds.include_sex_chromosomes
    counted = anomalies if sexes else anomalies[np.isin(anomalies["chrom"].to_numpy(object), _AUTOSOMES)]
    a = len(counted)
    c = len(set(counted["chrom"]))
    gi = (a * a / c) if c else 0.0
    assessed_arms = arms if sexes else arms[np.isin(arms["chrom"].to_numpy(object), _AUTOSOMES)]
    altered_bp = intervals.covered_bases(counted, assessed_arms) if a else 0
    total = int((assessed_arms["end"] - assessed_arms["start"]).sum())
    fga = altered_bp / total if total else 0.0
    limit = thresholds.simple_max_anomalies
    if a == 0:
        cls, rule = "flat", "A = 0 → flat"
    elif a <= limit:
        cls, rule = "simple", f"1 ≤ A = {a} ≤ {limit} → simple"
    else:
        cls, rule = "complex", f"A = {a} > {limit} → complex"
    scope = "autosomes and sex chromosomes" if thresholds.include_sex_chromosomes else "autosomes"
    floor = thresholds.log2_min_anomaly_size if continuous else thresholds.min_anomaly_size
    strength = f" with |log2| ≥ {thresholds.log2_anomaly}" if continuous else ""
    rule += (f" (A = Gain/Loss segments{strength} on {scope} after merging same-state neighbours < "
             f"{thresholds.merge_gap} bp apart and dropping segments < {floor} bp"
             + (f" or < {thresholds.min_anomaly_markers} markers" if thresholds.min_anomaly_markers else "")
             + "; GI = A²/C)")
    return Profile(cls, a, c, gi, fga, rule, counted.reset_index(drop=True))
