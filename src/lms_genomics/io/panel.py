"""The sequencing panel's designed BED (the lab's Ion AmpliSeq ``*.designed.bed``): which bases were sequenced.

Ion designed BEDs (formats/vcf_archer.md §1.6, real example ``OCP3.20140506.designed.bed``) start with a ``track``
line and list one amplicon insert per line: ``chrom start end AMPLICON_ID . GENE_ID=TP53;Pool=1;PURPOSE=CDS``.
Plain BED3+ files are read the same way; ``track``/``browser``/``#`` lines are skipped. Coordinates are 0-based
half-open, hg19. No public Cancer Hotspot Panel v2 designed BED exists ("The BED file of this panel is not publicly
available"), so lmsgen bundles none: without ``--panel-bed`` the sequenced territory is unknown.

A malformed file raises :class:`lms_genomics.errors.ReferenceFileError` naming the file and line (exit code 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .._lazy import pandas as pd
from ..errors import ReferenceFileError
from ..genome import CHROM_SIZES, normalize_chromosomes, sha256_file


@dataclass
class PanelBed:
    """The amplicon inserts of a panel (0-based half-open, UCSC names), merged per chromosome in ``merged``."""

    path: str
    sha256: str
    amplicons: pd.DataFrame  # chrom, start, end, name, gene
    merged: dict[str, np.ndarray]  # chrom -> (n, 2) int64 sorted, non-overlapping

    def covered_bases(self, chrom: str, start: int, end: int) -> int:
        """Bases of ``[start, end)`` inside an amplicon."""
        iv = self.merged.get(chrom)
        if iv is None or not len(iv):
            return 0
        s = np.maximum(iv[:, 0], start)
        e = np.minimum(iv[:, 1], end)
        return int(np.clip(e - s, 0, None).sum())

    def contains(self, chrom: str, pos0: int) -> bool:
        """A 0-based position lies inside an amplicon."""
        iv = self.merged.get(chrom)
        if iv is None or not len(iv):
            return False
        k = int(np.searchsorted(iv[:, 0], pos0, side="right")) - 1
        return k >= 0 and pos0 < iv[k, 1]


def _merge(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    order = np.argsort(starts, kind="mergesort")
    s, e = starts[order], ends[order]
    out: list[list[int]] = []
    for a, b in zip(s.tolist(), e.tolist(), strict=True):
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], b)
        else:
            out.append([a, b])
    return np.array(out, dtype=np.int64).reshape(-1, 2)


def read_panel_bed(path: str | Path) -> PanelBed:
    """Read a panel's designed BED. Raises :class:`ReferenceFileError` (file, line, reason) on anything malformed."""
    from .text import require_regular_file

    p = require_regular_file(path, ReferenceFileError)  # a FIFO would block read_bytes
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise ReferenceFileError(p, f"cannot read the panel BED ({exc.strerror or exc})") from None
    if b"\x00" in raw:
        raise ReferenceFileError(p, "binary content (NUL bytes): not a BED file")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")
    rows = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith(("#", "track", "browser")):
            continue
        fields = line.rstrip("\r").split("\t")
        if len(fields) < 3:
            raise ReferenceFileError(p, f"{len(fields)} tab-separated column(s), a BED line needs chrom start end", n)
        try:
            start, end = int(fields[1]), int(fields[2])
        except ValueError:
            raise ReferenceFileError(p, f"start/end are not integers: {fields[1]!r} {fields[2]!r}", n) from None
        chrom = normalize_chromosomes([fields[0]], numeric_sex="ucsc").iloc[0]
        if not isinstance(chrom, str):
            raise ReferenceFileError(p, f"unknown chromosome {fields[0]!r}", n)
        if start < 0 or end <= start:
            raise ReferenceFileError(p, f"empty or reversed interval {start}-{end} (0-based half-open)", n)
        if end > CHROM_SIZES[chrom]:
            raise ReferenceFileError(p, f"{chrom}:{end} is beyond the hg19 chromosome end {CHROM_SIZES[chrom]} "
                                        "(another build?)", n)
        extra = "\t".join(fields[3:])
        m = re.search(r"GENE_ID=([^;\t]+)", extra)
        rows.append((chrom, start, end, fields[3] if len(fields) > 3 else None, m.group(1) if m else None))
    if not rows:
        raise ReferenceFileError(p, "no interval in the panel BED")
    df = pd.DataFrame(rows, columns=["chrom", "start", "end", "name", "gene"])
    merged = {c: _merge(g["start"].to_numpy(np.int64), g["end"].to_numpy(np.int64))
              for c, g in df.groupby("chrom", sort=False)}
    return PanelBed(str(p), sha256_file(p), df, merged)
