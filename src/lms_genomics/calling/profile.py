"""Genomic profile: cleaned anomalies, A, C, GI = A²/C, FGA and the flat/simple/complex class (DESIGN §4)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import intervals
from ..segarrays import (
    AMP,
    CHROM_NAMES,
    GAIN,
    HETDEL,
    HOMDEL,
    IN_PROFILE_NONE,
    KIND_CN,
    LOH,
    NEUTRAL,
    STATE_NAMES,
    SegmentArrays,
    chrom_codes_of,
    factorize,
    whole_or_none,
)
from ..thresholds import Thresholds
from .cleaning import KitCoverage

if TYPE_CHECKING:
    import pandas as pd

_N_AUTOSOMES = 22  # chromosome codes 0-21 are chr1-chr22
ANOMALY_COLUMNS = ["chrom", "start", "end", "state", "direction", "markers", "n_merged", "segment_ids"]
_STATE_CODES = {s: i for i, s in enumerate(STATE_NAMES.tolist())}


@dataclass(frozen=True)
class Anomalies:
    """Cleaned anomalies as arrays (karyotype order, then start): chromosome code, extent, state code, summed
    markers (NaN when none of the merged segments had a count), merged segments and their ids."""

    chrom: np.ndarray
    start: np.ndarray
    end: np.ndarray
    state: np.ndarray
    markers: np.ndarray
    n_merged: np.ndarray
    segment_ids: list[list[Any]]

    def __len__(self) -> int:
        return len(self.chrom)

    @property
    def direction(self) -> np.ndarray:
        """``loss``, ``gain`` or ``neutral`` per anomaly."""
        return np.where(np.isin(self.state, (HOMDEL, HETDEL)), "loss",
                        np.where(np.isin(self.state, (GAIN, AMP)), "gain", "neutral")).astype(object)

    def take(self, mask: np.ndarray) -> Anomalies:
        idx = np.flatnonzero(mask)
        return Anomalies(self.chrom[idx], self.start[idx], self.end[idx], self.state[idx], self.markers[idx],
                         self.n_merged[idx], [self.segment_ids[i] for i in idx.tolist()])

    @classmethod
    def empty(cls) -> Anomalies:
        i = np.empty(0, np.int64)
        return cls(i, i, i, np.empty(0, np.int8), np.empty(0, float), i, [])

    def records(self) -> list[dict[str, Any]]:
        """The JSON ``anomaly_segments`` list."""
        return [{"chrom": c, "start": s, "end": e, "state": st, "markers": m, "segment_ids": list(ids)}
                for c, s, e, st, m, ids in zip(CHROM_NAMES[self.chrom].tolist(), self.start.tolist(),
                                               self.end.tolist(), STATE_NAMES[self.state].tolist(),
                                               whole_or_none(self.markers), self.segment_ids, strict=True)]

    @classmethod
    def from_records(cls, records: list[dict[str, Any]]) -> Anomalies:
        """From a result JSON's ``anomaly_segments``."""
        if not records:
            return cls.empty()
        return cls(chrom_codes_of(r["chrom"] for r in records), np.array([r["start"] for r in records], np.int64),
                   np.array([r["end"] for r in records], np.int64),
                   np.array([_STATE_CODES[r["state"]] for r in records], np.int8),
                   np.array([np.nan if r.get("markers") is None else float(r["markers"]) for r in records]),
                   np.array([len(r.get("segment_ids") or []) for r in records], np.int64),
                   [list(r.get("segment_ids") or []) for r in records])

    def to_frame(self) -> pd.DataFrame:
        """The anomaly table: ``chrom start end state direction markers n_merged segment_ids``."""
        from .._lazy import pandas as pd

        markers = pd.array(np.where(np.isnan(self.markers), 0, self.markers).astype(np.int64), dtype="Int64")
        markers[np.isnan(self.markers)] = pd.NA
        if not len(self):
            return pd.DataFrame(columns=ANOMALY_COLUMNS)
        return pd.DataFrame({"chrom": CHROM_NAMES[self.chrom], "start": self.start, "end": self.end,
                             "state": STATE_NAMES[self.state], "direction": self.direction, "markers": markers,
                             "n_merged": self.n_merged, "segment_ids": self.segment_ids})

    @classmethod
    def from_frame(cls, df: pd.DataFrame) -> Anomalies:
        if df is None or df.empty:
            return cls.empty()
        from .._lazy import pandas as pd

        markers = pd.to_numeric(df["markers"], errors="coerce").to_numpy(dtype=float, na_value=np.nan) \
            if "markers" in df else np.full(len(df), np.nan)
        ids = [list(v) for v in df["segment_ids"]] if "segment_ids" in df else [[] for _ in range(len(df))]
        merged = df["n_merged"].to_numpy(np.int64) if "n_merged" in df else np.array([len(v) for v in ids], np.int64)
        return cls(chrom_codes_of(df["chrom"].tolist()), df["start"].to_numpy(np.int64), df["end"].to_numpy(np.int64),
                   np.array([_STATE_CODES[s] for s in df["state"].tolist()], np.int8), markers, merged, ids)


@dataclass(frozen=True)
class Profile:
    """Profile metrics of one sample and the rule that decided its class."""

    profile_class: str
    anomalies: int
    chromosomes: int
    genomic_index: float
    fga: float
    rule: str
    anomaly_segments: Anomalies
    scores: dict[str, Any] | None = None
    """Genome-wide scores (:mod:`lms_genomics.calling.scores`, research use), JSON-ready; None when not computed."""

    @property
    def anomaly_table(self) -> pd.DataFrame:
        """The counted anomalies as a table (:data:`ANOMALY_COLUMNS`)."""
        return self.anomaly_segments.to_frame()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready metrics (without the anomaly table)."""
        out: dict[str, object] = {"class": self.profile_class, "anomalies": self.anomalies,
                                  "chromosomes": self.chromosomes, "genomic_index": round(self.genomic_index, 4),
                                  "fga": round(self.fga, 6), "rule": self.rule}
        if self.scores is not None:
            out["scores"] = self.scores
        return out


def _cluster_codes(chrom: np.ndarray, state: np.ndarray) -> np.ndarray:
    """One integer per (chromosome, state) combination, numbered as ``pandas.factorize`` column by column would
    (first appearance): the merge order of :func:`intervals.cluster` by ``["state"]``."""
    code = np.zeros(len(chrom), dtype=np.int64)
    for values in (chrom, state):
        f, uniques = factorize(values.tolist())
        code = code * (len(uniques) + 1) + f
    return code


def low_level_codes(seg: SegmentArrays, thresholds: Thresholds) -> np.ndarray:
    """Log2 inputs: aberrant copy-number segments weaker than the profile's ``log2_anomaly`` (called by
    ``log2_loss``/``log2_gain`` but not counted in the profile nor in arm-level events): True per such segment."""
    aberrant = (seg.kind == KIND_CN) & (seg.state != NEUTRAL) & (seg.state != LOH)
    return aberrant & ~(np.abs(seg.log2) >= thresholds.log2_anomaly)


def anomalies_of(seg: SegmentArrays, thresholds: Thresholds, continuous: bool = False,
                 strength: bool | None = None) -> Anomalies:
    """Aberrant copy-number segments of ``seg`` (with its ``state``) after merging same-state neighbours and
    applying the size/marker floor.

    Neighbours of one state (homdel, hetdel, gain, amp) closer than ``merge_gap`` are merged (their markers
    summed); merged segments shorter than ``min_anomaly_size`` or with fewer than ``min_anomaly_markers`` markers
    are dropped. For log2-derived segments (``continuous``) the size floor is ``log2_min_anomaly_size`` and a
    segment must also reach |log2| ≥ ``log2_anomaly`` (``strength``, default ``continuous``; False for a CNVkit
    ``.cns`` with CNVkit's own copy numbers).
    """
    aberrant = (seg.kind == KIND_CN) & (seg.state != NEUTRAL)
    min_size = thresholds.min_anomaly_size
    if continuous:
        if strength is None or strength:
            aberrant &= np.abs(seg.log2) >= thresholds.log2_anomaly
        min_size = thresholds.log2_min_anomaly_size
    if not aberrant.any():
        return Anomalies.empty()
    rows = np.flatnonzero(aberrant)
    chrom, state = seg.chrom[rows], seg.state[rows]
    start, end = seg.start[rows], seg.end[rows]
    ids = intervals.cluster_ids(_cluster_codes(chrom, state), start, end, thresholds.merge_gap)
    starts, ends = intervals.cluster_extents(ids, start, end)
    n = len(starts)
    first = np.full(n, len(rows), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(rows)))
    markers = seg.markers[rows]
    known = ~np.isnan(markers)
    marker_sum = np.bincount(ids, weights=np.where(known, markers, 0.0), minlength=n)
    any_known = np.bincount(ids, weights=known.astype(float), minlength=n) > 0
    order = np.argsort(ids, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(ids, minlength=n))]
    seg_ids = seg.segment_id[rows][order].tolist()
    keep = ((ends - starts) >= min_size) & (~any_known | (marker_sum >= thresholds.min_anomaly_markers))
    kept = [c for c in np.lexsort((starts, chrom[first])).tolist() if keep[c]]  # karyotype order, then start
    idx = np.array(kept, dtype=np.int64)
    return Anomalies(chrom[first][idx], starts[idx], ends[idx], state[first][idx],
                     np.where(any_known[idx], marker_sum[idx], np.nan), np.diff(bounds)[idx],
                     [seg_ids[bounds[c]:bounds[c + 1]] for c in kept])


def in_profile_codes(seg: SegmentArrays, anomalies: Anomalies) -> np.ndarray:
    """Per segment: 1 if part of a kept anomaly, 0 if cleaning dropped it, :data:`IN_PROFILE_NONE` for neutral and
    LOH segments."""
    kept = {sid for ids in anomalies.segment_ids for sid in ids}
    aberrant = (seg.kind == KIND_CN) & (seg.state != NEUTRAL)
    flags = np.fromiter((sid in kept for sid in seg.segment_id.tolist()), dtype=np.int8, count=len(seg))
    flags[~aberrant] = IN_PROFILE_NONE
    return flags


def profile_of(anomalies: Anomalies, arms: KitCoverage, thresholds: Thresholds, continuous: bool = False) -> Profile:
    """A, C, GI, FGA and class from cleaned anomalies; FGA relative to the assessed extent of ``arms``."""
    sexes = thresholds.include_sex_chromosomes
    counted = anomalies if sexes else anomalies.take(anomalies.chrom < _N_AUTOSOMES)
    a = len(counted)
    c = len(set(counted.chrom.tolist()))
    gi = (a * a / c) if c else 0.0
    assessed = np.ones(len(arms), dtype=bool) if sexes else arms.chrom < _N_AUTOSOMES
    altered_bp = intervals.covered_bases_arrays(counted.chrom, counted.start, counted.end, arms.chrom[assessed],
                                                arms.start[assessed], arms.end[assessed]) if a else 0
    total = int((arms.end[assessed] - arms.start[assessed]).sum())
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
    return Profile(cls, a, c, gi, fga, rule, counted)


# ------------------------------------------------------------------------------------------------ DataFrame forms

def clean_anomalies(segments: pd.DataFrame, thresholds: Thresholds, continuous: bool = False) -> pd.DataFrame:
    """:func:`anomalies_of` of a canonical segment table with its ``state`` column, as a table (``chrom, start,
    end, state, direction, markers, n_merged, segment_ids``)."""
    return anomalies_of(SegmentArrays.from_frame(segments), thresholds, continuous).to_frame()


def in_profile_flags(segments: pd.DataFrame, anomalies: pd.DataFrame) -> pd.Series:
    """For each segment: True if it is part of a kept anomaly, False if cleaning dropped it, None for neutral and
    LOH segments."""
    from .._lazy import pandas as pd

    codes = in_profile_codes(SegmentArrays.from_frame(segments), Anomalies.from_frame(anomalies))
    return pd.Series([None if c < 0 else bool(c) for c in codes.tolist()], index=segments.index, dtype=object)


def compute_profile(anomalies: pd.DataFrame, arms: pd.DataFrame, thresholds: Thresholds,
                    continuous: bool = False) -> Profile:
    """:func:`profile_of` for an anomaly table and an arm table (:func:`lms_genomics.genome.load_arms`)."""
    return profile_of(Anomalies.from_frame(anomalies), KitCoverage.from_arms(arms), thresholds, continuous)
