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
    c = chrom.to_numpy(object)
    x, y = c == "chrX", c == "chrY"
    x_cn, y_cn = {"female": (2.0, 0.0), "male": (1.0, 1.0)}.get(sex or "", (np.nan, np.nan))
    return pd.Series(np.where(x, x_cn, np.where(y, y_cn, 2.0)), index=chrom.index)


def segment_states(segments: pd.DataFrame, thresholds: Thresholds, sex: str | None = None,
                   continuous: bool = False) -> pd.Series:
    """State of each copy-number row (``kind == 'cn'``); LOH rows get ``'loh'``.

    ChAS CN states (``continuous=False``) are compared with the normal level (2 on autosomes; X/Y by sex,
    or the export's own Gain/Loss type when the sex is unknown). Log2-ratio inputs (``continuous=True``)
    take the direction from the log2 ratio (``log2_loss``/``log2_gain``, relative to the tumour's ploidy)
    and the magnitude (homozygous deletion, amplification) from the purity/ploidy-corrected copy number.
    """
    cn = segments["copy_number"].to_numpy(dtype=float, na_value=np.nan)
    base = normal_copy_number(segments["chrom"], sex).to_numpy(float)
    known = ~np.isnan(base)
    if continuous:
        log2 = segments["log2"].to_numpy(dtype=float, na_value=np.nan)
        below, above = log2 < thresholds.log2_loss, log2 > thresholds.log2_gain
    else:
        tol = thresholds.neutral_tolerance
        typ = segments["type"].to_numpy(object)
        below = np.where(known, (cn < base - tol) & ~np.isclose(cn, base), typ == "loss")
        above = np.where(known, (cn > base + tol) & ~np.isclose(cn, base), typ == "gain")
    homdel = (cn < thresholds.homdel_max_cn) & (np.where(known, base, 2.0) >= 1)
    amp = (cn >= thresholds.amp_min_cn) & above
    state = np.select([homdel & (below | continuous), amp, below, above], ["homdel", "amp", "hetdel", "gain"],
                      "neutral").astype(object)
    state[segments["kind"].to_numpy(object) == "loh"] = "loh"
    return pd.Series(state, index=segments.index, dtype=object)
