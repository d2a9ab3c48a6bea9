"""Biallelic inactivation of tumour suppressors (DESIGN §5), from what the sample's data can show.

Rules, per gene (default TP53 and RB1):

* homozygous deletion → biallelic on copy number alone;
* one reportable damaging mutation + LOH (copy-neutral or not) or heterozygous deletion of the same gene → biallelic;
* two reportable damaging mutations → biallelic, flagged ``unphased`` (tumour-only amplicon data cannot show the
  two hits sit on different alleles);
* otherwise False when both copy number and variants were assessed, and None (unknown, never False) when the
  missing half could have supplied the second hit: variants not assessed, or copy number not assessed /
  ``no_data`` for the gene, or a reportable allele in the gene has no functional annotation (flag
  ``unannotated_variants``: its effect, not its absence, is unknown).
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

BIALLELIC_GENES = ("TP53", "RB1")
_CN_NOT_ASSESSED = "copy number not assessed: LOH or deletion of the other allele cannot be judged"


def _num(x: Any) -> float | None:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def _arm_of(row: pd.Series) -> str | None:
    """Chromosome arm (e.g. ``17p``) of a gene-call row carrying chrom/start, else None."""
    if "chrom" not in row or "start" not in row:
        return None
    try:
        from ..genome import arm_at

        return arm_at(str(row["chrom"]), int(row["start"]))
    except Exception:  # noqa: BLE001 - the arm is decoration for the evidence text, never a reason to fail
        return None


def describe_variant(v: pd.Series) -> str:
    """``TP53 c.736A>G p.Met246Val, VAF 0.38 (FAO/FDP 760/2000)`` (coordinates when there is no HGVS)."""
    parts = [str(v.get("gene") or "?")]
    hgvs = [str(v[k]) for k in ("hgvs_c", "hgvs_p") if v.get(k)]
    if hgvs:
        parts += hgvs
    else:
        parts.append(f"{v.get('chrom')}:{v.get('norm_pos', v.get('pos'))} {v.get('norm_ref', v.get('ref'))}>"
                     f"{v.get('norm_alt', v.get('alt'))}")
    text = " ".join(parts)
    if v.get("effect") and v.get("effect") != "unknown":
        text += f" ({v['effect']})"
    vaf = _num(v.get("vaf"))
    if vaf is not None:
        text += f", VAF {vaf:.3g}"
        alt, depth, src = _num(v.get("alt_reads")), _num(v.get("depth")), v.get("vaf_source")
        if src and alt is not None and depth is not None:
            text += f" ({src} {alt:g}/{depth:g})"
        elif src:
            text += f" ({src})"
    return text


def _cn_evidence(gene: str, r: pd.Series) -> tuple[str | None, bool, bool]:
    """(evidence text, second hit by copy number?, copy number informative?) for one gene-call row."""
    call = str(r["call"])
    cn = _num(r.get("copy_number"))
    cn_txt = f"copy number {cn:g}" if cn is not None else "copy number unknown"
    loh = r.get("loh")
    loh = bool(loh) if loh is not None and not (isinstance(loh, float) and math.isnan(loh)) else None
    arm = _arm_of(r)
    where = f"{arm} " if arm else ""
    if call == "no_data":
        return f"no copy-number data over {gene}", False, False
    if call == "heterozygous_deletion":
        extra = " with LOH" if loh else ""
        return f"heterozygous deletion of {gene} ({cn_txt}){extra}", True, True
    if call == "copy_neutral_loh":
        return f"{where}LOH over {gene} (copy-neutral, {cn_txt})", True, True
    if loh:
        return f"{where}LOH over {gene} ({call}, {cn_txt})", True, True
    if loh is None:
        return f"{gene} {call} ({cn_txt}); LOH not assessed", False, True
    return f"{gene} {call} ({cn_txt}), no LOH", False, True


def _prepare_variants(variants: pd.DataFrame) -> pd.DataFrame:
    if "reportable" in variants and "damaging" in variants:
        return variants
    from .variants import annotate_variants

    return annotate_variants(variants)


def biallelic_status(gene_calls: pd.DataFrame | None, variants: Any = "not_assessed",
                     genes: tuple[str, ...] = BIALLELIC_GENES) -> dict[str, Any]:
    """Per gene: ``{"biallelic": True/False/None, "evidence": [...], "basis": ..., "flags": [...]}``.

    ``gene_calls``: gene, call, copy_number, loh (from the copy-number calls), or None/empty when copy number
    was not assessed. ``variants``: ``"not_assessed"`` or the table of
    :func:`lms_genomics.calling.variants.annotate_variants` (a raw :func:`read_vcf` table is annotated with
    the defaults). Only ``reportable`` and ``damaging`` alleles count as hits.

    Without variants (the copy-number-only path) genes missing from ``gene_calls`` are left out, as before.
    """
    cn_assessed = gene_calls is not None and not gene_calls.empty
    var_assessed = isinstance(variants, pd.DataFrame)
    vt = _prepare_variants(variants) if var_assessed else None
    out: dict[str, Any] = {}
    position = {g: i for i, g in enumerate(gene_calls["gene"].tolist())} if cn_assessed else {}
    for gene in genes:
        r = gene_calls.iloc[position[gene]] if gene in position else None
        if r is None and not var_assessed:
            continue
        evidence: list[str] = []
        flags: list[str] = []

        if r is not None and str(r["call"]) == "homozygous_deletion":
            cn = _num(r.get("copy_number"))
            evidence.append(f"homozygous deletion of {gene} (copy number {cn:g})" if cn is not None
                            else f"homozygous deletion of {gene}")
            if vt is not None:
                evidence += [describe_variant(m) for _, m in _hits(vt, gene).iterrows()]
            out[gene] = {"biallelic": True, "evidence": evidence, "basis": "copy_number", "flags": flags}
            continue

        cn_hit, cn_informative = False, False
        if r is not None:
            text, cn_hit, cn_informative = _cn_evidence(gene, r)
            evidence.append(text)
        elif var_assessed:
            evidence.append(_CN_NOT_ASSESSED if not cn_assessed else f"{gene} not in the copy-number calls")

        if not var_assessed:
            # unchanged copy-number-only behaviour: a second hit cannot be judged
            if cn_hit:
                evidence[-1] += ": first hit"
            out[gene] = {"biallelic": None, "evidence": evidence,
                         "basis": "copy_number only: variants not assessed, a second hit cannot be judged",
                         "flags": flags}
            continue

        hits = _hits(vt, gene)
        evidence += [describe_variant(m) for _, m in hits.iterrows()]
        evidence += _not_counted(vt, gene)
        n = len(hits)
        if n >= 2:
            flags.append("unphased")
            evidence.append(f"{n} damaging mutations in {gene}: unphased (cis/trans not shown by tumour-only data)")
            status, basis = True, "two or more damaging mutations"
        elif n == 1 and cn_hit:
            status, basis = True, "damaging mutation and loss of the other allele"
        elif not cn_informative:
            status = None
            basis = ("variants only: " + (_CN_NOT_ASSESSED if r is None else "no copy-number data for the gene")
                     + ("; one damaging mutation" if n == 1 else "; no damaging mutation"))
        elif n == 1:
            status, basis = False, "one damaging mutation, other allele retained by copy number"
        else:
            evidence.append(f"no reportable damaging mutation in {gene}")
            status, basis = False, "copy number and variants: at most one hit"
        unknown = _unknown_effect(vt, gene)
        if status is False and len(unknown):
            # a reportable allele of unknown effect could be the missing hit: do not say "no"
            status = None
            flags.append("unannotated_variants")
            basis += (f"; but {len(unknown)} reportable allele(s) of unknown effect in {gene}: annotate the VCF "
                      "(Ion Reporter FUNC, VEP or snpEff) to decide")
        out[gene] = {"biallelic": status, "evidence": evidence, "basis": basis, "flags": flags}
    return out


def _gene_rows(vt: pd.DataFrame, gene: str) -> pd.DataFrame:
    if vt.empty or "gene" not in vt:
        return vt.iloc[0:0]
    return vt[vt["gene"].astype(str) == gene]


def _hits(vt: pd.DataFrame, gene: str) -> pd.DataFrame:
    g = _gene_rows(vt, gene)
    return g[g["reportable"].astype(bool) & g["damaging"].astype(bool)]


def _unknown_effect(vt: pd.DataFrame, gene: str) -> pd.DataFrame:
    g = _gene_rows(vt, gene)
    if g.empty or "effect" not in g:
        return g.iloc[0:0]
    return g[g["reportable"].astype(bool) & (g["effect"].fillna("unknown") == "unknown")]


def _not_counted(vt: pd.DataFrame, gene: str, limit: int = 5) -> list[str]:
    """Alleles of the gene with reads that were not counted as a hit, with the reason (for the reader)."""
    g = _gene_rows(vt, gene)
    if g.empty:
        return []
    reads = pd.to_numeric(g["alt_reads"], errors="coerce") if "alt_reads" in g else pd.Series(1, index=g.index)
    rest = g[~(g["reportable"].astype(bool) & g["damaging"].astype(bool)) & (reads.fillna(1) > 0)]
    lines = []
    for _, m in rest.head(limit).iterrows():
        why = list(m.get("exclusion_reasons") or [])
        if m.get("effect") in (None, "unknown"):
            why.append("effect unknown (no functional annotation)")
        elif not m.get("damaging"):
            why.append(f"not damaging ({m.get('effect')})")
        lines.append(f"not counted: {describe_variant(m)}: {'; '.join(why)}")
    if len(rest) > limit:
        lines.append(f"not counted: {len(rest) - limit} more allele(s) of {gene}")
    return lines
