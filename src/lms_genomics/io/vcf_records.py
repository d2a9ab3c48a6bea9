"""What each VCF record is (small variant, fusion breakend, RNA assay control, copy-number, other SV), and a
one-pass census of a VCF's records: what detection and sample assembly ask before any reader runs.

One VCF may hold several kinds: an Ion Reporter/Oncomine DNA+RNA export carries small variants, ``<CNV>``
records and ``SVTYPE=Fusion`` records (with ``ExprControl``/``GeneExpression``/``5p3pAssays`` RNA controls), so it
gives the sample its variants **and** its fusions.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .text import MAX_LINE_LENGTH, open_bytes

#: SVTYPE values of fusion breakends (compared upper-case; Archer adds suffixes to INFO keys: ``SVTYPE_X``).
FUSION_SVTYPES = frozenset({"BND", "FUSION"})
#: SVTYPE values of Oncomine RNA-panel records that are not fusions (expression and process controls,
#: 5'/3' imbalance assays, exon-skipping variants): skipped and counted.
RNA_ASSAY_SVTYPES = frozenset({"EXPRCONTROL", "GENEEXPRESSION", "5P3PASSAYS", "PROCCONTROL", "RNAEXONVARIANT",
                               "RNAEXONTILES"})
#: SVTYPE values of copy-number records.
CNV_SVTYPES = frozenset({"CNV"})
#: INFO IDs whose declaration marks a record-less VCF as a fusion VCF (Archer stems, suffixed or not).
FUSION_HEADER_INFO = ("GENES_UNIQUE", "UNIQUE_START_SITES", "EITHER_R1_OR_R2", "BOTH_R1_AND_R2", "MATEID")
BCF_MAGIC = b"BCF\x02"
_BND_ALT = re.compile(r"[\[\]]((?:chr)?[A-Za-z0-9_.]+):(\d+)[\[\]]")
_SVTYPE = re.compile(r"(?:^|;)SVTYPE(?:_[A-Za-z0-9]+)?=([^;]*)")


def split_info(info: str) -> dict[str, str | None]:
    """INFO string → {key: raw value or None for flags}; ``;`` inside ``[...]`` or quotes does not split."""
    out: dict[str, str | None] = {}
    if info in ("", "."):
        return out
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(info):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and depth > 0:
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(info[start:i])
            start = i + 1
    parts.append(info[start:])
    for part in parts:
        if not part:
            continue
        key, sep, value = part.partition("=")
        out.setdefault(key, value if sep else None)
    return out


def svtype_of(info: str) -> str:
    """The record's SVTYPE (upper case, suffixed keys such as ``SVTYPE_VariantPlex`` included), or ``""``."""
    m = _SVTYPE.search(info)
    return m.group(1).strip().upper() if m else ""


def is_breakend_alt(alt: str) -> bool:
    """True for a breakend ALT (``C]chr7:140494267]``, ``N[chr1:1[``)."""
    return bool(_BND_ALT.search(alt))


def breakend_mate(alt: str) -> tuple[str, str] | None:
    """(chrom, pos) a breakend ALT points to, or None."""
    m = _BND_ALT.search(alt)
    return (m.group(1), m.group(2)) if m else None


def record_kind(cols: list[str]) -> str:
    """``small``, ``fusion``, ``rna_assay``, ``cnv``, ``other_sv`` or ``no_alt`` for a split data line."""
    info = cols[7] if len(cols) > 7 else ""
    alts = cols[4].split(",") if len(cols) > 4 else []
    svtype = svtype_of(info)
    if svtype in FUSION_SVTYPES or (alts and all(is_breakend_alt(a) for a in alts)):
        return "fusion"
    if svtype in RNA_ASSAY_SVTYPES:
        return "rna_assay"
    if svtype in CNV_SVTYPES or "<CNV>" in alts:
        return "cnv"
    if svtype or any(a.startswith("<") or is_breakend_alt(a) for a in alts):
        return "other_sv"
    if not alts or alts == ["."] or alts == [""]:
        return "no_alt"
    return "small"


@dataclass(frozen=True)
class VcfCensus:
    """How many records of each :func:`record_kind` a VCF holds, and what its header says about fusions."""

    is_vcf: bool
    bcf: bool = False
    counts: Counter = field(default_factory=Counter)
    fusion_header: bool = False

    @property
    def records(self) -> int:
        """Data lines."""
        return sum(self.counts.values())

    @property
    def fusion_only(self) -> bool:
        """Every record is a fusion breakend or an RNA-assay record (a record-less VCF: its header declares
        Archer fusion INFO keys)."""
        if not self.is_vcf or self.bcf:
            return False
        if self.records == 0:
            return self.fusion_header
        return self.counts["fusion"] + self.counts["rna_assay"] == self.records

    @property
    def has_fusion_records(self) -> bool:
        """The VCF reports an RNA fusion assay (fusion or RNA-assay records)."""
        return self.is_vcf and self.counts["fusion"] + self.counts["rna_assay"] > 0


def _census(path: Path) -> VcfCensus:
    counts: Counter = Counter()
    fusion_header = False
    try:
        with open_bytes(path) as fh:
            first = fh.readline()
            if first.startswith(BCF_MAGIC):
                return VcfCensus(True, bcf=True)
            if not first.lstrip(b"\xef\xbb\xbf").startswith(b"##fileformat=VCF"):
                return VcfCensus(False)
            while True:
                raw = fh.readline(MAX_LINE_LENGTH + 1)  # bounded: the reader refuses a longer line with its number
                if not raw or len(raw) > MAX_LINE_LENGTH:
                    break
                if raw.startswith(b"#"):
                    if raw.startswith(b"##INFO=<ID="):
                        info_id = raw[len(b"##INFO=<ID="):].split(b",", 1)[0].decode("latin-1")
                        if any(info_id == k or info_id.startswith(k + "_") for k in FUSION_HEADER_INFO):
                            fusion_header = True
                    continue
                if not raw.strip():
                    continue
                cols = raw.decode("utf-8", errors="replace").rstrip("\r\n").split("\t")
                if len(cols) >= 5:
                    counts[record_kind(cols)] += 1
    except Exception:  # noqa: BLE001 - a census never raises; the reader reports what is wrong
        if not counts:
            return VcfCensus(False)
    return VcfCensus(True, counts=counts, fusion_header=fusion_header)


@lru_cache(maxsize=128)
def _census_cached(path: str, size: int, mtime_ns: int) -> VcfCensus:
    return _census(Path(path))


def census(path: str | Path) -> VcfCensus:
    """The :class:`VcfCensus` of a file (cached per path, size and modification time; never raises)."""
    try:
        st = os.stat(path)
    except OSError:
        return VcfCensus(False)
    return _census_cached(str(path), st.st_size, st.st_mtime_ns)


# --------------------------------------------------------------------------------------------------- large VCFs

_KIND_CODES = ("small", "fusion", "rna_assay", "cnv", "other_sv", "no_alt")


class RecordIndex:
    """(line, :func:`record_kind`) of every data record of a VCF, in file order, stored compactly (a 2-million
    record VCF costs ~18 MB here, not the ~170 MB of a list of tuples): a sequence of ``(line, kind)``."""

    def __init__(self) -> None:
        from array import array

        self._lines = array("q")
        self._kinds = bytearray()

    def append(self, item: tuple[int, str]) -> None:
        self._lines.append(item[0])
        self._kinds.append(_KIND_CODES.index(item[1]))

    def __len__(self) -> int:
        return len(self._lines)

    def __getitem__(self, i: int) -> tuple[int, str]:
        return self._lines[i], _KIND_CODES[self._kinds[i]]

    def __iter__(self) -> Iterator[tuple[int, str]]:
        return ((n, _KIND_CODES[k]) for n, k in zip(self._lines, self._kinds, strict=True))


def _chrom_key(chrom: str) -> str:
    c = str(chrom)
    c = c[3:] if c.lower().startswith("chr") else c
    return {"23": "X", "24": "Y", "MT": "M"}.get(c.upper(), c.upper())


class RegionFilter:
    """Whether a VCF position falls inside a set of regions (the reference genes ± ``pad`` bases): what a large
    VCF keeps. ``regions`` has chrom, start (0-based), end; chromosome names are matched with or without ``chr``."""

    def __init__(self, regions: Any, pad: int = 2000) -> None:
        import numpy as np

        self._by_chrom: dict[str, tuple[Any, Any]] = {}
        for chrom, g in regions.groupby(regions["chrom"].astype(str).map(_chrom_key), sort=False):
            order = np.argsort(g["start"].to_numpy())
            starts = np.maximum(g["start"].to_numpy()[order] - pad, 0)
            ends = g["end"].to_numpy()[order] + pad
            merged_s, merged_e = [int(starts[0])], [int(ends[0])]
            for s, e in zip(starts[1:].tolist(), ends[1:].tolist(), strict=True):
                if s <= merged_e[-1]:
                    merged_e[-1] = max(merged_e[-1], e)
                else:
                    merged_s.append(s)
                    merged_e.append(e)
            self._by_chrom[chrom] = (merged_s, merged_e)

    def contains(self, chrom: str, pos: int) -> bool:
        """True when 1-based ``pos`` on ``chrom`` lies in a region."""
        import bisect

        found = self._by_chrom.get(_chrom_key(chrom))
        if found is None:
            return False
        starts, ends = found
        i = bisect.bisect_right(starts, pos - 1) - 1
        return i >= 0 and pos - 1 < ends[i]
