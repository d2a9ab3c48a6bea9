"""Orchestration: a sample folder (or file) → readers → calls → :class:`SampleResult`.

Inputs are found by content. Copy number comes from one ChAS segment export (absolute CN states, only
aberrant segments listed) or one log2 segment file (.seg/.cns, every segment listed; copy number from
log2 with purity and ploidy). A sample sheet, when present, gives purity, ploidy and sex.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ._version import __version__
from .calling.arms import arm_level_events
from .calling.biallelic import biallelic_status
from .calling.genes import call_genes, gene_evidence
from .calling.log2 import check_purity_ploidy, log2_to_copy_number
from .calling.profile import clean_anomalies, compute_profile, in_profile_flags
from .calling.states import SEXES, segment_states
from .errors import InputError, NoInputError, UsageError
from .genome import BUILD, GeneReference, load_arms, load_genes, reference_path, sha256_file
from .io.chas import read_chas
from .io.detect import detect_file
from .io.samplesheet import SampleSheet, read_sample_sheet
from .io.seg import read_seg
from .result import SampleResult
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

#: File names lmsgen writes itself; never taken as inputs.
_OUTPUT_SUFFIXES = (".json", ".genes.tsv", ".seg.tsv", ".html", ".png", ".pdf", ".svg")
COPY_NUMBER_KINDS = ("chas_segments", "seg")


@dataclass
class SampleInputs:
    """The files found in a sample folder, by kind."""

    folder: Path
    files: dict[str, list[Path]]
    ignored: list[Path]


@dataclass
class CopyNumberSample:
    """One sample's copy-number segments, normalised, with how they were obtained."""

    sample: str
    segments: pd.DataFrame
    source: Path
    source_sha256: str
    source_format: str
    coordinate_convention: str
    continuous: bool  # log2-derived copy numbers
    absent_is_neutral: bool  # the source lists only aberrant segments
    loh_assessed: bool
    copy_number_model: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def find_inputs(path: str | Path) -> SampleInputs:
    """Find the inputs of a sample: every regular file of the folder (not recursive), recognised by content.

    A single file may be given instead of a folder. Symbolic links that leave the folder are refused.
    """
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{p}: no such file or folder")
    if p.is_file():
        kind = detect_file(p)
        if kind is None:
            raise InputError(p, "not a format lmsgen reads (ChAS segment export or log2 .seg/.cns expected)")
        return SampleInputs(p.parent, {kind: [p]}, [])
    folder = p.resolve()
    files: dict[str, list[Path]] = {}
    ignored: list[Path] = []
    for entry in sorted(p.iterdir()):
        if entry.name.startswith(".") or entry.name.endswith(_OUTPUT_SUFFIXES) or not entry.is_file():
            continue
        real = entry.resolve()
        if folder not in real.parents:
            raise InputError(entry, "symbolic link pointing outside the sample folder; refused")
        kind = detect_file(entry)
        if kind is None:
            ignored.append(entry)
        else:
            files.setdefault(kind, []).append(entry)
    return SampleInputs(p, files, ignored)


def _copy_number_samples(cn_file: Path, kind: str, default_sample: str, *, sheet: SampleSheet | None,
                         purity: float | None, ploidy: float | None, check_build: bool) -> list[CopyNumberSample]:
    if kind == "chas_segments":
        export = read_chas(cn_file, default_sample=default_sample)
        out = []
        for s in export.samples:
            seg = export.segments[export.segments["sample"] == s].reset_index(drop=True)
            model = {"source": "ChAS CN State (absolute copy number, as exported)"}
            warnings = list(export.warnings)
            if purity is not None or ploidy is not None:
                warnings.append("purity/ploidy not applied: ChAS CN states are already absolute copy numbers")
            out.append(CopyNumberSample(s, seg, export.path, export.sha256, "chas_segments",
                                        export.coordinate_convention, continuous=False, absent_is_neutral=True,
                                        loh_assessed=export.has_loh_rows.get(s, False), copy_number_model=model,
                                        warnings=warnings))
        return out
    export = read_seg(cn_file, default_sample=default_sample, check_build=check_build)
    out = []
    for s in export.samples:
        seg = export.segments[export.segments["sample"] == s].reset_index(drop=True)
        info = sheet.lookup(s) if sheet is not None else None
        p = purity if purity is not None else (info.purity if info and info.purity is not None else None)
        pl = ploidy if ploidy is not None else (info.ploidy if info and info.ploidy is not None else None)
        src_p = "command line" if purity is not None else ("sample sheet" if p is not None else "default")
        src_pl = "command line" if ploidy is not None else ("sample sheet" if pl is not None else "default")
        p_used, pl_used = (p if p is not None else 1.0), (pl if pl is not None else 2.0)
        check_purity_ploidy(p_used, pl_used)
        seg["copy_number"] = log2_to_copy_number(seg["log2"], p_used, pl_used)
        model = {"source": "log2 ratio", "formula": "n = (2^r (pP + 2(1-p)) - 2(1-p)) / p",
                 "purity": p_used, "purity_from": src_p, "ploidy": pl_used, "ploidy_from": src_pl,
                 "chromosome_coding": export.chromosome_coding}
        out.append(CopyNumberSample(s, seg, export.path, export.sha256, export.format,
                                    export.coordinate_convention, continuous=True, absent_is_neutral=False,
                                    loh_assessed=False, copy_number_model=model, warnings=list(export.warnings)))
    return out


def _noise_floor(seg: pd.DataFrame, cns: CopyNumberSample, thresholds: Thresholds) -> pd.Series:
    """Log2 inputs: segments under the marker floor take no part in calls (they stay in the evidence)."""
    if not cns.continuous or thresholds.min_segment_markers <= 0:
        return pd.Series(False, index=seg.index)
    markers = pd.to_numeric(seg["markers"], errors="coerce")
    return (markers < thresholds.min_segment_markers).fillna(False).astype(bool)


def build_result(cns: CopyNumberSample, *, thresholds: Thresholds, genes: GeneReference, arms: pd.DataFrame,
                 arms_path: Path, sex: str | None, inputs: SampleInputs, sheet: SampleSheet | None,
                 extra_warnings: list[str] | None = None) -> SampleResult:
    """Calls, profile and arm-level events for one sample's copy-number segments."""
    seg = cns.segments.copy()
    seg["state"] = segment_states(seg, thresholds, sex=sex, continuous=cns.continuous)
    noise = _noise_floor(seg, cns, thresholds)
    used = seg[~noise].reset_index(drop=True)
    anomalies = clean_anomalies(used, thresholds, continuous=cns.continuous)
    seg["in_profile"] = in_profile_flags(seg, anomalies)
    seg.loc[noise, "in_profile"] = False
    seg["excluded_from_calls"] = noise
    used = seg[~noise].reset_index(drop=True)
    profile = compute_profile(anomalies, arms, thresholds, continuous=cns.continuous)
    calls = call_genes(genes.genes, used, arms, absent_is_neutral=cns.absent_is_neutral,
                       loh_assessed=cns.loh_assessed, sex=sex)
    evidence = gene_evidence(genes.genes, seg)
    arm_events = arm_level_events(used, arms, thresholds, loh_assessed=cns.loh_assessed)
    warnings = list(cns.warnings) + list(extra_warnings or [])
    if noise.any():
        noisy_genes = sorted(set(evidence.loc[evidence["segment_id"].isin(seg.loc[noise, "segment_id"]), "gene"]))
        warnings.append(f"{int(noise.sum())} segment(s) with fewer than {thresholds.min_segment_markers} markers "
                        f"left out of calls and profile" + (f" (they overlap {', '.join(noisy_genes)})"
                                                            if noisy_genes else ""))
    qc = {
        "segments": int((seg["kind"] == "cn").sum()),
        "loh_segments": int((seg["kind"] == "loh").sum()),
        "loh_assessed": cns.loh_assessed,
        "segments_below_marker_floor": int(noise.sum()),
        "aberrant_segments_below_profile_floor": int(((seg["in_profile"] == False) & ~noise).sum()),  # noqa: E712
        "coordinate_convention": cns.coordinate_convention,
        "probe_level_data": False,
    }
    provenance = {
        "lmsgen_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "reference_build": BUILD,
        "genes_bed": {"path": genes.path, "sha256": genes.sha256, "genes": int(len(genes.genes))},
        "arms": {"path": str(arms_path), "sha256": sha256_file(arms_path)},
        "thresholds": thresholds.as_dict(),
        "sex": sex or "unknown",
        "copy_number_model": cns.copy_number_model,
        "inputs": [{"path": str(cns.source), "sha256": cns.source_sha256, "format": cns.source_format,
                    "sample_in_file": cns.sample, "coordinate_convention": cns.coordinate_convention}],
        "sample_sheet": ({"path": str(sheet.path), "sha256": sha256_file(sheet.path)} if sheet is not None
                         else None),
        "ignored_files": [str(p) for p in inputs.ignored],
    }
    return SampleResult(
        sample=cns.sample, profile=profile, genes=calls, evidence=evidence, segments=seg, arm_level=arm_events,
        provenance=provenance, qc=qc, biallelic=biallelic_status(calls), warnings=warnings,
    )


def classify_all(path: str | Path, *, thresholds: Thresholds | None = None,
                 genes: str | Path | GeneReference | None = None, arms: str | Path | None = None,
                 sex: str | None = None, purity: float | None = None, ploidy: float | None = None,
                 sample_sheet: str | Path | None = None, check_build: bool = True) -> list[SampleResult]:
    """Classify every sample found at ``path`` (a sample folder, a ChAS export or a log2 segment file).

    One result per sample: a multi-sample export or ``.seg`` gives several. ``genes`` is a gene BED
    (default: the bundled hg19 reference), ``arms`` an arm/coverage table (default: bundled hg19 arms),
    ``sex`` ``"female"``/``"male"`` or None, ``purity`` (fraction, or percentage above 1) and ``ploidy`` apply
    to log2 inputs and override the sample sheet (``sample_sheet``, or ``sample.tsv``/``sample.toml`` in the
    folder). ``check_build=False`` drops segments beyond hg19 chromosome ends instead of stopping.
    Raises :class:`InputError`, :class:`NoInputError` or :class:`UsageError` with a one-line reason.
    """
    if sex is not None and sex not in SEXES:
        raise UsageError(f"sex must be one of {', '.join(SEXES)} (or unset), not {sex!r}")
    if purity is not None and purity > 1.0:
        purity = purity / 100.0
    thresholds = thresholds or DEFAULT_THRESHOLDS
    inputs = find_inputs(path)
    cn_files = [(k, f) for k in COPY_NUMBER_KINDS for f in inputs.files.get(k, [])]
    if not cn_files:
        found = ", ".join(f"{k}: {len(v)}" for k, v in inputs.files.items()) or "none"
        raise NoInputError(f"{path}: no copy-number input found (a ChAS segment export or a log2 .seg/.cns; "
                           f"recognised inputs: {found})")
    if len(cn_files) > 1:
        names = ", ".join(f.name for _, f in cn_files)
        raise InputError(inputs.folder, f"two or more copy-number files ({names}); keep one per sample folder "
                                        f"or pass the file itself")
    sheets = [Path(sample_sheet)] if sample_sheet is not None else inputs.files.get("sample_sheet", [])
    if len(sheets) > 1:
        raise InputError(inputs.folder, f"two sample sheets ({', '.join(s.name for s in sheets)}); keep one")
    folder_name = Path(path).name if Path(path).is_dir() else None
    kind, cn_file = cn_files[0]
    sheet = read_sample_sheet(sheets[0], default_sample=folder_name) if sheets else None
    gene_ref = genes if isinstance(genes, GeneReference) else load_genes(genes)
    arms_path = Path(arms) if arms is not None else reference_path("hg19_arms.bed")
    arm_table = load_arms(arms_path)
    samples = _copy_number_samples(cn_file, kind, folder_name or cn_file.stem, sheet=sheet, purity=purity,
                                   ploidy=ploidy, check_build=check_build)
    extra = []
    for other_kind, files in inputs.files.items():
        if other_kind not in (*COPY_NUMBER_KINDS, "sample_sheet"):
            extra.append(f"{', '.join(f.name for f in files)}: recognised as {other_kind}, not used by this "
                         f"version of classify")
    results = []
    for cns in samples:
        info = sheet.lookup(cns.sample) if sheet is not None else None
        sample_sex = sex or (info.sex if info is not None else None)
        results.append(build_result(cns, thresholds=thresholds, genes=gene_ref, arms=arm_table,
                                    arms_path=arms_path, sex=sample_sex, inputs=inputs, sheet=sheet,
                                    extra_warnings=extra))
    return results


def classify(path: str | Path, *, sample: str | None = None, **options: Any) -> SampleResult:
    """Classify one sample: gene calls, profile class, arm-level events, with evidence and provenance.

    ``path`` is a sample folder or an input file; ``options`` are those of :func:`classify_all`. When the
    input holds several samples, name one with ``sample`` (or use :func:`classify_all`).
    """
    results = classify_all(path, **options)
    if sample is not None:
        chosen = [r for r in results if r.sample == sample]
        if not chosen:
            raise UsageError(f"{path}: no sample {sample!r} (samples: {', '.join(r.sample for r in results[:20])})")
        return chosen[0]
    if len(results) > 1:
        raise UsageError(f"{path}: the input holds {len(results)} samples; pass sample= or use classify_all")
    return results[0]
