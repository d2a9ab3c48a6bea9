"""Biallelic status, honestly (issue 12): PURPLE's wild-type-copies rule, subclonal second hits, LOH not assessed,
sequenced territory (panel BED), and the whole sample path through classify and the CLI."""

from __future__ import annotations

import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, shared_path
from lms_genomics.cli.main import main
from test_sample_integration import folder
from test_variants import table, variant

from lms_genomics import classify
from lms_genomics.calling.biallelic import biallelic_status, wildtype_copies
from lms_genomics.calling.variants import annotate_variants
from lms_genomics.cohort import mutation_summary

VAR = FIXTURES / "variants"
THESIS = FIXTURES / "thesis_cohort"
CNLOH_17P = ("17", 400_958, 22_217_883, "LOH", "")
LOSS_13Q = ("13", 40_000_000, 60_000_000, "Loss", 1)


def calls(*rows: tuple) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["gene", "chrom", "start", "call", "copy_number", "loh"])


# ------------------------------------------------------------------------------------------ the rule


def test_wildtype_copies_rule():
    assert wildtype_copies(0.38, 2, None) == pytest.approx((1.24, 0.38))
    wt, adj = wildtype_copies(0.38, 2, 0.4)  # 0.38 * (0.8 + 1.2) / 0.8 = 0.95
    assert adj == pytest.approx(0.95) and wt == pytest.approx(0.1)
    assert wildtype_copies(0.9, 1, 0.5)[0] == 0.0  # adjusted VAF capped at 1


def test_purity_confirms_or_leaves_probable():
    cnloh = calls(("TP53", "chr17", 7571719, "copy_neutral_loh", 2.0, True))
    v = annotate_variants(table(variant()))
    no_purity = biallelic_status(cnloh, v)["TP53"]
    assert no_purity["biallelic"] is True and no_purity["status"] == "probable"
    assert "purity unknown" in no_purity["reason"] and "1.24" in no_purity["reason"]
    low = biallelic_status(cnloh, v, purity=0.4)["TP53"]
    assert low["status"] == "confirmed" and any("= 0.10" in e for e in low["evidence"])
    high = biallelic_status(cnloh, v, purity=0.9)["TP53"]
    assert high["status"] == "probable" and "subclonal loss or subclonal mutation" in high["reason"]


def test_fractional_copy_number_second_hit_is_probable_subclonal():
    for cn in (1.33, 1.5):
        res = biallelic_status(calls(("TP53", "chr17", 7571719, "heterozygous_deletion", cn, None)),
                               annotate_variants(table(variant())))["TP53"]
        assert res["biallelic"] is True and res["status"] == "probable" and "subclonal" in res["reason"]
        assert res["flags"] == ["subclonal"]
    homdel = biallelic_status(calls(("RB1", "chr13", 48877882, "homozygous_deletion", 0.67, None)))["RB1"]
    assert homdel["biallelic"] is True and homdel["status"] == "probable"
    assert biallelic_status(calls(("RB1", "chr13", 48877882, "homozygous_deletion", 0.0, None)))["RB1"][
        "status"] == "confirmed"


def test_vus_only_gives_null():
    v = annotate_variants(table(variant(gene="RB1", chrom="chr13", hgvs_p="p.Arg661Trp", hgvs_c="c.1981C>T")))
    res = biallelic_status(calls(("RB1", "chr13", 48877882, "heterozygous_deletion", 1.0, True)), v,
                           territory={"RB1": 1.0})["RB1"]
    assert res["biallelic"] is None and res["flags"] == ["vus_variants"] and "unknown effect or significance" in \
        res["reason"]


def test_vaf_without_wildtype_copy_is_probable_even_without_called_loh():
    v = annotate_variants(table(variant(vaf=0.97, alt_reads=1940.0)))
    res = biallelic_status(calls(("TP53", "chr17", 7571719, "neutral", 2.0, False)), v)["TP53"]
    assert res["biallelic"] is True and res["status"] == "probable" and res["flags"] == ["loh_inferred_from_vaf"]


# ------------------------------------------------------------------------------------------ done-when, whole samples


def test_raw_tvc_with_17p_cnloh_and_13q_loss_gives_both_genes_biallelic(tmp_path):
    d = folder(tmp_path, VAR / "raw_tvc_m246v_r251x.vcf", chas_rows=[CNLOH_17P, LOSS_13Q])
    r = classify(d)
    tp53, rb1 = r.biallelic["TP53"], r.biallelic["RB1"]
    assert tp53["biallelic"] is True and tp53["status"] == "probable"  # purity unknown
    assert any("p.(Met246Val)" in e and "lmsgen NM_000546.5" in e for e in tp53["evidence"])
    assert any("p.(Pro72Arg)" in e and e.startswith("not counted") for e in tp53["evidence"])  # never a hit
    assert rb1["biallelic"] is True and rb1["status"] == "confirmed"  # CN 1 × (1 − 0.80) = 0.20 < 0.5
    assert any("p.(Arg251*)" in e for e in rb1["evidence"])
    v = next(x for x in r.variants if x["hgvs_p"] == "p.(Met246Val)")
    assert v["annotation_source"] == "lmsgen NM_000546.5" and v["classification"] == "damaging"
    assert v["consequence"] == "missense" and v["exon"] == 7 and v["limit_of_detection"] == pytest.approx(0.0025)
    assert r.sequenced_territory == "not_assessed"
    assert any("no panel BED" in w for w in r.warnings)


def test_thesis_case9_flat_without_loh_rows_is_null_loh_not_assessed():
    r = classify(THESIS / "case09")
    tp53 = r.biallelic["TP53"]
    assert tp53["biallelic"] is None and tp53["status"] == "not_assessable"
    assert "LOH not assessed" in tp53["reason"]
    assert r.biallelic["RB1"]["biallelic"] is None


def test_rb1_hetdel_without_rb1_calls_and_a_partial_panel_is_not_fully_sequenced(tmp_path):
    d = folder(tmp_path, VAR / "raw_tvc_tp53_p72r_only.vcf", chas_rows=[LOSS_13Q])
    r = classify(d, panel_bed=VAR / "panel_rb1_few_exons.bed")
    rb1 = r.biallelic["RB1"]
    assert rb1["biallelic"] is None and rb1["status"] == "not_assessable"
    assert "RB1 not fully sequenced" in rb1["reason"] and "Rb immunohistochemistry" in rb1["reason"]
    assert any("exons 10, 17, 20 fully" in e for e in rb1["evidence"])
    assert r.sequenced_territory["TP53"] == 1.0 and r.sequenced_territory["RB1"] < 0.9
    # the whole RB1 coding sequence sequenced: now a real negative
    full = classify(d, panel_bed=VAR / "panel_tp53_rb1_full.bed").biallelic["RB1"]
    assert full["biallelic"] is False and full["status"] == "not_biallelic"
    assert "one hit (deletion)" in full["reason"]


def test_panel_bed_from_the_sample_sheet(tmp_path):
    d = folder(tmp_path, VAR / "raw_tvc_m246v_r251x.vcf", chas_rows=[CNLOH_17P, LOSS_13Q])
    (d / "sample.tsv").write_text("sample\tpurity\tpanel_bed\nS1\t40\tpanel.bed\n")
    shutil.copy(VAR / "panel_tp53_rb1_full.bed", d / "panel.bed")
    r = classify(d)
    assert r.sequenced_territory["RB1"] == 1.0
    assert r.biallelic["TP53"]["status"] == "confirmed"  # purity 0.4: wild-type copies 0.10
    assert any(i["format"] == "panel_bed" for i in r.provenance["inputs"])


def test_cli_json_carries_the_contract_keys(tmp_path):
    d = folder(tmp_path, VAR / "raw_tvc_issue12.vcf", chas_rows=[CNLOH_17P, LOSS_13Q])
    res = CliRunner().invoke(main, ["classify", str(d), "--json", "-", "--panel-bed",
                                    str(VAR / "panel_tp53_rb1_full.bed"), "--ffpe"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["sequenced_territory"]["TP53"] == 1.0 and data["sequenced_territory"]["RB1"] == 1.0
    assert data["provenance"]["thresholds"]["variant_ffpe"] is True
    assert {"transcripts", "variant_knowledge"} <= set(data["provenance"])
    b = data["biallelic"]["TP53"]
    assert {"biallelic", "status", "reason", "evidence", "basis", "flags"} <= set(b)
    v = next(x for x in data["variants"] if x["hgvs_p"] == "p.(Ser241Phe)")
    for key in ("consequence", "exon", "intron", "annotation_source", "annotation_disagreement", "classification",
                "polymorphism", "rsid", "polymorphism_source", "germline_hint", "ffpe_artefact", "limit_of_detection"):
        assert key in v
    assert v["ffpe_artefact"] is True and v["limit_of_detection"] == pytest.approx(10 / 2000)


def test_bad_panel_bed_and_bad_transcripts_fail_in_one_line_with_nothing_written(tmp_path):
    d = folder(tmp_path, VAR / "raw_tvc_m246v_r251x.vcf", chas_rows=[CNLOH_17P])
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["classify", str(d), "--out", str(out), "--panel-bed",
                                    str(VAR / "bad" / "panel_reversed.bed")])
    assert res.exit_code == 5 and "panel_reversed.bed:3:" in res.stderr and "reversed" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and not out.exists()
    res = CliRunner().invoke(main, ["classify", str(d), "--out", str(out), "--transcripts",
                                    str(VAR / "bad" / "transcripts_bad_cigar")])
    assert res.exit_code == 5 and "hg19_transcripts.tsv:5:" in res.stderr and "cigar" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and not out.exists()


def test_cohort_mutation_column_labels_each_allele_class():
    v = [{"gene": "TP53", "alt_reads": 760, "vaf": 0.38, "hgvs_p": "p.(Met246Val)", "classification": "damaging",
          "reportable": True, "damaging": True},
         {"gene": "TP53", "alt_reads": 990, "vaf": 0.99, "hgvs_p": "p.(Pro72Arg)", "classification": "polymorphism",
          "polymorphism": True, "reportable": False},
         {"gene": "TP53", "alt_reads": 50, "vaf": 0.05, "chrom": "chr17", "pos": 7590000, "ref": "A", "alt": "G",
          "classification": "unknown", "reportable": True},
         {"gene": "TP53", "alt_reads": 300, "vaf": 0.3, "hgvs_p": "p.(Pro47Ser)", "classification": "vus",
          "reportable": True},
         {"gene": "TP53", "alt_reads": 300, "vaf": 0.3, "hgvs_p": "p.(Thr125=)", "classification": "benign",
          "reportable": True}]
    assert mutation_summary(v, "TP53") == ("p.(Met246Val) VAF 0.38 (damaging), p.(Pro47Ser) VAF 0.30 (VUS), "
                                           "chr17:7590000 A>G VAF 0.05 (unannotated), p.(Pro72Arg) VAF 0.99 "
                                           "(polymorphism)")
    assert mutation_summary(v, "RB1") == "none"


# ------------------------------------------------------------------------------------------ real files


def test_real_ocp3_designed_bed_covers_the_tumour_suppressors():
    from lms_genomics.calling.annotation import load_transcripts
    from lms_genomics.calling.territory import cds_coverage
    from lms_genomics.io.panel import read_panel_bed

    bed = read_panel_bed(shared_path("formats", "examples", "iontorrent-panel", "OCP3.20140506.designed.bed"))
    cov = cds_coverage(bed, load_transcripts())
    assert len(bed.amplicons) == 2531
    assert cov["TP53"]["fraction"] == 1.0 and cov["RB1"]["fraction"] >= 0.9 and cov["PTEN"]["fraction"] >= 0.9
    assert cov["KRAS"]["fraction"] < 0.9  # hotspot-only design for an oncogene


def test_real_tvc_vcf_gets_lmsgen_annotation_and_a_flagged_polymorphism():
    from lms_genomics.io.vcf import read_vcf

    vcf = shared_path("formats", "examples", "field", "vcf", "moma_0CFDXX_IonXpress_079.vcf")
    v = annotate_variants(read_vcf(vcf).variants).set_index("norm_pos")
    rb1 = v.loc[48955486]
    assert (rb1.gene, rb1.hgvs_c, rb1.hgvs_p, rb1.classification) == ("RB1", "c.1605del", "p.(Phe535Leufs*8)",
                                                                       "damaging")
    atm = v.loc[108183167]
    assert atm.polymorphism and atm.rsid == "rs659243" and "homozygous germline" in atm.germline_hint
