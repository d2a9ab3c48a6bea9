"""Arm-level events: an arm is lost/gained/amplified/LOH when the class covers ≥ ``arm_fraction`` of its
assessed extent (oncoscanR's rule, Christinat et al. 2021)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import intervals
from ..thresholds import Thresholds
from .states import GAIN_STATES, LOSS_STATES

ARM_EVENT_TYPES = ("AMP", "GAIN", "LOSS", "LOH")


def arm_level_events(segments: pd.DataFrame, arms: pd.DataFrame, thresholds: Thresholds,
                     loh_assessed: bool = True) -> dict[str, object]:
    """Arm-level events of one sample, with the covered fraction of every arm and event type.

    Segments are trimmed to the assessed arm extents, LOH inside a loss is removed (copy-neutral LOH only
    counts where no loss is), same-class neighbours closer than ``merge_gap`` are merged per arm, pieces
    below ``min_anomaly_size`` dropped, and an arm is called when the union covers ≥ ``arm_fraction``.
    Arms called AMP are not also listed under GAIN. Returns ``{"AMP": [...], "GAIN": [...], "LOSS": [...],
    "LOH": [...] or "not_assessed", "fractions": {arm: {type: fraction}}}``.
    """
    arm_iv = arms[["chrom", "start", "end", "arm"]].reset_index(drop=True)
    arm_names = arm_iv["arm"].to_numpy(object)
    arm_len = (arm_iv["end"] - arm_iv["start"]).to_numpy(np.int64)
    kind, state = segments["kind"].to_numpy(object), segments["state"].to_numpy(object)
    cn = kind == "cn"
    masks = {"AMP": cn & (state == "amp"), "GAIN": cn & np.isin(state, list(GAIN_STATES)),
             "LOSS": cn & np.isin(state, list(LOSS_STATES))}
    iv = segments[["chrom", "start", "end"]]
    parts = [(name, iv[m]) for name, m in masks.items() if m.any()]
    loh = iv[kind == "loh"]
    if len(loh):
        # Copy-neutral LOH only: the LOH track minus the losses.
        parts.append(("LOH", intervals.subtract(loh, iv[masks["LOSS"]]) if masks["LOSS"].any() else loh))
    fractions: dict[str, dict[str, float]] = {}
    result: dict[str, object] = {name: [] for name in ARM_EVENT_TYPES}
    parts = [(name, part) for name, part in parts if len(part)]
    if parts:
        # All classes in one pass: trim to arms, merge per (class, arm), drop small pieces, sum per (class, arm).
        cls = np.concatenate([np.full(len(part), ARM_EVENT_TYPES.index(name)) for name, part in parts])
        tagged = pd.concat([part for _, part in parts], ignore_index=True)
        i, j = intervals.overlap_pairs(tagged, arm_iv)
        start = np.maximum(tagged["start"].to_numpy(np.int64)[i], arm_iv["start"].to_numpy(np.int64)[j])
        end = np.minimum(tagged["end"].to_numpy(np.int64)[i], arm_iv["end"].to_numpy(np.int64)[j])
        key = cls[i] * len(arm_iv) + j
        ids = intervals.cluster_ids(key, start, end, thresholds.merge_gap)
        ms, me = intervals.cluster_extents(ids, start, end)
        first = np.full(len(ms), len(key), dtype=np.int64)
        np.minimum.at(first, ids, np.arange(len(key)))
        big = (me - ms) >= thresholds.min_anomaly_size
        covered = np.bincount(key[first][big], weights=(me - ms)[big], minlength=len(ARM_EVENT_TYPES) * len(arm_iv))
        for k in np.flatnonzero(covered):  # keys in (class, arm-table) order
            name, a = ARM_EVENT_TYPES[k // len(arm_iv)], k % len(arm_iv)
            f = float(covered[k]) / float(arm_len[a])
            fractions.setdefault(arm_names[a], {})[name] = round(min(f, 1.0), 4)
            if f >= thresholds.arm_fraction:
                result[name].append(arm_names[a])  # type: ignore[union-attr]
    result["GAIN"] = [a for a in result["GAIN"] if a not in set(result["AMP"])]
    if not loh_assessed:
        result["LOH"] = "not_assessed"
    order = {a: n for n, a in enumerate(arm_names)}
    result["fractions"] = {a: fractions[a] for a in sorted(fractions, key=order.__getitem__)}
    return result
