"""What a file is, by content (not only by extension): a thin front of :mod:`lms_genomics.io.registry`."""

from __future__ import annotations

from pathlib import Path

from .registry import detect


def detect_file(path: str | Path) -> str | None:
    """The registered format name of an input file (see :data:`lms_genomics.io.registry.FORMATS`), or None when
    lmsgen does not read it. Never raises."""
    fmt = detect(path)
    return fmt.name if fmt is not None else None
