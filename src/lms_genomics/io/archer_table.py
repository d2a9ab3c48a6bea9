"""Tabular Archer fusion summaries (TSV or CSV) with the columns of the Archer PDF report: "Genes" or
"Genes (5'-3')", "Unique Start Sites" or "Unique Molecules", "Reads", "% of Reads", "Breakpoint(s)", "Category",
optionally "Strong Evidence" and "In Frame" (``../shared/formats/vcf_archer.md`` §2.4)."""

from __future__ import annotations

from pathlib import Path

from ..errors import InputError
from .archer import (
    FIELD_NAMES,
    ArcherResult,
    Fusion,
    _bool,
    _float,
    _int,
    _is_na,
    _signature,
    _table_key,
    archer_result,
    split_gene_pair,
)
from .text import Head, read_table, sniff_delimiter


def _looks_like_fusion_table(lines: list[str]) -> bool:
    body = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not body:
        return False
    delim = sniff_delimiter(body[0])
    if delim == " ":
        return False
    cols = {FIELD_NAMES["fusion_table"].get(_table_key(h.strip().strip('"'))) for h in body[0].split(delim)}
    cols.discard(None)
    specific = {"unique_start_sites", "unique_molecules", "percent_reads"}
    return bool(cols & specific) and len(cols) >= 2


def sniff(head: Head) -> bool:
    """A delimited table with a Genes column and an Archer-specific one (unique start sites/molecules, % reads)."""
    return _looks_like_fusion_table(head.lines)


def _read_fusion_table(path: Path) -> tuple[str | None, list[Fusion], list[str]]:
    """Parse a fusion summary table (TSV/CSV; column names per :data:`FIELD_NAMES` ``fusion_table``).

    "Unique Molecules" fills ``unique_start_sites`` with ``support_unit="unique_molecules"``. When there is no
    "Strong Evidence" column, a Category containing "strong evidence" / "weak evidence" sets the flag.
    """
    warnings: list[str] = []
    table = read_table(path)
    cols: dict[str, int] = {}
    for j, name in enumerate(table.header):
        canonical = FIELD_NAMES["fusion_table"].get(_table_key(name))
        if canonical is not None and canonical not in cols:
            cols[canonical] = j
    if "genes" not in cols:
        raise InputError(path, "fusion table has no Genes column (expected \"Genes\" or \"Genes (5'-3')\")",
                         table.header_line)
    unit = "unique_start_sites" if "unique_start_sites" in cols else (
        "unique_molecules" if "unique_molecules" in cols else "unknown")
    samples: set[str] = set()
    fusions: list[Fusion] = []
    for row_no, (row, n) in enumerate(zip(table.rows, table.line_numbers, strict=True), 1):

        def cell(name: str, row: list[str] = row) -> str | None:
            j = cols.get(name)
            return row[j] if j is not None and j < len(row) else None

        genes = cell("genes")
        if _is_na(genes):
            raise InputError(path, "empty Genes cell (expected GENE5-GENE3, GENE5:GENE3 or GENE5--GENE3)", n)
        gene5, gene3 = split_gene_pair(str(genes), path, n, "Genes")
        f = Fusion(gene5, gene3, source_line=n, source_key=f"row {row_no}", support_unit=unit)
        f.reads = _int(cell("reads"), "Reads", path, n)
        f.spanning_reads = _int(cell("spanning_reads"), "Spanning Reads", path, n)
        if unit != "unknown":
            f.unique_start_sites = _int(cell(unit), "Unique Start Sites" if unit == "unique_start_sites"
                                        else "Unique Molecules", path, n)
        f.percent_reads = _float(cell("percent_reads"), "% of Reads", path, n)
        f.breakpoint5, f.breakpoint3 = _signature(cell("breakpoints"), f"line {n}: Breakpoint", path, n, warnings)
        category = cell("category")
        f.category = None if _is_na(category) else str(category)
        f.strong_evidence = _bool(cell("strong_evidence"), "Strong Evidence", path, n)
        if "strong_evidence" not in cols and f.category:
            low = f.category.lower()
            f.strong_evidence = True if "strong evidence" in low else False if "weak evidence" in low else None
        f.in_frame = _bool(cell("in_frame"), "In Frame", path, n)
        for name in ("transcript5", "transcript3", "exon5", "exon3"):
            value = cell(name)
            setattr(f, name, None if _is_na(value) else str(value))
        s = cell("sample")
        if not _is_na(s):
            samples.add(str(s))
        fusions.append(f)
    if len(samples) > 1:
        warnings.append(f"several samples in one table ({', '.join(sorted(samples))}); sample left unset")
    return (next(iter(samples)) if len(samples) == 1 else None), fusions, warnings


def read_fusion_table(path: str | Path) -> ArcherResult:
    """Read a fusion summary table (see :func:`_read_fusion_table` for the rules)."""
    p = Path(path)
    sample, fusions, warnings = _read_fusion_table(p)
    return archer_result(p, "fusion_table", sample, fusions, warnings)
