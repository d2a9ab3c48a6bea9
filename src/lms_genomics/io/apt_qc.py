"""OncoScan array QC values: the ChAS/APT QC table, and the QC keys of ChAS/APT export headers.

**QC table.** APT's ``apt-copynumber-onco-ssa`` writes a QC report (``--report-file QCReport.txt``; renamed
``<sample>_<apt version>_<build>.qc.txt`` by gustaveroussy/apt.oncoscan.2.4.0 ``R/apt_oncoscan_process.R``), one
tab-separated row per array after optional ``#%key=value`` lines, read by name by public pipelines: ``cel_files``,
``Y-gender``, ``MAPD``, ``ndSNPQC`` (an R ``read.table`` of ``*.qc.txt``, qc[, c("cel_files", "Y.Gender", "MAPD",
"ndSNPQC")]) and ``SNPQC``, ``nd-waviness-sd``/``waviness-sd``, ``TUSCAN-cellularity`` (a Snakemake OncoScan
workflow's ``6_sampleQualityControl.R``). ChAS's QC results table carries the same measures; its exported column
names are not documented publicly, so columns are found by name after normalisation (lower case, everything but
letters and digits removed: ``nd-waviness-sd`` → ``ndwavinesssd``), any order, any subset holding ``MAPD`` and
one other QC measure. No real QC table is stored in ``../shared``: the project's fixtures follow these documented
column names (``tests/fixtures/qc/make_fixtures.py``).

**Export headers.** APT text outputs and ChAS exports may carry ``#``-prefixed metadata lines
(``../shared/formats/oncoscan.md`` §3.3); the chip-summary keys written by APT are ``affymetrix-chipsummary-MAPD``,
``-snp-qc``, ``-waviness-sd``, ``-Y-gender-call`` (APT's CHP writer; EaCoN's report reads the same keys from the
OSCHP). :func:`header_measures` reads them (``#%key=value`` or ``# key: value``) from any export's head.

Measures (canonical names, assay ``copy_number``): ``mapd``, ``nd_snp_qc``, ``snp_qc``, ``nd_waviness_sd``,
``waviness_sd``, ``tuscan_cellularity`` (a fraction: values above 1 are percentages and are divided by 100),
``tuscan_ploidy``, ``gender`` (text).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .qc_tables import QcReport, qc_report
from .text import Head, head_of, parse_number, read_table

#: Normalised column or header key → canonical measure. The one place to extend for a new QC export.
MEASURE_KEYS: dict[str, str] = {
    "mapd": "mapd",
    "ndsnpqc": "nd_snp_qc",
    "snpqc": "snp_qc",
    "ndwavinesssd": "nd_waviness_sd",
    "wavinesssd": "waviness_sd",
    "tuscancellularity": "tuscan_cellularity",
    "cellularity": "tuscan_cellularity",
    "tuscanploidy": "tuscan_ploidy",
    "ygender": "gender",
    "ygendercall": "gender",
    "gender": "gender",
    "computedgender": "gender",
}
#: Normalised column names of the sample (array) column.
SAMPLE_KEYS = ("celfiles", "file", "filename", "sample", "samplename", "arrayname", "name")
TEXT_MEASURES = {"gender"}
_HEADER_PREFIXES = ("affymetrix-chipsummary-", "affymetrix-algorithm-param-", "affymetrix-")
_NA = {"", "na", "nan", "n/a", "none", "null", "-", "---"}


def key_of(name: str) -> str:
    """Normalised column/key name: lower case, only letters and digits."""
    return re.sub(r"[^a-z0-9]+", "", name.replace("\ufeff", "").strip().strip('"').lower())


def _is_qc_header(fields: list[str]) -> bool:
    keys = {key_of(f) for f in fields}
    if "probesetname" in keys or "cnstate" in keys or "chromosome" in keys:
        return False  # a probe-level or segment export that happens to carry a MAPD column
    measures = {MEASURE_KEYS[k] for k in keys if k in MEASURE_KEYS}
    return "mapd" in measures and len(measures - {"gender"}) >= 2


def sniff(head: Head) -> bool:
    """A QC table: a header line (after ``#`` lines) naming MAPD and another array QC measure."""
    return _is_qc_header(head.header())


def _value(measure: str, text: str, path: Path, line: int | None) -> tuple[float | None, str | None]:
    """(value, text) of one cell; (None, None) when empty/NA. A number that cannot be read is an error."""
    s = text.strip().strip('"')
    if s.lower() in _NA:
        return None, None
    if measure in TEXT_MEASURES:
        return None, s
    v = parse_number(s.rstrip("%").strip())
    if v is None or v != v or v in (float("inf"), float("-inf")) or v < 0:
        raise InputError(path, f"{measure}: expected a non-negative number, got {s[:40]!r}", line)
    if measure == "tuscan_cellularity" and v > 1:
        if v > 100:
            raise InputError(path, f"tuscan_cellularity: {s[:40]!r} is neither a fraction nor a percentage", line)
        v = v / 100.0
    return v, None


def _row(sample: str | None, measure: str, value: float | None, text: str | None, line: int | None) -> dict:
    return {"sample": sample, "assay": "copy_number", "measure": measure,
            "value": float("nan") if value is None else value, "text": text, "source_line": line}


def read_qc_table(path: str | Path) -> QcReport:
    """Read a ChAS/APT QC table (one row per array; see the module doc). Raises :class:`InputError` in one line
    naming the file (and line) when it is not one or a value is unreadable."""
    p = Path(path)
    table = read_table(p, header_match=_is_qc_header)
    if not _is_qc_header(table.header):
        raise InputError(p, "not a ChAS/APT QC table (no header naming MAPD and ndSNPQC/SNPQC/waviness SD)")
    keys = [key_of(h) for h in table.header]
    sample_col = next((keys.index(k) for k in SAMPLE_KEYS if k in keys), None)
    columns = [(i, MEASURE_KEYS[k]) for i, k in enumerate(keys) if k in MEASURE_KEYS]
    seen: dict[str, int] = {}
    for i, m in columns:
        if m in seen:
            raise InputError(p, f"two columns give {m} ({table.header[seen[m]]!r}, {table.header[i]!r})",
                             table.header_line)
        seen[m] = i
    warnings = [f"{p.name}: line {n}: {text[:60]!r} above the header ignored" for n, text in table.preamble]
    rows: list[dict[str, Any]] = []
    header_rows = _comment_measures(table.comments, p)
    names: list[str | None] = []
    for fields, n in zip(table.rows, table.line_numbers, strict=True):
        sample = fields[sample_col].strip() if sample_col is not None and sample_col < len(fields) else None
        sample = sample or None
        if sample in names:
            raise InputError(p, f"sample {sample!r} listed twice", n)
        names.append(sample)
        for i, measure in columns:
            if i >= len(fields):
                continue
            value, text = _value(measure, fields[i], p, n)
            if value is not None or text is not None:
                rows.append(_row(sample, measure, value, text, n))
    if len(names) > 1 and None in names:
        raise InputError(p, "several rows but no sample column (cel_files, File, Sample): rows cannot be told apart")
    if not table.rows:
        raise InputError(p, "QC table without a data row")
    if len(names) == 1:  # header keys (#%affymetrix-chipsummary-...) complete a one-array report
        have = {r["measure"] for r in rows}
        rows += [_row(names[0], m, v, t, n) for m, (v, t, n) in header_rows.items() if m not in have]
    return qc_report(p, "apt_qc", rows, warnings)


def _comment_measures(lines: list[str], path: Path, numbers: list[int] | None = None
                      ) -> dict[str, tuple[float | None, str | None, int | None]]:
    """QC measures of ``#`` metadata lines (``#%affymetrix-chipsummary-MAPD=0.21``, ``# MAPD: 0.21``)."""
    out: dict[str, tuple[float | None, str | None, int | None]] = {}
    for k, raw in enumerate(lines):
        body = raw.lstrip("#%").strip()
        m = re.match(r"^([A-Za-z][A-Za-z0-9 ._\-]*?)\s*[=:]\s*(.*)$", body)
        if not m:
            continue
        name = m.group(1).strip().lower()
        for prefix in _HEADER_PREFIXES:
            if name.startswith(prefix):
                name = name[len(prefix):]
                break
        measure = MEASURE_KEYS.get(key_of(name))
        if measure is None or measure in out:
            continue
        line = numbers[k] if numbers is not None else None
        try:
            value, text = _value(measure, m.group(2), path, line)
        except InputError:
            continue  # metadata that is not a number is not a QC value: it is not this reader's to refuse
        if value is not None or text is not None:
            out[measure] = (value, text, line)
    return out


def header_measures(path: str | Path) -> dict[str, Any]:
    """QC measures written in the ``#`` header lines of an export (ChAS segment or probe export, APT output):
    ``{measure: value or text}``; empty when the head has none. Never raises for an unreadable file (the export's
    own reader reports it)."""
    try:
        head = head_of(path)
    except OSError:
        return {}
    lines, numbers = [], []
    for n, line in enumerate(head.lines, 1):
        s = line.strip()
        if not s:
            continue
        if not s.startswith("#"):
            break
        lines.append(s)
        numbers.append(n)
    return {m: (v if v is not None else t) for m, (v, t, _n) in _comment_measures(lines, Path(path), numbers).items()}
