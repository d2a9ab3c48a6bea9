"""Reader for log2-ratio segment tables: CBS/DNAcopy/GISTIC ``.seg`` (one or many samples), PSCBS/aroma, CNVkit
``.cns``, rCGH and EaCoN/ASCAT segment tables; plain or gzipped.

Header variants handled: tab- or space-separated headers (the GISTIC example separates its header with runs
of spaces and its data with tabs), R-mangled names (``loc.start``), quoted names (PSCBS), a first column named
after the sample (EaCoN ``.cbs``), a nameless first column holding a pandas row index (``df.to_csv()``) or R
row names (``write.table()``: one field more per row than the header), ``chr`` or not, and X/Y written X/Y,
23/24 (UCSC/GISTIC/CNVkit) or 24/25 (Affymetrix, recognised by the presence of 25). Lines above the header
(R's ``WARNING: ignoring environment value of R_HOME``) are skipped with a warning. Segments with 0 markers
(CNVkit writes such artefact rows, sometimes with end < start) hold no data and are dropped with a warning.
Copy number is not computed here: see :mod:`lms_genomics.calling.log2`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._lazy import pandas as pd
from ..errors import InputError
from ..genome import beyond_hg19, check_build_comments, first_overlap, normalize_chromosomes, sha256_file
from ..tables import check_table, conform_segments
from .cnvkit import sniff_cnn, sniff_cnr
from .text import (
    Head,
    TextTable,
    first_bad_row,
    head_of,
    iter_text_lines,
    normalize_column,
    parse_numbers,
    read_table,
    stem_of,
    suffix_of,
)

if TYPE_CHECKING:
    from .cn_arrays import CopyNumberFile

#: normalised column name → canonical key. Extend here when a lab brings a new export.
COLUMN_ALIASES: dict[str, str] = {
    "id": "sample", "sample": "sample", "sampleid": "sample", "sample id": "sample", "track": "sample",
    "name": "sample", "sample name": "sample", "samplename": "sample",
    "chrom": "chrom", "chromosome": "chrom", "chr": "chrom",
    "loc start": "start", "start": "start", "start position": "start", "startpos": "start",
    "loc end": "end", "end": "end", "end position": "end", "endpos": "end", "stop": "end",
    "num mark": "markers", "num markers": "markers", "nbprobes": "markers", "probes": "markers",
    "num probes": "markers", "n probes": "markers", "nprobes": "markers", "markers": "markers",
    "nbrofloci": "markers",
    "seg mean": "log2", "log2": "log2", "seg cn": "log2", "value": "log2", "log2ratio": "log2",
    "segment mean": "log2", "mean": "log2", "log2 ratio": "log2",
    "gene": "cnvkit_gene", "depth": "cnvkit_depth", "weight": "cnvkit_weight", "cn": "cnvkit_cn",
}
_REQUIRED = ("chrom", "start", "end", "log2")
#: Names of a nameless first column written by pandas/R for the row index.
_INDEX_NAMES = {"", "unnamed: 0", "unnamed 0", "x"}
CNR_REFUSAL = "CNVkit bin-level ratios (.cnr), not segments; give the .cns (the .cnr beside it serves plots and QC)"
CNN_REFUSAL = "CNVkit coverage (.cnn: read depth per bin, log2 of depth), not copy-number ratios or segments; " \
              "give the .cns"


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



def start_convention(is_cns: bool) -> tuple[str, int]:
    """(how the start positions are read, what to subtract for a 0-based start): CNVkit's .cns is BED-like
    (0-based), a CBS/DNAcopy .seg 1-based. The one rule of both .seg readers."""
    if is_cns:
        return "0-based start (CNVkit .cns, BED-like): start kept", 0
    return "1-based start (CBS/DNAcopy .seg): start - 1", 1

def looks_like_seg(header: list[str]) -> bool:
    """Whether a header is a log2 segment table's (chromosome, start, end and a log2 column by name)."""
    keys = {COLUMN_ALIASES.get(normalize_column(h)) for h in header}
    return set(_REQUIRED) <= keys


def _is_seg_header(fields_: list[str]) -> bool:
    """A seg header, tab- or space-separated (space-separated names may hold spaces: GISTIC's example). Names of
    several words are read left to right, longest known name first; a line of more other words than column names
    is prose (a README sentence naming the columns), not a header."""
    if looks_like_seg(fields_):
        return True
    keys = [COLUMN_ALIASES.get(normalize_column(name)) for name in _spaced_names(" ".join(fields_).split())]
    found = {k for k in keys if k is not None}
    return set(_REQUIRED) <= found and keys.count(None) <= len(found)


def sniff(head: Head) -> bool:
    """A log2 segment table: a header (at most :data:`~.text.MAX_PREAMBLE_LINES` lines down) naming chromosome,
    start, end and a log2 column. CNVkit bins and coverage are other formats (tested before this one)."""
    return _is_seg_header(head.header(match=_is_seg_header))


def _split_spaced_header(table: TextTable) -> list[str]:
    """Split a space-separated header whose names may themselves hold spaces (GISTIC's example:
    ``Sample  Chromosome  Start Position  End Position    Num markers Seg.CN``): longest known name first."""
    if table.delimiter != " ":
        return table.header
    return _spaced_names(table.header)


def _spaced_names(tokens: list[str]) -> list[str]:
    """Space-separated words read as column names, left to right, the longest known name (up to three words)
    first; a word that starts no known name is a name of its own."""
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
        shift = 1 if normalize_column(header[0]) in _INDEX_NAMES else 0

        def keep(fields_: list[str]) -> bool:
            j = i + (1 if len(fields_) == len(header) + 1 and not shift else 0)
            return len(fields_) <= j or fields_[j].strip().strip('"') in wanted
        return keep
    return factory


def seg_sample_names(path: str | Path) -> list[str]:
    """The sample names of a multi-sample segment file, in file order, without building its table (for
    splitting a large file into batches; rows are not validated here, :func:`read_seg` does that)."""
    names: dict[str, None] = {}

    def factory(header: list[str]) -> Callable[[list[str]], bool]:
        i = _sample_column(header)

        def record(fields_: list[str]) -> bool:
            j = i + 1 if i is not None and len(fields_) == len(header) + 1 else i
            name = fields_[j].strip().strip('"') if j is not None and len(fields_) > j else ""
            if name:
                names.setdefault(name)
            return False
        return record

    read_table(Path(path), row_filter=factory, header_match=_is_seg_header)
    return list(names)


def _refuse_cnvkit_bins(p: Path) -> None:
    try:
        head = head_of(p)
    except OSError:
        return
    if sniff_cnr(head):
        raise InputError(p, CNR_REFUSAL)
    if sniff_cnn(head):
        raise InputError(p, CNN_REFUSAL)


def _row_layout(p: Path, header: list[str], rows: list[list[str]], warnings: list[str]) -> tuple[list[str], int]:
    """(header, first data column): a nameless first column is a row index (pandas) and R's row names make every
    row one field longer than the header; both are dropped with a warning."""
    if header and normalize_column(header[0]) in _INDEX_NAMES and len(header) > len(_REQUIRED):
        warnings.append(f"{p.name}: first column has no name (a row index written by pandas/R): ignored")
        return header[1:], 1
    if rows and all(len(r) == len(header) + 1 for r in rows) and \
            all(r[0].strip('"').isdigit() for r in rows[:50]):
        warnings.append(f"{p.name}: every row has one field more than the header (R row names): first field "
                        f"ignored")
        return header, 1
    return header, 0


#: Largest log2 ratio read: 2^20 is over a million-fold; a larger value is a broken file (and 2^1024 overflows).
MAX_LOG2 = 20.0


def _samples_without_segments(p: Path, samples: pd.Series, keep: pd.Series, chrom: pd.Series, log2: pd.Series,
                              empty: pd.Series) -> list[str]:
    """A sample every row of which was dropped gives no result: refused when it is the file's only sample (or
    every sample is), else a warning naming it — never silently nothing."""
    listed = list(dict.fromkeys(samples.tolist()))
    kept = set(samples[keep.to_numpy()].tolist())
    lost = [s for s in listed if s not in kept]
    if not lost:
        return []
    rows = samples.isin(lost).to_numpy()
    why = []
    n_other = int((chrom.isna() & rows).sum())
    n_nan = int((chrom.notna() & log2.isna() & ~empty & rows).sum())
    n_empty = int((empty & rows).sum())
    if n_nan:
        why.append(f"{n_nan} without a log2 value (NA)")
    if n_other:
        why.append(f"{n_other} on mitochondrial or unplaced contigs")
    if n_empty:
        why.append(f"{n_empty} with 0 markers")
    reason = ", ".join(why) or "outside hg19"
    if len(lost) == len(listed):
        who = f"sample {lost[0]!r}" if len(lost) == 1 else f"any of its {len(lost)} samples"
        raise InputError(p, f"no usable segment for {who}: every row was dropped ({reason})")
    shown = ", ".join(repr(s) for s in lost[:5]) + (", ..." if len(lost) > 5 else "")
    return [f"{p.name}: no usable segment for sample(s) {shown} (every row dropped: {reason}): no result for them"]


def read_seg(path: str | Path, default_sample: str | None = None, check_build: bool = True,
             samples: Collection[str] | None = None) -> SegExport:
    """Read a log2 segment file into the canonical segment table (``log2`` set, ``copy_number`` NaN).

    With ``check_build`` (default) a segment ending beyond an hg19 chromosome end stops the read (the data
    are on another build); without it such segments are dropped with a warning. With ``samples``, only the
    rows of those samples are read (and checked): a batch of a very large file costs the batch's memory.

    Raises :class:`InputError` naming file and line for anything it cannot read unambiguously; CNVkit bins
    (``.cnr``) and coverage (``.cnn``) are refused saying what they are.
    """
    p = Path(path)
    _refuse_cnvkit_bins(p)
    table = read_table(p, row_filter=_only_samples(samples) if samples is not None else None,
                       header_match=_is_seg_header)
    warnings: list[str] = []
    for n, text in table.preamble[:1]:
        warnings.append(f"{p.name}: {len(table.preamble)} line(s) above the header ignored (line {n}: "
                        f"{text.strip()[:60]!r})")
    warnings += check_build_comments(p, table.comments, check_build)
    header = _split_spaced_header(table)
    # Data lines of a space-headed file are tab-separated in the GISTIC example; re-split them.
    if table.delimiter == " ":
        kept = set(table.line_numbers)
        rows = [re.split(r"\t" if "\t" in line else r"\s+", line.strip()) for n, line in iter_text_lines(p)[1]
                if n in kept]
    else:
        rows = table.rows
    header, skip = _row_layout(p, header, rows, warnings)
    if skip:
        rows = [r[skip:] for r in rows]
    cols = _columns(header)
    if "sample" not in cols and len(header) >= 5 and header and normalize_column(header[0]) not in COLUMN_ALIASES:
        # EaCoN .cbs: the first column header is the sample name itself.
        cols["sample"] = 0
        default_sample = default_sample or header[0]
    missing = [k for k in _REQUIRED if k not in cols]
    if missing:
        raise InputError(p, f"not a log2 segment table: no {', '.join(missing)} column (columns found: "
                            f"{', '.join(header)})", table.header_line)
    is_cns = "cnvkit_gene" in cols or "cnvkit_weight" in cols or suffix_of(p) == ".cns"
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
        sample = default_sample or stem_of(p)
        warnings.append(f"{p.name}: no segment (header only)")
        return SegExport(p, sha, fmt, conform_segments(pd.DataFrame()), [sample], "unknown", "unknown", warnings)

    def col(key: str) -> pd.Series:
        return raw[cols[key]].astype(str).str.strip().str.strip('"')

    no_coords = (col("start") == "") | (col("end") == "")
    first_bad_row(p, no_coords, lines, lambda i: "segment without start/end coordinates (empty loc.start/loc.end: "
                                                 "a CNVkit export PureCN calls buggy?); a segment needs its position")
    chrom_text = col("chrom")
    coding = "affymetrix (24 = X, 25 = Y)" if chrom_text.str.fullmatch(r"(chr)?25").any() else \
        "ucsc (23 = X, 24 = Y)"
    chrom = normalize_chromosomes(chrom_text, numeric_sex="affymetrix" if coding.startswith("affy") else "ucsc")
    known_other = chrom_text.str.upper().str.replace("CHR", "", regex=False).isin(["M", "MT", "26", "0", "UN"]) | \
        chrom_text.str.contains("_", regex=False)
    if (chrom.isna() & known_other).any():
        n_drop = int((chrom.isna() & known_other).sum())
        warnings.append(f"{p.name}: {n_drop} segment(s) on mitochondrial/unplaced contigs ignored")
    first_bad_row(p, chrom.isna() & ~known_other, lines, lambda i: f"unknown chromosome {chrom_text.iloc[i]!r}")
    decimal = "," if table.delimiter == ";" else "."  # European Excel CSV writes decimal commas
    markers = parse_numbers(col("markers"), decimal, integer=True) if "markers" in cols else \
        pd.Series(np.nan, index=raw.index)
    empty = chrom.notna() & (markers == 0)
    if empty.any():
        shown = ", ".join(str(x) for x in lines[empty.to_numpy()].tolist()[:5])
        warnings.append(f"{p.name}: {int(empty.sum())} segment(s) with 0 markers (no data; CNVkit artefact rows) "
                        f"dropped (line {shown})")
    start, end = parse_numbers(col("start"), decimal, integer=True), parse_numbers(col("end"), decimal, integer=True)
    log2 = parse_numbers(col("log2"), decimal)
    for name, values in (("start", start), ("end", end), ("log2", log2)):
        bad = (values.isna() | np.isinf(values)) & chrom.notna() & ~empty
        if name == "log2":
            bad = bad & ~col("log2").str.upper().isin(["NA", "NAN", ""])
        first_bad_row(p, bad, lines, lambda i, name=name: f"{name} {col(name).iloc[i]!r} is not a number")
    first_bad_row(p, log2 > MAX_LOG2, lines,
                  lambda i: f"log2 ratio {col('log2').iloc[i]} is not plausible (above {MAX_LOG2}: over a million "
                            f"copies); a value lmsgen cannot turn into a copy number")
    keep = chrom.notna() & log2.notna() & ~empty
    if (chrom.notna() & log2.isna() & ~empty).any():
        warnings.append(f"{p.name}: {int((chrom.notna() & log2.isna() & ~empty).sum())} segment(s) without a log2 "
                        f"value ignored")
    convention, shift = start_convention(is_cns)
    start0 = (start - shift).clip(lower=0)
    first_bad_row(p, keep & (end <= start0), lines,
                  lambda i: f"segment end {col('end').iloc[i]} is not after its start {col('start').iloc[i]}")
    keep, more = beyond_hg19(p, chrom, end, lines, check_build, rows=keep)
    warnings += more
    samples_col = col("sample") if "sample" in cols else pd.Series(default_sample or stem_of(p), index=raw.index)
    if "sample" in cols and default_sample and cols["sample"] == 0 and normalize_column(header[0]) not in \
            COLUMN_ALIASES:
        samples_col = col("sample").where(col("sample") != "", default_sample)
    first_bad_row(p, keep & markers.notna() & ~((markers >= 0) & (markers < 2**53) & (markers == markers.round())),
                  lines, lambda i: f"marker count {col('markers').iloc[i]!r} is not a whole number >= 0")
    markers = markers.where(keep)
    called_cn: Any = np.nan
    if is_cns and "cnvkit_cn" in cols:  # cnvkit.py call: its own integer copy number per segment
        called_cn = parse_numbers(col("cnvkit_cn"), decimal)
        first_bad_row(p, keep & (called_cn.isna() | np.isinf(called_cn) | (called_cn < 0)), lines,
                      lambda i: f"CNVkit copy number (cn) {col('cnvkit_cn').iloc[i]!r} is not a number >= 0")
    segments = pd.DataFrame({
        "sample": samples_col, "chrom": chrom.astype(str), "start": start0, "end": end, "kind": "cn",
        "type": np.where(log2 < 0, "loss", np.where(log2 > 0, "gain", "neutral")), "copy_number": called_cn,
        "log2": log2, "markers": markers.astype("Int64") if markers.notna().any() else pd.NA,
        "segment_id": p.name + ":" + lines.astype(str), "source_line": lines,
    })[keep.to_numpy()]
    segments = segments.astype({"start": "int64", "end": "int64"})
    warnings += _samples_without_segments(p, samples_col, keep, chrom, log2, empty)
    dup = segments.duplicated(subset=["sample", "chrom", "start", "end", "log2"])
    if dup.any():
        warnings.append(f"{p.name}: {int(dup.sum())} duplicated segment(s) ignored")
        segments = segments[~dup]
    k = first_overlap(segments, slack=1)
    if k is not None:
        r = segments.iloc[k]
        raise InputError(p, f"segment {r['chrom']}:{r['start'] + 1}-{r['end']} overlaps another segment of sample "
                            f"{r['sample']!r} (sample listed twice?)", int(r["source_line"]))
    segments = check_table("segments", conform_segments(segments))
    sample_list = list(dict.fromkeys(segments["sample"].tolist()))
    return SegExport(p, sha, fmt, segments, sample_list, convention, coding, warnings)


def read_seg_arrays(path: str | Path, default_sample: str | None = None, check_build: bool = True,
                    samples: Collection[str] | None = None) -> CopyNumberFile:
    """:func:`read_seg` into arrays (:class:`~lms_genomics.io.cn_arrays.CopyNumberFile`): the same segments, errors
    and warnings, read in one pass without pandas (:mod:`lms_genomics.io.seg_arrays`)."""
    from .seg_arrays import read_seg_arrays as read

    return read(path, default_sample=default_sample, check_build=check_build, samples=samples)
