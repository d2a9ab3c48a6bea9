"""Arm-level events: an arm is lost/gained/amplified/LOH when the class covers ≥ ``arm_fraction`` of its
assessed extent (oncoscanR's rule, Christinat et al. 2021), after oncoscanR's cleaning
(:mod:`lms_genomics.calling.cleaning`, shared with the genome-wide scores)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from .. import intervals
from ..genome import CHROM_ORDER
from ..segarrays import HOMDEL, KIND_CN, SegmentArrays
from ..thresholds import Thresholds
from .cleaning import (
    GAIN,
    LOH,
    LOSS,
    CleanSegments,
    KitCoverage,
    arm_fractions,
    chrom_codes,
    clean_segments,
    kinds_from_state_codes,
    kinds_from_states,
)

if TYPE_CHECKING:
    import pandas as pd

ARM_EVENT_TYPES = ("AMP", "GAIN", "LOSS", "LOH")


def clean_sample_segments(segments: pd.DataFrame, kit: KitCoverage, thresholds: Thresholds) -> CleanSegments:
    """A sample's segments (lmsgen's canonical table with its ``state`` column) cleaned over ``kit``."""
    return clean_segments(chrom_codes(segments["chrom"].to_numpy(object)), segments["start"].to_numpy(np.int64),
                          segments["end"].to_numpy(np.int64),
                          segments["copy_number"].to_numpy(dtype=float, na_value=np.nan),
                          kinds_from_states(segments["state"].to_numpy(object)), kit,
                          merge_gap=thresholds.kit_merge_gap, min_size=thresholds.kit_min_segment_size)


def clean_segment_arrays(seg: SegmentArrays, kit: KitCoverage, thresholds: Thresholds) -> CleanSegments:
    """A sample's segments (with their ``state``) cleaned over ``kit``: :func:`clean_sample_segments` on arrays."""
    return clean_segments(seg.chrom, seg.start, seg.end, seg.copy_number, kinds_from_state_codes(seg.state), kit,
                          merge_gap=thresholds.kit_merge_gap, min_size=thresholds.kit_min_segment_size)


def arm_level_from_clean(segs: CleanSegments, kit: KitCoverage, thresholds: Thresholds,
                         loh_assessed: bool = True) -> dict[str, object]:
    """Arm-level events from segments already cleaned over ``kit`` (see :func:`arm_level_events`)."""
    masks = {"AMP": (segs.kind == GAIN) & (segs.cn >= thresholds.amp_min_cn), "GAIN": segs.kind == GAIN,
             "LOSS": segs.kind == LOSS, "LOH": segs.kind == LOH}
    fractions: dict[str, dict[str, float]] = {}
    result: dict[str, object] = {name: [] for name in ARM_EVENT_TYPES}
    names = kit.arm_names
    for name, mask in masks.items():
        if not mask.any():
            continue
        f = arm_fractions(segs.take(mask), kit)
        values = f.tolist()
        for a in np.flatnonzero(f).tolist():
            fractions.setdefault(names[a], {})[name] = round(min(values[a], 1.0), 4)
        result[name] = [names[a] for a in np.flatnonzero(f >= thresholds.arm_fraction).tolist()]
    result["GAIN"] = [a for a in result["GAIN"] if a not in set(result["AMP"])]  # type: ignore[union-attr]
    if not loh_assessed:
        result["LOH"] = "not_assessed"
    order = kit.arm_order
    result["fractions"] = {a: fractions[a] for a in sorted(fractions, key=order.__getitem__)}
    return result


def arm_level_events(segments: pd.DataFrame, arms: pd.DataFrame, thresholds: Thresholds,
                     loh_assessed: bool = True) -> dict[str, object]:
    """Arm-level events of one sample, with the covered fraction of every arm and event type.

    Segments are cleaned as oncoscanR does (trimmed to the assessed arm extents, LOH inside a loss removed,
    same-copy-number neighbours closer than ``kit_merge_gap`` merged per arm, pieces below
    ``kit_min_segment_size`` dropped) and an arm is called when the union of a class covers ≥ ``arm_fraction``
    of it. AMP is a gain with copy number ≥ ``amp_min_cn``; arms called AMP are not also listed under GAIN.
    Returns ``{"AMP": [...], "GAIN": [...], "LOSS": [...], "LOH": [...] or "not_assessed",
    "fractions": {arm: {type: fraction}}}``.
    """
    kit = KitCoverage.from_arms(arms)
    return arm_level_from_clean(clean_sample_segments(segments, kit, thresholds), kit, thresholds, loh_assessed)


def whole_arm_homdel_warnings(seg: SegmentArrays, kit: KitCoverage, thresholds: Thresholds) -> list[str]:
    """A plausibility warning for each arm a "homozygous deletion" covers over ≥ ``homdel_arm_fraction`` of its
    assessed extent (ChAS or log2 input): losing both copies of a whole arm is rarely viable; such a call more
    often means a one-copy loss read against a wrong purity or baseline."""
    if seg.state is None or not len(kit):
        return []
    homdel = (seg.kind == KIND_CN) & (seg.state == HOMDEL) & (seg.chrom != CHROM_ORDER["chrY"])  # Y: no copy in women
    if not homdel.any():
        return []
    rows = np.flatnonzero(homdel)
    a, k = intervals.overlap_pairs_arrays(kit.chrom, kit.start, kit.end, seg.chrom[rows], seg.start[rows],
                                          seg.end[rows])
    if not len(a):
        return []
    ov = (np.minimum(kit.end[a], seg.end[rows][k]) - np.maximum(kit.start[a], seg.start[rows][k])).clip(min=0)
    covered = np.bincount(a, weights=ov.astype(float), minlength=len(kit))
    frac = covered / np.maximum(kit.end - kit.start, 1)
    arms = [str(kit.arm[i]) for i in np.flatnonzero(frac >= thresholds.homdel_arm_fraction)]
    if not arms:
        return []
    return [f"homozygous deletion over {len(arms)} whole arm(s) ({', '.join(arms)}): implausible (both copies of a "
            f"whole arm are rarely lost in viable cells); more likely a one-copy loss read against a wrong purity, "
            f"ploidy or baseline: check before reporting"]
