"""QC per assay — copy number, variants, fusions — and the sample's verdict. A pass means something was measured
and met its threshold; what could not be measured is ``not_assessed``, never passed.

Each assay gets a block ``{"verdict": "pass"|"fail"|"not_assessed", "reasons": [...], "measures": {...}}``
(``cautions`` too when a measure limits part of the assay without failing it):

* **copy number** — fails when MAPD > ``qc_max_mapd`` (from a ChAS/APT QC table or the export's header, else
  computed from a probe-level export) or when the profile has more than ``qc_max_segments`` segments
  (hyper-segmented); passes when MAPD was measured and passed; otherwise not assessed (a segment count alone
  does not establish the array's quality). ndSNPQC (else SNPQC) below ``qc_min_snp_qc`` does not fail it — copy
  number rests on log2 ratios — but LOH rests on the allele signal: a caution, and LOH-based second hits are only
  'probable' (:mod:`lms_genomics.calling.biallelic`).
* **variants** — fails when the VCF's median depth, or a coverageAnalysis report's mean base depth, is below
  ``qc_min_median_depth``; passes when a depth was measured and none failed. The block states the depth and the
  limit of detection a negative result holds for (``min alt reads / median depth``, never below the VAF floor).
* **fusions** — Archer's RNA QC metric (average unique RNA start sites per GSP2 control) below
  ``qc_min_rna_control_start_sites`` fails; a missing metric is not assessed (not a pass).

The sample's verdict (``qc.verdict``) is ``fail`` when the sample is **non-contributory**: its copy-number assay
failed, or every assay that was read failed; ``pass`` when it is not and some assay passed; ``not_assessed``
otherwise (nothing could be judged). A failed assay makes only its own part non-contributory: variants stay
reported when the array fails, the profile stays when the VCF is shallow. ``qc.reasons`` lists every failure,
prefixed by its assay (and, when the verdict is ``not_assessed``, why nothing could be judged); ``qc.checks`` the
state of each single check.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..thresholds import Thresholds

ASSAYS = ("copy_number", "variants", "fusions")
ASSAY_WORDS = {"copy_number": "copy number", "variants": "variants", "fusions": "fusions"}
VERDICTS = ("pass", "fail", "not_assessed")

#: (check name, qc measure, passes(value, thresholds), reason when failing) of the flat ``qc`` measures: the
#: checks of earlier lmsgen versions, kept for :func:`qc_verdict`.
CHECKS: list[tuple[str, str, Callable[[float, Thresholds], bool], Callable[[float, Thresholds], str]]] = [
    ("mapd", "mapd", lambda v, t: v <= t.qc_max_mapd,
     lambda v, t: f"MAPD {v:.3f} > {t.qc_max_mapd} (probe-level noise too high)"),
    ("segmentation", "segments", lambda v, t: v <= t.qc_max_segments,
     lambda v, t: f"{v:g} copy-number segments > {t.qc_max_segments} (hyper-segmented profile)"),
    ("sequencing_depth", "vcf_median_depth", lambda v, t: v >= t.qc_min_median_depth,
     lambda v, t: f"median sequencing depth {v:g} < {t.qc_min_median_depth}"),
]


def qc_verdict(qc: dict[str, Any], thresholds: Thresholds) -> dict[str, Any]:
    """``{"verdict": "pass"|"fail"|"not_assessed", "reasons": [...], "checks": {...}}`` from flat ``qc`` measures
    (``mapd``, ``segments``, ``vcf_median_depth``): ``fail`` when a check fails, ``pass`` when one was made and
    passed, ``not_assessed`` when none could be made. Checks that cannot be made are ``"not_assessed"``."""
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
    verdict = "fail" if reasons else ("pass" if "pass" in checks.values() else "not_assessed")
    return {"verdict": verdict, "reasons": reasons, "checks": checks}


def _judge(checks: dict[str, str], name: str, value: float | None, passes: bool, failure: str,
           sink: list[str]) -> None:
    """Record one check: ``not_assessed`` without a value, else pass, or fail with ``failure`` added to ``sink``."""
    if value is None:
        return
    checks[name] = "pass" if passes else "fail"
    if not passes:
        sink.append(failure)


def _block(verdict: str, reasons: list[str], measures: dict[str, Any], cautions: list[str] | None = None,
           **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"verdict": verdict, "reasons": reasons, "measures": measures}
    if cautions:
        out["cautions"] = cautions
    out.update(extra)
    return out


def copy_number_qc(measures: dict[str, Any], thresholds: Thresholds, *, sources: dict[str, str] | None = None
                   ) -> tuple[dict[str, Any], dict[str, str]]:
    """(block, checks) of the copy-number assay from its measures: ``mapd``, ``nd_snp_qc``/``snp_qc``,
    ``segments``, and, shown but not judged, ``nd_waviness_sd``/``waviness_sd``, ``tuscan_cellularity``,
    ``tuscan_ploidy``, ``gender``. ``sources``: where each measure came from (shown in ``measure_sources``)."""
    t = thresholds
    reasons: list[str] = []
    cautions: list[str] = []
    checks = {"mapd": "not_assessed", "snp_qc": "not_assessed", "segmentation": "not_assessed"}
    mapd = measures.get("mapd")
    _judge(checks, "mapd", mapd, mapd is not None and mapd <= t.qc_max_mapd,
           f"MAPD {mapd or 0:.3f} > {t.qc_max_mapd} (array noise too high)", reasons)
    snp_name = "ndSNPQC" if measures.get("nd_snp_qc") is not None else "SNPQC"
    snp = measures.get("nd_snp_qc", measures.get("snp_qc"))
    _judge(checks, "snp_qc", snp, snp is not None and snp >= t.qc_min_snp_qc,
           f"{snp_name} {snp or 0:g} < {t.qc_min_snp_qc:g}: the allele (SNP) signal is weak, LOH calls are less "
           f"reliable and LOH-based second hits are only 'probable'", cautions)
    segments = measures.get("segments")
    _judge(checks, "segmentation", segments, segments is not None and segments <= t.qc_max_segments,
           f"{segments or 0:g} copy-number segments > {t.qc_max_segments} (hyper-segmented profile)", reasons)
    if reasons:
        verdict = "fail"
    elif checks["mapd"] == "pass":
        verdict = "pass"
    else:
        verdict = "not_assessed"
        why = (sources or {}).get("mapd_not_measured") or "no ChAS/APT QC table, QC header or probe-level export"
        reasons.append(f"MAPD not measured: {why}")
    sources = {k: v for k, v in (sources or {}).items() if k != "mapd_not_measured"}
    return _block(verdict, reasons, dict(measures), cautions,
                  **({"measure_sources": dict(sources)} if sources else {})), checks


def limit_of_detection(median_depth: float | None, thresholds: Thresholds) -> float | None:
    """The lowest allele fraction a reportable variant can have at ``median_depth``: the larger of the VAF floor
    and min-alt-reads / depth (None without a depth)."""
    if not median_depth:
        return None
    alt = thresholds.variant_ffpe_min_alt_reads if thresholds.variant_ffpe else thresholds.variant_min_alt_reads
    return max(thresholds.variant_min_vaf, alt / median_depth)


def variants_qc(measures: dict[str, Any], thresholds: Thresholds) -> tuple[dict[str, Any], dict[str, str]]:
    """(block, checks) of the variant assay: ``median_depth`` (over the VCF's records), ``coverage_mean_depth``
    (coverageAnalysis), counts; the block also gives ``limit_of_detection`` and a ``statement`` of what a
    negative result holds for."""
    t = thresholds
    reasons: list[str] = []
    checks = {"sequencing_depth": "not_assessed", "coverage_depth": "not_assessed"}
    m = dict(measures)
    depth = m.get("median_depth")
    _judge(checks, "sequencing_depth", depth, depth is not None and depth >= t.qc_min_median_depth,
           f"median sequencing depth {depth or 0:g} < {t.qc_min_median_depth}", reasons)
    cov = m.get("coverage_mean_depth")
    _judge(checks, "coverage_depth", cov, cov is not None and cov >= t.qc_min_median_depth,
           f"mean base coverage depth {cov or 0:g} < {t.qc_min_median_depth} (coverageAnalysis)", reasons)
    alt = t.variant_ffpe_min_alt_reads if t.variant_ffpe else t.variant_min_alt_reads
    basis = depth if depth is not None else cov
    lod = limit_of_detection(basis, t)
    m["min_alt_reads"] = alt
    m["vaf_floor"] = t.variant_min_vaf
    m["limit_of_detection"] = round(lod, 4) if lod is not None else None
    if reasons:
        verdict = "fail"
    elif "pass" in checks.values():
        verdict = "pass"
    else:
        verdict = "not_assessed"
        reasons.append("no read depth in the VCF and no coverageAnalysis report: the depth reached is unknown")
    if basis is None:
        statement = "a negative result holds for an unknown depth (no depth measured)"
    else:
        which = "median depth" if depth is not None else "mean base coverage depth"
        statement = (f"a negative result holds at {which} {basis:,.0f}: variants below {100 * lod:.1f} % VAF "
                     f"({alt} alt reads at that depth, VAF floor {100 * t.variant_min_vaf:g} %) are not detected")
    return _block(verdict, reasons, m, statement=statement), checks


def fusions_qc(measures: dict[str, Any], thresholds: Thresholds) -> tuple[dict[str, Any], dict[str, str]]:
    """(block, checks) of the fusion assay from Archer's RNA QC metric ``rna_control_start_sites`` (average unique
    RNA start sites per GSP2 control) and other read statistics."""
    t = thresholds
    metric = measures.get("rna_control_start_sites")
    checks = {"rna_qc": "not_assessed"}
    if metric is None:
        return _block("not_assessed", ["no Archer RNA QC metric (average unique RNA start sites per GSP2 "
                                       "control): a negative is not established"], dict(measures)), checks
    if metric >= t.qc_min_rna_control_start_sites:
        checks["rna_qc"] = "pass"
        return _block("pass", [], dict(measures)), checks
    checks["rna_qc"] = "fail"
    return _block("fail", [f"average unique RNA start sites per GSP2 control {metric:g} < "
                           f"{t.qc_min_rna_control_start_sites:g} (too little usable RNA)"], dict(measures)), checks


def sample_verdict(blocks: dict[str, dict[str, Any] | None]) -> dict[str, Any]:
    """The sample's verdict from its assay blocks (None: the assay was not read): ``verdict``, ``reasons``
    (failures prefixed by assay; when nothing could be judged, why), ``non_contributory`` and
    ``contributory_assays`` (read and not failed, or failed but with a positive finding it reported:
    ``positive_despite_failure``)."""
    read = {a: b for a, b in blocks.items() if b is not None}
    failed = [a for a, b in read.items() if b["verdict"] == "fail"]
    # a failed assay still contributes the positives it reported (a fusion called despite a failed RNA QC)
    contributory = [a for a in ASSAYS if a in read and (a not in failed or read[a].get("positive_despite_failure"))]
    non_contributory = "copy_number" in failed or (bool(read) and not contributory)
    reasons = [f"{ASSAY_WORDS[a]}: {r}" for a in ASSAYS if a in failed for r in read[a]["reasons"]]
    if non_contributory:
        verdict = "fail"
    elif any(b["verdict"] == "pass" for b in read.values()):
        verdict = "pass"
    else:
        verdict = "not_assessed"
        reasons += [f"{ASSAY_WORDS[a]}: {r}" for a in ASSAYS if a in read and read[a]["verdict"] == "not_assessed"
                    for r in read[a]["reasons"]]
    return {"verdict": verdict, "reasons": reasons, "non_contributory": non_contributory,
            "contributory_assays": contributory}


def assay_verdicts(doc: dict[str, Any]) -> dict[str, str]:
    """``{"qc_copy_number": ..., "qc_variants": ..., "qc_fusions": ...}`` of a result document: each assay's QC
    verdict, ``""`` when the assay was not read. Results of earlier versions (no per-assay blocks) are judged from
    their ``qc.checks``. Used for cohort.tsv and the cohort counts of contributory assays."""
    qc = doc.get("qc") or {}
    checks = qc.get("checks") or {}
    read = {"copy_number": isinstance(doc.get("profile"), dict),
            "variants": isinstance(doc.get("variants"), list),
            "fusions": isinstance(doc.get("fusions"), list) or doc.get("fusions") == "not_assessable"}
    # earlier versions: (checks that fail the assay, checks whose pass passes it)
    legacy = {"copy_number": (("mapd", "segmentation"), ("mapd",)),
              "variants": (("sequencing_depth",), ("sequencing_depth",)), "fusions": ((), ())}
    out = {}
    for assay in ASSAYS:
        block = qc.get(assay)
        if not read[assay]:
            value = ""
        elif isinstance(block, dict):
            value = str(block.get("verdict", "not_assessed"))
        elif assay == "fusions" and doc.get("fusions") == "not_assessable":
            value = "fail"
        else:
            fails, passes = legacy[assay]
            value = ("fail" if any(checks.get(c) == "fail" for c in fails)
                     else "pass" if any(checks.get(c) == "pass" for c in passes) else "not_assessed")
        out[f"qc_{assay}"] = value
    return out
