"""Arm-level events: an arm is lost/gained/amplified/LOH when the class covers ≥ ``arm_fraction`` of its
assessed extent (oncoscanR's rule, Christinat et al. 2021)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import intervals
from ..thresholds import Thresholds
from .states import GAIN_STATES, LOSS_STATES

ARM_EVENT_TYPES = ("AMP", "GAIN", "LOSS", "LOH")


def _arm_order(arms: pd.DataFrame) -> dict[str, int]:
    return {a: i for i, a in enumerate(arms["arm"])}


def arm_level_events(segments: pd.DataFrame, arms: pd.DataFrame, thresholds: Thresholds,
                     loh_assessed: bool = True) -> dict[str, object]:
    """Arm-level events of one sample, with the covered fraction of every arm and event type.

    Segments are trimmed to the assessed arm extents, LOH inside a loss is removed (copy-neutral LOH only
    counts where no loss is), same-class neighbours closer than ``merge_gap`` are merged per arm, pieces
    below ``min_anomaly_size`` dropped, and an arm is called when the union covers ≥ ``arm_fraction``.
    Arms called AMP are not also listed under GAIN. Returns ``{"AMP": [...], "GAIN": [...], "LOSS": [...],
    "LOH": [...] or "not_assessed", "fractions": {arm: {type: fraction}}}``.
    """
    arm_iv = arms[["chrom", "start", "end", "arm"]]
    cn = segments[segments["kind"] == "cn"]
    classes = {
        "AMP": cn[cn["state"] == "amp"],
        "GAIN": cn[cn["state"].isin(GAIN_STATES)],
        "LOSS": cn[cn["state"].isin(LOSS_STATES)],
    }
    loss_iv = classes["LOSS"][["chrom", "start", "end"]]
    loh = segments[segments["kind"] == "loh"][["chrom", "start", "end"]]
    classes["LOH"] = intervals.subtract(loh, loss_iv) if not loh.empty else loh
    lengths = (arm_iv["end"] - arm_iv["start"]).to_numpy()
    arm_len = dict(zip(arm_iv["arm"], lengths, strict=True))
    fractions: dict[str, dict[str, float]] = {a: {} for a in arm_iv["arm"]}
    result: dict[str, object] = {name: [] for name in classes}
    # All classes in one pass: tag, trim to arms, merge per (class, arm), sum per (class, arm).
    tagged = pd.concat([seg[["chrom", "start", "end"]].assign(cls=name) for name, seg in classes.items()
                        if not seg.empty], ignore_index=True) if any(not c.empty for c in classes.values()) else None
    if tagged is not None:
        pieces = intervals.overlap_join(tagged, arm_iv, suffix="_arm")
        pieces["start"] = np.maximum(pieces["start"].to_numpy(), pieces["start_arm"].to_numpy())
        pieces["end"] = np.minimum(pieces["end"].to_numpy(), pieces["end_arm"].to_numpy())
        pieces = pieces[pieces["end"] > pieces["start"]]
        merged = intervals.merge(pieces[["chrom", "start", "end", "cls", "arm"]], by=["cls", "arm"],
                                 slack=thresholds.merge_gap)
        merged = merged[(merged["end"] - merged["start"]) >= thresholds.min_anomaly_size]
        covered = (merged["end"] - merged["start"]).groupby([merged["cls"], merged["arm"]]).sum()
        order = _arm_order(arms)
        for (name, arm), bp in covered.items():
            f = float(bp) / float(arm_len[arm])
            fractions[arm][name] = round(min(f, 1.0), 4)
            if f >= thresholds.arm_fraction:
                result[name].append(arm)  # type: ignore[union-attr]
        for name in classes:
            result[name] = sorted(result[name], key=order.__getitem__)  # type: ignore[arg-type]
    result["GAIN"] = [a for a in result["GAIN"] if a not in set(result["AMP"])]
    if not loh_assessed:
        result["LOH"] = "not_assessed"
    result["fractions"] = {a: f for a, f in fractions.items() if f}
    return result
