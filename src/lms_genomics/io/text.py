"""The one text layer every reader uses: compression, encodings, line ends, headers, numbers and row errors.

* **Compression**: gzip and bgzip (multi-member gzip, what ``bgzip``/``tabix`` write) are read transparently
  wherever a plain file is; a corrupt or truncated stream is an :class:`InputError` naming the file (and line).
* **Encodings** (decided once, here): UTF-16 with a byte-order mark (Excel's "Unicode Text"), else UTF-8 with or
  without BOM, else Windows-1252; NUL bytes in a file without a UTF-16 BOM mean binary content.
* **Lines**: LF, CRLF and CR end lines; nothing else does (a form feed or U+2028 inside a cell does not).
* **Headers**: the first non-blank line not starting with ``#`` (or, with ``header_match``, the first such line
  the reader recognises: lines above it, such as R's ``WARNING: ignoring environment value of R_HOME``, are a
  preamble the reader reports).
* **Numbers** (:func:`parse_number`, :func:`parse_numbers`): one decimal/thousands rule for every reader.
* **Row errors** (:func:`first_bad_row`): the first bad row of a column check, as ``file:line: reason``.
* **Special files**: a named pipe, device or socket is refused before it is opened (:func:`require_regular_file`);
  opening a FIFO would wait for a writer forever.
* **Cut files** (:func:`cut_short`): a file that ends without a line end inside a number written with fewer
  decimals than its column (``-1.3`` below ``-0.5146``) is refused as cut short.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import os
import re
import stat
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import IO

import numpy as np

from .._lazy import pandas as pd
from ..errors import InputError

#: Refuse lines longer than this (real ChAS ``Genes`` cells reach ~11 kB; 8 MB is clearly not text).
MAX_LINE_LENGTH = 8 * 1024 * 1024
MAX_TEXT_BYTES = 2 * 1024 * 1024 * 1024
#: Bytes of (decompressed) head the format sniffers look at.
HEAD_BYTES = 256 * 1024
#: At most this many non-blank lines may precede a recognised header (R warnings, tool banners).
MAX_PREAMBLE_LINES = 20
GZIP_MAGIC = b"\x1f\x8b"
_ENCODING_NAMES = {"utf-8-sig": "utf-8"}  # codec used → name reported
GZIP_ERRORS = (EOFError, gzip.BadGzipFile, zlib.error)


@dataclass
class TextTable:
    """A delimited table read from a text file, with its provenance.

    ``preamble`` holds the (line, text) of non-blank, non-``#`` lines found above a header recognised with
    ``header_match`` (empty otherwise).
    """

    path: Path
    header: list[str]
    rows: list[list[str]]
    line_numbers: list[int]
    delimiter: str
    encoding: str
    comments: list[str] = field(default_factory=list)
    header_line: int = 0
    preamble: list[tuple[int, str]] = field(default_factory=list)
    unterminated_line: int = 0  # the last line's number when the file ends without a line end, else 0


# --------------------------------------------------------------------------------------------------- bytes


def not_regular_reason(path: str | Path) -> str | None:
    """Why ``path`` is not a regular file lmsgen may open (a named pipe, a device, a socket, a folder), or None.
    Opening a FIFO blocks until something writes to it: every reader asks this first (a missing file is left
    to ``open``, which says so)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder, not a file"
    kind = "named pipe (FIFO)" if stat.S_ISFIFO(mode) else "socket" if stat.S_ISSOCK(mode) else \
        "device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode) else "special file"
    return f"is a {kind}, not a regular file: lmsgen reads only regular files (it would wait for the writer)"


def require_regular_file(path: str | Path, error: type[InputError] = InputError) -> Path:
    """``path`` when it is a regular file (or missing: ``open`` then says so); else ``error(path, reason)``."""
    reason = not_regular_reason(path)
    if reason is not None:
        raise error(path, reason)
    return Path(path)


def read_head_raw(path: Path, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of a file as stored (no decompression); never opens a FIFO or device
    (:class:`InputError`)."""
    require_regular_file(path)
    with open(path, "rb") as fh:
        return fh.read(n_bytes)


def is_gzip(path: Path) -> bool:
    """True when the file starts with the gzip magic (gzip or bgzip)."""
    return read_head_raw(path, 2) == GZIP_MAGIC


def read_head(path: Path, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of a file, gunzipped when it is gzip/bgzip; ``b""`` for a corrupt gzip stream."""
    head = read_head_raw(path, n_bytes)
    if head[:2] == GZIP_MAGIC:
        try:
            with gzip.open(path, "rb") as gz:
                head = gz.read(n_bytes)
        except (OSError, *GZIP_ERRORS):
            return b""
    return head


@contextmanager
def open_bytes(path: Path) -> Iterator[IO[bytes]]:
    """The file's (decompressed) bytes as a stream; :class:`InputError` for a file that cannot be opened (reading
    a corrupt gzip stream raises ``EOFError``/``gzip.BadGzipFile``/``zlib.error``: :data:`GZIP_ERRORS`)."""
    try:
        require_regular_file(path)
        fh: IO[bytes] = gzip.open(path, "rb") if is_gzip(path) else open(path, "rb")  # noqa: SIM115
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})") from None
    try:
        yield fh
    finally:
        fh.close()


#: Compression suffixes the text layer reads through (``x.seg.gz`` is a ``.seg``, sample ``x``).
COMPRESSION_SUFFIXES = (".gz", ".bgz")


def plain_name(path: str | Path) -> Path:
    """The file name without a compression suffix: ``P1.seg.gz`` → ``P1.seg``."""
    p = Path(path)
    return p.with_suffix("") if p.suffix.lower() in COMPRESSION_SUFFIXES else p


def stem_of(path: str | Path) -> str:
    """The file's stem once decompressed (the default sample name): ``P1.seg.gz`` → ``P1``."""
    return plain_name(path).stem


def suffix_of(path: str | Path) -> str:
    """The file's last suffix once decompressed, lower case: ``P1.cns.gz`` → ``.cns``."""
    return plain_name(path).suffix.lower()


# --------------------------------------------------------------------------------------------------- encodings


def _text_encoding(path: Path) -> str:
    """The encoding every reader uses for ``path``: UTF-16 (BOM), UTF-8 (with or without BOM), else cp1252.

    The (decompressed) file is decoded once in 1 MB chunks and nothing is kept, so choosing costs no memory.
    Raises :class:`InputError` for binary content (NUL bytes), an undecodable or unreadable file.
    """
    try:
        head = read_head(path, 65536)
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror})") from None
    if not head and is_gzip(path):
        raise InputError(path, "truncated or corrupt gzip data")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if b"\x00" in head:
        raise InputError(path, "binary file (NUL bytes), not a text export")
    error: UnicodeDecodeError | None = None
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open_bytes(path) as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            error = exc
        except GZIP_ERRORS as exc:
            raise InputError(path, f"truncated or corrupt gzip data ({exc})") from None
    assert error is not None
    raise InputError(path, f"neither UTF-8 nor Windows-1252 text (byte {error.start})") from None


def decode_head(raw: bytes) -> tuple[str, str]:
    """(text, encoding) of a file head by the same rule as :func:`_text_encoding`, never raising: a head cut
    inside a multi-byte character is decoded up to it; content before the first NUL when binary."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return raw[:len(raw) // 2 * 2].decode("utf-16", errors="replace"), "utf-16"
    if b"\x00" in raw:
        raw = raw.split(b"\x00", 1)[0]
        raw = raw[:raw.rfind(b"\n") + 1]
    for cut in range(4):
        try:
            return raw[:len(raw) - cut].decode("utf-8-sig"), "utf-8"
        except UnicodeDecodeError:
            continue
    return raw.decode("cp1252", errors="replace"), "cp1252"


def decode_text(path: Path) -> tuple[str, str]:
    """Read a whole (possibly gzipped) file as text with the encoding rule of :func:`_text_encoding`;
    returns (text, encoding name). Raises :class:`InputError` for binary or unreadable content."""
    encoding = _text_encoding(path)
    with open_bytes(path) as fh:
        data = fh.read()  # the stream was read whole by _text_encoding: no gzip error left to meet
    try:
        text = data.decode(encoding)
    except UnicodeError:
        raise InputError(path, "UTF-16 byte-order mark but undecodable content") from None
    return text, _ENCODING_NAMES.get(encoding, encoding)


def iter_text_lines(path: Path, status: dict[str, int] | None = None) -> tuple[str, Iterator[tuple[int, str]]]:
    """(encoding, lines): the (possibly gzipped) file's lines with their 1-based numbers, read as a stream.

    Only LF, CRLF and CR end lines (Python's universal newlines; ``str.splitlines`` would also split on form
    feeds or U+2028 inside cells). A line longer than :data:`MAX_LINE_LENGTH` raises :class:`InputError` as soon
    as that many characters are read (a line is never read whole first), so does a corrupt gzip stream (with the
    line where it broke). ``status``, when given, receives ``"unterminated_line"``: the number of the last line
    when the file ends without a line end (a copy cut short ends that way; see :func:`cut_short`).
    """
    encoding = _text_encoding(path)

    def lines() -> Iterator[tuple[int, str]]:
        n = 0
        try:
            with open_bytes(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
                while True:
                    line = fh.readline(MAX_LINE_LENGTH + 1)
                    if not line:
                        break
                    n += 1
                    if len(line) > MAX_LINE_LENGTH:
                        raise InputError(path, f"line longer than {MAX_LINE_LENGTH} characters", n)
                    if status is not None and not line.endswith(("\n", "\r")):
                        status["unterminated_line"] = n
                    yield n, line.rstrip("\r\n")
        except UnicodeError:  # UTF-16 with broken surrogates
            raise InputError(path, "UTF-16 byte-order mark but undecodable content") from None
        except GZIP_ERRORS as exc:
            raise InputError(path, f"truncated or corrupt gzip data ({exc})", n + 1) from None
    return _ENCODING_NAMES.get(encoding, encoding), lines()


def iter_record_lines(path: Path, what: str = "text file",
                      status: dict[str, int] | None = None) -> Iterator[tuple[int, str]]:
    """(1-based line, text without EOL) of a (possibly gzipped) record-per-line file such as a VCF, decoded line
    by line: UTF-8, else Windows-1252 for that line (a stray byte in one INFO value must not stop the file),
    BOM dropped from line 1. NUL bytes, a line over :data:`MAX_LINE_LENGTH` bytes (refused before it is read
    whole) or a corrupt gzip stream raise :class:`InputError` with the line. ``status`` receives
    ``"unterminated_line"`` (0, or the last line's number when the file ends without a line end)."""
    n = 0
    try:
        with open_bytes(path) as fh:
            while True:
                raw = fh.readline(MAX_LINE_LENGTH + 1)  # bounded: a 100 MB INFO line is never read whole
                if not raw:
                    break
                n += 1
                if len(raw) > MAX_LINE_LENGTH:
                    raise InputError(path, f"line longer than {MAX_LINE_LENGTH} bytes", n)
                if b"\x00" in raw:
                    raise InputError(path, f"binary content (NUL bytes): not a text {what}", n)
                if status is not None:
                    status["unterminated_line"] = 0 if raw.endswith((b"\n", b"\r")) else n
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = raw.decode("cp1252", errors="replace")
                if n == 1:
                    text = text.lstrip("\ufeff")
                yield n, text.rstrip("\r\n")
    except GZIP_ERRORS as exc:
        raise InputError(path, f"truncated or corrupt gzip data ({exc})", n + 1) from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror or exc})", n + 1 if n else None) from None


@contextmanager
def open_text(path: Path) -> Iterator[IO[str]]:
    """The (possibly gzipped) file as a text stream in its encoding (for pandas' C parser)."""
    encoding = _text_encoding(path)
    with open_bytes(path) as raw, io.TextIOWrapper(raw, encoding=encoding, newline="") as fh:
        yield fh


# --------------------------------------------------------------------------------------------------- head


def sniff_delimiter(header: str) -> str:
    """Tab if the header has one, else ``;`` (European Excel CSV), else ``,``, else runs of spaces."""
    if "\t" in header:
        return "\t"
    if ";" in header:
        return ";"
    if "," in header:
        return ","
    return " "


def split_fields(line: str, delimiter: str) -> list[str]:
    """A header or row split on ``delimiter`` (runs of spaces for ``" "``), quotes and spaces stripped."""
    if delimiter == " ":
        parts = line.split()
    elif '"' not in line:
        parts = line.split(delimiter)
    else:
        try:
            parts = next(csv.reader([line], delimiter=delimiter, strict=False), [])
        except csv.Error:
            parts = line.split(delimiter)
    return [p.strip().strip('"').strip() for p in parts]


@dataclass(frozen=True)
class Head:
    """The first :data:`HEAD_BYTES` of a file, decompressed and decoded once: what format sniffers read.

    ``binary`` is True when the head holds NUL bytes outside UTF-16; the text is then the complete lines before
    the first NUL, so a file is judged by what it starts as and its reader refuses the binary content naming the
    file (rather than the file being ignored). ``raw`` is the decompressed head as bytes (BCF magic, JSON).
    """

    path: Path
    raw: bytes
    text: str
    encoding: str
    compressed: bool
    binary: bool

    @property
    def lines(self) -> list[str]:
        """The head's lines (at most 400; the last line may be cut)."""
        return self.text.splitlines()[:400]

    @property
    def body(self) -> list[str]:
        """Non-blank lines not starting with ``#``."""
        return [ln for ln in self.lines if ln.strip() and not ln.lstrip().startswith("#")]

    @property
    def suffix(self) -> str:
        """The file's last suffix, lower case, ``.gz``/``.bgz`` removed (``x.seg.gz`` → ``.seg``)."""
        return suffix_of(self.path)

    def header(self, match: Callable[[list[str]], bool] | None = None) -> list[str]:
        """Fields of the header line: the first body line, or the first of the first
        :data:`MAX_PREAMBLE_LINES` body lines whose fields ``match`` accepts (falling back to the first)."""
        body = self.body
        if not body:
            return []
        if match is not None:
            for line in body[:MAX_PREAMBLE_LINES + 1]:
                fields_ = split_fields(line, sniff_delimiter(line))
                if match(fields_):
                    return fields_
        return split_fields(body[0], sniff_delimiter(body[0]))


@lru_cache(maxsize=256)
def _head_cached(path: str, size: int, mtime_ns: int) -> Head:
    p = Path(path)
    stored = read_head_raw(p, 2)
    raw = read_head(p, HEAD_BYTES)
    text, encoding = decode_head(raw)
    binary = b"\x00" in raw and encoding != "utf-16"
    return Head(p, raw, text, encoding, stored == GZIP_MAGIC, binary)


def head_of(path: str | Path) -> Head:
    """The :class:`Head` of a file (cached per path, size and modification time). Raises ``OSError``."""
    p = Path(path)
    st = os.stat(p)
    return _head_cached(str(p), st.st_size, st.st_mtime_ns)


# --------------------------------------------------------------------------------------------------- tables


#: ``row_filter(header)`` returns the predicate a row's fields must pass to be kept (or None: keep all).
RowFilter = Callable[[list[str]], "Callable[[list[str]], bool] | None"]


def read_table(path: str | Path, header_hint: re.Pattern[str] | None = None,
               row_filter: RowFilter | None = None,
               header_match: Callable[[list[str]], bool] | None = None) -> TextTable:
    """Read a delimited text table (plain or gzipped); the header is the first non-blank line not starting
    with ``#``.

    With ``header_hint``, ``#`` lines matching it are taken as the header (some tools comment the header).
    With ``header_match``, the header is the first of the first :data:`MAX_PREAMBLE_LINES` + 1 body lines whose
    fields it accepts; the lines above it are returned as :attr:`TextTable.preamble` (when none matches, the
    first body line is the header, as without it). Blank lines are skipped; rows are returned with their 1-based
    line numbers and stripped fields. The file is read as a stream: ``row_filter`` is called with the header and
    gives a predicate on each row's fields (not yet stripped); rows it rejects are never kept, so a reader
    wanting a few samples of a large multi-sample file holds only those rows.
    """
    p = Path(path)
    status: dict[str, int] = {}
    encoding, lines = iter_text_lines(p, status)
    comments: list[str] = []
    header_text = None
    header_no = 0
    pending: list[tuple[int, str]] = []  # body lines read while looking for a header_match header
    for n, line in lines:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if header_hint is not None and header_hint.search(stripped.lstrip("#")):
                header_text, header_no = stripped.lstrip("#").strip(), n
                break
            comments.append(stripped)
            continue
        if header_match is None or header_match(split_fields(line, sniff_delimiter(line))):
            header_text, header_no = line, n
            break
        pending.append((n, line))
        if len(pending) > MAX_PREAMBLE_LINES:
            break
    preamble: list[tuple[int, str]] = []
    replay: list[tuple[int, str]] = []
    if header_text is None and pending:  # no recognised header: the first body line is the header
        (header_no, header_text), replay = pending[0], pending[1:]
    elif header_text is not None:
        preamble = pending
    if header_text is None:
        raise InputError(p, "empty file: no header line")
    delimiter = sniff_delimiter(header_text)
    header = header_text.split() if delimiter == " " else next(csv.reader([header_text], delimiter=delimiter))
    header = [h.strip().strip('"') for h in header]
    rows: list[list[str]] = []
    numbers: list[int] = []
    keep = row_filter(header) if row_filter is not None else None
    # Some exports separate the header with spaces and the data with tabs (GISTIC example); the header
    # sniff decides for the header only. One record per line: a stray quote must not swallow the following
    # lines (and shift line numbers).
    for n, ln in (*replay, *lines) if replay else lines:
        if not ln.strip() or ln.lstrip().startswith("#"):
            continue
        if delimiter == " ":
            fields_ = ln.split()
        elif '"' not in ln:  # no quoting: csv would split exactly here (and is ~5x slower per line)
            fields_ = ln.split(delimiter)
        else:
            try:
                fields_ = next(csv.reader([ln], delimiter=delimiter, strict=False), [])
            except csv.Error as exc:
                raise InputError(p, f"cannot split fields ({exc})", n) from None
        if keep is None or keep(fields_):
            rows.append([f.strip() for f in fields_])
            numbers.append(n)
    table = TextTable(p, header, rows, numbers, delimiter, encoding, comments, header_no, preamble,
                      status.get("unterminated_line", 0))
    check_table_not_cut(table)  # a file ending inside a number is refused, not read short (see cut_short)
    return table


def normalize_column(name: str) -> str:
    """Column-name key: lower case, ``®`` and R's dots dropped, spaces collapsed, unit suffixes removed."""
    s = name.replace("\ufeff", "").replace("®", " ").replace("\u00ae", " ")
    s = s.strip().strip('"').lower()
    s = re.sub(r"\(iscn\s*\d{4}\)", "", s)
    s = s.replace(".", " ").replace("_", " ")
    s = re.sub(r"\s+", " ", s).strip()
    return s


# --------------------------------------------------------------------------------------------------- numbers

#: Characters that only ever group thousands (apostrophe, right single quote, spaces).
_GROUPING = "'\u2019 \u00a0\u202f\u2009"
_NUMBER = re.compile(r"^([+-]?)([0-9.,'\u2019 \u00a0\u202f\u2009]*[0-9][0-9.,'\u2019 \u00a0\u202f\u2009]*)"
                     r"((?:[eE][+-]?[0-9]+)?)$")
_SPECIAL = re.compile(r"[,'\u2019\s\u00a0\u202f\u2009]")


def parse_number(text: object, decimal: str = ".", integer: bool = False) -> float | None:
    """A number written as labs write them; None when ``text`` is not one. The one rule of every reader:

    * ``'`` ``’`` and spaces only group thousands;
    * when both ``.`` and ``,`` occur, the last one is the decimal mark and the other groups thousands
      (``1,234.5``, ``1.234,5``);
    * when only one of them occurs: more than once, it groups thousands (``89.580.992``, ``47,890,114``); once,
      it is the decimal mark (``2000000.0`` is two million, ``1,5`` is one and a half), except when exactly three
      digits follow it, a non-zero digit precedes and it is not the file's ``decimal`` mark (``123,456`` in a
      ``.`` file is 123456; ``1.500`` is 1.5 in a ``.`` file and 1500 in a ``,`` file; ``0,655`` is 0.655) or the
      column holds whole numbers (``integer``: coordinates, counts; ``1,001`` is 1001 in any file);
    * thousands groups must have three digits (``1,23,456`` is not a number).

    ``decimal`` is the file's decimal mark: ``","`` for ``;``-separated (European Excel) exports, else ``"."``.
    """
    if text is None:
        return None
    s = str(text).strip()
    m = _NUMBER.match(s)
    if not m:
        return None
    sign, mantissa, exponent = m.groups()
    groups_ = [c for c in _GROUPING if c in mantissa]
    dots, commas = mantissa.count("."), mantissa.count(",")
    point: str | None = None
    if dots and commas:
        point = "." if mantissa.rfind(".") > mantissa.rfind(",") else ","
        if mantissa.count(point) > 1:
            return None
    elif dots or commas:
        mark = "." if dots else ","
        if mantissa.count(mark) == 1:
            after = mantissa.rsplit(mark, 1)[1]
            before = mantissa.rsplit(mark, 1)[0]
            grouping3 = len(after) == 3 and after.isdigit() and before not in ("", "0") and \
                (integer or mark != decimal)
            point = None if grouping3 else mark
    whole, _, fraction = mantissa.rpartition(point) if point else (mantissa, "", "")
    if point and not whole:
        whole = "0"
    if fraction and not fraction.isdigit():
        return None
    grouping = set(groups_) | (({",", "."} - {point}) & set(whole))
    if grouping:
        parts = re.split("[" + re.escape("".join(sorted(grouping))) + "]", whole)
        if not (1 <= len(parts[0]) <= 3 and all(len(g) == 3 for g in parts[1:]) and all(g.isdigit() for g in parts)):
            return None
        whole = "".join(parts)
    if not whole.isdigit():
        return None
    return float(f"{sign}{whole}{'.' + fraction if fraction else ''}{exponent}")


#: What ``pandas.to_numeric`` reads in a cell with no grouping character (ASCII, no underscores): decimal numbers,
#: ``inf``/``infinity``/``nan`` in any case, surrounding ASCII whitespace; any other text is not a number.
_PANDAS_NUMBER = re.compile(r"\s*[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf(?:inity)?|nan)\s*",
                            re.IGNORECASE | re.ASCII)
#: Characters that send a cell to :func:`parse_number` (grouping marks, spaces) or that ``float`` reads and
#: ``pandas.to_numeric`` does not (``_``); a column free of them (and ASCII) is read by ``float`` at C speed.
_NOT_PLAIN = (",", "'", " ", "\t", "\r", "\n", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "_")


def to_number(text: str) -> float:
    """A cell as ``pandas.to_numeric`` reads it, without thousands or decimal-comma rules (NaN when it is not a
    number): decimal numbers, ``inf``/``infinity``/``nan`` in any case, surrounding ASCII whitespace; ASCII only."""
    return float(text) if _PANDAS_NUMBER.fullmatch(text) else np.nan


def _cell_number(text: str | None, decimal: str, integer: bool) -> float:
    if text is None:
        return np.nan
    if _SPECIAL.search(text) or ((decimal == "," or integer) and "." in text):
        value = parse_number(text, decimal, integer)
        return np.nan if value is None else value
    return to_number(text)


def numbers_of(values: list[str | None], decimal: str = ".", integer: bool = False) -> np.ndarray:
    """:func:`parse_number`'s rule over a column of text, as a float64 array (unreadable cells, and None, are NaN).

    Cells holding grouping characters (or a ``.`` in a ``,``-decimal file or a whole-number column) follow
    :func:`parse_number`; the others are read as ``pandas.to_numeric`` reads them (which also reads ``nan``/
    ``inf``, for the readers' own checks). A column of plain ASCII numbers is read by ``float`` in one C-level pass
    (on such text ``float`` and ``pandas.to_numeric`` agree: both correctly rounded, both read nan/inf)."""
    if not values:
        return np.empty(0, dtype=float)
    try:
        joined = "|".join(values)  # type: ignore[arg-type]
    except TypeError:  # None among the cells
        joined = None
    if joined is not None and joined.isascii() and not any(c in joined for c in _NOT_PLAIN) and \
            not ((decimal == "," or integer) and "." in joined):
        try:
            return np.fromiter(map(float, values), dtype=float, count=len(values))  # type: ignore[arg-type]
        except ValueError:
            pass  # a cell that is not a number: NaN, cell by cell below
    return np.array([_cell_number(v, decimal, integer) for v in values], dtype=float)


def parse_numbers(values: pd.Series, decimal: str = ".", integer: bool = False) -> pd.Series:
    """:func:`numbers_of` over a Series (missing cells are NaN), with its index."""
    cells = values.astype("string").tolist()
    return pd.Series(numbers_of([None if v is pd.NA else v for v in cells], decimal, integer), index=values.index)


# --------------------------------------------------------------------------------------------------- row errors


def first_bad_row(path: str | Path, bad: pd.Series | np.ndarray, lines: pd.Series | np.ndarray,
                  reason: Callable[[int], str]) -> None:
    """Raise ``InputError(path, reason(i), line of row i)`` for the first row ``i`` where ``bad`` is True."""
    mask = np.asarray(bad, dtype=bool)
    if mask.any():
        i = int(np.flatnonzero(mask)[0])
        try:
            line: int | None = int(np.asarray(lines, dtype=object)[i])
        except (TypeError, ValueError):  # no line number (None, NaN, pd.NA)
            line = None
        raise InputError(path, reason(i), line)


# --------------------------------------------------------------------------------------------------- cut files

_DECIMALS = re.compile(r"^[+-]?\d*\.(\d*)$")


def _decimals(text: str) -> int | None:
    """Digits after the decimal point of a plain decimal number (``-0.5146`` → 4), None for anything else."""
    m = _DECIMALS.match(text.strip())
    return len(m.group(1)) if m else None


def cut_short(last: str, before: list[str]) -> bool:
    """Whether ``last``, the final value of a file that ends without a line end, looks cut: the values above it in
    its column (``before``, the nearest ones) are all written with the same number of decimals and ``last`` has
    fewer (``-1.3`` where the column holds ``-0.5146``, ``0.1830``...). A writer that formats a column one way
    (DNAcopy, ChAS, Torrent Suite) never drops digits on its last line; a copy cut inside that number does."""
    d_last = _decimals(last)
    if d_last is None:
        return not last.strip() and bool(before) and all(v.strip() for v in before)
    widths = {_decimals(v) for v in before if v.strip()}
    return len(widths) == 1 and None not in widths and d_last < next(iter(widths))


def check_not_cut(path: str | Path, line: int, last_fields: list[str], columns: list[list[str]]) -> None:
    """Refuse a file whose last line (``line``, without a line end) ends inside a number: for each of the last
    line's fields, ``columns`` gives the values above it (see :func:`cut_short`). Raises :class:`InputError`."""
    for i, value in enumerate(last_fields):
        if i < len(columns) and cut_short(value, columns[i]):
            raise InputError(path, f"the file ends inside this line without a line end, and its value {value!r} has "
                                   f"fewer decimals than the same column above it: the file looks cut short (an "
                                   f"interrupted copy?); copy or export it again", line)


def check_table_not_cut(table: TextTable, tail: int = 50) -> None:
    """:func:`check_not_cut` on the last row of a :class:`TextTable` when the file ended without a line end (the
    last ``tail`` rows above it give each column's format)."""
    if not table.unterminated_line or not table.rows or table.line_numbers[-1] != table.unterminated_line:
        return
    above = table.rows[-tail - 1:-1]
    last = table.rows[-1]
    columns = [[r[i] for r in above if i < len(r)] for i in range(len(last))]
    check_not_cut(table.path, table.unterminated_line, last, columns)
