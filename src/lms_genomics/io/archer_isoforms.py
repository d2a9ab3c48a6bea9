"""Archer Analysis REST API isoforms list: a JSON object with arrays ``fusions`` and ``oncogenic_isoforms``
(``../shared/formats/vcf_archer.md`` §2.2)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..errors import InputError
from .archer import (
    FIELD_NAMES,
    ArcherResult,
    Fusion,
    _bool,
    _float,
    _int,
    _is_na,
    _short,
    _signature,
    read_parsed,
    split_gene_pair,
)
from .text import Head

_EXON_TEXT = re.compile(r"\b(exon|intron)\s*:?\s*(\d+)", re.IGNORECASE)



def sniff(head: Head) -> bool:
    """A JSON object naming an isoforms array (``fusions``/``oncogenic_isoforms``) or Archer's strong-evidence key."""
    text = head.text.lstrip()
    if not text or text[:1] not in "{[":
        return False
    if '"schema"' in text[:200] and '"lmsgen.' in text[:200]:
        return False  # lmsgen's own result JSON
    return any(f'"{k}"' in head.text for k in FIELD_NAMES["isoform_json_arrays"]) or \
        '"strong_evidence_aberration"' in head.text


def _json_genes(value: object, where: str, category: str, path: Path) -> tuple[str, str]:
    if isinstance(value, str):
        return split_gene_pair(value, path, None, f"{where}: gene_arms", separators=(":",))
    if isinstance(value, list) and all(isinstance(g, str) and g.strip() for g in value):
        if len(value) == 2:
            return value[0].strip(), value[1].strip()
        if len(value) == 1 and category == "oncogenic_isoform":
            return value[0].strip(), value[0].strip()
    raise InputError(path, f"{where}: gene_arms {_short(value)} is not a [GENE5, GENE3] pair")


def _read_isoform_json(path: Path, text: str) -> tuple[str | None, list[Fusion], list[str], dict[str, Any]]:
    """Parse the Archer Analysis isoforms list (arrays ``fusions`` and ``oncogenic_isoforms``).

    Each entry is already one isoform, so counts are taken as given (``num_reads`` → ``reads``,
    ``percent_gsp2_reads`` → ``percent_reads``). ``category`` is ``fusion`` or ``oncogenic_isoform``, with
    ``:<novel_type>`` appended when ``novel_type`` is set, and prefixed ``artifact:`` when ``is_artifact``.
    Exons come from ``annotations[].transcripts[<transcript_id>].text`` (first ``exon N``/``intron N``).
    """
    warnings: list[str] = []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid or truncated JSON ({exc.msg}); expected an Archer isoforms list",
                         exc.lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply; expected an Archer isoforms list") from None
    arrays = FIELD_NAMES["isoform_json_arrays"]
    if not isinstance(data, dict) or not any(k in data for k in arrays):
        raise InputError(path, "expected a JSON object with 'fusions' and/or 'oncogenic_isoforms' arrays")
    sample = None
    for key, canonical in FIELD_NAMES["isoform_json_file"].items():
        if canonical == "sample" and isinstance(data.get(key), str) and data[key].strip():
            sample = data[key].strip()
            break
    names = FIELD_NAMES["isoform_json"]
    fusions: list[Fusion] = []
    for array_key, category in arrays.items():
        entries = data.get(array_key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise InputError(path, f"'{array_key}' is not an array")
        for idx, raw in enumerate(entries):
            where = f"{array_key}[{idx}]"
            if not isinstance(raw, dict):
                raise InputError(path, f"{where}: expected an object, got {type(raw).__name__}")
            e: dict[str, Any] = {}
            for k, v in raw.items():
                if k in names and names[k] not in e:
                    e[names[k]] = v
            if "genes" not in e:
                raise InputError(path, f"{where}: gene_arms missing (expected [GENE5, GENE3])")
            gene5, gene3 = _json_genes(e["genes"], where, category, path)
            cat = category
            if not _is_na(e.get("novel_type")):
                cat = f"{cat}:{e['novel_type']}"
            if _bool(e.get("is_artifact"), f"{where}: is_artifact", path, None):
                cat = f"artifact:{cat}"
            f = Fusion(gene5, gene3, category=cat, source_key=where)
            f.reads = _int(e.get("reads"), f"{where}: num_reads", path, None)
            uss = _int(e.get("unique_start_sites"), f"{where}: unique_start_sites", path, None)
            um = _int(e.get("unique_molecules"), f"{where}: unique_molecules", path, None)
            if uss is not None:
                f.unique_start_sites, f.support_unit = uss, "unique_start_sites"
            elif um is not None:
                f.unique_start_sites, f.support_unit = um, "unique_molecules"
            f.percent_reads = _float(e.get("percent_reads"), f"{where}: percent_gsp2_reads", path, None)
            f.strong_evidence = _bool(e.get("strong_evidence"), f"{where}: strong_evidence_aberration", path, None)
            f.in_frame = _bool(e.get("in_frame"), f"{where}: in_frame", path, None)
            f.breakpoint5, f.breakpoint3 = _signature(e.get("breakpoints"), f"{where}: breakpoint_signature",
                                                      path, None, warnings)
            annotations = e.get("annotations") or []
            if not isinstance(annotations, list):
                raise InputError(path, f"{where}: annotations is not an array")
            used: set[int] = set()
            for side, gene in ((5, gene5), (3, gene3)):
                for j, a in enumerate(annotations):
                    if j in used or not isinstance(a, dict) or a.get("gene") != gene:
                        continue
                    used.add(j)
                    tid = a.get("transcript_id")
                    setattr(f, f"transcript{side}", tid if isinstance(tid, str) and tid else None)
                    tx = (a.get("transcripts") or {}).get(tid) if isinstance(a.get("transcripts"), dict) else None
                    txt = tx.get("text") if isinstance(tx, dict) else None
                    if isinstance(txt, str) and (m := _EXON_TEXT.search(txt)):
                        region, num = m.group(1).lower(), m.group(2)
                        setattr(f, f"exon{side}", num if region == "exon" else f"intron:{num}")
                    break
            fusions.append(f)
    from .archer_read_stats import rna_qc_measures  # an isoforms list may also carry the run's qc_stats

    metric = rna_qc_measures(data, path).get("rna_control_start_sites")
    return sample, fusions, warnings, ({"rna_control_start_sites": metric} if metric is not None else {})


def read_isoform_json(path: str | Path) -> ArcherResult:
    """Read an Archer isoforms JSON (see :func:`_read_isoform_json` for the rules)."""
    return read_parsed(path, "isoform_json", _read_isoform_json)
