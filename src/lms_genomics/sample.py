"""Orchestration: a sample folder (or file) → readers → calls → :class:`SampleResult`.

Inputs are found by content. Copy number comes from one ChAS segment export (absolute CN states, only
aberrant segments listed) or one log2 segment file (.seg/.cns, every segment listed; copy number from
log2 with purity and ploidy). A sample sheet, when present, gives purity, ploidy and sex.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from ._lazy import pandas as pd
from ._version import __version__
from .calling.annotation import TranscriptSet, load_transcripts
from .calling.arms import arm_level_from_clean, clean_segment_arrays, whole_arm_homdel_warnings
from .calling.biallelic import biallelic_status
from .calling.cleaning import KitCoverage, load_kit
from .calling.fusions import report_fusions
from .calling.genes import GeneCalls, add_context, evidence_of, gene_calls
from .calling.knowledge import load_knowledge
from .calling.log2 import check_purity_ploidy, homdel_log2_bound, log2_to_copy_number, purity_warnings
from .calling.ploidy import DIPLOID_PLOIDY, Ploidy, baseline_ploidy
from .calling.profile import Profile, anomalies_of, in_profile_codes, low_level_codes, profile_of
from .calling.scores import scores_from_clean
from .calling.sex import decide_sex, infer_sex
from .calling.states import SEXES, state_codes
from .calling.territory import cds_coverage
from .calling.variants import annotate_variants
from .errors import InputError, NoInputError, UsageError
from .genome import (
    BUILD,
    CHROMOSOMES,
    GeneReference,
    arm_rows,
    is_hg19,
    load_genes,
    other_build_reason,
    reference_path,
    sha256_file,
)
from .io.archer import ArcherResult
from .io.cn_arrays import CopyNumberFile, read_copy_number_arrays
from .io.panel import PanelBed, read_panel_bed
from .io.registry import Format, detect, format_named
from .io.samplesheet import SampleSheet, check_sheet, read_sample_sheet
from .io.text import not_regular_reason, read_head_raw, stem_of
from .io.vcf import VcfResult
from .result import CopyNumberCalls, SampleResult
from .sample_qc import array_conflict
from .segarrays import HETDEL, KIND_CN, KIND_LOH, NEUTRAL, SegmentArrays
from .thresholds import DEFAULT_THRESHOLDS, Thresholds

#: File names only lmsgen's own outputs have (the result JSON and the .seg export are recognised by content).
_OUTPUT_SUFFIXES = (".genes.tsv", ".variants.tsv", ".html", ".png", ".pdf", ".svg")
VARIANT_COLUMNS_OUT = ["gene", "chrom", "pos", "ref", "alt", "id", "hgvs_c", "hgvs_p", "transcript", "function",
                       "effect", "consequence", "exon", "intron", "annotation_source", "annotation_disagreement",
                       "classification", "classification_reason", "vaf", "vaf_source", "depth", "alt_reads",
                       "limit_of_detection", "genotype", "filter", "filter_reasons", "hotspot_id", "pop_af", "clinvar",
                       "polymorphism", "rsid", "polymorphism_source", "germline_hint", "ffpe_artefact", "low_depth",
                       "below_vaf_floor", "few_alt_reads", "damaging", "reportable", "exclusion_reasons", "notes",
                       "source_line"]


@dataclass
class SampleInputs:
    """The files found in a sample folder, by registered format name (:mod:`lms_genomics.io.registry`)."""

    folder: Path
    files: dict[str, list[Path]]
    ignored: list[Path]
    notes: list[str] = field(default_factory=list)  # files recognised but not used, with the reason

    def for_role(self, role: str) -> list[tuple[Format, Path]]:
        """(format, file) of every file that can play ``role``, in format then file order."""
        out = []
        for name, files in self.files.items():
            fmt = format_named(name)
            out += [(fmt, f) for f in files if role in fmt.roles_for(f)]
        return out


@dataclass
class CopyNumberSample:
    """One sample's copy-number segments, normalised, with how they were obtained."""

    sample: str
    segments: SegmentArrays
    source: Path
    source_sha256: str
    source_format: str
    coordinate_convention: str
    continuous: bool  # log2-derived copy numbers
    absent_is_neutral: bool  # the source lists only aberrant segments
    loh_assessed: bool
    copy_number_model: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    autosomes_without_data: list[str] | None = None  # log2 inputs: autosomes no segment covers
    called: bool = False  # a CNVkit .cns through ``cnvkit.py call``: its ``cn`` column is the copy number


def _sha256_cached(path: str) -> str:
    """SHA-256 of a reference or sheet file, hashed once per (path, size, modification time)."""
    st = os.stat(path)
    return _sha256_of(path, st.st_size, st.st_mtime_ns)


@lru_cache(maxsize=32)
def _sha256_of(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


@lru_cache(maxsize=8)
def _thresholds_of(thresholds: Thresholds) -> dict[str, Any]:
    return thresholds.as_dict()


def _thresholds_dict(thresholds: Thresholds) -> dict[str, Any]:
    """``thresholds.as_dict()``, computed once per set of thresholds (a copy each time: results do not share it)."""
    return dict(_thresholds_of(thresholds))


def _refuse(fmt: Format, path: Path) -> InputError:
    return InputError(path, fmt.refusal or f"{fmt.description}: not an input")


def find_inputs(path: str | Path) -> SampleInputs:
    """Find the inputs of a sample: every regular file of the folder (not recursive), recognised by content
    through the reader registry. lmsgen's own outputs are skipped; files lmsgen does not read are listed in
    ``ignored``. A single file may be given instead of a folder (a kind lmsgen refuses is refused in one line).
    Symbolic links that leave the folder are refused.
    """
    p = Path(path)
    if not p.exists():
        raise UsageError(f"{p}: no such file or folder")
    if not p.is_file() and not p.is_dir():
        raise InputError(p, "not a regular file or a folder (device, pipe or socket)")
    if p.is_file():
        fmt = detect(p)
        if fmt is None:
            raise InputError(p, "not a format lmsgen reads (a ChAS segment export, a log2 .seg/.cns, a VCF, an "
                                "Archer fusion output or a probe-level export expected)")
        if fmt.refusal is not None:
            raise _refuse(fmt, p)
        return SampleInputs(p.parent, {fmt.name: [p]}, [])
    folder = p.resolve()
    files: dict[str, list[Path]] = {}
    ignored: list[Path] = []
    notes: list[str] = []
    for entry in sorted(p.iterdir()):
        if entry.name.startswith(".") or entry.name.endswith(_OUTPUT_SUFFIXES):
            continue
        if not entry.is_file():
            special = not_regular_reason(entry) if entry.exists() and not entry.is_dir() else None
            if special is not None:  # a FIFO, socket or device: never opened (a FIFO would block)
                ignored.append(entry)
                notes.append(f"{entry.name}: {special.split(':')[0]}: not read")
            continue
        real = entry.resolve()
        if folder not in real.parents:
            raise InputError(entry, "symbolic link pointing outside the sample folder; refused")
        fmt = detect(entry)
        if fmt is None:
            unreadable = _unreadable(entry)
            if unreadable is not None:  # it may be the sample's VCF: never skipped without a word
                raise InputError(entry, f"cannot read file ({unreadable}): lmsgen cannot tell whether it is an input "
                                        f"of this sample; make it readable or move it out of the folder")
            ignored.append(entry)
        elif not fmt.output:
            files.setdefault(fmt.name, []).append(entry)
    return SampleInputs(p, files, ignored, notes)


def _unreadable(path: Path) -> str | None:
    """Why a regular file cannot be read (permission, I/O error), or None when its first byte reads."""
    try:
        read_head_raw(path, 1)
    except (OSError, InputError) as exc:
        return getattr(exc, "strerror", None) or getattr(exc, "reason", None) or str(exc)
    return None


def _settle_refusals(inputs: SampleInputs) -> None:
    """Recognised-but-refused kinds: refused in one line when nothing usable plays their role (a CNVkit .cnr or
    .cnn without a .cns); beside a usable file a .cnr is the probe-level track and a .cnn is noted and ignored."""
    has_copy_number = bool(inputs.for_role("copy_number"))
    for name in list(inputs.files):
        fmt = format_named(name)
        if fmt.refusal is None or fmt.output:
            continue
        files = inputs.files[name]
        if not has_copy_number:
            raise _refuse(fmt, files[0])
        if not fmt.alone_only:
            del inputs.files[name]
            inputs.ignored += files
            inputs.notes += [f"{f.name}: {fmt.refusal}: not used" for f in files]


def _autosome_gaps(sample: str, segments: SegmentArrays) -> tuple[list[str], list[str]]:
    """(autosomes no segment covers, warning): a log2 file lists every segment it has, so an autosome without one
    has no data (a .seg of some chromosomes only, a panel): the profile class then speaks for the others only."""
    seen = set(segments.chrom.tolist())
    missing = [c for code, c in enumerate(CHROMOSOMES[:22]) if code not in seen]
    if not missing:
        return [], []
    names = ", ".join(c.removeprefix("chr") for c in missing)
    return missing, [f"{sample}: no segment on {len(missing)} of 22 autosomes (chromosome {names}): they have no "
                     f"data; the profile class counts anomalies on the other {22 - len(missing)} only"]


def copy_number_model(sample: str, sheet: SampleSheet | None, purity: float | None, ploidy: float | None,
                      chromosome_coding: str | None) -> dict[str, Any]:
    """The log2 → copy-number model of one sample: purity and ploidy from the command line, else the sample sheet,
    else 1 and 2, with where each came from (:class:`UsageError` when out of range)."""
    info = sheet.lookup(sample) if sheet is not None else None
    p = purity if purity is not None else (info.purity if info and info.purity is not None else None)
    pl = ploidy if ploidy is not None else (info.ploidy if info and info.ploidy is not None else None)
    p_used, pl_used = (p if p is not None else 1.0), (pl if pl is not None else 2.0)
    check_purity_ploidy(p_used, pl_used)
    return {"source": "log2 ratio", "formula": "n = (2^r (pP + 2(1-p)) - 2(1-p)) / p",
            "purity": p_used, "purity_from": "command line" if purity is not None else (
                "sample sheet" if p is not None else "default"),
            "ploidy": pl_used, "ploidy_from": "command line" if ploidy is not None else (
                "sample sheet" if pl is not None else "default"),
            "chromosome_coding": chromosome_coding}


def chas_model(sample: str, sheet: SampleSheet | None, ploidy: float | None) -> dict[str, Any]:
    """The copy-number model of a ChAS export (absolute CN states, as exported), with the baseline ploidy when the
    command line (``ploidy``) or the sample sheet gives one: it is the level states are read against, nothing is
    rescaled (:mod:`lms_genomics.calling.ploidy`; :class:`UsageError` when out of range)."""
    model: dict[str, Any] = {"source": "ChAS CN State (absolute copy number, as exported)"}
    info = sheet.lookup(sample) if sheet is not None else None
    pl = ploidy if ploidy is not None else (info.ploidy if info and info.ploidy is not None else None)
    if pl is not None:
        check_purity_ploidy(1.0, float(pl))
        model.update(ploidy=float(pl), ploidy_from="command line" if ploidy is not None else "sample sheet",
                     ploidy_use="baseline the CN states are read against (not rescaled)")
    return model


def copy_number_sample(cn: CopyNumberFile, sample: str, segments: SegmentArrays, *,
                       model: dict[str, Any] | None = None, purity: float | None = None,
                       ploidy: float | None = None) -> CopyNumberSample:
    """One sample of a copy-number file, ready for :func:`copy_number_part`. ChAS exports carry absolute copy
    numbers and list aberrant segments only; log2 files list every segment and their copy number comes from
    ``model`` (:func:`copy_number_model`)."""
    if cn.absolute:
        warnings = list(cn.warnings)
        if purity is not None:
            warnings.append("purity not applied: ChAS CN states are already absolute copy numbers")
        return CopyNumberSample(sample, segments, cn.path, cn.sha256, cn.format, cn.coordinate_convention,
                                continuous=False, absent_is_neutral=True,
                                loh_assessed=(cn.has_loh_rows or {}).get(sample, False),
                                copy_number_model=model if model is not None else chas_model(sample, None, ploidy),
                                warnings=warnings)
    assert model is not None
    warnings = list(cn.warnings)
    called = cn.format == "cnvkit_cns" and len(segments) > 0 and bool(np.isfinite(segments.copy_number).all())
    if called:  # CNVkit's own integer copy numbers (``cnvkit.py call``), already purity-adjusted by CNVkit if asked
        if model.get("purity_from") != "default" or model.get("ploidy_from") != "default":
            warnings.append("purity/ploidy not applied: the .cns carries CNVkit's own copy numbers (cn column of "
                            "cnvkit.py call); give them to cnvkit.py call instead")
        model = {"source": "CNVkit cn column (cnvkit.py call)", "chromosome_coding": model.get("chromosome_coding")}
    else:
        segments = segments.with_columns(copy_number=log2_to_copy_number(segments.log2, model["purity"],
                                                                         model["ploidy"]))
    gaps, gap_warning = _autosome_gaps(sample, segments)
    return CopyNumberSample(sample, segments, cn.path, cn.sha256, cn.format, cn.coordinate_convention,
                            continuous=True, absent_is_neutral=False, loh_assessed=False, copy_number_model=model,
                            warnings=warnings + gap_warning, autosomes_without_data=gaps, called=called)


def _chosen(names: list[str], wanted: list[str] | None) -> list[str]:
    if wanted is None:
        return names
    keep = set(wanted)
    return [s for s in names if s in keep]


def _noise_floor(seg: SegmentArrays, cns: CopyNumberSample, thresholds: Thresholds) -> np.ndarray:
    """Log2 inputs: segments under the marker floor take no part in calls (they stay in the evidence)."""
    if not cns.continuous or thresholds.min_segment_markers <= 0:
        return np.zeros(len(seg), dtype=bool)
    return seg.markers < thresholds.min_segment_markers  # NaN (unknown) is not below


def _variant_records(table: pd.DataFrame) -> list[dict[str, Any]]:
    from .result import _clean

    shown = table[table["alt_reads"].fillna(0) > 0] if "alt_reads" in table else table
    cols = [c for c in VARIANT_COLUMNS_OUT if c in shown.columns]
    out = []
    for rec in shown[cols].to_dict("records"):
        clean = {k: (_clean(v) if not isinstance(v, list) else v) for k, v in rec.items()}
        for k in ("exon", "intron"):
            if clean.get(k) is not None:
                clean[k] = int(clean[k])
        out.append(clean)
    return out


@dataclass
class CopyNumberPart:
    """The copy-number side of a result."""

    segments: SegmentArrays  # called: state, in_profile, excluded
    profile: Profile
    calls: GeneCalls
    arm_events: dict[str, Any]
    qc: dict[str, Any]
    warnings: list[str]
    ploidy: Ploidy = DIPLOID_PLOIDY


def _given_ploidy(cns: CopyNumberSample) -> tuple[float | None, str | None]:
    """(ploidy, its source) given for a sample (command line or sample sheet), or (None, None)."""
    model = cns.copy_number_model
    if model.get("ploidy") is None or model.get("ploidy_from") in (None, "default"):
        return None, None
    return float(model["ploidy"]), str(model["ploidy_from"])


def _same_extents(a: KitCoverage, b: KitCoverage) -> bool:
    return len(a) == len(b) and bool((a.chrom == b.chrom).all() and (a.start == b.start).all()
                                      and (a.end == b.end).all())


def copy_number_part(cns: CopyNumberSample, *, thresholds: Thresholds, genes: GeneReference, arms: KitCoverage,
                     sex: str | None, kit: KitCoverage | None = None, sex_inferred: bool = False) -> CopyNumberPart:
    """Segment states, cleaning, profile, gene calls, arm-level events, genome-wide scores and QC measures, on
    arrays. Arm-level events and FGA are relative to ``arms`` (the arm table); the scores to ``kit`` (default:
    the bundled OncoScan coverage), both after oncoscanR's cleaning. Evidence is computed on demand by the
    result (:class:`~lms_genomics.result.SampleResult`).

    The genome-wide scores are computed on states read against 2 (oncoscanR's definitions) and, when the sex was
    only inferred from the export (``sex_inferred``), on X/Y as the export typed them (as oncoscanR reads them);
    their average copy number and WGD then decide the baseline ploidy
    (:func:`~lms_genomics.calling.ploidy.baseline_ploidy`), and the states of the calls, the profile and the
    arm-level events are read against it and the sex. Log2 inputs have one loss/gain rule (issue 13): the profile
    and the arm-level events count |log2| >= ``log2_anomaly`` only, weaker changes make low-level gene calls, and
    a homozygous deletion also needs a raw log2 below the purity guardrail."""
    given, given_source = _given_ploidy(cns)
    ratio = cns.continuous and not cns.called  # states from log2 ratios (else from absolute copy numbers)
    model = cns.copy_number_model
    model_ploidy = float(model.get("ploidy", 2.0)) if cns.continuous else 2.0
    bound = homdel_log2_bound(model["ploidy"], thresholds) if ratio else None
    score_sex = None if sex_inferred else sex
    cns.segments.segment_id  # noqa: B018 - made once here, the subsets taken below carry it (not made again each)

    def states(sex_used: str | None, ploidy_value: float) -> np.ndarray:
        return state_codes(cns.segments, thresholds, sex=sex_used, continuous=ratio, ploidy=ploidy_value,
                           homdel_log2_max=bound)

    seg = cns.segments.with_columns(state=states(score_sex, model_ploidy))
    noise = _noise_floor(seg, cns, thresholds)
    has_noise = bool(noise.any())
    used = seg.take(~noise) if has_noise else seg
    kit = kit if kit is not None else load_kit()
    # The arm table's cleaning of ``arm_source``: made only when read (the scores read it when the kit and the arm
    # table have the same extents; the arm-level events unless low-level segments are left out), ~3 % of a sample.
    arm_source, arm_segs = used, None
    if _same_extents(kit, arms):
        arm_segs = clean_segment_arrays(used, arms, thresholds)
    score_segs = arm_segs if arm_segs is not None else clean_segment_arrays(used, kit, thresholds)
    scores = scores_from_clean(score_segs, kit, thresholds, loh_assessed=cns.loh_assessed,
                               continuous=cns.continuous)
    ploidy = baseline_ploidy(given=given, given_source=given_source, avg_cn=scores.avg_cn, wgd=scores.wgd > 0,
                             continuous=cns.continuous, thresholds=thresholds)
    if ploidy.value != model_ploidy or score_sex != sex:  # read against the baseline ploidy and the sex
        seg = seg.with_columns(state=states(sex, ploidy.value))
        used = seg.take(~noise) if has_noise else seg
        if ploidy.rebased or score_sex != sex:
            arm_source, arm_segs = used, None
    anomalies = anomalies_of(used, thresholds, continuous=cns.continuous, strength=ratio, arms=arms)
    flags = in_profile_codes(seg, anomalies)
    flags[noise] = 0
    seg.in_profile, seg.excluded = flags, noise
    used = seg.take(~noise) if has_noise else seg
    # One rule per input: the profile and the arm-level events of a log2 input count |log2| >= log2_anomaly only;
    # weaker shifts beyond log2_loss/log2_gain make gene calls flagged low-level.
    low = low_level_codes(used, thresholds) if ratio else None
    calls = gene_calls(genes, used, arms, absent_is_neutral=cns.absent_is_neutral, loh_assessed=cns.loh_assessed,
                       sex=sex, ploidy=ploidy.value, low_level=low)
    add_context(calls, ploidy=ploidy, thresholds=thresholds, continuous=cns.continuous, roles=load_knowledge().roles)
    warnings = list(cns.warnings)
    if ratio:
        warnings += purity_warnings(used.chrom, used.start, used.end, used.log2, model["purity"], model["ploidy"],
                                    thresholds)
        demoted = (used.kind == KIND_CN) & (used.state == HETDEL) & (used.copy_number < thresholds.homdel_max_cn)
        if demoted.any():
            warnings.append(f"{int(demoted.sum())} segment(s) rescale to fewer than {thresholds.homdel_max_cn:g} "
                            f"copies at purity {model['purity']:g} but their log2 ratio is not below {bound:.2f} "
                            f"(a one-copy loss at purity {thresholds.log2_homdel_upper_purity:g}): called "
                            f"heterozygous deletion, not homozygous (purity guardrail)")
    warnings += whole_arm_homdel_warnings(used, arms, thresholds)
    if has_noise:
        noisy_genes = sorted(set(genes.names[evidence_of(genes, seg.take(noise)).gene].tolist()))
        warnings.append(f"{int(noise.sum())} segment(s) with fewer than {thresholds.min_segment_markers} "
                        f"markers left out of calls and profile"
                        + (f" (they overlap {', '.join(noisy_genes)})" if noisy_genes else ""))
    qc = {
        "segments": int((seg.kind == KIND_CN).sum()),
        "loh_segments": int((seg.kind == KIND_LOH).sum()),
        "loh_assessed": cns.loh_assessed,
        "segments_below_marker_floor": int(noise.sum()),
        "aberrant_segments_below_profile_floor": int(((flags == 0) & ~noise).sum()),
        "coordinate_convention": cns.coordinate_convention,
        "probe_level_data": False,
    }
    if cns.autosomes_without_data is not None:
        qc["autosomes_without_data"] = list(cns.autosomes_without_data)
    if low is not None and low.any():
        strong = clean_segment_arrays(used.with_columns(state=np.where(low, NEUTRAL, used.state).astype(np.int8)),
                                      arms, thresholds)
    else:
        strong = arm_segs if arm_segs is not None else clean_segment_arrays(arm_source, arms, thresholds)
    arm_thresholds = thresholds if ploidy.value == 2.0 else dataclasses.replace(
        thresholds, amp_min_cn=ploidy.amp_min_cn(thresholds))  # arm AMP: the same ploidy rule as the genes
    arm_events = arm_level_from_clean(strong, arms, arm_thresholds, loh_assessed=cns.loh_assessed)
    if scores.low_alteration:
        warnings.append(f"genome-wide scores: {scores.mb_altered:.1f} of the kit's {scores.mb_kit:.0f} Mb altered "
                        f"(< 1%): little or no tumour DNA? (oncoscanR's 'no tumor?' flag); an HRD-negative nLST "
                        f"is not informative")
    profile = dataclasses.replace(profile_of(anomalies, arms, thresholds, continuous=cns.continuous),
                                  scores=scores.as_dict())
    if profile.classes_disagree:  # only "simple" with GI > 10 can disagree (C <= A, so A > 10 gives GI > 10)
        warnings.append(f"profile: thesis class {profile.profile_class} (A = {profile.anomalies} <= "
                        f"{thresholds.simple_max_anomalies}) but GI = A²/C = {profile.genomic_index:.1f} > 10 (the "
                        f"anomalies are concentrated on C = {profile.chromosomes} chromosome(s)): the two classes "
                        f"disagree; read both")
    return CopyNumberPart(seg, profile, calls, arm_events, qc, warnings, ploidy)


def build_result(cns: CopyNumberSample | None, *, sample: str, thresholds: Thresholds, genes: GeneReference,
                 arms: KitCoverage, arms_path: Path, sex: str | None, inputs: SampleInputs,
                 sheet: SampleSheet | None, vcf: VcfResult | None = None, archer: ArcherResult | None = None,
                 probes: tuple[Path, str, float, str] | None = None,
                 extra_warnings: list[str] | None = None, kit: KitCoverage | None = None,
                 panel: PanelBed | None = None, transcripts: TranscriptSet | None = None,
                 purity: float | None = None, purity_source: str | None = None,
                 qc_reports: dict[str, Any] | None = None, identity_folder: str | None = None,
                 sex_source: str | None = None) -> SampleResult:
    """Calls, profile, arm-level events, genome-wide scores, variants, fusions and biallelic status for one
    sample. ``kit``: the coverage the scores are relative to (default: the bundled OncoScan coverage);
    ``panel``: the lab's designed BED (sequenced territory); ``transcripts``: transcript models for lmsgen's own
    annotation (default bundled); ``purity``: tumour cell fraction for the biallelic wild-type-copies rule (and
    the tumour content of the profile, from ``purity_source``); ``qc_reports``: QC files by role
    (``copy_number_qc``, ``variants_qc``, ``fusions_qc``); ``identity_folder``: the sample folder's name, compared
    with the files' sample names (:mod:`lms_genomics.sample_qc`); ``sex``: given on the command line or in the
    sample sheet (``sex_source`` says which), else taken from the VCF's gender field or inferred from a ChAS export
    (:mod:`lms_genomics.calling.sex`)."""
    kit = kit if kit is not None else load_kit()
    evidence = infer_sex(cns.segments, arms, thresholds) if cns is not None and not cns.continuous else None
    fields = _gender_fields(cns, qc_reports or {}, sample)
    if vcf is not None:
        fields["the VCF's gender field"] = vcf.sample_gender
    sex_info = decide_sex(given=sex, given_source=sex_source or ("given" if sex else None), fields=fields,
                          evidence=evidence)
    if cns is None and sex_info.value == "unknown":
        sex_info.source = "not given (no copy-number input)"
    sex = sex_info.used
    warnings: list[str] = []
    input_records: list[dict[str, Any]] = []
    qc: dict[str, Any] = {}
    profile = calls = arm_events = copy_number = None
    if cns is not None:
        part = copy_number_part(cns, thresholds=thresholds, genes=genes, arms=arms, sex=sex, kit=kit,
                                sex_inferred=sex_info.source.startswith("inferred"))
        profile, calls, arm_events = part.profile, part.calls, part.arm_events
        copy_number = CopyNumberCalls(part.segments, part.calls, genes)
        qc.update(part.qc)
        warnings += part.warnings
        input_records.append({"path": str(cns.source), "sha256": cns.source_sha256, "format": cns.source_format,
                              "sample_in_file": cns.sample, "coordinate_convention": cns.coordinate_convention})
    else:
        warnings.append("no copy-number input: gene copy-number calls and the profile are not assessed")
    warnings += sex_info.warnings

    variants: Any = "not_assessed"
    variant_table = None
    if vcf is not None:
        transcripts = transcripts or load_transcripts()
        variant_table = annotate_variants(vcf.variants, genes.genes, thresholds, transcripts=transcripts)
        variants = _variant_records(variant_table)
        warnings += vcf.warnings
        if vcf.deamination_metric is not None:
            warnings.append(f"TVC deamination metric {vcf.deamination_metric:g} (share of C>T/G>A among read "
                            "mismatches; formalin damage raises it): C:G>T:A calls at low VAF are flagged for "
                            "confirmation")
        if panel is None:
            warnings.append("no panel BED (--panel-bed or a panel_bed sample-sheet column): the sequenced territory "
                            "is unknown, so 'no mutation' in a gene is not assessable")
        qc["variant_records"] = int(len(vcf.variants))
        qc["variants_reportable"] = int(variant_table["reportable"].sum()) if len(variant_table) else 0
        depth = pd.to_numeric(variant_table.get("depth"), errors="coerce") if len(variant_table) else None
        qc["vcf_median_depth"] = float(depth.median()) if depth is not None and depth.notna().any() else None
        input_records.append({"path": str(vcf.path), "sha256": vcf.sha256, "format": "vcf", "source": vcf.source,
                              "sample_in_file": vcf.sample, "sample_choice": vcf.sample_choice,
                              "roles": ["variants", "fusions"] if vcf.fusions is not None else ["variants"]})
    fusions: Any = "not_assessed"
    if archer is not None:
        fusions = report_fusions(archer.fusions, thresholds)
        warnings += archer.warnings
        qc["fusions_reported"] = sum(1 for f in fusions if f["reported"])
        if archer.overall_call is not None:
            qc["fusion_overall_call"] = archer.overall_call
            if (archer.overall_call == "POSITIVE") != (qc["fusions_reported"] > 0):
                warnings.append(f"the file's overall fusion call is {archer.overall_call} but lmsgen reports "
                                f"{qc['fusions_reported']} fusion(s) (see each fusion's reasons_not_reported)")
        if vcf is None or str(archer.path) != str(vcf.path):
            fmt = archer.format if archer.format == "fusion_vcf" else f"archer_{archer.format}"
            input_records.append({"path": str(archer.path), "sha256": archer.sha256, "format": fmt,
                                  "sample_in_file": archer.sample})
    territory_detail = None
    if panel is not None:
        transcripts = transcripts or load_transcripts()
        territory_detail = cds_coverage(panel, transcripts)
        input_records.append({"path": panel.path, "sha256": panel.sha256, "format": "panel_bed"})
    if probes is not None:
        qc["mapd"] = round(probes[2], 4)
        qc["probe_level_data"] = True
        input_records.append({"path": str(probes[0]), "sha256": probes[1], "format": "probes", "reader": probes[3]})
    from .sample_qc import assess

    assessment = assess(sample=sample, cns=cns, part_qc=qc, probes=probes, qc_reports=qc_reports or {}, vcf=vcf,
                        variant_table=variant_table, archer=archer, fusions=fusions, profile=profile, purity=purity,
                        purity_source=purity_source, folder_name=identity_folder, thresholds=thresholds)
    qc.update(assessment.qc)
    fusions = assessment.fusions
    input_records += assessment.input_records
    warnings += assessment.warnings
    profile_extra = dict(assessment.profile_extra)
    if cns is not None:
        profile_extra["ploidy"] = part.ploidy.as_dict()
    if profile is not None and "class" in profile_extra:
        profile = dataclasses.replace(profile, profile_class=profile_extra.pop("class"))
    warnings += list(extra_warnings or [])
    provenance = {
        "lmsgen_version": __version__,
        "created": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "reference_build": BUILD,
        "genes_bed": {"path": genes.path, "sha256": genes.sha256, "genes": len(genes)},
        "arms": {"path": str(arms_path), "sha256": _sha256_cached(str(arms_path))},
        "kit_coverage": {"path": kit.path, "sha256": kit.sha256},
        "thresholds": _thresholds_dict(thresholds),
        "sex": sex_info.as_dict(),
        "copy_number_model": cns.copy_number_model if cns is not None else "not_assessed",
        "inputs": input_records,
        "sample_sheet": ({"path": str(sheet.path), "sha256": _sha256_cached(str(sheet.path))} if sheet is not None
                         else None),
        "ignored_files": [str(p) for p in inputs.ignored],
    }
    if vcf is not None or panel is not None:
        provenance["transcripts"] = (transcripts or load_transcripts()).files
        provenance["variant_knowledge"] = load_knowledge().files
    biallelic = biallelic_status(calls.rows() if calls is not None and not assessment.copy_number_failed else None,
                                 variant_table if variant_table is not None else "not_assessed",
                                 territory=territory_detail, purity=purity, thresholds=thresholds,
                                 loh_caution=assessment.loh_caution)
    if assessment.copy_number_failed:
        for b in biallelic.values():
            b["evidence"].insert(0, "copy-number QC failed: its calls are not used for the biallelic status")
    panel_cn = None
    if vcf is not None and vcf.panel_cnv is not None:
        from .result import _records

        panel_cn = _records(vcf.panel_cnv)
    return SampleResult(
        sample=sample, profile=profile, copy_number=copy_number, arm_level=arm_events,
        provenance=provenance, qc=qc, biallelic=biallelic, variants=variants, fusions=fusions, warnings=warnings,
        sequenced_territory=({g: c["fraction"] for g, c in territory_detail.items()} if territory_detail is not None
                             else "not_assessed"),
        panel_copy_number=panel_cn, profile_extra=profile_extra or None,
    )


def _gender_fields(cns: CopyNumberSample | None, qc_reports: dict[str, Any], sample: str) -> dict[str, Any]:
    """The array's gender call (APT ``Y-gender``/``computedgender``) of the sample's QC-table row, else of the ChAS
    export's header (``affymetrix-chipsummary-Y-gender-call``), by where it was read: a source of the sex
    (:func:`~lms_genomics.calling.sex.decide_sex`)."""
    from .io.apt_qc import header_measures

    report = qc_reports.get("copy_number_qc")
    found = report.for_sample(sample) if report is not None else None
    if found is not None and found[1].get("gender"):
        return {f"the array's gender call (QC table {Path(report.path).name})": found[1]["gender"]}
    if cns is not None and cns.source_format == "chas_segments":
        gender = header_measures(cns.source).get("gender")
        if gender:
            return {f"the array's gender call (export header {Path(cns.source).name})": gender}
    return {}


def _one(inputs: SampleInputs, role: str, what: str) -> tuple[Format, Path] | None:
    """The single file of the folder playing ``role`` (None when there is none); two are refused."""
    found = inputs.for_role(role)
    if len(found) > 1:
        raise InputError(inputs.folder, f"two or more {what} ({', '.join(f.name for _, f in found)}); keep one per "
                                        f"sample folder")
    return found[0] if found else None


def classify_all(path: str | Path, **options: Any) -> list[SampleResult]:
    """Classify every sample found at ``path``; see :func:`iter_classify` for the options."""
    return list(iter_classify(path, **options))


def iter_classify(path: str | Path, *, thresholds: Thresholds | None = None,
                 genes: str | Path | GeneReference | None = None, arms: str | Path | None = None,
                 sex: str | None = None, purity: float | None = None, ploidy: float | None = None,
                 sample_sheet: str | Path | None = None, check_build: bool = True,
                 samples: list[str] | None = None, skip_missing_samples: bool = False,
                 panel_bed: str | Path | None = None, transcripts: str | Path | None = None,
                 vcf_sample: str | None = None, strict: bool = False) -> Iterator[SampleResult]:
    """Classify every sample found at ``path`` (a sample folder, a ChAS export or a log2 segment file),
    yielding results one at a time (inputs are read and checked before the first one).

    One result per sample: a multi-sample export or ``.seg`` gives several. ``genes`` is a gene BED
    (default: the bundled hg19 reference), ``arms`` an arm/coverage table (default: bundled hg19 arms; when
    given it is also the coverage of the genome-wide scores, else the bundled OncoScan na33.r2 coverage is),
    ``sex`` ``"female"``/``"male"`` or None, ``purity`` (fraction, or percentage above 1) and ``ploidy`` apply
    to log2 inputs and override the sample sheet (``sample_sheet``, or ``sample.tsv``/``sample.toml`` in the
    folder). ``check_build=False`` drops segments beyond hg19 chromosome ends instead of stopping.
    ``samples`` restricts a multi-sample file to those samples (only their rows are read); a name the file
    does not hold is a :class:`UsageError`, or is skipped with ``skip_missing_samples``. ``panel_bed`` is the
    lab's designed BED (default: the sample sheet's ``panel_bed`` column, else none: territory unknown);
    ``transcripts`` a transcript folder for lmsgen's own annotation (default: the bundled hg19 RefSeq models).
    ``vcf_sample`` names the tumour column of a multi-sample VCF (otherwise chosen from its header, see
    :func:`lms_genomics.io.vcf.read_vcf`). A sample-sheet row that matches no sample of the input and a sample
    that gets no row are warnings (:func:`lms_genomics.io.samplesheet.check_sheet`), errors with ``strict``.
    Files are found and told apart by the reader registry
    (:mod:`lms_genomics.io.registry`): one copy-number file, one variant VCF, one fusion source (an Oncomine VCF
    with fusion records is both), one probe-level track (a CNVkit .cnr beside its .cns counts), one sample sheet.
    Raises :class:`InputError`, :class:`NoInputError` or :class:`UsageError` with a one-line reason.
    """
    plan = plan_samples(path, thresholds=thresholds, genes=genes, arms=arms, sex=sex, purity=purity, ploidy=ploidy,
                        sample_sheet=sample_sheet, check_build=check_build, samples=samples,
                        skip_missing_samples=skip_missing_samples, panel_bed=panel_bed, transcripts=transcripts,
                        vcf_sample=vcf_sample, strict=strict)
    return plan.results(plan.read_copy_number())


@dataclass
class SamplePlan:
    """What :func:`iter_classify` knows about an input before reading its copy-number file: the inputs found and
    checked, the sample sheet, the references and the options. ``lmsgen cohort`` builds one per work unit, reads
    the copy-number file once (:meth:`read_copy_number`) and hands each sample's segments to :meth:`result_for` in
    the workers."""

    path: Path
    inputs: SampleInputs
    cn_file: tuple[Format, Path] | None
    vcf_found: tuple[Format, Path] | None
    fusion_found: tuple[Format, Path] | None
    sheet: SampleSheet | None
    folder_name: str | None
    thresholds: Thresholds
    genes: GeneReference
    transcripts: TranscriptSet | None
    panel: PanelBed | None
    arms_path: Path
    arms: KitCoverage
    kit: KitCoverage
    sex: str | None
    purity: float | None
    ploidy: float | None
    check_build: bool
    samples: list[str] | None
    skip_missing_samples: bool
    vcf_sample: str | None
    strict: bool = False
    sample_sheet_given: bool = False
    _sheet_checks: dict[tuple[str, ...], Any] = field(default_factory=dict, repr=False, compare=False)

    @property
    def default_name(self) -> str:
        return self.folder_name or stem_of(self.path)

    def read_copy_number(self) -> CopyNumberFile | None:
        """The copy-number file read into arrays (its array entry point), or None without one."""
        if self.cn_file is None:
            return None
        cn_fmt, cn_file = self.cn_file
        return read_copy_number_arrays(cn_fmt.name, cn_file, default_sample=self.folder_name or stem_of(cn_file),
                                       check_build=self.check_build, samples=self.samples)

    def models(self, cn: CopyNumberFile) -> dict[str, dict[str, Any]]:
        """The log2 → copy-number model of each wanted sample (checked now: a bad purity fails before any
        output); empty for ChAS exports (absolute copy numbers)."""
        if cn.absolute:
            return {s: chas_model(s, self.sheet, self.ploidy) for s in _chosen(cn.samples, self.samples)}
        return {s: copy_number_model(s, self.sheet, self.purity, self.ploidy, cn.chromosome_coding)
                for s in _chosen(cn.samples, self.samples)}

    def check_panels(self) -> None:
        """Read every sheet panel BED now: a bad one fails before any output."""
        if self.panel is None and self.sheet is not None:
            for info in self.sheet.rows.values():
                if info.panel_bed:
                    read_panel_bed(info.panel_bed)

    def results(self, cn: CopyNumberFile | None) -> Iterator[SampleResult]:
        """Every wanted sample's result, built one at a time (the inputs other than copy number are read and
        checked before the first one)."""
        cn_names: list[str | None] = [None]
        cn_samples: Iterator[CopyNumberSample | None] = iter([None])
        if cn is not None:
            models = self.models(cn)
            cn_names = _chosen(cn.samples, self.samples)  # type: ignore[assignment]
            cn_samples = (copy_number_sample(cn, s, seg, model=models.get(s), purity=self.purity,
                                             ploidy=self.ploidy) for s, seg in cn.by_sample(self.samples))
            missing = set(self.samples or ()) - set(cn_names)
            if missing and not self.skip_missing_samples:
                raise UsageError(f"{cn.path}: no sample {sorted(missing)[0]!r} in the file")
        vcf_found, fusion_found = self.vcf_found, self.fusion_found
        vcf = (vcf_found[0].read(vcf_found[1], sample=self.vcf_sample, regions=self.genes) if vcf_found is not None
               else None)
        if vcf is not None and not is_hg19(vcf.reference_build) and self.check_build:
            raise InputError(vcf.path, other_build_reason("the VCF", str(vcf.reference_build), vcf.build_evidence))
        archer = None
        if fusion_found is not None and vcf is not None and fusion_found[1] == vcf_found[1]:  # type: ignore[index]
            archer = ArcherResult(Path(vcf.path), vcf.sha256, "vcf", vcf.sample, vcf.fusions or [],
                                  overall_call=vcf.fusion_overall_call)
        elif fusion_found is not None:
            archer = fusion_found[0].read(fusion_found[1])
        probe_found = _one(self.inputs, "probes", "probe-level exports")
        if probe_found is not None and self.cn_file is not None:  # another array's probe export never judges
            conflict = array_conflict(self.cn_file[1], probe_found[1], "probe-level export")  # (nor draws) this one
            if conflict is not None:
                self.inputs.notes.append(conflict)
                self.inputs.ignored.append(probe_found[1])
                probe_found = None
        probes = None
        if probe_found is not None:
            from .io.probes import mapd

            probe_fmt, probe_file = probe_found
            probes = (probe_file, sha256_file(probe_file), mapd(probe_fmt.read(probe_file)), probe_fmt.name)
        qc_reports = {}
        for role, what in (("copy_number_qc", "array QC tables"), ("variants_qc", "coverageAnalysis reports"),
                           ("fusions_qc", "Archer read-statistics files")):
            found_qc = _one(self.inputs, role, what)
            conflict = array_conflict(self.cn_file[1], found_qc[1], "QC table") if (
                found_qc is not None and self.cn_file is not None and role == "copy_number_qc") else None
            if conflict is not None:
                self.inputs.notes.append(conflict)
                self.inputs.ignored.append(found_qc[1])  # type: ignore[index]
            elif found_qc is not None:
                qc_reports[role] = found_qc[0].read(found_qc[1])
        if len(cn_names) > 1 and (vcf is not None or archer is not None or probes is not None):
            raise InputError(self.inputs.folder, f"the copy-number file holds {len(cn_names)} samples but the folder "
                                                 f"has one VCF/Archer output: put each sample in its own folder")
        self.check_panels()
        check = self.sheet_check([n for n in cn_names if n is not None] or [self.default_name])
        return _results(cn_samples, self.default_name, vcf=vcf, archer=archer, probes=probes, qc_reports=qc_reports,
                        identity_folder=self._identity_folder(len(cn_names)),
                        sheet_notes=check.by_sample if check is not None else None,
                        **self._build_options(check.warnings if check is not None else []))

    def sheet_check(self, names: list[str]) -> Any:
        """The sample sheet matched with the input's samples (:func:`lms_genomics.io.samplesheet.check_sheet`,
        once per plan and sample list), None without a sheet; raises with ``strict``."""
        if self.sheet is None:
            return None
        key = tuple(names)
        if key not in self._sheet_checks:
            self._sheet_checks[key] = check_sheet(
                self.sheet, names, source=str(self.path), strict=self.strict,
                check_rows=self.samples is None and (not self.skip_missing_samples or not self.sample_sheet_given))
        return self._sheet_checks[key]

    def _identity_folder(self, n_samples: int) -> str | None:
        """The folder name the files' sample names are compared with (:mod:`lms_genomics.sample_qc`): for a folder
        of one sample, classified whole."""
        return self.folder_name if n_samples == 1 and self.samples is None else None

    def copy_number_only(self) -> bool:
        """Whether the input has nothing but copy number (and a sample sheet): its samples can be split."""
        return (self.vcf_found is None and self.fusion_found is None
                and not any(self.inputs.for_role(r) for r in ("probes", "copy_number_qc", "variants_qc",
                                                              "fusions_qc")))

    def file_context(self, cn: CopyNumberFile) -> tuple[Any, int]:
        """What every sample of ``cn`` shares in :meth:`result_for`: the sample sheet's check against the file's
        samples (:meth:`sheet_check`) and how many samples the file names. A caller handing a file's samples out
        (``lmsgen cohort``) works it out once and passes it along, with ``cn`` stripped of its per-sample lists."""
        return self.sheet_check(list(cn.samples)), len(cn.named_samples)

    def result_for(self, cn: CopyNumberFile, sample: str, segments: SegmentArrays,
                   model: dict[str, Any] | None = None, context: tuple[Any, int] | None = None) -> SampleResult:
        """One sample of ``cn`` (its segments sliced by the caller), as :meth:`results` would give it: for inputs
        with nothing but copy number (:meth:`copy_number_only`). ``context``: :meth:`file_context` of the whole
        file, when ``cn`` does not list every sample."""
        if model is None and not cn.absolute:
            model = copy_number_model(sample, self.sheet, self.purity, self.ploidy, cn.chromosome_coding)
        elif model is None:
            model = chas_model(sample, self.sheet, self.ploidy)
        cns = copy_number_sample(cn, sample, segments, model=model, purity=self.purity, ploidy=self.ploidy)
        check, n_named = context if context is not None else self.file_context(cn)
        return next(_results(iter([cns]), self.default_name, vcf=None, archer=None, probes=None, qc_reports={},
                             identity_folder=self._identity_folder(n_named),
                             sheet_notes=check.by_sample if check is not None else None,
                             **self._build_options(check.warnings if check is not None else [])))

    def _build_options(self, sheet_warnings: list[str] | None = None) -> dict[str, Any]:
        return {"thresholds": self.thresholds, "genes": self.genes, "arms": self.arms, "arms_path": self.arms_path,
                "sex": self.sex, "inputs": self.inputs, "sheet": self.sheet,
                "extra_warnings": list(self.inputs.notes) + list(sheet_warnings or []),
                "kit": self.kit, "panel": self.panel, "transcripts": self.transcripts, "purity": self.purity}


def plan_samples(path: str | Path, *, thresholds: Thresholds | None = None,
                 genes: str | Path | GeneReference | None = None, arms: str | Path | None = None,
                 sex: str | None = None, purity: float | None = None, ploidy: float | None = None,
                 sample_sheet: str | Path | None = None, check_build: bool = True,
                 samples: list[str] | None = None, skip_missing_samples: bool = False,
                 panel_bed: str | Path | None = None, transcripts: str | Path | None = None,
                 vcf_sample: str | None = None, strict: bool = False) -> SamplePlan:
    """The :class:`SamplePlan` of ``path`` (options as :func:`iter_classify`): inputs found and checked, sample
    sheet read, references loaded; raises what :func:`iter_classify` raises before reading copy number."""
    if sex is not None and sex not in SEXES:
        raise UsageError(f"sex must be one of {', '.join(SEXES)} (or unset), not {sex!r}")
    if purity is not None and purity > 1.0:
        purity = purity / 100.0
    thresholds = thresholds or DEFAULT_THRESHOLDS
    inputs = find_inputs(path)
    _settle_refusals(inputs)
    cn_files = inputs.for_role("copy_number")
    vcf_found = _one(inputs, "variants", "variant VCFs")
    fusion_found = _one(inputs, "fusions", "fusion outputs (Archer, fusion VCF, Oncomine VCF with fusion records)")
    if not cn_files and vcf_found is None and fusion_found is None:
        found = ", ".join(f"{k}: {len(v)}" for k, v in inputs.files.items()) or "none"
        raise NoInputError(f"{path}: nothing lmsgen reads (a ChAS segment export, a log2 .seg/.cns, a VCF or an "
                           f"Archer fusion output; recognised: {found})")
    if len(cn_files) > 1:
        names = ", ".join(f.name for _, f in cn_files)
        raise InputError(inputs.folder, f"two or more copy-number files ({names}); keep one per sample folder "
                                        f"or pass the file itself")
    sheets = [Path(sample_sheet)] if sample_sheet is not None else [f for _, f in inputs.for_role("sample_sheet")]
    if len(sheets) > 1:
        raise InputError(inputs.folder, f"two sample sheets ({', '.join(s.name for s in sheets)}); keep one")
    folder_name = Path(path).name if Path(path).is_dir() else None
    sheet = read_sample_sheet(sheets[0], default_sample=folder_name) if sheets else None
    gene_ref = genes if isinstance(genes, GeneReference) else load_genes(genes)
    transcript_set = load_transcripts(transcripts) if (transcripts is not None or vcf_found is not None) else None
    panel = read_panel_bed(panel_bed) if panel_bed is not None else None
    arms_path = Path(arms) if arms is not None else reference_path("hg19_arms.bed")
    arm_table = KitCoverage.from_arm_rows(arm_rows(arms_path))
    kit = load_kit(arms_path if arms is not None else None)  # the scores' coverage: the user's table, else OncoScan
    return SamplePlan(Path(path), inputs, cn_files[0] if cn_files else None, vcf_found, fusion_found, sheet,
                      folder_name, thresholds, gene_ref, transcript_set, panel, arms_path, arm_table, kit, sex, purity,
                      ploidy, check_build, samples, skip_missing_samples, vcf_sample, strict,
                      sample_sheet is not None)


def _results(cn_samples: Iterator[CopyNumberSample | None], default_name: str, *, sex: str | None,
             sheet: SampleSheet | None, panel: PanelBed | None, purity: float | None,
             sheet_notes: dict[str, list[str]] | None = None, **kw: Any) -> Iterator[SampleResult]:
    for cns in cn_samples:
        name = cns.sample if cns is not None else default_name
        sample_kw = kw if not sheet_notes or name not in sheet_notes else \
            {**kw, "extra_warnings": list(kw.get("extra_warnings") or []) + sheet_notes[name]}
        info = sheet.lookup(name) if sheet is not None else None
        sample_sex = sex or (info.sex if info is not None else None)
        sex_source = "command line" if sex else ("sample sheet" if sample_sex else None)
        sample_panel = panel
        if sample_panel is None and info is not None and info.panel_bed:
            sample_panel = read_panel_bed(info.panel_bed)
        sample_purity = purity if purity is not None else (info.purity if info is not None else None)
        purity_source = "command line" if purity is not None else ("sample sheet" if sample_purity is not None
                                                                     else None)
        yield build_result(cns, sample=name, sex=sample_sex, sex_source=sex_source, sheet=sheet, panel=sample_panel,
                           purity=sample_purity,
                           purity_source=purity_source, **sample_kw)


def classify(path: str | Path, *, sample: str | None = None, **options: Any) -> SampleResult:
    """Classify one sample: gene calls, profile class, arm-level events, with evidence and provenance.

    ``path`` is a sample folder or an input file; ``options`` are those of :func:`classify_all`. When the
    input holds several samples, name one with ``sample`` (or use :func:`classify_all`).
    """
    results = classify_all(path, samples=[sample] if sample is not None else None, **options)
    if sample is not None:
        chosen = [r for r in results if r.sample == sample]
        if not chosen:
            raise UsageError(f"{path}: no sample {sample!r} (samples: {', '.join(r.sample for r in results[:20])})")
        return chosen[0]
    if len(results) > 1:
        raise UsageError(f"{path}: the input holds {len(results)} samples; pass sample= or use classify_all")
    return results[0]
