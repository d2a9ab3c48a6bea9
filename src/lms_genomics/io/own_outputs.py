"""lmsgen's own outputs, recognised by content so that a sample folder that also holds them (``--out`` into the
input folder, a re-run) is read the same way: a result JSON (``"schema": "lmsgen.sample/…"``) and the IGV
``.seg`` export (its ``#lmsgen`` header line). Never inputs; skipped silently in folders."""

from __future__ import annotations

from .text import Head

#: First characters of the comment line the IGV ``.seg`` export writes (see ``report.writers.seg_text``).
SEG_EXPORT_MARK = "#lmsgen "


def sniff(head: Head) -> bool:
    """A result JSON of lmsgen or its ``.seg`` export."""
    start = head.text.lstrip()[:400]
    if start.startswith("{") and '"schema"' in start and '"lmsgen.' in start:
        return True
    return any(line.startswith(SEG_EXPORT_MARK) for line in head.lines[:3])
