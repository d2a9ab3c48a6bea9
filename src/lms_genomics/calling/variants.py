"""Variant interpretation (DESIGN §5): gene, polymorphism, depth/VAF flags, damaging effect, reportability.

Input: the ``variants`` table of :func:`lms_genomics.io.vcf.read_vcf` (one row per ALT allele). Output: the
same rows with ``gene`` filled by position where the file gave none (``gene_source``), ``effect`` (a
normalised consequence), and the flags ``polymorphism``, ``low_depth``, ``below_vaf_floor``, ``damaging``,
``reportable`` and ``exclusion_reasons`` (a list of strings, empty for a reportable variant).

Default thresholds and why (formats/vcf_archer.md §1.3, §1.6):

* ``min_depth = 20``: TVC's own CHP2 floors are min coverage 6 for SNVs and 15 for indels (with ≥ 2 reads per
  strand at hotspots); 20 sits just above both, so a reportable call always had more than the caller's own
  minimum, while amplicon panels normally run at hundreds to thousands of reads, so real calls are never lost
  to it. It is a QC floor, not a sensitivity claim: at depth 20 a 6% allele is ~1 read — read ``alt_reads``.
* ``min_vaf = 0.02``: TVC CHP2 ``snp_min_allele_freq`` (hotspot 0.01, indel 0.05). Anything lower is below what
  the caller was tuned to call outside hotspots; anything higher risks the thesis case 9 TP53 p.Ser241Phe at
  6%, which is real (subclonal or low tumour content) and must stay reportable.
* ``max_pop_af = 0.01``: the usual definition of a polymorphism (minor-allele frequency ≥ 1%, DESIGN §5); only
  applied when the file positively carries a population frequency (``pop_af`` NaN = unknown, never excluded).
"""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd

DEFAULT_MIN_DEPTH = 20
DEFAULT_MIN_VAF = 0.02
DEFAULT_MAX_POP_AF = 0.01
#: Genes where an in-frame indel counts as damaging (tumour suppressors whose in-frame indels are known to
#: inactivate; elsewhere an in-frame indel is of uncertain effect).
INFRAME_DAMAGING_GENES = frozenset({"TP53", "RB1"})
#: Effects counted as damaging (``inframe_indel`` only in :data:`INFRAME_DAMAGING_GENES`).
DAMAGING_EFFECTS = frozenset({"nonsense", "frameshift", "splice", "missense", "stop_loss", "start_loss"})
PASSING_FILTERS = frozenset({"PASS", ".", ""})

_P_MISSENSE = re.compile(r"^p\.\(?[A-Z][a-z]{2}\d+(?!Ter)[A-Z][a-z]{2}\)?$")


def effect_of(function: object, location: object = None, hgvs_c: object = None, hgvs_p: object = None) -> str:
    """Normalised consequence from Ion Reporter ``function``/``location`` words or SO terms (snpEff/VEP),
    falling back to the HGVS strings: nonsense, frameshift, splice, missense, stop_loss, start_loss,
    inframe_indel, synonymous, noncoding, unknown."""
    f = str(function or "").lower()
    loc = str(location or "").lower()
    c = str(hgvs_c or "")
    p = str(hgvs_p or "")
    words = f"{f} {loc}"
    if any(k in f for k in ("nonsense", "stop_gained", "stopgain")):
        return "nonsense"
    if "frameshift" in f.replace("nonframeshift", "").replace("non_frameshift", ""):
        return "frameshift"
    if ("splice" in words and "splice_region" not in words) or re.search(r"splicesite|splice_(acceptor|donor)", words):
        return "splice"
    if any(k in f for k in ("stoploss", "stop_lost", "stop_loss", "nonstop")):
        return "stop_loss"
    if any(k in f for k in ("startloss", "start_lost", "start_loss", "initiator_codon")):
        return "start_loss"
    if "missense" in f:
        return "missense"
    if any(k in f for k in ("nonframeshift", "non_frameshift", "inframe", "in-frame", "in_frame")):
        return "inframe_indel"
    if "synonymous" in f or p in ("p.=", "p.(=)") or re.search(r"\d+=$", p):
        return "synonymous"
    # HGVS fallback when no function word was given
    if p:
        if re.search(r"(Ter|\*)\)?$", p) and "ext" not in p:
            return "nonsense"
        if "fs" in p:
            return "frameshift"
        if "ext" in p:
            return "stop_loss"
        if re.match(r"^p\.\(?Met1", p):
            return "start_loss"
        if "del" in p or "ins" in p or "dup" in p:
            return "inframe_indel"
        if _P_MISSENSE.match(p):
            return "missense"
    if re.search(r"c\.-?\d+[+-][12](?!\d)", c):
        return "splice"
    if any(k in words for k in ("intron", "utr", "upstream", "downstream", "intergenic", "_nc", "noncoding")):
        return "noncoding"
    return "unknown"


def _genes_by_position(variants: pd.DataFrame, genes: pd.DataFrame) -> pd.Series:
    """Gene symbol whose 0-based half-open span holds the variant's first affected base (first in table)."""
    out = pd.Series([None] * len(variants), index=variants.index, dtype=object)
    pos0 = (variants["norm_pos"] if "norm_pos" in variants else variants["pos"]).astype("int64") - 1
    for chrom, idx in variants.groupby(variants["chrom"].astype(str)).groups.items():
        g = genes[genes["chrom"].astype(str) == chrom]
        if g.empty:
            continue
        starts, ends, names = g["start"].to_numpy(), g["end"].to_numpy(), g["gene"].astype(str).to_numpy()
        for i in idx:
            hit = np.flatnonzero((starts <= pos0[i]) & (pos0[i] < ends))
            if hit.size:
                out[i] = names[hit[0]]
    return out


def _fmt(x: float) -> str:
    return "unknown" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:g}"


def annotate_variants(variants: pd.DataFrame, genes: pd.DataFrame | None = None, *,
                      min_depth: int = DEFAULT_MIN_DEPTH, min_vaf: float = DEFAULT_MIN_VAF,
                      max_pop_af: float = DEFAULT_MAX_POP_AF) -> pd.DataFrame:
    """Flag each allele (see module docstring for the thresholds' reasoning); returns a new DataFrame.

    ``genes``: gene, chrom, start, end (0-based half-open, UCSC names); default
    ``lms_genomics.genome.load_genes().genes``. Used only where the VCF's annotation gave no gene.
    """
    if genes is None:
        from ..genome import load_genes

        genes = load_genes().genes
    v = variants.copy()
    if v.empty:
        for col, dtype in (("gene_source", object), ("effect", object), ("polymorphism", bool),
                           ("low_depth", bool), ("below_vaf_floor", bool), ("damaging", bool),
                           ("reportable", bool), ("exclusion_reasons", object)):
            v[col] = pd.Series(dtype=dtype)
        return v
    for col in ("gene", "function", "location", "hgvs_c", "hgvs_p", "filter_reasons"):
        if col not in v:
            v[col] = None
    for col in ("vaf", "depth", "alt_reads", "pop_af"):
        if col not in v:
            v[col] = np.nan
    if "called" not in v:
        v["called"] = True
    has_gene = v["gene"].notna() & (v["gene"].astype(str).str.strip() != "")
    v["gene_source"] = np.where(has_gene, "annotation", None)
    missing = ~has_gene
    if missing.any():
        by_pos = _genes_by_position(v.loc[missing], genes)
        v.loc[missing, "gene"] = by_pos
        v.loc[missing & v["gene"].notna(), "gene_source"] = "position"
    v["gene"] = v["gene"].astype(object).where(v["gene"].notna(), None)

    v["effect"] = [effect_of(*r) for r in v[["function", "location", "hgvs_c", "hgvs_p"]].itertuples(index=False)]
    pop = pd.to_numeric(v["pop_af"], errors="coerce")
    depth = pd.to_numeric(v["depth"], errors="coerce")
    vaf = pd.to_numeric(v["vaf"], errors="coerce")
    v["polymorphism"] = (pop >= max_pop_af).fillna(False).astype(bool)
    v["low_depth"] = ~(depth >= min_depth)
    v["below_vaf_floor"] = ~(vaf >= min_vaf)
    inframe_ok = v["gene"].isin(INFRAME_DAMAGING_GENES)
    v["damaging"] = v["effect"].isin(DAMAGING_EFFECTS) | ((v["effect"] == "inframe_indel") & inframe_ok)
    filt = v["filter"].fillna(".").astype(str) if "filter" in v else pd.Series(".", index=v.index)
    passing = filt.isin(PASSING_FILTERS)
    called = v["called"].astype(bool)

    reasons: list[list[str]] = []
    for i in v.index:
        r: list[str] = []
        if not passing[i]:
            fr = v.at[i, "filter_reasons"]
            r.append(f"FILTER {filt[i]}" + (f" ({fr})" if fr else ""))
        elif not called[i]:
            gt = v.at[i, "genotype"] if "genotype" in v else None
            alt_reads = v.at[i, "alt_reads"]
            if alt_reads is not None and not pd.isna(alt_reads) and alt_reads <= 0:
                r.append("no alt reads")
            else:
                r.append(f"allele not in genotype {gt}")
        if v.at[i, "polymorphism"]:
            r.append(f"polymorphism (population AF {_fmt(pop[i])} >= {max_pop_af:g})")
        if v.at[i, "low_depth"]:
            r.append(f"low depth ({_fmt(depth[i])} < {min_depth})")
        if v.at[i, "below_vaf_floor"]:
            r.append(f"VAF {_fmt(vaf[i])} below floor {min_vaf:g}")
        reasons.append(r)
    v["exclusion_reasons"] = pd.Series(reasons, index=v.index, dtype=object)
    v["reportable"] = v["exclusion_reasons"].map(len) == 0
    return v
