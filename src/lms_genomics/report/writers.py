"""Atomic writers for the per-sample outputs (``<sample>.json``, ``<sample>.genes.tsv``, ``<sample>.variants.tsv``,
``<sample>.igv.seg``)."""

from __future__ import annotations

import itertools
import json
import math
import os
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

import numpy as np

from .._version import __version__
from ..calling.genes import reference_text
from ..errors import OutputError, os_reason
from ..genome import KEY_GENES
from ..io.own_outputs import SEG_EXPORT_MARK
from ..result import SampleResult, _clean
from ..segarrays import CHROM_NAMES, KIND_CN, STATE_NAMES, SegmentArrays
from .tsv import safe_text
from .tsv import tsv_cell as _tsv_cell  # the one cell rule of every TSV (formula injection)

encode_basestring = json.encoder.encode_basestring  # type: ignore[attr-defined]  # json.dumps(ensure_ascii=False)'s

_COUNTER = itertools.count()

GENE_TSV_COLUMNS = ["gene", "chrom", "start", "end", "call", "copy_number", "min_copy_number",
                    "max_copy_number", "loh", "loh_fraction", "partial", "covered_fraction",
                    "deciding_segment_id", "deciding_start", "deciding_end", "deciding_markers",
                    "deciding_source_line", "deciding_in_profile", "relative_state", "role", "subclonal_or_mixed",
                    "focal"]
#: Decimals of the float columns of genes.tsv (full precision stays in the JSON).
GENE_TSV_DECIMALS = {"copy_number": 2, "min_copy_number": 2, "max_copy_number": 2, "loh_fraction": 3,
                     "covered_fraction": 3}
VARIANT_TSV_COLUMNS = ["gene", "chrom", "pos", "ref", "alt", "hgvs_c", "hgvs_p", "transcript", "consequence", "exon",
                       "classification", "effect", "vaf", "vaf_source", "depth", "alt_reads", "genotype", "filter",
                       "pop_af", "polymorphism", "damaging", "reportable", "exclusion_reasons", "source_line"]
#: Header lines of the per-sample tables (each row starts with its sample, so a cohort's rows go into one file).
TABLE_HEADERS = {"genes.tsv": "\t".join(["sample", *GENE_TSV_COLUMNS]) + "\n",
                 "variants.tsv": "\t".join(["sample", *VARIANT_TSV_COLUMNS]) + "\n"}


def safe_file_stem(sample: str) -> str:
    """A file-name-safe version of a sample name (no path separators, no shell or HTML metacharacters; accents
    folded): :func:`lms_genomics.naming.file_stem`, the one rule."""
    from ..naming import file_stem

    return file_stem(sample)


@contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place only if the block succeeds; an
    ``OSError`` (full disk, file-size limit, permission, name too long) becomes
    :class:`~lms_genomics.errors.OutputError` and leaves nothing behind."""
    target = Path(path)
    try:  # a full disk, a size limit, a read-only folder: OutputError (exit 7), nothing partial left
        # A new name of our own (O_EXCL: never an existing file), created 0666 minus the umask: outputs are
        # meant to be shared, as a plain open() would make them. The folder is made when it is missing (not
        # asked for every file: a cohort writes thousands into one).
        for _ in range(100):
            tmp = target.parent / f".{target.name}.{os.getpid()}.{next(_COUNTER)}.tmp"
            try:
                fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
                break
            except FileExistsError:
                continue
            except FileNotFoundError:
                if target.parent.is_dir():
                    raise
                target.parent.mkdir(parents=True, exist_ok=True)
        else:  # pragma: no cover - a hundred stale temporary files of this very process
            raise FileExistsError(f"{target}: cannot create a temporary file beside it")
    except OSError as exc:
        raise OutputError(target, os_reason(exc)) from None
    try:
        text_args = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OutputError(target, os_reason(exc)) from None
        raise


def _refuse_overwriting_inputs(paths: list[Path]) -> None:
    """Outputs share suffixes with inputs lmsgen reads (``.json``, ``.seg``): an existing file that is not lmsgen's
    own output is an input, and inputs are never modified."""
    from ..errors import UsageError
    from ..io.registry import detect

    for path in paths:
        if path.exists() and path.suffix in (".json", ".seg"):
            fmt = detect(path)
            if fmt is not None and not fmt.output:
                raise UsageError(f"{path}: exists and is an input ({fmt.description}), not an lmsgen output; "
                                 f"lmsgen does not overwrite it: write the outputs to another folder (--out)")


def result_json(result: SampleResult, indent: int | None = 2, doc: dict[str, Any] | None = None) -> str:
    """The JSON text of a result (``doc``: its :meth:`~SampleResult.to_dict` when already computed)."""
    return json.dumps(doc if doc is not None else result.to_dict(), indent=indent, ensure_ascii=False,
                      allow_nan=False, default=_clean)


def _float_cells(values: Any, decimals: int | None = None, cells: dict[float, str] | None = None) -> list[str]:
    """Cells of floats rounded to ``decimals`` (NaN empty); ``cells``: the texts of values already written with
    these decimals (the gene table's columns of one precision share one). Zeros are written each time, not
    memoised: -0.0 equals 0.0 as a key but is written ``-0``."""
    if decimals is None:
        return ["" if v != v else str(v) for v in values.tolist()]
    cells = {} if cells is None else cells  # many genes share a copy number: each distinct value formatted once
    return ["" if v != v else f"{round(v, decimals):g}" if v == 0 else
            cells.get(v) or cells.setdefault(v, f"{round(v, decimals):g}") for v in values.tolist()]


def _whole_cells(values: Any) -> list[str]:
    return ["" if v != v else str(int(v)) for v in values.tolist()]


def _text_cells(values: list[Any]) -> list[str]:
    """Text cells through the one cell rule (:func:`lms_genomics.report.tsv.safe_text`), each distinct value once."""
    cells: dict[Any, str] = {}
    return ["" if v is None else cells.get(v) or cells.setdefault(v, safe_text(str(v))) for v in values]


#: Stand-ins for the long lists :func:`compact_json` writes from the arrays (NUL never occurs in lmsgen's text:
#: every reader refuses NUL bytes).
_SEGMENTS_SLOT = "\x00lmsgen:segments\x00"
_ISCN_SLOT = "\x00lmsgen:iscn\x00"
_GENES_SLOT = "\x00lmsgen:genes\x00"
_SLOT_JSON = {slot: json.dumps(slot) for slot in (_SEGMENTS_SLOT, _ISCN_SLOT, _GENES_SLOT)}


def _filled(text: str, slots: dict[str, str]) -> list[str]:
    """The pieces of ``text`` with each stand-in (its JSON form, once in the text) replaced by its rendered list:
    joined, one copy of the text (three ``str.replace`` calls copied the ~60 kB text three times)."""
    cuts = sorted((text.index(slot), slot) for slot in slots)
    parts, at = [], 0
    for pos, slot in cuts:
        parts += [text[at:pos], slots[slot]]
        at = pos + len(slot)
    parts.append(text[at:])
    return parts


def compact_json(result: SampleResult, evidence: bool = True) -> tuple[str, dict[str, Any]]:
    """(compact JSON text of ``result.to_dict(evidence)``, a summary of that document): the text
    :func:`result_json` gives with ``indent=None``, its long lists — the segments, the ISCN entries and, without the
    evidence lists, the gene objects — written straight from the arrays. The summary document is the document
    without its segment list and its ISCN entries and, without evidence, with the key genes' objects only
    (:data:`KEY_GENES`): what ``lmsgen cohort`` needs for cohort.tsv."""
    parts, doc = _compact_parts(result, evidence)
    return "".join(parts), doc


def compact_json_bytes(result: SampleResult, evidence: bool = True) -> tuple[bytes, dict[str, Any]]:
    """:func:`compact_json` as UTF-8 bytes, each piece encoded on its own: the document's few non-ASCII
    characters (≤, →, ²) would make the joined ~80 kB text two bytes a character, and its encoding ~25 times
    slower than the ASCII pieces' (~60 µs a sample)."""
    parts, doc = _compact_parts(result, evidence)
    return b"".join([p.encode("utf-8") for p in parts]), doc


def _compact_parts(result: SampleResult, evidence: bool) -> tuple[list[str], dict[str, Any]]:
    from ..report.iscn import result_iscn_json

    if result.copy_number is None or result.profile is None:
        doc = result.to_dict(evidence)
        return [result_json(result, indent=None, doc=doc)], doc
    calls = result.copy_number.genes
    doc = result.document(evidence, segments=_SEGMENTS_SLOT, iscn=_ISCN_SLOT, genes=None if evidence else _GENES_SLOT)
    memo: dict[float, str] = {}  # the floats' texts, shared by the three lists
    parts = _filled(result_json(result, indent=None, doc=doc), {
        _SLOT_JSON[_SEGMENTS_SLOT]: result.copy_number.segments.records_json(memo),
        _SLOT_JSON[_ISCN_SLOT]: result_iscn_json(result, memo),
        **({} if evidence else {_SLOT_JSON[_GENES_SLOT]: calls.objects_json(memo)})})
    if not evidence:
        doc["genes"] = calls.objects(only=KEY_GENES)
        for obj in doc["genes"].values():
            del obj["evidence"]
    del doc["segments"]
    del doc["profile"]["iscn"]
    return parts, doc


def gene_rows(result: SampleResult) -> str:
    """The rows (no header) of :func:`genes_tsv`."""
    calls = result.copy_number.genes if result.copy_number is not None else None
    if calls is None:
        raise ValueError(f"{result.sample}: copy number not assessed, no gene table")
    flags = ["" if v < 0 else str(bool(v)) for v in calls.deciding_in_profile.tolist()]
    has = calls.has_segment
    places = reference_text(calls, "tsv places", _tsv_places)  # gene, chrom, start, end: the same every sample
    memos: dict[int, dict[float, str]] = {}  # one per number of decimals: the columns share their cells

    def floats(column: str) -> list[str]:
        decimals = GENE_TSV_DECIMALS[column]
        return _float_cells(getattr(calls, column), decimals, memos.setdefault(decimals, {}))

    columns = [
        _text_cells(calls.call.tolist()), floats("copy_number"), floats("min_copy_number"), floats("max_copy_number"),
        [""] * len(calls) if calls.loh is None else [str(v) for v in calls.loh.tolist()], floats("loh_fraction"),
        [str(v) for v in calls.partial.tolist()], floats("covered_fraction"),
        _text_cells(calls.deciding_segment_id.tolist()),
        [str(v) if h else "" for v, h in zip(calls.deciding_start.tolist(), has.tolist(), strict=True)],
        [str(v) if h else "" for v, h in zip(calls.deciding_end.tolist(), has.tolist(), strict=True)],
        _whole_cells(calls.deciding_markers), _whole_cells(calls.deciding_source_line), flags,
    ]
    sub, focal, rel, role, _extra = calls._context()  # issue 13
    columns += [_text_cells(rel), _text_cells(role), [str(v) for v in sub],
                ["" if v is None else str(v) for v in focal]]
    sample = _tsv_cell(result.sample)
    return "".join([f"{sample}\t{place}\t" + "\t".join(row) + "\n"
                    for place, row in zip(places, zip(*columns, strict=True), strict=True)])


def _tsv_places(calls: Any) -> list[str]:
    """Each gene's first cells of the gene table: gene, chrom, start, end."""
    return [f"{g}\t{c}\t{s}\t{e}" for g, c, s, e in zip(_text_cells(calls.names.tolist()),
                                                        CHROM_NAMES[calls.chrom].tolist(), calls.start.tolist(),
                                                        calls.end.tolist(), strict=True)]


def genes_tsv(result: SampleResult) -> str:
    """The gene table as TSV text (one row per gene; empty cells for missing values), written from the gene
    calls' arrays."""
    return TABLE_HEADERS["genes.tsv"] + gene_rows(result)


#: Floor of the copy number written as log2 in the .seg export (CN 0 would be -inf): log2(0.1 / 2) = -4.32.
SEG_MIN_COPY_NUMBER = 0.1
SEG_COLUMNS = ["ID", "chrom", "loc.start", "loc.end", "num.mark", "copy_number", "state", "seg.mean"]


def seg_header(what: str) -> str:
    """The three header lines of an lmsgen ``.seg`` export (IGV's type line, lmsgen's mark, the column names);
    ``what`` names whose segments the file holds."""
    return "\n".join(["#type=COPY_NUMBER",
                      f"{SEG_EXPORT_MARK}{__version__} copy-number segments of {what} (hg19; seg.mean = log2 ratio; "
                      f"an output of lmsgen, not an input)",
                      "\t".join(SEG_COLUMNS)]) + "\n"


def seg_rows(sample: str, segments: SegmentArrays) -> str:
    """The ``.seg`` data rows (no header) of one sample's copy-number segments (LOH rows left out): see
    :func:`seg_text`."""
    rows = segments.take(segments.kind == KIND_CN)
    name = _tsv_cell(sample)
    states = STATE_NAMES[rows.state].tolist() if rows.state is not None else [None] * len(rows)
    cns, log2s = rows.copy_number.tolist(), rows.log2.tolist()
    for k in np.flatnonzero(np.isnan(rows.log2) & ~np.isnan(rows.copy_number)).tolist():  # ChAS: no log2 of its own
        log2s[k] = math.log2(max(cns[k], SEG_MIN_COPY_NUMBER) / 2.0)
    return "".join([f"{name}\t{chrom}\t{start + 1}\t{end}\t{markers}\t{'' if cn != cn else f'{cn:.4g}'}\t"
                    f"{'' if state is None else state}\t{'' if log2 != log2 else f'{log2:.4f}'}\n"
                    for chrom, start, end, markers, cn, state, log2 in zip(
                        rows.chrom_names.tolist(), rows.start.tolist(), rows.end.tolist(), _whole_cells(rows.markers),
                        cns, states, log2s, strict=True)])


def seg_text(result: SampleResult) -> str | None:
    """The sample's copy-number segments as a ``.seg`` file IGV reads (None when copy number was not assessed).

    Tab-separated ``ID chrom loc.start loc.end num.mark copy_number state seg.mean``: 1-based starts (DNAcopy/IGV
    convention), UCSC names, hg19; IGV colours by the last column, ``seg.mean``, the log2 ratio of the segment:
    the file's own for log2 inputs, ``log2(CN / 2)`` for absolute copy numbers (ChAS; CN floored at
    :data:`SEG_MIN_COPY_NUMBER`). LOH rows are not written (one value per segment); a ChAS export lists aberrant
    segments only, so regions without a row are the normal level. Two comment lines first: IGV's
    ``#type=COPY_NUMBER`` and lmsgen's mark (by which lmsgen skips its own export in a sample folder).
    """
    if result.copy_number is None:
        return None
    return seg_header(_tsv_cell(result.sample)) + seg_rows(result.sample, result.copy_number.segments)


def variant_rows(result: SampleResult) -> str:
    """The rows (no header) of :func:`variants_tsv`."""
    variants = result.variants if isinstance(result.variants, list) else []
    sample = _tsv_cell(result.sample)
    return "".join("\t".join([sample, *(_tsv_cell(v.get(c), 4 if c in ("vaf", "pop_af") else None)
                                        for c in VARIANT_TSV_COLUMNS)]) + "\n" for v in variants)


def variants_tsv(result: SampleResult) -> str:
    """The variant records as TSV text (one row per allele, reportable or not, with the reasons)."""
    return TABLE_HEADERS["variants.tsv"] + variant_rows(result)


def sample_tables(result: SampleResult) -> dict[str, str]:
    """A sample's rows (no header) of each table a cohort gathers into one file (``cohort.genes.tsv``,
    ``cohort.variants.tsv``, ``cohort.igv.seg``): only the tables the sample has (copy number, a VCF)."""
    out: dict[str, str] = {}
    if result.copy_number is not None:
        out["genes.tsv"] = gene_rows(result)
        out["igv.seg"] = seg_rows(result.sample, result.copy_number.segments)
    if isinstance(result.variants, list):
        out["variants.tsv"] = variant_rows(result)
    return out


def table_header(name: str, what: str = "") -> str:
    """The header of a table of :func:`sample_tables` (``what``: whose segments an ``igv.seg`` holds)."""
    return seg_header(what) if name == "igv.seg" else TABLE_HEADERS[name]


def write_outputs(result: SampleResult, out_dir: str | Path, write_json: bool = True,
                  doc: dict[str, Any] | None = None, indent: int | None = 2, stem: str | None = None,
                  json_text: str | bytes | None = None, tables: bool = True) -> list[Path]:
    """Write ``<stem>.genes.tsv`` and the IGV segment file ``<stem>.igv.seg`` (both when copy number was
    assessed), ``<stem>.variants.tsv`` (when a VCF was read) and, last,
    ``<stem>.json`` (unless ``write_json`` is False); returns the paths. ``tables=False`` writes the JSON only
    (``lmsgen cohort`` gathers every sample's rows into one file per table: :func:`sample_tables`). ``stem``
    defaults to the file-safe sample name (``classify --name`` gives another).

    Each file is complete or absent: the text is rendered first, then written atomically; the JSON is written
    last, so its presence means the others are complete. ``indent=None`` writes compact JSON (C encoder, several
    times faster: what ``lmsgen cohort`` uses); ``json_text``, the JSON already rendered (:func:`compact_json`, or
    its UTF-8 bytes: :func:`compact_json_bytes`). A
    ``.json`` or ``.seg`` target that exists and is not lmsgen's
    own output (an Archer isoforms JSON, a segment file: inputs lmsgen reads) is never overwritten:
    :class:`~lms_genomics.errors.UsageError` before anything is written.
    """
    out = Path(out_dir)
    stem = stem or safe_file_stem(result.sample)
    rendered: list[tuple[Path, str | bytes]] = []
    if tables and result.copy_number is not None:
        rendered.append((out / f"{stem}.genes.tsv", genes_tsv(result)))
    if tables and isinstance(result.variants, list):
        rendered.append((out / f"{stem}.variants.tsv", variants_tsv(result)))
    seg = seg_text(result) if tables else None
    if seg is not None:
        rendered.append((out / f"{stem}.igv.seg", seg))
    if write_json:
        if isinstance(json_text, bytes):
            rendered.append((out / f"{stem}.json", json_text + b"\n"))
        else:
            text = json_text if json_text is not None else result_json(result, indent=indent, doc=doc)
            rendered.append((out / f"{stem}.json", text + "\n"))
    _refuse_overwriting_inputs([path for path, _ in rendered])
    written = []
    for path, content in rendered:
        with atomic_write(path, "wb" if isinstance(content, bytes) else "w") as fh:
            fh.write(content)
        written.append(path)
    return written
