"""Regressions of issue 17 ("inputs the field hands us"): each test is named after the bug it caught, on files
written by us (``tests/fixtures``; ``tests/fixtures/vcf/make_somatic_fixtures.py``) or built here."""

from __future__ import annotations

import gzip
import json
import shutil

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import FIXTURES, write_chas
from lms_genomics.cli.main import main

from lms_genomics.calling.fusions import report_fusions
from lms_genomics.cohort import discover
from lms_genomics.errors import InputError, UsageError
from lms_genomics.genome import build_of
from lms_genomics.io.archer import Fusion, read_archer
from lms_genomics.io.chas import read_chas
from lms_genomics.io.detect import detect_file
from lms_genomics.io.seg import read_seg
from lms_genomics.io.text import parse_number
from lms_genomics.io.vcf import read_vcf
from lms_genomics.report.writers import seg_text, write_outputs
from lms_genomics.sample import classify, find_inputs
from lms_genomics.thresholds import Thresholds

VCF = FIXTURES / "vcf"
SEG_HEADER = "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"


def run(*args: object):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_error_line(res) -> str:
    lines = [ln for ln in res.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "Traceback" not in res.stderr, res.stderr
    return lines[0]


# ------------------------------------------------------------------------------------------- VCFs


def test_oncomine_vcf_fusion_records_reported_regression_fusions_not_assessed(tmp_path):
    shutil.copy(VCF / "oncomine_dna_rna.vcf", tmp_path)
    doc = classify(tmp_path).to_dict()
    [fusion] = doc["fusions"]
    assert (fusion["fusion"], fusion["reads"], fusion["exon5"], fusion["exon3"], fusion["filter"]) == (
        "FGFR3::TACC3", 1890, "17", "11", "PASS")
    assert fusion["breakpoint5"] == "chr4:1808661" and fusion["breakpoint3"] == "chr4:1741429"
    assert fusion["reported"] is True
    assert doc["qc"]["fusion_overall_call"] == "POSITIVE" and doc["qc"]["fusions_reported"] == 1
    # RB1 has no FUNC in the file: lmsgen's own annotation names it (issue 12); TP53 keeps FUNC's
    assert [(v["gene"], v["hgvs_p"], v["annotation_source"], v["vaf"]) for v in doc["variants"]] == [
        ("RB1", "p.(Arg320*)", "lmsgen NM_000321.2", 0.31), ("TP53", "p.Arg248Gln", "FUNC", 0.42)]
    assert doc["provenance"]["inputs"][0]["roles"] == ["variants", "fusions"]
    # the <CNV> record is panel copy-number evidence, never a call (no copy-number input here)
    assert doc["panel_copy_number"] == [{"gene": "MYOCD", "chrom": "chr17", "start": 12569205, "end": 12672266,
                                         "copy_number": 7.8, "ci_low": 6.9, "ci_high": 8.8, "filter": "PASS",
                                         "source_line": 38}]
    assert doc["genes"] == "not_assessed"


def test_oncomine_fusion_filter_fail_is_not_reported_regression_fusions_ignored():
    rows = report_fusions([Fusion("FGFR3", "TACC3", reads=900, filter="FAIL")])
    assert rows[0]["reported"] is False and rows[0]["reasons_not_reported"] == ["FILTER FAIL in the VCF"]


def test_overall_call_disagreeing_with_lmsgen_is_warned_regression_fusions_ignored(tmp_path):
    text = (VCF / "oncomine_dna_rna.vcf").read_text().replace("READ_COUNT=1890", "READ_COUNT=3")
    (tmp_path / "s.vcf").write_text(text)
    result = classify(tmp_path)
    assert result.qc["fusions_reported"] == 0
    assert any("overall fusion call is POSITIVE but lmsgen reports 0" in w for w in result.warnings)


def test_pisces_tso500_vcf_regression_silently_empty():
    result = classify(VCF / "pisces_tso500.vcf")
    v = {(x["pos"]): x for x in result.variants}
    assert v[7577538]["vaf"] == pytest.approx(0.12206) and v[7577538]["vaf_source"] == "FORMAT VF"
    assert v[7577538]["gene"] == "TP53" and v[7577538]["reportable"]
    assert v[7577559]["vaf"] == pytest.approx(0.09836)  # GT 1/., AD 0,12 of DP 122: VF, not 12/12
    assert result.qc["variants_reportable"] == 2 and result.qc["verdict"] == "pass"


def test_mutect_bgzip_vcf_reports_the_tumour_regression_silently_empty():
    res = read_vcf(VCF / "mutect1_tumor_normal.vcf.gz")  # BGZF written by htslib
    assert res.kind == "somatic" and res.source == "MuTect" and res.sample == "LMS03-T"
    assert res.sample_choice == "named by the ##MuTect command line"
    v = res.variants.set_index("pos")
    assert v.loc[7577538, ["vaf", "depth", "alt_reads", "vaf_source"]].tolist() == [0.4, 150, 60, "FORMAT FA"]
    assert v.loc[48941648, "vaf"] == 0.45 and v.loc[48941648, "called"]
    assert v.loc[7579472, "filter"] == "REJECT" and not v.loc[7579472, "called"] and v.loc[7579472, "id"] == "rs1042522"
    result = classify(VCF / "mutect1_tumor_normal.vcf.gz")
    assert {x["gene"] for x in result.variants if x["reportable"]} == {"RB1", "TP53"}


def test_strelka_vcf_reads_tumor_not_normal_regression_normal_column_read():
    res = read_vcf(VCF / "strelka2_somatic.snvs.vcf")
    assert res.sample == "TUMOR" and res.samples == ["NORMAL", "TUMOR"]
    v = res.variants.set_index("pos")
    assert v.loc[7577559, ["vaf", "depth", "alt_reads"]].tolist() == [0.1, 200, 20]  # tumour, not normal (0)
    assert v.loc[48941648, "filter"] == "LowEVS" and not v.loc[48941648, "called"]
    result = classify(VCF / "strelka2_somatic.snvs.vcf")
    assert [(x["gene"], x["vaf"], x["reportable"]) for x in result.variants] == [("TP53", 0.1, True),
                                                                                 ("RB1", 0.02, False)]


def test_two_sample_vcf_refused_without_vcf_sample_regression_first_column_read(tmp_path):
    path = VCF / "two_samples_no_tumour.vcf"
    res = run("classify", path, "--json", "-")
    assert res.exit_code == 3
    line = one_error_line(res)
    assert str(path) in line and "holds 2 samples (LMS05-A, LMS05-B)" in line and "--vcf-sample" in line
    res = run("classify", path, "--json", "-", "--vcf-sample", "LMS05-B")
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["variants"][0]["vaf"] == 0.4 and doc["provenance"]["inputs"][0]["sample_choice"] == "--vcf-sample"
    res = run("classify", path, "--json", "-", "--vcf-sample", "nobody")
    assert res.exit_code == 2 and "no sample 'nobody' in the VCF" in one_error_line(res)
    with pytest.raises(UsageError):
        read_vcf(path, sample="nobody")


def test_mutect2_tumor_sample_header_and_vep_annotation_regression_first_column_read():
    res = read_vcf(VCF / "mutect2_tumor_normal.vcf")
    assert res.sample == "LMS02-T" and res.samples == ["LMS02-N", "LMS02-T"]
    v = res.variants.set_index("pos")
    r248q = v.loc[7577538]
    assert (r248q["gene"], r248q["transcript"], r248q["hgvs_c"], r248q["hgvs_p"], r248q["function"]) == (
        "TP53", "ENST00000269305", "c.743G>A", "p.Arg248Gln", "missense_variant")  # VEP's canonical entry
    assert r248q["vaf"] == pytest.approx(0.398) and r248q["alt_reads"] == 64 and r248q["called"]
    assert v.loc[7579472, "pop_af"] == pytest.approx(10 ** -0.13) and not v.loc[7579472, "called"]


def test_bcf_reads_through_htslib_regression_silently_empty():
    res = read_vcf(VCF / "bcftools_single.bcf")
    assert detect_file(VCF / "bcftools_single.bcf") == "vcf" and res.sample == "LMS06"
    row = res.variants.iloc[0]
    assert (row["vaf"], row["vaf_source"], row["depth"], row["alt_reads"]) == (0.4, "INFO DP4", 100, 40)


@pytest.mark.parametrize("idx", ["4696305124", "-1468716068"])
def test_corrupt_bcf_header_refused_regression_htslib_spent_seconds(tmp_path, idx):
    raw = gzip.decompress((VCF / "bcftools_single.bcf").read_bytes())  # BGZF is multi-member gzip
    bad = tmp_path / "corrupt.bcf"
    bad.write_bytes(gzip.compress(raw.replace(b"IDX=1>", f"IDX={idx}>".encode(), 1)))
    with pytest.raises(InputError, match=rf"corrupt.bcf: corrupt BCF header \(IDX={idx}\)"):
        read_vcf(bad)


def test_every_vcf_kind_carries_id_and_deamination_metric_regression_issue12_merge():
    for name in ("oncomine_dna_rna.vcf", "mutect2_tumor_normal.vcf", "case01_tvc52.vcf"):
        res = read_vcf(VCF / name)
        assert "id" in res.variants.columns
    assert read_vcf(VCF / "oncomine_dna_rna.vcf").deamination_metric == 0.0125
    assert read_vcf(VCF / "mutect2_tumor_normal.vcf").deamination_metric is None


@pytest.mark.parametrize("reference", ["/ref/Homo_sapiens_assembly38.fasta", "/ref/hs38DH.fa",
                                       "file:///data/GRCh38_full_analysis_set.fa"])
def test_grch38_reference_names_refused_regression_passed_as_hg19(tmp_path, reference):
    text = (VCF / "mutect2_tumor_normal.vcf").read_text().replace(
        "##reference=file:///ref/Homo_sapiens_assembly19.fasta", f"##reference={reference}")
    (tmp_path / "m2.vcf").write_text(text)
    res = run("classify", tmp_path / "m2.vcf", "--json", "-")
    assert res.exit_code == 3
    assert "the VCF is on hg38" in one_error_line(res)
    assert build_of(reference) == "hg38" and build_of("/ref/Homo_sapiens_assembly19.fasta") == "hg19"
    assert build_of("hs37d5.fa") == "hg19" and build_of("human_g1k_v37.fasta") == "hg19"


# ------------------------------------------------------------------------------------------- CNVkit


def test_cnvkit_cnr_alone_refused_regression_bins_read_as_segments(tmp_path):
    shutil.copy(FIXTURES / "probes" / "cnvkit_small.cnr", tmp_path)
    res = run("classify", tmp_path, "--json", "-")
    assert res.exit_code == 3
    assert "CNVkit bin-level ratios (.cnr), not segments; give the .cns" in one_error_line(res)


def test_cnvkit_cnn_refused_regression_coverage_read_as_complex_profile(tmp_path):
    cnn = tmp_path / "T.targetcoverage.cnn"
    cnn.write_text("chromosome\tstart\tend\tgene\tdepth\tlog2\n" +
                   "".join(f"{c}\t{i * 100000}\t{i * 100000 + 200}\tG{i}\t{300 + i}\t{8.2 + i % 3 / 10}\n"
                           for c in (1, 2, 3) for i in range(1, 30)))
    res = run("classify", cnn, "--json", "-")
    assert res.exit_code == 3 and "CNVkit coverage (.cnn" in one_error_line(res)
    shutil.copy(FIXTURES / "seg" / "cnvkit_sample.cns", tmp_path)  # beside a .cns: noted, not used
    result = classify(tmp_path)
    assert any("T.targetcoverage.cnn: CNVkit coverage" in w for w in result.warnings)
    assert [i["format"] for i in result.provenance["inputs"]] == ["cnvkit_cns"]


def test_cnvkit_cns_with_cnr_accepted_regression_two_copy_number_files(tmp_path):
    shutil.copy(FIXTURES / "seg" / "cnvkit_sample.cns", tmp_path)
    shutil.copy(FIXTURES / "probes" / "cnvkit_small.cnr", tmp_path)
    result = classify(tmp_path)
    assert [(i["format"], i.get("reader")) for i in result.provenance["inputs"]] == [
        ("cnvkit_cns", None), ("probes", "cnvkit_cnr")]
    assert result.qc["probe_level_data"] is True and result.gene_call("RB1") == "homozygous_deletion"
    assert discover(tmp_path) == discover(tmp_path)[:1] and len(discover(tmp_path)) == 1


def test_cnvkit_zero_probe_row_dropped_regression_whole_cns_failed(tmp_path):
    cns = tmp_path / "T.cns"
    cns.write_text((FIXTURES / "seg" / "cnvkit_sample.cns").read_text() +
                   "chr13\t115103150\t115103000\tERBB4\t-2.4\t0\t0\t0\n")
    export = read_seg(cns)
    assert len(export.segments) == 3
    assert export.warnings == ["T.cns: 1 segment(s) with 0 markers (no data; CNVkit artefact rows) dropped (line 5)"]


# ------------------------------------------------------------------------------------------- seg


def test_gzipped_seg_reads_regression_binary_nul_bytes(tmp_path):
    plain = FIXTURES / "bad" / "good_seg" / "P1.seg"
    gz = tmp_path / "P1.seg.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    assert detect_file(gz) == "seg"
    result = classify(gz)
    assert result.sample == "P1" and result.gene_call("RB1") == classify(plain).gene_call("RB1")


def test_pscbs_warning_line_above_header_regression_nothing_lmsgen_reads(tmp_path):
    seg = tmp_path / "pscbs.seg"
    seg.write_text('WARNING: ignoring environment value of R_HOME\n"sampleName"\t"chromosome"\t"start"\t"end"\t'
                   '"nbrOfLoci"\t"mean"\n"S1"\t"chr13"\t19000001\t48700000\t3000\t-0.51\n'
                   '"S1"\t"chr13"\t48700001\t49300000\t150\t-1.32\n')
    assert detect_file(seg) == "seg"
    assert find_inputs(tmp_path).files == {"seg": [seg]}
    result = classify(tmp_path)
    assert result.sample == "S1" and result.gene_call("RB1") in ("heterozygous_deletion", "homozygous_deletion")


def test_seg_tsv_name_is_read_regression_skipped_as_output(tmp_path):
    shutil.copy(FIXTURES / "bad" / "good_seg" / "P1.seg", tmp_path / "P1.seg.tsv")
    assert find_inputs(tmp_path).files == {"seg": [tmp_path / "P1.seg.tsv"]}
    assert classify(tmp_path).sample == "P1"


def test_pandas_index_column_regression_one_sample_per_row(tmp_path):
    df = pd.DataFrame({"chrom": [13, 13], "loc.start": [19084823, 48700001], "loc.end": [48700000, 49300000],
                       "num.mark": [3000, 150], "seg.mean": [-0.51, -1.32]})
    df.to_csv(tmp_path / "P2.seg", sep="\t")  # index column, no sample column
    export = read_seg(tmp_path / "P2.seg")
    assert export.samples == ["P2"] and len(export.segments) == 2
    assert any("first column has no name" in w for w in export.warnings)
    df.insert(0, "ID", "P3")
    df.to_csv(tmp_path / "P3.seg", sep="\t", index=False)
    lines = (tmp_path / "P3.seg").read_text().splitlines()
    rows = [f"{i}\t{ln}" for i, ln in enumerate(lines[1:], 1)]  # R write.table(row.names=TRUE)
    (tmp_path / "P3r.seg").write_text("\n".join([lines[0], *rows]) + "\n")
    export = read_seg(tmp_path / "P3r.seg")
    assert export.samples == ["P3"] and any("R row names" in w for w in export.warnings)


def test_semicolon_seg_decimal_commas_regression_one_number_rule(tmp_path):
    seg = tmp_path / "euro.seg"
    seg.write_text("ID;chrom;loc.start;loc.end;num.mark;seg.mean\nS1;13;19084823;48700000;3000;-0,5146\n"
                   "S1;13;48700001;49300000;1.500;-1,3219\n")
    segments = read_seg(seg).segments
    assert segments["log2"].tolist() == [-0.5146, -1.3219] and segments["markers"].tolist() == [3000, 1500]


def test_partial_seg_warns_autosomes_without_data_regression_genome_wide_class_in_silence(tmp_path):
    seg = tmp_path / "P4.seg"
    seg.write_text(SEG_HEADER + "P4\t1\t1\t120000000\t5000\t-0.6\nP4\t1\t150000000\t249000000\t5000\t0.4\n")
    result = classify(seg)
    assert result.profile_class == "simple"
    assert result.qc["autosomes_without_data"] == [f"chr{c}" for c in range(2, 23)]
    assert any("no segment on 21 of 22 autosomes" in w for w in result.warnings)
    assert "autosomes_without_data" not in classify(FIXTURES.parent.parent / "examples" / "case2").qc  # ChAS


# ------------------------------------------------------------------------------------------- ChAS


def test_chas_empty_file_cell_regression_phantom_sample(tmp_path):
    path = write_chas(tmp_path / "one.txt", [("13", 48_000_000, 49_500_000, "Loss", "1"),
                                             ("17", 7_000_000, 8_000_000, "Loss", "1")], sample="LMS09")
    lines = path.read_text().splitlines()
    lines[2] = lines[2].replace("LMS09.OSCHP", "", 1)
    path.write_text("\n".join(lines) + "\n")
    export = read_chas(path)
    assert export.samples == ["LMS09"] and len(export.segments) == 2
    assert any("1 row(s) without a File value read as sample 'LMS09'" in w for w in export.warnings)
    multi = tmp_path / "multi.txt"
    multi.write_text("\n".join([*lines, lines[1].replace("LMS09.OSCHP", "LMS10.OSCHP")]) + "\n")
    with pytest.raises(InputError, match=r"multi.txt:3: row without a File value in an export of 2 samples"):
        read_chas(multi)


def test_chas_location_decimal_regression_x10_false_cdkn2a_homdel(tmp_path):
    path = tmp_path / "dec.txt"
    path.write_text("File\tCN State\tType\tChromosome\tMarker Count\tFull Location\n"
                    "LMS11.OSCHP\t0\tLoss\t9\t80\tchr9:2000000.0-2200000.0\n")
    seg = read_chas(path).segments.iloc[0]
    assert (seg["start"], seg["end"]) == (1_999_999, 2_200_000)  # not 20,000,000-22,000,000 (CDKN2A)
    assert classify(path).gene_call("CDKN2A") == "neutral"
    assert parse_number("2000000.0") == 2_000_000 and parse_number("89.580.992") == 89_580_992
    assert parse_number("47,890,114") == 47_890_114 and parse_number("1,5") == 1.5
    assert parse_number("1,001", decimal=",", integer=True) == 1001 and parse_number("1,23,456") is None


# ------------------------------------------------------------------------------------------- Archer, outputs


def test_archer_isoform_json_in_folder_read_regression_every_json_skipped(tmp_path):
    shutil.copy(FIXTURES / "archer" / "isoforms_ss18_ssx2.json", tmp_path / "S1.isoforms.json")
    shutil.copy(FIXTURES / "bad" / "good_seg" / "P1.seg", tmp_path)
    result = classify(tmp_path)
    assert [f["fusion"] for f in result.fusions if f["reported"]][0] == "SS18::SSX2"
    write_outputs(result, tmp_path)  # lmsgen's own JSON and .seg beside the inputs: skipped when read again
    inputs = find_inputs(tmp_path)
    assert sorted(inputs.files) == ["archer_isoform_json", "seg"] and inputs.ignored == []
    assert classify(tmp_path).sample == result.sample


def test_outputs_never_overwrite_an_input_regression_json_now_read(tmp_path):
    shutil.copy(FIXTURES / "archer" / "isoforms_ss18_ssx2.json", tmp_path / "P1.json")
    before = (tmp_path / "P1.json").read_bytes()
    result = classify(FIXTURES / "bad" / "good_seg" / "P1.seg")
    with pytest.raises(UsageError, match="P1.json: exists and is an input .*Archer"):
        write_outputs(result, tmp_path)
    assert (tmp_path / "P1.json").read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["P1.json"]


def test_utf16_archer_table_read_regression_detector_decoded_on_its_own(tmp_path):
    text = (FIXTURES / "archer" / "fusion_table_col1a1_pdgfb.tsv").read_text(encoding="utf-8")
    path = tmp_path / "fusions.txt"
    path.write_bytes(text.encode("utf-16"))  # Excel "Unicode Text": UTF-16 with a BOM
    assert detect_file(path) == "archer_fusion_table"
    [fusion] = read_archer(path).fusions
    assert (fusion.gene5, fusion.gene3, fusion.reads, fusion.unique_start_sites) == ("COL1A1", "PDGFB", 300, 35)


def test_igv_seg_export_regression_promised_by_design(tmp_path):
    result = classify(FIXTURES.parent.parent / "examples" / "case2")
    text = seg_text(result)
    lines = text.splitlines()
    assert lines[0] == "#type=COPY_NUMBER" and lines[1].startswith("#lmsgen ")
    assert lines[2].split("\t") == ["ID", "chrom", "loc.start", "loc.end", "num.mark", "copy_number", "state",
                                    "seg.mean"]
    cn = result.segments[result.segments["kind"] == "cn"]
    assert len(lines) == 3 + len(cn)
    first = lines[3].split("\t")
    assert first[0] == "case2" and int(first[2]) == int(cn.iloc[0]["start"]) + 1  # 1-based, as IGV reads .seg
    written = write_outputs(result, tmp_path)
    assert tmp_path / "case2.igv.seg" in written and detect_file(tmp_path / "case2.igv.seg") == "lmsgen_output"
    with pytest.raises(InputError, match="lmsgen's own output, not an input"):
        find_inputs(tmp_path / "case2.igv.seg")
    round_trip = read_seg(tmp_path / "case2.igv.seg")  # read as a plain .seg: the same coordinates
    coords = ["chrom", "start", "end"]
    assert round_trip.segments[coords].values.tolist() == cn[coords].values.tolist()
    assert seg_text(classify(VCF / "pisces_tso500.vcf")) is None  # no copy number, no .seg


# ------------------------------------------------------------------------------------------- thresholds


def test_threshold_log2_loss_negative_accepted_regression_refused_as_negative():
    assert Thresholds().with_overrides(log2_loss="-0.2").log2_loss == -0.2
    res = run("classify", FIXTURES / "bad" / "good_seg", "--json", "-", "-t", "log2_loss=-0.2")
    assert res.exit_code == 0 and json.loads(res.stdout)["provenance"]["thresholds"]["log2_loss"] == -0.2


def test_threshold_fractional_markers_refused_regression_cut_to_2():
    with pytest.raises(UsageError, match="min_segment_markers needs a whole number, not '2.7'"):
        Thresholds().with_overrides(min_segment_markers="2.7")
    res = run("classify", FIXTURES / "bad" / "good_seg", "-t", "min_segment_markers=2.7")
    assert res.exit_code == 2 and "needs a whole number" in one_error_line(res)
    with pytest.raises(UsageError, match="log2_gain must be between 0 and 10"):
        Thresholds().with_overrides(log2_gain="-0.1")
    with pytest.raises(UsageError, match="arm_fraction must be between 0 and 1"):
        Thresholds().with_overrides(arm_fraction=1.5)


def test_fusions_take_the_thresholds_whole():
    strict = Thresholds().with_overrides(fusion_min_reads=2000)
    rows = report_fusions([Fusion("FGFR3", "TACC3", reads=1890)], strict)
    assert rows[0]["reasons_not_reported"] == ["supporting reads 1890 < 2000"]


def test_a_readme_naming_the_seg_columns_is_not_a_segment_file_regression_readme_detected_as_seg(tmp_path):
    """A folder's Markdown README whose sentence names the .seg columns (``ID chrom loc.start loc.end num.mark
    seg.mean``) was taken for a second copy-number file: the whole folder failed with "two or more copy-number
    files". A line of more other words than column names is prose, not a header; GISTIC's space-separated header of
    multi-word names is still one."""
    folder = tmp_path / "cohort"
    folder.mkdir()
    shutil.copy(FIXTURES / "seg" / "dnacopy_multi_sample.seg", folder / "cohort.seg")
    (folder / "README.md").write_text(
        "# Data\n\n| file | what |\n|---|---|\n| `cohort.seg` | CBS segments, hg19, one file for all samples: "
        "`ID chrom loc.start loc.end num.mark seg.mean`; seg.mean = log2(tumour/normal) |\n", encoding="utf-8")
    assert detect_file(folder / "README.md") is None
    gistic = tmp_path / "gistic.txt"
    gistic.write_text("Sample  Chromosome  Start Position  End Position    Num markers Seg.CN\n"
                      "S1  1  1000000  50000000  1000  -0.6\n", encoding="utf-8")
    assert detect_file(gistic) == "seg"
    ran = CliRunner().invoke(main, ["cohort", str(folder), "--out", str(tmp_path / "out"), "-q"])
    assert ran.exit_code == 0, ran.output
    assert "two or more copy-number files" not in ran.output
    assert (tmp_path / "out" / "cohort.tsv").read_text().count("\tok\t") >= 2
