"""The QC, identity and tumour-content part of one sample's result, assembled from what its folder holds.

:func:`assess` gathers each assay's QC measures — copy number: a ChAS/APT QC table row, QC keys of the export's (or
probe export's) ``#`` header, the MAPD lmsgen computes from a probe-level export, the segment count; variants: the
VCF's median depth and a Torrent Suite coverageAnalysis report; fusions: Archer's RNA QC metric from its read
statistics or the fusion output itself — judges them (:mod:`lms_genomics.calling.qc`), and draws what follows:

* a failed copy-number assay makes the profile class ``non_contributory`` (the measured class stays in
  ``profile.measured_class``) and its gene calls are not used for the biallelic status;
* below the ndSNPQC floor, LOH-based second hits are only 'probable';
* a failed Archer RNA QC turns "no fusion" into ``"not_assessable"``; a called fusion stays, with a QC warning;
* the tumour content the profile rests on (sample sheet or command-line purity, TuScan cellularity, or the VAF of
  a somatic variant), so that a flat profile says whether tumour DNA was established;
* identity warnings when the files' sample names disagree (:mod:`lms_genomics.identity`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._lazy import pandas as pd
from .calling.qc import copy_number_qc, fusions_qc, sample_verdict, variants_qc
from .errors import LmsgenError
from .identity import identity_warnings
from .thresholds import Thresholds

#: VCF sample-column names that designate no one (caller defaults, Strelka's columns).
GENERIC_SAMPLE_NAMES = {"none", "na", "unknown", "sample", "sample1", "tumor", "tumour", "normal", "tumor_sample",
                        "sm", "default"}
#: Copy-number measures a QC source can give, in the order shown.
CN_MEASURES = ("mapd", "nd_snp_qc", "snp_qc", "nd_waviness_sd", "waviness_sd", "tuscan_cellularity", "tuscan_ploidy",
               "gender")


@dataclass
class Assessment:
    """What :func:`assess` concluded: the ``qc`` keys to add, the fusions (possibly ``"not_assessable"``), the keys
    to add to ``profile`` (class override, measured class, tumour content), warnings, input records of the QC files,
    and what the biallelic status must know (copy number failed; LOH caution)."""

    qc: dict[str, Any]
    fusions: Any
    profile_extra: dict[str, Any]
    warnings: list[str] = field(default_factory=list)
    input_records: list[dict[str, Any]] = field(default_factory=list)
    copy_number_failed: bool = False
    loh_caution: str | None = None


def _named(name: str | None) -> str | None:
    if name is None or not str(name).strip() or str(name).strip().lower() in GENERIC_SAMPLE_NAMES:
        return None
    return str(name).strip()


def _probe_sample(path: Path) -> str | None:
    """The sample a ChAS probe export names in its column headers (``Log2Ratio (1-RV.OSCHP)``), else None."""
    from .io.probes import _SAMPLE_IN_HEADER
    from .io.text import head_of

    try:
        header = head_of(path).header()
    except OSError:
        return None
    for column in header[3:]:
        m = _SAMPLE_IN_HEADER.search(column)
        if m and m.group(1).strip():
            return m.group(1).strip()
    return None


_ARRAY_TYPE = re.compile(r"#%?\s*affymetrix-array-type\s*=\s*([^\s\t]+)", re.IGNORECASE)
_CHP_SUFFIX = re.compile(r"\.(OSCHP|CYCHP|CNCHP)\b", re.IGNORECASE)
_ARRAY_NAMES = (("oncoscan", "OncoScan"), ("cytoscan", "CytoScan"), ("genomewidesnp", "Genome-Wide SNP 6.0"),
                ("oschp", "OncoScan"), ("cychp", "CytoScan"), ("cnchp", "Genome-Wide SNP 6.0"))


def array_of(path: str | Path) -> str | None:
    """The Affymetrix array a ChAS/APT file comes from — its ``#%affymetrix-array-type`` header, else the CHP
    suffix of the sample names (``.OSCHP`` OncoScan, ``.CYCHP`` CytoScan) — or None when it does not say."""
    from .io.text import head_of

    try:
        text = head_of(path).text[:65536]
    except (OSError, LmsgenError):
        return None
    m = _ARRAY_TYPE.search(text)
    raw = m.group(1) if m else None
    if raw is None:
        m2 = _CHP_SUFFIX.search(text)
        raw = m2.group(1) if m2 else None
    if raw is None:
        return None
    key = raw.lower().replace("_", "").replace("-", "")
    return next((name for k, name in _ARRAY_NAMES if k in key), raw)


def array_conflict(copy_number_file: str | Path | None, other: str | Path, what: str) -> str | None:
    """A warning when ``other`` (a probe-level export, an array QC table) comes from another array than the
    copy-number export: its values must not judge this array (an OncoScan export beside a CytoScan probe
    export). None when both are the same array or either does not say."""
    if copy_number_file is None:
        return None
    mine, theirs = array_of(copy_number_file), array_of(other)
    if mine is None or theirs is None or mine == theirs:
        return None
    return (f"{Path(other).name}: a {theirs} {what}, but the copy-number export {Path(copy_number_file).name} is "
            f"{mine}: another array's data, not used (no QC value or plot taken from it)")


def _record(report: Any, sample_in_file: str | None) -> dict[str, Any]:
    rec = {"path": str(report.path), "sha256": report.sha256, "format": report.format, "role": "qc"}
    if sample_in_file is not None:
        rec["sample_in_file"] = sample_in_file
    return rec


def _from_report(report: Any, sample: str, what: str, warnings: list[str]) -> tuple[dict[str, Any], str | None, bool]:
    """(measures, name in the file, used) of ``sample`` in a QC report; a warning when it has no row for it."""
    if report is None:
        return {}, None, False
    found = report.for_sample(sample)
    if found is None:
        names = ", ".join(str(n) for n in report.samples[:5])
        warnings.append(f"{Path(report.path).name}: the {what} has no row for sample {sample!r} (it lists {names}): "
                        f"its QC values are not used")
        return {}, None, False
    warnings += report.warnings
    return found[1], found[0], True


def _qc_file(report: Any, sample: str, what: str, warnings: list[str], records: list[dict[str, Any]],
             names: list[tuple[str, str | None]]) -> tuple[dict[str, Any], bool]:
    """(measures, used) of ``sample`` in a QC file; when used, its input record and the name it gives the sample
    (for the identity check) are added."""
    measures, name, used = _from_report(report, sample, what, warnings)
    if used:
        records.append(_record(report, name))
        names.append((f"the {what} {Path(report.path).name}", _named(name)))
    return measures, used


def _copy_number_measures(cns: Any, part_qc: dict[str, Any], probes: Any, report: Any, sample: str,
                          warnings: list[str]) -> tuple[dict[str, Any], dict[str, str], str | None, bool]:
    """(measures, source of each, name in the QC table, table used)."""
    from .io.apt_qc import header_measures

    measures: dict[str, Any] = {}
    sources: dict[str, str] = {}
    table, table_name, used = _from_report(report, sample, "QC table", warnings)
    for key in CN_MEASURES:
        if key in table:
            measures[key] = table[key]
            sources[key] = f"QC table {Path(report.path).name}"
    headers = []
    if cns is not None and cns.source_format == "chas_segments":
        headers.append((cns.source, "ChAS export header"))
    if probes is not None:
        headers.append((probes[0], "probe-level export header"))
    for path, label in headers:
        for key, value in header_measures(path).items():
            if key not in measures:
                measures[key] = value
                sources[key] = f"{label} ({Path(path).name})"
    probe_mapd = round(float(probes[2]), 4) if probes is not None else float("nan")
    if probes is not None and probe_mapd != probe_mapd and "mapd" not in measures:
        sources["mapd_not_measured"] = (f"the probe-level export {Path(probes[0]).name} has fewer than two probes "
                                        f"with a log2 ratio")
    if used and "mapd" not in measures:
        sources.setdefault("mapd_not_measured", f"the QC table {Path(report.path).name} gives no MAPD for this "
                                                f"sample (empty or NA)")
    if probe_mapd == probe_mapd:  # NaN: too few probes to measure it
        if "mapd" not in measures:
            measures["mapd"] = probe_mapd
            sources["mapd"] = f"computed by lmsgen from the probe-level export ({Path(probes[0]).name})"
        elif abs(measures["mapd"] - probe_mapd) > 0.05:
            measures["mapd_probes"] = probe_mapd
            warnings.append(f"MAPD {measures['mapd']:g} ({sources['mapd']}) differs from the MAPD lmsgen computes from "
                            f"the probe-level export ({probe_mapd:g}); the QC uses the former")
    if part_qc.get("segments") is not None:
        measures["segments"] = part_qc["segments"]
    return measures, sources, table_name, used


def _tumour_content(purity: float | None, purity_source: str | None, cn_measures: dict[str, Any],
                    variant_table: pd.DataFrame | None, variants_ok: bool) -> dict[str, Any]:
    """The tumour content the copy-number result rests on, with its source (first of: purity given by the user,
    TuScan cellularity, the highest VAF of a reportable damaging variant that is not a polymorphism, a germline hint
    or a possible FFPE artefact)."""
    estimates = []
    if purity is not None:
        estimates.append({"value": round(float(purity), 4), "source": purity_source or "sample sheet",
                          "text": f"tumour content {100 * purity:.0f} % ({purity_source or 'sample sheet'})"})
    cell = cn_measures.get("tuscan_cellularity")
    if isinstance(cell, float):
        estimates.append({"value": round(cell, 4), "source": "TuScan cellularity",
                          "text": f"tumour content {100 * cell:.0f} % (TuScan cellularity)"})
    if variant_table is not None and variants_ok and len(variant_table):
        vt = variant_table
        somatic = vt["reportable"].astype(bool)
        if "classification" in vt:  # a damaging allele: a benign or unclassified one may be germline
            somatic &= vt["classification"].astype(str) == "damaging"
        elif "damaging" in vt:
            somatic &= vt["damaging"].fillna(False).astype(bool)
        for col in ("polymorphism", "ffpe_artefact"):
            if col in vt:
                somatic &= ~vt[col].fillna(False).astype(bool)
        if "germline_hint" in vt:
            somatic &= vt["germline_hint"].map(lambda h: not h or (isinstance(h, float) and h != h))
        vafs = pd.to_numeric(vt.loc[somatic, "vaf"], errors="coerce").dropna()
        if len(vafs):
            best = vt.loc[vafs.idxmax()]
            vaf = float(vafs.max())
            label = " ".join(str(x) for x in (best.get("gene"), best.get("hgvs_p") or best.get("hgvs_c")) if x)
            estimates.append({"value": round(min(1.0, 2 * vaf), 4), "lower_bound": round(vaf, 4),
                              "source": "somatic variant VAF",
                              "text": f"tumour DNA present: {label} at VAF {100 * vaf:.0f} % (tumour content at "
                                      f"least {100 * vaf:.0f} %, about {min(100.0, 200 * vaf):.0f} % if heterozygous "
                                      f"and clonal)"})
    if not estimates:
        return {"established": False, "value": None, "source": None,
                "text": "tumour content not established (no purity in the sample sheet, no TuScan cellularity, no "
                        "somatic variant)"}
    first = estimates[0]
    return {"established": True, **first, "other_estimates": estimates[1:]}


def assess(*, sample: str, cns: Any, part_qc: dict[str, Any], probes: Any, qc_reports: dict[str, Any],
           vcf: Any, variant_table: pd.DataFrame | None, archer: Any, fusions: Any, profile: Any,
           purity: float | None, purity_source: str | None, folder_name: str | None,
           thresholds: Thresholds) -> Assessment:
    """QC per assay, the sample's verdict, their consequences, tumour content and identity (see the module doc).

    ``part_qc``: the flat QC measures already computed (segments, VCF median depth...); ``probes``: (path, sha256,
    MAPD, reader) of a probe-level export or None; ``qc_reports``: role → :class:`~lms_genomics.io.qc_tables.QcReport`
    (``copy_number_qc``, ``variants_qc``, ``fusions_qc``); ``fusions``: the reported fusion list of
    :func:`~lms_genomics.calling.fusions.report_fusions` or ``"not_assessed"``.
    """
    t = thresholds
    warnings: list[str] = []
    records: list[dict[str, Any]] = []
    blocks: dict[str, dict[str, Any] | None] = {}
    checks: dict[str, str] = {}
    names: list[tuple[str, str | None]] = []
    if cns is not None and cns.sample != folder_name:  # equal: named by the file, or the folder's default name
        what = "the ChAS export (File column)" if cns.source_format == "chas_segments" else "the copy-number file"
        names.append((what, cns.sample))

    # --- copy number
    cn_report = qc_reports.get("copy_number_qc")
    cn_measures, sources, cn_qc_name, cn_used = _copy_number_measures(cns, part_qc, probes, cn_report, sample,
                                                                      warnings)
    if cn_used:
        records.append(_record(cn_report, cn_qc_name))
        names.append((f"the QC table {Path(cn_report.path).name}", cn_qc_name))
    if probes is not None and cns is not None:
        names.append((f"the probe-level export {Path(probes[0]).name}", _probe_sample(probes[0])))
    loh_caution = None
    if cns is not None:
        block, cn_checks = copy_number_qc(cn_measures, t, sources=sources)
        blocks["copy_number"] = block
        checks.update(cn_checks)
        if block.get("cautions") and cns.loh_assessed:
            loh_caution = block["cautions"][0]
    else:
        blocks["copy_number"] = None
        checks.update({"mapd": "not_assessed", "snp_qc": "not_assessed", "segmentation": "not_assessed"})
        if cn_used:
            warnings.append(f"{Path(cn_report.path).name}: an array QC table but no copy-number input")

    # --- variants
    cov_report = qc_reports.get("variants_qc")
    cov, cov_used = _qc_file(cov_report, sample, "coverageAnalysis report", warnings, records, names)
    if vcf is not None:
        names.append(("the VCF sample column", _named(vcf.sample)))
        measures: dict[str, Any] = {"median_depth": part_qc.get("vcf_median_depth"),
                                    "records": part_qc.get("variant_records"),
                                    "reportable": part_qc.get("variants_reportable")}
        measures.update({f"coverage_{k}": v for k, v in cov.items()})
        block, v_checks = variants_qc({k: v for k, v in measures.items() if v is not None}, t)
        blocks["variants"] = block
        checks.update(v_checks)
    else:
        blocks["variants"] = None
        checks.update({"sequencing_depth": "not_assessed", "coverage_depth": "not_assessed"})
        if cov_used:
            warnings.append(f"{Path(cov_report.path).name}: a coverageAnalysis report but no VCF")

    # --- fusions
    rs_report = qc_reports.get("fusions_qc")
    rs, rs_used = _qc_file(rs_report, sample, "Archer read statistics", warnings, records, names)
    out_fusions = fusions
    if archer is not None:
        names.append(("the Archer output", _named(archer.sample)))
        measures = dict(rs)
        if "rna_control_start_sites" not in measures and archer.rna_control_start_sites is not None:
            measures["rna_control_start_sites"] = archer.rna_control_start_sites
        reported = [f for f in fusions if f.get("reported")] if isinstance(fusions, list) else []
        measures["fusions_reported"] = len(reported)
        measures["candidates_below_thresholds"] = (len(fusions) - len(reported)) if isinstance(fusions, list) else 0
        block, f_checks = fusions_qc(measures, t)
        blocks["fusions"] = block
        checks.update(f_checks)
        if block["verdict"] == "fail":
            why = block["reasons"][0]
            if reported:
                block["positive_despite_failure"] = True
                for f in reported:
                    f["qc_warning"] = f"Archer RNA QC failed: {why}; the fusion is reported, a negative would not be"
                warnings.append(f"fusion(s) {', '.join(f['fusion'] for f in reported)} reported although Archer's "
                                f"RNA QC failed: {why}; a detected fusion stands, absent ones are not excluded")
            else:
                out_fusions = "not_assessable"
                warnings.append(f"fusions not assessable: Archer's RNA QC failed: {why}; 'no fusion detected' "
                                f"cannot be concluded")
    else:
        blocks["fusions"] = None
        checks["rna_qc"] = "not_assessed"
        if rs_used:
            warnings.append(f"{Path(rs_report.path).name}: Archer read statistics but no fusion output")

    # --- the sample
    overall = sample_verdict(blocks)
    qc: dict[str, Any] = {}
    words = {"copy_number": "no ChAS export or log2 segments", "variants": "no VCF",
             "fusions": "no Archer output"}
    for assay, block in blocks.items():
        qc[assay] = block if block is not None else {"verdict": "not_assessed", "reasons": [f"not read: "
                                                                                           f"{words[assay]}"],
                                                     "measures": {}, "read": False}
        if block is not None:
            block["read"] = True
    if "mapd" in cn_measures:
        qc["mapd"] = cn_measures["mapd"]
        qc["mapd_source"] = sources.get("mapd")
    elif probes is not None:
        qc["mapd"] = None  # the probe export has too few probes to measure it
    qc.update({"verdict": overall["verdict"], "reasons": overall["reasons"], "checks": checks,
               "non_contributory": overall["non_contributory"],
               "contributory_assays": overall["contributory_assays"]})

    # --- profile: non-contributory class, tumour content
    extra: dict[str, Any] = {}
    cn_failed = blocks["copy_number"] is not None and blocks["copy_number"]["verdict"] == "fail"
    if profile is not None:
        variants_ok = blocks["variants"] is not None and blocks["variants"]["verdict"] != "fail"
        tc = _tumour_content(purity, purity_source, cn_measures, variant_table, variants_ok)
        extra["tumour_content"] = tc
        measured = profile.profile_class
        if cn_failed:
            extra["class"] = "non_contributory"
            extra["measured_class"] = measured
            why = "; ".join(blocks["copy_number"]["reasons"])
            extra["class_statement"] = (f"non-contributory (copy-number QC failed: {why}); measured: {measured}, "
                                        f"shown for traceability only")
        elif measured == "flat":
            extra["class_statement"] = ("flat (tumour content not established)" if not tc["established"]
                                        else f"flat ({tc['text']})")
            if not tc["established"]:
                warnings.append("flat profile of unknown tumour content: without tumour DNA a normal sample is flat "
                                "too (give the purity in the sample sheet)")
        else:
            extra["class_statement"] = measured
    if blocks["variants"] is not None and blocks["variants"]["verdict"] == "fail" and profile is not None \
            and not cn_failed:
        warnings.append("variant QC failed (" + "; ".join(blocks["variants"]["reasons"]) + "): the copy-number "
                        "profile stands, a negative variant result does not")
    if cn_failed and vcf is not None:
        warnings.append("copy-number QC failed: the variants are still reported (their own QC is "
                        f"{blocks['variants']['verdict'].replace('_', ' ')}); copy-number hits are not used for the "
                        "biallelic status")

    # --- identity
    if folder_name is not None:
        names.append(("the folder", folder_name))
    warnings += identity_warnings(names)
    return Assessment(qc, out_fusions, extra, warnings, records, cn_failed, loh_caution)
