"""A short human summary of a result (the CLI prints it; the library only formats it)."""

from __future__ import annotations

import pandas as pd

from ..genome import KEY_GENES
from ..result import SampleResult


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _cn(value: object) -> str:
    return "" if _missing(value) else f"CN {float(value):g}"


def format_summary(result: SampleResult, genes: tuple[str, ...] = KEY_GENES) -> str:
    """Multi-line text: profile class with A, C, GI, FGA; key gene calls with evidence; arm-level; warnings."""
    p = result.profile
    if p is None:
        lines = [f"{result.sample}: copy number not assessed (no ChAS export or log2 segments)"]
    else:
        lines = [f"{result.sample}: {p.profile_class} profile (A={p.anomalies} anomalies on C={p.chromosomes} "
                 f"chromosomes, GI={p.genomic_index:.1f}, FGA={p.fga:.3f})"]
    g = result.genes.set_index("gene") if result.genes is not None else pd.DataFrame()
    for name in genes:
        if name not in g.index:
            continue
        r = g.loc[name]
        call = str(r["call"]).replace("_", " ")
        extra = []
        if not _missing(r["deciding_start"]):
            size = (float(r["deciding_end"]) - float(r["deciding_start"])) / 1e6
            seg = f"{r['chrom']}:{int(r['deciding_start']) + 1:,}-{int(r['deciding_end']):,} ({size:.2f} Mb"
            if not _missing(r["deciding_markers"]):
                seg += f", {int(r['deciding_markers'])} markers"
            extra.append(seg + ")")
        if r["loh"] is True and r["call"] != "copy_neutral_loh":
            extra.append("with LOH")
        if r["partial"]:
            extra.append(f"partial ({r['covered_fraction']:.0%} of gene)")
        lines.append(f"  {name:<7} {call:<22} {_cn(r['copy_number']):<8} {'; '.join(extra)}".rstrip())
    arms = result.arm_level or {}
    parts = [f"{k} {','.join(arms[k])}" for k in ("AMP", "GAIN", "LOSS", "LOH")
             if isinstance(arms.get(k), list) and arms[k]]
    if arms.get("LOH") == "not_assessed":
        parts.append("LOH not assessed")
    if p is not None:
        lines.append("  arm-level: " + ("; ".join(parts) if parts else "none"))
    if isinstance(result.variants, list):
        shown = [v for v in result.variants if v.get("reportable")]
        lines.append(f"  variants: {len(shown)} reportable" + ("" if shown else " (none)"))
        for v in shown:
            lines.append(f"    {v.get('gene') or '?':<7} {v.get('hgvs_c') or ''} {v.get('hgvs_p') or ''} "
                         f"VAF {v['vaf']:.2f} ({v.get('vaf_source')}, depth {v.get('depth')})")
    else:
        lines.append("  variants: not assessed")
    if isinstance(result.fusions, list):
        rep = [f for f in result.fusions if f["reported"]]
        lines.append("  fusions: " + (", ".join(f"{f['gene5']}::{f['gene3']}" + (
            f" [{f['known_fusion_hint']}]" if f.get("known_fusion_hint") else "") for f in rep)
            if rep else "none detected") + (f" ({len(result.fusions) - len(rep)} below reporting thresholds)"
                                            if len(result.fusions) > len(rep) else ""))
    else:
        lines.append("  fusions: not assessed")
    for gene, b in result.biallelic.items():
        if b.get("biallelic"):
            lines.append(f"  biallelic {gene}: " + "; ".join(b.get("evidence", [])))
    for w in result.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
