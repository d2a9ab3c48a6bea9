"""Cohorts: many samples through the same path, in parallel, then a cohort summary.

``discover`` finds the work: every sample folder below a directory (a folder is a unit its worker reads), and every
multi-sample copy-number file (given itself, or alone in its folder with that folder's sample sheet). ``run_cohort``
classifies it and yields one :class:`SampleOutcome` per sample as each finishes; a failed sample is recorded and the
others go on.

A multi-sample file is read once, by the parent (its array reader, :mod:`lms_genomics.io.cn_arrays`), and its samples'
segments go to the workers as small numpy arrays, a chunk of samples at a time; each worker writes its samples'
outputs and sends back, per sample, a small summary row and a binned gain/loss vector, so the progress moves per
sample and the parent's memory does not grow with the cohort. No step re-reads a file, nothing is quadratic in the
number of samples. Worker processes (``jobs``, default: the available cores) are forked once; in-process with
``jobs=1``; or on a Dask cluster.
"""

from __future__ import annotations

import dataclasses
import json
import multiprocessing
import os
import signal
import time
import traceback
from collections.abc import Callable, Iterable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any

import numpy as np

from .errors import InputError, LmsgenError, NoInputError, UsageError
from .genome import CHROM_SIZES, CHROMOSOMES, KEY_GENES
from .naming import NamePlan, OutputName

#: Bin size of the genome-wide gain/loss frequency (1 Mb).
FREQUENCY_BIN = 1_000_000
_AUTOSOMES = CHROMOSOMES[:22]
_BIN_OFFSETS = np.cumsum([0] + [CHROM_SIZES[c] // FREQUENCY_BIN + 1 for c in _AUTOSOMES])
N_BINS = int(_BIN_OFFSETS[-1])
_BIN_OFFSET_OF = {c: int(o) for c, o in zip(_AUTOSOMES, _BIN_OFFSETS[:-1].tolist(), strict=True)}
#: Most samples of a multi-sample file in one task (a chunk sent to a worker): chunks are sized so that every
#: worker gets several (load balance) but each carries a few samples (one message instead of many).
CHUNK_SAMPLES = 16
#: A worker sends the outcomes it has written at most this often (seconds), and at the end of each task: each
#: sample still reaches the progress bar (redrawn at most 10 times a second) within 0.05 s of being written, and
#: the parent is woken ~20 times a second per worker instead of once per sample (at ~4 ms a sample, each wake-up
#: took a core from the workers: on 2 cores the parent's share fell from ~0.7 to ~0.4 s of CPU per 1,000 samples).
#: A worker that dies with written samples not yet reported: the parent reads them back (:func:`_recovered`).
SEND_INTERVAL = 0.05
#: A copy-number file alone in its folder and larger than this is read by the parent and its samples split among
#: the workers; a smaller one is read by the worker that classifies its folder (folders of single-sample exports
#: are read in parallel).
SPLIT_BYTES = 256 * 1024
#: Roles that make a folder a sample (a sample sheet alone does not).
SAMPLE_ROLES = frozenset({"copy_number", "probes", "variants", "fusions"})
#: cohort.tsv columns of the genome-wide scores (``profile.scores``, research use), in this order.
SCORE_COLUMNS = ("avg_cn", "wgd", "lst", "nlst", "hrd", "hr_loh", "gloh", "td", "td_plus", "mb_altered")


def available_cores() -> int:
    """The cores this process may run on (``os.sched_getaffinity``; ``os.cpu_count`` where it does not exist)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - macOS, Windows
        return max(1, os.cpu_count() or 1)


@dataclass(frozen=True)
class WorkUnit:
    """One input to classify: a sample folder or an input file, optionally restricted to some of its samples.

    ``copy_number`` names a multi-sample copy-number file the parent reads and splits: the file itself is then
    ``path``, or ``path`` is the folder holding it, whose context (sample sheet, files ignored) its samples have,
    exactly as ``lmsgen classify FOLDER`` gives them."""

    path: str
    samples: tuple[str, ...] | None = None
    copy_number: str | None = None
    #: The output name of each sample, decided by the parent before dispatch (:class:`~lms_genomics.naming.NamePlan`):
    #: (sample, name) pairs; the sample is None for a unit of one sample, whatever its files call it.
    output_names: tuple[tuple[str | None, OutputName], ...] = ()


@dataclass
class SampleOutcome:
    """What happened to one sample."""

    sample: str
    status: str  # "ok", "failed" or "skipped" (outputs up to date, --resume)
    row: dict[str, Any]
    error: str | None = None
    outputs: list[str] = field(default_factory=list)
    bins: np.ndarray | None = None  # int8 per 1 Mb autosomal bin: -1 loss, 0, +1 gain
    #: The sample's rows of the cohort's gathered tables (``genes.tsv``, ``variants.tsv``, ``igv.seg``:
    #: :func:`lms_genomics.report.writers.sample_tables`), written into ``cohort.<name>``.
    tables: dict[str, str] = field(default_factory=dict)


def discover(path: str | Path, out_dir: str | Path | None = None, jobs: int = 1) -> list[WorkUnit]:
    """Work units below ``path``: each folder that directly holds an input lmsgen reads is one unit (folders are
    walked recursively, symlinked folders are not followed; files are recognised by the reader registry, lmsgen's
    own outputs are not inputs). A copy-number file given itself, or alone in its folder (a sample sheet beside it
    is its context) and larger than :data:`SPLIT_BYTES`, is a unit the parent reads once and splits per sample.
    Nothing is read but each file's head; ``jobs`` is accepted for older callers (units do not depend on it)."""
    from .io.registry import detect

    p = Path(path)
    if not p.exists():
        raise UsageError(f"{p}: no such file or folder")
    if p.is_file():
        fmt = detect(p)
        split = fmt is not None and "copy_number" in fmt.roles and fmt.refusal is None
        return [WorkUnit(str(p), copy_number=str(p) if split else None)]
    out = Path(out_dir).resolve() if out_dir is not None else None
    units: list[WorkUnit] = []
    for root, dirs, files in os.walk(p, followlinks=False):
        rootp = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (out is None or (rootp / d).resolve() != out))
        found: dict[str, list[Path]] = {}
        copy_number: list[Path] = []
        for f in sorted(files):
            if f.startswith("."):
                continue
            fmt = detect(rootp / f)
            if fmt is None or fmt.output or not (set(fmt.roles) & SAMPLE_ROLES or fmt.refusal):
                continue
            found.setdefault(fmt.name, []).append(rootp / f)
            if "copy_number" in fmt.roles and fmt.refusal is None:
                copy_number.append(rootp / f)
        if not found:
            continue
        alone = len(copy_number) == 1 and sum(map(len, found.values())) == 1
        if alone and copy_number[0].stat().st_size > SPLIT_BYTES:
            units.append(WorkUnit(str(rootp), copy_number=str(copy_number[0])))
        else:
            units.append(WorkUnit(str(rootp)))
    return units


def unit_samples(unit: WorkUnit) -> list[str] | None:
    """The samples of a unit whose input is one multi-sample copy-number file (given itself, or alone in its folder),
    listed by the file's format (which reads it); None for a sample folder or a single-sample file. For planners that
    must name every sample before anything runs (``workflows/Snakefile``); ``lmsgen cohort`` does not list them: it
    reads each file once, when it classifies it."""
    from .io.registry import detect

    if unit.samples:
        return list(unit.samples)
    path = lone_copy_number(unit)
    if path is None:
        return None
    fmt = detect(path)
    if fmt is None or fmt.list_samples is None:
        return None
    try:
        names = fmt.list_samples(path)
    except LmsgenError:
        return None  # the classify job reports the error for this file
    return names if len(names) > 1 else None


def lone_copy_number(unit: WorkUnit) -> Path | None:
    """The unit's copy-number file when it is the unit's only input (the file given itself, or alone in its
    folder but for a sample sheet), else None. Reads only the files' heads."""
    from .io.registry import detect

    path = Path(unit.copy_number or unit.path)
    if path.is_dir():
        found = [f for f in sorted(path.iterdir()) if f.is_file() and not f.name.startswith(".")]
        fmts = [(f, detect(f)) for f in found]
        used = [(f, fmt) for f, fmt in fmts if fmt is not None and not fmt.output
                and (set(fmt.roles) & SAMPLE_ROLES or fmt.refusal)]
        if len(used) != 1 or "copy_number" not in used[0][1].roles:  # type: ignore[union-attr]
            return None
        path = used[0][0]
    return path


#: Label of each allele class in the cohort's mutation columns, in listing order.
MUTATION_LABELS = {"damaging": "damaging", "vus": "VUS", "unknown": "unannotated", "polymorphism": "polymorphism"}


def mutation_summary(variants: list[dict[str, Any]], gene: str) -> str:
    """``p.(Met246Val) VAF 0.38 (damaging), p.(Pro72Arg) VAF 0.99 (polymorphism)`` for one gene, or ``none``.

    Lists the gene's alleles with reads that are reportable hits (damaging), reportable alleles of uncertain
    significance or without annotation, and known polymorphisms, each labelled; benign changes (synonymous, UTR)
    and filtered calls are left out. A damaging allele is written ``(damaging)``: count those for "mutated"."""
    rows = []
    for v in variants:
        if v.get("gene") != gene or not (v.get("alt_reads") or 0) > 0:
            continue
        cls = v.get("classification") or ("damaging" if v.get("damaging") else "unknown")
        if cls == "polymorphism" or (v.get("polymorphism") and cls != "damaging"):
            cls = "polymorphism"
        elif not v.get("reportable") or cls not in MUTATION_LABELS:
            continue
        name = v.get("hgvs_p") or v.get("hgvs_c") or f"{v.get('chrom')}:{v.get('pos')} {v.get('ref')}>{v.get('alt')}"
        if v.get("hgvs_p") in ("p.?", None) and v.get("hgvs_c"):
            name = v["hgvs_c"]
        vaf = v.get("vaf")
        rows.append((list(MUTATION_LABELS).index(cls),
                     f"{name} VAF {vaf:.2f} ({MUTATION_LABELS[cls]})" if vaf is not None else
                     f"{name} ({MUTATION_LABELS[cls]})"))
    return ", ".join(text for _, text in sorted(rows, key=lambda x: x[0])) or "none"


def summary_row(doc: dict[str, Any], name: OutputName | None = None) -> dict[str, Any]:
    """One cohort.tsv row from a sample's JSON document; ``name``: its output name in the cohort (``input``,
    ``outputs``), else the input its provenance records (``provenance.source``, else its first input file)."""
    qc = doc.get("qc", {})
    verdict = qc.get("verdict", "pass")
    row: dict[str, Any] = {"sample": doc["sample"], "input": name.input if name is not None else _input_of(doc),
                           "outputs": name.stem if name is not None else "", "status": "ok",
                           "contribution": "non-contributory" if verdict == "fail" else "contributory",
                           "qc_verdict": verdict, "qc_reasons": "; ".join(qc.get("reasons", []))}
    from .calling.qc import assay_verdicts  # issue 15: each assay's QC, for counts of contributory assays

    row.update(assay_verdicts(doc))
    prof = doc.get("profile")
    if isinstance(prof, dict):
        row.update({"class": prof["class"], "A": prof["anomalies"], "C": prof["chromosomes"],
                    "GI": prof["genomic_index"], "FGA": prof["fga"]})
    else:
        row.update({"class": "not_assessed", "A": None, "C": None, "GI": None, "FGA": None})
    scores = prof.get("scores") if isinstance(prof, dict) else None
    for key in SCORE_COLUMNS:  # "not_assessed" stays as written; no copy-number input: empty
        value = scores.get(key) if isinstance(scores, dict) else None
        row[key] = {True: "yes", False: "no"}.get(value, value) if isinstance(value, bool) else value
    genes = doc.get("genes")
    for g in KEY_GENES:
        row[g] = genes[g]["call"] if isinstance(genes, dict) and g in genes else "not_assessed"
        if isinstance(genes, dict) and g in genes and genes[g].get("copy_number") is not None:
            row[f"{g}_cn"] = round(float(genes[g]["copy_number"]), 2)
    variants = doc.get("variants")
    for g in ("TP53", "RB1"):
        if isinstance(variants, list):
            row[f"{g}_mutations"] = mutation_summary(variants, g)
        else:
            row[f"{g}_mutations"] = "not_assessed"
        b = doc.get("biallelic", {}).get(g, {})
        row[f"{g}_biallelic"] = {True: "yes", False: "no"}.get(b.get("biallelic"), "unknown")
    fusions = doc.get("fusions")
    if isinstance(fusions, list):
        rep = [f"{f['gene5']}::{f['gene3']}" for f in fusions if f.get("reported")]
        row["fusions"] = ", ".join(rep) or "none detected"
    else:
        row["fusions"] = "not_assessed"
    row["error"] = ""
    return row


def _input_of(doc: dict[str, Any]) -> str:
    """The input a result records: ``provenance.source.input`` (written by ``lmsgen cohort``), else the path of its
    first input file (``lmsgen classify``)."""
    prov = doc.get("provenance") or {}
    source = prov.get("source")
    if isinstance(source, dict) and isinstance(source.get("input"), str):
        return source["input"]
    inputs = prov.get("inputs") or []
    first = inputs[0] if inputs and isinstance(inputs[0], dict) else {}
    return str(first.get("path") or "")


def _bins(doc_segments: list[dict[str, Any]]) -> np.ndarray:
    """Gain (+1) / loss (−1) per 1 Mb autosomal bin from the profile's anomaly segments."""
    v = np.zeros(N_BINS, dtype=np.int8)
    for a in doc_segments:
        off = _BIN_OFFSET_OF.get(a["chrom"])
        if off is None:  # not an autosome
            continue
        lo, hi = off + a["start"] // FREQUENCY_BIN, off + (a["end"] - 1) // FREQUENCY_BIN + 1
        v[lo:hi] = 1 if a["state"] in ("gain", "amp") else -1
    return v


def _doc_bins(doc: dict[str, Any]) -> np.ndarray:
    """The gain/loss bins of a sample's JSON document (all 0 without a copy-number profile)."""
    prof = doc.get("profile")
    return _bins(prof.get("anomaly_segments", []) if isinstance(prof, dict) else [])


def summarize_results(paths: Iterable[str | Path], out_dir: str | Path) -> tuple[Any, dict[str, Any], list[Path],
                                                                                 list[str]]:
    """Write ``cohort.tsv`` and ``cohort.html`` from per-sample result JSONs already written, without classifying
    again (the gather step of a workflow that ran ``lmsgen classify`` per sample, or a cheap re-summary).

    ``paths``: result JSON files, or folders whose ``*.json`` files are read (those that are not lmsgen results,
    schema ``lmsgen.sample/1``, are passed over; a named file must be one). Rows and gain/loss frequencies are
    those ``lmsgen cohort`` writes for the same documents. Returns (table, counts, written paths, notes); the
    notes say when a sample name occurs in several results or the results were made with different lmsgen
    versions or thresholds (their calls are then not comparable). Raises :class:`InputError` for an unreadable
    or malformed result and :class:`NoInputError` when there is none.
    """
    from .report.cohort_report import CohortSummary
    from .result import SCHEMA

    paths = list(paths)
    summary = CohortSummary(out_dir)
    files_of: dict[str, list[str]] = {}
    made_with: dict[tuple[Any, str], int] = {}
    for path, named in _result_candidates(paths):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise InputError(path, f"cannot read: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise InputError(path, f"not valid JSON ({' '.join(str(exc).split())})") from None
        if not isinstance(doc, dict) or doc.get("schema") != SCHEMA:
            if named:
                raise InputError(path, f"not an lmsgen result (schema {SCHEMA} expected)")
            continue
        try:
            row = summary_row(doc)
            row["outputs"] = path.name.removesuffix(".json")
            outcome = SampleOutcome(doc["sample"], "ok", row, outputs=[str(path)], bins=_doc_bins(doc),
                                    tables=_doc_tables(doc))
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise InputError(path, f"malformed lmsgen result ({type(exc).__name__}: {exc})") from None
        summary.add(outcome)
        files_of.setdefault(str(doc["sample"]), []).append(path.name)
        prov = doc.get("provenance") or {}
        key = (prov.get("lmsgen_version"), json.dumps(prov.get("thresholds"), sort_keys=True))
        made_with[key] = made_with.get(key, 0) + 1
    if not files_of:
        raise NoInputError(f"{', '.join(str(p) for p in paths)}: no lmsgen result JSON found")
    notes = [f"sample {name!r} occurs in {len(files)} results ({', '.join(files)}): counted {len(files)} times"
             for name, files in sorted(files_of.items()) if len(files) > 1]
    if len(made_with) > 1:
        versions = sorted({str(v) for v, _ in made_with})
        notes.append(f"the results were made with {len(made_with)} different combinations of lmsgen version "
                     f"({', '.join(versions)}) and thresholds: their calls are not comparable; re-run them together")
    table, counts, written = summary.write(out_dir)
    return table, counts, written, notes


def _result_candidates(paths: Iterable[str | Path]) -> Iterator[tuple[Path, bool]]:
    """(file, named explicitly) for each JSON to read: named files as given, folders' ``*.json`` by name."""
    for p in map(Path, paths):
        if p.is_dir():
            for f in sorted(p.glob("*.json")):
                if f.is_file() and not f.name.startswith("."):
                    yield f, False
        elif p.is_file():
            yield p, True
        else:
            raise UsageError(f"{p}: no such file or folder")


#: Outputs a result has beside its JSON, by what the JSON holds (``lmsgen cohort`` rewrites a missing one).
#: A sample's own outputs of earlier versions, removed when found under its name (its rows are now in the cohort's
#: cohort.genes.tsv, cohort.variants.tsv and cohort.igv.seg).
_FORMER_OUTPUTS = (".genes.tsv", ".variants.tsv", ".igv.seg")


def expected_outputs(doc: dict[str, Any], stem: str) -> list[str]:
    """The file names a result document has in a cohort folder: ``<stem>.json`` (its gene calls, variants and
    segments go into the cohort's cohort.genes.tsv, cohort.variants.tsv and cohort.igv.seg, rewritten from the
    documents at every run)."""
    return [stem + ".json"]


def _up_to_date(out_dir: str, name: OutputName, key_of: Callable[[str], str]) -> dict[str, Any] | None:
    """The document of an earlier result under ``name`` when it is up to date: its ``provenance.result_key`` is
    the key computed now (``key_of(sample)``, the sample named in the document) and every output it has is
    present; else None (the sample is classified again and all its outputs rewritten)."""
    out = Path(out_dir)
    try:
        doc = json.loads((out / f"{name.stem}.json").read_text(encoding="utf-8"))
        recorded = doc["provenance"]["result_key"]
        sample = doc["sample"]
        if not isinstance(sample, str) or recorded != key_of(sample):
            return None
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not all((out / f).is_file() for f in expected_outputs(doc, name.stem)):
        return None
    return doc


def _unit_inputs(plan: Any) -> dict[str, str]:
    """SHA-256 of every data file of a unit (sample sheets included: a folder's own sheet concerns its samples)."""
    from .result_key import file_sha256

    return {str(f): file_sha256(f) for files in plan.inputs.files.values() for f in files}


def _unit_key_of(unit: WorkUnit, plan: Any, options: dict[str, Any]) -> Callable[[str], str]:
    """The result key of each sample of a unit classified whole (:mod:`lms_genomics.result_key`)."""
    from .result_key import canonical, result_key, sheet_part

    opts, inputs = canonical(options), _unit_inputs(plan)
    return lambda sample: result_key(options=opts, inputs=inputs, source=unit.path, sample=sample,
                                     sheet=sheet_part(plan.sheet, sample))


def _doc_tables(doc: dict[str, Any]) -> dict[str, str]:
    """The rows of the cohort's gathered tables of a result document (a skipped sample, or lmsgen summarize): the
    same rows its result gave when it was written."""
    from .report.writers import sample_tables
    from .result import SampleResult

    return sample_tables(SampleResult.from_dict(doc))


def _skipped(doc: dict[str, Any], name: OutputName) -> SampleOutcome:
    return SampleOutcome(doc["sample"], "skipped", summary_row(doc, name), bins=_doc_bins(doc), tables=_doc_tables(doc))


def _recovered(task: Any, sample: str, out_dir: str) -> SampleOutcome | None:
    """The outcome of a sample of a dead worker's chunk whose JSON is in place with this run's result key: written
    before the worker died but not yet reported (workers report in batches, :data:`SEND_INTERVAL`), read back so
    that only the samples it had not finished fail. None otherwise."""
    if not isinstance(task, SampleChunk) or sample not in task.output_names or sample not in task.keys:
        return None
    name = task.output_names[sample]
    doc = _up_to_date(out_dir, name, lambda s: task.keys[sample] if s == sample else "")
    if doc is None:
        return None
    return SampleOutcome(doc["sample"], "ok", summary_row(doc, name),
                         outputs=[str(Path(out_dir) / f"{name.stem}.json")], bins=_doc_bins(doc),
                         tables=_doc_tables(doc))


def _failed(sample: str, message: str, name: OutputName | None = None) -> SampleOutcome:
    return SampleOutcome(sample, "failed", {"sample": sample, "input": name.input if name is not None else "",
                                            "outputs": "", "status": "failed", "contribution": "failed",
                                            "error": message}, error=message)


def _bug(exc: Exception) -> str:
    """A one-line message for an unexpected exception (a bug), with where it happened."""
    tb = traceback.extract_tb(exc.__traceback__)[-1]
    return (f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
            f"({Path(tb.filename).name}:{tb.lineno})")


def _written(result: Any, out_dir: str, evidence: bool, name: OutputName, key: str) -> SampleOutcome:
    """Write one result's outputs (JSON last) under its planned name, with its result key and input in the
    provenance; an output of an earlier result under that name that this one does not have is removed (never
    left to pass for this sample's). Summarises it."""
    from .report import writers

    if name.warning:
        result.warnings.append(name.warning)
    result.provenance["result_key"] = key
    result.provenance["source"] = {"input": name.input}
    text, doc = writers.compact_json_bytes(result, evidence=evidence)
    written = writers.write_outputs(result, out_dir, doc=doc, indent=None, json_text=text, stem=name.stem,
                                    tables=False)
    have = {Path(w).name for w in written}
    for suffix in _FORMER_OUTPUTS:
        stale = Path(out_dir) / f"{name.stem}{suffix}"
        if stale.name not in have and stale.is_file() and _own_output(stale):
            with suppress(FileNotFoundError):
                stale.unlink()
    return SampleOutcome(result.sample, "ok", summary_row(doc, name), outputs=[str(w) for w in written],
                         bins=_doc_bins(doc), tables=writers.sample_tables(result))


def _own_output(path: Path) -> bool:
    """Whether a file is not an input lmsgen reads (an input is never removed, as it is never overwritten)."""
    from .io.registry import detect

    fmt = detect(path)
    return fmt is None or fmt.output


def _unit_names(unit: WorkUnit) -> list[str]:
    from .io.text import stem_of

    return list(unit.samples) if unit.samples else [Path(unit.path).name if Path(unit.path).is_dir()
                                                    else stem_of(unit.path)]


def name_unit(unit: WorkUnit, plan: NamePlan) -> WorkUnit:
    """The unit with its samples' output names from ``plan`` (in the parent, before dispatch). A unit of one
    sample is named after its folder (or file): known before anything is read. A multi-sample file classified
    whole (small, alone in its folder) is listed now, its samples named after themselves, in file order."""
    if unit.output_names:
        return unit
    listed = list(unit.samples) if unit.samples else _listed_samples(unit)
    if listed:
        where = lone_copy_number(unit) or Path(unit.path)
        names = tuple((n, plan.name(n, unit.path, path=where, sample=n)) for n in listed)
    else:
        names = ((None, plan.name(_unit_names(unit)[0], unit.path)),)
    return dataclasses.replace(unit, output_names=names)


def _listed_samples(unit: WorkUnit) -> list[str] | None:
    """The samples of a unit whose only input is a copy-number file small enough to be classified whole, when it
    holds several (read here, by the array readers: without pandas), else None. Only such files are read twice."""
    from .io.cn_arrays import read_copy_number_arrays
    from .io.registry import detect

    path = lone_copy_number(unit)
    fmt = detect(path) if path is not None else None
    if path is None or fmt is None or fmt.list_samples is None:
        return None
    try:
        names = (read_copy_number_arrays(fmt.name, path, check_build=False).named_samples
                 if fmt.name == "chas_segments" else fmt.list_samples(path))
    except LmsgenError:
        return None  # the worker reports the error for this unit
    return list(names) if len(names) > 1 else None


def _name_of(unit: WorkUnit, sample: str, taken: set[str]) -> OutputName | None:
    """The planned name of ``sample`` of a unit classified whole (the one name of a one-sample unit, once)."""
    names = dict(unit.output_names)
    if None in names:
        return None if taken else names[None]
    return names.get(sample)


def unit_outcomes(unit: WorkUnit, out_dir: str, options: dict[str, Any], resume: bool = False,
                  evidence: bool = False) -> Iterator[SampleOutcome]:
    """Classify one unit as ``lmsgen classify`` would (its folder, or its file) and write each sample's outputs
    under its planned name (:func:`name_unit`; planned here when the caller did not), yielding each sample's
    outcome as soon as it is written; never raises (errors become failed outcomes). With ``resume``, a unit whose
    every sample is up to date (same result key, every output present) is skipped."""
    unit = name_unit(unit, NamePlan(Path(unit.path).parent))
    planned = dict(unit.output_names)
    done: set[str] = set()
    try:
        plan = _plan_of(unit, options)
        key_of = _unit_key_of(unit, plan, options)
        if resume:
            docs = [(_up_to_date(out_dir, name, key_of), name) for name in planned.values()]
            if all(d is not None for d, _ in docs):
                yield from (_skipped(d, name) for d, name in docs if d is not None)
                return
        for r in plan.results(plan.read_copy_number()):
            name = _name_of(unit, r.sample, done)
            done.add(r.sample)
            if name is None:
                yield _failed(r.sample, f"{unit.path}: sample {r.sample!r} was not in the input when the cohort "
                                        f"was planned (did the input change during the run?); not written")
                continue
            yield _written(r, out_dir, evidence, name, key_of(r.sample))
        for n in unit.samples or ():
            if n not in done:  # every row of this sample was dropped (unplaced contigs, no log2 value)
                yield _failed(n, f"{unit.path}: sample {n!r} has no usable segment", planned.get(n))
        return
    except LmsgenError as exc:
        message = exc.one_line()
    except Exception as exc:  # a bug: record it with its place, keep the cohort going
        message = _bug(exc)
    if None in planned:
        if not done:
            yield _failed(_unit_names(unit)[0], message, planned[None])
        return
    yield from (_failed(n, message, name) for n, name in planned.items() if n is not None and n not in done)


def process_unit(unit: WorkUnit, out_dir: str, options: dict[str, Any], resume: bool = False,
                 evidence: bool = False) -> list[SampleOutcome]:
    """Classify one unit and write its outputs (:func:`unit_outcomes`, as a list: a Dask task's result)."""
    return list(unit_outcomes(unit, out_dir, options, resume, evidence))


@dataclass
class SampleChunk:
    """A few samples of a split copy-number file: their segments, the file's provenance and warnings (``cn``, its
    rows left out) and the unit whose context they have."""

    unit: WorkUnit
    cn: Any  # lms_genomics.io.cn_arrays.CopyNumberFile without rows
    samples: list[tuple[str, Any, dict[str, Any] | None]]  # (sample, SegmentArrays, log2 copy-number model)
    output_names: dict[str, OutputName] = field(default_factory=dict)  # planned by the parent
    keys: dict[str, str] = field(default_factory=dict)  # each sample's result key, computed by the parent
    # The file's sample-sheet check (this chunk's samples' notes only) and named-sample count, worked out by the
    # parent (SamplePlan.file_context): a chunk made by _split carries neither the file's sample list nor any
    # other per-sample list of the whole file, so its size does not grow with the cohort. None: worked out here.
    context: tuple[Any, int] | None = None

    @property
    def names(self) -> list[str]:
        return [name for name, _, _ in self.samples]


_PLANS: dict[tuple[WorkUnit, int], Any] = {}


def _plan_of(unit: WorkUnit, options: dict[str, Any]) -> Any:
    """The unit's :class:`~lms_genomics.sample.SamplePlan`, built once per process and options."""
    from .sample import plan_samples

    key = (unit, id(options))
    if key not in _PLANS:
        if len(_PLANS) >= 8:
            _PLANS.pop(next(iter(_PLANS)))
        _PLANS[key] = plan_samples(unit.path, samples=list(unit.samples) if unit.samples else None,
                                   skip_missing_samples=True, **options)
    return _PLANS[key]


def chunk_outcomes(chunk: SampleChunk, out_dir: str, options: dict[str, Any],
                   evidence: bool = False) -> Iterator[SampleOutcome]:
    """Classify the samples of a chunk and write their outputs, one outcome per sample as it is written; never
    raises (a sample that fails is recorded and the next goes on)."""
    try:
        plan = _plan_of(chunk.unit, options)
    except LmsgenError as exc:
        yield from (_failed(n, exc.one_line(), chunk.output_names.get(n)) for n in chunk.names)
        return
    except Exception as exc:  # a bug
        yield from (_failed(n, _bug(exc), chunk.output_names.get(n)) for n in chunk.names)
        return
    if not chunk.output_names:  # built by a caller, not planned by run_cohort: named here, in chunk order
        try:
            chunk = _planned_here(chunk, plan, options)
        except Exception as exc:  # a bug
            yield from (_failed(n, _bug(exc)) for n in chunk.names)
            return
    for name, segments, model in chunk.samples:
        out_name = chunk.output_names.get(name)
        try:
            if out_name is None or name not in chunk.keys:
                raise RuntimeError(f"sample {name!r} was sent without its planned output name or result key")
            yield _written(plan.result_for(chunk.cn, name, segments, model, chunk.context), out_dir, evidence,
                           out_name, chunk.keys[name])
        except LmsgenError as exc:
            yield _failed(name, exc.one_line(), out_name)
        except Exception as exc:  # a bug: record it with its place, keep the cohort going
            yield _failed(name, _bug(exc), out_name)


def _planned_here(chunk: SampleChunk, plan: Any, options: dict[str, Any]) -> SampleChunk:
    """A chunk with output names and result keys, for a chunk built without them (library callers)."""
    from .result_key import canonical, result_key, sheet_part

    names = NamePlan(Path(chunk.unit.path).parent)
    cn = chunk.cn
    opts = canonical(options)
    check = plan.sheet_check(list(cn.samples))
    warnings = check.warnings if check is not None else []
    return dataclasses.replace(chunk, output_names={
        n: names.name(n, chunk.unit.path, path=cn.path, sample=n) for n in chunk.names}, keys={
        n: result_key(options=opts, inputs={str(cn.path): cn.sha256}, source=chunk.unit.path, sample=n,
                      sheet=sheet_part(plan.sheet, n, warnings)) for n in chunk.names})


def process_samples(chunk: SampleChunk, out_dir: str, options: dict[str, Any],
                    evidence: bool = False) -> list[SampleOutcome]:
    """:func:`chunk_outcomes` as a list (a Dask task's result)."""
    return list(chunk_outcomes(chunk, out_dir, options, evidence))


# ------------------------------------------------------------------------------------------------ planning

#: What the parent hands the runners: a unit to classify whole, a chunk of a split file, or an outcome decided
#: in the parent (an unreadable file, a sample without a usable row, an up-to-date sample with ``resume``).
Task = WorkUnit | SampleChunk | SampleOutcome


def _split(unit: WorkUnit, out_dir: str, options: dict[str, Any], resume: bool, jobs: int,
           on_total: Callable[[int], None] | None, names: NamePlan) -> Iterator[Task]:
    """The tasks of a unit whose copy-number file the parent reads: the file is read once, each sample named
    (``names``, in file order) and keyed (:mod:`lms_genomics.result_key`), its rows sliced as they are handed
    out, in chunks of at most :data:`CHUNK_SAMPLES` samples."""
    from .result_key import canonical, result_key, sheet_part

    try:
        plan = _plan_of(unit, options)
        if not plan.copy_number_only():  # the folder changed since discovery: classified whole
            yield name_unit(unit, names)
            return
        cn = plan.read_copy_number()
        models = plan.models(cn)
        plan.check_panels()
        context = plan.file_context(cn)  # strict: a sheet that does not match fails the file here
        check = context[0]
    except LmsgenError as exc:
        yield from (_failed(n, exc.one_line(), names.name(n, unit.path)) for n in _unit_names(unit))
        return
    except Exception as exc:  # a bug
        yield from (_failed(n, _bug(exc), names.name(n, unit.path)) for n in _unit_names(unit))
        return
    wanted = set(unit.samples) if unit.samples else None
    if len(cn.named_samples) == 1 and wanted is None:  # one sample: named as a unit classified whole is
        only = cn.named_samples[0]
        planned = {only: (names.name(Path(unit.path).name, unit.path) if Path(unit.path).is_dir()
                          else names.name(only, unit.path))}
    else:
        planned = {n: names.name(n, unit.path, path=cn.path, sample=n) for n in cn.named_samples
                   if wanted is None or n in wanted}
    names_ = [n for n in cn.samples if wanted is None or n in wanted]
    usable, named = set(cn.samples), set(cn.named_samples)  # once: built inside the loops, 10,000 samples took 1.6 s
    unusable = [n for n in cn.named_samples if n not in usable and (wanted is None or n in wanted)]
    unusable += [n for n in unit.samples or () if n not in named]
    if on_total is not None:
        on_total(len(names_) + len(unusable) - 1)  # the unit was counted as one sample
    yield from (_failed(n, f"{unit.path}: sample {n!r} has no usable segment", planned.get(n)) for n in unusable)
    opts, sheet_warnings = canonical(options), (check.warnings if check is not None else [])
    keys: dict[str, str] = {}

    def key_of(n: str) -> str:  # computed as each sample is handed out: the first chunk leaves sooner
        if n not in keys:
            keys[n] = result_key(options=opts, inputs={str(cn.path): cn.sha256}, source=unit.path, sample=n,
                                 sheet=sheet_part(plan.sheet, n, sheet_warnings))
        return keys[n]

    skip: set[str] = set()
    if resume:
        for n in names_:
            doc = _up_to_date(out_dir, planned[n], lambda sample, n=n: key_of(n) if sample == n else "")
            if doc is not None:
                skip.add(n)
                yield _skipped(doc, planned[n])
    left = len(names_) - len(skip)
    # Chunks shrink as the file runs out (a quarter of each worker's share of what is left, at most
    # CHUNK_SAMPLES): the workers finish together instead of one waiting for the other's last full chunk.
    size = max(1, min(CHUNK_SAMPLES, left // (4 * max(jobs, 1))))
    chunk: list[tuple[str, Any, dict[str, Any] | None]] = []
    for name, segments in cn.by_sample(names_):
        if name in skip:
            continue
        chunk.append((name, segments, models.get(name)))
        if len(chunk) == size:
            yield _chunk(unit, cn, chunk, planned, key_of, context)
            left -= len(chunk)
            chunk = []
            size = max(1, min(CHUNK_SAMPLES, left // (4 * max(jobs, 1))))
    if chunk:
        yield _chunk(unit, cn, chunk, planned, key_of, context)


def _chunk(unit: WorkUnit, cn: Any, samples: list[tuple[str, Any, dict[str, Any] | None]],
           planned: dict[str, OutputName], key_of: Callable[[str], str], context: tuple[Any, int]) -> SampleChunk:
    """A chunk of ``cn``'s samples: ``cn`` without its rows nor its per-sample lists (the samples' own entries
    kept), the sheet check with these samples' notes only."""
    import dataclasses

    from .io.samplesheet import SheetCheck
    from .segarrays import SegmentArrays

    names = [n for n, _, _ in samples]
    check, n_named = context
    if check is not None:
        check = SheetCheck(check.warnings, {n: check.by_sample[n] for n in names if n in check.by_sample})
    meta = dataclasses.replace(cn, rows=SegmentArrays.empty(), sample_of=np.empty(0, np.int64), samples=names,
                               listed=None, has_loh_rows=None if cn.has_loh_rows is None else
                               {n: cn.has_loh_rows[n] for n in names if n in cn.has_loh_rows})
    return SampleChunk(unit, meta, samples, {n: planned[n] for n in names}, {n: key_of(n) for n in names},
                       (check, n_named))


def _unit_order(unit: WorkUnit) -> tuple[tuple[str, ...], str]:
    return Path(os.path.abspath(unit.path)).parts, unit.copy_number or ""


def _tasks(units: list[WorkUnit], out_dir: str, options: dict[str, Any], resume: bool, jobs: int,
           on_total: Callable[[int], None] | None, root: str | Path | None = None) -> Iterator[Task]:
    """The tasks, in a fixed order (units sorted by path, a file's samples in file order), each sample's output
    name decided here, in the parent, before its task is dispatched (:class:`~lms_genomics.naming.NamePlan`)."""
    if root is None and units:
        paths = [os.path.abspath(u.path) for u in units]
        root = os.path.commonpath(paths) if len(paths) > 1 else os.path.dirname(paths[0])
    names = NamePlan(root)
    for unit in sorted(units, key=_unit_order):
        if unit.copy_number is not None:
            yield from _split(unit, out_dir, options, resume, jobs, on_total, names)
        else:
            yield name_unit(unit, names)


def _run_task(task: Task, out_dir: str, options: dict[str, Any], resume: bool,
              evidence: bool) -> Iterator[SampleOutcome]:
    if isinstance(task, SampleOutcome):
        yield task
    elif isinstance(task, SampleChunk):
        yield from chunk_outcomes(task, out_dir, options, evidence)
    else:
        yield from unit_outcomes(task, out_dir, options, resume, evidence)


def _task_names(task: Task) -> list[str]:
    if isinstance(task, SampleChunk):
        return task.names
    if isinstance(task, SampleOutcome):
        return [task.sample]
    return _unit_names(task)


# ------------------------------------------------------------------------------------------------ local runners

def _warm(options: dict[str, Any]) -> None:
    """Import the calling path and load the references once in the parent: forked workers inherit them."""
    from . import sample  # noqa: F401
    from .calling.cleaning import load_kit
    from .genome import arm_rows, load_genes
    from .report import iscn, writers  # noqa: F401

    with_genes = options.get("genes")
    if with_genes is None or isinstance(with_genes, (str, Path)):
        load_genes(with_genes)
    arm_rows(options.get("arms"))
    load_kit(options.get("arms"))
    iscn.cytobands()


def _worker_main(conn: Any, out_dir: str, options: dict[str, Any], resume: bool, evidence: bool) -> None:
    """A worker: run the tasks it is sent, one at a time, and send back each sample's outcome as it is written."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the parent is gone
            return
        if message is None:
            return
        task_id, task = message
        batch: list[SampleOutcome] = []
        sent = time.monotonic()
        for outcome in _run_task(task, out_dir, options, resume, evidence):
            batch.append(outcome)
            if time.monotonic() - sent >= SEND_INTERVAL:
                conn.send((task_id, batch))
                batch, sent = [], time.monotonic()
        if batch:
            conn.send((task_id, batch))
        conn.send((task_id, None))


@dataclass
class _Worker:
    process: Any
    conn: Any
    task: tuple[int, Task] | None = None
    reported: set[str] = field(default_factory=set)


def _pool_run(tasks: Iterator[Task], out_dir: str, options: dict[str, Any], jobs: int, resume: bool,
              evidence: bool) -> Iterator[SampleOutcome]:
    """Run tasks in ``jobs`` worker processes, one task in flight per worker, outcomes streamed per sample. A worker
    that dies (killed, out of memory) fails only the samples of its task it had not finished, and is replaced."""
    ctx = multiprocessing.get_context()

    def start() -> _Worker:
        parent, child = ctx.Pipe()
        proc = ctx.Process(target=_worker_main, args=(child, out_dir, options, resume, evidence), daemon=True)
        proc.start()
        child.close()
        return _Worker(proc, parent)

    workers = [start() for _ in range(jobs)]
    task_ids = iter(range(1 << 62))
    pending: Iterator[Task] = iter(tasks)
    exhausted = False
    try:
        while True:
            for w in workers:
                if w.task is None and not exhausted:
                    task = next(pending, None)
                    while isinstance(task, SampleOutcome):  # decided in the parent: nothing to send
                        yield task
                        task = next(pending, None)
                    if task is None:
                        exhausted = True
                        break
                    w.task, w.reported = (next(task_ids), task), set()
                    w.conn.send(w.task)
            busy = [w for w in workers if w.task is not None]
            if not busy:
                return
            ready = wait_for([w.conn for w in busy] + [w.process.sentinel for w in busy])
            for w in busy:
                if w.conn in ready:
                    try:
                        while w.task is not None and w.conn.poll():
                            task_id, batch = w.conn.recv()
                            if batch is None:
                                w.task = None
                                continue
                            for outcome in batch:
                                w.reported.add(outcome.sample)
                                yield outcome
                    except (EOFError, OSError):
                        pass  # died mid-message: handled below
                if w.task is not None and not w.process.is_alive():
                    code = w.process.exitcode
                    reason = (f"the worker process classifying it died (exit code {code}: out of memory or "
                              f"killed?); not classified")
                    for name in _task_names(w.task[1]):
                        if name not in w.reported:
                            yield _recovered(w.task[1], name, out_dir) or _failed(name, f"{name}: {reason}")
                    w.conn.close()
                    workers[workers.index(w)] = start()
    finally:
        for w in workers:
            with suppress(OSError, ValueError):  # a worker that died has no pipe left
                w.conn.send(None)
        for w in workers:
            w.process.join(timeout=5)
            if w.process.is_alive():
                w.process.terminate()
                w.process.join()


def _local_run(units: list[WorkUnit], out_dir: str, options: dict[str, Any], jobs: int, resume: bool,
               evidence: bool = False, on_total: Callable[[int], None] | None = None,
               root: str | Path | None = None) -> Iterator[SampleOutcome]:
    tasks = _tasks(units, out_dir, options, resume, jobs, on_total, root)
    if jobs <= 1:
        for task in tasks:
            yield from _run_task(task, out_dir, options, resume, evidence)
        return
    _warm(options)
    yield from _pool_run(tasks, out_dir, options, jobs, resume, evidence)


#: Times Dask runs a task again after it raised. ``process_unit`` and ``process_samples`` turn every error of a
#: sample into a failed outcome, so what raises is the task itself failing on its worker (e.g. a worker that cannot
#: import lmsgen, or one restarted under the task); another worker may succeed, and a task still failing then is
#: submitted once more after the others. A worker that dies mid-task (killed, out of memory) is a different case:
#: the scheduler re-runs the task on another worker by itself, up to ``distributed.scheduler.allowed-failures``
#: (default 3) deaths, after which the task's samples are recorded as failed and the cohort goes on.
DASK_RETRIES = 2


def _dask_run(units: list[WorkUnit], out_dir: str, options: dict[str, Any], scheduler: str, resume: bool,
              evidence: bool = False, on_total: Callable[[int], None] | None = None,
              root: str | Path | None = None) -> Iterator[SampleOutcome]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UsageError("the Dask backend needs the 'dask' extra: pip install 'lmsgen[dask]'") from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=available_cores(), threads_per_worker=1, dashboard_address=None,
                                   processes=True)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        jobs = max(1, len(client.scheduler_info().get("workers", {})))
        tasks = list(_tasks(units, out_dir, options, resume, jobs, on_total, root))  # split files read here, once
        yield from (t for t in tasks if isinstance(t, SampleOutcome))
        whole = [t for t in tasks if isinstance(t, WorkUnit)]
        chunks = [t for t in tasks if isinstance(t, SampleChunk)]
        futures = [*client.map(process_unit, whole, out_dir=out_dir, options=options, resume=resume,
                               evidence=evidence, pure=False, retries=DASK_RETRIES),
                   *client.map(process_samples, chunks, out_dir=out_dir, options=options, evidence=evidence,
                               pure=False, retries=DASK_RETRIES)]
        task_of: dict[Any, Task] = {fut.key: task for fut, task in zip(futures, [*whole, *chunks], strict=True)}
        pending = as_completed(futures)
        del futures  # each result is let go once read: a worker lost later does not make Dask compute it again
        again = []
        for fut in pending:
            try:
                outcomes = fut.result()
            except Exception as exc:  # the task never returned: its worker kept dying, or it cannot run there
                task = task_of[fut.key]
                if type(exc).__name__ == "KilledWorker":
                    outcomes = _dask_failed(task, exc)
                else:  # e.g. a worker restarted under it (Dask's retries spent): submitted once more, at the end
                    outcomes = []
                    again.append(task)
            fut.release()
            yield from outcomes
        for task in again:
            fut = client.submit(process_samples if isinstance(task, SampleChunk) else process_unit, task,
                                out_dir=out_dir, options=options, evidence=evidence, pure=False,
                                **({} if isinstance(task, SampleChunk) else {"resume": resume}))
            try:
                outcomes = fut.result()
            except Exception as exc:
                outcomes = _dask_failed(task, exc)
            fut.release()
            yield from outcomes
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_failed(task: Task, exc: Exception) -> list[SampleOutcome]:
    """Failed outcomes for every sample of a task whose Dask run did not return."""
    if type(exc).__name__ == "KilledWorker":
        reason = (f"the Dask worker running it died {getattr(exc, 'allowed_failures', 0) + 1} time(s) "
                  f"(out of memory or killed?); not classified")
    else:
        detail = " ".join(str(exc).split())
        reason = f"the Dask task failed after {DASK_RETRIES} retries: {type(exc).__name__}: {detail}"
    where = task.unit.path if isinstance(task, SampleChunk) else getattr(task, "path", "")
    return [_failed(n, f"{where}: {reason}") for n in _task_names(task)]


def run_cohort(units: Iterable[WorkUnit], out_dir: str | Path, *, jobs: int | None = None,
               scheduler: str | None = None, resume: bool = False, options: dict[str, Any] | None = None,
               evidence: bool = False, on_outcome: Callable[[SampleOutcome], None] | None = None,
               on_total: Callable[[int], None] | None = None, root: str | Path | None = None
               ) -> Iterator[SampleOutcome]:
    """Classify every unit, writing per-sample outputs into ``out_dir``; yields outcomes as they finish.

    ``jobs``: worker processes (default: the available cores; 1 = in-process). ``scheduler``: a Dask scheduler
    address (``tcp://host:port``) or ``"local"`` for a local Dask cluster, instead of the worker processes.
    ``options``: keyword arguments of :func:`lms_genomics.sample.classify_all`. ``evidence``: write each gene's
    evidence list into the per-sample JSON (default: lean documents, every other field kept). ``on_total(n)`` is
    called when the parent splits a multi-sample file: ``n`` more samples than its one unit (for a progress bar).
    ``root``: the cohort folder (or file) the ``input`` column of cohort.tsv is relative to (default: the units'
    common folder).

    Every sample's output name is decided here before any work is dispatched, in a fixed order (units sorted by
    path, then a file's samples in file order; :class:`~lms_genomics.naming.NamePlan`): ``-j 1``, ``-j N`` and
    Dask write the same files. With ``resume`` a sample is skipped when its result is up to date: its
    ``provenance.result_key`` equals the key of the current inputs and options (:mod:`lms_genomics.result_key`)
    and every output it has is present.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    units = list(units)
    opts = dict(options or {})
    jobs = available_cores() if jobs is None else max(1, jobs)
    _PLANS.clear()  # plans of an earlier run in this process (inputs, sheets) are never reused
    runner = (_dask_run(units, str(out_dir), opts, scheduler, resume, evidence, on_total, root) if scheduler
              else _local_run(units, str(out_dir), opts, jobs, resume, evidence, on_total, root))
    for outcome in runner:
        if on_outcome is not None:
            on_outcome(outcome)
        yield outcome
