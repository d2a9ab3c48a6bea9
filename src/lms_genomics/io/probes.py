"""Probe-level copy-number data, for plots and QC only (never for calls).

Formats read (found by their header, any file name):

- ChAS probe-level text export: ``ProbeSetName Chromosome Position Log2Ratio (<sample>.OSCHP)
  WeightedLog2Ratio (...) AllelicDifference (...) NormalDiploid (...) BAF (...)``; the sample name is embedded
  in each value-column header, so columns are matched by prefix; Affymetrix chromosome codes 24 = X, 25 = Y
  (26 = MT and 255 = no value are dropped); ``NA`` for missing values;
- the APT ``apt-copynumber-onco-ssa`` table (quoted header ``"ProbeSetName" "Chromosome" "Position"
  "Log2Ratio" ... "AllelicDifference" "BAF"``, rows unsorted), same chromosome codes;
- CNVkit ``.cnr`` bins (``chromosome start end gene log2 depth weight``; 0-based starts, UCSC numeric codes
  23 = X, 24 = Y), the position of a bin being its midpoint; non-canonical contigs are dropped.

:func:`read_probes` returns a DataFrame sorted in karyotype order with columns ``chrom`` (UCSC name), ``pos``
(0-based position, int64), ``log2``, ``baf`` and ``allele_diff`` (float64, NaN where absent or missing);
``df.attrs`` holds ``format``, ``sample`` (from the ChAS headers, else None), ``path``, ``dropped`` (rows on
chromosomes lmsgen does not plot) and ``beyond_hg19`` (probes past an hg19 chromosome end, dropped).
:func:`mapd` gives the array-noise measure used by QC.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .._lazy import pandas as pd
from ..errors import InputError
from ..genome import CHROM_ORDER, CHROM_SIZES, normalize_chromosomes
from ..tables import check_table
from .text import HEAD_BYTES, MAX_TEXT_BYTES, Head, first_bad_row, head_of, open_text, parse_numbers

PROBE_COLUMNS = ["chrom", "pos", "log2", "baf", "allele_diff"]

_MISSING = ["NA", "NaN", "nan", "NAN", "", "null", "NULL", "N/A", "---", "-nan", "inf", "-inf", "Inf", "-Inf"]
_AFFY_DROPPED = {"26", "255", "MT", "M", "chrM", "chrMT"}
_SAMPLE_IN_HEADER = re.compile(r"\(([^()]*)\)\s*$")


def sniff(head: Head) -> bool:
    """A ChAS or APT probe-level export: the header starts with ``ProbeSetName``."""
    header = head.header()
    return bool(header) and _key(header[0]) == "probesetname"


def _key(name: str) -> str:
    """Column-name key: lower case, quotes, spaces, dots and underscores removed, sample suffix dropped."""
    s = _SAMPLE_IN_HEADER.sub("", name.replace("\ufeff", "").strip().strip('"'))
    return re.sub(r"[\s._\-]+", "", s.lower())


def _find_header(path: Path) -> tuple[int, str, str]:
    """(0-based index of the header line, header text, delimiter); ``#`` and blank lines before it skipped."""
    try:
        head = head_of(path)
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror})") from None
    if head.binary:
        raise InputError(path, "binary file (NUL bytes), not a probe-level text export")
    text = head.text.lstrip("\ufeff")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for i, line in enumerate(lines[:-1] if len(head.raw) >= HEAD_BYTES else lines):
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        delim = "\t" if "\t" in line else ("," if "," in line else r"\s+")
        return i, line, delim
    raise InputError(path, "empty file: no header line")


def _column(keys: list[str], *prefixes: str, exact: tuple[str, ...] = ()) -> int | None:
    for i, k in enumerate(keys):
        if k in exact:
            return i
    for p in prefixes:
        for i, k in enumerate(keys):
            if k.startswith(p):
                return i
    return None


def _numeric(path: Path, values: pd.Series, what: str, lines: np.ndarray, allow_missing: bool) -> np.ndarray:
    """Parse a column of numeric text; raise naming the first bad line."""
    num = parse_numbers(values)
    bad = num.isna() & values.notna() if allow_missing else num.isna()
    first_bad_row(path, bad, lines, lambda i: f"{what} is not a number: {values.iloc[i]!r}")
    return num.to_numpy(dtype="float64")


def read_probes(path: str | Path, weighted: bool = False) -> pd.DataFrame:
    """Read a probe-level export (ChAS, APT or CNVkit ``.cnr``) into the canonical probe table.

    ``weighted=True`` takes ChAS/APT ``WeightedLog2Ratio`` instead of ``Log2Ratio``. Raises
    :class:`~lms_genomics.errors.InputError` (file, line, reason) on a malformed file.
    """
    p = Path(path)
    try:
        size = p.stat().st_size
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror})") from None
    if size > MAX_TEXT_BYTES:
        raise InputError(p, f"file too large for a probe-level text export ({size} bytes)")
    header_idx, header_text, delim = _find_header(p)
    header = re.split(delim, header_text.strip()) if delim == r"\s+" else header_text.rstrip("\r\n").split(delim)
    if delim == r"\s+" and "(" in header_text:
        raise InputError(p, "space-separated header with sample names in brackets: export as tab-separated text",
                         header_idx + 1)
    keys = [_key(h) for h in header]
    fmt: str
    if keys and keys[0] == "probesetname":
        chrom_i = _column(keys, exact=("chromosome", "chr", "chrom"))
        pos_i = _column(keys, exact=("position", "pos", "chrstart", "start"))
        log2_i = _column(keys, "weightedlog2ratio" if weighted else "log2ratio")
        baf_i = _column(keys, "baf", exact=("bafvalue",))
        ad_i = _column(keys, "allelicdifference", "alleledifference")
        fmt = "chas_probes" if any(_SAMPLE_IN_HEADER.search(h) for h in header) else "apt_probes"
        numeric_sex = "affymetrix"
        start_i = end_i = None
    elif keys[:3] == ["chromosome", "start", "end"] and "log2" in keys:
        fmt, numeric_sex = "cnvkit_cnr", "ucsc"
        chrom_i, start_i, end_i = 0, 1, 2
        pos_i = None
        log2_i = keys.index("log2")
        baf_i = _column(keys, exact=("baf",))
        ad_i = None
    else:
        raise InputError(p, "not a probe-level export: expected a 'ProbeSetName Chromosome Position Log2Ratio ...' "
                            "(ChAS/APT) or 'chromosome start end gene log2' (CNVkit .cnr) header", header_idx + 1)
    missing = [name for name, i in (("Chromosome", chrom_i), ("Position", pos_i if fmt != "cnvkit_cnr" else 0),
                                    ("Log2Ratio", log2_i)) if i is None]
    if missing:
        raise InputError(p, f"probe-level header lacks column(s) {', '.join(missing)}", header_idx + 1)
    wanted = [i for i in (chrom_i, pos_i, start_i, end_i, log2_i, baf_i, ad_i) if i is not None]
    try:
        with open_text(p) as fh:
            raw = pd.read_csv(fh, sep=delim, skiprows=header_idx + 1, header=None, usecols=sorted(set(wanted)),
                              dtype=str, na_values=_MISSING, keep_default_na=False, skip_blank_lines=False,
                              quotechar='"', engine="c",
                              names=range(len(header)), index_col=False)
    except pd.errors.ParserError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = header_idx + int(m.group(1)) if m else None
        raise InputError(p, f"cannot split probe rows ({' '.join(str(exc).split())})", line) from None
    except (UnicodeError, ValueError) as exc:
        raise InputError(p, f"cannot read probe rows ({exc})") from None
    first_line = header_idx + 2  # 1-based line of the first data row
    lines = pd.Series(np.arange(first_line, first_line + len(raw)), index=raw.index)
    # Blank lines (all NaN) and '#' comment rows are not probes; line numbers stay exact.
    chrom_raw = raw[chrom_i].astype("string").str.strip().str.strip('"')
    keep = raw.notna().any(axis=1) & ~chrom_raw.fillna("").str.startswith("#")
    raw, chrom_raw, lines = raw[keep], chrom_raw[keep], lines[keep]
    if raw.empty:
        raise InputError(p, "no probe rows after the header", header_idx + 1)
    chrom = normalize_chromosomes(chrom_raw.to_numpy(), numeric_sex=numeric_sex)
    chrom.index = raw.index
    unknown = chrom.isna()
    if fmt == "cnvkit_cnr":
        dropped = unknown  # CNVkit references may hold chrM, unplaced and alt contigs
    else:
        dropped = unknown & chrom_raw.isin(_AFFY_DROPPED)
        first_bad_row(p, unknown & ~dropped, lines,
                      lambda i: f"unknown chromosome {chrom_raw.iloc[i]!r} (1-22, 24 = X, 25 = Y expected)")
    n_dropped = int(dropped.sum())
    if n_dropped:
        raw, chrom, lines = raw[~dropped], chrom[~dropped], lines[~dropped]
        if raw.empty:
            raise InputError(p, "no probe on chromosomes 1-22, X or Y")
    line_arr = lines.to_numpy()

    def num(col: int, what: str, allow_missing: bool) -> np.ndarray:
        return _numeric(p, raw[col], what, line_arr, allow_missing)

    def check(bad_mask: np.ndarray, reason: str, values: np.ndarray) -> None:
        first_bad_row(p, bad_mask, line_arr, lambda i: f"{reason}: {float(values[i])!r}")

    with np.errstate(all="ignore"):  # overflowing or inf values are refused below by line, not warned about
        if fmt == "cnvkit_cnr":
            start = num(start_i, "start", False)
            end = num(end_i, "end", False)
            check((start < 0) | (end < start), "bad bin coordinates (0 <= start <= end expected), start", start)
            pos = np.floor((start + end) / 2)
        else:
            pos = num(pos_i, "Position", False)
            check(pos < 1, "Position must be >= 1", pos)
            pos = pos - 1  # 1-based probe position → 0-based
        check(pos != np.floor(pos), "position is not an integer", pos)
        check(pos >= 2**31, "position beyond any chromosome", pos)  # also inf: never cast to int64 garbage
        log2 = num(log2_i, "log2 ratio", True)
        baf = num(baf_i, "BAF", True) if baf_i is not None else np.full(len(raw), np.nan)
        ad = num(ad_i, "AllelicDifference", True) if ad_i is not None else np.full(len(raw), np.nan)
        check(np.isinf(log2), "infinite log2 ratio", log2)
        out = pd.DataFrame({"chrom": chrom.astype(str).to_numpy(), "pos": pos.astype("int64"), "log2": log2,
                            "baf": baf, "allele_diff": ad})
    order = np.lexsort((out["pos"].to_numpy(), out["chrom"].map(CHROM_ORDER).to_numpy()))
    out = out.iloc[order].reset_index(drop=True)
    sample = None
    if fmt == "chas_probes":
        m = _SAMPLE_IN_HEADER.search(header[log2_i].strip().strip('"'))
        if m:
            sample = re.sub(r"\.(oschp|cnchp|cychp|chp)$", "", m.group(1).strip(), flags=re.IGNORECASE) or None
    beyond = out["pos"].to_numpy() >= out["chrom"].map(CHROM_SIZES).to_numpy()
    if beyond.any():  # plots and QC only: such probes are dropped and counted, never placed off a chromosome
        out = out[~beyond].reset_index(drop=True)
    check_table("probes", out)
    out.attrs.update({"format": fmt, "sample": sample, "path": str(p), "dropped": n_dropped,
                      "beyond_hg19": int(beyond.sum()),
                      "log2_column": header[log2_i].strip().strip('"')})
    return out


def mapd(log2: pd.Series | pd.DataFrame, chrom: pd.Series | None = None) -> float:
    """Median absolute pairwise difference of consecutive probes' log2 ratios, within chromosomes.

    Pass the probe table of :func:`read_probes` (sorted, with ``chrom``), or its ``log2`` column with or
    without the matching ``chrom`` column (without it, the series is taken as one sequence: the 23 chromosome
    junctions among ~200,000 OncoScan probes do not move the median). Missing values are skipped; NaN when
    fewer than two probes remain.
    """
    if isinstance(log2, pd.DataFrame):
        chrom = log2["chrom"] if chrom is None else chrom
        log2 = log2["log2"]
    values = pd.to_numeric(log2, errors="coerce").to_numpy(dtype="float64")
    ok = np.isfinite(values)
    values = values[ok]
    if values.size < 2:
        return float("nan")
    diffs = np.abs(np.diff(values))
    if chrom is not None:
        c = np.asarray(chrom, dtype=object)[ok]
        diffs = diffs[c[1:] == c[:-1]]
        if diffs.size == 0:
            return float("nan")
    return float(np.median(diffs))
