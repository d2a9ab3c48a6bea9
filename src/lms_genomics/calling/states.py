"""Copy-number state of each segment: homdel, hetdel, neutral, gain, amp (relative to the normal level)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..thresholds import Thresholds

STATES = ("homdel", "hetdel", "neutral", "gain", "amp")
LOSS_STATES = frozenset({"homdel", "hetdel"})
GAIN_STATES = frozenset({"gain", "amp"})
SEXES = ("female", "male")


def normal_copy_number(chrom: pd.Series, sex: str | None) -> pd.Series:
    """Expected copy number per chromosome: 2 on autosomes; X 2/1 and Y 0/1 for female/male; NaN when
    the sex is unknown on X/Y."""
    base = pd.Series(2.0, index=chrom.index)
    x, y = chrom == "chrX", chrom == "chrY"
    if sex == "female":
        base[x], base[y] = 2.0, 0.0
    elif sex == "male":
        base[x], base[y] = 1.0, 1.0
    else:
        base[x | y] = np.nan
    return base


def segment_states(segments: pd.DataFrame, thresholds: Thresholds, sex: str | None = None,
                   continuous: bool = False) -> pd.Series:
    """State of each copy-number row (``kind == 'cn'``); LOH rows get ``'loh'``.

    ``continuous`` marks copy numbers derived from log2 ratios, where ``log2_neutral_tolerance`` applies;
    ChAS CN states are discrete calls and use ``neutral_tolerance``. Where the normal level is unknown
    (X/Y with unknown sex) the source's own gain/loss type gives the direction.
    """
    cn = segments["copy_number"].astype(float)
    base = normal_copy_number(segments["chrom"], sex)
    tol = thresholds.log2_neutral_tolerance if continuous else thresholds.neutral_tolerance
    known = base.notna()
    below = np.where(known, cn < base - tol, segments["type"] == "loss")
    above = np.where(known, cn > base + tol, segments["type"] == "gain")
    if not continuous:
        # ChAS: a CN state equal to the normal level is neutral even with zero tolerance.
        below = below & ~(known & np.isclose(cn, base))
        above = above & ~(known & np.isclose(cn, base))
    homdel = (cn < thresholds.homdel_max_cn) & (base.fillna(2.0) >= 1)
    amp = (cn >= thresholds.amp_min_cn) & above
    state = np.select([homdel & below, amp, below, above], ["homdel", "amp", "hetdel", "gain"], "neutral")
    state = pd.Series(state, index=segments.index, dtype=object)
    state[segments["kind"] == "loh"] = "loh"
    return state
