"""CNVkit's bin-level files, told apart from its segments (``.cns``, read by :mod:`lms_genomics.io.seg`).

* ``.cnr`` (bin-level log2 ratios: ``chromosome start end gene log2 depth weight``, thousands of bins, targets and
  ``Antitarget``/``Background`` bins, some overlapping by a few bases) are **not segments**: alone they are refused
  in one line; beside a ``.cns`` of the same sample they are its probe-level track for plots and QC (read by
  :func:`lms_genomics.io.probes.read_probes`).
* ``.cnn`` (coverage: ``chromosome start end gene depth log2`` where log2 is the log2 of the read depth, ≈ 4 and
  up, or a reference with ``gc``/``rmask``/``spread``) are refused: neither ratios nor segments.

A CNVkit table is recognised by its header (``chromosome start end`` then ``gene`` and ``log2``); ``probes``
marks segments, ``weight`` bins, neither a coverage file; the file extension decides only when the header does
not (an old ``.cnr`` without ``weight``).
"""

from __future__ import annotations

from .text import Head

#: Columns only CNVkit coverage/reference files have.
_COVERAGE_ONLY = {"gc", "rmask", "spread"}


def _keys(head: Head) -> list[str] | None:
    """Lower-case header names when the head is a CNVkit table (chromosome, start, end, gene, log2), else None."""
    keys = [k.lower() for k in head.header()]
    if keys[:3] != ["chromosome", "start", "end"] or not {"gene", "log2"} <= set(keys):
        return None
    return keys


def sniff_cnr(head: Head) -> bool:
    """CNVkit bin-level ratios (``.cnr``): a CNVkit table with ``weight`` and no ``probes`` (or a ``.cnr`` name)."""
    keys = _keys(head)
    if keys is None or "probes" in keys or _COVERAGE_ONLY & set(keys):
        return False
    return "weight" in keys or head.suffix == ".cnr"


def sniff_cnn(head: Head) -> bool:
    """CNVkit coverage or reference (``.cnn``): a CNVkit table with neither ``probes`` nor ``weight`` and a
    ``depth`` column, reference columns (``gc``, ``rmask``, ``spread``) or a ``.cnn`` name."""
    keys = _keys(head)
    if keys is None or "probes" in keys:
        return False
    if _COVERAGE_ONLY & set(keys):
        return True
    return "weight" not in keys and ("depth" in keys or head.suffix == ".cnn") and head.suffix != ".cnr"
