"""Every real file of ``../shared/formats/examples/field/`` (other tools' and labs' test data; issue 17): read with
the right values, or refused in one line naming the file and saying what it is. Skipped visibly without
``../shared``."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import shared_path
from lms_genomics.cli.main import main

from lms_genomics.errors import InputError
from lms_genomics.io.detect import detect_file
from lms_genomics.io.probes import read_probes
from lms_genomics.io.seg import read_seg
from lms_genomics.io.vcf import read_vcf
from lms_genomics.sample import classify, classify_all


def field(*parts: str):
    return shared_path("formats", "examples", "field", *parts)


def refusal(path) -> str:
    """The one stderr line of ``lmsgen classify <path>`` (exit 3)."""
    res = CliRunner().invoke(main, ["classify", str(path), "--json", "-"])
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert res.exit_code == 3 and len(lines) == 1, res.stderr
    assert str(path) in lines[0]
    return lines[0]


# ------------------------------------------------------------------------------------------- CNVkit


def test_field_cnvkit_amplicon_cns_drops_its_zero_probe_artefact_rows():
    p = field("cnvkit", "cnvkit_amplicon.cns")
    export = read_seg(p)
    assert detect_file(p) == "seg" and export.format == "cnvkit_cns"
    assert len(export.segments) == 80  # 88 rows, 8 of them 0-probe artefacts (one with end < start)
    assert any("8 segment(s) with 0 markers" in w and "line 5," in w for w in export.warnings)
    first = export.segments.iloc[0]
    assert (first["chrom"], first["start"], first["end"], first["log2"], first["markers"]) == (
        "chr1", 160786623, 160786747, -1.87949, 1)
    result = classify(p)
    assert result.qc["autosomes_without_data"] == ["chr21"]


@pytest.mark.parametrize(("name", "rows", "first"), [
    ("cnvkit_cl_seq.cns", 78, ("chr1", 227917, 727139, 1.55596, 3)),
    ("cnvkit_nv3.cns", 72, ("chr1", 10500, 121352354, -0.18288, 1295)),
    ("cnvkit_tr95t.cns", 124, ("chr1", 10500, 2421341, 0.134253, 27)),
])
def test_field_cnvkit_cns_reads_0_based(name, rows, first):
    export = read_seg(field("cnvkit", name))
    assert export.format == "cnvkit_cns" and len(export.segments) == rows and export.warnings == []
    r = export.segments.iloc[0]
    assert (r["chrom"], r["start"], r["end"], r["log2"], r["markers"]) == first
    assert classify(field("cnvkit", name)).profile_class in ("flat", "simple", "complex")


def test_field_cnvkit_cnr_alone_is_refused_as_bins():
    p = field("cnvkit", "cnvkit_p2-20_1.cnr")
    assert detect_file(p) == "cnvkit_cnr"
    assert "CNVkit bin-level ratios (.cnr), not segments; give the .cns" in refusal(p)
    with pytest.raises(InputError, match=r"bin-level ratios \(.cnr\)"):
        read_seg(p)
    bins = read_probes(p)  # as the probe-level track it reads: 19,089 bins at their midpoints
    assert len(bins) == 19089 and bins.attrs["format"] == "cnvkit_cnr"


def test_field_cnvkit_cns_with_cnr_beside_it_is_accepted(tmp_path):
    shutil.copy(field("cnvkit", "cnvkit_tr95t.cns"), tmp_path)
    shutil.copy(field("cnvkit", "cnvkit_p2-20_1.cnr"), tmp_path)
    result = classify(tmp_path)
    formats = {(i["format"], i.get("reader")) for i in result.provenance["inputs"]}
    assert formats == {("cnvkit_cns", None), ("probes", "cnvkit_cnr")}  # "probes": the plots read it too
    assert result.qc["probe_level_data"] is True and result.qc["mapd"] > 0


def test_field_cnvkit_cnn_coverage_is_refused():
    p = field("cnvkit", "cnvkit_female01.antitargetcoverage.cnn")
    assert detect_file(p) == "cnvkit_cnn"
    assert "CNVkit coverage (.cnn: read depth per bin" in refusal(p)


# ------------------------------------------------------------------------------------------- seg


def test_field_cw_tr_log2_seg_is_a_41_sample_dnacopy_seg():
    p = field("seg", "cnvkit_cw-tr-log2.seg")
    export = read_seg(p)
    assert len(export.samples) == 41 and len(export.segments) == 4172 and export.samples[0] == "TR_01_T"
    r = export.segments.iloc[0]
    assert (r["chrom"], r["start"], r["end"], r["log2"], r["markers"]) == ("chr1", 974999, 248775000, 0.0037, 1401)
    assert len(classify_all(p, samples=["TR_01_T", "TR_02_T"])) == 2


def test_field_pscbs_seg_with_an_r_warning_above_its_header():
    p = field("seg", "cnvkit_warning.seg")
    assert detect_file(p) == "seg"
    export = read_seg(p)
    assert export.samples == ["MySample"] and len(export.segments) == 11
    assert any("line 1: 'WARNING: ignoring environment value of R_HOME'" in w for w in export.warnings)
    result = classify(p)  # chr1 only: a class, with the 21 autosomes without data named
    assert result.profile_class == "flat"
    assert result.qc["autosomes_without_data"] == [f"chr{c}" for c in range(2, 23)]
    assert any("no segment on 21 of 22 autosomes (chromosome 2, 3," in w for w in result.warnings)


def test_field_purecn_buggy_seg_gz_is_refused_for_its_empty_coordinates():
    line = refusal(field("seg", "purecn_buggy_cnvkit.seg.gz"))
    assert "purecn_buggy_cnvkit.seg.gz:2: segment without start/end coordinates" in line


# ------------------------------------------------------------------------------------------- VCF


def test_field_strelka_vcf_reads_the_tumour_column_with_tier1_vafs():
    res = read_vcf(field("vcf", "cnvkit_strelka.vcf"))
    assert res.kind == "somatic" and res.sample == "TUMOR" and res.sample_choice == "the column named TUMOR"
    v = res.variants
    assert v["pos"].tolist() == [221367, 300000, 400000]
    assert v["vaf"].tolist() == pytest.approx([16 / 33, 28 / 29, 5 / 20])
    assert v["alt_reads"].tolist() == [16, 28, 5] and v["depth"].tolist() == [33, 29, 20]
    assert v["called"].all() and set(v["vaf_source"]) == {"Strelka tier-1 base counts"}


def test_field_moma_tvc_vcf_keeps_the_ion_rules():
    res = read_vcf(field("vcf", "moma_0CFDXX_IonXpress_079.vcf"))
    assert res.kind == "ion" and res.source == "tvc 5.12-11" and res.reference_build == "hg19"
    v = res.variants
    first = v.iloc[0]
    assert (first["chrom"], first["pos"], first["vaf_source"]) == ("chr1", 11187893, "FAO/FDP")
    assert first["vaf"] == pytest.approx(1996 / 1999) and first["depth"] == 1999
    # 346 PASS records, 430 alleles once multi-allelic records are split; 350 carried by GT with reads
    assert v["source_line"].nunique() == 346 and len(v) == 430 and int(v["called"].sum()) == 350


def test_field_tso500_pisces_vcf_reads_3505_calls_with_vf():
    res = read_vcf(field("vcf", "moma_tso500_Horizon.vcf"))
    v = res.variants
    assert res.kind == "somatic" and res.source == "Pisces 5.2.11.62" and len(v) == 3505
    assert set(v["vaf_source"]) == {"FORMAT VF"} and int(v["called"].sum()) == 3500
    first = v.iloc[0]
    assert (first["pos"], first["vaf"], first["depth"], first["alt_reads"]) == (2488153, 0.12206, 1614, 197)
    overlap = v[v["source_line"] == 382].iloc[0]  # GT 1/.: AD 0,12 but DP 122: VF, not AD, is the fraction
    assert overlap["vaf"] == pytest.approx(0.09836) and overlap["genotype"] == "1/."


def test_field_tvc50_amplicon_reference_vcf_is_refused():
    line = refusal(field("vcf", "tvc50_example_TSVC_variants.vcf"))
    assert "aligned to a non-genome reference (records on contig 'ABL1', not a human chromosome" in line


def test_field_every_file_is_covered_by_a_test():
    """A new file in field/ must get its own test here."""
    names = {p.name for p in field().rglob("*") if p.is_file()}
    tested = {"cnvkit_amplicon.cns", "cnvkit_cl_seq.cns", "cnvkit_nv3.cns", "cnvkit_tr95t.cns", "cnvkit_p2-20_1.cnr",
              "cnvkit_female01.antitargetcoverage.cnn", "cnvkit_cw-tr-log2.seg", "cnvkit_warning.seg",
              "purecn_buggy_cnvkit.seg.gz", "cnvkit_strelka.vcf", "moma_0CFDXX_IonXpress_079.vcf",
              "moma_tso500_Horizon.vcf", "tvc50_example_TSVC_variants.vcf"}
    assert names == tested


def test_field_classify_json_of_the_strelka_vcf_lists_the_tumour_calls(tmp_path):
    res = CliRunner().invoke(main, ["classify", str(field("vcf", "cnvkit_strelka.vcf")), "--json", "-"])
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert [round(v["vaf"], 4) for v in doc["variants"]] == [0.4848, 0.9655, 0.25]
    assert doc["provenance"]["inputs"][0]["sample_in_file"] == "TUMOR"
