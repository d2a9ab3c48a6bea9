"""Gene-level copy-number and LOH calls with their evidence (DESIGN §3)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, fields, replace
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # what json.dumps(ensure_ascii=False) uses
from typing import TYPE_CHECKING, Any

import numpy as np

from .. import intervals
from ..genome import CHROM_ORDER, GeneReference
from ..segarrays import (
    AMP,
    CHROM_NAMES,
    GAIN,
    IN_PROFILE_NONE,
    KIND_CN,
    KIND_NAMES,
    NEUTRAL,
    STATE_NAMES,
    TYPE_NAMES,
    SegmentArrays,
    chrom_codes_of,
    flags_of,
    json_floats,
    json_wholes,
    nan_to_none,
    whole_or_none,
)
from ..thresholds import Thresholds
from .cleaning import KitCoverage
from .ploidy import Ploidy
from .states import implicit_state, normal_level

if TYPE_CHECKING:
    import pandas as pd

#: Gene calls, in the order used when several states overlap one gene (first wins).
CALL_PRIORITY = ("homdel", "amp", "hetdel", "gain", "neutral")
CALL_NAMES = {
    "homdel": "homozygous_deletion", "amp": "amplification", "hetdel": "heterozygous_deletion",
    "gain": "gain", "neutral": "neutral",
}
ALL_CALLS = ("homozygous_deletion", "heterozygous_deletion", "copy_neutral_loh", "gain", "amplification",
             "neutral", "no_data")
#: Rank of each state code in :data:`CALL_PRIORITY` (LOH, not a copy-number state, last).
_RANK = np.array([CALL_PRIORITY.index(s) if s in CALL_PRIORITY else len(CALL_PRIORITY) for s in STATE_NAMES],
                 dtype=np.int64)
#: Call name of each state code, and of "no segment" (index -1).
_CALL_OF_STATE = np.array([CALL_NAMES.get(s, "no_data") for s in STATE_NAMES] + ["no_data"], dtype=object)
_SEX_CODES = (CHROM_ORDER["chrX"], CHROM_ORDER["chrY"])
GENE_COLUMNS = ["gene", "chrom", "start", "end", "gene_length", "covered_bp", "assessed_bp", "state", "call",
                "copy_number", "min_copy_number", "max_copy_number", "covered_fraction", "partial",
                "deciding_segment_id", "deciding_source_line", "deciding_markers", "deciding_in_profile",
                "deciding_start", "deciding_end", "loh_fraction", "loh", "sex_chromosome", "relative_state", "role",
                "subclonal_or_mixed", "focal"]
EVIDENCE_COLUMNS = ["gene", "chrom", "start", "end", "segment_id", "start_b", "end_b", "kind", "type", "state",
                    "copy_number", "markers", "source_line", "in_profile", "overlap_bp", "gene_fraction"]


@dataclass
class GeneCalls:
    """One sample's call of every gene of a reference, as arrays (gene order of the reference).

    ``state`` is the deciding segment's state code (-1: no segment), ``has_segment`` whether one decides; the
    ``deciding_*`` arrays describe it (NaN/None where there is none). ``loh`` is None when LOH was not assessed.
    Calls read back from a result JSON have no ``covered_bp``, ``assessed_bp`` nor ``state`` (None).
    """

    names: np.ndarray
    chrom: np.ndarray
    start: np.ndarray
    end: np.ndarray
    covered_bp: np.ndarray | None
    assessed_bp: np.ndarray | None
    state: np.ndarray | None
    call: np.ndarray
    copy_number: np.ndarray
    min_copy_number: np.ndarray
    max_copy_number: np.ndarray
    covered_fraction: np.ndarray
    partial: np.ndarray
    has_segment: np.ndarray
    deciding_segment_id: np.ndarray
    deciding_source_line: np.ndarray
    deciding_markers: np.ndarray
    deciding_in_profile: np.ndarray
    deciding_start: np.ndarray
    deciding_end: np.ndarray
    loh_fraction: np.ndarray
    loh: np.ndarray | None
    low_level: np.ndarray | None = None
    """Log2 inputs: the deciding segment is aberrant but weaker than the profile's ``log2_anomaly`` (a low-level
    change, not counted in the profile nor in arm-level events); None for ChAS exports and CNVkit-called copy
    numbers."""
    # issue 13 context (:func:`add_context`); None: not set (every gene False / null in the JSON)
    subclonal: np.ndarray | None = None  # bool: the deciding ChAS state is fractional
    focal: np.ndarray | None = None  # int8: -1 null (no aberrant deciding segment), 0 broad, 1 focal
    relative_state: np.ndarray | None = None  # object: str or None (baseline ploidy 2)
    role: np.ndarray | None = None  # object: "tumour_suppressor", "oncogene" or None
    context_notes: np.ndarray | None = None  # object: tuple of notes per gene

    def _context(self) -> tuple[list[bool], list[Any], list[Any], list[Any], list[tuple[str, ...]]]:
        """(subclonal_or_mixed, focal, relative_state, role, extra notes) per gene as Python values."""
        n = len(self)
        sub = [False] * n if self.subclonal is None else [bool(v) for v in self.subclonal.tolist()]
        focal = [None] * n if self.focal is None else flags_of(self.focal)
        rel = [None] * n if self.relative_state is None else self.relative_state.tolist()
        role = [None] * n if self.role is None else self.role.tolist()
        extra = [()] * n if self.context_notes is None else self.context_notes.tolist()
        return sub, focal, rel, role, extra

    def __len__(self) -> int:
        return len(self.names)

    def take(self, index: np.ndarray) -> GeneCalls:
        """The calls of the genes at ``index`` (positions, in the order given)."""
        return replace(self, **{f.name: v[index] for f in fields(self)
                                if isinstance(v := getattr(self, f.name), np.ndarray)})

    def index_of(self, name: str) -> int:
        """Position of a gene (``KeyError`` when the reference has no such gene)."""
        hits = np.flatnonzero(self.names == name)
        if not len(hits):
            raise KeyError(name)
        return int(hits[0])

    def rows(self) -> list[dict[str, Any]]:
        """Every gene as a plain dict: gene, chrom, start, end, call, copy_number, loh (None when not assessed),
        loh_fraction, partial, covered_fraction (what :func:`~lms_genomics.calling.biallelic.biallelic_status`
        reads)."""
        loh = [None] * len(self) if self.loh is None else self.loh.tolist()
        return [{"gene": g, "chrom": c, "start": s, "end": e, "call": call, "copy_number": cn, "loh": lh,
                 "loh_fraction": lf, "partial": p, "covered_fraction": f}
                for g, c, s, e, call, cn, lh, lf, p, f in zip(
                    self.names.tolist(), CHROM_NAMES[self.chrom].tolist(), self.start.tolist(), self.end.tolist(),
                    self.call.tolist(), self.copy_number.tolist(), loh, self.loh_fraction.tolist(),
                    self.partial.tolist(), self.covered_fraction.tolist(), strict=True)]

    def objects(self, evidence: dict[str, list[dict[str, Any]]] | None = None,
                only: Collection[str] | None = None) -> dict[str, dict[str, Any]]:
        """The JSON ``genes`` object: gene → call, copy numbers, LOH, partial flag, deciding segment, ``evidence``
        (the lists of :func:`evidence_records`; empty without ``evidence``) and notes; ``only``: those genes."""
        if only is not None:  # the rows of those genes first (a cohort's summary wants 5 of ~70)
            wanted = set(only)  # a set lookup per gene: np.isin on an object array costs ~12 µs
            return self.take(np.array([k for k, g in enumerate(self.names.tolist()) if g in wanted],
                                      dtype=np.int64)).objects(evidence)
        evidence = evidence or {}
        n = len(self)
        loh = [None] * n if self.loh is None else [bool(v) for v in self.loh.tolist()]
        in_profile = flags_of(self.deciding_in_profile)
        seg_ids = self.deciding_segment_id.tolist()
        d_start, d_end = self.deciding_start.tolist(), self.deciding_end.tolist()
        d_markers, d_lines = whole_or_none(self.deciding_markers), whole_or_none(self.deciding_source_line)
        low_levels = None if self.low_level is None else [bool(v) for v in self.low_level.tolist()]
        sub, focal, rel, role, extra = self._context()
        out: dict[str, dict[str, Any]] = {}
        for k, (g, c, cn, lo, hi, lh, lf, part, frac, chrom, s, e, sid, ds, de, dm, dl, dp, sb, fo, rs, ro,
                ex) in enumerate(zip(
                self.names.tolist(), self.call.tolist(), nan_to_none(self.copy_number),
                nan_to_none(self.min_copy_number), nan_to_none(self.max_copy_number), loh,
                nan_to_none(self.loh_fraction), self.partial.tolist(), nan_to_none(self.covered_fraction),
                CHROM_NAMES[self.chrom].tolist(), self.start.tolist(), self.end.tolist(), seg_ids, d_start, d_end,
                d_markers, d_lines, in_profile, sub, focal, rel, role, extra, strict=True)):
            deciding = None
            if sid is not None:
                deciding = {"segment_id": sid, "chrom": chrom, "start": ds, "end": de, "size": de - ds,
                            "markers": dm, "source_line": dl, "in_profile": dp}
            low = None if low_levels is None else low_levels[k]
            notes = _notes(deciding is not None and dp is False, part, frac, bool(low), ex)
            out[g] = {"call": c, "copy_number": cn, "min_copy_number": lo, "max_copy_number": hi, "loh": lh,
                      "loh_fraction": lf, "partial": part, "covered_fraction": frac, "relative_state": rs,
                      "role": ro, "subclonal_or_mixed": sb, "focal": fo, "chrom": chrom, "start": s,
                      "end": e, "deciding_segment": deciding, "evidence": evidence.get(g, []), "notes": notes}
            if low_levels is not None:
                out[g]["low_level"] = low
        return out

    @classmethod
    def from_objects(cls, genes: dict[str, Any]) -> GeneCalls:
        """The gene calls of a result JSON's ``genes`` object (what the JSON holds: no covered/assessed bases, no
        state)."""
        names = list(genes)
        objs = [genes[g] for g in names]
        deciding = [g.get("deciding_segment") or {} for g in objs]
        n = len(names)

        def floats(values: list[Any]) -> np.ndarray:
            return np.array([np.nan if v is None or v != v else float(v) for v in values], dtype=float)

        def ints(values: list[Any]) -> np.ndarray:
            return np.array([0 if v is None or v != v else int(v) for v in values], dtype=np.int64).reshape(n)

        def objects(values: list[Any]) -> np.ndarray:
            return np.array([*values, None], dtype=object)[:n]

        loh_values = [g.get("loh") for g in objs]
        lows = [g.get("low_level") for g in objs]
        return cls(
            names=objects(names), chrom=chrom_codes_of(g["chrom"] for g in objs),
            start=ints([g["start"] for g in objs]), end=ints([g["end"] for g in objs]), covered_bp=None,
            assessed_bp=None, state=None,
            call=objects([g["call"] for g in objs]), copy_number=floats([g.get("copy_number") for g in objs]),
            min_copy_number=floats([g.get("min_copy_number") for g in objs]),
            max_copy_number=floats([g.get("max_copy_number") for g in objs]),
            covered_fraction=floats([g.get("covered_fraction") for g in objs]),
            partial=np.array([bool(g.get("partial")) for g in objs], dtype=bool).reshape(n),
            has_segment=np.array([d.get("segment_id") is not None for d in deciding], dtype=bool).reshape(n),
            deciding_segment_id=objects([d.get("segment_id") for d in deciding]),
            deciding_source_line=floats([d.get("source_line") for d in deciding]),
            deciding_markers=floats([d.get("markers") for d in deciding]),
            deciding_in_profile=np.array([IN_PROFILE_NONE if d.get("in_profile") is None else int(bool(d["in_profile"]))
                                          for d in deciding], dtype=np.int8).reshape(n),
            deciding_start=ints([d.get("start") for d in deciding]),
            deciding_end=ints([d.get("end") for d in deciding]),
            loh_fraction=floats([g.get("loh_fraction") for g in objs]),
            loh=None if all(v is None for v in loh_values) else np.array([bool(v) for v in loh_values], dtype=bool),
            low_level=None if all(v is None for v in lows) else np.array([bool(v) for v in lows], dtype=bool),
            subclonal=np.array([bool(g.get("subclonal_or_mixed")) for g in objs], dtype=bool).reshape(n),
            focal=np.array([IN_PROFILE_NONE if g.get("focal") is None else int(bool(g["focal"])) for g in objs],
                           dtype=np.int8).reshape(n),
            relative_state=objects([g.get("relative_state") for g in objs]),
            role=objects([g.get("role") for g in objs]))

    @classmethod
    def from_frame(cls, table: pd.DataFrame) -> GeneCalls:
        """From a gene table (:meth:`to_frame`'s columns; those it lacks are read as missing)."""
        from ..result import _clean

        def get(rec: dict[str, Any], key: str) -> Any:
            value = _clean(rec.get(key))
            return None if value is None else value

        objects = {}
        for rec in table.to_dict("records"):
            deciding = None
            if get(rec, "deciding_segment_id") is not None:
                deciding = {k: get(rec, f"deciding_{k}") for k in ("segment_id", "start", "end", "markers",
                                                                   "source_line", "in_profile")}
            objects[str(rec["gene"])] = {**{k: get(rec, k) for k in ("chrom", "start", "end", "call", "copy_number",
                                                                     "min_copy_number", "max_copy_number", "loh",
                                                                     "loh_fraction", "partial", "covered_fraction")},
                                         "deciding_segment": deciding}
        return cls.from_objects(objects)

    def objects_json(self, memo: dict[float, str] | None = None) -> str:
        """``json.dumps(objects, ensure_ascii=False)`` of the lean gene objects (:meth:`objects` without the
        ``evidence`` lists), written a column at a time (``tests/test_engine.py`` checks the texts are equal).
        ``memo``: see :func:`~lms_genomics.segarrays.json_floats`."""
        if not len(self):
            return "{}"
        names = reference_text(self, "json names", lambda c: [encode_basestring(g) for g in c.names.tolist()])
        chroms = reference_text(self, "json chroms",
                                lambda c: [encode_basestring(x) for x in CHROM_NAMES[c.chrom].tolist()])
        loh = ["null"] * len(self) if self.loh is None else ["true" if v else "false" for v in self.loh.tolist()]
        flags = _FLAG_JSON[self.deciding_in_profile + 1].tolist()
        deciding = ["null" if sid is None else
                    f'{{"segment_id": {encode_basestring(sid)}, "chrom": {c}, "start": {ds}, "end": {de}, "size": '
                    f'{de - ds}, "markers": {m}, "source_line": {ln}, "in_profile": {f}}}'
                    for sid, c, ds, de, m, ln, f in zip(
                        self.deciding_segment_id.tolist(), chroms, self.deciding_start.tolist(),
                        self.deciding_end.tolist(), json_wholes(self.deciding_markers),
                        json_wholes(self.deciding_source_line), flags, strict=True)]
        lows = [False] * len(self) if self.low_level is None else self.low_level.tolist()
        sub, focal, rel, role, extra = self._context()
        texts: dict[tuple[Any, ...], str] = {}  # the genes' notes are few distinct lists: each written once
        notes = [texts.get(k) or texts.setdefault(k, ", ".join(map(encode_basestring, _notes(*k))))
                 for k in [(f == "false" and d != "null", part, frac if part else None, bool(low), ex)
                           for f, d, part, frac, low, ex in zip(flags, deciding, self.partial.tolist(),
                                                                nan_to_none(self.covered_fraction), lows, extra,
                                                                strict=True)]]
        tails = [""] * len(self) if self.low_level is None else \
            [', "low_level": true' if low else ', "low_level": false' for low in lows]
        context = [f'"relative_state": {"null" if rs is None else encode_basestring(rs)}, "role": '
                   f'{"null" if ro is None else encode_basestring(ro)}, "subclonal_or_mixed": '
                   f'{"true" if sb else "false"}, "focal": {"null" if fo is None else ("true" if fo else "false")}'
                   for sb, fo, rs, ro in zip(sub, focal, rel, role, strict=True)]
        places = reference_text(self, "json places", _json_places)  # "chrom": …, "start": …, "end": …
        rows = [f'{g}: {{"call": {encode_basestring(c)}, "copy_number": {cn}, "min_copy_number": {lo}, '
                f'"max_copy_number": {hi}, "loh": {lh}, "loh_fraction": {lf}, "partial": '
                f'{"true" if part else "false"}, "covered_fraction": {fr}, {cx}, {pl}, '
                f'"deciding_segment": {d}, "notes": [{nt}]{tl}}}'
                for g, c, cn, lo, hi, lh, lf, part, fr, cx, pl, d, nt, tl in zip(
                    names, self.call.tolist(), json_floats(self.copy_number, memo),
                    json_floats(self.min_copy_number, memo), json_floats(self.max_copy_number, memo), loh,
                    json_floats(self.loh_fraction, memo), self.partial.tolist(),
                    json_floats(self.covered_fraction, memo), context, places, deciding, notes, tails, strict=True)]
        return "{" + ", ".join(rows) + "}"

    def to_frame(self) -> pd.DataFrame:
        """The gene table (:data:`GENE_COLUMNS`)."""
        from .._lazy import pandas as pd

        def nullable(values: np.ndarray) -> Any:
            arr = pd.array(np.where(self.has_segment, values, 0).astype(np.int64), dtype="Int64")
            arr[~self.has_segment] = pd.NA
            return arr

        n = len(self)
        data: dict[str, Any] = {"gene": self.names, "chrom": CHROM_NAMES[self.chrom], "start": self.start,
                                "end": self.end}
        if self.covered_bp is not None and self.assessed_bp is not None:
            data.update({"gene_length": self.end - self.start, "covered_bp": self.covered_bp,
                         "assessed_bp": self.assessed_bp})
        if self.state is not None:
            data["state"] = np.where(self.state >= 0, STATE_NAMES[np.maximum(self.state, 0)], None).astype(object)
        data.update({
            "call": self.call, "copy_number": self.copy_number, "min_copy_number": self.min_copy_number,
            "max_copy_number": self.max_copy_number, "covered_fraction": self.covered_fraction,
            "partial": self.partial, "deciding_segment_id": self.deciding_segment_id,
            "deciding_source_line": np.array(whole_or_none(self.deciding_source_line), dtype=object),
            "deciding_markers": np.array(whole_or_none(self.deciding_markers), dtype=object),
            "deciding_in_profile": np.array(flags_of(self.deciding_in_profile), dtype=object),
            "deciding_start": nullable(self.deciding_start), "deciding_end": nullable(self.deciding_end),
            "loh_fraction": self.loh_fraction,
            "loh": np.full(n, None, dtype=object) if self.loh is None else self.loh.astype(bool),
            "sex_chromosome": np.isin(self.chrom, _SEX_CODES),
        })
        sub, focal, rel, role, _extra = self._context()
        data.update({"relative_state": np.array([*rel, None], dtype=object)[:n],
                     "role": np.array([*role, None], dtype=object)[:n], "subclonal_or_mixed": np.array(sub, dtype=bool),
                     "focal": np.array([*focal, None], dtype=object)[:n]})
        return pd.DataFrame(data)[[c for c in GENE_COLUMNS if c in data]]


#: Values made once per gene reference (and arm table): by (what, ids of the objects made from), with the objects
#: themselves (an id is only unique while its object lives). See :func:`_once_per`.
_MADE_ONCE: dict[tuple[Any, ...], tuple[tuple[Any, ...], Any]] = {}


def _once_per(sources: tuple[Any, ...], what: str, make: Callable[[], Any]) -> Any:
    """``make()``, made once per ``what`` and ``sources`` (the very objects, checked by identity; they are the
    reference's arrays and tables, never changed in place) and kept, at most 16 at a time."""
    key = (what, *map(id, sources))
    hit = _MADE_ONCE.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], sources, strict=True)):
        return hit[1]
    value = make()
    if len(_MADE_ONCE) >= 16:
        _MADE_ONCE.clear()
    _MADE_ONCE[key] = (sources, value)
    return value


def reference_text(calls: GeneCalls, what: str, build: Callable[[GeneCalls], list[str]]) -> list[str]:
    """Per-gene text made only from the genes' own columns (name, chromosome, start, end: every sample of a gene
    reference has the same), built by ``build`` once per reference and ``what``."""
    return _once_per((calls.names, calls.chrom, calls.start, calls.end), what, lambda: build(calls))


def _json_places(calls: GeneCalls) -> list[str]:
    return [f'"chrom": {encode_basestring(c)}, "start": {s}, "end": {e}' for c, s, e in zip(
        CHROM_NAMES[calls.chrom].tolist(), calls.start.tolist(), calls.end.tolist(), strict=True)]


def _notes(below_floor: bool, partial: bool, fraction: float | None, low_level: bool = False,
           extra: tuple[str, ...] = ()) -> list[str]:
    """The notes of a gene call: a low-level change, a deciding segment below the profile floor, a partly covered
    gene, then the ``extra`` notes of :func:`add_context` (fractional state, baseline ploidy, role)."""
    notes = []
    if low_level:
        notes.append("low-level change: the deciding segment's log2 ratio passes the call threshold (log2_loss/"
                     "log2_gain) but not the profile's (log2_anomaly): it makes this call but is counted neither as "
                     "a profile anomaly nor in arm-level events")
    elif below_floor:
        notes.append("the deciding segment is below the profile size/marker floor: it makes this call but is not "
                     "counted as a profile anomaly")
    if partial:
        notes.append(f"gene only partly covered by the deciding segment ({fraction:.0%})")
    notes.extend(extra)
    return notes


_FLAG_JSON = np.array(["null", "false", "true"], dtype=object)  # in_profile code + 1


def gene_calls(genes: GeneReference, segments: SegmentArrays, arms: KitCoverage, *, absent_is_neutral: bool,
               loh_assessed: bool, sex: str | None = None, ploidy: float = 2.0,
               low_level: np.ndarray | None = None) -> GeneCalls:
    """Call every gene of ``genes`` from one sample's ``segments`` (with ``state`` and ``in_profile`` set; the
    segments that take part in calls).

    ``absent_is_neutral``: True for exports that list only aberrant segments (ChAS), where an assessed region
    (``arms``) no segment touches has the normal copy number; False for complete segmentations (log2 .seg), where
    it has no data. The deciding segment of a gene is the most severe state over it (homdel, amp, hetdel, gain,
    neutral), ties broken by the more extreme copy number, then the larger overlap. ``ploidy``: the baseline
    (:mod:`lms_genomics.calling.ploidy`); an unlisted region of an aberration-only export is at the normal level,
    a relative loss against a baseline of 3 or more. ``low_level`` (log2 inputs:
    :func:`lms_genomics.calling.profile.low_level_codes` of ``segments``) flags genes a low-level change decides.
    """
    n = len(genes)
    gchrom, gstart, gend = genes.chrom, genes.start, genes.end
    glen = (gend - gstart).astype(float)
    is_cn = segments.kind == KIND_CN
    cn = segments if is_cn.all() else segments.take(is_cn)
    loh = segments.take(~is_cn)

    def pairs(other_chrom: np.ndarray, other_start: np.ndarray, other_end: np.ndarray) -> tuple[np.ndarray, ...]:
        if not len(other_chrom):
            return np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0, float)
        i, k = intervals.overlap_pairs_arrays(gchrom, gstart, gend, other_chrom, other_start, other_end)
        ov = (np.minimum(gend[i], other_end[k]) - np.maximum(gstart[i], other_start[k])).clip(min=0).astype(float)
        return i, k, ov

    def per_gene_sum(i: np.ndarray, values: np.ndarray) -> np.ndarray:
        return np.bincount(i, weights=values, minlength=n)

    # --- copy number: every (gene, segment) overlap, then the deciding segment per gene ----------------------
    i, k, ov = pairs(cn.chrom, cn.start, cn.end)
    state_k = cn.state[k]
    cn_k = cn.copy_number[k]
    extreme = np.where((state_k == AMP) | (state_k == GAIN), -cn_k, cn_k)
    order = np.lexsort((-ov, extreme, _RANK[state_k], i))
    first = order[np.concatenate(([True], i[order][1:] != i[order][:-1]))] if len(order) else order
    best = np.full(n, -1, dtype=np.int64)
    best[i[first]] = k[first]
    best_ov = np.full(n, np.nan)
    best_ov[i[first]] = ov[first]
    covered_bp = np.minimum(per_gene_sum(i, ov), glen)
    mins, maxs = np.full(n, np.nan), np.full(n, np.nan)
    if len(i):
        np.fmin.at(mins, i, cn_k)
        np.fmax.at(maxs, i, cn_k)
    # --- assessed extent of the arms (the same for every sample: made once per gene reference and arm table) -----
    def assessed() -> np.ndarray:
        ia, _, ova = pairs(arms.chrom, arms.start, arms.end)
        bp = np.minimum(per_gene_sum(ia, ova), glen)
        bp.flags.writeable = False  # shared by every sample's calls
        return bp

    assessed_bp = _once_per((genes, arms), "assessed bases", assessed)
    normal = normal_level(gchrom, sex)

    has_segment = best >= 0
    implicit_neutral = absent_is_neutral & (covered_bp < glen) & (assessed_bp > 0)
    bk = np.where(has_segment, best, 0)
    state = np.where(has_segment, cn.state[bk] if len(cn) else -1,
                     np.where(implicit_neutral, implicit_state(gchrom, sex, ploidy), -1))
    call = _CALL_OF_STATE[state]
    aberrant = has_segment & (state != NEUTRAL)
    best_cn = np.where(has_segment, cn.copy_number[bk] if len(cn) else np.nan, np.nan)
    no_data = call == "no_data"
    neutral_cover = assessed_bp if absent_is_neutral else covered_bp
    frac = np.round(np.where(aberrant, best_ov / glen, np.where(no_data, covered_bp / glen, neutral_cover / glen)),
                    4)

    def deciding(values: np.ndarray, fill: Any) -> np.ndarray:
        return np.where(has_segment, values[bk] if len(cn) else fill, fill)

    # --- LOH -----------------------------------------------------------------------------------------------------
    il, _, ovl = pairs(loh.chrom, loh.start, loh.end)
    loh_bp = np.minimum(per_gene_sum(il, ovl), glen)
    loh_flag = None
    loh_fraction = np.full(n, np.nan)
    if loh_assessed:
        loh_fraction = np.round(loh_bp / glen, 4)
        loh_flag = loh_fraction > 0
        call = np.where(loh_flag & (call == "neutral"), "copy_neutral_loh", call).astype(object)
    in_profile = cn.in_profile if cn.in_profile is not None else np.full(len(cn), IN_PROFILE_NONE, np.int8)
    return GeneCalls(
        names=genes.names, chrom=gchrom, start=gstart, end=gend, covered_bp=covered_bp.astype(np.int64),
        assessed_bp=assessed_bp.astype(np.int64), state=state.astype(np.int64), call=call,
        copy_number=np.where(has_segment, best_cn, np.where(implicit_neutral, normal, np.nan)),
        # min/max over the gene; in an aberration-only export the unlisted part of the gene is at the normal level.
        min_copy_number=np.where(implicit_neutral, np.fmin(mins, normal), mins),
        max_copy_number=np.where(implicit_neutral, np.fmax(maxs, normal), maxs),
        covered_fraction=frac, partial=~no_data & (frac < 1.0), has_segment=has_segment,
        deciding_segment_id=deciding(cn.segment_id, None).astype(object),
        deciding_source_line=deciding(cn.source_line, np.nan).astype(float),
        deciding_markers=deciding(cn.markers, np.nan).astype(float),
        deciding_in_profile=deciding(in_profile, IN_PROFILE_NONE).astype(np.int8),
        deciding_start=deciding(cn.start, 0).astype(np.int64), deciding_end=deciding(cn.end, 0).astype(np.int64),
        loh_fraction=loh_fraction, loh=loh_flag,
        low_level=None if low_level is None else (aberrant & deciding(low_level[is_cn], False)).astype(bool))


#: A ChAS copy number this far from a whole number is a fractional (subclonal or mixed) state (ChAS writes 0.33,
#: 0.67, 1.33, 1.5, 2.5...; a whole state is written 1.0).
FRACTIONAL_TOLERANCE = 0.05
_ABERRANT_CALLS = ("homozygous_deletion", "heterozygous_deletion", "gain", "amplification")
_ROLES = ("tumour_suppressor", "oncogene")


def add_context(calls: GeneCalls, *, ploidy: Ploidy, thresholds: Thresholds, continuous: bool,
                roles: dict[str, str]) -> GeneCalls:
    """Set the issue-13 context of each gene call (in place; returns ``calls``):

    * ``subclonal`` (``subclonal_or_mixed``): ChAS inputs, the deciding copy number is fractional (more than
      :data:`FRACTIONAL_TOLERANCE` from a whole number): a subclonal change or a mix of cell populations, worded
      "heterozygous deletion (fractional 1.5)"; a fractional CN below 1 is not a clonal homozygous deletion;
    * ``focal``: for an aberrant call, whether the deciding segment is at most ``focal_max_size`` long;
    * ``relative_state``: when the baseline's reference level is not 2, the state read against it ("relative
      loss to ploidy 3 (CN 2)"); and for a gain from ``amp_min_cn`` that the ploidy rule keeps from being an
      amplification ("high-copy gain to ploidy 3 (CN 5; amplification needs CN ≥ 8.12)"); None otherwise;
    * ``role``: ``tumour_suppressor``/``oncogene`` from the role table (``gene_roles.tsv``), else None; a tumour
      suppressor's amplification and an oncogene's partial deletion get a note saying they are shown, not
      headlined (the report leaves them out of its amplification / homozygous-deletion findings).
    """
    n = len(calls)
    cn = calls.copy_number
    call = calls.call.astype(object)
    aberrant = calls.has_segment & np.fromiter((c in _ABERRANT_CALLS for c in call.tolist()), bool, n)
    fractional = np.zeros(n, dtype=bool) if continuous else (
        calls.has_segment & aberrant & (np.abs(cn - np.round(cn)) > FRACTIONAL_TOLERANCE))
    size = calls.deciding_end - calls.deciding_start
    calls.subclonal = fractional
    calls.focal = np.where(aberrant, size <= thresholds.focal_max_size, IN_PROFILE_NONE).astype(np.int8)
    role = np.array([*(r if (r := roles.get(g)) in _ROLES else None for g in calls.names.tolist()), None],
                    dtype=object)[:n]
    calls.role = role
    notes: list[tuple[str, ...]] = [()] * n
    amp_min = ploidy.amp_min_cn(thresholds)
    relative = np.full(n, None, dtype=object)
    rebase = ploidy.rebased
    ref = ploidy.reference
    high_copy_gain = (call == "gain") & (cn >= thresholds.amp_min_cn)  # only when 2.5 x ploidy > amp_min_cn
    # The genes that may get a note or a relative state, their columns read as lists once (not element by element).
    picked = np.flatnonzero(fractional | aberrant & (role != None) | (rebase & (call != "no_data"))  # noqa: E711
                            | high_copy_gain)
    for i, c, v, g_role, is_fractional, is_partial, is_high in zip(
            picked.tolist(), call[picked].tolist(), cn[picked].tolist(), role[picked].tolist(),
            fractional[picked].tolist(), calls.partial[picked].tolist(), high_copy_gain[picked].tolist(), strict=True):
        extra = []
        if is_fractional:
            what = ("not a clonal homozygous deletion: some cells keep a copy" if c == "homozygous_deletion"
                    else "not a whole-copy change in every tumour cell")
            extra.append(f"fractional copy number {v:g}: subclonal or mixed ({what})")
        if g_role == "tumour_suppressor" and c == "amplification":
            extra.append("tumour suppressor: an amplification is not its driver event; shown as the state, not "
                         "headlined")
        if g_role == "oncogene" and c in ("homozygous_deletion", "heterozygous_deletion") and is_partial:
            extra.append("oncogene: a partial deletion is not its driver event; shown as the state, not headlined")
        if (rebase and c != "no_data" or is_high) and v == v:
            relative[i] = _relative_text(c, v, ploidy, ref, amp_min, thresholds)
        notes[i] = tuple(extra)
    calls.relative_state = relative
    calls.context_notes = np.array([*notes, None], dtype=object)[:n]
    return calls


def _relative_text(call: str, cn: float, ploidy: Ploidy, ref: int, amp_min: float, thresholds: Thresholds) -> str:
    """A gene's state read against the baseline ploidy (absolute copy number kept, to 2 decimals)."""
    cn = round(cn, 2)
    amp_min = round(amp_min, 2)
    if call == "homozygous_deletion":
        return f"homozygous deletion (CN {cn:g}; baseline ploidy {ploidy.value:g})"
    if call == "heterozygous_deletion":
        return f"relative loss to ploidy {ref} (CN {cn:g})"
    if call == "amplification":
        return f"amplification (CN {cn:g} ≥ {thresholds.amp_ploidy_factor:g} × ploidy {ploidy.value:g})"
    if call == "gain" and cn >= thresholds.amp_min_cn:
        return f"high-copy gain to ploidy {ref} (CN {cn:g}; amplification needs CN ≥ {amp_min:g})"
    if call == "gain":
        return f"relative gain to ploidy {ref} (CN {cn:g})"
    if call == "copy_neutral_loh":
        return f"copy-neutral LOH at ploidy {ref} (CN {cn:g})"
    return f"neutral at ploidy {ref} (CN {cn:g})"


@dataclass
class Evidence:
    """Every (gene, segment) overlap of one sample: gene index, segment index, overlap size and the gene fraction
    it covers, over the sample's :class:`~lms_genomics.segarrays.SegmentArrays` (all of them, LOH and segments
    below the marker floor included)."""

    gene: np.ndarray
    segment: np.ndarray
    overlap_bp: np.ndarray
    gene_fraction: np.ndarray


def evidence_of(genes: GeneReference, segments: SegmentArrays) -> Evidence:
    """Every overlap of a gene and a segment, in gene then segment order."""
    if not len(segments) or not len(genes):
        e = np.empty(0, np.int64)
        return Evidence(e, e, e, np.empty(0, float))
    i, j = intervals.overlap_pairs_arrays(genes.chrom, genes.start, genes.end, segments.chrom, segments.start,
                                          segments.end)
    start, end = genes.start[i], genes.end[i]
    overlap = (np.minimum(end, segments.end[j]) - np.maximum(start, segments.start[j])).clip(min=0)
    return Evidence(i, j, overlap, np.round(overlap / (end - start), 4))


def evidence_records(genes: GeneReference, segments: SegmentArrays, ev: Evidence) -> dict[str, list[dict[str, Any]]]:
    """The JSON ``evidence`` list of each gene that overlaps a segment."""
    j = ev.segment
    seg_start, seg_end = segments.start[j].tolist(), segments.end[j].tolist()
    state = STATE_NAMES[segments.state[j]].tolist() if segments.state is not None else [None] * len(j)
    in_profile = flags_of(segments.in_profile[j]) if segments.in_profile is not None else [None] * len(j)
    out: dict[str, list[dict[str, Any]]] = {}
    for g, sid, chrom, s, e, kind, typ, st, cn, mk, ov, frac, line, flag in zip(
            genes.names[ev.gene].tolist(), segments.segment_id[j].tolist(), CHROM_NAMES[segments.chrom[j]].tolist(),
            seg_start, seg_end, KIND_NAMES[segments.kind[j]].tolist(), TYPE_NAMES[segments.type[j]].tolist(), state,
            nan_to_none(segments.copy_number[j]), whole_or_none(segments.markers[j]), ev.overlap_bp.tolist(),
            nan_to_none(ev.gene_fraction), whole_or_none(segments.source_line[j]), in_profile, strict=True):
        out.setdefault(g, []).append({
            "segment_id": sid, "chrom": chrom, "start": s, "end": e, "size": e - s, "kind": kind, "type": typ,
            "state": st, "copy_number": cn, "markers": mk, "overlap_bp": ov, "gene_fraction": frac,
            "source_line": line, "in_profile": flag})
    return out


def evidence_frame(genes: GeneReference, segments: SegmentArrays, ev: Evidence) -> pd.DataFrame:
    """The evidence table (:data:`EVIDENCE_COLUMNS`): gene, its extent, and each overlapping segment's."""
    from .._lazy import pandas as pd

    seg = segments.to_frame().drop(columns=["sample"])
    j, i = ev.segment, ev.gene
    data = {"gene": genes.names[i], "chrom": CHROM_NAMES[genes.chrom[i]], "start": genes.start[i],
            "end": genes.end[i], "segment_id": seg["segment_id"].to_numpy()[j],
            "start_b": seg["start"].to_numpy()[j], "end_b": seg["end"].to_numpy()[j]}
    for c in ("kind", "type", "state", "copy_number", "markers", "source_line", "in_profile"):
        data[c] = seg[c].to_numpy()[j] if c in seg else np.full(len(j), None, dtype=object)
    data["overlap_bp"] = ev.overlap_bp
    data["gene_fraction"] = ev.gene_fraction
    return pd.DataFrame(data, columns=EVIDENCE_COLUMNS)


# ------------------------------------------------------------------------------------------------ DataFrame forms

def _reference_of(genes: pd.DataFrame) -> GeneReference:
    return GeneReference(genes["gene"].to_numpy(object), chrom_codes_of(genes["chrom"].tolist()),
                         genes["start"].to_numpy(np.int64), genes["end"].to_numpy(np.int64),
                         np.full(len(genes), ".", dtype=object), np.full(len(genes), "", dtype=object), "", "")


def call_genes(genes: pd.DataFrame, segments: pd.DataFrame, arms: pd.DataFrame, *,
               absent_is_neutral: bool, loh_assessed: bool, sex: str | None = None) -> pd.DataFrame:
    """:func:`gene_calls` of a gene table, a canonical segment table with its ``state`` (and ``in_profile``)
    column and an arm table: one row per gene (:data:`GENE_COLUMNS`)."""
    seg = SegmentArrays.from_frame(segments)
    return gene_calls(_reference_of(genes), seg, KitCoverage.from_arms(arms), absent_is_neutral=absent_is_neutral,
                      loh_assessed=loh_assessed, sex=sex).to_frame()


def gene_evidence(genes: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Every (gene, segment) overlap with the overlap size and the gene fraction it covers."""
    ref, seg = _reference_of(genes), SegmentArrays.from_frame(segments)
    return evidence_frame(ref, seg, evidence_of(ref, seg))
