"""log2 segment readers (CBS/DNAcopy/GISTIC .seg, CNVkit .cns, EaCoN .cbs) and the purity/ploidy model."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import FIXTURES, shared_path

from lms_genomics import classify, classify_all
from lms_genomics.calling.log2 import log2_to_copy_number
from lms_genomics.errors import InputError, UsageError
from lms_genomics.io.detect import detect_file
from lms_genomics.io.samplesheet import read_sample_sheet
from lms_genomics.io.seg import read_seg
from lms_genomics.tables import is_segments

SEG = FIXTURES / "seg"
GOOD = ["dnacopy_multi_sample.seg", "gistic_space_header.seg", "chr_prefix.seg", "affy_24_25.seg",
        "cnvkit_sample.cns", "eacon_sample_name_header.cbs", "header_only.seg"]


@pytest.mark.parametrize("name", GOOD)
def test_contract(name):
    e = read_seg(SEG / name)
    assert is_segments(e.segments, raise_errors=True)
    assert (e.segments["kind"] == "cn").all()
    assert e.segments["copy_number"].isna().all()  # computed later, with purity and ploidy
    assert detect_file(SEG / name) == "seg"


def test_dnacopy_multi_sample_one_based_and_23_is_x():
    e = read_seg(SEG / "dnacopy_multi_sample.seg")
    assert e.samples == ["S1", "S2"]
    s1 = e.segments[e.segments["sample"] == "S1"]
    assert s1.iloc[0]["start"] == 754191 and s1.iloc[0]["end"] == 121350954
    assert "chrX" in set(s1["chrom"])
    assert e.chromosome_coding.startswith("ucsc")


def test_gistic_space_separated_header():
    e = read_seg(SEG / "gistic_space_header.seg")
    assert e.samples == ["T9"] and len(e.segments) == 2
    assert e.segments.iloc[0]["log2"] == -0.6 and e.segments.iloc[0]["markers"] == 5000


def test_affymetrix_coding_when_25_present():
    e = read_seg(SEG / "affy_24_25.seg")
    assert e.chromosome_coding.startswith("affymetrix")
    assert list(e.segments["chrom"]) == ["chr13", "chrX", "chrY"]


def test_cnvkit_cns_is_zero_based():
    e = read_seg(SEG / "cnvkit_sample.cns")
    assert e.format == "cnvkit_cns"
    assert e.segments.iloc[1]["start"] == 48877000


def test_eacon_first_column_named_after_sample():
    e = read_seg(SEG / "eacon_sample_name_header.cbs")
    assert e.samples == ["E1"]


@pytest.mark.parametrize("name,line,words", [
    ("hg38_beyond_chr1_end.seg", 2, "hg19"), ("log2_not_a_number.seg", 3, "abc"),
    ("unknown_chromosome.seg", 2, "chr99"), ("no_log2_column.seg", 1, "log2"), ("end_before_start.seg", 2, "start"),
])
def test_bad_files(name, line, words):
    with pytest.raises(InputError) as err:
        read_seg(SEG / "bad" / name)
    assert err.value.path.endswith(name) and err.value.line == line
    assert words in str(err.value) and "\n" not in str(err.value)


def test_copy_number_formula():
    assert log2_to_copy_number([0.0], 1.0, 2.0)[0] == pytest.approx(2.0)
    assert log2_to_copy_number([-1.0], 1.0, 2.0)[0] == pytest.approx(1.0)
    # One-copy loss at 60% purity reads log2(0.7); purity correction gives back 1 copy.
    assert log2_to_copy_number([math.log2(0.7)], 0.6, 2.0)[0] == pytest.approx(1.0)
    # r = 0 is the tumour's own ploidy.
    assert log2_to_copy_number([0.0], 0.7, 3.0)[0] == pytest.approx(3.0)
    assert np.all(log2_to_copy_number([-9.0], 0.5, 2.0) >= 0)
    with pytest.raises(UsageError):
        log2_to_copy_number([0.0], 0.0, 2.0)


def test_purity_from_sample_sheet_changes_the_myocd_call():
    folder = FIXTURES / "samples" / "log2_purity_sheet"
    with_sheet = classify(folder)
    assert with_sheet.provenance["copy_number_model"]["purity"] == 0.6
    assert with_sheet.provenance["copy_number_model"]["purity_from"] == "sample sheet"
    assert with_sheet.provenance["sex"] == {"value": "female", "source": "sample sheet"}  # issue 13: value + source
    assert with_sheet.gene_call("MYOCD") == "amplification"
    assert with_sheet.gene("MYOCD")["copy_number"] == pytest.approx(5.0, abs=0.01)
    assert with_sheet.gene_call("RB1") == "homozygous_deletion"
    assert with_sheet.gene("TP53")["call"] == "neutral"
    pure = classify(folder, purity=1.0, ploidy=2.0)
    assert pure.provenance["copy_number_model"]["purity_from"] == "command line"
    assert pure.gene_call("MYOCD") == "gain"
    assert pure.gene("MYOCD")["copy_number"] == pytest.approx(3.8, abs=0.01)


def test_log2_gene_outside_any_segment_is_no_data():
    r = classify(SEG / "gistic_space_header.seg")
    assert r.gene_call("RB1") == "heterozygous_deletion"
    assert r.gene_call("PTEN") == "no_data"  # chr10: no segment in this file


def test_tiny_segments_are_left_out_of_calls_and_say_so():
    results = {r.sample: r for r in classify_all(SEG / "dnacopy_multi_sample.seg")}
    s2 = results["S2"]
    assert s2.gene_call("MYOCD") == "amplification"
    assert any("fewer than 10 markers" in w for w in s2.warnings)
    s1 = results["S1"]
    assert s1.gene_call("RB1") == "homozygous_deletion"
    assert s1.gene_call("TP53") == "heterozygous_deletion"


def test_sample_sheet_formats(tmp_path):
    (tmp_path / "sample.toml").write_text('[samples.A]\npurity = 0.7\nploidy = 3.1\nsex = "male"\n')
    sheet = read_sample_sheet(tmp_path / "sample.toml")
    assert sheet.lookup("A").purity == 0.7 and sheet.lookup("A").sex == "male"
    (tmp_path / "s.tsv").write_text("id\tpurity\nTCGA-AB-1234-01\t0.5\n")
    assert read_sample_sheet(tmp_path / "s.tsv").lookup("TCGA-AB-1234").purity == 0.5
    (tmp_path / "bad.tsv").write_text("id\tpurity\nX\t150%\n")
    with pytest.raises(InputError) as err:
        read_sample_sheet(tmp_path / "bad.tsv")
    assert err.value.line == 2


def test_every_real_seg_example_reads():
    base = shared_path("formats", "examples", "seg")
    for f in sorted(base.rglob("*.t*")):
        if f.name.startswith("GISTIC"):
            # The GISTIC example is a secondary GBM on hg18: the build check must stop it...
            with pytest.raises(InputError, match="hg19"):
                read_seg(f)
            # ...and the user can override it, losing only the segments beyond hg19 ends.
            e = read_seg(f, check_build=False)
            assert len(e.segments) == 17 and any("beyond hg19" in w for w in e.warnings)
            continue
        e = read_seg(f)
        assert is_segments(e.segments, raise_errors=True) and len(e.segments) > 10, f


def test_tcga_file_reads_all_samples():
    seg = shared_path("realdata", "tcga_sarc_dev", "tcga_sarc_snp6_hg19.seg")
    e = read_seg(seg)
    assert len(e.samples) == 105 and len(e.segments) == 35701
