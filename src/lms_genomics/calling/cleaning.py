"""oncoscanR's segment cleaning, written once for the arm-level events and the genome-wide scores.

Before it calls arm-level events or computes a score, oncoscanR (Christinat et al., J Mol Diagn 2021;
``R/input.R``: ``trim_to_coverage``, ``adjust_loh``, ``merge_segments``, ``prune_by_size``) cleans a sample's
segments in four steps, which :func:`clean_segments` reproduces over numpy arrays:

1. **restrict to the kit's coverage**: every segment is cut at the arm boundaries of the coverage table (first
   to last probe of each arm) and what lies outside is dropped (centromeres, acrocentric p arms, 21p);
2. **LOH not overlapping losses**: an LOH segment loses the parts that lie inside a copy-number loss (a loss
   implies the LOH; what is left is copy-neutral or copy-gain LOH) and may split in two;
3. **merge within the kit resolution**: on each arm, segments of one kind and one copy number closer than
   ``merge_gap`` bases are merged (a gap of exactly ``merge_gap`` is not merged, as in IRanges' ``reduce``);
4. **prune below the resolution**: merged segments shorter than ``min_size`` bases are dropped.

Segments are plain arrays: chromosome codes (:data:`lms_genomics.genome.CHROM_ORDER`), 0-based half-open
start/end, copy number (NaN for LOH rows) and a kind code (:data:`GAIN`, :data:`LOSS`, :data:`LOH`). Rows of any
other kind (e.g. neutral segments of a log2 input, :data:`NEUTRAL`) are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from .. import intervals
from ..genome import CHROM_ORDER, ArmRows, arm_rows, reference_path, sha256_file
from ..segarrays import AMP, HETDEL, HOMDEL
from ..segarrays import GAIN as GAIN_STATE
from ..segarrays import LOH as LOH_STATE
from .states import GAIN_STATES, LOSS_STATES

if TYPE_CHECKING:
    import pandas as pd

NEUTRAL, GAIN, LOSS, LOH = 0, 1, 2, 3
"""Kind codes of a segment: no change (ignored by the cleaning), copy gain, copy loss, loss of heterozygosity."""

#: The bundled coverage of the OncoScan CNV assay (first/last probe of each arm, annotation na33.r2).
DEFAULT_KIT = "oncoscan_na33r2_coverage.bed"

_SEX_CODES = (CHROM_ORDER["chrX"], CHROM_ORDER["chrY"])


@dataclass(frozen=True)
class KitCoverage:
    """The genome an assay assesses: one covered extent per chromosome arm (0-based half-open), in karyotype
    order. Scores and arm-level fractions are relative to it."""

    chrom: np.ndarray  # int64 chromosome codes
    start: np.ndarray  # int64
    end: np.ndarray  # int64
    arm: np.ndarray  # object: arm names, e.g. "17p"
    path: str = ""
    sha256: str = ""

    @classmethod
    def from_arms(cls, arms: pd.DataFrame, path: str = "", sha256: str = "") -> KitCoverage:
        """From an arm table of :func:`lms_genomics.genome.load_arms` (its assessed ``start``/``end``)."""
        return cls._sorted(chrom_codes(arms["chrom"].to_numpy(object)), arms["start"].to_numpy(np.int64),
                           arms["end"].to_numpy(np.int64), arms["arm"].to_numpy(object), path, sha256)

    @classmethod
    def from_arm_rows(cls, arms: ArmRows, path: str = "", sha256: str = "") -> KitCoverage:
        """From the arrays of :func:`lms_genomics.genome.arm_rows`."""
        return cls._sorted(chrom_codes(arms.chrom), arms.start, arms.end, arms.arm, path, sha256)

    @classmethod
    def _sorted(cls, code: np.ndarray, start: np.ndarray, end: np.ndarray, arm: np.ndarray, path: str,
                sha256: str) -> KitCoverage:
        order = np.lexsort((start, code))
        return cls(code[order], start[order], end[order], arm[order], path, sha256)

    @property
    def length(self) -> np.ndarray:
        """Covered bases of each arm."""
        return self.end - self.start

    @cached_property
    def arm_names(self) -> list[str]:
        """The arm names as a list (``arm``, read once)."""
        return [str(a) for a in self.arm.tolist()]

    @cached_property
    def arm_order(self) -> dict[str, int]:
        """Each arm name's position."""
        return {a: n for n, a in enumerate(self.arm_names)}

    @property
    def autosomal(self) -> np.ndarray:
        """Which arms are on autosomes."""
        return (self.chrom != _SEX_CODES[0]) & (self.chrom != _SEX_CODES[1])

    def __len__(self) -> int:
        return len(self.chrom)


@lru_cache(maxsize=8)
def _kit_cached(path: str, mtime_ns: int) -> KitCoverage:
    return KitCoverage.from_arm_rows(arm_rows(path), path, sha256_file(path))


def load_kit(path: str | Path | None = None) -> KitCoverage:
    """A kit coverage table (either of :func:`lms_genomics.genome.load_arms`' formats); default: the bundled
    OncoScan na33.r2 coverage (:data:`DEFAULT_KIT`). Raises :class:`lms_genomics.errors.ReferenceFileError`."""
    p = Path(path) if path is not None else reference_path(DEFAULT_KIT)
    try:
        mtime = p.stat().st_mtime_ns
    except OSError:
        mtime = 0  # load_arms names the file in its error
    return _kit_cached(str(p), mtime)


@dataclass(frozen=True)
class CleanSegments:
    """Cleaned segments: each lies inside one kit arm (``arm`` indexes :class:`KitCoverage`), sorted by arm
    then start. ``cn`` is NaN on LOH segments."""

    arm: np.ndarray  # int64
    start: np.ndarray  # int64
    end: np.ndarray  # int64
    cn: np.ndarray  # float64
    kind: np.ndarray  # int8

    @property
    def width(self) -> np.ndarray:
        return self.end - self.start

    def take(self, mask: np.ndarray) -> CleanSegments:
        """The segments where ``mask`` holds."""
        return CleanSegments(self.arm[mask], self.start[mask], self.end[mask], self.cn[mask], self.kind[mask])

    def __len__(self) -> int:
        return len(self.arm)


def kinds_from_states(state: np.ndarray) -> np.ndarray:
    """Kind codes from lmsgen's segment states (``gain``/``amp`` → GAIN, ``hetdel``/``homdel`` → LOSS,
    ``loh`` → LOH, anything else → NEUTRAL)."""
    state = np.asarray(state, dtype=object)
    return np.select([np.isin(state, list(GAIN_STATES)), np.isin(state, list(LOSS_STATES)), state == "loh"],
                     [GAIN, LOSS, LOH], NEUTRAL).astype(np.int8)


def kinds_from_state_codes(state: np.ndarray) -> np.ndarray:
    """:func:`kinds_from_states` of state codes (:data:`lms_genomics.segarrays.STATES`)."""
    table = np.full(6, NEUTRAL, dtype=np.int8)
    table[[GAIN_STATE, AMP]] = GAIN
    table[[HETDEL, HOMDEL]] = LOSS
    table[LOH_STATE] = LOH
    return table[state]


def chrom_codes(chrom: np.ndarray) -> np.ndarray:
    """Chromosome codes of UCSC names (karyotype order; unknown names get a code no kit arm has)."""
    other = len(CHROM_ORDER)
    return np.fromiter((CHROM_ORDER.get(c, other) for c in np.asarray(chrom, dtype=object).tolist()), np.int64,
                       len(chrom))


def merge_same_copy_number(segs: CleanSegments, merge_gap: int) -> CleanSegments:
    """Merge, per arm, segments of one kind and one copy number (LOH: all together) lying closer than
    ``merge_gap`` bases (overlapping ones too); ``merge_gap = 1`` merges only overlapping or touching segments.
    Other segments in between do not prevent a merge (oncoscanR ``merge_segments``)."""
    if not len(segs):
        return segs
    cn_key = np.where(np.isnan(segs.cn), -1.0, segs.cn)  # LOH (NaN): one level of its own
    ids = intervals.cluster_ids(segs.arm * 4 + segs.kind, segs.start, segs.end, max(int(merge_gap) - 1, 0),
                                subkey=cn_key)
    start, end = intervals.cluster_extents(ids, segs.start, segs.end)
    first = np.full(len(start), len(ids), dtype=np.int64)
    np.minimum.at(first, ids, np.arange(len(ids)))
    order = np.lexsort((start, segs.arm[first]))
    first = first[order]
    return CleanSegments(segs.arm[first], start[order], end[order], segs.cn[first], segs.kind[first])


def clean_segments(chrom: np.ndarray, start: np.ndarray, end: np.ndarray, cn: np.ndarray, kind: np.ndarray,
                   kit: KitCoverage, *, merge_gap: int, min_size: int) -> CleanSegments:
    """oncoscanR's cleaning (module docstring): restrict to the kit, LOH outside losses, merge same-copy-number
    segments closer than ``merge_gap``, drop those shorter than ``min_size``."""
    kind = np.asarray(kind, dtype=np.int8)
    used = kind != NEUTRAL
    chrom, start, end = (np.asarray(a, np.int64)[used] for a in (chrom, start, end))
    cn, kind = np.asarray(cn, dtype=float)[used], kind[used]
    # 1. Restrict to the kit's coverage: one piece per (segment, covered arm).
    i, arm, s, e = intervals.clip_arrays(chrom, start, end, kit.chrom, kit.start, kit.end)
    cn, kind = cn[i], kind[i]
    cn = np.where(kind == LOH, np.nan, cn)
    # 2. LOH minus losses, per arm.
    loh, loss = kind == LOH, kind == LOSS
    if loh.any() and loss.any():
        src, ls, le = intervals.subtract_arrays(arm[loh], s[loh], e[loh], arm[loss], s[loss], e[loss])
        keep = ~loh
        arm = np.concatenate((arm[keep], arm[loh][src]))
        s, e = np.concatenate((s[keep], ls)), np.concatenate((e[keep], le))
        cn, kind = np.concatenate((cn[keep], cn[loh][src])), np.concatenate((kind[keep], kind[loh][src]))
    segs = CleanSegments(arm, s, e, cn, kind)
    # 3. Merge same-copy-number neighbours within the kit resolution; 4. prune below it.
    segs = merge_same_copy_number(segs, merge_gap)
    return segs.take(segs.width >= min_size)


def arm_fractions(segs: CleanSegments, kit: KitCoverage) -> np.ndarray:
    """Fraction of each kit arm covered by the union of ``segs`` (oncoscanR ``armlevel_alt`` before its
    threshold)."""
    covered = intervals.union_length(segs.arm, segs.start, segs.end, len(kit))
    return covered / np.maximum(kit.length, 1)
