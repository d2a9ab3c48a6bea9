"""Bundled variant knowledge (issue 12): polymorphism table, gene roles, TP53/oncogene hotspots, classification,
germline/FFPE flags, read floors and the limit of detection."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import ROOT
from test_variants import table, variant

from lms_genomics.calling.annotation import annotate_allele, load_transcripts, same_hgvs
from lms_genomics.calling.knowledge import load_knowledge
from lms_genomics.calling.variants import annotate_variants
from lms_genomics.genome import load_genes
from lms_genomics.thresholds import Thresholds

KN = load_knowledge()
TS = load_transcripts()


def test_polymorphism_table_hgvs_equals_lmsgen_annotation():
    checked = 0
    for p in KN.polymorphisms:
        assert p.rsid.startswith("rs") and p.frequency_source
        if p.gene not in TS.transcripts:
            continue  # KDR, MET: no bundled model (HGVS from the cited source)
        a = annotate_allele(TS, p.chrom, p.pos, p.ref, p.alt, gene=p.gene)
        assert a.transcript == p.transcript and same_hgvs(a.hgvs_c, p.hgvs_c) and same_hgvs(a.hgvs_p, p.hgvs_p), p
        checked += 1
    assert checked >= 11
    issue_list = {("TP53", "p.(Pro72Arg)"), ("PIK3CA", "p.(Ile391Met)"), ("KDR", "p.(Gln472His)"),
                  ("MET", "p.(Asn375Ser)"), ("KIT", "p.(Met541Leu)"), ("EGFR", "p.(Gln787=)"), ("RET", "p.(Leu769=)"),
                  ("APC", "p.(Thr1493=)")}
    assert issue_list <= {(p.gene, p.hgvs_p) for p in KN.polymorphisms}
    p72r = KN.polymorphism_by_rsid("rs1042522")
    assert p72r.population_af == pytest.approx(0.7163) and "ClinVar" in p72r.frequency_source
    # no invented numbers: every row without a figure says so
    assert all(p.population_af is not None or "not verified" in p.frequency_source for p in KN.polymorphisms)


def test_gene_roles_cover_every_reference_gene():
    genes = set(load_genes().genes["gene"])
    assert genes == set(KN.roles)
    assert KN.contract_role("TP53") == "tumour_suppressor" and KN.contract_role("RB1") == "tumour_suppressor"
    assert KN.contract_role("KRAS") == "oncogene" and KN.contract_role("MYOCD") == "oncogene"
    assert KN.contract_role("EZH2") is None and KN.role("EZH2") == "both" and KN.contract_role("UST") is None


@pytest.mark.parametrize("kw, cls", [
    ({}, "damaging"),  # TP53 p.Met246Val, DNA-binding domain
    ({"hgvs_p": "p.Pro47Ser", "hgvs_c": "c.139C>T"}, "vus"),  # outside the DBD, not a hotspot
    ({"gene": "RB1", "hgvs_p": "p.Arg661Trp", "hgvs_c": "c.1981C>T"}, "vus"),  # RB1 missense = VUS
    ({"gene": "RB1", "function": "nonsense", "hgvs_p": "p.Arg251Ter", "hgvs_c": "c.751C>T"}, "damaging"),
    ({"gene": "KRAS", "hgvs_p": "p.Gly12Asp", "hgvs_c": "c.35G>A"}, "damaging"),  # hotspot codon
    ({"gene": "KRAS", "hgvs_p": "p.Leu19Phe", "hgvs_c": "c.57G>C"}, "vus"),
    ({"gene": "KRAS", "function": "nonsense", "hgvs_p": "p.Gln22Ter", "hgvs_c": "c.64C>T"}, "vus"),
    ({"clinvar": "Benign"}, "benign"),
    ({"clinvar": "Pathogenic", "gene": "RB1", "hgvs_p": "p.Arg661Trp", "hgvs_c": "c.1981C>T"}, "damaging"),
    ({"function": "synonymous", "hgvs_p": "p.(Thr125=)", "hgvs_c": "c.375G>A"}, "benign"),
    ({"function": None, "hgvs_c": None, "hgvs_p": None, "gene": "SMO", "chrom": "chr7", "pos": 128846000,
      "norm_pos": 128846000, "ref": "C", "alt": "T", "norm_ref": "C", "norm_alt": "T"}, "unknown"),
])
def test_classification_rules(kw, cls):
    v = annotate_variants(table(variant(**kw)))
    assert v.loc[0, "classification"] == cls, v.loc[0, "classification_reason"]
    assert bool(v.loc[0, "damaging"]) is (cls == "damaging")


def test_vcf_id_rs_marks_a_dbsnp_site_and_a_table_rs_a_polymorphism():
    v = annotate_variants(table(variant(id="rs1042522", vaf=0.5),  # the table's rs at any position
                                variant(id="rs28934578", vaf=0.5),  # an rs ID alone is not a polymorphism
                                variant(id="rs28934578;COSM10758", vaf=0.5)))
    assert v["polymorphism"].tolist() == [True, False, False]
    assert v.loc[1, "classification"] == "damaging" and "heterozygous germline" in v.loc[1, "germline_hint"]
    assert v.loc[2, "germline_hint"] is None  # a COSMIC hotspot, not a plain dbSNP site


def test_germline_hint_bounds_and_ffpe_flag():
    t = Thresholds()
    v = annotate_variants(table(variant(id="rs1", vaf=0.39), variant(id="rs1", vaf=0.6), variant(id="rs1", vaf=0.95),
                                variant(pos=7577559, norm_pos=7577559, ref="G", alt="A", norm_ref="G", norm_alt="A",
                                        hgvs_c="c.722C>T", hgvs_p="p.Ser241Phe", vaf=0.06, alt_reads=120.0),
                                variant(pos=7577559, norm_pos=7577559, ref="G", alt="A", norm_ref="G", norm_alt="A",
                                        hgvs_c="c.722C>T", hgvs_p="p.Ser241Phe", vaf=0.10, alt_reads=200.0)), None, t)
    assert v["germline_hint"].notna().tolist() == [False, True, True, False, False]
    assert v["ffpe_artefact"].tolist() == [False, False, False, True, False]  # < 0.10 only, T>C never
    assert v.loc[3, "reportable"]  # flagged, not dropped


def test_min_alt_reads_ffpe_mode_and_limit_of_detection():
    rows = table(variant(alt_reads=4.0, vaf=4 / 2000), variant(alt_reads=8.0, vaf=0.004 * 2),
                 variant(alt_reads=12.0, vaf=12 / 2000))
    v = annotate_variants(rows, None, Thresholds().with_overrides(variant_min_vaf=0.001))
    assert v["reportable"].tolist() == [False, True, True]
    assert "4 alt reads < 5" in v.loc[0, "exclusion_reasons"]
    assert v.loc[0, "limit_of_detection"] == pytest.approx(5 / 2000)
    ffpe = annotate_variants(rows, None, Thresholds().with_overrides(variant_min_vaf=0.001, variant_ffpe=True))
    assert ffpe["reportable"].tolist() == [False, False, True]
    assert "8 alt reads < 10 (FFPE mode)" in ffpe.loc[1, "exclusion_reasons"]
    assert ffpe.loc[0, "limit_of_detection"] == pytest.approx(10 / 2000)
    assert np.isnan(annotate_variants(table(variant(depth=np.nan)))["limit_of_detection"][0])


def test_reference_tables_are_packaged():
    for name in ("polymorphisms.tsv", "gene_roles.tsv", "tp53_functional.tsv", "oncogene_hotspots.tsv"):
        assert (ROOT / "reference" / name).is_file()
    assert "*.tsv" in (ROOT / "pyproject.toml").read_text()
