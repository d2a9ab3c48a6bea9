"""Archer Analysis ``<sample>.full_results.txt``: one ``KEY<TAB>VALUE`` per line, ``SAMPLE_NAME``, fusion calls
``FCA_<i>_…`` and the isoforms supporting them ``FC_<m>_…`` (``../shared/formats/vcf_archer.md`` §2.1)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .archer import (
    FIELD_NAMES,
    TRANSCRIPT_PRIORITY,
    ArcherResult,
    Fusion,
    _bool,
    _breakpoint,
    _float,
    _int,
    _is_na,
    _short,
    _transcript_rank,
    canonical_items,
    read_parsed,
    split_gene_pair,
)
from .text import Head

_FCA = re.compile(r"^FCA_(\d+)_(.+)$")
_FC = re.compile(r"^FC_(\d+)_(.+)$")
_FC_ID = re.compile(r"^FC_(\d+)$")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_ANNOTATION = re.compile(r"^(?P<gene>[^()|]+?)\s*\((?P<strand>[+-])\)\s*(?P<tx>[^|]*)\|\s*(?P<region>exon|intron)\s*:"
                         r"\s*(?P<num>[^|]+?)\s*\|\s*(?P<pos>.*)$", re.IGNORECASE)
_GENOMIC = re.compile(r"^(?:chr)?([0-9]{1,2}|[XYM]|MT):(\d+):(\d+):([+-])$", re.IGNORECASE)


def _looks_like_full_results(lines: list[str]) -> bool:
    """First non-blank line is ``KEY<TAB>VALUE`` and some key is ``SAMPLE_NAME``, ``FCA_<i>_…`` or ``FC_<m>_…``."""
    body = [ln for ln in lines if ln.strip()][:200]
    if not body:
        return False
    key, tab, _ = body[0].partition("\t")
    if not tab or not _KEY.match(key.strip()):
        return False
    for ln in body:
        key = ln.partition("\t")[0].strip()
        if key in FIELD_NAMES["full_results_file"] or _FCA.match(key) or _FC.match(key):
            return True
    return False



def sniff(head: Head) -> bool:
    """A full_results export: first line ``KEY<TAB>VALUE`` and some ``SAMPLE_NAME``/``FCA_``/``FC_`` key."""
    return _looks_like_full_results(head.lines)


def _parse_annotation(value: str, what: str, path: Path, line: int) -> dict[str, Any]:
    m = _ANNOTATION.match(value.strip())
    if not m:
        raise InputError(path, f"{what}: expected GENE(+|-)TRANSCRIPT|exon:N|chrN:pos, got {_short(value)}", line)
    txs = [t.strip() for t in m.group("tx").split("/") if t.strip()]
    txs.sort(key=_transcript_rank)
    region = m.group("region").lower()
    num = m.group("num").strip()
    pos = [p for p in re.split(r"\s*,\s*", m.group("pos").strip()) if p]
    return {
        "gene": m.group("gene").strip(),
        "transcript": txs[0] if txs else None,
        "rank": _transcript_rank(txs[0]) if txs else len(TRANSCRIPT_PRIORITY) + 1,
        "exon": num if region == "exon" else f"intron:{num}",
        "breakpoint": _breakpoint(pos[0], what, path, line) if pos else None,
    }


def _best_annotation(annots: list[tuple[int, dict[str, Any]]]) -> dict[str, Any] | None:
    """NM_ > XM_ > NR_ > others; ties go to the lowest annotation number (§2.5 item 1)."""
    if not annots:
        return None
    return min(annots, key=lambda a: (a[1]["rank"], a[0]))[1]


def _genomic_breakpoint(value: str, side: int) -> str | None:
    """Breakpoint from ``chrN:start:end:strand``: the 5' side ends at the junction (end on +, start on −),
    the 3' side starts there (start on +, end on −). Used only when no ``FCA`` annotation gives one."""
    m = _GENOMIC.match(value.strip())
    if not m:
        return None
    chrom, start, end, strand = m.groups()
    pos = (end if strand == "+" else start) if side == 5 else (start if strand == "+" else end)
    return f"chr{chrom.upper() if not chrom.isdigit() else chrom}:{pos}"


def _read_full_results(path: Path, text: str) -> tuple[str | None, list[Fusion], list[str], dict[str, Any]]:
    """Parse ``full_results.txt``.

    Several isoforms (``FC_<m>``) may support one call (``FCA_<i>``): lmsgen takes, independently, the
    **maximum** ``EITHER_R1_OR_R2`` (→ ``reads``), the maximum ``BOTH_R1_AND_R2`` (→ ``spanning_reads``) and
    the maximum unique start sites (or unique molecules) across those isoforms — never the sum, because
    isoforms of one call share reads. ``percent_reads`` is ``FCA_<i>_PERCENT_FUSION``, else the maximum
    isoform ``PERCENT_FUSION``, else the maximum ``PERCENT_RNA_READS`` (another denominator: all RNA reads;
    a warning says so).
    """
    warnings: list[str] = []
    entries: dict[str, tuple[str, int]] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        key, tab, value = raw.partition("\t")
        key = key.strip()
        if not tab or not key:
            raise InputError(path, f"expected KEY<TAB>VALUE, got {_short(raw)}", n)
        if key in entries:
            warnings.append(f"line {n}: duplicate key {key}, the first (line {entries[key][1]}) is kept")
            continue
        entries[key] = (value.strip(), n)

    sample = None
    extras: dict[str, Any] = {}
    calls: dict[int, dict[str, tuple[str, int]]] = {}
    isoforms: dict[int, dict[str, tuple[str, int]]] = {}
    for key, (value, n) in entries.items():
        file_key = FIELD_NAMES["full_results_file"].get(key)
        if file_key == "sample":
            sample = value or None
        elif file_key == "rna_control_start_sites" and not _is_na(value):
            metric = _float(value, key, path, n)
            if metric is not None and metric < 0:
                raise InputError(path, f"{key}: expected a number >= 0, got {metric:g}", n)
            extras["rna_control_start_sites"] = metric
        elif m := _FCA.match(key):
            calls.setdefault(int(m.group(1)), {})[m.group(2)] = (value, n)
        elif m := _FC.match(key):
            isoforms.setdefault(int(m.group(1)), {})[m.group(2)] = (value, n)

    # Isoform evidence, parsed once.
    iso_data: dict[int, dict[str, Any]] = {}
    for m_id, keys in isoforms.items():
        d: dict[str, Any] = {"genomic": {}}
        for name, num, value, n, what in canonical_items(keys, FIELD_NAMES["full_results_isoform"], f"FC_{m_id}_"):
            if name in ("reads", "spanning_reads", "unique_start_sites", "unique_molecules"):
                d[name] = _int(value, what, path, n)
            elif name in ("percent_fusion", "percent_rna_reads"):
                d[name] = _float(value, what, path, n)
            elif name == "genomic_annotation" and num is not None:
                d["genomic"][int(num)] = value
        iso_data[m_id] = d

    fusions: list[Fusion] = []
    for i in sorted(calls):
        keys = calls[i]
        tag = f"FCA_{i}"
        first_line = min(n for _, n in keys.values())
        if "GENES_UNIQUE" not in keys:
            raise InputError(path, f"{tag}_GENES_UNIQUE missing for the {tag} block (expected GENE5:GENE3)",
                             first_line)
        genes_value, genes_line = keys["GENES_UNIQUE"]
        gene5, gene3 = split_gene_pair(genes_value, path, genes_line, f"{tag}_GENES_UNIQUE", separators=(":",))
        fusion = Fusion(gene5, gene3, source_line=genes_line, source_key=tag)
        annots: dict[int, list[tuple[int, dict[str, Any]]]] = {5: [], 3: []}
        iso_ids: list[tuple[int, int]] = []
        for name, num, value, n, what in canonical_items(keys, FIELD_NAMES["full_results_call"], f"{tag}_"):
            if name == "strong_evidence":
                fusion.strong_evidence = _bool(value, what, path, n)
            elif name == "in_frame":
                fusion.in_frame = _bool(value, what, path, n)
            elif name == "percent_reads":
                fusion.percent_reads = _float(value, what, path, n)
            elif name in ("annotation5", "annotation3") and not _is_na(value):
                side = 5 if name == "annotation5" else 3
                annots[side].append((int(num or 0), _parse_annotation(value, what, path, n)))
            elif name == "isoform" and not _is_na(value):
                m = _FC_ID.match(value.strip())
                if not m:
                    raise InputError(path, f"{what}: expected an isoform id FC_<m>, got {_short(value)}", n)
                iso_ids.append((int(m.group(1)), n))
        for side, gene in ((5, gene5), (3, gene3)):
            best = _best_annotation(annots[side])
            if best is None:
                continue
            if best["gene"] != gene:
                warnings.append(f"{tag}: {side}' annotation gene {best['gene']} differs from GENES_UNIQUE "
                                f"{gene5}:{gene3}")
            setattr(fusion, f"transcript{side}", best["transcript"])
            setattr(fusion, f"exon{side}", best["exon"])
            setattr(fusion, f"breakpoint{side}", best["breakpoint"])
        support: list[dict[str, Any]] = []
        for m_id, n in iso_ids:
            if m_id not in iso_data:
                warnings.append(f"line {n}: {tag} refers to isoform FC_{m_id}, which has no FC_{m_id}_ keys")
                continue
            support.append(iso_data[m_id])

        def best_of(name: str, items: list[dict[str, Any]] = support) -> Any:
            values = [d[name] for d in items if d.get(name) is not None]
            return max(values) if values else None

        fusion.reads = best_of("reads")
        fusion.spanning_reads = best_of("spanning_reads")
        uss, um = best_of("unique_start_sites"), best_of("unique_molecules")
        if uss is not None:
            fusion.unique_start_sites, fusion.support_unit = uss, "unique_start_sites"
        elif um is not None:
            fusion.unique_start_sites, fusion.support_unit = um, "unique_molecules"
        if fusion.percent_reads is None:
            fusion.percent_reads = best_of("percent_fusion")
        if fusion.percent_reads is None and best_of("percent_rna_reads") is not None:
            fusion.percent_reads = best_of("percent_rna_reads")
            warnings.append(f"{tag}: no PERCENT_FUSION; percent_reads is the isoform PERCENT_RNA_READS "
                            "(percent of all RNA reads, not of the locus)")
        for side in (5, 3):
            if getattr(fusion, f"breakpoint{side}") is None:
                genomic = [d["genomic"].get(1 if side == 5 else 2) for d in support]
                bp = next((b for g in genomic if g and (b := _genomic_breakpoint(g, side))), None)
                if bp is not None:
                    setattr(fusion, f"breakpoint{side}", bp)
                    warnings.append(f"{tag}: {side}' breakpoint taken from the isoform GENOMIC_ANNOTATION")
        fusions.append(fusion)
    return sample, fusions, warnings, extras


def read_full_results(path: str | Path) -> ArcherResult:
    """Read a ``full_results.txt`` export (see :func:`_read_full_results` for the rules)."""
    return read_parsed(path, "full_results", _read_full_results)
