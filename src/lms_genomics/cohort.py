"""Cohorts: many samples through the same path, in parallel, then a cohort summary.

``discover`` finds the work (every sample folder below a directory, every sample of a multi-sample file),
``run_cohort`` classifies it in worker processes (or in-process with ``jobs=1``, or on a Dask cluster) and
yields one :class:`SampleOutcome` per sample as they finish; a failed sample is recorded and the others go on.
Each worker writes its sample's outputs and returns only a small summary row and a binned gain/loss vector,
so the parent's memory does not grow with the cohort.
"""

from __future__ import annotations

import json
import os
import traceback
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ._version import __version__
from .errors import InputError, LmsgenError, NoInputError, UsageError
from .genome import CHROM_SIZES, CHROMOSOMES, KEY_GENES, sha256_file

#: Bin size of the genome-wide gain/loss frequency (1 Mb).
FREQUENCY_BIN = 1_000_000
_AUTOSOMES = CHROMOSOMES[:22]
_BIN_OFFSETS = np.cumsum([0] + [CHROM_SIZES[c] // FREQUENCY_BIN + 1 for c in _AUTOSOMES])
N_BINS = int(_BIN_OFFSETS[-1])
#: Most samples of a multi-sample file one worker takes at a time. Each batch re-reads the file (~0.5 s per
#: 20 MB), and holds its samples' segments (~40 MB for 1,000 SNP-array samples).
BATCH_SAMPLES = 1000
#: Roles that make a folder a sample (a sample sheet alone does not).
SAMPLE_ROLES = frozenset({"copy_number", "probes", "variants", "fusions"})
#: cohort.tsv columns of the genome-wide scores (``profile.scores``, research use), in this order.
SCORE_COLUMNS = ("avg_cn", "wgd", "lst", "nlst", "hrd", "hr_loh", "gloh", "td", "td_plus", "mb_altered")


@dataclass(frozen=True)
class WorkUnit:
    """One input to classify: a sample folder or file, optionally restricted to some of its samples."""

    path: str
    samples: tuple[str, ...] | None = None


@dataclass
class SampleOutcome:
    """What happened to one sample."""

    sample: str
    status: str  # "ok", "failed" or "skipped" (outputs up to date, --resume)
    row: dict[str, Any]
    error: str | None = None
    outputs: list[str] = field(default_factory=list)
    bins: np.ndarray | None = None  # int8 per 1 Mb autosomal bin: -1 loss, 0, +1 gain


def discover(path: str | Path, out_dir: str | Path | None = None, jobs: int = 1) -> list[WorkUnit]:
    """Work units below ``path``: each folder that directly holds an input lmsgen reads is one sample (folders
    are walked recursively, symlinked folders are not followed; files are recognised by the reader registry,
    lmsgen's own outputs are not inputs); a multi-sample copy-number file is split into one batch of its samples
    per worker (more for very large files) so each batch reads the file once."""
    from .io.registry import detect

    p = Path(path)
    if not p.exists():
        raise UsageError(f"{p}: no such file or folder")
    if p.is_file():
        fmt = detect(p)
        return _file_units(p, fmt.name if fmt is not None and "copy_number" in fmt.roles else None, jobs)
    out = Path(out_dir).resolve() if out_dir is not None else None
    units: list[WorkUnit] = []
    for root, dirs, files in os.walk(p, followlinks=False):
        rootp = Path(root)
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and (out is None or (rootp / d).resolve() != out))
        found: dict[str, list[Path]] = {}
        copy_number: list[tuple[str, Path]] = []
        for f in sorted(files):
            if f.startswith("."):
                continue
            fmt = detect(rootp / f)
            if fmt is None or fmt.output or not (set(fmt.roles) & SAMPLE_ROLES or fmt.refusal):
                continue
            found.setdefault(fmt.name, []).append(rootp / f)
            if "copy_number" in fmt.roles:
                copy_number.append((fmt.name, rootp / f))
        if not found:
            continue
        multi = len(copy_number) == 1 and len(found) == 1 and _sample_names(copy_number[0][1], copy_number[0][0])
        if multi and len(multi) > 1:
            units += _file_units(copy_number[0][1], copy_number[0][0], jobs, multi)
        else:
            units.append(WorkUnit(str(rootp)))
    return units


def _sample_names(path: Path, format_name: str) -> list[str]:
    """Sample names of a multi-sample copy-number file (the format's own listing; [] when it has none)."""
    from .io.registry import format_named

    fmt = format_named(format_name)
    try:
        return fmt.list_samples(path) if fmt.list_samples is not None else []
    except LmsgenError:
        return []  # the worker will report the error for this file


def _file_units(path: Path, format_name: str | None, jobs: int, names: list[str] | None = None) -> list[WorkUnit]:
    if format_name is None:
        return [WorkUnit(str(path))]
    names = names if names is not None else _sample_names(path, format_name)
    if len(names) <= 1:
        return [WorkUnit(str(path))]
    # Each batch streams the whole file once (~45 ms per MB) and keeps only its samples' rows: as few batches
    # as keep every worker busy, at most BATCH_SAMPLES samples each, so a worker's memory is bounded whatever
    # the file's size.
    jobs = max(jobs, 1)
    n_batches = min(len(names), jobs * max(1, -(-len(names) // (BATCH_SAMPLES * jobs))))
    size = -(-len(names) // n_batches)
    return [WorkUnit(str(path), tuple(names[i:i + size])) for i in range(0, len(names), size)]


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


def summary_row(doc: dict[str, Any]) -> dict[str, Any]:
    """One cohort.tsv row from a sample's JSON document."""
    qc = doc.get("qc", {})
    verdict = qc.get("verdict", "pass")
    row: dict[str, Any] = {"sample": doc["sample"], "status": "ok",
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


def _bins(doc_segments: list[dict[str, Any]]) -> np.ndarray:
    """Gain (+1) / loss (−1) per 1 Mb autosomal bin from the profile's anomaly segments."""
    v = np.zeros(N_BINS, dtype=np.int8)
    for a in doc_segments:
        c = a["chrom"]
        if c not in _AUTOSOMES:
            continue
        off = _BIN_OFFSETS[_AUTOSOMES.index(c)]
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
    summary = CohortSummary()
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
            outcome = SampleOutcome(doc["sample"], "ok", summary_row(doc), outputs=[str(path)], bins=_doc_bins(doc))
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


def _input_digest(unit: WorkUnit) -> dict[str, str]:
    from .sample import find_inputs

    inputs = find_inputs(unit.path)
    return {str(f): sha256_file(f) for files in inputs.files.values() for f in files}


def _up_to_date(json_path: Path, digest: dict[str, str], thresholds: dict[str, Any]) -> dict[str, Any] | None:
    try:
        doc = json.loads(json_path.read_text())
    except (OSError, ValueError):
        return None
    prov = doc.get("provenance", {})
    if prov.get("lmsgen_version") != __version__ or prov.get("thresholds") != thresholds:
        return None
    used = {i["path"]: i["sha256"] for i in prov.get("inputs", [])}
    if not used or any(digest.get(p) != sha for p, sha in used.items()):
        return None
    return doc


def process_unit(unit: WorkUnit, out_dir: str, options: dict[str, Any], resume: bool = False) -> list[SampleOutcome]:
    """Classify one work unit and write its outputs; never raises (errors become failed outcomes)."""
    from .io.text import stem_of
    from .naming import claim_stem, claimed_stem
    from .report.writers import safe_file_stem, write_outputs
    from .sample import iter_classify
    from .thresholds import DEFAULT_THRESHOLDS

    name = Path(unit.path).name
    try:
        thresholds = options.get("thresholds") or DEFAULT_THRESHOLDS
        if resume:
            digest = _input_digest(unit)
            names = list(unit.samples) if unit.samples else [Path(unit.path).name if Path(unit.path).is_dir()
                                                             else stem_of(unit.path)]
            docs = [_up_to_date(Path(out_dir) / f"{claimed_stem(out_dir, n, unit.path) or safe_file_stem(n)}.json",
                                digest, thresholds.as_dict()) for n in names]
            if all(d is not None for d in docs):
                return [SampleOutcome(d["sample"], "skipped", summary_row(d), bins=_doc_bins(d))
                        for d in docs if d is not None]
        results = iter_classify(unit.path, samples=list(unit.samples) if unit.samples else None,
                                skip_missing_samples=True, **options)
        outcomes = []
        for r in results:
            stem, clash = claim_stem(out_dir, r.sample, unit.path)  # never another sample's files (issue 15)
            if clash:
                r.warnings.append(clash)
            doc = r.to_dict()
            written = write_outputs(r, out_dir, doc=doc, indent=None, stem=stem)
            outcomes.append(SampleOutcome(r.sample, "ok", summary_row(doc), outputs=[str(w) for w in written],
                                          bins=_doc_bins(doc)))
        done = {o.sample for o in outcomes}
        for n in unit.samples or ():
            if n not in done:  # every row of this sample was dropped (unplaced contigs, no log2 value)
                message = f"{unit.path}: sample {n!r} has no usable segment"
                outcomes.append(_failed(n, message))
        return outcomes
    except LmsgenError as exc:
        message = exc.one_line()
    except Exception as exc:  # a bug: record it with its place, keep the cohort going
        tb = traceback.extract_tb(exc.__traceback__)[-1]
        message = (f"internal error: {type(exc).__name__}: {' '.join(str(exc).split())} "
                   f"({Path(tb.filename).name}:{tb.lineno})")
    names = list(unit.samples) if unit.samples else [name]
    return [_failed(n, message) for n in names]


def _failed(sample: str, message: str) -> SampleOutcome:
    return SampleOutcome(sample, "failed", {"sample": sample, "status": "failed", "contribution": "failed",
                                            "error": message}, error=message)


def _local_run(units: list[WorkUnit], out_dir: str, options: dict[str, Any], jobs: int,
               resume: bool) -> Iterator[SampleOutcome]:
    if jobs <= 1:
        for u in units:
            yield from process_unit(u, out_dir, options, resume)
        return
    # Import the calling path once here: forked workers inherit it instead of importing it each.
    from . import sample  # noqa: F401
    from .report import writers  # noqa: F401

    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending = set()
        it = iter(units)
        # Keep at most 2 units per worker in flight: memory stays flat for 10,000 samples.
        for u in it:
            pending.add(pool.submit(process_unit, u, out_dir, options, resume))
            if len(pending) >= 2 * jobs:
                break
        while pending:
            done, pending = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield from fut.result()
                nxt = next(it, None)
                if nxt is not None:
                    pending.add(pool.submit(process_unit, nxt, out_dir, options, resume))


#: Times Dask runs a task again after it raised. ``process_unit`` turns every error of a sample into a failed
#: outcome, so what raises is the task itself failing on its worker (e.g. a worker that cannot import lmsgen);
#: another worker may succeed. A worker that dies mid-task (killed, out of memory) is a different case: the
#: scheduler re-runs the task on another worker by itself, up to ``distributed.scheduler.allowed-failures``
#: (default 3) deaths, after which the unit's samples are recorded as failed and the cohort goes on.
DASK_RETRIES = 2


def _dask_run(units: list[WorkUnit], out_dir: str, options: dict[str, Any], scheduler: str,
              resume: bool) -> Iterator[SampleOutcome]:
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise UsageError("the Dask backend needs the 'dask' extra: pip install 'lmsgen[dask]'") from None
    cluster = None
    try:
        if scheduler == "local":
            cluster = LocalCluster(n_workers=max(1, (os.cpu_count() or 1)), threads_per_worker=1,
                                   dashboard_address=None, processes=True)
            client = Client(cluster)
        else:
            client = Client(scheduler, timeout="20s")
    except OSError as exc:
        raise UsageError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
    try:
        futures = client.map(process_unit, units, out_dir=out_dir, options=options, resume=resume, pure=False,
                             retries=DASK_RETRIES)
        unit_of = {fut.key: unit for fut, unit in zip(futures, units, strict=True)}
        pending = as_completed(futures)
        del futures  # each result is let go once read: a worker lost later does not make Dask compute it again
        for fut in pending:
            try:
                outcomes = fut.result()
            except Exception as exc:  # the task never returned: its worker kept dying, or it cannot run there
                outcomes = _dask_failed(unit_of[fut.key], exc)
            fut.release()
            yield from outcomes
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _dask_failed(unit: WorkUnit, exc: Exception) -> list[SampleOutcome]:
    """Failed outcomes for every sample of a unit whose Dask task did not return."""
    if type(exc).__name__ == "KilledWorker":
        reason = (f"the Dask worker running it died {getattr(exc, 'allowed_failures', 0) + 1} time(s) "
                  f"(out of memory or killed?); not classified")
    else:
        detail = " ".join(str(exc).split())
        reason = f"the Dask task failed after {DASK_RETRIES} retries: {type(exc).__name__}: {detail}"
    names = list(unit.samples) if unit.samples else [Path(unit.path).name]
    return [_failed(n, f"{unit.path}: {reason}") for n in names]


def run_cohort(units: Iterable[WorkUnit], out_dir: str | Path, *, jobs: int = 1, scheduler: str | None = None,
               resume: bool = False, options: dict[str, Any] | None = None,
               on_outcome: Callable[[SampleOutcome], None] | None = None) -> Iterator[SampleOutcome]:
    """Classify every unit, writing per-sample outputs into ``out_dir``; yields outcomes as they finish.

    ``jobs``: worker processes (1 = in-process). ``scheduler``: a Dask scheduler address
    (``tcp://host:port``) or ``"local"`` for a local Dask cluster, instead of the process pool.
    ``options``: keyword arguments of :func:`lms_genomics.sample.classify_all`.
    """
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    units = list(units)
    opts = dict(options or {})
    runner = (_dask_run(units, str(out_dir), opts, scheduler, resume) if scheduler
              else _local_run(units, str(out_dir), opts, jobs, resume))
    for outcome in runner:
        if on_outcome is not None:
            on_outcome(outcome)
        yield outcome
