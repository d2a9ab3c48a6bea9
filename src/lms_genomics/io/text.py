"""Reading delimited text exports as labs produce them: BOM, CRLF, Windows code pages, ``#`` lines,
sniffed delimiters and quoted fields. Shared by the table readers."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

#: Refuse lines longer than this (real ChAS ``Genes`` cells reach ~11 kB; 8 MB is clearly not text).
MAX_LINE_LENGTH = 8 * 1024 * 1024
MAX_TEXT_BYTES = 2 * 1024 * 1024 * 1024
_ENCODING_NAMES = {"utf-8-sig": "utf-8"}  # codec used → name reported


@dataclass
class TextTable:
    """A delimited table read from a text file, with its provenance."""

    path: Path
    header: list[str]
    rows: list[list[str]]
    line_numbers: list[int]
    delimiter: str
    encoding: str
    comments: list[str] = field(default_factory=list)
    header_line: int = 0


def read_head(path: Path, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of a file, gunzipped when it is gzip/bgzip; ``b""`` for a corrupt gzip stream."""
    import gzip
    import zlib

    head = read_head_raw(path, n_bytes)
    if head[:2] == b"\x1f\x8b":
        try:
            with gzip.open(path, "rb") as gz:
                head = gz.read(n_bytes)
        except (OSError, EOFError, zlib.error):
            return b""
    return head


def decode_text(path: Path) -> tuple[str, str]:
    """Read a whole file as text, with the encoding rule of :func:`iter_text_lines` (UTF-16 with a BOM,
    UTF-8 with or without BOM, else cp1252 for Windows exports); returns (text, encoding name).

    Raises :class:`InputError` for binary content (NUL bytes) or an unreadable file.
    """
    encoding = _text_encoding(path)
    try:
        text = path.read_bytes().decode(encoding)
    except UnicodeError:
        raise InputError(path, "UTF-16 byte-order mark but undecodable content") from None
    return text, _ENCODING_NAMES.get(encoding, encoding)


def sniff_delimiter(header: str) -> str:
    """Tab if the header has one, else ``;`` (European Excel CSV), else ``,``, else runs of spaces."""
    if "\t" in header:
        return "\t"
    if ";" in header:
        return ";"
    if "," in header:
        return ","
    return " "


def _text_encoding(path: Path) -> str:
    """The encoding :func:`iter_text_lines` will use: UTF-16 (BOM), UTF-8 (with or without BOM), else cp1252.

    The file is decoded once in 1 MB chunks and nothing is kept, so choosing costs no memory.
    Raises :class:`InputError` for binary content (NUL bytes) or an undecodable file.
    """
    import codecs

    try:
        head = read_head_raw(path, 65536)
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror})") from None
    if head.startswith(b"\xff\xfe") or head.startswith(b"\xfe\xff"):
        return "utf-16"
    if b"\x00" in head:
        raise InputError(path, "binary file (NUL bytes), not a text export")
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as fh:
                for chunk in iter(lambda fh=fh: fh.read(1 << 20), b""):
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError as exc:
            error = exc
    raise InputError(path, f"neither UTF-8 nor Windows-1252 text (byte {error.start})") from None


def read_head_raw(path: Path, n_bytes: int) -> bytes:
    """The first ``n_bytes`` of a file as stored (no decompression)."""
    with open(path, "rb") as fh:
        return fh.read(n_bytes)


def iter_text_lines(path: Path) -> tuple[str, Iterator[tuple[int, str]]]:
    """(encoding, lines): the file's lines with their 1-based numbers, read as a stream.

    Only LF, CRLF and CR end lines (Python's universal newlines; ``str.splitlines`` would also split on form
    feeds or U+2028 inside cells). Lines longer than :data:`MAX_LINE_LENGTH` raise :class:`InputError`.
    """
    encoding = _text_encoding(path)

    def lines() -> Iterator[tuple[int, str]]:
        try:
            with open(path, encoding=encoding, newline="") as fh:
                for n, line in enumerate(fh, 1):
                    if len(line) > MAX_LINE_LENGTH:
                        raise InputError(path, f"line longer than {MAX_LINE_LENGTH} characters", n)
                    yield n, line.rstrip("\r\n")
        except UnicodeError:  # UTF-16 with broken surrogates
            raise InputError(path, "UTF-16 byte-order mark but undecodable content") from None
    return _ENCODING_NAMES.get(encoding, encoding), lines()


#: ``row_filter(header)`` returns the predicate a row's fields must pass to be kept (or None: keep all).
RowFilter = Callable[[list[str]], "Callable[[list[str]], bool] | None"]


def read_table(path: str | Path, header_hint: re.Pattern[str] | None = None,
               row_filter: RowFilter | None = None) -> TextTable:
    """Read a delimited text table; the header is the first non-blank line not starting with ``#``.

    With ``header_hint``, ``#`` lines matching it are taken as the header (some tools comment the header).
    Blank lines are skipped; rows are returned with their 1-based line numbers and stripped fields. The file is
    read as a stream: ``row_filter`` is called with the header and gives a predicate on each row's fields (not
    yet stripped); rows it rejects are never kept, so a reader wanting a few samples of a large multi-sample
    file holds only those rows.
    """
    p = Path(path)
    encoding, lines = iter_text_lines(p)
    comments: list[str] = []
    header_text = None
    header_no = 0
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
        header_text, header_no = line, n
        break
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
    for n, ln in lines:
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
    return TextTable(p, header, rows, numbers, delimiter, encoding, comments, header_no)


def normalize_column(name: str) -> str:
    """Column-name key: lower case, ``®`` and R's dots dropped, spaces collapsed, unit suffixes removed."""
    s = name.replace("\ufeff", "").replace("®", " ").replace("\u00ae", " ")
    s = s.strip().strip('"').lower()
    s = re.sub(r"\(iscn\s*\d{4}\)", "", s)
    s = s.replace(".", " ").replace("_", " ")
    s = re.sub(r"\s+", " ", s).strip()
    return s
