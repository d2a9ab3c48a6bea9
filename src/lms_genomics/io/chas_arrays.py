"""The array entry point of the ChAS segment reader: :func:`read_chas_arrays`, :func:`~lms_genomics.io.chas.read_chas`'s
segments, errors and warnings as a :class:`~lms_genomics.io.cn_arrays.CopyNumberFile`, without pandas.

ChAS exports are small (tens to hundreds of rows a sample): the table is read by the shared text layer
(:func:`~lms_genomics.io.text.read_table`, as :func:`read_chas` reads it) and each column is parsed once, with the
same rules (:func:`~lms_genomics.io.text.numbers_of`, the location and nomenclature patterns of
:mod:`lms_genomics.io.chas`). A file with anything :func:`read_chas` would refuse, or a header-only export, is read by
:func:`read_chas` itself and converted: its error (file, line, reason) or result is the DataFrame reader's by
construction.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from pathlib import Path

import numpy as np

from ..errors import InputError
from ..genome import CHROM_ORDER, CHROM_SIZES, build_of, check_build_comments, chromosome_name, sha256_file
from ..segarrays import KIND_CN, KIND_LOH, TYPE_GAIN, TYPE_LOH, TYPE_LOSS, SegmentArrays, factorize
from .cn_arrays import CopyNumberFile, from_export
from .text import numbers_of, read_table, stem_of, to_number

_TYPE_CODES = {"gain": TYPE_GAIN, "loss": TYPE_LOSS, "loh": TYPE_LOH}
_X, _Y = CHROM_ORDER["chrX"], CHROM_ORDER["chrY"]
_WHITESPACE = re.compile(r"\s+")


class _Unusual(Exception):
    """The file is outside the fast path: the DataFrame reader reads it."""


def read_chas_arrays(path: str | Path, default_sample: str | None = None, check_build: bool = True,
                     samples: Collection[str] | None = None) -> CopyNumberFile:
    """:func:`~lms_genomics.io.chas.read_chas` into arrays: the same segments, errors and warnings (module
    docstring)."""
    from . import chas

    p = Path(path)
    try:
        return _read_fast(p, default_sample, check_build, samples)
    except (_Unusual, InputError):
        pass
    return from_export(chas.read_chas(p, default_sample=default_sample, check_build=check_build, samples=samples),
                       "chas_segments")


def _coords(values: list[str | None], decimal: str = ".") -> np.ndarray:
    """:func:`lms_genomics.io.chas._coord`: whole-number coordinates, NaN for anything else."""
    x = numbers_of(values, decimal, integer=True)
    return np.where(x == np.round(x), x, np.nan)


def _read_fast(p: Path, default_sample: str | None, check_build: bool,
               samples: Collection[str] | None) -> CopyNumberFile:
    from .chas import _FULL_LOC, _ISCN, _ISCN_CN, TYPE_ALIASES, _columns, sample_name_from_file

    table = read_table(p)
    warnings = check_build_comments(p, table.comments, check_build)
    cols = _columns(table)
    if "type" not in cols or "cn_state" not in cols:
        raise _Unusual("columns")
    if not ("full_location" in cols or "iscn" in cols or {"chromosome", "start", "end"} <= set(cols)):
        raise _Unusual("no location column")
    width = len(table.header)
    if any(len(r) > width and any(r[width:]) for r in table.rows):
        raise _Unusual("too many fields")
    rows = [(r + [""] * (width - len(r)))[:width] for r in table.rows]
    if not rows:
        sample = default_sample or stem_of(p)
        warnings.append(f"{p.name}: the export lists no segment (header only): profile read as flat, LOH not "
                        f"assessed")
        return CopyNumberFile(p, sha256_file(p), "chas_segments", SegmentArrays.empty(), np.empty(0, np.int64),
                              [sample], "unknown", warnings, has_loh_rows={sample: False})
    n = len(rows)
    lines = np.array(table.line_numbers, dtype=np.int64)

    def col(key: str) -> list[str]:
        return [r[cols[key]].strip() for r in rows] if key in cols else [""] * n

    decimal = "," if table.delimiter == ";" else "."
    # --- type ----------------------------------------------------------------------------------------------
    type_raw = col("type")
    seg_type = [TYPE_ALIASES.get(_WHITESPACE.sub(" ", t.lower())) for t in type_raw]
    if any(t is None for t in seg_type):
        raise _Unusual("type")
    # --- location ------------------------------------------------------------------------------------------
    iscn = col("iscn")
    iscn_m = [_ISCN.search(t) for t in iscn]
    chrom_raw: list[str | None] = [None] * n
    start, end = np.full(n, np.nan), np.full(n, np.nan)
    if "full_location" in cols:
        m = [_FULL_LOC.search(t) for t in col("full_location")]
        chrom_raw = [x.group(1) if x else c for x, c in zip(m, chrom_raw, strict=True)]
        start = _coords([x.group(2) if x else "" for x in m], decimal)
        end = _coords([x.group(3) if x else "" for x in m], decimal)
    if "iscn" in cols:
        need = np.isnan(start) | np.isnan(end)
        chrom_raw = [(x.group(2) if x else None) if k else c
                     for x, c, k in zip(iscn_m, chrom_raw, need.tolist(), strict=True)]
        start = np.where(need, _coords([x.group(3) if x else "" for x in iscn_m]), start)
        end = np.where(need, _coords([x.group(5) if x else "" for x in iscn_m]), end)
    if "start" in cols and "end" in cols:
        need = np.isnan(start) | np.isnan(end)
        chrom_raw = [c2 if k else c for c, c2, k in zip(chrom_raw, col("chromosome"), need.tolist(), strict=True)]
        start = np.where(need, _coords(col("start"), decimal), start)
        end = np.where(need, _coords(col("end"), decimal), end)
    if np.isnan(start).any() or np.isnan(end).any() or any(c is None for c in chrom_raw):
        raise _Unusual("location")
    names = [chromosome_name(str(c), numeric_sex="affymetrix") for c in chrom_raw]
    if "chromosome" in cols:
        for given, name in zip(col("chromosome"), names, strict=True):
            other = chromosome_name(given, numeric_sex="affymetrix")
            if other is not None and name is not None and other != name:
                raise _Unusual("chromosome disagrees")
    if any(c is None for c in names):
        raise _Unusual("unknown chromosome")
    chrom = np.array([CHROM_ORDER[c] for c in names], dtype=np.int64)
    # --- coordinate convention ------------------------------------------------------------------------------
    build_names = [x.group(1) for x in iscn_m if x]
    builds = list(dict.fromkeys(b.lower() for b in build_names))
    other_builds = [b for b in builds if build_of(b) != "hg19"]
    if check_build and other_builds:
        raise _Unusual("other build")
    if other_builds:
        warnings.append(f"{p.name}: nomenclature names {', '.join(other_builds)}; read as hg19 as asked")
    from .chas import start_convention

    convention, shift = start_convention(builds, list(dict.fromkeys(x.group(4) for x in iscn_m if x)))
    start0 = np.maximum(start - shift, 0)
    if (end <= start0).any():
        raise _Unusual("end before start")
    sizes = np.array([CHROM_SIZES[c] for c in names], dtype=float)
    beyond = end > sizes
    keep = ~beyond
    if beyond.any():
        if check_build:
            raise _Unusual("beyond hg19")
        warnings.append(f"{p.name}: {int(beyond.sum())} segment(s) beyond hg19 chromosome ends dropped (build check "
                        f"overridden)")
    # --- copy number ----------------------------------------------------------------------------------------
    cn_text = col("cn_state")
    cn = numbers_of([t if t != "" else None for t in cn_text], decimal)
    if any(v != v and t != "" and t.lower() != "nan" for v, t in zip(cn.tolist(), cn_text, strict=True)) or \
            np.isinf(cn).any():
        raise _Unusual("CN State")
    is_cn = np.array([t != "loh" for t in seg_type], dtype=bool)
    from_iscn = np.array([to_number(m.group(1).replace(",", ".")) if (m := _ISCN_CN.search(t)) else np.nan
                          for t in iscn], dtype=float)
    fill = is_cn & np.isnan(cn) & ~np.isnan(from_iscn)
    if fill.any():
        cn = np.where(fill, from_iscn, cn)
        warnings.append(f"{p.name}: {int(fill.sum())} Gain/Loss row(s) without CN State; copy number taken "
                        f"from the nomenclature (x<n>)")
    if (is_cn & np.isnan(cn)).any() or (cn < 0).any():
        raise _Unusual("CN State missing or negative")
    cn = np.where(is_cn, cn, np.nan)
    typ = np.array([_TYPE_CODES[t] for t in seg_type], dtype=np.int8)
    autosome = (chrom != _X) & (chrom != _Y)
    odd = autosome & (((typ == TYPE_GAIN) & (cn <= 2)) | ((typ == TYPE_LOSS) & (cn >= 2)))
    if odd.any():
        i = int(np.flatnonzero(odd)[0])
        warnings.append(f"{p.name}:{int(lines[i])}: Type {type_raw[i]} disagrees with CN State {cn[i]:g} on an "
                        f"autosome ({int(odd.sum())} row(s)); the CN State is used")
    markers = numbers_of(col("markers"), decimal, integer=True)
    known = ~np.isnan(markers)
    if (known & ~((markers >= 0) & (markers < 2**53) & (markers == np.round(markers)))).any():
        raise _Unusual("Marker Count")
    mean, median = col("mean_log2"), col("median_log2")
    log2 = numbers_of([a if a != "" else b for a, b in zip(mean, median, strict=True)], decimal)
    # --- samples --------------------------------------------------------------------------------------------
    files = col("file")
    sample = [sample_name_from_file(f) for f in files]
    named = list(dict.fromkeys(s for s in sample if s))
    blank = [s == "" for s in sample]
    if any(blank) and len(named) > 1:
        raise _Unusual("rows without a File value")
    if any(blank) and named:
        warnings.append(f"{p.name}: {sum(blank)} row(s) without a File value read as sample {named[0]!r}, the "
                        f"export's only sample")
    fallback_name = named[0] if named else (default_sample or stem_of(p))
    sample = [s if s != "" else fallback_name for s in sample]
    first_file: dict[str, str] = {}
    for f, s in zip(files, sample, strict=True):
        if f and first_file.setdefault(s, f) != f:
            raise _Unusual("two File values name one sample")
    seg_id = [i if i != "" else f"{p.name}:{n}" for i, n in zip(col("name_id"), lines.tolist(), strict=True)]
    # --- rows kept, duplicates, wanted samples ---------------------------------------------------------------
    idx = np.flatnonzero(keep)
    code, sample_names = factorize([sample[i] for i in idx.tolist()])
    start_i, end_i = start0[idx].astype(np.int64), end[idx].astype(np.int64)
    key = list(zip(code.tolist(), chrom[idx].tolist(), start_i.tolist(), end_i.tolist(), typ[idx].tolist(),
                   [("nan" if v != v else v) for v in cn[idx].tolist()], strict=True))
    seen: set[tuple] = set()
    dup = np.array([k in seen or seen.add(k) for k in key], dtype=bool)  # type: ignore[func-returns-value]
    if dup.any():
        dup_lines = ", ".join(str(x) for x in lines[idx][dup].tolist()[:10])
        warnings.append(f"{p.name}: {int(dup.sum())} duplicated row(s) ignored (lines {dup_lines})")
    wanted = np.ones(len(idx), dtype=bool) if samples is None else \
        np.isin(code, [k for k, s in enumerate(sample_names) if s in set(samples)])
    take = ~dup & wanted
    rows_idx, code = idx[take], code[take]
    present, first_row = np.unique(code, return_index=True)
    order = present[np.argsort(first_row)]
    sample_list = [sample_names[k] for k in order.tolist()]
    remap = np.full(len(sample_names), -1, dtype=np.int64)
    remap[order] = np.arange(len(order))
    is_loh = ~is_cn[rows_idx]
    has_loh = {s: bool(is_loh[remap[code] == k].any()) for k, s in enumerate(sample_list)}
    if not any(has_loh.values()):
        warnings.append(f"{p.name}: the export holds no LOH row (ChAS may have hidden the LOH track): LOH not "
                        f"assessed")
    segs = SegmentArrays(
        chrom=chrom[rows_idx], start=start0[rows_idx].astype(np.int64), end=end[rows_idx].astype(np.int64),
        kind=np.where(is_loh, KIND_LOH, KIND_CN).astype(np.int8), type=typ[rows_idx], copy_number=cn[rows_idx],
        log2=log2[rows_idx], markers=markers[rows_idx],
        ids=np.array([seg_id[i] for i in rows_idx.tolist()] + [None], dtype=object)[:len(rows_idx)],
        source_line=lines[rows_idx].astype(float))
    return CopyNumberFile(p, sha256_file(p), "chas_segments", segs, remap[code], sample_list, convention, warnings,
                          has_loh_rows=has_loh)

