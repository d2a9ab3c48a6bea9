"""Copy-number segments as numpy arrays: the canonical segment table of :mod:`lms_genomics.tables` without pandas.

The per-sample copy-number path (states, noise floor, cleaning, profile, arm-level events, scores, gene calls,
evidence, ISCN, the JSON/TSV of a result) runs on :class:`SegmentArrays`, one sample's segments as parallel
arrays. DataFrames are built only at the public boundary (:meth:`SegmentArrays.to_frame`, ``SampleResult.segments``).

Codes: chromosomes index :data:`lms_genomics.genome.CHROMOSOMES` (``chr1`` = 0 … ``chrY`` = 23, karyotype order,
the codes of :data:`lms_genomics.genome.CHROM_ORDER`); ``kind`` indexes :data:`KINDS`, ``type`` :data:`TYPES` and
a segment state :data:`STATES`. Unknown marker counts and source lines are NaN (they are whole numbers below
2**53, exact in float64).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from json.encoder import encode_basestring  # type: ignore[attr-defined]  # what json.dumps(ensure_ascii=False) uses
from typing import TYPE_CHECKING, Any

import numpy as np

from .genome import CHROM_ORDER, CHROMOSOMES

if TYPE_CHECKING:
    import pandas as pd

CHROM_NAMES = np.array(CHROMOSOMES, dtype=object)
KINDS = ("cn", "loh")
KIND_CN, KIND_LOH = 0, 1
TYPES = ("gain", "loss", "neutral", "loh")
TYPE_GAIN, TYPE_LOSS, TYPE_NEUTRAL, TYPE_LOH = 0, 1, 2, 3
STATES = ("homdel", "hetdel", "neutral", "gain", "amp", "loh")
HOMDEL, HETDEL, NEUTRAL, GAIN, AMP, LOH = 0, 1, 2, 3, 4, 5
KIND_NAMES = np.array(KINDS, dtype=object)
TYPE_NAMES = np.array(TYPES, dtype=object)
STATE_NAMES = np.array(STATES, dtype=object)
_KIND_CODES = {k: i for i, k in enumerate(KINDS)}
_TYPE_CODES = {t: i for i, t in enumerate(TYPES)}
_STATE_CODES = {s: i for i, s in enumerate(STATES)}
#: ``in_profile`` codes: -1 none (neutral or LOH segment), 0 dropped by cleaning / below the floor, 1 counted.
IN_PROFILE_NONE = -1


def chrom_codes_of(names: Iterable[Any]) -> np.ndarray:
    """Codes of UCSC chromosome names (``KeyError`` for a name that is not one of chr1-22, X, Y)."""
    return np.fromiter((CHROM_ORDER[c] for c in names), dtype=np.int64)


def factorize(values: Sequence[Any]) -> tuple[np.ndarray, list[Any]]:
    """(code of each value, distinct values in order of first appearance): ``pandas.factorize`` for hashable
    values without missing ones."""
    index: dict[Any, int] = {}
    codes = np.fromiter((index.setdefault(v, len(index)) for v in values), dtype=np.int64, count=len(values))
    return codes, list(index)


def nan_to_none(values: np.ndarray) -> list[Any]:
    """Floats as JSON-ready Python values (NaN → None)."""
    return [None if v != v else v for v in values.tolist()]


def whole_or_none(values: np.ndarray) -> list[Any]:
    """Whole numbers stored as float64 (NaN = unknown) as Python ints or None."""
    return [None if v != v else int(v) for v in values.tolist()]


def json_floats(values: np.ndarray, memo: dict[float, str] | None = None) -> list[str]:
    """Floats as JSON text, as ``json.dumps`` writes them (NaN → ``null``): :func:`float_texts` of an array."""
    return float_texts(values.tolist(), memo)


def float_texts(values: list[float | None], memo: dict[float, str] | None = None) -> list[str]:
    """Floats as JSON text, as ``json.dumps`` writes them (None and NaN → ``null``). ``memo``: texts already
    written, shared by the lists of one document (a sample's ~770 floats are ~360 distinct values: its genes and
    ISCN entries repeat their segments' copy numbers); zeros are not memoised (``-0.0 == 0.0`` but is written
    ``-0.0``)."""
    if memo is None:
        return ["null" if v is None or v != v else repr(v) for v in values]
    return ["null" if v is None or v != v else repr(v) if v == 0 else memo.get(v) or memo.setdefault(v, repr(v))
            for v in values]


def json_wholes(values: np.ndarray) -> list[str]:
    """Whole numbers stored as float64 as JSON text (NaN → ``null``): :func:`whole_or_none` written out."""
    return ["null" if v != v else str(int(v)) for v in values.tolist()]


def flags_of(codes: np.ndarray) -> list[Any]:
    """``in_profile`` codes as JSON values: True, False or None."""
    return [None if c < 0 else bool(c) for c in codes.tolist()]


@dataclass
class SegmentArrays:
    """One sample's segments (or a file's, in file order) as parallel arrays.

    The canonical columns of :data:`lms_genomics.tables.SEGMENT_COLUMNS` but ``sample`` (one sample: see
    :attr:`sample`). Once called (:func:`lms_genomics.calling.states.state_codes` and the profile), ``state``,
    ``in_profile`` (:data:`IN_PROFILE_NONE`, 0, 1) and ``excluded`` (below the marker floor: no part in calls) are
    set; they are None before.
    """

    chrom: np.ndarray  # int64 chromosome codes
    start: np.ndarray  # int64, 0-based
    end: np.ndarray  # int64, half-open
    kind: np.ndarray  # int8, KINDS
    type: np.ndarray  # int8, TYPES
    copy_number: np.ndarray  # float64, NaN on LOH rows (and on log2 rows until computed)
    log2: np.ndarray  # float64, NaN when the source has none
    markers: np.ndarray  # float64, NaN = unknown
    ids: np.ndarray | None  # object (str); None: ``id_prefix`` + source line (``<file>:<line>``), made on demand
    source_line: np.ndarray  # float64, NaN = unknown
    sample: str = ""
    state: np.ndarray | None = None  # int8, STATES
    in_profile: np.ndarray | None = None  # int8
    excluded: np.ndarray | None = None  # bool
    id_prefix: str = ""

    def __len__(self) -> int:
        return len(self.chrom)

    @property
    def segment_id(self) -> np.ndarray:
        """Each segment's id in its source (``Name/ID``) or ``<file>:<line>`` (object array of str)."""
        if self.ids is None:
            self.ids = np.array([*map(self.id_prefix.__add__, map(str, self.source_line.astype(np.int64).tolist())),
                                 None], dtype=object)[:-1]
        return self.ids

    @property
    def is_loh(self) -> np.ndarray:
        return self.kind == KIND_LOH

    @property
    def chrom_names(self) -> np.ndarray:
        """UCSC names (object array)."""
        return CHROM_NAMES[self.chrom]

    def take(self, index: np.ndarray | slice) -> SegmentArrays:
        """The segments at ``index`` (positions, a boolean mask or a slice), called columns included."""
        if isinstance(index, np.ndarray) and index.dtype == bool:
            index = index.nonzero()[0]  # a mask is read once, not once per column (~40 % of a take)
        values = {}
        for name in _FIELDS:
            v = getattr(self, name)
            values[name] = v[index] if isinstance(v, np.ndarray) else v
        return SegmentArrays(**values)

    def with_columns(self, **columns: Any) -> SegmentArrays:
        """A copy with some columns replaced."""
        return replace(self, **columns)

    @classmethod
    def empty(cls, sample: str = "") -> SegmentArrays:
        i, f = np.empty(0, np.int64), np.empty(0, float)
        return cls(i, i, i, np.empty(0, np.int8), np.empty(0, np.int8), f, f, f, np.empty(0, object), f, sample)

    @classmethod
    def concat(cls, parts: list[SegmentArrays], sample: str = "") -> SegmentArrays:
        """Several pieces one after the other (uncalled columns only)."""
        if not parts:
            return cls.empty(sample)
        names = ("chrom", "start", "end", "kind", "type", "copy_number", "log2", "markers", "source_line")
        return cls(**{n: np.concatenate([getattr(p, n) for p in parts]) for n in names},
                   ids=np.concatenate([p.segment_id for p in parts]), sample=sample)

    # ------------------------------------------------------------------------------------------- pandas boundary

    def to_frame(self, sample: str | None = None) -> pd.DataFrame:
        """The canonical segment table (:func:`lms_genomics.tables.conform_segments` columns and dtypes), with
        ``state``, ``in_profile`` and ``excluded_from_calls`` after them once called."""
        from ._lazy import pandas as pd

        n = len(self)
        markers = pd.array(np.where(np.isnan(self.markers), 0, self.markers).astype(np.int64), dtype="Int64")
        markers[np.isnan(self.markers)] = pd.NA
        lines = pd.array(np.where(np.isnan(self.source_line), 0, self.source_line).astype(np.int64), dtype="Int64")
        lines[np.isnan(self.source_line)] = pd.NA
        data: dict[str, Any] = {
            "sample": np.full(n, self.sample if sample is None else sample, dtype=object),
            "chrom": self.chrom_names, "start": self.start.astype(np.int64), "end": self.end.astype(np.int64),
            "kind": KIND_NAMES[self.kind], "type": TYPE_NAMES[self.type], "copy_number": self.copy_number,
            "log2": self.log2, "markers": markers, "segment_id": self.segment_id.astype(object),
            "source_line": lines,
        }
        if self.state is not None:
            data["state"] = STATE_NAMES[self.state]
        if self.in_profile is not None:
            data["in_profile"] = np.array(flags_of(self.in_profile), dtype=object)
        if self.excluded is not None:
            data["excluded_from_calls"] = self.excluded.astype(bool)
        return pd.DataFrame(data)

    @classmethod
    def from_frame(cls, df: pd.DataFrame, sample: str | None = None) -> SegmentArrays:
        """From a canonical segment table (one sample's rows; ``state``/``in_profile``/``excluded_from_calls``
        read when present)."""
        from ._lazy import pandas as pd

        def num(col: str) -> np.ndarray:
            if col not in df:
                return np.full(len(df), np.nan)
            return pd.to_numeric(df[col], errors="coerce").to_numpy(dtype=float, na_value=np.nan)

        name = sample if sample is not None else (str(df["sample"].iloc[0]) if "sample" in df and len(df) else "")
        out = cls(
            chrom=chrom_codes_of(df["chrom"].tolist()), start=df["start"].to_numpy(np.int64),
            end=df["end"].to_numpy(np.int64),
            kind=np.fromiter((_KIND_CODES[k] for k in df["kind"].tolist()), np.int8, len(df)),
            type=np.fromiter((_TYPE_CODES[t] for t in df["type"].tolist()), np.int8, len(df))
            if "type" in df else np.where(df["kind"].to_numpy(object) == "loh", TYPE_LOH, TYPE_NEUTRAL).astype(np.int8),
            copy_number=num("copy_number"), log2=num("log2"), markers=num("markers"),
            ids=df["segment_id"].astype(object).to_numpy() if "segment_id" in df
            else np.full(len(df), "", dtype=object),
            source_line=num("source_line"), sample=name)
        if "state" in df:
            out.state = np.fromiter((_STATE_CODES[s] for s in df["state"].tolist()), np.int8, len(df))
        if "in_profile" in df:
            out.in_profile = np.fromiter((IN_PROFILE_NONE if v is None or v != v else int(bool(v))
                                          for v in df["in_profile"].tolist()), np.int8, len(df))
        if "excluded_from_calls" in df:
            out.excluded = df["excluded_from_calls"].fillna(False).to_numpy(dtype=bool)
        return out

    # ------------------------------------------------------------------------------------------- JSON

    @classmethod
    def from_records(cls, records: list[dict[str, Any]], sample: str = "") -> SegmentArrays:
        """From the ``segments`` list of a result JSON (``state`` and ``in_profile`` read when present)."""
        n = len(records)

        def floats(key: str) -> np.ndarray:
            return np.array([np.nan if r.get(key) is None else float(r[key]) for r in records], dtype=float)

        out = cls(
            chrom=chrom_codes_of(r["chrom"] for r in records),
            start=np.array([int(r["start"]) for r in records], dtype=np.int64).reshape(n),
            end=np.array([int(r["end"]) for r in records], dtype=np.int64).reshape(n),
            kind=np.array([_KIND_CODES[r.get("kind") or "cn"] for r in records], dtype=np.int8).reshape(n),
            type=np.array([_TYPE_CODES[r.get("type") or ("loh" if r.get("kind") == "loh" else "neutral")]
                           for r in records], dtype=np.int8).reshape(n),
            copy_number=floats("copy_number"), log2=floats("log2"), markers=floats("markers"),
            ids=np.array([r.get("segment_id") for r in records] + [None], dtype=object)[:n],
            source_line=floats("source_line"), sample=sample)
        if n and all("state" in r for r in records):
            out.state = np.array([_STATE_CODES[r["state"]] for r in records], dtype=np.int8)
        if n and all("in_profile" in r for r in records):
            out.in_profile = np.array([IN_PROFILE_NONE if r["in_profile"] is None else int(bool(r["in_profile"]))
                                       for r in records], dtype=np.int8)
        return out

    def records(self) -> list[dict[str, Any]]:
        """The JSON ``segments`` list: ``chrom start end kind type state copy_number log2 markers segment_id
        source_line in_profile`` per segment (called columns when set)."""
        columns: dict[str, list[Any]] = {
            "chrom": self.chrom_names.tolist(), "start": self.start.tolist(), "end": self.end.tolist(),
            "kind": KIND_NAMES[self.kind].tolist(), "type": TYPE_NAMES[self.type].tolist(),
        }
        if self.state is not None:
            columns["state"] = STATE_NAMES[self.state].tolist()
        columns.update({"copy_number": nan_to_none(self.copy_number), "log2": nan_to_none(self.log2),
                        "markers": whole_or_none(self.markers), "segment_id": self.segment_id.tolist(),
                        "source_line": whole_or_none(self.source_line)})
        if self.in_profile is not None:
            columns["in_profile"] = flags_of(self.in_profile)
        keys = list(columns)
        return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]

    def records_json(self, memo: dict[float, str] | None = None) -> str:
        """``json.dumps(self.records(), ensure_ascii=False)``, written from the arrays without building the dicts
        (the bulk of a result's JSON; ``tests/test_engine.py`` checks the two texts are identical). ``memo``: see
        :func:`json_floats`."""
        if not len(self):
            return "[]"
        n = len(self)
        ids = ["null" if v is None else encode_basestring(v) for v in self.segment_id.tolist()]
        # The optional keys (state, in_profile) as text pieces, empty when absent: one pass writes every row.
        states = _STATE_PART[self.state].tolist() if self.state is not None else [""] * n
        tails = _FLAG_TAIL[self.in_profile + 1].tolist() if self.in_profile is not None else ["}"] * n
        rows = [f'{{"chrom": {c}, "start": {s}, "end": {e}, "kind": {k}, "type": {t}{st}, "copy_number": {cn}, '
                f'"log2": {l2}, "markers": {m}, "segment_id": {i}, "source_line": {ln}{tl}'
                for c, s, e, k, t, st, cn, l2, m, i, ln, tl in zip(
                    _CHROM_JSON[self.chrom].tolist(), self.start.tolist(), self.end.tolist(),
                    _KIND_JSON[self.kind].tolist(), _TYPE_JSON[self.type].tolist(), states,
                    json_floats(self.copy_number, memo), json_floats(self.log2, memo), json_wholes(self.markers), ids,
                    json_wholes(self.source_line), tails, strict=True)]
        return "[" + ", ".join(rows) + "]"


_FIELDS = tuple(f.name for f in fields(SegmentArrays))
_CHROM_JSON = np.array([encode_basestring(c) for c in CHROMOSOMES], dtype=object)
_KIND_JSON = np.array([encode_basestring(k) for k in KINDS], dtype=object)
_TYPE_JSON = np.array([encode_basestring(t) for t in TYPES], dtype=object)
_STATE_JSON = np.array([encode_basestring(s) for s in STATES], dtype=object)
_FLAG_JSON = np.array(["null", "false", "true"], dtype=object)  # in_profile code + 1
_STATE_PART = np.array([f', "state": {s}' for s in _STATE_JSON], dtype=object)
_FLAG_TAIL = np.array([f', "in_profile": {f}}}' for f in _FLAG_JSON], dtype=object)
