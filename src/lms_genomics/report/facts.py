"""What a tumour board reads first, extracted once from a result's JSON document for every reader-facing output
(the HTML report, the terminal summary, the cohort page): assays and their QC, the non-contributory verdict,
profile, ploidy/sex, key genes with biallelic status, findings worth discussing, and the wording and rounding
readers see (copy number to 0.1, FGA in %, GI to 0.1; no internal keys). Full precision stays in the JSON.

Keys added by later schema revisions (``qc.copy_number``, ``profile.ploidy``, ``biallelic.<G>.status``,
``variants[].classification``, ``fusions == "not_assessable"``, …) are used when present and skipped otherwise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from ..genome import KEY_GENES
from .hints import HintRule, differential_hints
from .iscn import band_at

CALL_TEXT = {"homozygous_deletion": "homozygous deletion", "heterozygous_deletion": "heterozygous deletion",
             "copy_neutral_loh": "copy-neutral LOH", "gain": "gain", "amplification": "amplification",
             "neutral": "no change", "no_data": "no data", "not_assessed": "not assessed"}
SHORT_CALL_TEXT = {"homozygous_deletion": "hom. deletion", "heterozygous_deletion": "het. deletion",
                   "copy_neutral_loh": "cn-LOH", "gain": "gain", "amplification": "amplification",
                   "neutral": "no change", "no_data": "no data"}
VERDICT_TEXT = {"pass": "pass", "fail": "FAIL", "not_assessed": "not assessed", "not_assessable": "not assessable"}
BIALLELIC_TEXT = {"confirmed": "biallelic (confirmed)", "probable": "biallelic (probable)",
                  "not_biallelic": "not biallelic", "not_assessable": "cannot be judged"}
INPUT_TEXT = {"chas_segments": "OncoScan ChAS segment export", "log2_seg": "log2-ratio segments (.seg)",
              "seg": "log2-ratio segments (.seg)", "cnvkit_cns": "CNVkit segments (.cns)",
              "vcf": "Ion Torrent VCF", "probes": "ChAS probe-level export", "archer_full_results":
              "Archer full_results", "archer_json": "Archer isoform JSON", "archer_table": "Archer fusion table",
              "archer_vcf": "Archer fusion VCF", "fusion_vcf": "Archer fusion VCF"}
COPY_NUMBER_FORMATS = ("chas_segments", "log2_seg", "seg", "cnvkit_cns")
LOG2_FORMATS = ("log2_seg", "seg", "cnvkit_cns")


# --- numbers as readers see them --------------------------------------------------------------------------------

def _num(value: Any) -> float | None:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def fmt_cn(value: Any) -> str:
    """Copy number to 0.1 (``8``, ``1.3``, ``1.0`` for 0.95: an integer is printed bare only when it is one, so a
    homozygous deletion at CN 0.95 never reads "CN 1"); ``—`` when missing."""
    v = _num(value)
    if v is None:
        return "—"
    return f"{round(v):.0f}" if abs(v - round(v)) < 0.005 else f"{v:.1f}"


def fmt_pct(value: Any, digits: int = 0) -> str:
    """A fraction as a percentage (``0.234`` → ``23 %``)."""
    v = _num(value)
    return "—" if v is None else f"{100 * v:.{digits}f} %"


def fmt_vaf(value: Any) -> str:
    """VAF in % (one decimal below 10 %: the floor is 2 %)."""
    v = _num(value)
    if v is None:
        return "—"
    return f"{100 * v:.1f} %" if v < 0.1 else f"{100 * v:.0f} %"


def fmt_gi(value: Any) -> str:
    v = _num(value)
    return "—" if v is None else f"{v:.1f}"


_INTERNAL_WORDS = {"copy_number": "copy number", "not_assessed": "not assessed", "not_assessable": "not assessable",
                   "copy_neutral_loh": "copy-neutral LOH", "homozygous_deletion": "homozygous deletion",
                   "heterozygous_deletion": "heterozygous deletion", "no_data": "no data",
                   "not_biallelic": "not biallelic"}


def wordify(text: str) -> str:
    """Internal keys inside a sentence written for readers replaced by words."""
    for key, words in _INTERNAL_WORDS.items():
        text = text.replace(key, words)
    return text


def readable(value: Any) -> str:
    """An internal key (``not_assessed``, ``copy_neutral_loh``) as words."""
    if value is None:
        return "—"
    text = str(value)
    if text in CALL_TEXT:
        return CALL_TEXT[text]
    if text in BIALLELIC_TEXT:
        return BIALLELIC_TEXT[text]
    return text.replace("_", " ") if " " not in text else text


# --- assays and QC ----------------------------------------------------------------------------------------------

@dataclass
class Assay:
    """One assay of the sample: whether it was read, from what, and its QC verdict."""

    name: str  # "copy number", "variants", "fusions"
    read: bool
    source: str  # what was read, or why it was not
    verdict: str  # pass / fail / not_assessed / not_assessable
    reasons: list[str] = field(default_factory=list)
    detail: str = ""  # the measures behind the verdict, cautions, what a negative holds for

    @property
    def text(self) -> str:
        if not self.read:
            return f"{self.name}: {self.source}"
        notes = [*self.reasons, *([self.detail] if self.detail else [])]
        reasons = f" ({'; '.join(notes)})" if notes else ""
        return f"{self.name}: {self.source}, QC {VERDICT_TEXT.get(self.verdict, readable(self.verdict))}{reasons}"


def _g(value: Any, digits: int = 3) -> str:
    v = _num(value)
    return "—" if v is None else f"{v:.{digits}g}"


def assay_detail(name: str, block: dict[str, Any] | None) -> str:
    """The measures behind an assay's verdict as a reader sees them (``MAPD 0.18, ndSNPQC 31.4``; ``median depth
    2,000, limit of detection 2.0 % VAF``; ``RNA control 25.3 unique start sites``), with cautions."""
    if not block:
        return ""
    m = block.get("measures") or {}
    parts: list[str] = []
    if name == "copy number":
        if _num(m.get("mapd")) is not None:
            parts.append(f"MAPD {_g(m['mapd'])}")
        for key, label in (("nd_snp_qc", "ndSNPQC"), ("snp_qc", "SNPQC")):
            if _num(m.get(key)) is not None:
                parts.append(f"{label} {_g(m[key])}")
                break
        for key, label in (("nd_waviness_sd", "waviness SD"), ("waviness_sd", "waviness SD")):
            if _num(m.get(key)) is not None:
                parts.append(f"{label} {_g(m[key], 2)}")
                break
        if _num(m.get("tuscan_cellularity")) is not None:
            parts.append(f"TuScan cellularity {fmt_pct(m['tuscan_cellularity'])}")
        if m.get("gender"):
            parts.append(f"array gender call {m['gender']}")
    elif name == "variants":
        lod = lod_text(block)
        if lod:
            parts.append(lod)
        if _num(m.get("coverage_uniformity_pct")) is not None:
            parts.append(f"uniformity {float(m['coverage_uniformity_pct']):.0f} %")
    elif name == "fusions" and _num(m.get("rna_control_start_sites")) is not None:
        parts.append(f"RNA control {_g(m['rna_control_start_sites'])} unique start sites per GSP2 control")
    return "; ".join([", ".join(parts)] * bool(parts) + [str(c) for c in block.get("cautions") or []])


def lod_text(block: dict[str, Any] | None) -> str | None:
    """``median depth 2,000, limit of detection 2.0 % VAF`` of a variant QC block (None without one)."""
    if not block or block.get("read") is False:
        return None
    m = block.get("measures") or {}
    depth = _num(m.get("median_depth"))
    which = "median depth"
    if depth is None:
        depth, which = _num(m.get("coverage_mean_depth")), "mean base depth"
    if depth is None:
        return "depth unknown"
    lod = _num(m.get("limit_of_detection"))
    return f"{which} {depth:,.0f}" + (f", limit of detection {100 * lod:.1f} % VAF" if lod is not None else "")


def negative_variant_text(doc: dict[str, Any]) -> str:
    """What "no reportable variant" means for this result: at which depth and limit of detection, or that it is
    not a negative result when the variant QC failed."""
    qc = doc.get("qc") or {}
    block = qc.get("variants") if isinstance(qc.get("variants"), dict) else None
    if block is None:
        return "no reportable variant"
    if block.get("verdict") == "fail":
        return ("no reportable variant — not a negative result: variant QC failed ("
                + "; ".join(str(r) for r in block.get("reasons") or []) + ")")
    lod = lod_text(block)
    return "no reportable variant" + (f" ({lod})" if lod else "")


def _inputs(doc: dict[str, Any]) -> list[dict[str, Any]]:
    return [i for i in (doc.get("provenance") or {}).get("inputs") or [] if isinstance(i, dict)]


def input_formats(doc: dict[str, Any]) -> list[str]:
    return [str(i.get("format")) for i in _inputs(doc)]


def _legacy_verdict(qc: dict[str, Any], checks: tuple[str, ...]) -> str:
    states = [str((qc.get("checks") or {}).get(c, "not_assessed")) for c in checks]
    if "fail" in states:
        return "fail"
    return "pass" if "pass" in states else "not_assessed"


def _legacy_reasons(qc: dict[str, Any], words: tuple[str, ...]) -> list[str]:
    return [str(r) for r in qc.get("reasons") or [] if any(w in str(r) for w in words)]


def assays(doc: dict[str, Any]) -> list[Assay]:
    """Copy number, variants and fusions: read or not, and their QC verdicts (per-assay ``qc`` blocks when the
    result has them, else derived from ``qc.checks``)."""
    qc = doc.get("qc") or {}
    fmts = input_formats(doc)
    out = []
    cn_fmt = next((f for f in fmts if f in COPY_NUMBER_FORMATS), None)
    block = qc.get("copy_number") if isinstance(qc.get("copy_number"), dict) else None
    if cn_fmt is None and not isinstance(doc.get("segments"), list):
        out.append(Assay("copy number", False, "not assessed (no ChAS export or log2 segments)", "not_assessed"))
    else:
        src = INPUT_TEXT.get(cn_fmt or "", "copy-number segments")
        if "probes" in fmts:
            src += " + probe-level data"
        if block:
            out.append(Assay("copy number", True, src, str(block.get("verdict", "not_assessed")),
                             [wordify(str(r)) for r in block.get("reasons") or []],
                             assay_detail("copy number", block)))
        else:
            out.append(Assay("copy number", True, src, _legacy_verdict(qc, ("mapd", "segmentation")),
                             _legacy_reasons(qc, ("MAPD", "segments"))))
    block = qc.get("variants") if isinstance(qc.get("variants"), dict) else None
    if not isinstance(doc.get("variants"), list):
        out.append(Assay("variants", False, "not assessed (no Ion Torrent VCF)", "not_assessed"))
    elif block:
        out.append(Assay("variants", True, INPUT_TEXT["vcf"], str(block.get("verdict", "not_assessed")),
                         [str(r) for r in block.get("reasons") or []], assay_detail("variants", block)))
    else:
        out.append(Assay("variants", True, INPUT_TEXT["vcf"], _legacy_verdict(qc, ("sequencing_depth",)),
                         _legacy_reasons(qc, ("sequencing depth",))))
    fusions = doc.get("fusions")
    block = qc.get("fusions") if isinstance(qc.get("fusions"), dict) else None
    fus_fmt = next((f for f in fmts if f.startswith("archer") or f == "fusion_vcf"), None)
    src = INPUT_TEXT.get(fus_fmt or "", "Archer FusionPlex output")
    if fusions == "not_assessable":
        reasons = [str(r) for r in (block or {}).get("reasons") or []] or ["Archer RNA QC failed"]
        out.append(Assay("fusions", True, src, "not_assessable", reasons))
    elif not isinstance(fusions, list):
        out.append(Assay("fusions", False, "not assessed (no Archer output)", "not_assessed"))
    elif block:
        out.append(Assay("fusions", True, src, str(block.get("verdict", "not_assessed")),
                         [str(r) for r in block.get("reasons") or []], assay_detail("fusions", block)))
    else:
        out.append(Assay("fusions", True, src, "not_assessed"))
    return out


def non_contributory(doc: dict[str, Any]) -> tuple[bool, str]:
    """(True, why) when the copy-number assay or the whole sample failed QC: the sample is non-contributory."""
    qc = doc.get("qc") or {}
    cn = next((a for a in assays(doc) if a.name == "copy number"), None)
    if cn is not None and cn.read and cn.verdict == "fail":
        return True, "copy-number QC failed" + (f": {'; '.join(cn.reasons)}" if cn.reasons else "")
    if qc.get("verdict") == "fail":
        reasons = "; ".join(str(r) for r in qc.get("reasons") or [])
        return True, "sample QC failed" + (f": {reasons}" if reasons else "")
    return False, ""


# --- profile, ploidy, sex ---------------------------------------------------------------------------------------

def profile_text(doc: dict[str, Any]) -> str:
    """``complex profile — A = 14 anomalies on C = 10 chromosomes, GI = 19.6 (GI > 10), FGA 23 %``."""
    p = doc.get("profile")
    if not isinstance(p, dict):
        return "copy number not assessed"
    a = p.get("anomalies")
    cls = f"{p.get('class')} profile"
    if p.get("class") == "non_contributory":
        cls = f"non-contributory (copy-number QC failed; measured: {p.get('measured_class')} profile)"
    elif p.get("class") == "flat" and isinstance(p.get("tumour_content"), dict):
        tc = p["tumour_content"]
        cls = ("flat profile (tumour content not established)" if not tc.get("established")
               else f"flat profile ({tc.get('text')})")
    text = (f"{cls} — A = {a} {'anomaly' if a == 1 else 'anomalies'} on C = {p.get('chromosomes')} "
            f"{'chromosome' if p.get('chromosomes') == 1 else 'chromosomes'}, GI = {fmt_gi(p.get('genomic_index'))}")
    if p.get("gi_class"):
        text += f" ({p['gi_class']})"
    fga = _num(p.get("fga")) or 0.0
    text += f", FGA {fmt_pct(fga, 1 if 0 < fga < 0.01 else 0)}"
    counts = p.get("anomaly_counts")
    if isinstance(counts, dict):
        parts = [f"{k.replace('_', '-')} {counts[k]}" for k in ("whole_chromosome", "arm", "sub_arm") if k in counts]
        if parts:
            text += f" (of which {', '.join(parts)})"
    return text


def sex_of(doc: dict[str, Any]) -> tuple[str, str]:
    """(sex, where it came from); the provenance holds a plain string or ``{"value", "source"}``."""
    sex = (doc.get("provenance") or {}).get("sex")
    if isinstance(sex, dict):
        return str(sex.get("value") or "unknown"), str(sex.get("source") or "")
    return str(sex or "unknown"), ""


def ploidy_text(doc: dict[str, Any]) -> str:
    """``ploidy 3.1 (ASCAT), whole-genome doubling; sex female (sample sheet)``, only what is known."""
    parts = []
    p = doc.get("profile")
    ploidy = p.get("ploidy") if isinstance(p, dict) else None
    if isinstance(ploidy, dict) and _num(ploidy.get("value")) is not None:
        text = f"ploidy {float(ploidy['value']):.1f}"
        if ploidy.get("source"):
            text += f" ({ploidy['source']})"
        if ploidy.get("wgd") is True:
            text += ", whole-genome doubling"
        elif ploidy.get("wgd") is False:
            text += ", no whole-genome doubling"
        parts.append(text)
    sex, source = sex_of(doc)
    if sex in ("female", "male"):
        parts.append(f"sex {sex}" + (f" ({source})" if source else ""))
    return "; ".join(parts)


# --- key genes and findings -------------------------------------------------------------------------------------

def gene_call_text(g: dict[str, Any], short: bool = False) -> str:
    """``amplification (CN 8)``, ``heterozygous deletion (CN 1), LOH``, with partial coverage and flags."""
    call = str(g.get("call"))
    text = (SHORT_CALL_TEXT if short else CALL_TEXT).get(call, readable(call))
    cn = _num(g.get("copy_number"))
    if g.get("relative_state") and not short:  # baseline ploidy not 2: the state read against it, CN inside
        text = str(g["relative_state"])
    elif g.get("subclonal_or_mixed") is True and cn is not None:
        text += f" (fractional {cn:g})"  # "heterozygous deletion (fractional 1.5)": never a plain call
    elif call not in ("no_data", "not_assessed") and cn is not None:
        text += f" (CN {fmt_cn(g.get('copy_number'))})"
    if g.get("loh") is True and call != "copy_neutral_loh":
        text += ", LOH"
    if g.get("partial"):
        text += f", partial ({fmt_pct(g.get('covered_fraction'))} covered)"
    if g.get("focal") is True:
        text += ", focal"
    if g.get("subclonal_or_mixed") is True:
        text += ", subclonal or mixed"
    if g.get("low_level") is True:  # issue 13: a log2 change below the profile's threshold
        text += ", low-level (not counted in the profile)"
    if demoted(g):
        text += f" ({'tumour suppressor' if g.get('role') == 'tumour_suppressor' else 'oncogene'}: not headlined)"
    return text


def reportable_variants(doc: dict[str, Any], gene: str | None = None) -> list[dict[str, Any]]:
    variants = doc.get("variants")
    if not isinstance(variants, list):
        return []
    out = [v for v in variants if isinstance(v, dict) and v.get("reportable")
           and (gene is None or v.get("gene") == gene)]
    return sorted(out, key=lambda v: -(_num(v.get("vaf")) or 0))


def _bed_gene_names(path: str | None) -> frozenset[str]:
    import os

    try:
        st = os.stat(path) if path is not None else None
    except OSError:
        st = None
    return _bed_gene_names_cached(path, (st.st_size, st.st_mtime_ns) if st is not None else None)


@lru_cache(maxsize=8)
def _bed_gene_names_cached(path: str | None, stamp: tuple[int, int] | None) -> frozenset[str]:
    from ..genome import load_genes

    try:
        return frozenset(load_genes(path).genes["gene"].astype(str))
    except Exception:  # noqa: BLE001 - a moved or unreadable BED of an old result: the bundled one
        return frozenset(load_genes().genes["gene"].astype(str)) if path is not None else frozenset()


def reference_genes(doc: dict[str, Any]) -> frozenset[str]:
    """The genes of the result's reference (its gene calls, else the gene BED its provenance names, else the
    bundled one)."""
    if isinstance(doc.get("genes"), dict) and doc["genes"]:
        return frozenset(str(g) for g in doc["genes"])
    bed = ((doc.get("provenance") or {}).get("genes_bed") or {})
    return _bed_gene_names(str(bed["path"]) if isinstance(bed, dict) and bed.get("path") else None)


#: Classes of reportable alleles a reader is shown one by one; every other reportable allele is counted.
LISTED_CLASSES = ("damaging", "vus")


def _listed(v: dict[str, Any], genes: frozenset[str]) -> bool:
    """Damaging alleles of any gene, VUS of the reference genes (older results without ``classification``:
    ``damaging``)."""
    cls = v.get("classification")
    if cls is None:
        return bool(v.get("damaging"))
    return cls == "damaging" or (cls == "vus" and v.get("gene") in genes)


def _other_label(v: dict[str, Any], genes: frozenset[str]) -> str:
    if v.get("gene") not in genes:
        return "outside the reference genes"
    return {"benign": "benign", "unknown": "of unknown effect", "polymorphism": "polymorphism",
            "vus": "VUS"}.get(str(v.get("classification")), readable(v.get("classification") or "unclassified"))


@dataclass
class VariantOverview:
    """Reportable alleles a reader sees listed (damaging anywhere, VUS of the reference genes; by VAF) and the
    others counted by class."""

    listed: list[dict[str, Any]]
    others: dict[str, int]

    @property
    def n_others(self) -> int:
        return sum(self.others.values())

    def others_text(self, variants_tsv: str | None = None, lead: str = "other ") -> str:
        """``340 other reportable alleles: 20 benign, 320 outside the reference genes — see S.variants.tsv``."""
        if not self.others:
            return ""
        n = self.n_others
        parts = ", ".join(f"{c} {label}" for label, c in sorted(self.others.items(), key=lambda x: (-x[1], x[0])))
        where = f" — see {variants_tsv}" if variants_tsv else " (listed in the variants table)"
        return f"{n} {lead}reportable allele{'s' if n != 1 else ''}: {parts}{where}"


def variant_overview(doc: dict[str, Any], gene: str | None = None) -> VariantOverview:
    """The reportable alleles of ``doc`` (of ``gene`` only when given), split into listed and counted ones."""
    genes = reference_genes(doc)
    listed, others = [], {}
    for v in reportable_variants(doc, gene):
        if _listed(v, genes):
            listed.append(v)
        else:
            label = _other_label(v, genes)
            others[label] = others.get(label, 0) + 1
    return VariantOverview(listed, others)


def variant_text(v: dict[str, Any], with_gene: bool = True) -> str:
    """``TP53 c.736A>G p.Met246Val, VAF 38 % (depth 2,000), damaging``."""
    change = " ".join(x for x in (v.get("hgvs_c"), v.get("hgvs_p")) if x) or \
        f"{v.get('chrom')}:{v.get('pos')} {v.get('ref')}>{v.get('alt')}"
    depth = _num(v.get("depth"))
    text = (f"{v.get('gene') or '?'} " if with_gene else "") + change + f", VAF {fmt_vaf(v.get('vaf'))}"
    if depth is not None:
        text += f" (depth {depth:,.0f})"
    if v.get("classification"):
        text += f", {readable(v['classification'])}"
    elif v.get("damaging"):
        text += ", damaging"
    if v.get("consequence"):
        text += f", {readable(v['consequence'])}"
    return text


def biallelic_text(b: dict[str, Any] | None) -> str:
    """``biallelic (confirmed): homozygous deletion`` / ``not biallelic`` / ``cannot be judged: …``."""
    if not isinstance(b, dict):
        return "—"
    status = b.get("status")
    if status:
        text = BIALLELIC_TEXT.get(str(status), readable(status))
    else:
        value = b.get("biallelic")
        text = "biallelic" if value is True else ("not biallelic" if value is False else "cannot be judged")
    why = b.get("reason") or b.get("basis")
    if why:
        why = {"copy_number": "homozygous deletion"}.get(str(why), wordify(readable(why)))
        text += f": {why}"
    return text


def is_biallelic(b: dict[str, Any] | None) -> bool:
    if not isinstance(b, dict):
        return False
    if b.get("status"):
        return b["status"] in ("confirmed", "probable")
    return b.get("biallelic") is True


@dataclass
class KeyGene:
    gene: str
    call: str
    call_text: str
    mutations: list[str]
    biallelic: str
    biallelic_yes: bool
    role: str | None = None
    other_mutations: str = ""  # "3 other reportable alleles: 3 benign" (not listed one by one)


def key_genes(doc: dict[str, Any], genes: tuple[str, ...] = KEY_GENES) -> list[KeyGene]:
    """RB1, TP53, MYOCD, PTEN, CDKN2A: call, damaging/VUS mutations (the other reportable alleles counted),
    biallelic status (in that order)."""
    gmap = doc.get("genes") if isinstance(doc.get("genes"), dict) else {}
    bmap = doc.get("biallelic") if isinstance(doc.get("biallelic"), dict) else {}
    out = []
    for name in genes:
        g = gmap.get(name)
        overview = variant_overview(doc, name)
        muts = [variant_text(v, with_gene=False) for v in overview.listed]
        if g is None and not muts and not overview.others and name not in bmap:
            continue
        call = str(g.get("call")) if g else "not_assessed"
        out.append(KeyGene(name, call, gene_call_text(g) if g else "copy number not assessed", muts,
                           biallelic_text(bmap.get(name)) if name in bmap else "—", is_biallelic(bmap.get(name)),
                           (g or {}).get("role"),
                           overview.others_text(lead="other " if muts else "").replace(
                               " (listed in the variants table)", "")))
    return out


@dataclass
class GeneFinding:
    gene: str
    band: str
    copy_number: str
    text: str


@dataclass
class Findings:
    """Findings worth discussing: high-level amplifications and homozygous deletions of any gene, the hints
    they raise, reportable variants and fusions."""

    amplifications: list[GeneFinding]
    homozygous_deletions: list[GeneFinding]
    hints: list[HintRule]
    variants: list[str]  # damaging alleles, VUS of the reference genes
    fusions: list[str]
    fusions_status: str  # "listed", "none detected", "not assessed", "not assessable"
    other_variants: VariantOverview | None = None  # the other reportable alleles, counted by class


def demoted(g: dict[str, Any]) -> bool:
    """Whether a call is shown but not headlined: a tumour suppressor's amplification, an oncogene's partial
    deletion (the gene's ``role``, issue 13)."""
    role, call = g.get("role"), g.get("call")
    return ((role == "tumour_suppressor" and call == "amplification")
            or (role == "oncogene" and call in ("homozygous_deletion", "heterozygous_deletion")
                and g.get("partial") is True))


def _gene_findings(gmap: dict[str, Any], call: str) -> list[GeneFinding]:
    out = []
    for name, g in gmap.items():
        if g.get("call") != call or demoted(g):
            continue
        band = ""
        if g.get("chrom") and g.get("start") is not None and g.get("end") is not None:
            mid = (int(g["start"]) + int(g["end"])) // 2
            band = str(g["chrom"]).removeprefix("chr") + band_at(str(g["chrom"]), mid)
        out.append(GeneFinding(name, band, fmt_cn(g.get("copy_number")), gene_call_text(g)))
    key = {"amplification": lambda f: -(_num(f.copy_number) or 0), "homozygous_deletion": lambda f: 0}[call]
    return sorted(out, key=lambda f: (key(f), f.band, f.gene))


def fusion_lines(doc: dict[str, Any]) -> tuple[list[str], str]:
    """(reported fusions as text, status): ``listed``, ``none detected`` (qualified when the RNA QC was not
    assessed), ``not assessed``, ``not assessable (Archer RNA QC failed: …)``."""
    fusions = doc.get("fusions")
    block = (doc.get("qc") or {}).get("fusions")
    block = block if isinstance(block, dict) else {}
    if fusions == "not_assessable":
        why = "; ".join(str(r) for r in block.get("reasons") or [])
        return [], "not assessable (Archer RNA QC failed" + (f": {why})" if why else ")")
    if not isinstance(fusions, list):
        return [], "not assessed"
    rep = [f for f in fusions if f.get("reported")]
    lines = []
    for f in rep:
        name = f.get("fusion") or f"{f.get('gene5')}::{f.get('gene3')}"
        extra = []
        if _num(f.get("unique_start_sites")) is not None:
            extra.append(f"{int(f['unique_start_sites'])} unique start sites")
        if _num(f.get("reads")) is not None:
            extra.append(f"{int(f['reads'])} reads")
        text = name + (f" ({', '.join(extra)})" if extra else "")
        if f.get("known_fusion_hint"):
            text += f" — {f['known_fusion_hint']}"
        if f.get("qc_warning"):
            text += f" [QC warning: {f['qc_warning']}]"
        lines.append(text)
    if lines:
        return lines, "listed"
    if block.get("read") and block.get("verdict") == "not_assessed":
        return lines, "none detected (Archer RNA QC not assessed: no control metric)"
    return lines, "none detected"


def findings(doc: dict[str, Any]) -> Findings:
    gmap = doc.get("genes") if isinstance(doc.get("genes"), dict) else {}
    amps = _gene_findings(gmap, "amplification")
    homdels = _gene_findings(gmap, "homozygous_deletion")
    hints = differential_hints({n: str(g.get("call")) for n, g in gmap.items()})
    fus, status = fusion_lines(doc)
    overview = variant_overview(doc)
    return Findings(amps, homdels, hints, [variant_text(v) for v in overview.listed], fus, status, overview)


def variants_text(doc: dict[str, Any], variants_tsv: str | None = None) -> str:
    """The variant line a reader sees: the damaging and VUS alleles one by one, the other reportable alleles
    counted by class (``and 340 other reportable alleles: 20 benign, 320 outside the reference genes — see
    S.variants.tsv``); the negative statement (depth, limit of detection) when nothing is reportable."""
    overview = variant_overview(doc)
    listed = "; ".join(variant_text(v) for v in overview.listed)
    if not overview.others:
        return listed or negative_variant_text(doc)
    if listed:
        return f"{listed}; and {overview.others_text(variants_tsv)}"
    return f"no damaging or VUS allele; {overview.others_text(variants_tsv, lead='')}"


def arm_level_text(doc: dict[str, Any]) -> str:
    """``gain 1q, 8q; loss 13q, 16q; LOH 6p`` (or ``none``); ``LOH not assessed`` when it was not."""
    p = doc.get("profile")
    arms = p.get("arm_level") if isinstance(p, dict) else None
    if not isinstance(arms, dict):
        return "not assessed"
    words = {"AMP": "amplification", "GAIN": "gain", "LOSS": "loss", "LOH": "copy-neutral LOH"}
    parts = [f"{words[k]} {', '.join(arms[k])}" for k in ("AMP", "GAIN", "LOSS", "LOH")
             if isinstance(arms.get(k), list) and arms[k]]
    text = "; ".join(parts) if parts else "none"
    if arms.get("LOH") == "not_assessed":
        text += " (LOH not assessed)"
    return text
