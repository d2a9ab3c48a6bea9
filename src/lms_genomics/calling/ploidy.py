"""Baseline ploidy of a sample: the copy number its gene and segment states are read against (issue 13).

Rule (README "Ploidy and whole-genome doubling"):

1. A ploidy given on the command line (``--ploidy``) or in the sample sheet's ``ploidy`` column is the baseline.
   For log2 inputs it is also the ploidy of the log2 → copy-number model (as before); for ChAS exports, whose CN
   states are already absolute, it is only the baseline (nothing is rescaled).
2. Otherwise, for ChAS exports, the tumour's own average copy number (``profile.scores.avg_cn``, oncoscanR's
   ``score_avgcn``) becomes the baseline when the genome-wide scores report a whole-genome doubling **and** the
   average is at least ``Thresholds.ploidy_baseline_min_avg_cn`` (2.5); else the baseline is 2.
3. Log2 inputs without a given ploidy keep 2 (their log2 ratios are already relative to the tumour's mean).

States are read against the *reference level*, the nearest whole copy number of the baseline (3 for 3.25): CN 2
is a "relative loss to ploidy 3", CN 4 a "relative gain". Amplification needs CN ≥ ``amp_min_cn`` and ≥
``amp_ploidy_factor`` × baseline (PCGR); a gain from ``amp_min_cn`` below that is a "high-copy gain".
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from ..thresholds import Thresholds

DIPLOID = 2.0


def reference_level(ploidy: float) -> int:
    """The whole copy number states are read against: the baseline rounded half up (3.25 → 3, 2.5 → 3)."""
    return int(math.floor(ploidy + 0.5))


@dataclass(frozen=True)
class Ploidy:
    """The baseline ploidy of one sample, where it came from and whether the genome is doubled."""

    value: float
    source: str
    wgd: bool | None = None

    @property
    def reference(self) -> int:
        return reference_level(self.value)

    @property
    def rebased(self) -> bool:
        """Whether states are read against a level other than 2."""
        return self.reference != 2

    def amp_min_cn(self, thresholds: Thresholds) -> float:
        """The smallest amplified copy number: ``amp_min_cn`` and ``amp_ploidy_factor`` × ploidy (PCGR)."""
        return max(thresholds.amp_min_cn, thresholds.amp_ploidy_factor * self.value)

    def as_dict(self) -> dict[str, Any]:
        """``profile.ploidy``: ``{"value", "source", "wgd"}``."""
        return {"value": round(self.value, 4), "source": self.source, "wgd": self.wgd}


DIPLOID_PLOIDY = Ploidy(DIPLOID, "default")


def baseline_ploidy(*, given: float | None, given_source: str | None, avg_cn: float | None, wgd: bool | None,
                    continuous: bool, thresholds: Thresholds) -> Ploidy:
    """The baseline ploidy of a sample (module docstring): ``given`` (with ``given_source``: "command line",
    "sample sheet") first; for ChAS inputs (``continuous=False``) the average copy number ``avg_cn`` when
    ``wgd`` and ``avg_cn ≥ ploidy_baseline_min_avg_cn``; else 2."""
    if given is not None:
        return Ploidy(float(given), given_source or "given", wgd)
    if continuous:
        return Ploidy(DIPLOID, "default (log2 ratios are relative to the tumour's own mean)", wgd)
    if avg_cn is None or avg_cn != avg_cn:
        return Ploidy(DIPLOID, "default (average copy number not measured)", wgd)
    floor = thresholds.ploidy_baseline_min_avg_cn
    if wgd and avg_cn >= floor:
        return Ploidy(round(float(avg_cn), 2), f"inferred: average copy number {avg_cn:.2f} with whole-genome "
                                               f"doubling (baseline when ≥ {floor:g})", True)
    why = "" if not wgd else f" < {floor:g}"
    return Ploidy(DIPLOID, f"diploid default; average copy number {avg_cn:.2f}{why}", wgd)
