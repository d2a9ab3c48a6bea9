"""Unit regressions of issue 19 (the CLI-level corpus is ``tests/test_adversarial.py``): the one TSV cell rule, long
stems, ANNOVAR words and one-letter protein changes, cut files, sample-sheet headers and matching, the region
filter of large VCFs, result-document checks, array types."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from conftest import EXAMPLES, FIXTURES

from lms_genomics.calling.knowledge import _codon
from lms_genomics.calling.variants import effect_of
from lms_genomics.errors import InputError
from lms_genomics.io.samplesheet import SampleInfo, SampleSheet, check_sheet, header_key
from lms_genomics.io.text import cut_short
from lms_genomics.io.vcf_records import RecordIndex, RegionFilter
from lms_genomics.naming import MAX_STEM, file_stem
from lms_genomics.report.tsv import safe_text, tsv_cell
from lms_genomics.result_doc import is_result_doc
from lms_genomics.sample_qc import array_of


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+cmd|' /C calc'!A0", "'=1+cmd|' /C calc'!A0"), ("@SUM(1+1)", "'@SUM(1+1)"), ("+SUM(1)", "'+SUM(1)"),
    ("-2+3", "'-2+3"), ("\t=1+1", "'=1+1"), ("\r@x", "'@x"), ("\uff1d1+1", "'\uff1d1+1"), ("-", "'-"),
    ("-0.5", "-0.5"), ("+3", "+3"), ("-1e-05", "-1e-05"), ("c.-29+695T>C", "c.-29+695T>C"),
    ("a\tb\nc", "a b c"), (-0.5, "-0.5"), (3, "3"), (True, "True"), (None, ""), (float("nan"), ""),
    (["=a", "b"], "'=a; b"), ("p.(Met246Val)", "p.(Met246Val)"),
])
def test_tsv_cell_owasp_rule_regression_formula_injection(value, cell):
    assert tsv_cell(value) == cell


def test_cohort_tsv_escapes_text_and_keeps_numbers():
    from lms_genomics.report.cohort_report import cohort_tsv

    rows = [{"sample": "=HYPERLINK(\"x\")", "GI": -0.5, "fusions": None},
            {"sample": "P2", "GI": 1.25, "fusions": "@A::B"}]
    lines = cohort_tsv(rows).splitlines()
    header = lines[0].split("\t")
    cells = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    # a cell holding a quote is quoted (CSV rule); a spreadsheet reads it as the text '=HYPERLINK("x")
    assert [(c["sample"], c["GI"], c["fusions"]) for c in cells] == [
        ('"\'=HYPERLINK(""x"")"', "-0.5", ""), ("P2", "1.25", "'@A::B")]
    assert safe_text("  =x ") == "'=x"


@pytest.mark.parametrize("n", [1, 99, 100, 101, 232, 255, 5000])
def test_file_stem_bounded_regression_file_name_too_long(n):
    stem = file_stem("L" * n)
    assert len(stem) <= MAX_STEM and file_stem(stem) == stem
    assert (stem == "L" * n) == (n <= MAX_STEM)


def test_long_stems_differ_when_names_differ_at_the_end():
    assert file_stem("L" * 300 + "A") != file_stem("L" * 300 + "B")


@pytest.mark.parametrize(("function", "protein", "effect"), [
    ("nonsynonymous SNV", None, "missense"), ("nonsynonymous_SNV", None, "missense"),
    ("non-synonymous", None, "missense"), ("synonymous SNV", None, "synonymous"), ("stopgain", None, "nonsense"),
    ("splicing", None, "splice"), ("exonic;splicing", None, "splice"), ("ncRNA_exonic", None, "noncoding"),
    (None, "p.R248Q", "missense"), (None, "p.(R248Q)", "missense"), (None, "p.R213X", "nonsense"),
    (None, "p.R213*", "nonsense"), (None, "p.R213R", "synonymous"), (None, "p.Arg213Arg", "synonymous"),
    (None, "p.M1I", "start_loss"), (None, "p.M1?", "start_loss"), (None, "p.M10V", "missense"),
    (None, "p.(Arg248Gln)", "missense"), (None, "p.R248fs", "frameshift"),
])
def test_effect_words_regression_annovar_and_one_letter(function, protein, effect):
    assert effect_of(function, None, None, protein) == effect


@pytest.mark.parametrize(("hgvs_p", "codon"), [("p.R248Q", 248), ("p.(Arg248Gln)", 248), ("p.Arg273His", 273),
                                               ("p.*394Wext*?", 394), ("c.1A>G", None)])
def test_protein_codon_one_letter_regression_not_damaging(hgvs_p, codon):
    assert _codon(hgvs_p) == codon


@pytest.mark.parametrize(("last", "before", "cut"), [
    ("-1.3", ["-0.5146", "0.1830"], True), ("-1.", ["-0.5146"], True), ("", ["-0.5146", "0.1"], True),
    ("0.129346", ["0.143655", "1.401865"], False), ("0.1", ["0.5", "-1.2"], False), ("12", ["3000", "150"], False),
    ("-1.3", ["-0.5146", "0.18"], False), ("-1.3", [], False), ("", ["", "0.1"], False),
])
def test_cut_short_rule(last, before, cut):
    assert cut_short(last, before) is cut


@pytest.mark.parametrize(("header", "key", "percent"), [
    ("tumour cell content (%)", "tumour cell content", True), ("Purity (%)", "purity", True), ("TCC %", "tcc", True),
    ("% tumour cells", "tumour cells", True), ("Tumor content [%]", "tumor content", True),
    ("purity", "purity", False), ("Sample ID", "sample id", False),
])
def test_sheet_header_units(header, key, percent):
    assert header_key(header) == (key, percent)


def _sheet(ids, anonymous=False):
    return SampleSheet(FIXTURES / "sample.tsv", {i: SampleInfo(i, 0.5, line=n + 2) for n, i in enumerate(ids)},
                       anonymous=anonymous)


def test_check_sheet_rows_and_samples():
    check = check_sheet(_sheet(["P1", "P9"]), ["P1", "P2"], source="x.seg")
    assert check.warnings == ["sample sheet sample.tsv: row 'P9' (line 3) matches no sample of x.seg (it holds P1, "
                              "P2): the row is not used"]
    assert list(check.by_sample) == ["P2"]
    assert check_sheet(_sheet(["P1", "P9"]), ["P1"], source="x", check_rows=False).warnings == []
    with pytest.raises(InputError, match=r"sample.tsv: no row for sample 'P2'.*\(--strict\)"):
        check_sheet(_sheet(["P1"]), ["P1", "P2"], source="x", strict=True)
    with pytest.raises(InputError, match="can describe one sample only"):
        check_sheet(_sheet(["folder"], anonymous=True), ["P1", "P2"], source="x")
    assert check_sheet(_sheet(["folder"], anonymous=True), ["P1"], source="x").warnings == []


def test_region_filter_and_record_index():
    genes = pd.DataFrame({"chrom": ["chr17", "chr13"], "start": [7571719, 48877882], "end": [7590868, 49056026]})
    keep = RegionFilter(genes, pad=2000)
    assert keep.contains("chr17", 7577545) and keep.contains("17", 7571719 - 1999)
    assert not keep.contains("chr17", 7571719 - 2001) and not keep.contains("chr1", 1000)
    assert keep.contains("13", 49056026 + 2000) and not keep.contains("13", 49056026 + 2001)
    index = RecordIndex()
    for item in [(7, "small"), (8, "fusion"), (9, "no_alt")]:
        index.append(item)
    assert len(index) == 3 and index[1] == (8, "fusion") and list(index)[2] == (9, "no_alt")


def test_result_doc_check_of_a_real_result():
    from lms_genomics import classify

    doc = classify(EXAMPLES / "case2").to_dict()
    doc = json.loads(json.dumps(doc))
    assert is_result_doc(doc)
    doc["segments"][3]["end"] = 10**12
    assert not is_result_doc(doc)
    with pytest.raises(ValueError, match=r"segments\[3\]"):
        is_result_doc(doc, raise_errors=True)


def test_array_of_headers_and_chp_suffixes(tmp_path):
    (tmp_path / "a.txt").write_text("#%affymetrix-array-type=CytoScanHD_Array\nProbeSetName\tChromosome\n")
    (tmp_path / "b.txt").write_text("File\tCN State\nS1.OSCHP\t1\n")
    (tmp_path / "c.txt").write_text("ID\tchrom\n")
    assert [array_of(tmp_path / n) for n in ("a.txt", "b.txt", "c.txt")] == ["CytoScan", "OncoScan", None]


def test_arm_table_edited_on_disk_is_read_again_regression_stale_cache(tmp_path):
    from lms_genomics.genome import load_arms

    p = tmp_path / "arms.bed"
    p.write_text("17p\t100\t22000000\n")
    assert load_arms(p)["end"].tolist() == [22000000]
    p.write_text("17p\t100\t21000000\n17q\t26000000\t81000000\n")
    assert load_arms(p)["end"].tolist() == [21000000, 81000000]


def test_transcript_folder_edited_on_disk_is_read_again_regression_stale_cache(tmp_path):
    import shutil

    from lms_genomics.calling.annotation import load_transcripts
    from lms_genomics.errors import ReferenceFileError
    from lms_genomics.genome import reference_path

    folder = tmp_path / "tx"
    shutil.copytree(reference_path("transcripts"), folder)
    assert len(load_transcripts(folder).files) >= 2
    (folder / "hg19_transcripts.tsv").write_text("not a model table\n")
    with pytest.raises(ReferenceFileError):
        load_transcripts(folder)


@pytest.mark.parametrize("text", ["17p\t100\t99999999999999999999999\n", "chr99\t1\t2\tx\t1\t2\n",
                                  "17p\t100\t90000000\n", "chr17\t1\t100\t17p\t50\t10\n"])
def test_bad_arm_tables_refused_regression_overflow(tmp_path, text):
    from lms_genomics.errors import ReferenceFileError
    from lms_genomics.genome import load_arms

    p = tmp_path / "arms.bed"
    p.write_text(text)
    with pytest.raises(ReferenceFileError):
        load_arms(p)
