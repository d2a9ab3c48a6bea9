"""Bundled variant knowledge: known common polymorphisms, gene roles, TP53 domains and hotspots, and the rules that
turn an annotated allele into a classification (``damaging``, ``vus``, ``benign``, ``polymorphism``, ``unknown``).

Tables (``reference/``, each row with its source):

* ``polymorphisms.tsv`` — common germline SNPs at Cancer Hotspot Panel v2 positions (TP53 p.Pro72Arg rs1042522,
  PIK3CA p.Ile391Met, KDR p.Gln472His, MET p.Asn375Ser, KIT p.Met541Leu, EGFR p.Gln787=, RET p.Leu769=, APC
  p.Thr1493=, ...), matched by hg19 position and alleles or by the rs ID of the VCF ID column;
* ``gene_roles.tsv`` — tumour suppressor / oncogene for every gene of ``hg19_genes.bed`` (OncoKB cancer gene list);
* ``tp53_functional.tsv`` — TP53 domains and hotspot codons;
* ``oncogene_hotspots.tsv`` — activating hotspot codons of oncogenes (KRAS G12/G13/Q61, BRAF V600, PIK3CA E542/E545/
  H1047, EGFR, IDH1/2, ...).

Classification rules (in order; the first that applies wins):

1. a known polymorphism (table or rs ID), or a population allele frequency ≥ ``variant_max_pop_af`` in the file →
   ``polymorphism``;
2. ClinVar benign / likely benign in the file (and no pathogenic assertion) → ``benign``;
3. no functional annotation → ``unknown``;
4. ClinVar pathogenic / likely pathogenic in the file → ``damaging``;
5. synonymous (outside the splice sites), UTR, intronic beyond the splice sites → ``benign`` (no predicted effect);
6. tumour suppressor (or a gene with both roles): nonsense, frameshift, canonical splice (±1/±2, the last base of an
   exon), start loss → ``damaging``; in-frame indels in TP53/RB1 → ``damaging``; TP53 missense in the DNA-binding
   domain or at a hotspot codon → ``damaging``; other missense (RB1 included), the splice donor +5, stop loss and
   other in-frame changes → ``vus``;
7. oncogene: missense/in-frame at a hotspot codon (``oncogene_hotspots.tsv``) or a designed hotspot allele (COSMIC
   ID in the VCF's OID/ID) → ``damaging`` (activating); anything else → ``vus``;
8. a gene without a role → ``vus`` for protein-changing variants.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from ..errors import ReferenceFileError

TRUNCATING = frozenset({"nonsense", "frameshift", "splice", "start_loss"})
NO_EFFECT = frozenset({"synonymous", "noncoding"})
INFRAME_DAMAGING_GENES = frozenset({"TP53", "RB1"})
CONTRACT_ROLES = frozenset({"tumour_suppressor", "oncogene"})
_P_CODON = re.compile(r"^p\.\(?(?:[A-Z][a-z]{2}|[A-Z*])(\d+)")  # p.Arg248Gln, p.(Arg248Gln), p.R248Q


def _rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """(line, row) of a commented TSV with a header; ReferenceFileError on a short row."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(path, f"cannot read ({exc})") from None
    header: list[str] | None = None
    out = []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = next(csv.reader([line], delimiter="\t", quoting=csv.QUOTE_NONE))
        if header is None:
            header = fields
            continue
        if len(fields) != len(header):
            raise ReferenceFileError(path, f"{len(fields)} tab-separated fields, the header has {len(header)}", n)
        out.append((n, dict(zip(header, fields, strict=True))))
    return out


@dataclass(frozen=True)
class Polymorphism:
    """One known common polymorphism (hg19, plus strand, minimal alleles)."""

    gene: str
    rsid: str
    chrom: str
    pos: int
    ref: str
    alt: str
    transcript: str
    hgvs_c: str
    hgvs_p: str
    population_af: float | None
    frequency_population: str
    frequency_source: str

    def describe_source(self) -> str:
        """``known polymorphism rs1042522 (lmsgen table; gnomAD exomes ALT frequency 0.7163)``; the full source of
        the figure is the table's ``frequency_source`` column."""
        if self.population_af is not None:
            pop = self.frequency_population.split(" (")[0]
            return f"known polymorphism {self.rsid} (lmsgen table; {pop} ALT frequency {self.population_af:g})"
        return f"known polymorphism {self.rsid} (lmsgen table; population frequency not verified from a stored source)"


@dataclass
class Knowledge:
    """The bundled knowledge tables."""

    polymorphisms: list[Polymorphism]
    roles: dict[str, str]
    tp53: list[dict[str, Any]]
    files: dict[str, str]
    hotspot_codons: dict[str, frozenset[int]] = field(default_factory=dict)

    def polymorphism_at(self, chrom: str, pos: int, ref: str, alt: str) -> Polymorphism | None:
        for p in self.polymorphisms:
            if p.chrom == chrom and p.pos == pos and p.ref == ref and p.alt == alt:
                return p
        return None

    def polymorphism_by_rsid(self, rsid: str | None) -> Polymorphism | None:
        if not rsid:
            return None
        return next((p for p in self.polymorphisms if p.rsid == rsid), None)

    def role(self, gene: str | None) -> str | None:
        """tumour_suppressor / oncogene / both / neither / not_listed, or None for a gene not in the table."""
        return self.roles.get(str(gene)) if gene else None

    def contract_role(self, gene: str | None) -> str | None:
        """The result JSON's ``role``: tumour_suppressor, oncogene or None."""
        r = self.role(gene)
        return r if r in CONTRACT_ROLES else None

    def tp53_codon(self, codon: int) -> tuple[str, bool, str]:
        """(domain, hotspot, missense classification) of a TP53 codon."""
        domain, hotspot, cls = "outside the protein", False, "vus"
        for r in self.tp53:
            if r["start"] <= codon <= r["end"]:
                if r["hotspot"]:
                    return r["domain"], True, r["classification"]
                domain, cls = r["domain"], r["classification"]
        return domain, hotspot, cls


def load_knowledge(folder: str | Path | None = None) -> Knowledge:
    """Read ``polymorphisms.tsv``, ``gene_roles.tsv`` and ``tp53_functional.tsv`` (default: bundled reference)."""
    if folder is None:
        from ..genome import reference_path

        folder = reference_path("gene_roles.tsv").parent
    return _load(str(Path(folder)))


@lru_cache(maxsize=2)
def _load(folder: str) -> Knowledge:
    d = Path(folder)
    polys = []
    poly_path = d / "polymorphisms.tsv"
    for n, r in _rows(poly_path):
        try:
            af = float(r["population_af"]) if r["population_af"].strip() else None
            pos = int(r["pos"])
        except ValueError:
            raise ReferenceFileError(poly_path, "pos or population_af is not a number", n) from None
        if not r["rsid"].startswith("rs") or not re.fullmatch(r"[ACGT]+", r["ref"] + r["alt"]):
            raise ReferenceFileError(poly_path, "rsid must start with 'rs' and ref/alt be A/C/G/T", n)
        polys.append(Polymorphism(r["gene"], r["rsid"], r["chrom"], pos, r["ref"], r["alt"], r["transcript"],
                                  r["hgvs_c"], r["hgvs_p"], af, r["frequency_population"], r["frequency_source"]))
    roles_path = d / "gene_roles.tsv"
    roles = {}
    for n, r in _rows(roles_path):
        if r["role"] not in ("tumour_suppressor", "oncogene", "both", "neither", "not_listed"):
            raise ReferenceFileError(roles_path, f"unknown role {r['role']!r}", n)
        roles[r["gene"]] = r["role"]
    tp53_path = d / "tp53_functional.tsv"
    tp53 = []
    for n, r in _rows(tp53_path):
        try:
            tp53.append({"start": int(r["start_codon"]), "end": int(r["end_codon"]), "domain": r["domain"],
                         "hotspot": r["hotspot"] == "yes", "classification": r["missense_classification"]})
        except ValueError:
            raise ReferenceFileError(tp53_path, "codon is not an integer", n) from None
    hot_path = d / "oncogene_hotspots.tsv"
    hotspots = {}
    for n, r in _rows(hot_path):
        try:
            hotspots[r["gene"]] = frozenset(int(c) for c in r["codons"].split(","))
        except ValueError:
            raise ReferenceFileError(hot_path, "codons must be comma-separated integers", n) from None
    from ..genome import sha256_file

    files = {p.name: sha256_file(p) for p in (poly_path, roles_path, tp53_path, hot_path)}
    return Knowledge(polys, roles, tp53, files, hotspots)


def _codon(hgvs_p: Any) -> int | None:
    m = _P_CODON.match(str(hgvs_p or ""))
    return int(m.group(1)) if m else None


def clinvar_says(clinvar: Any) -> str | None:
    """``pathogenic``, ``benign`` or None from a file's ClinVar significance text (conflicts → None)."""
    text = str(clinvar or "").lower()
    if not text:
        return None
    path = "pathogenic" in text and "conflicting" not in text
    benign = "benign" in text and "conflicting" not in text
    if path and not benign:
        return "pathogenic"
    if benign and not path:
        return "benign"
    return None


def classify(gene: str | None, effect: str, consequence: str | None, hgvs_p: Any, knowledge: Knowledge, *,
             polymorphism: bool, clinvar: Any = None, hotspot: bool = False) -> tuple[str, str]:
    """(classification, reason) of one allele; see the module docstring for the rules."""
    if polymorphism:
        return "polymorphism", "known or population-frequent polymorphism: never counted as a hit"
    cv = clinvar_says(clinvar)
    if cv == "benign":
        return "benign", f"ClinVar in the file: {clinvar}"
    if effect == "unknown":
        return "unknown", "no functional annotation (no FUNC and no bundled transcript model)"
    if cv == "pathogenic":
        return "damaging", f"ClinVar in the file: {clinvar}"
    if effect in NO_EFFECT:
        return "benign", f"{consequence or effect}: no predicted protein or splice effect"
    role = knowledge.role(gene)
    codon = _codon(hgvs_p)
    if role == "both" and effect in ("missense", "inframe_indel") and (
            hotspot or (codon is not None and codon in knowledge.hotspot_codons.get(str(gene), frozenset()))):
        return "damaging", f"activating hotspot of {gene}"
    suppressor = role in ("tumour_suppressor", "both")
    if suppressor:
        if effect in TRUNCATING:
            what = "canonical splice site" if effect == "splice" else effect
            if consequence == "splice_donor_exon_end":
                what = "last base of an exon (splice donor)"
            return "damaging", f"{what} in a tumour suppressor"
        if effect == "inframe_indel" and gene in INFRAME_DAMAGING_GENES:
            return "damaging", f"in-frame indel in {gene}"
        if effect == "missense" and gene == "TP53":
            codon = _codon(hgvs_p)
            if codon is None:
                return "vus", "TP53 missense without a protein position"
            domain, hot, cls = knowledge.tp53_codon(codon)
            where = f"codon {codon}, {domain}" + (", hotspot codon" if hot else "")
            return cls, f"TP53 missense ({where})"
        if effect == "missense":
            return "vus", f"missense in {gene}: variant of unknown significance without curated evidence"
        return "vus", f"{consequence or effect} in {gene}: effect uncertain"
    if role in ("oncogene", "both") and effect in ("missense", "inframe_indel"):
        codon = _codon(hgvs_p)
        if codon is not None and codon in knowledge.hotspot_codons.get(str(gene), frozenset()):
            return "damaging", f"activating hotspot codon {codon} of {gene}"
        if hotspot:
            return "damaging", f"activating hotspot allele of {gene} (COSMIC ID in the VCF)"
    if role in ("oncogene", "both"):
        return "vus", f"{consequence or effect} in the oncogene {gene}, not a known hotspot"
    return "vus", f"{consequence or effect} in {gene or 'an unassigned gene'} (no tumour-suppressor/oncogene role)"
