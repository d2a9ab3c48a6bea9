"""Orchestration: a sample folder (or file) → readers → calls → :class:`SampleResult`."""

from __future__ import annotations

import datetime as _dt
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from ._version import __version__
from .calling.arms import arm_level_events
from .calling.biallelic import biallelic_status
from .calling.genes import call_genes, gene_evidence
from .calling.profile import clean_anomalies, compute_profile, in_profile_flags
from .calling.states import SEXES, segment_states
from .errors import InputError, NoInputError, UsageError
from .genome import BUILD, GeneReference, load_arms, load_genes, reference_path, sha256_file
from .io.chas import ChasExport, read_chas
from .io.detect import detect_file
from .result import SampleResult
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

#: File names lmsgen writes itself; never taken as inputs.
_OUTPUT_SUFFIXES = (".json", ".genes.tsv", ".seg.tsv", ".html", ".png", ".pdf", ".svg")


@dataclass
class SampleInputs:
    """The files found in a sample folder, by kind."""

    folder: Path
    files: dict[str, list[Path]]
    ignored: list[Path]


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
            raise InputError(p, "not a format lmsgen reads (ChAS segment export expected)")
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


def _resolve_reference(genes: str | Path | GeneReference | None) -> GeneReference:
    return genes if isinstance(genes, GeneReference) else load_genes(genes)


def _build_result(sample: str, segments: pd.DataFrame, *, export: ChasExport, thresholds: Thresholds,
                  genes: GeneReference, arms: pd.DataFrame, arms_path: Path, sex: str | None,
                  inputs: SampleInputs, warnings: list[str]) -> SampleResult:
    seg = segments.copy()
    seg["state"] = segment_states(seg, thresholds, sex=sex, continuous=False)
    anomalies = clean_anomalies(seg, thresholds)
    seg["in_profile"] = in_profile_flags(seg, anomalies)
    profile = compute_profile(anomalies, arms, thresholds)
    loh_assessed = export.has_loh_rows.get(sample, False)
    calls = call_genes(genes.genes, seg, arms, absent_is_neutral=True, loh_assessed=loh_assessed, sex=sex)
    evidence = gene_evidence(genes.genes, seg)
    arm_events = arm_level_events(seg, arms, thresholds, loh_assessed=loh_assessed)
    dropped = int((seg["in_profile"] == False).sum())  # noqa: E712 (object column of True/False/None)
    qc = {
        "segments": int((seg["kind"] == "cn").sum()),
        "loh_segments": int((seg["kind"] == "loh").sum()),
        "loh_assessed": loh_assessed,
        "aberrant_segments_below_profile_floor": dropped,
        "coordinate_convention": export.coordinate_convention,
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
        "copy_number_source": "ChAS CN State (absolute copy number, as exported)",
        "inputs": [{"path": str(export.path), "sha256": export.sha256, "format": "chas_segments",
                    "sample_column": sample, "coordinate_convention": export.coordinate_convention}],
        "ignored_files": [str(p) for p in inputs.ignored],
    }
    return SampleResult(
        sample=sample, profile=profile, genes=calls, evidence=evidence, segments=seg, arm_level=arm_events,
        provenance=provenance, qc=qc, biallelic=biallelic_status(calls), warnings=warnings,
    )


def classify_all(path: str | Path, *, thresholds: Thresholds | None = None,
                 genes: str | Path | GeneReference | None = None, arms: str | Path | None = None,
                 sex: str | None = None) -> list[SampleResult]:
    """Classify every sample found at ``path`` (a sample folder or a single export).

    One result per sample: a multi-sample ChAS export gives several. ``genes`` is a gene BED (default:
    the bundled hg19 reference), ``arms`` an arm/coverage table (default: bundled hg19 arms), ``sex``
    ``"female"``/``"male"`` or None (unknown; X/Y follow the export's own Gain/Loss types).
    Raises :class:`InputError`, :class:`NoInputError` or :class:`UsageError` with a one-line reason.
    """
    if sex is not None and sex not in SEXES:
        raise UsageError(f"sex must be one of {', '.join(SEXES)} (or unset), not {sex!r}")
    thresholds = thresholds or DEFAULT_THRESHOLDS
    inputs = find_inputs(path)
    chas_files = inputs.files.get("chas_segments", [])
    if not chas_files:
        found = ", ".join(f"{k}: {len(v)}" for k, v in inputs.files.items()) or "none"
        raise NoInputError(f"{path}: no ChAS segment export found (recognised inputs: {found})")
    if len(chas_files) > 1:
        names = ", ".join(f.name for f in chas_files)
        raise InputError(inputs.folder, f"two or more ChAS segment exports ({names}); keep one per sample "
                                        f"folder or pass the file itself")
    gene_ref = _resolve_reference(genes)
    arms_path = Path(arms) if arms is not None else reference_path("hg19_arms.bed")
    arm_table = load_arms(arms_path)
    folder_name = Path(path).name if Path(path).is_dir() else None
    export = read_chas(chas_files[0], default_sample=folder_name or Path(chas_files[0]).stem)
    warnings = list(export.warnings)
    for other_kind, files in inputs.files.items():
        if other_kind != "chas_segments":
            warnings.append(f"{', '.join(f.name for f in files)}: recognised as {other_kind}, "
                            f"not used by this version of classify")
    results = []
    for sample in export.samples:
        seg = export.segments[export.segments["sample"] == sample].reset_index(drop=True)
        results.append(_build_result(sample, seg, export=export, thresholds=thresholds, genes=gene_ref,
                                     arms=arm_table, arms_path=arms_path, sex=sex, inputs=inputs,
                                     warnings=list(warnings)))
    return results


def classify(path: str | Path, *, thresholds: Thresholds | None = None,
             genes: str | Path | GeneReference | None = None, arms: str | Path | None = None,
             sex: str | None = None, sample: str | None = None) -> SampleResult:
    """Classify one sample: gene calls, profile class, arm-level events, with evidence and provenance.

    ``path`` is a sample folder or a ChAS export. When the export holds several samples, name one with
    ``sample`` (or use :func:`classify_all`).
    """
    results = classify_all(path, thresholds=thresholds, genes=genes, arms=arms, sex=sex)
    if sample is not None:
        chosen = [r for r in results if r.sample == sample]
        if not chosen:
            raise UsageError(f"{path}: no sample {sample!r} (samples: {', '.join(r.sample for r in results)})")
        return chosen[0]
    if len(results) > 1:
        raise UsageError(f"{path}: the export holds {len(results)} samples "
                         f"({', '.join(r.sample for r in results)}); pass sample= or use classify_all")
    return results[0]


def environment_summary() -> dict[str, Any]:
    """Versions of the libraries a result depends on (for bug reports)."""
    import numpy
    import pyranges

    return {"lmsgen": __version__, "pandas": pd.__version__, "numpy": numpy.__version__,
            "pyranges": getattr(pyranges, "__version__", "?"), "python": os.sys.version.split()[0]}
