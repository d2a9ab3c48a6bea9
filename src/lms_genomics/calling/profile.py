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
    whole_or_none,
)
from ..thresholds import Thresholds
from .cleaning import KitCoverage

if TYPE_CHECKING:
    import pandas as pd

_N_AUTOSOMES = 22  # chromosome codes 0-21 are chr1-chr22
_INT64_MAX = np.iinfo(np.int64).max  # looked up once (np.iinfo builds an object per call)
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
    anomaly_counts: dict[str, int] | None = None
    """A split by extent: ``total`` (= ``anomalies``), ``whole_chromosome``, ``arm``, ``sub_arm``."""
    gi_class: str | None = None
    """Bergonié's genomic-index class beside the thesis class: ``"GI > 10"`` or ``"GI <= 10"`` (GI = A²/C)."""

    @property
    def classes_disagree(self) -> bool:
        """The thesis class (complex: A > 10) and the GI class (GI > 10) say different things."""
        return self.gi_class is not None and (self.profile_class == "complex") != (self.gi_class == "GI > 10")

    @property
    def anomaly_table(self) -> pd.DataFrame:
        """The counted anomalies as a table (:data:`ANOMALY_COLUMNS`)."""
        return self.anomaly_segments.to_frame()

    def as_dict(self) -> dict[str, object]:
        """JSON-ready metrics (without the anomaly table)."""
        out: dict[str, object] = {"class": self.profile_class, "anomalies": self.anomalies,
                                  "chromosomes": self.chromosomes, "genomic_index": round(self.genomic_index, 4),
                                  "fga": round(self.fga, 6), "rule": self.rule}
        if self.anomaly_counts is not None:
            out["anomaly_counts"] = dict(self.anomaly_counts)
        if self.gi_class is not None:
            out["gi_class"] = self.gi_class
        if self.scores is not None:
            out["scores"] = self.scores
        return out


def low_level_codes(seg: SegmentArrays, thresholds: Thresholds) -> np.ndarray:
    """Log2 inputs: aberrant copy-number segments weaker than the profile's ``log2_anomaly`` (called by
    ``log2_loss``/``log2_gain`` but not counted in the profile nor in arm-level events): True per such segment."""
    aberrant = (seg.kind == KIND_CN) & (seg.state != NEUTRAL) & (seg.state != LOH)
    return aberrant & ~(np.abs(seg.log2) >= thresholds.log2_anomaly)


def _arm_of(chrom: np.ndarray, start: np.ndarray, arms: KitCoverage) -> np.ndarray:
    """Arm index (into ``arms``) of each segment, by its start: the p arm before the middle of the gap between the
    assessed p and q extents (the centromere), else the q arm; a chromosome with one arm in ``arms`` has that one;
    -1 for a chromosome ``arms`` lacks."""
    out = np.full(len(chrom), -1, dtype=np.int64)
    if not len(arms) or not len(chrom):
        return out
    first = np.full(len(CHROM_NAMES), -1, dtype=np.int64)
    last = np.full(len(CHROM_NAMES), -1, dtype=np.int64)
    idx = np.arange(len(arms))
    np.maximum.at(last, arms.chrom, idx)
    first[arms.chrom[::-1]] = idx[::-1]
    boundary = np.full(len(CHROM_NAMES), _INT64_MAX, dtype=np.int64)
    two = (first >= 0) & (last > first)
    boundary[two] = (arms.end[first[two]] + arms.start[last[two]]) // 2
    f, la = first[chrom], last[chrom]
    out = np.where(start < boundary[chrom], f, la)
    return np.where(f >= 0, out, -1)


def _level_of(seg: SegmentArrays, rows: np.ndarray) -> np.ndarray:
    """Copy number of each row for the profile's same-level test (a state's typical number where it is unknown)."""
    cn = seg.copy_number[rows]
    typical = np.array([0.0, 1.0, 2.0, 3.0, 5.0, 2.0])[seg.state[rows]]
    return np.where(np.isnan(cn), typical, cn)


def _strokes(level: np.ndarray, gain: bool) -> list[list[int]]:
    """Nested events of one run of same-direction pieces (in genome order): the fewest events that build the run's
    copy-number profile, each a set of pieces at one level, a deeper piece between two pieces of one level nested
    in them (the minimum number of strokes of a histogram: a stack, O(k))."""
    depth = level if gain else -level  # deeper = further from the normal level, whatever the baseline
    out: list[list[int]] = []
    stack: list[int] = []  # indices into ``out`` of the open events, outermost first
    for k, d in enumerate(depth.tolist()):
        while stack and depth[out[stack[-1]][0]] > d and abs(depth[out[stack[-1]][0]] - d) >= 1:
            stack.pop()
        if stack and abs(depth[out[stack[-1]][0]] - d) < 1:
            out[stack[-1]].append(k)
        else:
            out.append([k])
            stack.append(len(out) - 1)
    return out


def anomalies_of(seg: SegmentArrays, thresholds: Thresholds, continuous: bool = False,
                 strength: bool | None = None, arms: KitCoverage | None = None) -> Anomalies:
    """Aberrant copy-number segments of ``seg`` (with its ``state``) counted as profile anomalies.

    Per chromosome arm of ``arms`` (default: the bundled hg19 arms), neighbouring segments of one direction (loss:
    homdel/hetdel; gain: gain/amp) no more than ``merge_gap`` apart and with no segment of the other direction
    between them form a run (oncoscanR's ``merge_segments`` per arm, Christinat et al. 2021); within a run,
    neighbours whose copy numbers differ by less than 1 are one piece, and a deeper piece between two pieces of one
    level is an event nested in theirs (+1), not a split of it: a hetdel–homdel–hetdel run is 2 anomalies, not 3.
    A p-arm and a q-arm event of one direction and level that each cover ≥ ``arm_fraction`` of their arm are one
    whole-chromosome anomaly (so a whole chromosome counts 1 whether or not the export splits it at the
    centromere). Events shorter than ``min_anomaly_size`` or with fewer than ``min_anomaly_markers`` markers are
    dropped. For log2-derived segments (``continuous``) the size floor is ``log2_min_anomaly_size`` and a segment
    must also reach |log2| ≥ ``log2_anomaly`` (``strength``, default ``continuous``; False for a CNVkit ``.cns``
    with CNVkit's own copy numbers). O(n log n) in the segments (one sort), vectorised but for runs of three or
    more pieces.
    """
    if arms is None:
        arms = _default_arms()
    aberrant = (seg.kind == KIND_CN) & (seg.state != NEUTRAL) & (seg.state != LOH)
    min_size = thresholds.min_anomaly_size
    counted = aberrant.copy()
    if continuous:
        if strength is None or strength:
            counted &= np.abs(seg.log2) >= thresholds.log2_anomaly
        min_size = thresholds.log2_min_anomaly_size
    if not counted.any():
        return Anomalies.empty()
    # Every aberrant segment in genome order (those not counted still separate runs of the other direction).
    every = np.flatnonzero(aberrant)
    every = every[np.lexsort((seg.end[every], seg.start[every], seg.chrom[every]))]
    every_state = seg.state[every]
    gain_dir = (every_state == GAIN) | (every_state == AMP)
    is_counted = counted[every]
    opp_before = np.cumsum(gain_dir), np.cumsum(~gain_dir)  # gains / losses up to each position
    pos = np.flatnonzero(is_counted)
    rows = every[pos]
    chrom, start, end = seg.chrom[rows], seg.start[rows], seg.end[rows]
    up = gain_dir[pos]
    arm = _arm_of(chrom, start, arms)
    level = _level_of(seg, rows)
    n = len(rows)
    brk = np.ones(n, dtype=bool)
    if n > 1:
        between_gain = opp_before[0][pos[1:] - 1] - opp_before[0][pos[:-1]]
        between_loss = opp_before[1][pos[1:] - 1] - opp_before[1][pos[:-1]]
        other = np.where(up[1:], between_loss, between_gain) > 0
        brk[1:] = ((chrom[1:] != chrom[:-1]) | (arm[1:] != arm[:-1]) | (up[1:] != up[:-1])
                   | (start[1:] > end[:-1] + thresholds.merge_gap) | other)
    run = np.cumsum(brk) - 1
    new_piece = brk.copy()
    if n > 1:
        new_piece[1:] |= np.abs(level[1:] - level[:-1]) >= 1
    piece = np.cumsum(new_piece) - 1
    n_piece = int(piece[-1]) + 1
    piece_run = run[new_piece]
    piece_bp = np.bincount(piece, weights=(end - start).astype(float), minlength=n_piece)
    piece_level = np.bincount(piece, weights=level * (end - start), minlength=n_piece) / np.maximum(piece_bp, 1)
    pieces_per_run = np.bincount(piece_run)
    piece_first_row = np.flatnonzero(new_piece)
    # Event of each piece: one per piece, except in runs of >= 3 pieces (nesting, by the stack).
    event_of_piece = np.arange(n_piece, dtype=np.int64)
    long_runs = np.flatnonzero(pieces_per_run >= 3)
    if len(long_runs):
        run_first = np.concatenate(([0], np.cumsum(pieces_per_run)[:-1]))
        for r in long_runs.tolist():
            p0 = int(run_first[r])
            members = _strokes(piece_level[p0:p0 + pieces_per_run[r]], bool(up[piece_first_row[p0]]))
            for m in members:
                event_of_piece[p0 + np.array(m)] = p0 + m[0]
    event = event_of_piece[piece]
    # Whole chromosomes: a p-arm and a q-arm event of one direction and level, each covering >= arm_fraction.
    event = _join_whole_chromosomes(event, chrom, start, end, up, level, arm, arms, thresholds)
    _, event = np.unique(event, return_inverse=True)
    n_ev = int(event.max()) + 1
    ev_start = np.full(n_ev, _INT64_MAX, dtype=np.int64)
    ev_end = np.zeros(n_ev, dtype=np.int64)
    np.minimum.at(ev_start, event, start)
    np.maximum.at(ev_end, event, end)
    first = np.full(n_ev, n, dtype=np.int64)
    np.minimum.at(first, event, np.arange(n))
    markers = seg.markers[rows]
    known = ~np.isnan(markers)
    marker_sum = np.bincount(event, weights=np.where(known, markers, 0.0), minlength=n_ev)
    any_known = np.bincount(event, weights=known.astype(float), minlength=n_ev) > 0
    order = np.argsort(event, kind="stable")
    bounds = np.concatenate(([0], np.cumsum(np.bincount(event, minlength=n_ev))))
    seg_ids = seg.segment_id[rows][order].tolist()
    keep = ((ev_end - ev_start) >= min_size) & (~any_known | (marker_sum >= thresholds.min_anomaly_markers))
    ev_chrom = chrom[first]
    kept = [c for c in np.lexsort((ev_start, ev_chrom)).tolist() if keep[c]]  # karyotype order, then start
    idx = np.array(kept, dtype=np.int64)
    state = seg.state[rows][first]
    return Anomalies(ev_chrom[idx], ev_start[idx], ev_end[idx], state[idx],
                     np.where(any_known[idx], marker_sum[idx], np.nan), np.diff(bounds)[idx],
                     [seg_ids[bounds[c]:bounds[c + 1]] for c in kept])


def _join_whole_chromosomes(event: np.ndarray, chrom: np.ndarray, start: np.ndarray, end: np.ndarray,
                            up: np.ndarray, level: np.ndarray, arm: np.ndarray, arms: KitCoverage,
                            thresholds: Thresholds) -> np.ndarray:
    """``event`` with each pair of arm-level events (p and q of one chromosome, one direction, levels < 1 apart,
    each covering ≥ ``arm_fraction`` of its arm's assessed extent) made one."""
    if not len(event) or not len(arms):
        return event
    ids, inv = np.unique(event, return_inverse=True)
    m = len(ids)
    e_start = np.full(m, _INT64_MAX, dtype=np.int64)
    e_end = np.zeros(m, dtype=np.int64)
    np.minimum.at(e_start, inv, start)
    np.maximum.at(e_end, inv, end)
    first = np.full(m, len(event), dtype=np.int64)
    np.minimum.at(first, inv, np.arange(len(event)))
    e_arm, e_chrom, e_up, e_level = arm[first], chrom[first], up[first], level[first]
    ok = e_arm >= 0
    a = np.where(ok, e_arm, 0)
    cover = (np.minimum(e_end, arms.end[a]) - np.maximum(e_start, arms.start[a])).clip(min=0)
    arm_level = ok & (cover >= thresholds.arm_fraction * (arms.end[a] - arms.start[a]))
    cand = np.flatnonzero(arm_level)
    if len(cand) < 2:
        return event
    merged = ids.copy()
    by_key: dict[tuple[int, bool], list[int]] = {}
    for c in cand.tolist():
        by_key.setdefault((int(e_chrom[c]), bool(e_up[c])), []).append(c)
    for group in by_key.values():
        arms_seen = {int(e_arm[c]) for c in group}
        if len(arms_seen) < 2:
            continue
        group = sorted(group, key=lambda c: int(e_start[c]))
        head = group[0]
        for c in group[1:]:
            if e_arm[c] != e_arm[head] and abs(float(e_level[c]) - float(e_level[head])) < 1:
                merged[c] = merged[head]
    return merged[inv]


def _default_arms() -> KitCoverage:
    from ..genome import arm_rows

    return KitCoverage.from_arm_rows(arm_rows())


def in_profile_codes(seg: SegmentArrays, anomalies: Anomalies) -> np.ndarray:
    """Per segment: 1 if part of a kept anomaly, 0 if cleaning dropped it, :data:`IN_PROFILE_NONE` for neutral and
    LOH segments."""
    kept = {sid for ids in anomalies.segment_ids for sid in ids}
    aberrant = (seg.kind == KIND_CN) & (seg.state != NEUTRAL)
    flags = np.fromiter((sid in kept for sid in seg.segment_id.tolist()), dtype=np.int8, count=len(seg))
    flags[~aberrant] = IN_PROFILE_NONE
    return flags


def extent_counts(anomalies: Anomalies, arms: KitCoverage, arm_fraction: float) -> dict[str, int]:
    """Anomalies by extent: ``whole_chromosome`` (covers ≥ ``arm_fraction`` of every assessed arm of its
    chromosome: an acrocentric's q arm alone is its whole assessed chromosome), ``arm`` (of at least one arm),
    ``sub_arm`` (the rest), and their ``total``."""
    n = len(anomalies)
    if not n:
        return {"total": 0, "whole_chromosome": 0, "arm": 0, "sub_arm": 0}
    i, j = intervals.overlap_pairs_arrays(anomalies.chrom, anomalies.start, anomalies.end, arms.chrom, arms.start,
                                          arms.end)
    ov = (np.minimum(anomalies.end[i], arms.end[j]) - np.maximum(anomalies.start[i], arms.start[j])).clip(min=0)
    full = ov >= arm_fraction * (arms.end[j] - arms.start[j])
    covered = np.bincount(i[full], minlength=n)
    arms_of_chrom = np.bincount(arms.chrom, minlength=len(CHROM_NAMES))[anomalies.chrom]
    whole = (covered >= arms_of_chrom) & (arms_of_chrom > 0)
    arm = (covered > 0) & ~whole
    return {"total": n, "whole_chromosome": int(whole.sum()), "arm": int(arm.sum()),
            "sub_arm": int(n - whole.sum() - arm.sum())}


def profile_of(anomalies: Anomalies, arms: KitCoverage, thresholds: Thresholds, continuous: bool = False) -> Profile:
    """A, C, GI, FGA and class from cleaned anomalies; FGA relative to the assessed extent of ``arms``.

    The thesis class is decided by A = ``anomaly_counts.total`` (every counted anomaly, a whole chromosome counting
    once): flat A = 0, simple 1 ≤ A ≤ ``simple_max_anomalies``, complex above; ``gi_class`` reads Bergonié's
    GI = A²/C against 10 (Lagarde et al. 2012; Croce et al. 2015, 2018)."""
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
    rule += (f" (A = Gain/Loss events{strength} on {scope}: per arm, same-direction neighbours ≤ "
             f"{thresholds.merge_gap} bp apart with copy numbers < 1 apart merged, never across the other direction; "
             f"a nested deeper event +1; a whole chromosome 1; events < {floor} bp"
             + (f" or < {thresholds.min_anomaly_markers} markers" if thresholds.min_anomaly_markers else "")
             + " dropped; GI = A²/C)")
    counts = extent_counts(counted, arms, thresholds.arm_fraction)
    return Profile(cls, a, c, gi, fga, rule, counted, anomaly_counts=counts,
                   gi_class="GI > 10" if gi > 10 else "GI <= 10")


# ------------------------------------------------------------------------------------------------ DataFrame forms

def clean_anomalies(segments: pd.DataFrame, thresholds: Thresholds, continuous: bool = False,
                    arms: pd.DataFrame | None = None) -> pd.DataFrame:
    """:func:`anomalies_of` of a canonical segment table with its ``state`` column, as a table (``chrom, start,
    end, state, direction, markers, n_merged, segment_ids``)."""
    kit = KitCoverage.from_arms(arms) if arms is not None else None
    return anomalies_of(SegmentArrays.from_frame(segments), thresholds, continuous, arms=kit).to_frame()


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
