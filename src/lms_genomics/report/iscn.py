"""ISCN 2020 microarray nomenclature of a sample's copy-number aberrations, written by lmsgen from its segments.

One entry per segment that makes a call (every Gain/Loss row of a ChAS export; every aberrant segment of a
log2 input above the marker floor) and per copy-neutral (or gained) stretch of LOH::

    arr[GRCh37] 13q14.2(48650001_49320000)x0
    arr[GRCh37] 17p12(12350000_13050000)x8
    arr[GRCh37] 1p36.33p36.12(754192_23606036)x1~2      (fractional copy number 1.33: between 1 and 2)
    arr[GRCh37] 6p25.3p22.1(204909_29500000)x2 hmz      (copy-neutral LOH)

Conventions (ISCN 2020, §"Microarray"; the same as ISCN 2016):
- ``arr[<build>]``: ``GRCh37``, or ``hg19`` when the input itself wrote ``arr[hg19]`` (ChAS 3.x exports, ISCN
  2013); coordinates are the first and last base of the segment, 1-based, joined by ``_``, no thousands
  separators; bands (UCSC hg19 cytoBand) of the first and of the last base, written once when equal.
- Copy number ``xN`` when within 0.05 of an integer, else ``xN~M`` (the integers around it: a subclonal or
  mixed level, written ``xN-M`` by ChAS); LOH without a copy-number change ``x2 hmz`` (``xN hmz`` inside a
  gain); LOH inside a loss is not listed again (the loss says it).
- Entries in karyotype order (1-22, X, Y), then by position.

JSON entries (``profile.iscn``) carry the internal coordinates (0-based half-open, like every other
coordinate of the result) beside the string.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np

from .._lazy import pandas as pd
from ..genome import CHROM_ORDER, reference_path
from ..segarrays import (
    AMP,
    CHROM_NAMES,
    GAIN,
    HETDEL,
    HOMDEL,
    KIND_CN,
    KIND_LOH,
    STATE_NAMES,
    SegmentArrays,
    flags_of,
    float_texts,
)

if TYPE_CHECKING:
    from ..result import SampleResult

#: Copy numbers this close to an integer are written as that integer.
INTEGER_TOLERANCE = 0.05
#: LOH pieces left after removing losses/gains shorter than this are not listed (slivers at segment edges).
MIN_LOH_PIECE = 300_000
LOSS_STATES = ("homdel", "hetdel")
GAIN_STATES = ("gain", "amp")
LOG2_FORMATS = ("log2_seg", "cnvkit_cns", "seg")
_X, _Y = CHROM_ORDER["chrX"], CHROM_ORDER["chrY"]
_SHORT_NAMES = np.array([c.removeprefix("chr") for c in CHROM_ORDER], dtype=object)
_SEX_CODES = (_X, _Y)


@lru_cache(maxsize=1)
def cytobands() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """hg19 bands per chromosome: (band starts, band names), from the bundled ``hg19_cytobands.bed``."""
    rows: dict[str, list[tuple[int, str]]] = {}
    with open(reference_path("hg19_cytobands.bed"), encoding="utf-8") as fh:
        for line in fh:
            fields = line.split("#", 1)[0].rstrip("\r\n").split("\t")
            if len(fields) >= 4 and fields[0]:
                rows.setdefault(fields[0], []).append((int(fields[1]), fields[3]))
    return {c: (np.array([r[0] for r in part], dtype=np.int64), np.array([r[1] for r in part], dtype=object))
            for c, part in rows.items()}


def band_at(chrom: str, pos: int) -> str:
    """The hg19 band (``q14.2``) holding a 0-based position; ``""`` for an unknown chromosome."""
    table = cytobands().get(chrom)
    if table is None:
        return ""
    starts, names = table
    return str(names[max(int(np.searchsorted(starts, pos, side="right")) - 1, 0)])


@lru_cache(maxsize=1)
def _band_axis() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every band on one genome axis (chromosome code × 2^32 + start, karyotype order), its name, and the index of
    each chromosome's first band (-1: no band table)."""
    bands = cytobands()
    axis, names, first, offset = [], [], np.full(len(CHROM_ORDER), -1, dtype=np.int64), 0
    for chrom, code in CHROM_ORDER.items():
        if chrom in bands:
            starts, labels = bands[chrom]
            axis.append(code * (1 << 32) + starts)
            names.append(labels)
            first[code] = offset
            offset += len(starts)
    return np.concatenate(axis), np.concatenate(names), first


def region_texts(chrom: np.ndarray, start: np.ndarray, end: np.ndarray) -> list[str]:
    """:func:`region_text` of many segments at once (chromosome codes of :data:`CHROM_ORDER`)."""
    axis, names, first = _band_axis()
    known = first[chrom] >= 0

    def bands(pos: np.ndarray) -> list[str]:
        idx = np.maximum(np.searchsorted(axis, chrom * (1 << 32) + pos, side="right") - 1, first[chrom])
        return np.where(known, names[np.maximum(idx, 0)], "").tolist()

    return [f"{c}{b1 if b1 == b2 else b1 + b2}({s + 1}_{e})"
            for c, b1, b2, s, e in zip(_SHORT_NAMES[chrom].tolist(), bands(start), bands(end - 1), start.tolist(),
                                       end.tolist(), strict=True)]


def copy_number_suffixes(cn: np.ndarray) -> list[str]:
    """:func:`copy_number_suffix` of many copy numbers at once."""
    v = np.maximum(cn, 0.0)
    r = np.round(v)
    near = np.abs(v - r) <= INTEGER_TOLERANCE
    return [f"x{int(i)}" if n else f"x{math.floor(x)}~{math.ceil(x)}"
            for x, i, n in zip(v.tolist(), r.tolist(), near.tolist(), strict=True)]


def copy_number_suffix(cn: float) -> str:
    """``x3``, ``x0``, ``x1~2`` (fractional level between two integers)."""
    v = max(float(cn), 0.0)
    if abs(v - round(v)) <= INTEGER_TOLERANCE:
        return f"x{int(round(v))}"
    return f"x{math.floor(v)}~{math.ceil(v)}"


def build_label(provenance: dict[str, Any]) -> str:
    """``hg19`` when the copy-number input wrote ``arr[hg19]`` itself (ChAS 3.x), else ``GRCh37``."""
    for item in provenance.get("inputs") or []:
        if isinstance(item, dict) and "arr[hg19]" in str(item.get("coordinate_convention", "")):
            return "hg19"
    return "GRCh37"


def region_text(chrom: str, start: int, end: int) -> str:
    """``13q14.2(48650001_49320000)`` for internal 0-based half-open coordinates."""
    name = chrom.removeprefix("chr")
    b1, b2 = band_at(chrom, start), band_at(chrom, end - 1)
    bands = b1 if b1 == b2 else f"{b1}{b2}"
    return f"{name}{bands}({start + 1}_{end})"


def _entry(build: str, chrom: str, start: int, end: int, state: str, cn: float, hmz: bool = False,
           **extra: Any) -> dict[str, Any]:
    text = f"arr[{build}] {region_text(chrom, start, end)}{copy_number_suffix(cn)}{' hmz' if hmz else ''}"
    return {"iscn": text, "chrom": chrom, "start": int(start), "end": int(end), "state": state,
            "copy_number": None if cn is None or (isinstance(cn, float) and math.isnan(cn)) else float(cn), **extra}


def iscn_entries(seg: SegmentArrays, *, build: str = "GRCh37", excluded: np.ndarray | None = None,
                 sex: str | None = None, min_loh_piece: int = MIN_LOH_PIECE) -> list[dict[str, Any]]:
    """ISCN entries of a sample's called segments (:class:`~lms_genomics.segarrays.SegmentArrays` with ``state``).

    ``excluded``: a mask of segments that take no part in calls (log2 segments under the marker floor).
    Returns dicts ``{"iscn", "chrom", "start", "end", "state", "copy_number", "segment_id", "in_profile"}``.
    """
    from .. import intervals

    if seg is None or len(seg) == 0:
        return []
    s, listed, loh = _listed(seg, excluded, sex)
    if not len(loh):  # the copy-number entries alone, in the order of the sort below
        return [dict(zip(ENTRY_KEYS, row, strict=True))
                for row in zip(*_cn_columns(listed.take(_karyotype_order(listed)), build), strict=True)]
    out = [dict(zip(ENTRY_KEYS, row, strict=True)) for row in zip(*_cn_columns(listed, build), strict=True)]
    is_cn = s.kind == KIND_CN
    lost, gained = (s.state == HOMDEL) | (s.state == HETDEL), (s.state == GAIN) | (s.state == AMP)
    losses = s.take(is_cn & lost)
    gains = s.take(is_cn & gained)
    src, ps, pe = (intervals.subtract_arrays(loh.chrom, loh.start, loh.end, losses.chrom, losses.start,
                                             losses.end) if len(losses)
                   else (np.arange(len(loh)), loh.start, loh.end))
    pc = loh.chrom[src]
    ns, ne = ps, pe
    nc = pc
    if len(gains):
        keep, ns, ne = intervals.subtract_arrays(pc, ps, pe, gains.chrom, gains.start, gains.end)
        nc = pc[keep]
    for c, st, e in zip(CHROM_NAMES[nc].tolist(), ns.tolist(), ne.tolist(), strict=True):
        if e - st >= min_loh_piece:
            out.append(_entry(build, c, st, e, "loh", 2.0, hmz=True, segment_id=None, in_profile=None))
    if len(gains) and len(pc):
        i, j = intervals.overlap_pairs_arrays(pc, ps, pe, gains.chrom, gains.start, gains.end)
        for a, b in zip(i.tolist(), j.tolist(), strict=True):
            st, e = max(int(ps[a]), int(gains.start[b])), min(int(pe[a]), int(gains.end[b]))
            if e - st >= min_loh_piece:
                out.append(_entry(build, str(CHROM_NAMES[pc[a]]), st, e, "loh", float(gains.copy_number[b]),
                                  hmz=True, segment_id=None, in_profile=None))
    out.sort(key=lambda d: (CHROM_ORDER.get(d["chrom"], 99), d["start"], d["end"]))
    return out


#: The keys of an ISCN entry, in order.
ENTRY_KEYS = ("iscn", "chrom", "start", "end", "state", "copy_number", "segment_id", "in_profile")
_encode = json.encoder.encode_basestring  # type: ignore[attr-defined]  # what json.dumps(ensure_ascii=False) uses
_FLAG = {True: "true", False: "false", None: "null"}


def _listed(seg: SegmentArrays, excluded: np.ndarray | None,
            sex: str | None) -> tuple[SegmentArrays, SegmentArrays, SegmentArrays]:
    """(the segments taking part, their losses and gains with a copy number, the LOH segments ISCN lists)."""
    s = seg if excluded is None else seg.take(~np.asarray(excluded, dtype=bool))
    aberrant = (s.state == HOMDEL) | (s.state == HETDEL) | (s.state == GAIN) | (s.state == AMP)
    listed = s.take((s.kind == KIND_CN) & aberrant & ~np.isnan(s.copy_number))
    loh = s.take((s.kind == KIND_LOH) & (~np.isin(s.chrom, _SEX_CODES) if sex == "male" else s.chrom != _Y))
    return s, listed, loh


def _karyotype_order(listed: SegmentArrays) -> np.ndarray:
    """Positions of ``listed`` by chromosome, start and end (stable: the sort of :func:`iscn_entries`)."""
    return np.lexsort((listed.end, listed.start, listed.chrom))


def _cn_columns(listed: SegmentArrays, build: str) -> tuple[list[Any], ...]:
    """The entries of copy-number segments, a column at a time (:data:`ENTRY_KEYS`)."""
    prefix = f"arr[{build}] "
    texts = [prefix + region + suffix for region, suffix in zip(
        region_texts(listed.chrom, listed.start, listed.end), copy_number_suffixes(listed.copy_number), strict=True)]
    flags = flags_of(listed.in_profile) if listed.in_profile is not None else [None] * len(listed)
    return (texts, listed.chrom_names.tolist(), listed.start.tolist(), listed.end.tolist(),
            STATE_NAMES[listed.state].tolist(), listed.copy_number.tolist(), listed.segment_id.tolist(), flags)


def _rows_json(texts: list[str], chroms: list[str], starts: list[int], ends: list[int], states: list[str],
               cns: list[float | None], ids: list[str | None], flags: list[bool | None],
               memo: dict[float, str] | None) -> str:
    """``json.dumps`` of entries given as columns (:data:`ENTRY_KEYS`), written row by row."""
    rows = [f'{{"iscn": {_encode(t)}, "chrom": {_encode(c)}, "start": {st}, "end": {e}, "state": {_encode(state)}, '
            f'"copy_number": {cn}, "segment_id": {"null" if sid is None else _encode(sid)}, "in_profile": {_FLAG[f]}}}'
            for t, c, st, e, state, cn, sid, f in zip(texts, chroms, starts, ends, states, float_texts(cns, memo),
                                                       ids, flags, strict=True)]
    return "[" + ", ".join(rows) + "]"


def entries_json(entries: list[dict[str, Any]], memo: dict[float, str] | None = None, checked: bool = False) -> str:
    """``json.dumps(entries, ensure_ascii=False)`` of ISCN entries, a column at a time (json.dumps itself for
    entries of another shape; ``checked``: made by :func:`iscn_entries`, of this shape by construction).
    ``memo``: see :func:`~lms_genomics.segarrays.float_texts`."""
    if not checked and not all(tuple(e) == ENTRY_KEYS and type(e["start"]) is int and type(e["end"]) is int
                               and type(e["copy_number"]) in (float, type(None))
                               and type(e["in_profile"]) in (bool, type(None))
                               and type(e["segment_id"]) in (str, type(None)) for e in entries):
        return json.dumps(entries, ensure_ascii=False, allow_nan=False)
    return _rows_json(*([e[k] for e in entries] for k in ENTRY_KEYS), memo=memo)


def iscn_entries_json(seg: SegmentArrays, *, build: str = "GRCh37", excluded: np.ndarray | None = None,
                      sex: str | None = None, memo: dict[float, str] | None = None) -> str | None:
    """``json.dumps(iscn_entries(...), ensure_ascii=False)`` written from the columns, without the dicts, when the
    sample has no LOH segment to list (None otherwise: :func:`iscn_entries` then). ``memo``: see
    :func:`~lms_genomics.segarrays.float_texts`."""
    if seg is None or len(seg) == 0:
        return "[]"
    _, listed, loh = _listed(seg, excluded, sex)
    if len(loh):
        return None
    return _rows_json(*_cn_columns(listed.take(_karyotype_order(listed)), build), memo=memo)


def iscn_aberrations(segments: pd.DataFrame, *, build: str = "GRCh37", excluded: np.ndarray | None = None,
                     sex: str | None = None, min_loh_piece: int = MIN_LOH_PIECE) -> list[dict[str, Any]]:
    """:func:`iscn_entries` of a segment table (``chrom, start, end, kind, state, copy_number`` columns)."""
    from ..segarrays import SegmentArrays

    if segments is None or len(segments) == 0:
        return []
    return iscn_entries(SegmentArrays.from_frame(segments), build=build, excluded=excluded, sex=sex,
                        min_loh_piece=min_loh_piece)


def _excluded_mask(result: SampleResult) -> np.ndarray | None:
    cn = getattr(result, "copy_number", None)
    if cn is None:
        return None
    seg = cn.segments
    if seg.excluded is not None:
        return seg.excluded
    formats = {str(i.get("format")) for i in result.provenance.get("inputs") or [] if isinstance(i, dict)}
    floor = (result.provenance.get("thresholds") or {}).get("min_segment_markers", 0) or 0
    if formats & set(LOG2_FORMATS) and floor > 0:
        return seg.markers < floor  # NaN (unknown) is not below
    return None


def sex_of(provenance: dict[str, Any]) -> str | None:
    """The sex recorded in a result's provenance (plain string or ``{"value": ...}``), or None."""
    sex = provenance.get("sex")
    if isinstance(sex, dict):
        sex = sex.get("value")
    return sex if sex in ("female", "male") else None


def result_iscn(result: SampleResult) -> list[dict[str, Any]]:
    """The ISCN aberration list of a result (the stored one when it was read from JSON)."""
    stored = getattr(result, "iscn", None)
    if stored is not None:
        return list(stored)
    cn = getattr(result, "copy_number", None)
    if cn is None or result.profile is None:
        return []
    return iscn_entries(cn.segments, build=build_label(result.provenance), excluded=_excluded_mask(result),
                        sex=sex_of(result.provenance))


def result_iscn_json(result: SampleResult, memo: dict[float, str] | None = None) -> str:
    """The JSON text of :func:`result_iscn`: written from the arrays (:func:`iscn_entries_json`), or from the
    entries when they are stored in the result or there are LOH segments to list."""
    stored = getattr(result, "iscn", None)
    if stored is not None:
        return entries_json(list(stored), memo)
    cn = getattr(result, "copy_number", None)
    text = None
    if cn is not None and result.profile is not None:
        text = iscn_entries_json(cn.segments, build=build_label(result.provenance), excluded=_excluded_mask(result),
                                 sex=sex_of(result.provenance), memo=memo)
    return text if text is not None else entries_json(result_iscn(result), memo, checked=True)


def iscn_line(entries: list[dict[str, Any]]) -> str:
    """All entries as one ISCN string (``arr[GRCh37] 1q21.1q44(...)x3,13q14.2(...)x0``)."""
    if not entries:
        return ""
    prefix = entries[0]["iscn"].split(" ", 1)[0]
    return prefix + " " + ",".join(e["iscn"].split(" ", 1)[1] for e in entries)
