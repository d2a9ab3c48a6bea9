"""Fusion breakend VCFs: Archer ``SVTYPE=BND`` pairs linked by ``MATEID`` (INFO keys with or without a suffix
such as ``_VariantPlex``, ``../shared/formats/vcf_archer.md`` §2.3) and Ion Reporter/Oncomine ``SVTYPE=Fusion``
records paired by ID (``NAME_1``/``NAME_2``, §1.5), with the header's overall fusion call
(``##FusionSampleOverallCall=POSITIVE``).

:func:`fusions_from_records` turns breakend records into :class:`~lms_genomics.io.archer.Fusion` objects; the
fusion-only reader (:func:`read_fusion_vcf`) and the Ion Reporter reader (fusions inside a DNA+RNA export,
:mod:`lms_genomics.io.vcf`) both use it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError
from .archer import (
    ArcherResult,
    Fusion,
    _bool,
    _float,
    _int,
    _is_na,
    _short,
    _vcf_canon,
    archer_result,
    split_gene_pair,
)
from .text import Head, iter_text_lines
from .vcf_records import breakend_mate, census, record_kind

_IR_ID = re.compile(r"^(.*)_(\d+)$")
#: Header keys of the Oncomine/Ion Reporter fusion summary.
OVERALL_CALL_KEYS = ("FusionSampleOverallCall",)
FUSION_QC_KEYS = ("FusionSampleQC",)


@dataclass
class _VcfRecord:
    line: int
    chrom: str
    pos: int
    id: str
    alt: str
    filter: str
    info: dict[str, str]


def _rec_breakpoint(rec: _VcfRecord) -> str:
    chrom = rec.chrom if rec.chrom.lower().startswith("chr") else f"chr{rec.chrom}"
    return f"{chrom}:{rec.pos}"


def sniff(head: Head) -> bool:
    """A VCF whose records are all fusion breakends or RNA-assay records (see :class:`VcfCensus`)."""
    return head.text.startswith("##fileformat=VCF") and census(head.path).fusion_only


def is_fusion_vcf(path: str | Path) -> bool:
    """True when ``path`` is a VCF whose records are all SV/fusion breakends (``SVTYPE=BND``/``Fusion`` or
    breakend ALTs) or Oncomine RNA-assay records. A VCF without records counts as a fusion VCF only when its
    header declares an Archer fusion INFO key (suffixed or not). Never raises: unreadable → False."""
    return census(path).fusion_only


def overall_call(meta: dict[str, list[str]]) -> str | None:
    """The header's overall fusion call (``POSITIVE``/``NEGATIVE``...), first word, upper case; None if absent."""
    for key in OVERALL_CALL_KEYS:
        values = meta.get(key)
        if values:
            word = re.split(r"[,;\s]", values[0].strip(), maxsplit=1)[0]
            return word.upper() or None
    return None


def _record(path: Path, n: int, cols: list[str]) -> _VcfRecord:
    try:
        pos = int(cols[1])
    except ValueError:
        raise InputError(path, f"POS: expected an integer, got {_short(cols[1])}", n) from None
    info: dict[str, str] = {}
    for item in cols[7].split(";"):
        key, _, value = item.partition("=")
        canonical = _vcf_canon(key.strip())
        if canonical is not None and canonical not in info:
            info[canonical] = value.strip()
    return _VcfRecord(n, cols[0].strip(), pos, cols[2].strip(), cols[4].strip(), cols[6].strip() or ".", info)


def _groups(records: list[_VcfRecord]) -> list[list[_VcfRecord]]:
    """Breakends of one event together: Ion Reporter ``NAME_1``/``NAME_2``, else ``MATEID`` pairs."""
    by_id = {r.id: r for r in records if r.id not in ("", ".")}
    groups: list[list[_VcfRecord]] = []
    done: set[int] = set()
    ir_groups: dict[str, list[_VcfRecord]] = {}
    for r in records:
        if id(r) in done:
            continue
        done.add(id(r))
        if r.info.get("svtype", "").upper() == "FUSION" and (m := _IR_ID.match(r.id)):
            group = ir_groups.get(m.group(1))
            if group is None:
                ir_groups[m.group(1)] = group = []
                groups.append(group)
            group.append(r)
            continue
        mate = by_id.get(r.info.get("mateid", ""))
        if mate is not None and mate is not r and id(mate) not in done:
            done.add(id(mate))
            groups.append([r, mate])
        else:
            groups.append([r])
    for group in groups:
        group.sort(key=lambda r: int(m.group(2)) if (m := _IR_ID.match(r.id)) and
                   r.info.get("svtype", "").upper() == "FUSION" else 0)
    return groups


def _counts(path: Path, group: list[_VcfRecord]) -> dict[str, Any]:
    counts: dict[str, Any] = {}
    for name, kind in (("reads", int), ("spanning_reads", int), ("unique_start_sites", int),
                       ("unique_molecules", int), ("read_count", int), ("percent_reads", float)):
        values = []
        for r in group:
            if name in r.info:
                parse = _int if kind is int else _float
                v = parse(r.info[name], f"INFO {name.upper()}", path, r.line)
                if v is not None:
                    values.append(v)
        counts[name] = max(values) if values else None
    return counts


def _genes(path: Path, group: list[_VcfRecord]) -> tuple[str, str]:
    first = group[0]
    genes_value = next((r.info["genes"] for r in group if not _is_na(r.info.get("genes"))), None)
    rec_genes = [r.info.get("gene") for r in group]
    if genes_value is not None:
        return split_gene_pair(genes_value, path, first.line, "INFO GENES_UNIQUE", separators=(":",))
    if len(group) == 2 and all(not _is_na(g) for g in rec_genes):
        return str(rec_genes[0]), str(rec_genes[1])
    if first.info.get("svtype", "").upper() == "FUSION" and "." in first.id:
        return split_gene_pair(first.id.split(".", 1)[0], path, first.line, "ID gene pair")
    raise InputError(path, "fusion record has no GENES_UNIQUE (GENE5:GENE3) nor a GENE_NAME on both "
                           "breakends", first.line)


def fusions_from_records(path: Path, lines: Iterable[tuple[int, list[str]]]) -> tuple[list[Fusion], list[str]]:
    """Fusions from breakend records given as (1-based line, split columns).

    The 5' record of a pair is the one whose ``GENE_NAME`` is the 5' gene of ``GENES_UNIQUE`` (``A:B``), else
    the first in the file. Counts present on both records are combined with max; ``READ_COUNT`` (Ion Reporter)
    fills ``reads`` when there is no ``EITHER_R1_OR_R2``. An unpaired record takes its 3' breakpoint from the
    breakend ALT. Ion Reporter ``SVTYPE=Fusion`` targets with ``READ_COUNT=0`` (panel targets not detected)
    are skipped with one warning. The FILTER of the pair is kept (``PASS`` when any of its records passes).
    """
    warnings: list[str] = []
    records = [_record(path, n, cols) for n, cols in lines]
    fusions: list[Fusion] = []
    skipped_zero = 0
    for group in _groups(records):
        first = group[0]
        counts = _counts(path, group)
        reads = counts["reads"] if counts["reads"] is not None else counts["read_count"]
        if (first.info.get("svtype", "").upper() == "FUSION" and counts["reads"] is None
                and counts["read_count"] == 0):
            skipped_zero += 1
            continue
        gene5, gene3 = _genes(path, group)
        rec5, rec3 = group[0], (group[1] if len(group) > 1 else None)
        if rec3 is not None and rec3.info.get("gene") == gene5 and rec5.info.get("gene") != gene5:
            rec5, rec3 = rec3, rec5
        if len(group) > 2:
            warnings.append(f"line {first.line}: {len(group)} records share ID stem {first.id}; the first two kept")
        f = Fusion(gene5, gene3, source_line=rec5.line, source_key=rec5.id if rec5.id not in ("", ".") else None)
        filters = [r.filter for r in group]
        f.filter = "PASS" if "PASS" in filters else filters[0]
        f.breakpoint5 = _rec_breakpoint(rec5)
        if rec3 is not None:
            f.breakpoint3 = _rec_breakpoint(rec3)
        elif mate := breakend_mate(rec5.alt):
            chrom = mate[0] if mate[0].lower().startswith("chr") else f"chr{mate[0]}"
            f.breakpoint3 = f"{chrom}:{mate[1]}"
        f.exon5 = None if _is_na(rec5.info.get("exon")) else rec5.info["exon"]
        if rec3 is not None:
            f.exon3 = None if _is_na(rec3.info.get("exon")) else rec3.info["exon"]
        f.reads = reads
        f.spanning_reads = counts["spanning_reads"]
        if counts["unique_start_sites"] is not None:
            f.unique_start_sites, f.support_unit = counts["unique_start_sites"], "unique_start_sites"
        elif counts["unique_molecules"] is not None:
            f.unique_start_sites, f.support_unit = counts["unique_molecules"], "unique_molecules"
        f.percent_reads = counts["percent_reads"]
        for name in ("strong_evidence", "in_frame"):
            values = [_bool(r.info.get(name), f"INFO {name.upper()}", path, r.line) for r in group]
            setattr(f, name, next((v for v in values if v is not None), None))
        novel = next((r.info["novel_type"] for r in group if not _is_na(r.info.get("novel_type"))), None)
        f.category = f"novel:{novel}" if novel else None
        fusions.append(f)
    if skipped_zero:
        warnings.append(f"{skipped_zero} SVTYPE=Fusion target(s) with READ_COUNT=0 (not detected) skipped")
    return fusions, warnings


def read_fusion_vcf(path: str | Path) -> ArcherResult:
    """Read a fusion-only VCF (plain or gzipped): every record must be a fusion breakend or an Oncomine
    RNA-assay record (skipped and counted). The header's overall fusion call, when present, is kept in
    :attr:`ArcherResult.overall_call`."""
    p = Path(path)
    warnings: list[str] = []
    sample = None
    header: list[str] | None = None
    meta: dict[str, list[str]] = {}
    breakends: list[tuple[int, list[str]]] = []
    rna_assays = 0
    for n, line in iter_text_lines(p)[1]:
        if not line.strip():
            continue
        if line.startswith("##"):
            key, _, value = line[2:].partition("=")
            meta.setdefault(key, []).append(value)
            continue
        if line.startswith("#"):
            header = line[1:].split("\t")
            if len(header) >= 10:
                sample = header[9].strip() or None
            continue
        if header is None:
            raise InputError(p, "VCF record before the #CHROM header line", n)
        cols = line.split("\t")
        if len(cols) < 8:
            raise InputError(p, f"VCF record has {len(cols)} tab-separated columns, expected at least 8 "
                                "(CHROM POS ID REF ALT QUAL FILTER INFO)", n)
        kind = record_kind(cols)
        if kind == "rna_assay":
            rna_assays += 1
            continue
        if kind != "fusion":
            raise InputError(p, "not a fusion VCF: record is not an SV breakend (expected SVTYPE=BND or "
                                "SVTYPE=Fusion)", n)
        breakends.append((n, cols))
    fusions, more = fusions_from_records(p, breakends)
    warnings += more
    if rna_assays:
        warnings.append(f"{rna_assays} RNA assay/control record(s) (expression controls, 5'/3' assays) skipped")
    result = archer_result(p, "fusion_vcf", sample, fusions, warnings)
    result.overall_call = overall_call(meta)
    return result
