"""Variant interpretation (annotate_variants) and biallelic status of TP53/RB1."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lms_genomics.calling.annotation import TranscriptSet
from lms_genomics.calling.biallelic import biallelic_status
from lms_genomics.calling.variants import annotate_variants, effect_of
from lms_genomics.io.vcf import VARIANT_COLUMNS, read_vcf
from lms_genomics.thresholds import Thresholds

FIX = Path(__file__).resolve().parent / "fixtures" / "vcf"
GENES = pd.DataFrame({"gene": ["TP53", "RB1"], "chrom": ["chr17", "chr13"],
                      "start": [7571719, 48877882], "end": [7590868, 49056026]})


def variant(**kw) -> dict:
    base = {c: None for c in VARIANT_COLUMNS}
    base.update({"chrom": "chr17", "pos": 7577545, "ref": "T", "alt": "C", "norm_pos": 7577545, "norm_ref": "T",
                 "norm_alt": "C", "gene": "TP53", "hgvs_c": "c.736A>G", "hgvs_p": "p.Met246Val",
                 "function": "missense", "location": "exonic", "vaf": 0.38, "vaf_source": "FAO/FDP",
                 "depth": 2000.0, "alt_reads": 760.0, "genotype": "0/1", "filter": "PASS", "pop_af": np.nan,
                 "source_line": 10, "called": True})
    base.update(kw)
    return base


def table(*rows: dict) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=VARIANT_COLUMNS)


def calls(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gene", "chrom", "start", "call", "copy_number", "loh"])


TP53_CNLOH = ("TP53", "chr17", 7571719, "copy_neutral_loh", 2.0, True)
TP53_NEUTRAL = ("TP53", "chr17", 7571719, "neutral", 2.0, False)
RB1_NEUTRAL = ("RB1", "chr13", 48877882, "neutral", 2.0, False)
#: Both genes' coding sequences fully sequenced (what a negative result needs; see test_biallelic.py).
FULL = {"TP53": 1.0, "RB1": 1.0}


# ------------------------------------------------------------------------------------------ annotate


def test_annotate_fixture_case1_flags():
    v = annotate_variants(read_vcf(FIX / "case01_tvc52.vcf").variants, GENES)
    m246v = v[v["hgvs_p"] == "p.Met246Val"].iloc[0]
    assert m246v["reportable"] and m246v["damaging"] and m246v["effect"] == "missense"
    assert m246v["exclusion_reasons"] == [] and m246v["gene_source"] == "annotation"
    p72r = v[v["hgvs_p"] == "p.Pro72Arg"].iloc[0]
    assert p72r["polymorphism"] and not p72r["reportable"]
    assert any("polymorphism" in r for r in p72r["exclusion_reasons"])
    nocall = v[v["filter"] == "NOCALL"].iloc[0]
    assert not nocall["reportable"] and nocall["exclusion_reasons"][0].startswith("FILTER NOCALL")
    assert nocall["gene"] == "TP53" and nocall["gene_source"] == "position"  # no FUNC: gene from the table
    rb1 = v[(v["pos"] == 48955000)].set_index("alt")
    assert rb1.loc["CAA", "gene"] == "RB1" and rb1.loc["CAA", "reportable"]
    assert not rb1.loc["CAA", "damaging"]  # no annotation: effect unknown, not assumed damaging
    assert "allele not in genotype 0/2" in rb1.loc["C", "exclusion_reasons"]


def test_defaults_keep_a_6_percent_tp53_missense():
    v = annotate_variants(read_vcf(FIX / "case09_ir_export.vcf").variants, GENES)
    s241f = v[v["hgvs_p"] == "p.Ser241Phe"].iloc[0]
    assert s241f["vaf"] == pytest.approx(0.06)
    assert s241f["reportable"] and s241f["damaging"] and not s241f["below_vaf_floor"]
    # a high floor would lose it, and says why
    strict = annotate_variants(read_vcf(FIX / "case09_ir_export.vcf").variants, GENES,
                               Thresholds().with_overrides(variant_min_vaf=0.10))
    row = strict[strict["hgvs_p"] == "p.Ser241Phe"].iloc[0]
    assert not row["reportable"] and row["exclusion_reasons"] == ["VAF 0.06 below floor 0.1"]


def test_annotate_low_depth_vaf_floor_unknown_pop_af():
    v = annotate_variants(table(variant(depth=12.0, alt_reads=5.0, vaf=5 / 12),
                                variant(vaf=0.01, alt_reads=20.0),
                                variant(pop_af=np.nan), variant(pop_af=0.005), variant(pop_af=0.01)), GENES)
    assert v["low_depth"].tolist() == [True, False, False, False, False]
    assert v["below_vaf_floor"].tolist() == [False, True, False, False, False]
    assert v["polymorphism"].tolist() == [False, False, False, False, True]  # NaN = unknown, not excluded
    assert v["reportable"].tolist() == [False, False, True, True, False]
    assert v.loc[0, "exclusion_reasons"] == ["low depth (12 < 20)"]


def test_annotate_empty_table():
    v = annotate_variants(table(), GENES)
    assert v.empty and {"reportable", "damaging", "exclusion_reasons"} <= set(v.columns)


@pytest.mark.parametrize("args, effect, damaging_in_tp53", [
    (("missense",), "missense", True),
    (("nonsense",), "nonsense", True),
    (("frameshiftDeletion",), "frameshift", True),
    (("nonframeshiftDeletion",), "inframe_indel", True),
    (("synonymous",), "synonymous", False),
    ((None, "intronic"), "noncoding", False),
    ((None, "utr_3"), "noncoding", False),
    ((None, "splicesite_5"), "splice", True),
    (("stop_gained",), "nonsense", True),
    (("splice_region_variant&intron_variant",), "noncoding", False),
    ((None, None, None, "p.Arg213Ter"), "nonsense", True),
    ((None, None, None, "p.Pro72fs"), "frameshift", True),
    ((None, None, "c.375+1G>A", None), "splice", True),
    ((None, None, None, "p.="), "synonymous", False),
    ((None, None, None, "p.Arg273His"), "missense", True),
])
def test_effect_and_damaging(args, effect, damaging_in_tp53):
    assert effect_of(*args) == effect
    f = dict(zip(["function", "location", "hgvs_c", "hgvs_p"], [*args, None, None, None][:4], strict=True))
    v = annotate_variants(table(variant(**f)), GENES)
    assert bool(v.loc[0, "damaging"]) is damaging_in_tp53


def test_inframe_indel_damaging_only_in_tp53_rb1():
    v = annotate_variants(table(variant(function="nonframeshiftDeletion"),
                                variant(gene="KIT", function="nonframeshiftDeletion")), GENES)
    assert v["damaging"].tolist() == [True, False]


# ------------------------------------------------------------------------------------------ biallelic


def _annot(*rows: dict) -> pd.DataFrame:
    return annotate_variants(table(*rows), GENES)


def test_mutation_plus_copy_neutral_loh_is_biallelic():
    res = biallelic_status(calls(TP53_CNLOH, RB1_NEUTRAL), _annot(variant()))
    tp53 = res["TP53"]
    assert tp53["biallelic"] is True
    assert "TP53 c.736A>G p.Met246Val (missense), VAF 0.38 (FAO/FDP 760/2000)" in tp53["evidence"]
    assert any("17p LOH over TP53 (copy-neutral" in e for e in tp53["evidence"])
    assert tp53["flags"] == []
    # RB1 (neutral, no LOH, no mutation): without a panel BED the negative is not assessable (was False before
    # issue 12); with the coding sequence fully sequenced it is False.
    assert res["RB1"]["biallelic"] is None and res["RB1"]["status"] == "not_assessable"
    assert "sequenced territory is unknown" in res["RB1"]["reason"]
    full = biallelic_status(calls(TP53_CNLOH, RB1_NEUTRAL), _annot(variant()), territory=FULL)
    assert full["RB1"]["biallelic"] is False and full["RB1"]["status"] == "not_biallelic"


def test_mutation_plus_heterozygous_deletion_is_biallelic():
    res = biallelic_status(calls(("TP53", "chr17", 7571719, "heterozygous_deletion", 1.0, True)),
                           _annot(variant()))
    assert res["TP53"]["biallelic"] is True
    assert any("heterozygous deletion of TP53 (copy number 1)" in e for e in res["TP53"]["evidence"])


def test_mutation_plus_neutral_is_not_biallelic():
    # One hit, no LOH, no deletion: False only when a second mutation could have been seen (issue 12; was False
    # without a panel BED before).
    res = biallelic_status(calls(TP53_NEUTRAL), _annot(variant()), territory=FULL)
    assert res["TP53"]["biallelic"] is False and res["TP53"]["status"] == "not_biallelic"
    assert any("p.Met246Val" in e for e in res["TP53"]["evidence"])
    unknown = biallelic_status(calls(TP53_NEUTRAL), _annot(variant()))
    assert unknown["TP53"]["biallelic"] is None and "second mutation cannot be excluded" in unknown["TP53"]["reason"]


def test_homozygous_deletion_is_biallelic_with_or_without_variants():
    homdel = calls(("RB1", "chr13", 48877882, "homozygous_deletion", 0.0, None))
    assert biallelic_status(homdel)["RB1"]["biallelic"] is True
    res = biallelic_status(homdel, _annot(variant()))
    assert res["RB1"]["biallelic"] is True and res["RB1"]["basis"] == "copy_number"
    assert res["RB1"]["evidence"][0] == "homozygous deletion of RB1 (copy number 0)"


def test_two_damaging_mutations_are_biallelic_unphased():
    two = _annot(variant(), variant(pos=7577559, norm_pos=7577559, ref="G", alt="A", norm_ref="G", norm_alt="A",
                                    hgvs_c="c.722C>T", hgvs_p="p.Ser241Phe", vaf=0.06, alt_reads=120.0))
    res = biallelic_status(calls(TP53_NEUTRAL), two)
    assert res["TP53"]["biallelic"] is True and res["TP53"]["flags"] == ["unphased"]
    assert any("VAF 0.06 (FAO/FDP 120/2000)" in e for e in res["TP53"]["evidence"])
    # two mutations decide it even without copy number
    no_cn = biallelic_status(None, two)
    assert no_cn["TP53"]["biallelic"] is True and no_cn["TP53"]["flags"] == ["unphased"]


def test_no_copy_number_gives_none_and_says_so():
    for gc in (None, calls()):
        res = biallelic_status(gc, _annot(variant()))
        assert res["TP53"]["biallelic"] is None
        assert any("copy number not assessed" in e for e in res["TP53"]["evidence"])
        assert res["RB1"]["biallelic"] is None


def test_polymorphism_and_nocall_do_not_count_as_hits():
    v = _annot(variant(hgvs_c="c.215C>G", hgvs_p="p.Pro72Arg", pop_af=0.45),
               variant(filter="NOCALL", called=False, genotype="./."))
    res = biallelic_status(calls(TP53_CNLOH), v, territory=FULL)
    assert res["TP53"]["biallelic"] is False  # one hit (LOH) only: the polymorphism and the NOCALL do not count
    assert sum(e.startswith("not counted:") for e in res["TP53"]["evidence"]) == 2
    assert v.loc[0, "classification"] == "polymorphism"  # by the population AF in the file


def test_variants_not_assessed_keeps_copy_number_only_behaviour():
    res = biallelic_status(calls(TP53_CNLOH, RB1_NEUTRAL))
    assert res["TP53"]["biallelic"] is None and res["RB1"]["biallelic"] is None
    assert "variants not assessed" in res["TP53"]["basis"]
    assert biallelic_status(calls(TP53_CNLOH), genes=("TP53", "RB1")).keys() == {"TP53"}


def test_raw_read_vcf_table_is_annotated_on_the_fly():
    raw = read_vcf(FIX / "case01_tvc52.vcf").variants
    res = biallelic_status(calls(TP53_CNLOH, RB1_NEUTRAL), raw)
    assert res["TP53"]["biallelic"] is True  # M246V counted; P72R (polymorphism) and the NOCALL not
    assert any("P72R" in e or "p.Pro72Arg" in e for e in res["TP53"]["evidence"] if e.startswith("not counted"))


def test_unannotated_reportable_variant_gives_unknown_not_false():
    # Without transcript models (lmsgen would otherwise annotate this RB1 intron 16 insertion itself).
    v = annotate_variants(table(variant(chrom="chr13", pos=48955000, norm_pos=48955001, gene=None, hgvs_c=None,
                                        hgvs_p=None, function=None, location=None, vaf=0.41, alt_reads=410.0,
                                        depth=1000.0)), GENES, transcripts=TranscriptSet({}, {}))
    assert v.loc[0, "gene"] == "RB1" and v.loc[0, "effect"] == "unknown" and v.loc[0, "reportable"]
    res = biallelic_status(calls(("RB1", "chr13", 48877882, "heterozygous_deletion", 1.0, True)), v)
    assert res["RB1"]["biallelic"] is None and res["RB1"]["flags"] == ["unannotated_variants"]
    assert any("effect unknown" in e for e in res["RB1"]["evidence"])
