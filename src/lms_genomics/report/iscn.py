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

import math
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..genome import CHROM_ORDER, reference_path

if TYPE_CHECKING:
    from ..result import SampleResult

#: Copy numbers this close to an integer are written as that integer.
INTEGER_TOLERANCE = 0.05
#: LOH pieces left after removing losses/gains shorter than this are not listed (slivers at segment edges).
MIN_LOH_PIECE = 300_000
LOSS_STATES = ("homdel", "hetdel")
GAIN_STATES = ("gain", "amp")
LOG2_FORMATS = ("log2_seg", "cnvkit_cns", "seg")


@lru_cache(maxsize=1)
def cytobands() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """hg19 bands per chromosome: (band starts, band names), from the bundled ``hg19_cytobands.bed``."""
    bands = pd.read_csv(reference_path("hg19_cytobands.bed"), sep="\t", comment="#", header=None,
                        names=["chrom", "start", "end", "band", "stain"], dtype={"chrom": str, "band": str})
    return {str(c): (part["start"].to_numpy(np.int64), part["band"].to_numpy(object))
            for c, part in bands.groupby("chrom", sort=False)}


def band_at(chrom: str, pos: int) -> str:
    """The hg19 band (``q14.2``) holding a 0-based position; ``""`` for an unknown chromosome."""
    table = cytobands().get(chrom)
    if table is None:
        return ""
    starts, names = table
    return str(names[max(int(np.searchsorted(starts, pos, side="right")) - 1, 0)])


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


def iscn_aberrations(segments: pd.DataFrame, *, build: str = "GRCh37", excluded: np.ndarray | None = None,
                     sex: str | None = None, min_loh_piece: int = MIN_LOH_PIECE) -> list[dict[str, Any]]:
    """ISCN entries of a sample's segments (``chrom, start, end, kind, state, copy_number`` columns).

    ``excluded``: a mask of segments that take no part in calls (log2 segments under the marker floor).
    Returns dicts ``{"iscn", "chrom", "start", "end", "state", "copy_number", "segment_id", "in_profile"}``.
    """
    from .. import intervals

    if segments is None or len(segments) == 0:
        return []
    seg = segments if excluded is None else segments[~np.asarray(excluded, dtype=bool)]
    kind = seg["kind"].to_numpy(object)
    state = seg["state"].to_numpy(object)
    cn_rows = seg[(kind == "cn") & np.isin(state, [*LOSS_STATES, *GAIN_STATES])]
    out: list[dict[str, Any]] = []
    ids = cn_rows["segment_id"].tolist() if "segment_id" in cn_rows else [None] * len(cn_rows)
    flags = cn_rows["in_profile"].tolist() if "in_profile" in cn_rows else [None] * len(cn_rows)
    for c, s, e, st, v, sid, flag in zip(cn_rows["chrom"].tolist(), cn_rows["start"].tolist(),
                                         cn_rows["end"].tolist(), cn_rows["state"].tolist(),
                                         pd.to_numeric(cn_rows["copy_number"], errors="coerce").tolist(), ids,
                                         flags, strict=True):
        if v is None or v != v:
            continue
        out.append(_entry(build, str(c), int(s), int(e), str(st), float(v), segment_id=sid,
                          in_profile=None if flag is None or flag != flag else bool(flag)))
    loh = seg[kind == "loh"][["chrom", "start", "end"]]
    loh = loh[~loh["chrom"].isin(["chrX", "chrY"])] if sex == "male" else loh[loh["chrom"] != "chrY"]
    if len(loh):
        losses = cn_rows[cn_rows["state"].isin(LOSS_STATES)]
        gains = cn_rows[cn_rows["state"].isin(GAIN_STATES)].reset_index(drop=True)
        pieces = intervals.subtract(loh.reset_index(drop=True), losses) if len(losses) else loh
        neutral = intervals.subtract(pieces, gains) if len(gains) else pieces
        for c, s, e in zip(neutral["chrom"], neutral["start"], neutral["end"], strict=True):
            if e - s >= min_loh_piece:
                out.append(_entry(build, str(c), int(s), int(e), "loh", 2.0, hmz=True, segment_id=None,
                                  in_profile=None))
        if len(gains) and len(pieces):
            p = pieces.reset_index(drop=True)
            i, j = intervals.overlap_pairs(p, gains)
            for a, b in zip(i.tolist(), j.tolist(), strict=True):
                s = max(int(p["start"].iat[a]), int(gains["start"].iat[b]))
                e = min(int(p["end"].iat[a]), int(gains["end"].iat[b]))
                if e - s >= min_loh_piece:
                    out.append(_entry(build, str(p["chrom"].iat[a]), s, e, "loh",
                                      float(gains["copy_number"].iat[b]), hmz=True, segment_id=None,
                                      in_profile=None))
    out.sort(key=lambda d: (CHROM_ORDER.get(d["chrom"], 99), d["start"], d["end"]))
    return out


def _excluded_mask(result: SampleResult) -> np.ndarray | None:
    seg = result.segments
    if seg is None:
        return None
    if "excluded_from_calls" in seg.columns:
        return seg["excluded_from_calls"].fillna(False).to_numpy(dtype=bool)
    formats = {str(i.get("format")) for i in result.provenance.get("inputs") or [] if isinstance(i, dict)}
    floor = (result.provenance.get("thresholds") or {}).get("min_segment_markers", 0) or 0
    if formats & set(LOG2_FORMATS) and floor > 0:
        markers = pd.to_numeric(seg["markers"], errors="coerce")
        return (markers < floor).fillna(False).to_numpy(dtype=bool)
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
    if result.segments is None or result.profile is None:
        return []
    return iscn_aberrations(result.segments, build=build_label(result.provenance), excluded=_excluded_mask(result),
                            sex=sex_of(result.provenance))


def iscn_line(entries: list[dict[str, Any]]) -> str:
    """All entries as one ISCN string (``arr[GRCh37] 1q21.1q44(...)x3,13q14.2(...)x0``)."""
    if not entries:
        return ""
    prefix = entries[0]["iscn"].split(" ", 1)[0]
    return prefix + " " + ",".join(e["iscn"].split(" ", 1)[1] for e in entries)
