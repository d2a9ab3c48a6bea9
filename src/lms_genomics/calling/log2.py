"""Copy number from log2 ratios, with tumour purity and ploidy (DESIGN §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import UsageError
from ..thresholds import Thresholds

if TYPE_CHECKING:
    import pandas as pd


def log2_to_copy_number(log2: pd.Series | np.ndarray, purity: float = 1.0, ploidy: float = 2.0) -> np.ndarray:
    """Absolute copy number of each segment: ``n = (2^r · (p·P + 2(1−p)) − 2(1−p)) / p``, floored at 0.

    ``r`` is the log2 ratio against a diploid reference, ``p`` the tumour purity (fraction of tumour cells)
    and ``P`` the tumour ploidy. With p = 1 and P = 2 this is ``2 · 2^r``.
    """
    check_purity_ploidy(purity, ploidy)
    r = np.asarray(log2, dtype=float)
    normal = 2.0 * (1.0 - purity)
    n = (np.power(2.0, r) * (purity * ploidy + normal) - normal) / purity
    return np.clip(n, 0.0, None)


def check_purity_ploidy(purity: float, ploidy: float) -> None:
    """Raise :class:`UsageError` unless 0 < purity ≤ 1 and 1 ≤ ploidy ≤ 8."""
    if not (0.0 < purity <= 1.0):
        raise UsageError(f"purity must be a fraction in (0, 1] (or a percentage), not {purity!r}")
    if not (1.0 <= ploidy <= 8.0):
        raise UsageError(f"ploidy must be between 1 and 8, not {ploidy!r}")


def one_copy_loss_log2(purity: float, ploidy: float = 2.0) -> float:
    """The log2 ratio of a clonal one-copy loss at ``purity`` and ``ploidy``:
    ``log2((p(P−1) + 2(1−p)) / (pP + 2(1−p)))`` (−1.0 at p = 1, P = 2; the rescaling formula read backwards)."""
    normal = 2.0 * (1.0 - purity)
    return float(np.log2((purity * (ploidy - 1.0) + normal) / (purity * ploidy + normal)))


def homdel_log2_bound(ploidy: float, thresholds: Thresholds) -> float:
    """Purity guardrail: the raw log2 ratio a homozygous deletion of a log2 input must be below, whatever purity
    was given: the one-copy-loss log2 at ``log2_homdel_upper_purity`` (and ``ploidy``), or ``log2_homdel`` when
    lower (see :class:`~lms_genomics.thresholds.Thresholds`)."""
    return min(one_copy_loss_log2(thresholds.log2_homdel_upper_purity, ploidy), thresholds.log2_homdel)


def purity_warnings(chrom: np.ndarray, start: np.ndarray, end: np.ndarray, log2: np.ndarray, purity: float,
                    ploidy: float, thresholds: Thresholds) -> list[str]:
    """Warnings on the purity of a log2 input: below ``log2_low_purity``; or making more than
    ``log2_max_fraction_cn_zero`` of the segmented autosomes rescale to a copy number ≤ 0 (before the floor at 0)."""
    out = []
    if purity < thresholds.log2_low_purity:
        out.append(f"purity {purity:g} is below {thresholds.log2_low_purity:g}: a one-copy change moves the log2 "
                   f"ratio by {abs(one_copy_loss_log2(purity, ploidy)):.2f} only, within segmentation noise; "
                   f"copy numbers and homozygous deletions are unreliable")
    auto = chrom < 22
    size = (end - start)[auto].astype(float)
    if size.sum() > 0:
        normal = 2.0 * (1.0 - purity)
        raw = (np.power(2.0, log2[auto]) * (purity * ploidy + normal) - normal) / purity
        frac = float(size[raw <= 0].sum() / size.sum())
        if frac > thresholds.log2_max_fraction_cn_zero:
            out.append(f"purity {purity:g} and ploidy {ploidy:g} make {frac:.0%} of the segmented autosomes rescale "
                       f"to a copy number ≤ 0 (more than {thresholds.log2_max_fraction_cn_zero:.0%}): the purity is "
                       f"too low for these log2 ratios or the ploidy is wrong; check both")
    return out
