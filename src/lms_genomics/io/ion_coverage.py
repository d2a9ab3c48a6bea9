"""Torrent Suite coverageAnalysis summary (``<bam>.stats.cov.txt``): the sequencing depth an Ion AmpliSeq run
reached, for the variant QC.

Layout, as ``iontorrent/TS`` ``plugin/coverageAnalysis/scripts/coverage_analysis.sh`` writes it: a title line
``Coverage Analysis Report``, a blank line, then ``Key: value`` lines (the keys padded with spaces) in blocks:
``Sample Name``, ``Reference (File)``, ``Targeted Regions``, ``Alignments``, ``Using``; ``Number of mapped reads``,
``Percent reads on target``; the amplicon statistics of ``targetReadStats.pl`` (``Number of amplicons``,
``Average reads per amplicon``, ``Uniformity of amplicon coverage``, ``Amplicons with at least 1/20/100/500
reads``...); the base statistics of ``bbcStats.pl`` (``Average base coverage depth``, ``Uniformity of base
coverage``, ``Target base coverage at 1x/20x/100x/500x``...). Percentages carry ``%``. Older plugin versions wrote
``Target coverage at 20x``; both are read. Public parsers of real reports read the same keys (Torrent Suite's own
``coverage_analysis_report.pl``; lab scripts splitting each line on ``:``). No real report is stored in
``../shared``; the fixture follows this layout (``tests/fixtures/qc/make_fixtures.py``).

Measures (assay ``variants``): ``mean_depth`` (average base coverage depth), ``uniformity_pct``,
``coverage_20x_pct``, ``coverage_100x_pct``, ``coverage_500x_pct``, ``amplicons_100_reads_pct``,
``amplicons_500_reads_pct``, ``mean_amplicon_reads``, ``amplicons``, ``mapped_reads``, ``on_target_pct``.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import InputError
from .qc_tables import QcReport, qc_report
from .text import Head, decode_text, parse_number

TITLE = "coverage analysis report"
#: Lower-case key (spaces collapsed) → canonical measure. The one place to extend for a new key.
KEYS: dict[str, str] = {
    "average base coverage depth": "mean_depth",
    "uniformity of base coverage": "uniformity_pct",
    "target base coverage at 20x": "coverage_20x_pct",
    "target coverage at 20x": "coverage_20x_pct",
    "target base coverage at 100x": "coverage_100x_pct",
    "target coverage at 100x": "coverage_100x_pct",
    "target base coverage at 500x": "coverage_500x_pct",
    "target coverage at 500x": "coverage_500x_pct",
    "amplicons with at least 100 reads": "amplicons_100_reads_pct",
    "amplicons with at least 500 reads": "amplicons_500_reads_pct",
    "average reads per amplicon": "mean_amplicon_reads",
    "uniformity of amplicon coverage": "amplicon_uniformity_pct",
    "number of amplicons": "amplicons",
    "number of mapped reads": "mapped_reads",
    "percent reads on target": "on_target_pct",
}
_KEY_LINE = re.compile(r"^\s*([A-Za-z][A-Za-z0-9 ()/%.\-]*?)\s*:\s*(.*?)\s*$")


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip().lower())


def sniff(head: Head) -> bool:
    """A coverageAnalysis summary: the title line, or at least two of its depth keys."""
    lines = [ln for ln in head.lines if ln.strip()]
    if lines and _key(lines[0].lstrip("\ufeff")) == TITLE:
        return True
    found = set()
    for ln in lines[:80]:
        m = _KEY_LINE.match(ln)
        if m and _key(m.group(1)) in KEYS:
            found.add(KEYS[_key(m.group(1))])
    return "mean_depth" in found and len(found) >= 2


def read_coverage_stats(path: str | Path) -> QcReport:
    """Read a ``*.stats.cov.txt`` summary. Raises :class:`InputError` (one line, with the line number) for a value
    that is not a number or a report without any depth measure."""
    p = Path(path)
    text = decode_text(p)[0]
    sample = None
    rows = []
    seen: dict[str, int] = {}
    warnings: list[str] = []
    for n, line in enumerate(text.splitlines(), 1):
        m = _KEY_LINE.match(line)
        if not m:
            continue
        key, value = _key(m.group(1)), m.group(2)
        if key == "sample name":
            sample = None if value.strip().lower() in ("", "none") else value.strip()
            continue
        measure = KEYS.get(key)
        if measure is None:
            continue
        if measure in seen:
            warnings.append(f"{p.name}: line {n}: {m.group(1).strip()} repeated, the first (line {seen[measure]}) "
                            "is kept")
            continue
        number = parse_number(value.rstrip("%").strip(), integer=measure in ("amplicons", "mapped_reads"))
        if number is None or number < 0 or number in (float("inf"), float("-inf")) or number != number:
            raise InputError(p, f"{m.group(1).strip()}: expected a non-negative number, got {value[:40]!r}", n)
        seen[measure] = n
        rows.append({"sample": None, "assay": "variants", "measure": measure, "value": number, "text": None,
                     "source_line": n})
    if "mean_depth" not in seen:
        raise InputError(p, "coverageAnalysis report without 'Average base coverage depth'")
    for r in rows:
        r["sample"] = sample
    return qc_report(p, "ion_coverage", rows, warnings)
