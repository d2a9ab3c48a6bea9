"""Archer Analysis read statistics (the REST API's ``read_stats_url`` JSON, saved beside the fusion output): the
RNA QC metric of a FusionPlex run.

Layout, as a public Archer Analysis API client reads it (``../shared/formats/vcf_archer.md`` §2.2; the client
``archer_api_parse.py``): a JSON object with ``read_stat_types`` (a list; element 0 the total reads with
``total_reads``, ``mapped_num``, ``mapped_percent``, element 1 the unique reads), ``total_stats`` (a list; element
0 with ``rna_reads`` and ``rna_reads_percent``) and ``qc_stats`` with
``avg_unique_rna_start_sites_per_gsp2_control`` — Archer's "average unique RNA start sites per GSP2 control", the
measure of usable RNA behind a negative fusion result. A sample name (``sample_name``/``name``/``sample``) is read
when the object carries one. No real read-stats file is stored in ``../shared``; the fixtures follow this layout
(``tests/fixtures/qc/make_fixtures.py``).

Measures (assay ``fusions``): ``rna_control_start_sites``, ``total_reads``, ``unique_reads``, ``rna_reads``,
``rna_reads_pct``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from ..errors import InputError
from .qc_tables import QcReport, qc_report
from .text import Head, decode_text, parse_number

METRIC_KEY = "avg_unique_rna_start_sites_per_gsp2_control"
SAMPLE_KEYS = ("sample_name", "sample", "name")
_MARKS = ('"qc_stats"', f'"{METRIC_KEY}"', '"read_stat_types"')


def sniff(head: Head) -> bool:
    """A JSON object with Archer's read statistics (``qc_stats``, the RNA control metric or ``read_stat_types``)
    and no fusion array (an isoforms list that also carries ``qc_stats`` is read by the isoform reader)."""
    text = head.text.lstrip("\ufeff").lstrip()
    if not text.startswith("{"):
        return False
    if '"fusions"' in head.text or '"oncogenic_isoforms"' in head.text:
        return False
    return any(mark in head.text for mark in _MARKS)


def _number(value: Any, what: str, path: Path) -> float | None:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "na", "nan", "null", "none")):
        return None
    if isinstance(value, bool):
        raise InputError(path, f"{what}: expected a number, got {value}")
    v = float(value) if isinstance(value, (int, float)) else parse_number(str(value).strip().rstrip("%"))
    if v is None or v != v or v < 0 or v in (float("inf"),):
        raise InputError(path, f"{what}: expected a non-negative number, got {str(value)[:40]!r}")
    return v


def _element(doc: dict[str, Any], key: str, index: int, field: str) -> Any:
    items = doc.get(key)
    if isinstance(items, list) and len(items) > index and isinstance(items[index], dict):
        return items[index].get(field)
    return None


def rna_qc_measures(doc: dict[str, Any], path: Path) -> dict[str, float]:
    """The fusion-QC measures of a parsed Archer JSON object (read statistics, or an isoforms list carrying
    ``qc_stats``): ``{measure: value}`` for those present."""
    qc = doc.get("qc_stats")
    metric = qc.get(METRIC_KEY) if isinstance(qc, dict) else doc.get(METRIC_KEY)
    found = {
        "rna_control_start_sites": _number(metric, f"qc_stats.{METRIC_KEY}", path),
        "total_reads": _number(_element(doc, "read_stat_types", 0, "total_reads"), "read_stat_types[0].total_reads",
                               path),
        "unique_reads": _number(_element(doc, "read_stat_types", 1, "total_reads"),
                                "read_stat_types[1].total_reads", path),
        "rna_reads": _number(_element(doc, "total_stats", 0, "rna_reads"), "total_stats[0].rna_reads", path),
        "rna_reads_pct": _number(_element(doc, "total_stats", 0, "rna_reads_percent"),
                                 "total_stats[0].rna_reads_percent", path),
    }
    return {k: v for k, v in found.items() if v is not None}


def read_read_stats(path: str | Path) -> QcReport:
    """Read an Archer read-statistics JSON. Raises :class:`InputError` (one line) for invalid JSON, a value that is
    not a number, or an object without any of the measures."""
    p = Path(path)
    try:
        doc = json.loads(decode_text(p)[0].lstrip("\ufeff"))
    except ValueError as exc:
        raise InputError(p, f"not valid JSON ({' '.join(str(exc).split())})") from None
    if not isinstance(doc, dict):
        raise InputError(p, "expected a JSON object of Archer read statistics")
    measures = rna_qc_measures(doc, p)
    if not measures and not isinstance(doc.get("qc_stats"), dict):
        raise InputError(p, f"no Archer read statistics (qc_stats.{METRIC_KEY}, read_stat_types, total_stats)")
    sample = next((str(doc[k]).strip() for k in SAMPLE_KEYS if isinstance(doc.get(k), str) and doc[k].strip()),
                  None)
    rows = [{"sample": sample, "assay": "fusions", "measure": m, "value": v, "text": None, "source_line": None}
            for m, v in measures.items()]
    warnings = [] if "rna_control_start_sites" in measures else [
        f"{p.name}: no RNA QC metric (qc_stats.{METRIC_KEY}): fusion QC not assessed"]
    return qc_report(p, "archer_read_stats", rows, warnings)
