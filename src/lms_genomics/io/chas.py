"""Reader for OncoScan segment tables exported from Chromosome Analysis Suite (ChAS).

Handles both ChAS generations (ISCN 2013 ``arr[hg19]``, start = first marker − 1; ISCN 2016
``arr[GRCh37]``, start = first marker), BOM, CRLF, ``#`` lines, columns found by name, ``chr`` or not,
thousands separators, 24/25 = X/Y, fractional CN states, LOH rows overlapping CN rows, duplicated rows,
header-only files, multi-sample exports and ``;``-separated CSV with decimal commas
(``../shared/formats/oncoscan.md`` §0, §6).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from .._lazy import pandas as pd
from ..errors import InputError
from ..genome import (
    beyond_hg19,
    build_of,
    check_build_comments,
    normalize_chromosomes,
    other_build_reason,
    sha256_file,
)
from ..tables import check_table, conform_segments
from .text import Head, TextTable, first_bad_row, normalize_column, parse_numbers, read_table, stem_of

if TYPE_CHECKING:
    from .cn_arrays import CopyNumberFile

#: normalised column name → canonical key (first match wins).
COLUMN_ALIASES: dict[str, str] = {
    "file": "file", "sample": "file", "sample name": "file",
    "chromosome": "chromosome", "chr": "chromosome", "chrom": "chromosome",
    "cn state": "cn_state", "cnstate": "cn_state", "copy number state": "cn_state",
    "type": "type", "event": "type",
    "full location": "full_location", "location": "full_location",
    "microarray nomenclature": "iscn",
    "start": "start", "start position": "start", "startposition": "start", "min": "start",
    "stop": "end", "end": "end", "stop position": "end", "stopposition": "end", "end position": "end",
    "max": "end",
    "size (kbp)": "size_kbp", "size": "size_kbp",
    "marker count": "markers", "markers": "markers", "probe count": "markers",
    "gene count": "gene_count", "genes": "genes",
    "cytoband start": "cytoband_start", "cytoband end": "cytoband_end",
    "median log2ratio": "median_log2", "median log2 ratio": "median_log2",
    "mean weighted log2ratio": "mean_log2", "mean weighted log2 ratio": "mean_log2",
    "name/id": "name_id",
}

#: ChAS ``Type`` values and accepted aliases → canonical type.
TYPE_ALIASES: dict[str, str] = {
    "gain": "gain", "loss": "loss", "loh": "loh",
    "cn gain": "gain", "high copy gain": "gain", "cn loss": "loss", "homozygous copy loss": "loss",
    "hemizygous copy loss": "loss", "cn-loh": "loh", "cnloh": "loh", "aoh": "loh",
}

_FULL_LOC = re.compile(r"^\s*(?:chr)?([0-9]{1,2}|[XYxy])\s*:\s*([0-9][0-9,.' \u00a0\u2019]*)\s*[-_]\s*"
                       r"([0-9][0-9,.' \u00a0\u2019]*)\s*$", re.IGNORECASE)
_ISCN = re.compile(r"arr\s*\[\s*([A-Za-z0-9.]+)\s*\]\s*(?:chr)?([0-9]{1,2}|[XY])[pq]?[^(]*"
                   r"\(\s*([0-9][0-9,.' ]*)\s*([-_])\s*([0-9][0-9,.' ]*)\s*\)", re.IGNORECASE)
_ISCN_CN = re.compile(r"\)\s*x\s*([0-9]+(?:[.,][0-9]+)?)")
_OSCHP_SUFFIX = re.compile(r"(\.RC)?\.(OSCHP|CNCHP|CYCHP|CHP|CEL)$", re.IGNORECASE)


@dataclass
class ChasExport:
    """What one ChAS segment export holds."""

    path: Path
    sha256: str
    segments: pd.DataFrame
    samples: list[str]
    has_loh_rows: dict[str, bool]
    coordinate_convention: str
    columns: list[str]
    warnings: list[str] = field(default_factory=list)



def start_convention(builds: Any, separators: list[str]) -> tuple[str, int]:
    """(how the export's start positions are read, what to subtract for a 0-based start): the ChAS generation told
    by its nomenclature — ``arr[GRCh37]`` or ``_`` ranges (ISCN 2016, 1-based), ``arr[hg19]`` or ``-`` ranges
    (ChAS 3.x, ISCN 2013, 0-based) — else 1-based, said as assumed. The one rule of both ChAS readers."""
    if "grch37" in builds or separators == ["_"]:
        return "1-based start (ChAS ISCN 2016, arr[GRCh37]): start - 1", 1
    if "hg19" in builds or separators == ["-"]:
        return "0-based start (ChAS 3.x ISCN 2013, arr[hg19]): start kept", 0
    return "assumed 1-based start (no nomenclature column to tell the ChAS generation): start - 1", 1

def sample_name_from_file(value: str) -> str:
    """``LST.OSCHP`` → ``LST``; ``2-ADREC.RC.OSCHP`` → ``2-ADREC``."""
    return _OSCHP_SUFFIX.sub("", value.strip())


def looks_like_chas(header: list[str]) -> bool:
    """Whether a header line is a ChAS segment table's (``Type`` and ``CN State`` present)."""
    keys = {COLUMN_ALIASES.get(normalize_column(h)) for h in header}
    return {"type", "cn_state"} <= keys


def sniff(head: Head) -> bool:
    """A ChAS segment export: its header names ``Type`` and ``CN State``."""
    return looks_like_chas(head.header())


def _columns(table: TextTable) -> dict[str, int]:
    found: dict[str, int] = {}
    for i, name in enumerate(table.header):
        key = COLUMN_ALIASES.get(normalize_column(name))
        if key is not None and key not in found:
            found[key] = i
    return found


def _coord(values: pd.Series, decimal: str = ".") -> pd.Series:
    """Coordinates by :func:`~lms_genomics.io.text.parse_number`'s rule (``2000000.0`` is two million, ``47,890,114``
    and ``89.580.992`` group thousands); a fractional coordinate is unreadable (NaN)."""
    x = parse_numbers(values, decimal, integer=True)
    return x.where(x == x.round())


def read_chas(path: str | Path, default_sample: str | None = None, check_build: bool = True,
              samples: Collection[str] | None = None) -> ChasExport:
    """Read a ChAS segment export into the canonical segment table.

    ``default_sample`` names the sample when the export has no ``File`` column (default: file stem); rows with an
    empty ``File`` cell belong to the export's only sample (refused in a multi-sample export). With ``samples``,
    only those samples are kept (ChAS exports are small: the whole file is still checked).
    Raises :class:`InputError` (file, line, reason) on anything it cannot read unambiguously. With
    ``check_build=False`` a header or nomenclature naming another build only warns, and segments beyond hg19
    chromosome ends are dropped with a warning.
    """
    p = Path(path)
    table = read_table(p)
    warnings: list[str] = []
    warnings += check_build_comments(p, table.comments, check_build)
    cols = _columns(table)
    missing = [k for k in ("type", "cn_state") if k not in cols]
    if missing:
        names = {"type": "Type", "cn_state": "CN State"}
        raise InputError(p, f"not a ChAS segment table: no {' or '.join(names[m] for m in missing)} column "
                            f"(columns found: {', '.join(table.header)})", table.header_line)
    has_location = "full_location" in cols or "iscn" in cols or {"chromosome", "start", "end"} <= set(cols)
    if not has_location:
        raise InputError(p, "no location column: expected 'Full Location', 'Microarray Nomenclature' or "
                            "'Chromosome' with start/stop columns", table.header_line)

    width = len(table.header)
    rows = table.rows
    for fields_, n in zip(rows, table.line_numbers, strict=True):
        if len(fields_) > width and any(f for f in fields_[width:]):
            raise InputError(p, f"{len(fields_)} fields but the header has {width} "
                                f"(delimiter {table.delimiter!r})", n)
    rows = [(r + [""] * (width - len(r)))[:width] for r in rows]
    raw = pd.DataFrame(rows, columns=range(width), dtype=object) if rows else pd.DataFrame(columns=range(width))
    lines = pd.Series(table.line_numbers, dtype="Int64")

    def col(key: str) -> pd.Series:
        if key in cols:
            return raw[cols[key]].astype(str).str.strip()
        return pd.Series([""] * len(raw), dtype=object)

    sha = sha256_file(p)
    if raw.empty:
        sample = default_sample or stem_of(p)
        warnings.append(f"{p.name}: the export lists no segment (header only): profile read as flat, "
                        f"LOH not assessed")
        return ChasExport(p, sha, conform_segments(pd.DataFrame()), [sample], {sample: False},
                          "unknown", list(table.header), warnings)

    # --- type --------------------------------------------------------------------------------------
    type_raw = col("type")
    seg_type = type_raw.str.lower().str.replace(r"\s+", " ", regex=True).map(TYPE_ALIASES)
    first_bad_row(p, seg_type.isna(), lines,
                  lambda i: f"unknown segment Type {type_raw.iloc[i]!r} (expected Gain, Loss or LOH)")

    # --- location ----------------------------------------------------------------------------------
    chrom_raw = pd.Series([None] * len(raw), dtype=object)
    start = pd.Series(np.nan, index=raw.index)
    end = pd.Series(np.nan, index=raw.index)
    iscn = col("iscn")
    iscn_m = iscn.str.extract(_ISCN)
    decimal = "," if table.delimiter == ";" else "."
    if "full_location" in cols:
        m = col("full_location").str.extract(_FULL_LOC)
        chrom_raw = m[0].where(m[0].notna(), chrom_raw)
        start, end = _coord(m[1].fillna(""), decimal), _coord(m[2].fillna(""), decimal)
    if "iscn" in cols:
        need = start.isna() | end.isna()
        chrom_raw = chrom_raw.where(~need, iscn_m[1])
        start = start.where(~need, _coord(iscn_m[2].fillna("")))
        end = end.where(~need, _coord(iscn_m[4].fillna("")))
    if "start" in cols and "end" in cols:
        need = start.isna() | end.isna()
        chrom_raw = chrom_raw.where(~need, col("chromosome"))
        start = start.where(~need, _coord(col("start"), decimal))
        end = end.where(~need, _coord(col("end"), decimal))
    first_bad_row(p, start.isna() | end.isna() | chrom_raw.isna(), lines,
                  lambda i: "cannot read the segment location " + repr(
                      col("full_location").iloc[i] or iscn.iloc[i]
                      or f"{col('chromosome').iloc[i]} {col('start').iloc[i]} {col('end').iloc[i]}"))
    chrom = normalize_chromosomes(chrom_raw.astype(str), numeric_sex="affymetrix")
    if "chromosome" in cols:
        # The Chromosome column, where present, must agree with the location (24 = X, 25 = Y).
        chrom_col = normalize_chromosomes(col("chromosome"), numeric_sex="affymetrix")
        first_bad_row(p, chrom_col.notna() & chrom.notna() & (chrom_col != chrom), lines,
                      lambda i: f"Chromosome column says {col('chromosome').iloc[i]!r} but the location says "
                                f"{chrom_raw.iloc[i]!r}")
    first_bad_row(p, chrom.isna(), lines, lambda i: f"unknown chromosome {chrom_raw.iloc[i]!r} (23 is ambiguous; "
                                                    f"X/Y are X, Y, 24, 25)")

    # --- coordinate convention (oncoscan.md §2.6) ---------------------------------------------------
    builds = iscn_m[0].dropna().str.lower().unique().tolist()
    other = [b for b in builds if build_of(b) != "hg19"]
    if check_build:
        first_bad_row(p, iscn_m[0].str.lower().isin(other), lines,
                      lambda i: other_build_reason("the segment nomenclature", str(iscn_m[0].iloc[i])))
    if other:
        warnings.append(f"{p.name}: nomenclature names {', '.join(other)}; read as hg19 as asked")
    convention, shift = start_convention(builds, iscn_m[3].dropna().unique().tolist())
    start0 = (start - shift).clip(lower=0)
    first_bad_row(p, end <= start0, lines,
                  lambda i: f"segment end {end.iloc[i]:.0f} is not after its start {start.iloc[i]:.0f}")
    keep, more = beyond_hg19(p, chrom, end, lines, check_build)
    warnings += more

    # --- copy number ---------------------------------------------------------------------------------
    cn_text = col("cn_state")
    cn = parse_numbers(cn_text.replace("", np.nan), decimal)
    first_bad_row(p, (cn.isna() & (cn_text != "") & (cn_text.str.lower() != "nan")) | np.isinf(cn), lines,
                  lambda i: f"CN State {cn_text.iloc[i]!r} is not a number")
    is_cn = seg_type != "loh"
    from_iscn = pd.to_numeric(iscn.str.extract(_ISCN_CN)[0].str.replace(",", "."), errors="coerce")
    fill = is_cn & cn.isna() & from_iscn.notna()
    if fill.any():
        cn = cn.where(~fill, from_iscn)
        warnings.append(f"{p.name}: {int(fill.sum())} Gain/Loss row(s) without CN State; copy number taken "
                        f"from the nomenclature (x<n>)")
    first_bad_row(p, is_cn & cn.isna(), lines, lambda i: f"{type_raw.iloc[i]} row without CN State")
    first_bad_row(p, cn < 0, lines, lambda i: f"negative CN State {cn_text.iloc[i]!r}")
    cn = cn.where(is_cn, np.nan)
    autosome = ~chrom.isin(["chrX", "chrY"])
    odd = autosome & (((seg_type == "gain") & (cn <= 2)) | ((seg_type == "loss") & (cn >= 2)))
    if odd.any():
        i = int(np.flatnonzero(odd.to_numpy())[0])
        warnings.append(f"{p.name}:{int(lines.iloc[i])}: Type {type_raw.iloc[i]} disagrees with CN State "
                        f"{cn.iloc[i]:g} on an autosome ({int(odd.sum())} row(s)); the CN State is used")

    markers = parse_numbers(col("markers"), decimal, integer=True)
    first_bad_row(p, markers.notna() & ~((markers >= 0) & (markers < 2**53) & (markers == markers.round())), lines,
                  lambda i: f"Marker Count {col('markers').iloc[i]!r} is not a whole number >= 0")
    log2_text = col("mean_log2").where(col("mean_log2") != "", col("median_log2"))
    log2 = parse_numbers(log2_text, decimal)

    files = col("file")
    names = files.map(sample_name_from_file)  # not `samples`: the wanted samples
    named = list(dict.fromkeys(s for s in names if s))
    blank = (names == "").to_numpy()
    if blank.any() and len(named) > 1:
        # Rows without a File value cannot be given to one of several samples: refuse rather than guess.
        first_bad_row(p, blank, lines, lambda i: f"row without a File value in an export of {len(named)} samples "
                                                 f"({', '.join(named[:3])}{', …' if len(named) > 3 else ''}): "
                                                 f"fill the File column")
    if blank.any() and named:
        warnings.append(f"{p.name}: {int(blank.sum())} row(s) without a File value read as sample {named[0]!r}, the "
                        f"export's only sample")
    names = names.where(names != "", named[0] if named else (default_sample or stem_of(p)))
    # Two File values naming one sample (LST.OSCHP and LST.RC.OSCHP) would merge two arrays into one profile.
    first_file: dict[str, str] = {}
    for i, (f, s) in enumerate(zip(files, names, strict=True)):
        if f and first_file.setdefault(s, f) != f:
            raise InputError(p, f"File {f!r} and {first_file[s]!r} both name sample {s!r}; export one of them",
                             int(lines.iloc[i]))
    seg_id = col("name_id")
    seg_id = seg_id.where(seg_id != "", p.name + ":" + lines.astype(str))

    segments = pd.DataFrame({
        "sample": names, "chrom": chrom.astype(str), "start": start0.astype("int64"),
        "end": end.astype("int64"), "kind": np.where(is_cn, "cn", "loh"), "type": seg_type,
        "copy_number": cn.astype(float), "log2": log2.astype(float), "markers": markers.astype("Int64"),
        "segment_id": seg_id, "source_line": lines,
    })[keep.to_numpy()]
    # --- duplicates ----------------------------------------------------------------------------------
    key = ["sample", "chrom", "start", "end", "type", "copy_number"]
    dup = segments.duplicated(subset=key, keep="first")
    if dup.any():
        dup_lines = ", ".join(str(x) for x in segments.loc[dup, "source_line"].tolist()[:10])
        warnings.append(f"{p.name}: {int(dup.sum())} duplicated row(s) ignored (lines {dup_lines})")
        segments = segments[~dup]
    if samples is not None:
        segments = segments[segments["sample"].isin(set(samples))]
    segments = check_table("segments", conform_segments(segments))
    sample_list = list(dict.fromkeys(segments["sample"].tolist()))
    has_loh = {s: bool((segments.loc[segments["sample"] == s, "kind"] == "loh").any()) for s in sample_list}
    if not any(has_loh.values()):
        warnings.append(f"{p.name}: the export holds no LOH row (ChAS may have hidden the LOH track): "
                        f"LOH not assessed")
    return ChasExport(p, sha, segments, sample_list, has_loh, convention, list(table.header), warnings)


def read_chas_arrays(path: str | Path, default_sample: str | None = None, check_build: bool = True,
                     samples: Collection[str] | None = None) -> CopyNumberFile:
    """:func:`read_chas` into arrays (:class:`~lms_genomics.io.cn_arrays.CopyNumberFile`): the same segments, errors
    and warnings, read without pandas (:mod:`lms_genomics.io.chas_arrays`)."""
    from .chas_arrays import read_chas_arrays as read

    return read(path, default_sample=default_sample, check_build=check_build, samples=samples)
