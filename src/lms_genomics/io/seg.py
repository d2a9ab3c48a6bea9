"""Reader for log2-ratio segment tables: CBS/DNAcopy/GISTIC ``.seg`` (one or many samples), CNVkit ``.cns``,
rCGH and EaCoN/ASCAT segment tables.

Header variants handled: tab- or space-separated headers (the GISTIC example separates its header with runs
of spaces and its data with tabs), R-mangled names (``loc.start``), a first column named after the sample
(EaCoN ``.cbs``), ``chr`` or not, and X/Y written X/Y, 23/24 (UCSC/GISTIC/CNVkit) or 24/25 (Affymetrix,
recognised by the presence of 25). Copy number is not computed here: see :mod:`lms_genomics.calling.log2`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ..errors import InputError
from ..genome import beyond_hg19, check_build_comments, first_overlap, normalize_chromosomes, sha256_file
from ..tables import conform_segments
from .text import TextTable, iter_text_lines, normalize_column, read_table

#: normalised column name → canonical key. Extend here when a lab brings a new export.
COLUMN_ALIASES: dict[str, str] = {
    "id": "sample", "sample": "sample", "sampleid": "sample", "sample id": "sample", "track": "sample",
    "name": "sample", "sample name": "sample",
    "chrom": "chrom", "chromosome": "chrom", "chr": "chrom",
    "loc start": "start", "start": "start", "start position": "start", "startpos": "start",
    "loc end": "end", "end": "end", "end position": "end", "endpos": "end", "stop": "end",
    "num mark": "markers", "num markers": "markers", "nbprobes": "markers", "probes": "markers",
    "num probes": "markers", "n probes": "markers", "nprobes": "markers", "markers": "markers",
    "seg mean": "log2", "log2": "log2", "seg cn": "log2", "value": "log2", "log2ratio": "log2",
    "segment mean": "log2", "mean": "log2", "log2 ratio": "log2",
    "gene": "cnvkit_gene", "depth": "cnvkit_depth", "weight": "cnvkit_weight", "cn": "cnvkit_cn",
}
_REQUIRED = ("chrom", "start", "end", "log2")


@dataclass
class SegExport:
    """What one log2 segment file holds."""

    path: Path
    sha256: str
    format: str
    segments: pd.DataFrame
    samples: list[str]
    coordinate_convention: str
    chromosome_coding: str
    warnings: list[str] = field(default_factory=list)


def looks_like_seg(header: list[str]) -> bool:
    """Whether a header is a log2 segment table's (chromosome, start, end and a log2 column by name)."""
    keys = {COLUMN_ALIASES.get(normalize_column(h)) for h in header}
    return set(_REQUIRED) <= keys


def _split_spaced_header(table: TextTable) -> list[str]:
    """Split a space-separated header whose names may themselves hold spaces (GISTIC's example:
    ``Sample  Chromosome  Start Position  End Position    Num markers Seg.CN``): longest known name first."""
    if table.delimiter != " ":
        return table.header
    tokens = table.header
    out: list[str] = []
    i = 0
    while i < len(tokens):
        for k in (3, 2, 1):
            name = " ".join(tokens[i:i + k])
            if k == 1 or normalize_column(name) in COLUMN_ALIASES:
                out.append(name)
                i += k
                break
    return out


def _columns(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(header):
        key = COLUMN_ALIASES.get(normalize_column(name))
        if key is not None and key not in found:
            found[key] = i
    return found


def _sample_column(header: list[str]) -> int | None:
    return _columns(header).get("sample")


def _only_samples(samples: Collection[str]) -> Callable[[list[str]], Callable[[list[str]], bool] | None]:
    """Row filter for :func:`read_table`: rows of the wanted samples (and rows with no sample name)."""
    wanted = {s.strip('"') for s in samples} | {""}

    def factory(header: list[str]) -> Callable[[list[str]], bool] | None:
        i = _sample_column(header)
        if i is None:
            return None
        return lambda fields_: len(fields_) <= i or fields_[i].strip().strip('"') in wanted
    return factory


def seg_sample_names(path: str | Path) -> list[str]:
    """The sample names of a multi-sample segment file, in file order, without building its table (for
    splitting a large file into batches; rows are not validated here, :func:`read_seg` does that)."""
    names: dict[str, None] = {}

    def factory(header: list[str]) -> Callable[[list[str]], bool]:
        i = _sample_column(header)

        def record(fields_: list[str]) -> bool:
            name = fields_[i].strip().strip('"') if i is not None and len(fields_) > i else ""
            if name:
                names.setdefault(name)
            return False
        return record

    read_table(Path(path), row_filter=factory)
    return list(names)


def read_seg(path: str | Path, default_sample: str | None = None, check_build: bool = True,
             samples: Collection[str] | None = None) -> SegExport:
    """Read a log2 segment file into the canonical segment table (``log2`` set, ``copy_number`` NaN).

    With ``check_build`` (default) a segment ending beyond an hg19 chromosome end stops the read (the data
    are on another build); without it such segments are dropped with a warning. With ``samples``, only the
    rows of those samples are read (and checked): a batch of a very large file costs the batch's memory.

    Raises :class:`InputError` naming file and line for anything it cannot read unambiguously.
    """
    p = Path(path)
    table = read_table(p, row_filter=_only_samples(samples) if samples is not None else None)
    warnings: list[str] = []
    warnings += check_build_comments(p, table.comments, check_build)
    header = _split_spaced_header(table)
    # Data lines of a space-headed file are tab-separated in the GISTIC example; re-split them.
    if table.delimiter == " ":
        kept = set(table.line_numbers)
        rows = [re.split(r"\t" if "\t" in line else r"\s+", line.strip()) for n, line in iter_text_lines(p)[1]
                if n in kept]
    else:
        rows = table.rows
    cols = _columns(header)
    if "sample" not in cols and len(header) >= 5 and header and normalize_column(header[0]) not in COLUMN_ALIASES:
        # EaCoN .cbs: the first column header is the sample name itself.
        cols["sample"] = 0
        default_sample = default_sample or header[0]
    missing = [k for k in _REQUIRED if k not in cols]
    if missing:
        raise InputError(p, f"not a log2 segment table: no {', '.join(missing)} column (columns found: "
                            f"{', '.join(header)})", table.header_line)
    is_cns = "cnvkit_gene" in cols or "cnvkit_weight" in cols or p.suffix.lower() in (".cns", ".cnr")
    width = len(header)
    for fields_, n in zip(rows, table.line_numbers, strict=True):
        if len(fields_) < max(cols.values()) + 1:
            raise InputError(p, f"{len(fields_)} fields, expected {width}", n)
    raw = pd.DataFrame([r[:width] + [""] * (width - len(r)) for r in rows], dtype=object) if rows else \
        pd.DataFrame(columns=range(width))
    lines = pd.Series(table.line_numbers, dtype="Int64")
    sha = sha256_file(p)
    fmt = "cnvkit_cns" if is_cns else "log2_seg"
    if raw.empty:
        sample = default_sample or p.stem
        warnings.append(f"{p.name}: no segment (header only)")
        return SegExport(p, sha, fmt, conform_segments(pd.DataFrame()), [sample], "unknown", "unknown", warnings)

    def col(key: str) -> pd.Series:
        return raw[cols[key]].astype(str).str.strip().str.strip('"')

    chrom_text = col("chrom")
    coding = "affymetrix (24 = X, 25 = Y)" if chrom_text.str.fullmatch(r"(chr)?25").any() else \
        "ucsc (23 = X, 24 = Y)"
    chrom = normalize_chromosomes(chrom_text, numeric_sex="affymetrix" if coding.startswith("affy") else "ucsc")
    known_other = chrom_text.str.upper().str.replace("CHR", "", regex=False).isin(["M", "MT", "26", "0", "UN"]) | \
        chrom_text.str.contains("_", regex=False)
    if (chrom.isna() & known_other).any():
        n_drop = int((chrom.isna() & known_other).sum())
        warnings.append(f"{p.name}: {n_drop} segment(s) on mitochondrial/unplaced contigs ignored")
    bad = chrom.isna() & ~known_other
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(p, f"unknown chromosome {chrom_text.iloc[i]!r}", int(lines.iloc[i]))
    start = pd.to_numeric(col("start").str.replace(",", "", regex=False), errors="coerce")
    end = pd.to_numeric(col("end").str.replace(",", "", regex=False), errors="coerce")
    log2 = pd.to_numeric(col("log2"), errors="coerce")
    for name, values in (("start", start), ("end", end), ("log2", log2)):
        bad = (values.isna() | np.isinf(values)) & chrom.notna()
        if name == "log2":
            bad = bad & ~col("log2").str.upper().isin(["NA", "NAN", ""])
        if bad.any():
            i = int(np.flatnonzero(bad.to_numpy())[0])
            raise InputError(p, f"{name} {col(name).iloc[i]!r} is not a number", int(lines.iloc[i]))
    keep = chrom.notna() & log2.notna()
    if (chrom.notna() & log2.isna()).any():
        warnings.append(f"{p.name}: {int((chrom.notna() & log2.isna()).sum())} segment(s) without a log2 value "
                        f"ignored")
    if is_cns:
        convention = "0-based start (CNVkit .cns, BED-like): start kept"
        start0 = start
    else:
        convention = "1-based start (CBS/DNAcopy .seg): start - 1"
        start0 = start - 1
    start0 = start0.clip(lower=0)
    bad = keep & (end <= start0)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(p, f"segment end {col('end').iloc[i]} is not after its start {col('start').iloc[i]}",
                         int(lines.iloc[i]))
    keep, more = beyond_hg19(p, chrom, end, lines, check_build, rows=keep)
    warnings += more
    samples = col("sample") if "sample" in cols else pd.Series(default_sample or p.stem, index=raw.index)
    if "sample" in cols and default_sample and cols["sample"] == 0 and normalize_column(header[0]) not in \
            COLUMN_ALIASES:
        samples = col("sample").where(col("sample") != "", default_sample)
    markers = pd.to_numeric(col("markers"), errors="coerce") if "markers" in cols else \
        pd.Series(np.nan, index=raw.index)
    bad = keep & markers.notna() & ~((markers >= 0) & (markers < 2**53) & (markers == markers.round()))
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise InputError(p, f"marker count {col('markers').iloc[i]!r} is not a whole number >= 0", int(lines.iloc[i]))
    markers = markers.where(keep)
    segments = pd.DataFrame({
        "sample": samples, "chrom": chrom.astype(str), "start": start0, "end": end, "kind": "cn",
        "type": np.where(log2 < 0, "loss", np.where(log2 > 0, "gain", "neutral")), "copy_number": np.nan,
        "log2": log2, "markers": markers.astype("Int64") if markers.notna().any() else pd.NA,
        "segment_id": p.name + ":" + lines.astype(str), "source_line": lines,
    })[keep.to_numpy()]
    segments = segments.astype({"start": "int64", "end": "int64"})
    dup = segments.duplicated(subset=["sample", "chrom", "start", "end", "log2"])
    if dup.any():
        warnings.append(f"{p.name}: {int(dup.sum())} duplicated segment(s) ignored")
        segments = segments[~dup]
    k = first_overlap(segments, slack=1)
    if k is not None:
        r = segments.iloc[k]
        raise InputError(p, f"segment {r['chrom']}:{r['start'] + 1}-{r['end']} overlaps another segment of sample "
                            f"{r['sample']!r} (sample listed twice?)", int(r["source_line"]))
    segments = conform_segments(segments)
    sample_list = list(dict.fromkeys(segments["sample"].tolist()))
    return SegExport(p, sha, fmt, segments, sample_list, convention, coding, warnings)
