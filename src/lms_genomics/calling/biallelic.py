"""Biallelic inactivation of tumour suppressors (DESIGN §5), from what the sample's data can show — and no more.

Per gene (default TP53 and RB1) the answer is ``biallelic`` true / false / null with a ``status`` and a ``reason``:

* ``confirmed`` (true): a homozygous deletion (integer copy number 0), or one damaging mutation plus loss of the other
  allele (heterozygous deletion or LOH) where PURPLE's rule holds: wild-type copies = CN × (1 − purity-adjusted VAF)
  < 0.5 (``biallelic_max_wildtype_copies``), i.e. every remaining copy carries the mutation. Purity-adjusted VAF =
  VAF × (p·CN + 2(1 − p)) / (p·CN). Without a purity (sample sheet) the rule is applied at purity 1, which gives the
  most wild-type copies the data allow: a pass there is a pass at any purity;
* ``probable`` (true): mutation + loss of the other allele where the rule fails or cannot be applied (subclonal loss,
  a VAF lower than a clonal hit on all copies, purity unknown); a fractional ChAS copy number (1.33, 1.5, 0.67) as the
  second hit (subclonal); two damaging mutations (unphased: tumour-only data cannot show they are in trans); a VAF
  that leaves no wild-type copy although no LOH was called;
* ``not_biallelic`` (false): at most one hit, and the missing hit could have been seen — copy number and LOH assessed,
  the gene's coding sequence sequenced (≥ ``cds_min_covered_fraction`` of it in the panel BED), no allele of unknown
  effect;
* ``not_assessable`` (null): the missing half could not be judged — variants not assessed, copy number not assessed
  or no data over the gene, LOH not assessed (an export without LOH rows is not "no LOH"), the sequenced territory
  unknown (no panel BED) or the gene not fully sequenced, or only variants of unknown significance / without
  annotation in the gene.

Only reportable alleles classified ``damaging`` (:mod:`lms_genomics.calling.knowledge`) count as hits;
polymorphisms never do.
"""

from __future__ import annotations

import math
from typing import Any

from .._lazy import pandas as pd
from ..thresholds import DEFAULT_THRESHOLDS, Thresholds
from .territory import describe_coverage

BIALLELIC_GENES = ("TP53", "RB1")
_CN_NOT_ASSESSED = "copy number not assessed: LOH or deletion of the other allele cannot be judged"
_NEXT_STEP = {"RB1": " (Rb immunohistochemistry is the usual next step)",
              "TP53": " (p53 immunohistochemistry can help)"}


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
    """``TP53 c.736A>G p.Met246Val (missense), VAF 0.38 (FAO/FDP 760/2000)`` (coordinates when there is no HGVS)."""
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
    if v.get("annotation_source") and str(v.get("annotation_source")).startswith("lmsgen"):
        text += f" [{v['annotation_source']}]"
    if v.get("ffpe_artefact") is True:
        text += " [C:G>T:A at low VAF: possible FFPE artefact, confirm]"
    return text


def _cn_evidence(gene: str, r: pd.Series) -> tuple[str | None, str | None, bool, bool]:
    """(evidence text, second hit kind 'deletion'/'LOH'/None, copy number informative?, LOH assessed?)."""
    call = str(r["call"])
    cn = _num(r.get("copy_number"))
    cn_txt = f"copy number {cn:g}" if cn is not None else "copy number unknown"
    loh = r.get("loh")
    loh = bool(loh) if loh is not None and not (isinstance(loh, float) and math.isnan(loh)) else None
    arm = _arm_of(r)
    where = f"{arm} " if arm else ""
    if call == "no_data":
        return f"no copy-number data over {gene}", None, False, loh is not None
    if call == "heterozygous_deletion":
        extra = " with LOH" if loh else ""
        return f"heterozygous deletion of {gene} ({cn_txt}){extra}", "deletion", True, loh is not None
    if call == "copy_neutral_loh":
        return f"{where}LOH over {gene} (copy-neutral, {cn_txt})", "LOH", True, True
    if loh:
        return f"{where}LOH over {gene} ({call}, {cn_txt})", "LOH", True, True
    if loh is None:
        return f"{gene} {call} ({cn_txt}); LOH not assessed", None, True, False
    return f"{gene} {call} ({cn_txt}), no LOH", None, True, True


def _prepare_variants(variants: pd.DataFrame, thresholds: Thresholds) -> pd.DataFrame:
    if "reportable" in variants and "damaging" in variants:
        return variants
    from .variants import annotate_variants

    return annotate_variants(variants, thresholds=thresholds)


def wildtype_copies(vaf: float, cn: float, purity: float | None) -> tuple[float, float]:
    """(wild-type copies, purity-adjusted VAF) by PURPLE's rule; purity None → 1 (the largest wild-type count)."""
    p = 1.0 if purity is None else purity
    if cn <= 0:
        return 0.0, 1.0
    adj = min(1.0, vaf * (p * cn + 2 * (1 - p)) / (p * cn))
    return cn * (1 - adj), adj


def _fractional(cn: float | None) -> bool:
    return cn is not None and abs(cn - round(cn)) > 0.01


def _coverage(territory: Any, gene: str, min_fraction: float) -> tuple[str, float | None, dict[str, Any] | None]:
    """('unknown'|'full'|'partial'|'no_model', fraction, coverage record)."""
    if not isinstance(territory, dict):
        return "unknown", None, None
    cov = territory.get(gene)
    if cov is None:
        return "no_model", None, None
    rec = cov if isinstance(cov, dict) else {"fraction": float(cov)}
    return ("full" if rec["fraction"] >= min_fraction else "partial"), rec["fraction"], rec


def biallelic_status(gene_calls: pd.DataFrame | list[dict[str, Any]] | None, variants: Any = "not_assessed",
                     genes: tuple[str, ...] = BIALLELIC_GENES, *, territory: Any = None,
                     purity: float | None = None, thresholds: Thresholds | None = None,
                     loh_caution: str | None = None) -> dict[str, Any]:
    """Per gene: ``{"biallelic": True/False/None, "status", "reason", "evidence": [...], "basis", "flags": [...]}``.

    ``gene_calls``: gene, call, copy_number, loh (from the copy-number calls: a table, or its rows as dicts), or
    None/empty when copy number was not assessed. ``variants``: ``"not_assessed"`` or the table of
    :func:`lms_genomics.calling.variants.annotate_variants` (a raw :func:`read_vcf` table is annotated first).
    ``territory``: None (unknown: no panel BED) or gene → covered fraction of the coding sequence (a float, or the
    records of :func:`lms_genomics.calling.territory.cds_coverage`). ``purity``: tumour cell fraction, or None.

    Without variants (the copy-number-only path) genes missing from ``gene_calls`` are left out, as before.
    ``loh_caution``: why the LOH calls are of low confidence (the array's ndSNPQC below its floor, issue 15): an
    LOH-based second hit is then 'probable', never 'confirmed', and a verdict resting on "no LOH" says so.
    """
    t = thresholds or DEFAULT_THRESHOLDS
    rows = gene_calls.to_dict("records") if hasattr(gene_calls, "to_dict") else list(gene_calls or [])
    cn_assessed = bool(rows)
    var_assessed = variants is not None and not isinstance(variants, str)  # a table, or "not_assessed"
    vt = _prepare_variants(variants, t) if var_assessed else None
    out: dict[str, Any] = {}
    position = {r["gene"]: i for i, r in enumerate(rows)}
    for gene in genes:
        r = rows[position[gene]] if gene in position else None
        if r is None and not var_assessed:
            continue
        out[gene] = _with_loh_caution(_one_gene(gene, r, cn_assessed, vt, territory, purity, t), loh_caution)
    return out


def _with_loh_caution(res: dict[str, Any], caution: str | None) -> dict[str, Any]:
    """A verdict resting on LOH calls of low confidence: an LOH-based 'confirmed' becomes 'probable'; a 'not
    biallelic' resting on "no LOH" carries the caution in its evidence."""
    if caution is None:
        return res
    loh_hit = "LOH of the other allele" in res["reason"]  # the second hit is an LOH call (see _one_gene)
    if res["status"] == "confirmed" and loh_hit:
        res.update(status="probable", reason=f"{res['reason']}; but {caution}")
        res["basis"] = res["reason"]
        res["flags"].append("low_snp_qc")
    elif res["status"] == "not_biallelic" or loh_hit or any("LOH" in e for e in res["evidence"][:1]):
        res["evidence"].append(f"LOH calls of low confidence: {caution}")
        res["flags"].append("low_snp_qc")
    return res


def _result(value: bool | None, status: str, reason: str, evidence: list[str], flags: list[str],
            basis: str | None = None) -> dict[str, Any]:
    return {"biallelic": value, "status": status, "reason": reason, "evidence": evidence, "basis": basis or reason,
            "flags": flags}


def _one_gene(gene: str, r: pd.Series | None, cn_assessed: bool, vt: pd.DataFrame | None, territory: Any,
              purity: float | None, t: Thresholds) -> dict[str, Any]:
    evidence: list[str] = []
    flags: list[str] = []
    cn = _num(r.get("copy_number")) if r is not None else None
    if r is not None and str(r["call"]) == "homozygous_deletion":
        evidence.append(f"homozygous deletion of {gene} (copy number {cn:g})" if cn is not None
                        else f"homozygous deletion of {gene}")
        if vt is not None:
            evidence += [describe_variant(m) for _, m in _hits(vt, gene).iterrows()]
        if _fractional(cn):
            flags.append("subclonal")
            return _result(True, "probable", f"homozygous deletion of {gene} at a fractional copy number ({cn:g}): "
                                             "subclonal", evidence, flags, "copy_number")
        return _result(True, "confirmed", f"homozygous deletion of {gene}", evidence, flags, "copy_number")

    second, cn_informative, loh_assessed = None, False, False
    if r is not None:
        text, second, cn_informative, loh_assessed = _cn_evidence(gene, r)
        evidence.append(text)
    elif vt is not None:
        evidence.append(_CN_NOT_ASSESSED if not cn_assessed else f"{gene} not in the copy-number calls")
    if vt is None:
        if second:
            evidence[-1] += ": first hit"
        return _result(None, "not_assessable", "copy number only: variants not assessed, a second hit cannot be judged",
                       evidence, flags)

    hits = _hits(vt, gene)
    evidence += [describe_variant(m) for _, m in hits.iterrows()]
    evidence += _not_counted(vt, gene)
    cov_state, fraction, cov = _coverage(territory, gene, t.cds_min_covered_fraction)
    if cov_state in ("full", "partial"):
        evidence.append(describe_coverage(gene, cov) if "coding_exons" in (cov or {}) else
                        f"{gene} coding sequence {fraction:.0%} sequenced by the panel BED")
    elif cov_state == "unknown":
        evidence.append("sequenced territory unknown (no panel BED): a negative mutation result is not assessable")
    territory_text = {"unknown": "the sequenced territory is unknown (no panel BED)",
                      "no_model": f"{gene} has no bundled transcript model to measure its sequenced fraction",
                      "partial": f"{gene} not fully sequenced ({fraction:.0%} of its coding sequence in the panel BED)"
                      if fraction is not None else "", "full": ""}[cov_state]
    n = len(hits)
    if n >= 2:
        flags.append("unphased")
        return _result(True, "probable", f"{n} damaging mutations in {gene}, unphased (cis/trans not shown by "
                                         "tumour-only data)", evidence, flags)
    if n == 1:
        hit = hits.iloc[0]
        vaf = _num(hit.get("vaf"))
        wt = None
        if vaf is not None and cn is not None:
            wt, adj = wildtype_copies(vaf, cn, purity)
            p_txt = f"purity {purity:g}" if purity is not None else "purity unknown, rule applied at purity 1"
            evidence.append(f"wild-type copies = CN {cn:g} × (1 − purity-adjusted VAF {adj:.2f}) = {wt:.2f} "
                            f"({p_txt})")
        if second is not None:
            if _fractional(cn):
                flags.append("subclonal")
                return _result(True, "probable", f"damaging mutation and {second} of the other allele at a fractional "
                                                 f"copy number ({cn:g}): probable (subclonal)", evidence, flags)
            if wt is not None and wt < t.biallelic_max_wildtype_copies:
                return _result(True, "confirmed", f"damaging mutation and {second} of the other allele; wild-type "
                                                  f"copies {wt:.2f} < {t.biallelic_max_wildtype_copies:g}",
                               evidence, flags)
            if wt is None:
                why = "VAF or copy number unknown: the wild-type-copies rule cannot be applied"
            elif purity is None:
                why = (f"purity unknown: at purity 1 the VAF leaves {wt:.2f} wild-type copies; give the tumour cell "
                       "content in the sample sheet to apply the rule")
            else:
                why = (f"wild-type copies {wt:.2f} >= {t.biallelic_max_wildtype_copies:g}: the VAF is lower than a "
                       "clonal hit on every copy (subclonal loss or subclonal mutation)")
            return _result(True, "probable", f"damaging mutation and {second} of the other allele; {why}", evidence,
                           flags)
        if wt is not None and wt < t.biallelic_max_wildtype_copies and cn_informative:
            flags.append("loh_inferred_from_vaf")
            return _result(True, "probable", f"one damaging mutation whose VAF leaves {wt:.2f} wild-type copies: "
                                             "the other allele is probably lost although no deletion/LOH was called",
                           evidence, flags)
        if not cn_informative:
            what = _CN_NOT_ASSESSED if r is None else f"no copy-number data over {gene}"
            return _result(None, "not_assessable", f"one damaging mutation; {what}", evidence, flags)
        if not loh_assessed:
            return _result(None, "not_assessable", "one damaging mutation; LOH not assessed (the export has no LOH "
                                                   "rows): a copy-neutral loss of the other allele cannot be judged",
                           evidence, flags)
        if cov_state != "full":
            return _result(None, "not_assessable", f"one damaging mutation, other allele retained by copy number; a "
                                                   f"second mutation cannot be excluded: {territory_text}",
                           evidence, flags)
        return _result(False, "not_biallelic", "one damaging mutation, other allele retained (no deletion, no LOH) "
                                               f"and no second mutation in the sequenced {gene} coding sequence",
                       evidence, flags)
    # no damaging mutation
    unclear = _unclear(vt, gene)
    if len(unclear):
        kinds = sorted(set(unclear["classification"].astype(str)))
        flags.append("unannotated_variants" if "unknown" in kinds else "vus_variants")
        if "unknown" in kinds and "vus" in kinds:
            flags.append("vus_variants")
        return _result(None, "not_assessable", f"no damaging mutation, but {len(unclear)} reportable allele(s) of "
                                               f"unknown effect or significance in {gene} ({', '.join(kinds)}): "
                                               "annotate or curate them to decide", evidence, flags)
    if not cn_informative:
        what = _CN_NOT_ASSESSED if r is None else f"no copy-number data over {gene}"
        return _result(None, "not_assessable", f"no damaging mutation; {what}", evidence, flags)
    if cov_state != "full":
        return _result(None, "not_assessable", f"no damaging mutation found, but {territory_text}: the negative is "
                                               f"not assessable{_NEXT_STEP.get(gene, '')}", evidence, flags)
    evidence.append(f"no reportable damaging mutation in {gene}")
    if second is not None:
        return _result(False, "not_biallelic", f"one hit ({second}) and no damaging mutation in the sequenced {gene} "
                                               "coding sequence", evidence, flags)
    return _result(False, "not_biallelic", f"no copy-number hit and no damaging mutation in the sequenced {gene} "
                                           "coding sequence", evidence, flags)


def _gene_rows(vt: pd.DataFrame, gene: str) -> pd.DataFrame:
    if vt.empty or "gene" not in vt:
        return vt.iloc[0:0]
    return vt[vt["gene"].astype(str) == gene]


def _hits(vt: pd.DataFrame, gene: str) -> pd.DataFrame:
    g = _gene_rows(vt, gene)
    return g[g["reportable"].astype(bool) & g["damaging"].astype(bool)]


def _unclear(vt: pd.DataFrame, gene: str) -> pd.DataFrame:
    g = _gene_rows(vt, gene)
    if g.empty:
        return g.iloc[0:0]
    cls = g["classification"] if "classification" in g else g["effect"].map(
        lambda e: "unknown" if e in (None, "unknown") else "vus")
    g = g.assign(classification=cls)
    return g[g["reportable"].astype(bool) & g["classification"].isin(["unknown", "vus"])]


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
        cls = m.get("classification")
        if m.get("effect") in (None, "unknown"):
            why.append("effect unknown (no functional annotation)")
        elif cls and cls != "damaging" and not m.get("polymorphism"):
            why.append(f"{cls}: {m.get('classification_reason') or m.get('effect')}")
        lines.append(f"not counted: {describe_variant(m)}: {'; '.join(why)}")
    if len(rest) > limit:
        lines.append(f"not counted: {len(rest) - limit} more allele(s) of {gene}")
    return lines
