"""Variant interpretation (DESIGN §5): gene, annotation, polymorphism, depth/VAF/read flags, FFPE and germline hints,
classification and reportability.

Input: the ``variants`` table of :func:`lms_genomics.io.vcf.read_vcf` (one row per ALT allele). Output: the same rows
with

* ``gene`` filled by position where the file gave none (``gene_source``);
* lmsgen's own annotation on the bundled RefSeq models (:mod:`lms_genomics.calling.annotation`): where the file has
  no Ion Reporter ``FUNC`` it fills ``hgvs_c``/``hgvs_p``/``transcript`` (``annotation_source`` = ``"lmsgen
  NM_…"``); where it has one, FUNC's annotation is kept (``annotation_source`` = ``"FUNC"``) and any difference is
  written to ``annotation_disagreement``; ``consequence``, ``exon``, ``intron`` and ``notes`` in both cases;
* ``effect`` (normalised consequence), ``polymorphism`` with ``rsid``/``polymorphism_source``, ``germline_hint``,
  ``ffpe_artefact``, ``limit_of_detection``, ``classification`` (damaging / vus / benign / polymorphism / unknown,
  :mod:`lms_genomics.calling.knowledge`) with ``classification_reason``, and the flags ``low_depth``,
  ``below_vaf_floor``, ``few_alt_reads``, ``damaging``, ``reportable`` and ``exclusion_reasons`` (empty for a
  reportable allele).

Default thresholds and why (formats/vcf_archer.md §1.3, §1.6; every one a field of
:class:`lms_genomics.thresholds.Thresholds`):

* ``variant_min_depth = 20``: TVC's own CHP2 floors are min coverage 6 for SNVs and 15 for indels; 20 sits just above
  both. A QC floor, not a sensitivity claim: read ``limit_of_detection``.
* ``variant_min_vaf = 0.02``: TVC CHP2 ``snp_min_allele_freq``; keeps the thesis case 9 TP53 p.Ser241Phe at 6 %.
* ``variant_min_alt_reads = 5`` (``variant_ffpe_min_alt_reads = 10`` with ``variant_ffpe``).
* ``variant_max_pop_af = 0.01``: the usual definition of a polymorphism, applied when the file carries a frequency;
  the bundled table and the VCF ID's rs number catch the common ones when it does not (Ion files carry none).
* ``variant_ffpe_artefact_max_vaf = 0.10``: C:G>T:A below it is flagged, with a recommendation to confirm.
"""

from __future__ import annotations

import math
import re
from typing import Any

import numpy as np

from .._lazy import pandas as pd
from ..thresholds import DEFAULT_THRESHOLDS, Thresholds
from .annotation import TranscriptSet, annotate_allele, load_transcripts, same_hgvs
from .knowledge import INFRAME_DAMAGING_GENES, Knowledge, classify, clinvar_says, load_knowledge

__all__ = ["INFRAME_DAMAGING_GENES", "CONSEQUENCE_EFFECT", "annotate_variants", "effect_of", "min_alt_reads"]

PASSING_FILTERS = frozenset({"PASS", ".", ""})
#: lmsgen consequence → the normalised ``effect`` vocabulary shared with FUNC/VEP/snpEff words.
CONSEQUENCE_EFFECT = {
    "missense": "missense", "nonsense": "nonsense", "frameshift": "frameshift", "inframe_deletion": "inframe_indel",
    "inframe_insertion": "inframe_indel", "inframe_delins": "inframe_indel", "synonymous": "synonymous",
    "start_lost": "start_loss", "stop_lost": "stop_loss", "splice_donor": "splice", "splice_acceptor": "splice",
    "splice_donor_exon_end": "splice", "splice_donor_5th_base": "splice_region", "5_prime_UTR": "noncoding",
    "3_prime_UTR": "noncoding", "intronic": "noncoding", "upstream": "noncoding", "downstream": "noncoding",
}
_AA1 = "ACDEFGHIKLMNPQRSTVWY"
#: A protein substitution: three-letter (``p.Arg248Gln``) or one-letter (``p.R248Q``, ANNOVAR, cBioPortal).
_P_SUBSTITUTION = re.compile(r"^p\.\(?(?:([A-Z][a-z]{2})\d+(?!Ter)([A-Z][a-z]{2})|([" + _AA1 + r"])\d+([" + _AA1 +
                             r"]))\)?$")
NEW_COLUMNS: list[tuple[str, Any]] = [
    ("gene_source", object), ("consequence", object), ("exon", object), ("intron", object),
    ("annotation_source", object), ("annotation_disagreement", object), ("notes", object), ("effect", object),
    ("rsid", object), ("polymorphism", bool), ("polymorphism_source", object), ("germline_hint", object),
    ("ffpe_artefact", bool), ("limit_of_detection", float), ("classification", object),
    ("classification_reason", object), ("low_depth", bool), ("below_vaf_floor", bool), ("few_alt_reads", bool),
    ("damaging", bool), ("reportable", bool), ("exclusion_reasons", object),
]


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
    if "missense" in f or re.search(r"non[-_ ]?synonymous", f):  # ANNOVAR "nonsynonymous SNV" is a missense
        return "missense"
    if any(k in f for k in ("nonframeshift", "non_frameshift", "inframe", "in-frame", "in_frame")):
        return "inframe_indel"
    if "synonymous" in f or p in ("p.=", "p.(=)") or re.search(r"\d+=\)?$", p):
        return "synonymous"
    if "splicing" in words:  # ANNOVAR Func.refGene "splicing" (within 2 bp of a splice junction)
        return "splice"
    # HGVS fallback when no function word was given
    if p:
        if (re.search(r"(Ter|\*)\)?$", p) or re.search(r"\d+X\)?$", p)) and "ext" not in p and "fs" not in p:
            return "nonsense"  # p.(Arg213*), p.R213*, ANNOVAR's p.R213X
        if "fs" in p:
            return "frameshift"
        if "ext" in p:
            return "stop_loss"
        if re.match(r"^p\.\(?(Met1|M1)(?!\d)", p):
            return "start_loss"
        if "del" in p or "ins" in p or "dup" in p:
            return "inframe_indel"
        m = _P_SUBSTITUTION.match(p)
        if m:
            ref, alt = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
            return "synonymous" if ref == alt else "missense"  # p.R213R is p.(Arg213=)
    if re.search(r"c\.[-*]?\d+[+-][12](?!\d)", c):
        return "splice"
    if any(k in words for k in ("intron", "utr", "upstream", "downstream", "intergenic", "_nc", "noncoding",
                                "ncrna")):
        return "noncoding"
    return "unknown"


def min_alt_reads(thresholds: Thresholds) -> int:
    """The alt-read floor in force (FFPE mode raises it)."""
    return thresholds.variant_ffpe_min_alt_reads if thresholds.variant_ffpe else thresholds.variant_min_alt_reads


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


def _fmt(x: float | None) -> str:
    return "unknown" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:g}"


def _num(x: Any) -> float | None:
    v = pd.to_numeric(x, errors="coerce") if x is not None else None
    return None if v is None or pd.isna(v) else float(v)


def _text(x: Any) -> str | None:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return None
    s = str(x).strip()
    return s or None


def _ids(value: Any) -> list[str]:
    return [t for t in re.split(r"[;,]", str(value or "")) if t and t != "."]


def _own_annotation(row: dict[str, Any], ts: TranscriptSet) -> dict[str, Any]:
    """lmsgen's annotation merged with the file's FUNC (kept when present)."""
    out: dict[str, Any] = {"consequence": None, "exon": None, "intron": None, "annotation_source": None,
                           "annotation_disagreement": None, "notes": []}
    chrom, gene = str(row["chrom"]), row.get("gene")
    pos = int(row.get("norm_pos") or row["pos"])
    ref, alt = str(row.get("norm_ref") or row["ref"]), str(row.get("norm_alt") or row["alt"])
    func_c, func_p = _text(row.get("hgvs_c")), _text(row.get("hgvs_p"))
    func_words = _text(row.get("function")) or _text(row.get("location"))
    has_func = bool(func_c or func_p or func_words)
    func_tx = _text(row.get("transcript"))
    model = ts.by_accession(func_tx) if func_tx else None
    if model is not None and gene and model.gene != gene:
        model = None
    # FUNC naming another transcript (another gene, a non-coding RNA): ours would not be comparable
    tr = None if (has_func and func_tx and model is None) else (model or ts.for_variant(chrom, pos - 1, gene))
    ann = annotate_allele(ts, chrom, pos, ref, alt, gene=gene, transcript=tr) if tr is not None else None
    func_effect = effect_of(row.get("function"), row.get("location"), func_c, func_p)
    if ann is not None:
        out["exon"], out["intron"], out["notes"] = ann.exon, ann.intron, list(ann.notes)
        out["lmsgen_hgvs_p"] = ann.hgvs_p
    if has_func:
        out["annotation_source"] = "FUNC"
        out["effect"] = func_effect
        if ann is not None:
            if func_tx and func_tx != ann.transcript:
                out["notes"].append(f"FUNC transcript {func_tx}, lmsgen model {ann.transcript}")
            diffs = []
            if func_c and ann.hgvs_c and not same_hgvs(func_c, ann.hgvs_c):
                diffs.append(f"c.: FUNC {func_c}, lmsgen {ann.hgvs_c}")
            if func_p and ann.hgvs_p and not same_hgvs(func_p, ann.hgvs_p):
                diffs.append(f"p.: FUNC {func_p}, lmsgen {ann.hgvs_p}")
            our_effect = CONSEQUENCE_EFFECT.get(ann.consequence or "", "unknown")
            exon_end = ann.consequence == "splice_donor_exon_end" and func_effect in ("synonymous", "missense",
                                                                                     "inframe_indel")
            if exon_end:
                out["effect"] = "splice"
                out["notes"].append(f"lmsgen: last base of exon {ann.exon} (splice donor); FUNC calls it "
                                    f"{func_effect}")
            elif func_effect == "unknown":
                out["effect"] = our_effect
            elif our_effect not in ("unknown", func_effect):
                diffs.append(f"effect: FUNC {func_effect}, lmsgen {ann.consequence}")
            out["consequence"] = ann.consequence if (out["effect"] == our_effect) else None
            out["annotation_disagreement"] = "; ".join(diffs) or None
        if out["consequence"] is None and func_words:
            out["consequence"] = str(row.get("function") or row.get("location"))
        return out
    if ann is not None and ann.hgvs_c:
        out.update({"annotation_source": ann.source, "consequence": ann.consequence, "hgvs_c": ann.hgvs_c,
                    "hgvs_p": ann.hgvs_p, "transcript": ann.transcript,
                    "effect": CONSEQUENCE_EFFECT.get(ann.consequence or "", "unknown")})
    else:
        out["effect"] = "unknown"
        if ann is None and gene:
            out["notes"].append(f"no bundled transcript model covers this position of {gene}: effect unknown "
                                "(annotate the VCF with Ion Reporter, VEP or snpEff)")
    return out


def annotate_variants(variants: pd.DataFrame, genes: pd.DataFrame | None = None, thresholds: Thresholds | None = None,
                      *, transcripts: TranscriptSet | None = None, knowledge: Knowledge | None = None) -> pd.DataFrame:
    """Annotate, flag and classify each allele (see the module docstring); returns a new DataFrame.

    ``genes``: gene, chrom, start, end (0-based half-open, UCSC names); default the bundled gene BED. Used only
    where the VCF's annotation gave no gene. ``thresholds``: a :class:`Thresholds` (default the defaults).
    ``transcripts``/``knowledge``: default the bundled transcript models and knowledge tables.
    """
    t = thresholds or DEFAULT_THRESHOLDS
    if genes is None:
        from ..genome import load_genes

        genes = load_genes().genes
    v = variants.copy()
    if v.empty:
        for col, dtype in NEW_COLUMNS:
            v[col] = pd.Series(dtype=dtype)
        return v
    for col in ("gene", "function", "location", "hgvs_c", "hgvs_p", "filter_reasons", "transcript", "clinvar",
                "hotspot_id", "id"):
        if col not in v:
            v[col] = None
    for col in ("vaf", "depth", "alt_reads", "pop_af"):
        if col not in v:
            v[col] = np.nan
    for col in ("norm_pos", "norm_ref", "norm_alt"):
        if col not in v:
            v[col] = v[{"norm_pos": "pos", "norm_ref": "ref", "norm_alt": "alt"}[col]]
    if "called" not in v:
        v["called"] = True
    for col in ("gene", "transcript", "hgvs_c", "hgvs_p"):
        v[col] = v[col].astype(object)
    has_gene = v["gene"].notna() & (v["gene"].astype(str).str.strip() != "")
    v["gene_source"] = np.where(has_gene, "annotation", None)
    missing = ~has_gene
    if missing.any():
        by_pos = _genes_by_position(v.loc[missing], genes)
        v.loc[missing, "gene"] = by_pos
        v.loc[missing & v["gene"].notna(), "gene_source"] = "position"
    v["gene"] = v["gene"].astype(object).where(v["gene"].notna(), None)

    ts = transcripts if transcripts is not None else load_transcripts()
    kn = knowledge if knowledge is not None else load_knowledge()
    floor_reads = min_alt_reads(t)
    records = v.to_dict("records")
    new: dict[str, list[Any]] = {c: [] for c, _ in NEW_COLUMNS if c not in ("gene_source",)}
    fill: dict[str, list[Any]] = {"hgvs_c": [], "hgvs_p": [], "transcript": []}
    for r in records:
        a = _own_annotation(r, ts)
        for k in fill:
            fill[k].append(a.get(k, r.get(k)))
        notes: list[str] = a["notes"]
        vaf, depth, reads = _num(r.get("vaf")), _num(r.get("depth")), _num(r.get("alt_reads"))
        pop = _num(r.get("pop_af"))
        ref, alt = str(r.get("norm_ref") or ""), str(r.get("norm_alt") or "")
        ids = _ids(r.get("id")) + _ids(r.get("hotspot_id"))
        rs = next((x for x in ids if x.lower().startswith("rs")), None)
        cosmic = any(x.upper().startswith("COSM") for x in ids)
        known = kn.polymorphism_at(str(r["chrom"]), int(r["norm_pos"]), ref, alt) or kn.polymorphism_by_rsid(rs)
        poly_source = None
        if known is not None:
            rs = rs or known.rsid
            poly_source = known.describe_source()
        elif pop is not None and pop >= t.variant_max_pop_af:
            poly_source = f"population allele frequency {pop:g} in the file (>= {t.variant_max_pop_af:g})"
        polymorphism = poly_source is not None
        if known is not None and a["annotation_source"] is None:  # no FUNC, no model: the table's own HGVS
            a.update({"hgvs_c": known.hgvs_c, "hgvs_p": known.hgvs_p, "transcript": known.transcript,
                      "annotation_source": f"lmsgen polymorphism table {known.transcript}"})
            for k in fill:
                fill[k][-1] = a[k]
        dbsnp_site = (rs is not None and not cosmic) or known is not None
        hint = None
        if dbsnp_site and vaf is not None:
            where = f"dbSNP {rs}" if rs else "a known polymorphism"
            if t.variant_germline_het_min_vaf <= vaf <= t.variant_germline_het_max_vaf:
                hint = f"VAF {vaf:.2f} at {where}: probably heterozygous germline"
            elif vaf >= t.variant_germline_hom_min_vaf:
                hint = f"VAF {vaf:.2f} at {where}: probably homozygous germline (or loss of the other allele)"
        ffpe = (len(ref) == 1 and len(alt) == 1 and (ref, alt) in (("C", "T"), ("G", "A")) and vaf is not None
                and 0 < vaf < t.variant_ffpe_artefact_max_vaf)
        if ffpe:
            notes.append(f"C:G>T:A at VAF {vaf:.2f} (< {t.variant_ffpe_artefact_max_vaf:g}): possible FFPE deamination "
                         "artefact; confirm (repeat on another block or UDG-treated DNA, or an orthogonal method) "
                         "before acting on it")
        lod = round(floor_reads / depth, 4) if depth else None
        cls, why = classify(r.get("gene"), a["effect"], a["consequence"],
                            a.get("hgvs_p") or r.get("hgvs_p") or a.get("lmsgen_hgvs_p"), kn,
                            polymorphism=polymorphism,
                            clinvar=r.get("clinvar"), hotspot=cosmic)
        new["consequence"].append(a["consequence"])
        new["exon"].append(a["exon"])
        new["intron"].append(a["intron"])
        new["annotation_source"].append(a["annotation_source"])
        new["annotation_disagreement"].append(a["annotation_disagreement"])
        new["notes"].append(notes)
        new["effect"].append(a["effect"])
        new["rsid"].append(rs)
        new["polymorphism"].append(polymorphism)
        new["polymorphism_source"].append(poly_source)
        new["germline_hint"].append(hint)
        new["ffpe_artefact"].append(bool(ffpe))
        new["limit_of_detection"].append(lod)
        new["classification"].append(cls)
        new["classification_reason"].append(why)
        new["low_depth"].append(not (depth is not None and depth >= t.variant_min_depth))
        new["below_vaf_floor"].append(not (vaf is not None and vaf >= t.variant_min_vaf))
        new["few_alt_reads"].append(reads is not None and reads < floor_reads)
        new["damaging"].append(cls == "damaging")
        new["reportable"].append(True)
        new["exclusion_reasons"].append([])
    for k, vals in fill.items():
        v[k] = pd.Series(vals, index=v.index, dtype=object)
    for k, vals in new.items():
        v[k] = pd.Series(vals, index=v.index, dtype=object if k not in ("polymorphism", "ffpe_artefact", "low_depth",
                                                                        "below_vaf_floor", "few_alt_reads",
                                                                        "damaging", "reportable") else bool)
    v["limit_of_detection"] = pd.to_numeric(v["limit_of_detection"], errors="coerce")
    filt = v["filter"].fillna(".").astype(str) if "filter" in v else pd.Series(".", index=v.index)
    passing = filt.isin(PASSING_FILTERS)
    called = v["called"].astype(bool)
    depth = pd.to_numeric(v["depth"], errors="coerce")
    vaf = pd.to_numeric(v["vaf"], errors="coerce")
    reads = pd.to_numeric(v["alt_reads"], errors="coerce")
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
            r.append(f"polymorphism ({v.at[i, 'polymorphism_source']})")
        elif clinvar_says(v.at[i, "clinvar"]) == "benign":
            r.append(f"ClinVar benign ({v.at[i, 'clinvar']})")
        if v.at[i, "low_depth"]:
            r.append(f"low depth ({_fmt(depth[i])} < {t.variant_min_depth})")
        if v.at[i, "below_vaf_floor"]:
            r.append(f"VAF {_fmt(vaf[i])} below floor {t.variant_min_vaf:g}")
        if v.at[i, "few_alt_reads"] and called[i] and passing[i]:
            r.append(f"{_fmt(reads[i])} alt reads < {floor_reads}" + (" (FFPE mode)" if t.variant_ffpe else ""))
        reasons.append(r)
    v["exclusion_reasons"] = pd.Series(reasons, index=v.index, dtype=object)
    v["reportable"] = v["exclusion_reasons"].map(len) == 0
    return v
