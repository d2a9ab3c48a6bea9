"""A short human summary of a result (the CLI prints it; the library only formats it)."""

from __future__ import annotations

import pandas as pd

from ..result import SampleResult

KEY_GENES = ("RB1", "TP53", "MYOCD", "PTEN", "CDKN2A")


def _missing(value: object) -> bool:
    return value is None or bool(pd.isna(value))


def _cn(value: object) -> str:
    return "" if _missing(value) else f"CN {float(value):g}"


def format_summary(result: SampleResult, genes: tuple[str, ...] = KEY_GENES) -> str:
    """Multi-line text: profile class with A, C, GI, FGA; key gene calls with evidence; arm-level; warnings."""
    p = result.profile
    lines = [f"{result.sample}: {p.profile_class} profile (A={p.anomalies} anomalies on C={p.chromosomes} "
             f"chromosomes, GI={p.genomic_index:.1f}, FGA={p.fga:.3f})"]
    g = result.genes.set_index("gene")
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
    arms = result.arm_level
    parts = [f"{k} {','.join(arms[k])}" for k in ("AMP", "GAIN", "LOSS", "LOH")
             if isinstance(arms.get(k), list) and arms[k]]
    if arms.get("LOH") == "not_assessed":
        parts.append("LOH not assessed")
    lines.append("  arm-level: " + ("; ".join(parts) if parts else "none"))
    for w in result.warnings:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
