"""Atomic writers for the per-sample outputs (``<sample>.json``, ``<sample>.genes.tsv``,
``<sample>.variants.tsv``)."""

from __future__ import annotations

import itertools
import json
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from ..result import SampleResult, _clean

_COUNTER = itertools.count()

GENE_TSV_COLUMNS = ["gene", "chrom", "start", "end", "call", "copy_number", "min_copy_number",
                    "max_copy_number", "loh", "loh_fraction", "partial", "covered_fraction",
                    "deciding_segment_id", "deciding_start", "deciding_end", "deciding_markers",
                    "deciding_source_line", "deciding_in_profile"]
#: Decimals of the float columns of genes.tsv (full precision stays in the JSON).
GENE_TSV_DECIMALS = {"copy_number": 2, "min_copy_number": 2, "max_copy_number": 2, "loh_fraction": 3,
                     "covered_fraction": 3}
VARIANT_TSV_COLUMNS = ["gene", "chrom", "pos", "ref", "alt", "hgvs_c", "hgvs_p", "transcript", "consequence", "exon",
                       "classification", "effect", "vaf", "vaf_source", "depth", "alt_reads", "genotype", "filter",
                       "pop_af", "polymorphism", "damaging", "reportable", "exclusion_reasons", "source_line"]


def safe_file_stem(sample: str) -> str:
    """A file-name-safe version of a sample name (no path separators, no shell or HTML metacharacters)."""
    stem = re.sub(r"[^A-Za-z0-9._+-]+", "_", sample).strip("._")
    return stem or "sample"


@contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """Write to a temporary file beside ``path`` and rename it into place only if the block succeeds."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    # A new name of our own (O_EXCL: never an existing file), created 0666 minus the umask: outputs are
    # meant to be shared, as a plain open() would make them.
    for _ in range(100):
        tmp = target.parent / f".{target.name}.{os.getpid()}.{next(_COUNTER)}.tmp"
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
            break
        except FileExistsError:
            continue
    else:  # pragma: no cover - a hundred stale temporary files of this very process
        raise FileExistsError(f"{target}: cannot create a temporary file beside it")
    try:
        text_args = {} if "b" in mode else {"encoding": "utf-8", "newline": "\n"}
        with os.fdopen(fd, mode, **text_args) as fh:
            yield fh
        os.replace(tmp, target)
    except BaseException:
        with suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def result_json(result: SampleResult, indent: int | None = 2, doc: dict[str, Any] | None = None) -> str:
    """The JSON text of a result (``doc``: its :meth:`~SampleResult.to_dict` when already computed)."""
    return json.dumps(doc if doc is not None else result.to_dict(), indent=indent, ensure_ascii=False,
                      allow_nan=False, default=_clean)


def genes_tsv(result: SampleResult) -> str:
    """The gene table as TSV text (one row per gene; empty cells for missing values)."""
    df = result.genes
    columns = [[_tsv_cell(v, GENE_TSV_DECIMALS.get(c)) for v in df[c].tolist()] if c in df.columns
               else [""] * len(df) for c in GENE_TSV_COLUMNS]
    sample = _tsv_cell(result.sample)
    lines = ["\t".join(["sample", *GENE_TSV_COLUMNS])]
    lines += ["\t".join((sample, *row)) for row in zip(*columns, strict=True)]
    return "\n".join(lines) + "\n"


def _tsv_cell(value: Any, decimals: int | None = None) -> str:
    value = _clean(value)
    if value is None:
        return ""
    if isinstance(value, float) and decimals is not None:
        return f"{round(value, decimals):g}"
    if isinstance(value, (list, tuple)):
        return "; ".join(" ".join(str(v).split()) for v in value)
    return " ".join(str(value).split()) if isinstance(value, str) else str(value)


def variants_tsv(result: SampleResult) -> str:
    """The variant records as TSV text (one row per allele, reportable or not, with the reasons)."""
    variants = result.variants if isinstance(result.variants, list) else []
    sample = _tsv_cell(result.sample)
    lines = ["\t".join(["sample", *VARIANT_TSV_COLUMNS])]
    for v in variants:
        lines.append("\t".join([sample, *(_tsv_cell(v.get(c), 4 if c in ("vaf", "pop_af") else None)
                                          for c in VARIANT_TSV_COLUMNS)]))
    return "\n".join(lines) + "\n"


def write_outputs(result: SampleResult, out_dir: str | Path, write_json: bool = True,
                  doc: dict[str, Any] | None = None, indent: int | None = 2, stem: str | None = None) -> list[Path]:
    """Write ``<stem>.genes.tsv`` (when copy number was assessed), ``<stem>.variants.tsv`` (when a VCF was read)
    and, last, ``<stem>.json`` (unless ``write_json`` is False); returns the paths. ``stem`` defaults to the
    file-safe sample name (``classify --name`` gives another).

    Each file is complete or absent: the text is rendered first, then written atomically; the JSON is written
    last, so its presence means the others are complete. ``indent=None`` writes compact JSON (C encoder, several
    times faster: what ``lmsgen cohort`` uses).
    """
    out = Path(out_dir)
    stem = stem or safe_file_stem(result.sample)
    rendered: list[tuple[Path, str]] = []
    if result.genes is not None:
        rendered.append((out / f"{stem}.genes.tsv", genes_tsv(result)))
    if isinstance(result.variants, list):
        rendered.append((out / f"{stem}.variants.tsv", variants_tsv(result)))
    if write_json:
        rendered.append((out / f"{stem}.json", result_json(result, indent=indent, doc=doc) + "\n"))
    written = []
    for path, text in rendered:
        with atomic_write(path) as fh:
            fh.write(text)
        written.append(path)
    return written
