"""Sample QC verdict: array noise (MAPD), segmentation sanity, sequencing depth. A failed QC makes the
sample non-contributory (the thesis' word), with the reasons."""

from __future__ import annotations

from typing import Any

from ..thresholds import Thresholds


def qc_verdict(qc: dict[str, Any], thresholds: Thresholds) -> dict[str, Any]:
    """``{"verdict": "pass"|"fail", "reasons": [...], "checks": {...}}`` from a result's ``qc`` measures.

    Checks that cannot be made (no probe data, no VCF) are reported as ``"not_assessed"``, never as passed.
    """
    reasons: list[str] = []
    checks: dict[str, Any] = {}
    mapd = qc.get("mapd")
    if mapd is None:
        checks["mapd"] = "not_assessed"
    else:
        ok = mapd <= thresholds.qc_max_mapd
        checks["mapd"] = "pass" if ok else "fail"
        if not ok:
            reasons.append(f"MAPD {mapd:.3f} > {thresholds.qc_max_mapd} (probe-level noise too high)")
    segs = qc.get("segments")
    if segs is None:
        checks["segmentation"] = "not_assessed"
    else:
        ok = segs <= thresholds.qc_max_segments
        checks["segmentation"] = "pass" if ok else "fail"
        if not ok:
            reasons.append(f"{segs} copy-number segments > {thresholds.qc_max_segments} (hyper-segmented profile)")
    depth = qc.get("vcf_median_depth")
    if depth is None:
        checks["sequencing_depth"] = "not_assessed"
    else:
        ok = depth >= thresholds.qc_min_median_depth
        checks["sequencing_depth"] = "pass" if ok else "fail"
        if not ok:
            reasons.append(f"median sequencing depth {depth:g} < {thresholds.qc_min_median_depth}")
    return {"verdict": "fail" if reasons else "pass", "reasons": reasons, "checks": checks}
