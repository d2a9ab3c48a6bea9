"""Sample QC verdict: array noise (MAPD), segmentation sanity, sequencing depth. A failed QC makes the
sample non-contributory (the thesis' word), with the reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..thresholds import Thresholds

#: (check name, qc measure, passes(value, thresholds), reason when failing)
CHECKS: list[tuple[str, str, Callable[[float, Thresholds], bool], Callable[[float, Thresholds], str]]] = [
    ("mapd", "mapd", lambda v, t: v <= t.qc_max_mapd,
     lambda v, t: f"MAPD {v:.3f} > {t.qc_max_mapd} (probe-level noise too high)"),
    ("segmentation", "segments", lambda v, t: v <= t.qc_max_segments,
     lambda v, t: f"{v:g} copy-number segments > {t.qc_max_segments} (hyper-segmented profile)"),
    ("sequencing_depth", "vcf_median_depth", lambda v, t: v >= t.qc_min_median_depth,
     lambda v, t: f"median sequencing depth {v:g} < {t.qc_min_median_depth}"),
]


def qc_verdict(qc: dict[str, Any], thresholds: Thresholds) -> dict[str, Any]:
    """``{"verdict": "pass"|"fail", "reasons": [...], "checks": {...}}`` from a result's ``qc`` measures.

    Checks that cannot be made (no probe data, no VCF) are reported as ``"not_assessed"``, never as passed.
    """
    reasons: list[str] = []
    checks: dict[str, str] = {}
    for name, measure, passes, reason in CHECKS:
        value = qc.get(measure)
        if value is None:
            checks[name] = "not_assessed"
        elif passes(value, thresholds):
            checks[name] = "pass"
        else:
            checks[name] = "fail"
            reasons.append(reason(value, thresholds))
    return {"verdict": "fail" if reasons else "pass", "reasons": reasons, "checks": checks}
