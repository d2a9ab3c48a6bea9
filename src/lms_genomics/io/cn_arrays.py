"""A copy-number file as arrays: what the array entry points of the segment readers return.

:func:`read_copy_number_arrays` reads a ChAS segment export (:func:`lms_genomics.io.chas.read_chas_arrays`) or a log2
segment file (:func:`lms_genomics.io.seg.read_seg_arrays`) into one :class:`CopyNumberFile`: every kept row of every
sample, in file order, as :class:`~lms_genomics.segarrays.SegmentArrays`, with the file's provenance and warnings —
the same segments, errors and warnings as the DataFrame readers (``read_chas``/``read_seg``), without pandas.
:meth:`CopyNumberFile.by_sample` slices it into one sample's segments at a time.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from ..segarrays import SegmentArrays, factorize


@dataclass
class CopyNumberFile:
    """Every sample of a copy-number file as arrays.

    ``rows`` holds the kept segments of every sample in file order and ``sample_of`` the index (into ``samples``)
    of each row's sample. ``format`` is the source format recorded in a result's provenance (``chas_segments``,
    ``log2_seg``, ``cnvkit_cns``); ``chromosome_coding`` is set for log2 files, ``has_loh_rows`` for ChAS exports.
    """

    path: Path
    sha256: str
    format: str
    rows: SegmentArrays
    sample_of: np.ndarray
    samples: list[str]
    coordinate_convention: str
    warnings: list[str] = field(default_factory=list)
    chromosome_coding: str | None = None
    has_loh_rows: dict[str, bool] | None = None
    via: str = "arrays"  # "arrays": the one-pass array reader; "DataFrame reader": read and converted
    listed: list[str] | None = None  # every sample the file names (with or without a usable row), in file order

    @property
    def named_samples(self) -> list[str]:
        """Every sample the file names, in file order: :attr:`samples` and those none of whose rows is usable
        (only unplaced contigs, no log2 value), which a cohort reports as failed."""
        return self.listed if self.listed is not None else self.samples

    @property
    def absolute(self) -> bool:
        """True for ChAS exports (absolute copy numbers, aberrant segments only)."""
        return self.has_loh_rows is not None

    def by_sample(self, wanted: Collection[str] | None = None) -> Iterator[tuple[str, SegmentArrays]]:
        """(sample, its segments in file order) for every sample (or the ``wanted`` ones), in file order; one
        sort of the row index, whatever the number of samples."""
        order = np.argsort(self.sample_of, kind="stable")
        bounds = np.r_[0, np.cumsum(np.bincount(self.sample_of, minlength=len(self.samples)))]
        keep = set(wanted) if wanted is not None else None
        for k, name in enumerate(self.samples):
            if keep is None or name in keep:
                part = self.rows.take(order[bounds[k]:bounds[k + 1]])
                part.sample = name
                yield name, part


def from_segment_frame(segments: Any) -> tuple[SegmentArrays, np.ndarray, list[str]]:
    """(rows, sample index of each row, sample names in order of first appearance) of a canonical segment table."""
    if len(segments) == 0:
        return SegmentArrays.empty(), np.empty(0, np.int64), []
    codes, names = factorize(segments["sample"].tolist())
    return SegmentArrays.from_frame(segments, sample=""), codes, [str(n) for n in names]


def from_export(export: Any, format_name: str, listed: list[str] | None = None) -> CopyNumberFile:
    """A :class:`~lms_genomics.io.chas.ChasExport` or :class:`~lms_genomics.io.seg.SegExport` as arrays (the
    samples listed by the export, in its order, even those without a kept row)."""
    rows, codes, names = from_segment_frame(export.segments)
    samples = list(export.samples)
    remap = np.array([samples.index(n) for n in names], dtype=np.int64) if names else np.empty(0, np.int64)
    sample_of = remap[codes] if len(codes) else codes
    chas = hasattr(export, "has_loh_rows")
    return CopyNumberFile(export.path, export.sha256, format_name if chas else export.format, rows, sample_of, samples,
                          export.coordinate_convention, list(export.warnings),
                          chromosome_coding=None if chas else export.chromosome_coding,
                          has_loh_rows=dict(export.has_loh_rows) if chas else None, via="DataFrame reader",
                          listed=listed)


def read_copy_number_arrays(format_name: str, path: str | Path, *, default_sample: str | None = None,
                            check_build: bool = True, samples: Collection[str] | None = None) -> CopyNumberFile:
    """Read a copy-number file of a registered format into arrays (the ChAS and log2 readers' array entry
    points; any other copy-number format through its DataFrame reader)."""
    if format_name == "seg":
        from .seg import read_seg_arrays

        return read_seg_arrays(path, default_sample=default_sample, check_build=check_build, samples=samples)
    if format_name == "chas_segments":
        from .chas import read_chas_arrays

        return read_chas_arrays(path, default_sample=default_sample, check_build=check_build, samples=samples)
    from .registry import format_named

    export = format_named(format_name).read(path, default_sample=default_sample, check_build=check_build,
                                            samples=samples)
    return from_export(export, format_name)
