"""Copy number from log2 ratios, with tumour purity and ploidy (DESIGN §2)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ..errors import UsageError

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
