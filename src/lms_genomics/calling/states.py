"""Copy-number state of each segment: homdel, hetdel, neutral, gain, amp (relative to the normal level)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..genome import CHROM_ORDER
from ..segarrays import (
    AMP,
    GAIN,
    HETDEL,
    HOMDEL,
    LOH,
    NEUTRAL,
    STATE_NAMES,
    TYPE_GAIN,
    TYPE_LOSS,
    SegmentArrays,
)
from ..thresholds import Thresholds
from .ploidy import reference_level

if TYPE_CHECKING:
    import pandas as pd

STATES = ("homdel", "hetdel", "neutral", "gain", "amp")
LOSS_STATES = frozenset({"homdel", "hetdel"})
GAIN_STATES = frozenset({"gain", "amp"})
SEXES = ("female", "male")
_X, _Y = CHROM_ORDER["chrX"], CHROM_ORDER["chrY"]


def normal_level(chrom: np.ndarray, sex: str | None) -> np.ndarray:
    """Expected copy number per chromosome code: 2 on autosomes; X 2/1 and Y 0/1 for female/male; NaN when the
    sex is unknown on X/Y."""
    x_cn, y_cn = {"female": (2.0, 0.0), "male": (1.0, 1.0)}.get(sex or "", (np.nan, np.nan))
    return np.where(chrom == _X, x_cn, np.where(chrom == _Y, y_cn, 2.0))


def baseline_level(chrom: np.ndarray, sex: str | None, ploidy: float = 2.0) -> np.ndarray:
    """The level states are read against: :func:`normal_level` at ploidy 2; for another baseline ploidy, its
    nearest whole copy number R on autosomes and a female X, R // 2 (at least 1) on a male X and Y
    (:mod:`lms_genomics.calling.ploidy`)."""
    base = normal_level(chrom, sex)
    ref = reference_level(ploidy)
    if ref == 2:
        return base
    half = max(1, ref // 2)
    return np.where(base == 2.0, float(ref), np.where(base == 1.0, float(half), base))


def normal_copy_number(chrom: pd.Series, sex: str | None) -> pd.Series:
    """:func:`normal_level` of a Series of UCSC chromosome names (unknown names count as autosomes)."""
    from .._lazy import pandas as pd

    codes = np.fromiter((CHROM_ORDER.get(c, -1) for c in chrom.tolist()), np.int64, len(chrom))
    return pd.Series(normal_level(codes, sex), index=chrom.index)


def state_codes(seg: SegmentArrays, thresholds: Thresholds, sex: str | None = None,
                continuous: bool = False, ploidy: float = 2.0, homdel_log2_max: float | None = None) -> np.ndarray:
    """State code (:data:`lms_genomics.segarrays.STATES`) of each segment; LOH rows get LOH.

    ChAS CN states (``continuous=False``) are compared with the normal level (2 on autosomes; X/Y by sex, or the
    export's own Gain/Loss type when the sex is unknown). Log2-ratio inputs (``continuous=True``) take the direction
    from the log2 ratio (``log2_loss``/``log2_gain``, relative to the tumour's ploidy) and the magnitude
    (homozygous deletion, amplification) from the purity/ploidy-corrected copy number; ``homdel_log2_max`` (log2
    inputs, :func:`lms_genomics.calling.log2.homdel_log2_bound`): a homozygous deletion also needs a raw log2 below
    it, else it is a heterozygous deletion (purity guardrail).

    ``ploidy``: the baseline (:mod:`lms_genomics.calling.ploidy`): ChAS states are read against its nearest whole
    copy number (:func:`baseline_level`); amplification needs CN ≥ ``amp_min_cn`` and ≥ ``amp_ploidy_factor`` ×
    ploidy (PCGR's rule).
    """
    cn = seg.copy_number
    base = baseline_level(seg.chrom, sex, ploidy)
    known = ~np.isnan(base)
    if continuous:
        below, above = seg.log2 < thresholds.log2_loss, seg.log2 > thresholds.log2_gain
    else:
        tol = thresholds.neutral_tolerance
        below = np.where(known, (cn < base - tol) & ~np.isclose(cn, base), seg.type == TYPE_LOSS)
        above = np.where(known, (cn > base + tol) & ~np.isclose(cn, base), seg.type == TYPE_GAIN)
    homdel = (cn < thresholds.homdel_max_cn) & (np.where(known, base, 2.0) >= 1)
    if continuous and homdel_log2_max is not None:
        homdel &= seg.log2 < homdel_log2_max
    amp = (cn >= thresholds.amp_min_cn) & (cn >= thresholds.amp_ploidy_factor * ploidy) & above
    state = np.select([homdel & (below | continuous), amp, below, above], [HOMDEL, AMP, HETDEL, GAIN],
                      NEUTRAL).astype(np.int8)
    state[seg.is_loh] = LOH
    return state


def implicit_state(chrom: np.ndarray, sex: str | None, ploidy: float = 2.0) -> np.ndarray:
    """State code of a region an aberration-only export (ChAS) does not list: it is at the normal level (2 on
    autosomes), which is neutral at ploidy 2 and a relative loss (or gain) against another baseline."""
    normal, base = normal_level(chrom, sex), baseline_level(chrom, sex, ploidy)
    return np.select([normal < base, normal > base], [HETDEL, GAIN], NEUTRAL).astype(np.int64)


def segment_states(segments: pd.DataFrame, thresholds: Thresholds, sex: str | None = None,
                   continuous: bool = False) -> pd.Series:
    """:func:`state_codes` of a canonical segment table, as state names (``homdel`` ... ``loh``)."""
    from .._lazy import pandas as pd

    codes = state_codes(SegmentArrays.from_frame(segments), thresholds, sex=sex, continuous=continuous)
    return pd.Series(STATE_NAMES[codes], index=segments.index, dtype=object)
