"""The array entry point of the log2 segment reader: :func:`read_seg_arrays`, :func:`~lms_genomics.io.seg.read_seg`'s
segments, errors and warnings as a :class:`~lms_genomics.io.cn_arrays.CopyNumberFile`, without pandas.

One pass over the file: its bytes are hashed (SHA-256), decompressed and decoded (UTF-8) once, split into lines and
fields a block at a time (C-level ``str.split`` over a few MB, no per-line Python work), and the numeric columns are
parsed by numpy when they hold plain numbers (:func:`~lms_genomics.io.text.numbers_of`). Memory holds the parsed
arrays (~50 bytes a segment) and one block of text, whatever the file's size.

The fast path covers what well-formed files look like: the header on the first line that is not a ``#`` comment,
tab/comma/semicolon-separated, no quotes, one field per header column on every row, UTF-8. Everything else — an
R/pandas row index, a preamble above the header, quoted fields, a space-separated header, Windows-1252 or UTF-16
text, and every file with an error — is read by :func:`~lms_genomics.io.seg.read_seg` itself and converted, so the
result (or the one-line error, with its line) is the DataFrame reader's by construction.
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import re
from collections.abc import Collection
from itertools import repeat
from pathlib import Path
from typing import IO

import numpy as np

from ..errors import InputError
from ..genome import CHROM_ORDER, CHROM_SIZES, check_build_comments, chromosome_name
from ..segarrays import KIND_CN, TYPE_GAIN, TYPE_LOSS, TYPE_NEUTRAL, SegmentArrays
from .cn_arrays import CopyNumberFile, from_export
from .text import (
    GZIP_ERRORS,
    GZIP_MAGIC,
    MAX_LINE_LENGTH,
    normalize_column,
    numbers_of,
    sniff_delimiter,
    split_fields,
    stem_of,
    suffix_of,
)

#: Characters of decoded text read per block.
BLOCK_CHARS = 4 * 1024 * 1024
_SPECIAL_LINE = re.compile(r"(?m)^(?:[^\S\n]|#|$)")  # a blank, whitespace-led or comment line
_NEEDS_STRIP = re.compile(r"[^\S\t\n]")  # whitespace a field may have to lose
_ASCII_SPACE = (" ", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")  # \s in ASCII text, but tab and newline


_SPECIAL_FIRST = frozenset(("", "#", "\t", *_ASCII_SPACE))


def _special_lines(lines: list[str]) -> bool:
    """Whether one of ``lines`` is blank, starts with whitespace or is a ``#`` comment."""
    firsts = {ln[:1] for ln in lines}
    return bool(firsts & _SPECIAL_FIRST) or any(not c.isascii() and c.isspace() for c in firsts)


def _needs_strip(text: str) -> bool:
    """Whether a field of ``text`` may have whitespace to strip (other than the tab and newline separators)."""
    if not text.isascii():
        return _NEEDS_STRIP.search(text) is not None
    return any(c in text for c in _ASCII_SPACE)
_AFFY_25 = re.compile(r"(chr)?25")
_SIZES = np.array([CHROM_SIZES[c] for c in CHROM_ORDER], dtype=np.int64)


class _Unusual(Exception):
    """The file is outside the fast path: the DataFrame reader reads it."""


class _HashingReader:
    """A binary file whose bytes are hashed as they are read."""

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh, self.sha = fh, hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        return data

    def finish(self) -> str:
        for chunk in iter(lambda: self.fh.read(1 << 20), b""):
            self.sha.update(chunk)
        return self.sha.hexdigest()


def _text_blocks(raw: _HashingReader, compressed: bool):
    """Decoded text of the file in blocks of whole lines, universal newlines translated to ``\\n``."""
    stream: IO[bytes] = gzip.GzipFile(fileobj=raw, mode="rb") if compressed else raw  # type: ignore[assignment]
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    carry = ""
    while True:
        data = stream.read(BLOCK_CHARS)
        final = not data
        text = carry + decoder.decode(data, final=final)
        if "\x00" in text:
            raise _Unusual("NUL bytes")
        if not final and text.endswith("\r"):
            text, carry = text[:-1], "\r"
        else:
            carry = ""
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        if not final:
            cut = text.rfind("\n")
            if cut < 0:
                if len(text) > MAX_LINE_LENGTH:
                    raise _Unusual("long line")
                carry = text + carry
                continue
            text, carry = text[:cut + 1], text[cut + 1:] + carry
        if text:
            yield text
        if final:
            return


def read_seg_arrays(path: str | Path, default_sample: str | None = None, check_build: bool = True,
                    samples: Collection[str] | None = None) -> CopyNumberFile:
    """:func:`~lms_genomics.io.seg.read_seg` into arrays: the same segments, errors and warnings (module docstring)."""
    from . import seg

    p = Path(path)
    seg._refuse_cnvkit_bins(p)
    try:
        return _read_fast(p, default_sample, check_build, samples)
    except (_Unusual, InputError, UnicodeError, OSError, *GZIP_ERRORS):
        pass
    export = seg.read_seg(p, default_sample=default_sample, check_build=check_build, samples=samples)
    listed = [s for s in seg.seg_sample_names(p) if samples is None or s in set(samples)] or None
    return from_export(export, "seg", listed=listed if listed and len(export.samples) > 0 else None)


def _read_fast(p: Path, default_sample: str | None, check_build: bool,
               samples: Collection[str] | None) -> CopyNumberFile:
    from .seg import _is_seg_header

    with open(p, "rb") as fh:
        compressed = fh.read(2) == GZIP_MAGIC
        fh.seek(0)
        raw = _HashingReader(fh)
        blocks = _text_blocks(raw, compressed)
        parser = _Parser(p, samples)
        header: list[str] | None = None
        comments: list[str] = []
        line_no = 0
        last = ""
        for text in blocks:
            last = text
            lines = text.split("\n")
            if not lines[-1]:
                lines.pop()  # the text ends with a newline
            if len(text) >= MAX_LINE_LENGTH and max(map(len, lines)) >= MAX_LINE_LENGTH - 2:
                raise _Unusual("long line")  # the DataFrame reader refuses it with its line
            first = line_no + 1
            line_no += len(lines)
            if header is None:
                for k, line in enumerate(lines):
                    stripped = line.strip()
                    if not stripped:
                        continue
                    if stripped.startswith("#"):
                        comments.append(stripped)
                        continue
                    delimiter = sniff_delimiter(line)
                    if delimiter == " " or '"' in line or not _is_seg_header(split_fields(line, delimiter)):
                        raise _Unusual("header")
                    header = [h.strip() for h in line.split(delimiter)]
                    parser.start(header, delimiter)
                    lines, first = lines[k + 1:], first + k + 1
                    break
                else:
                    continue
            parser.add(lines, first)
        sha = raw.finish()
    if last and not last.endswith("\n"):
        raise _Unusual("no final line end")  # the DataFrame reader tells a cut file from a missing last newline
    if header is None:
        raise _Unusual("no header")
    cols = parser.cols
    warnings = check_build_comments(p, comments, check_build)
    return parser.finish(cols, default_sample or stem_of(p), check_build, sha, warnings,
                         is_cns="cnvkit_gene" in cols or "cnvkit_weight" in cols or suffix_of(p) == ".cns")


def _sorted_by(*keys: np.ndarray) -> bool:
    """Whether the rows are in lexicographic order of ``keys`` (ties allowed)."""
    if len(keys[0]) < 2:
        return True
    later = np.zeros(len(keys[0]) - 1, dtype=bool)  # decided: the row is after its predecessor
    undecided = np.ones(len(keys[0]) - 1, dtype=bool)
    for key in keys:
        a, b = key[1:], key[:-1]
        if (undecided & (a < b)).any():
            return False
        later |= undecided & (a > b)
        undecided &= a == b
    return True


class _Parser:
    """Fields of the data rows, a block at a time, kept as arrays."""

    def __init__(self, path: Path, samples: Collection[str] | None) -> None:
        self.path, self.wanted = path, ({s.strip('"') for s in samples} | {""}) if samples is not None else None
        self.parts: list[dict[str, np.ndarray]] = []
        self.labels: dict[str, int] = {}  # chromosome label → index
        self.names: dict[str, int] = {}  # sample name → index (file order)
        self.log2_text_nan: list[tuple[int, str]] = []  # (row, text) of log2 cells read as NaN
        self.n_rows = 0

    def start(self, header: list[str], delimiter: str) -> None:
        from .seg import _INDEX_NAMES, _REQUIRED, COLUMN_ALIASES, _columns

        if normalize_column(header[0]) in _INDEX_NAMES and len(header) > len(_REQUIRED):
            raise _Unusual("row index column")
        self.cols = _columns(header)
        if "cnvkit_cn" in self.cols:
            raise _Unusual("CNVkit cn column")  # cnvkit.py call output: the DataFrame reader reads its copy numbers
        if "sample" not in self.cols and len(header) >= 5 and normalize_column(header[0]) not in COLUMN_ALIASES:
            raise _Unusual("sample name in the header (EaCoN)")
        if any(k not in self.cols for k in _REQUIRED):
            raise _Unusual("columns")
        self.header, self.delimiter, self.width = header, delimiter, len(header)
        self.decimal = "," if delimiter == ";" else "."

    def add(self, lines: list[str], first: int) -> None:
        numbers = np.arange(first, first + len(lines), dtype=np.int64)
        text = "\n".join(lines)
        if _special_lines(lines):
            keep = [k for k, ln in enumerate(lines) if ln.strip() and not ln.lstrip().startswith("#")]
            lines, numbers = [lines[k] for k in keep], numbers[keep]
        if not lines:
            return
        if '"' in text:
            raise _Unusual("quotes")
        d, width = self.delimiter, self.width
        if set(map(str.count, lines, repeat(d))) != {width - 1}:
            raise _Unusual("ragged rows")
        flat = d.join(lines).split(d)
        if _needs_strip(text):
            flat = [f.strip() for f in flat]
        column = {key: flat[i::width] for key, i in self.cols.items()
                  if key in ("sample", "chrom", "start", "end", "markers", "log2")}
        if self.wanted is not None and "sample" in column:
            mask = [s in self.wanted for s in column["sample"]]
            if not all(mask):
                rows = np.flatnonzero(mask)
                column = {k: [v[i] for i in rows] for k, v in column.items()}
                numbers = numbers[rows]
        n = len(numbers)
        if not n:
            return
        for label in set(column["chrom"]):
            self.labels.setdefault(label, len(self.labels))
        part = {"line": numbers, "label": np.fromiter(map(self.labels.__getitem__, column["chrom"]), np.int64, n)}
        if "sample" in column:
            part["sample"] = self._sample_codes(column["sample"])
        start = numbers_of(column["start"], self.decimal, integer=True)
        end = numbers_of(column["end"], self.decimal, integer=True)
        if np.isnan(start).any() or np.isnan(end).any():  # empty or unreadable coordinates: an error, or a row
            raise _Unusual("coordinates")                   # the DataFrame reader judges
        part["start"], part["end"] = start, end
        part["markers"] = numbers_of(column["markers"], self.decimal, integer=True) if "markers" in column \
            else np.full(n, np.nan)
        log2 = numbers_of(column["log2"], self.decimal)
        for k in np.flatnonzero(np.isnan(log2)).tolist():
            self.log2_text_nan.append((self.n_rows + k, column["log2"][k]))
        part["log2"] = log2
        self.parts.append(part)
        self.n_rows += n

    def _sample_codes(self, names: list[str]) -> np.ndarray:
        arr = np.array(names, dtype=object)
        starts = np.flatnonzero(np.r_[True, arr[1:] != arr[:-1]])
        codes = np.array([self.names.setdefault(names[i], len(self.names)) for i in starts.tolist()], np.int64)
        return np.repeat(codes, np.diff(np.r_[starts, len(arr)]))

    def finish(self, cols: dict[str, int], default_sample: str, check_build: bool, sha: str, warnings: list[str],
               is_cns: bool) -> CopyNumberFile:
        p = self.path
        fmt = "cnvkit_cns" if is_cns else "log2_seg"
        if not self.parts:
            warnings.append(f"{p.name}: no segment (header only)")
            return CopyNumberFile(p, sha, fmt, SegmentArrays.empty(), np.empty(0, np.int64), [default_sample],
                                  "unknown", warnings, chromosome_coding="unknown")
        listed = list(self.names) if "sample" in cols else [default_sample]
        part = {k: np.concatenate([q[k] for q in self.parts]) for k in self.parts[0]}
        self.parts = []  # the blocks' arrays are not needed twice
        line, label = part["line"], part["label"]
        # Chromosomes (read_seg's rules: 25 anywhere means Affymetrix codes; named contigs are dropped).
        labels = list(self.labels)
        coding = "affymetrix (24 = X, 25 = Y)" if any(_AFFY_25.fullmatch(t) for t in labels) else \
            "ucsc (23 = X, 24 = Y)"
        numeric_sex = "affymetrix" if coding.startswith("affy") else "ucsc"
        code_of_label, other_of_label = [], []
        for t in labels:
            name = chromosome_name(t, numeric_sex=numeric_sex)
            known_other = t.upper().replace("CHR", "") in ("M", "MT", "26", "0", "UN") or "_" in t
            if name is None and not known_other:
                raise _Unusual("unknown chromosome")
            code_of_label.append(-1 if name is None else CHROM_ORDER[name])
            other_of_label.append(name is None)
        chrom = np.array(code_of_label, dtype=np.int64)[label]
        placed = chrom >= 0
        if not placed.all():
            warnings.append(f"{p.name}: {int((~placed).sum())} segment(s) on mitochondrial/unplaced contigs ignored")
        markers = part["markers"]
        empty = placed & (markers == 0)
        if empty.any():
            shown = ", ".join(str(x) for x in line[empty].tolist()[:5])
            warnings.append(f"{p.name}: {int(empty.sum())} segment(s) with 0 markers (no data; CNVkit artefact rows) "
                            f"dropped (line {shown})")
        start, end, log2 = part["start"], part["end"], part["log2"]
        considered = placed & ~empty
        if (np.isinf(start) | np.isinf(end))[considered].any():
            raise _Unusual("infinite coordinate")
        bad_log2 = np.isinf(log2)
        for row, text in self.log2_text_nan:
            if text.upper() not in ("NA", "NAN", ""):
                bad_log2[row] = True
        if (bad_log2 & considered).any():
            raise _Unusual("log2")
        keep = considered & ~np.isnan(log2)
        if (considered & np.isnan(log2)).any():
            warnings.append(f"{p.name}: {int((considered & np.isnan(log2)).sum())} segment(s) without a log2 value "
                            f"ignored")
        from .seg import start_convention

        convention, shift = start_convention(is_cns)
        start0 = np.maximum(start - shift, 0)
        if (keep & (end <= start0)).any():
            raise _Unusual("end before start")
        beyond = keep & (end > _SIZES[np.maximum(chrom, 0)])
        if beyond.any():
            if check_build:
                raise _Unusual("beyond hg19")
            keep &= ~beyond
            warnings.append(f"{p.name}: {int(beyond.sum())} segment(s) beyond hg19 chromosome ends dropped (build "
                            f"check overridden)")
        known = ~np.isnan(markers)
        if (keep & known & ~((markers >= 0) & (markers < 2**53) & (markers == np.round(markers)))).any():
            raise _Unusual("marker count")
        from .seg import MAX_LOG2

        if (keep & (log2 > MAX_LOG2)).any():
            raise _Unusual("implausible log2")  # the DataFrame reader refuses it with its line
        if "sample" in part and len(np.unique(part["sample"][keep])) < len(self.names):
            raise _Unusual("a sample without usable segment")  # the DataFrame reader names it (warning or error)
        if not keep.any():
            raise _Unusual("no usable segment")
        rows = np.flatnonzero(keep)
        if "sample" in part:
            sample_code = part["sample"][rows]
            names = list(self.names)
        else:
            sample_code, names = np.zeros(len(rows), dtype=np.int64), [default_sample]
        chrom, start0, end, log2 = chrom[rows], start0[rows].astype(np.int64), end[rows].astype(np.int64), log2[rows]
        markers, line = markers[rows], line[rows]
        # Rows as files list them (by sample, chromosome, position) need no sort for the two checks below.
        in_order = _sorted_by(sample_code, chrom, start0, end)
        same_key = np.zeros(len(rows), dtype=bool)
        if in_order and len(rows) > 1:
            same_key[1:] = ((sample_code[1:] == sample_code[:-1]) & (chrom[1:] == chrom[:-1])
                            & (start0[1:] == start0[:-1]) & (end[1:] == end[:-1]))
        # Duplicated rows (same sample, chromosome, extent and log2): the first is kept.
        if not in_order or same_key.any():
            order = np.lexsort((np.arange(len(rows)), log2, end, start0, chrom, sample_code))
            same = np.zeros(len(rows), dtype=bool)
            if len(rows) > 1:
                a, b = order[1:], order[:-1]
                same[a] = ((sample_code[a] == sample_code[b]) & (chrom[a] == chrom[b]) & (start0[a] == start0[b])
                           & (end[a] == end[b]) & (log2[a] == log2[b]))
            if same.any():
                warnings.append(f"{p.name}: {int(same.sum())} duplicated segment(s) ignored")
                kept = ~same
                sample_code, chrom, start0, end = sample_code[kept], chrom[kept], start0[kept], end[kept]
                log2, markers, line = log2[kept], markers[kept], line[kept]
        # A segment overlapping an earlier one of its sample and chromosome (by more than a shared base): an error.
        order = np.arange(len(sample_code)) if in_order and not same_key.any() else \
            np.lexsort((end, start0, chrom, sample_code))
        group = sample_code[order] * 32 + chrom[order]
        new = np.ones(len(order), dtype=bool)
        new[1:] = group[1:] != group[:-1]
        ends = end[order]
        offset = np.cumsum(new) * (int(ends.max(initial=0)) + 1)
        run_max = np.maximum.accumulate(ends + offset) - offset
        prev = np.empty_like(run_max)
        prev[:1] = np.iinfo(np.int64).min // 2
        prev[1:] = run_max[:-1]
        if (~new & (start0[order] < prev - 1)).any():
            raise _Unusual("overlap")
        del order, group, new, ends, offset, run_max, prev
        present, first_row = np.unique(sample_code, return_index=True)
        order = present[np.argsort(first_row)]
        sample_list = [names[k] for k in order.tolist()]
        remap = np.full(len(names), -1, dtype=np.int64)
        remap[order] = np.arange(len(order))
        rows_out = SegmentArrays(
            chrom=chrom, start=start0, end=end, kind=np.full(len(chrom), KIND_CN, np.int8),
            type=np.where(log2 < 0, TYPE_LOSS, np.where(log2 > 0, TYPE_GAIN, TYPE_NEUTRAL)).astype(np.int8),
            copy_number=np.full(len(chrom), np.nan), log2=log2, markers=markers,
            ids=None, id_prefix=f"{p.name}:", source_line=line.astype(float))
        return CopyNumberFile(p, sha, fmt, rows_out, remap[sample_code], sample_list, convention, warnings,
                              chromosome_coding=coding, listed=listed)
