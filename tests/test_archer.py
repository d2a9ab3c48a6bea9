"""Archer FusionPlex readers (full_results, isoform JSON, fusion tables, breakend VCFs) and fusion reporting.

Fixtures are synthetic (no real Archer export is public); they are written by
tests/fixtures/archer/make_fixtures.py after ../shared/formats/vcf_archer.md §2 and §1.5.
"""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from lms_genomics.calling.fusions import KNOWN_SARCOMA_FUSIONS, known_fusion_hint, report_fusions
from lms_genomics.errors import InputError
from lms_genomics.genome import sha256_file
from lms_genomics.io.archer import (
    FIELD_NAMES,
    ArcherResult,
    Fusion,
    detect_archer,
    is_fusion_vcf,
    read_archer,
    split_gene_pair,
)
from lms_genomics.thresholds import Thresholds

ROOT = Path(__file__).resolve().parents[1]
ARCHER = ROOT / "tests" / "fixtures" / "archer"

EXPECTED_FORMATS = {
    "full_results_ss18_ssx2.txt": "full_results",
    "full_results_no_fusion.txt": "full_results",
    "full_results_weak.txt": "full_results",
    "full_results_multi_isoform.txt": "full_results",
    "full_results_missing_genes.txt": "full_results",
    "full_results_bad_pair.txt": "full_results",
    "full_results_bad_count.txt": "full_results",
    "isoforms_ss18_ssx2.json": "isoform_json",
    "isoforms_no_fusion.json": "isoform_json",
    "isoforms_weak.json": "isoform_json",
    "isoforms_truncated.json": "isoform_json",
    "fusion_table_col1a1_pdgfb.tsv": "fusion_table",
    "fusion_table_unique_molecules.csv": "fusion_table",
    "fusion_table_no_fusion.tsv": "fusion_table",
    "fusion_table_weak.tsv": "fusion_table",
    "fusion_table_no_genes.tsv": "fusion_table",
    "fusion_table_bad_reads.tsv": "fusion_table",
    "fusion_ss18_ssx2.vcf": "fusion_vcf",
    "fusion_suffixed.vcf": "fusion_vcf",
    "fusion_no_fusion.vcf": "fusion_vcf",
    "fusion_weak.vcf": "fusion_vcf",
    "fusion_ir_8col.vcf": "fusion_vcf",
    "fusion_bad_count.vcf": "fusion_vcf",
    "fusion_short_record.vcf": "fusion_vcf",
}

MALFORMED = [
    "full_results_missing_genes.txt", "full_results_bad_pair.txt", "full_results_bad_count.txt",
    "isoforms_truncated.json", "fusion_table_no_genes.tsv", "fusion_table_bad_reads.tsv",
    "fusion_bad_count.vcf", "fusion_short_record.vcf",
]


def line_of(name: str, needle: str) -> int:
    """1-based line of the first line of a fixture containing ``needle``."""
    for n, line in enumerate((ARCHER / name).read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return n
    raise AssertionError(f"{needle!r} not in {name}")


def only(name: str) -> Fusion:
    result = read_archer(ARCHER / name)
    assert len(result.fusions) == 1, result.fusions
    return result.fusions[0]


def by_genes(fusions: list[Fusion]) -> dict[tuple[str, str], Fusion]:
    return {(f.gene5, f.gene3): f for f in fusions}


# ------------------------------------------------------------------------------------------- detection


def test_every_fixture_is_listed():
    on_disk = {p.name for p in ARCHER.iterdir() if p.suffix != ".py" and p.is_file()}
    assert on_disk == set(EXPECTED_FORMATS)


@pytest.mark.parametrize("name", sorted(EXPECTED_FORMATS))
def test_detect_archer_by_content(name, tmp_path):
    assert detect_archer(ARCHER / name) == EXPECTED_FORMATS[name]
    # content, not extension, decides
    renamed = tmp_path / "export.dat"
    shutil.copy(ARCHER / name, renamed)
    assert detect_archer(renamed) == EXPECTED_FORMATS[name]


def test_detect_archer_none_for_chas_and_others(tmp_path):
    assert detect_archer(ROOT / "examples" / "case2" / "case2.segments.txt") is None
    small = tmp_path / "small_variants.vcf"
    small.write_text("##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
                     "chr17\t7577120\t.\tC\tT\t50\tPASS\tDP=100;AF=0.38\n", encoding="utf-8")
    assert detect_archer(small) is None
    assert is_fusion_vcf(small) is False
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert detect_archer(empty) is None
    assert detect_archer(tmp_path / "missing.txt") is None
    assert detect_archer(tmp_path) is None
    with pytest.raises(InputError) as err:
        read_archer(ROOT / "examples" / "case2" / "case2.segments.txt")
    assert "not an Archer fusion output" in str(err.value)


def test_is_fusion_vcf():
    for name, fmt in EXPECTED_FORMATS.items():
        if fmt == "fusion_vcf" and name != "fusion_short_record.vcf":
            assert is_fusion_vcf(ARCHER / name), name
    assert not is_fusion_vcf(ARCHER / "full_results_ss18_ssx2.txt")


def test_mixed_vcf_is_not_a_fusion_vcf(tmp_path):
    text = (ARCHER / "fusion_ss18_ssx2.vcf").read_text(encoding="utf-8")
    mixed = tmp_path / "mixed.vcf"
    mixed.write_text(text + "chr17\t7577120\t.\tC\tT\t50\tPASS\tDP=100\tGT\t0/1\n", encoding="utf-8")
    assert is_fusion_vcf(mixed) is False
    assert detect_archer(mixed) is None


def test_gzipped_fusion_vcf(tmp_path):
    gz = tmp_path / "fusions.vcf.gz"
    gz.write_bytes(gzip.compress((ARCHER / "fusion_ss18_ssx2.vcf").read_bytes()))
    assert is_fusion_vcf(gz)
    result = read_archer(gz)
    assert result.format == "fusion_vcf"
    assert [(f.gene5, f.gene3) for f in result.fusions] == [("SS18", "SSX2")]


# ------------------------------------------------------------------------------------------- full_results


def test_full_results_known_fusion():
    result = read_archer(ARCHER / "full_results_ss18_ssx2.txt")
    assert isinstance(result, ArcherResult)
    assert result.format == "full_results"
    assert result.sample == "S-23-0001_RNA"
    assert result.sha256 == sha256_file(ARCHER / "full_results_ss18_ssx2.txt")
    assert result.path == ARCHER / "full_results_ss18_ssx2.txt"
    f = result.fusions[0]
    assert (f.gene5, f.gene3) == ("SS18", "SSX2")
    assert (f.breakpoint5, f.breakpoint3) == ("chr18:23601580", "chrX:52727058")
    # NM_ preferred over the NR_ annotation listed first, and over the second NM_ of a slash list
    assert (f.transcript5, f.transcript3) == ("NM_001007559.2", "NM_003147.6")
    assert (f.exon5, f.exon3) == ("10", "6")
    assert (f.reads, f.spanning_reads, f.unique_start_sites) == (412, 120, 58)
    assert f.support_unit == "unique_start_sites"
    assert f.percent_reads == pytest.approx(38.5)
    assert f.strong_evidence is True and f.in_frame is True
    assert f.source_key == "FCA_1"
    assert f.source_line == line_of("full_results_ss18_ssx2.txt", "FCA_1_GENES_UNIQUE")


def test_full_results_multi_isoform_takes_max_per_count():
    result = read_archer(ARCHER / "full_results_multi_isoform.txt")
    assert [(f.gene5, f.gene3) for f in result.fusions] == [("COL1A1", "PDGFB"), ("EWSR1", "FLI1")]
    col, ews = result.fusions
    # FC_1: 300 reads / 40 spanning / 20 USS; FC_2: 150 / 90 / 35 → each maximum independently
    assert (col.reads, col.spanning_reads, col.unique_start_sites) == (300, 90, 35)
    assert col.percent_reads == pytest.approx(22.0)  # the call-level PERCENT_FUSION wins
    assert (col.transcript5, col.exon5, col.transcript3, col.exon3) == ("NM_000088.3", "32", "NM_002608.3", "2")
    assert ews.exon5 == "intron:7" and ews.exon3 == "6"
    assert ews.transcript3 is None  # "FLI1(+)|exon:6|…": no transcript
    assert ews.in_frame is False and ews.strong_evidence is True
    assert (ews.reads, ews.unique_start_sites) == (88, 9)
    assert any("PERCENT_RNA_READS" in w for w in result.warnings)


def test_full_results_no_fusion():
    result = read_archer(ARCHER / "full_results_no_fusion.txt")
    assert result.fusions == [] and result.sample == "S-23-0002_RNA"


def test_full_results_weak_fusion_not_reported():
    f = only("full_results_weak.txt")
    assert (f.gene5, f.gene3) == ("KIAA1549", "BRAF")
    assert f.strong_evidence is False
    [row] = report_fusions([f])
    assert row["reported"] is False
    assert "unique start sites 1 < 3" in row["reasons_not_reported"]
    assert "supporting reads 3 < 5" in row["reasons_not_reported"]
    assert row["known_fusion_hint"] is None


# ------------------------------------------------------------------------------------------- isoform JSON


def test_isoform_json_known_fusion_and_oncogenic_isoform():
    result = read_archer(ARCHER / "isoforms_ss18_ssx2.json")
    assert result.format == "isoform_json" and result.sample == "S-23-0001_RNA"
    ss18, met = result.fusions
    assert (ss18.gene5, ss18.gene3) == ("SS18", "SSX2")
    assert (ss18.breakpoint5, ss18.breakpoint3) == ("chr18:23601580", "chrX:52727058")
    assert any("2 breakpoint signatures" in w for w in result.warnings)
    assert (ss18.transcript5, ss18.exon5, ss18.transcript3, ss18.exon3) == \
        ("NM_001007559.2", "10", "NM_003147.6", "6")
    assert (ss18.reads, ss18.unique_start_sites, ss18.support_unit) == (412, 58, "unique_start_sites")
    assert ss18.percent_reads == pytest.approx(38.5)
    assert ss18.strong_evidence is True and ss18.category == "fusion"
    assert ss18.source_key == "fusions[0]" and ss18.source_line is None
    # oncogenic isoforms stay separate from gene fusions (§2.5 item 7)
    assert (met.gene5, met.gene3) == ("MET", "MET")
    assert met.category == "oncogenic_isoform:exon_skipping"
    assert (met.exon5, met.exon3) == ("13", "15")


def test_isoform_json_no_fusion():
    assert read_archer(ARCHER / "isoforms_no_fusion.json").fusions == []


def test_isoform_json_weak_and_artifact():
    fusions = by_genes(read_archer(ARCHER / "isoforms_weak.json").fusions)
    weak, artifact = fusions[("EWSR1", "ERG")], fusions[("TMPRSS2", "ERG")]
    assert weak.strong_evidence is False
    assert artifact.category == "artifact:fusion"
    rows = {(r["gene5"], r["gene3"]): r for r in report_fusions([weak, artifact])}
    assert rows[("EWSR1", "ERG")]["reported"] is False
    assert rows[("EWSR1", "ERG")]["reasons_not_reported"] == ["unique start sites 2 < 3", "supporting reads 4 < 5"]
    assert rows[("EWSR1", "ERG")]["known_fusion_hint"] == "Ewing sarcoma (hint, not a diagnosis)"
    assert rows[("TMPRSS2", "ERG")]["reasons_not_reported"] == ["flagged as an artifact by Archer"]


# ------------------------------------------------------------------------------------------- tables


def test_table_known_fusion():
    result = read_archer(ARCHER / "fusion_table_col1a1_pdgfb.tsv")
    assert result.format == "fusion_table"
    f = result.fusions[0]
    assert (f.gene5, f.gene3) == ("COL1A1", "PDGFB")
    assert (f.breakpoint5, f.breakpoint3) == ("chr17:48266262", "chr22:39638034")
    assert (f.reads, f.unique_start_sites, f.support_unit) == (300, 35, "unique_start_sites")
    assert f.percent_reads == pytest.approx(22.0)  # "22.0%"
    assert f.strong_evidence is True and f.in_frame is True and f.category == "Fusion"
    assert f.source_line == 2


def test_table_unique_molecules_csv():
    result = read_archer(ARCHER / "fusion_table_unique_molecules.csv")
    fusions = by_genes(result.fusions)
    assert set(fusions) == {("SS18", "SSX2"), ("EWSR1", "FLI1")}  # "SS18--SSX2" and "EWSR1:FLI1"
    ss18 = fusions[("SS18", "SSX2")]
    assert ss18.support_unit == "unique_molecules" and ss18.unique_start_sites == 58
    assert (ss18.breakpoint5, ss18.breakpoint3) == ("chr18:23601580", "chrX:52727058")  # quoted CSV cell
    assert fusions[("EWSR1", "FLI1")].reads == 1204  # "1,204"
    assert ss18.strong_evidence is True  # from Category "Strong Evidence"
    rows = report_fusions(result.fusions)
    assert [r["gene5"] for r in rows] == ["EWSR1", "SS18"]  # by reads


def test_table_no_fusion():
    assert read_archer(ARCHER / "fusion_table_no_fusion.tsv").fusions == []


def test_table_weak_fusion():
    f = only("fusion_table_weak.tsv")
    assert (f.gene5, f.gene3) == ("NAB2", "STAT6") and f.strong_evidence is False
    [row] = report_fusions([f])
    assert row["reported"] is False
    assert row["reasons_not_reported"] == ["unique start sites 1 < 3", "supporting reads 2 < 5"]
    assert row["known_fusion_hint"] == "solitary fibrous tumour (hint, not a diagnosis)"


# ------------------------------------------------------------------------------------------- VCF


def test_vcf_bnd_pair_keeps_5prime_first():
    result = read_archer(ARCHER / "fusion_ss18_ssx2.vcf")
    assert result.format == "fusion_vcf" and result.sample == "S-23-0001_RNA"
    f = only("fusion_ss18_ssx2.vcf")
    # the SSX2 (3') record comes first in the file; GENES_UNIQUE/GENE_NAME decide the order
    assert (f.gene5, f.gene3) == ("SS18", "SSX2")
    assert (f.breakpoint5, f.breakpoint3) == ("chr18:23601580", "chrX:52727058")
    assert (f.reads, f.spanning_reads, f.unique_start_sites) == (412, 120, 58)
    assert f.percent_reads == pytest.approx(38.5)
    assert f.strong_evidence is True and f.category is None  # NOVEL_TYPE=None
    assert f.source_key == "bnd_1a"
    assert f.source_line == line_of("fusion_ss18_ssx2.vcf", "\tbnd_1a\t")


def test_vcf_suffixed_info_keys():
    f = only("fusion_suffixed.vcf")
    assert (f.gene5, f.gene3) == ("COL1A1", "PDGFB")
    assert (f.breakpoint5, f.breakpoint3) == ("chr17:48266262", "chr22:39638034")  # "17" → "chr17"
    assert (f.reads, f.spanning_reads, f.unique_start_sites) == (300, 90, 35)
    assert f.percent_reads == pytest.approx(22.0) and f.strong_evidence is True


def test_vcf_ion_reporter_8_column_fusion_records():
    result = read_archer(ARCHER / "fusion_ir_8col.vcf")
    f = only("fusion_ir_8col.vcf")
    assert (f.gene5, f.gene3) == ("EWSR1", "FLI1")
    assert (f.exon5, f.exon3) == ("7", "6")
    assert (f.breakpoint5, f.breakpoint3) == ("chr22:29683123", "chr11:128675261")
    assert f.reads == 1534 and f.unique_start_sites is None and f.support_unit == "unknown"
    assert any("READ_COUNT=0" in w for w in result.warnings)  # AGTRAP-BRAF target not detected


def test_vcf_no_fusion_and_weak():
    assert read_archer(ARCHER / "fusion_no_fusion.vcf").fusions == []
    f = only("fusion_weak.vcf")
    assert (f.gene5, f.gene3) == ("NAB2", "STAT6") and f.strong_evidence is False
    [row] = report_fusions([f])
    assert row["reported"] is False and row["reasons_not_reported"]


# ------------------------------------------------------------------------------------------- malformed


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_raises_one_line_input_error(name):
    with pytest.raises(InputError) as err:
        read_archer(ARCHER / name)
    e = err.value
    assert e.path is not None and Path(e.path).name == name
    assert "\n" not in str(e)
    assert e.reason


@pytest.mark.parametrize(("name", "needle", "fragment"), [
    ("full_results_missing_genes.txt", "FCA_3_STRONG_EVIDENCE_ABERRATION", "FCA_3_GENES_UNIQUE missing"),
    ("full_results_bad_pair.txt", "FCA_1_GENES_UNIQUE", "GENE5:GENE3"),
    ("full_results_bad_count.txt", "FC_1_EITHER_R1_OR_R2", "whole number"),
    ("fusion_table_no_genes.tsv", "Partners", "no Genes column"),
    ("fusion_table_bad_reads.tsv", "lots", "Reads"),
    ("fusion_bad_count.vcf", "UNIQUE_START_SITES=abc", "UNIQUE_START_SITES"),
    ("fusion_short_record.vcf", "bnd_4a", "at least 8"),
])
def test_malformed_error_line_and_reason(name, needle, fragment):
    with pytest.raises(InputError) as err:
        read_archer(ARCHER / name)
    assert err.value.line == line_of(name, needle)
    assert fragment in err.value.reason
    assert str(err.value).startswith(f"{ARCHER / name}:{err.value.line}: ")


def test_truncated_json_reports_a_line():
    with pytest.raises(InputError) as err:
        read_archer(ARCHER / "isoforms_truncated.json")
    assert "truncated JSON" in err.value.reason
    assert err.value.line is not None


def test_json_entry_errors(tmp_path):
    p = tmp_path / "iso.json"
    p.write_text('{"fusions": [{"gene_arms": ["SS18", "SSX2"], "num_reads": "ten"}]}', encoding="utf-8")
    with pytest.raises(InputError, match=r"fusions\[0\]: num_reads: expected a whole number"):
        read_archer(p)
    p.write_text('{"fusions": [{"gene_arms": ["SS18"], "num_reads": 10}]}', encoding="utf-8")
    with pytest.raises(InputError, match="not a \\[GENE5, GENE3\\] pair"):
        read_archer(p)


def test_split_gene_pair():
    p = Path("x.tsv")
    assert split_gene_pair("SS18-SSX2", p, 1) == ("SS18", "SSX2")
    assert split_gene_pair("SS18--SSX2", p, 1) == ("SS18", "SSX2")
    assert split_gene_pair("SS18:SSX2", p, 1) == ("SS18", "SSX2")
    assert split_gene_pair("SS18::SSX2", p, 1) == ("SS18", "SSX2")
    assert split_gene_pair("NKX2-1--SSX2", p, 1) == ("NKX2-1", "SSX2")
    with pytest.raises(InputError, match="ambiguous"):
        split_gene_pair("NKX2-1-SSX2", p, 4)
    with pytest.raises(InputError, match="not of the form"):
        split_gene_pair("SS18", p, 4)


# ------------------------------------------------------------------------------------------- reporting


STRICT = Thresholds().with_overrides(fusion_require_strong_evidence=True)
LOOSE = Thresholds().with_overrides(fusion_min_unique_start_sites=2)


def test_report_fusions_sorting_and_thresholds():
    fusions = [
        Fusion("KIAA1549", "BRAF", reads=3, unique_start_sites=1, strong_evidence=False),
        Fusion("SS18", "SSX2", reads=412, unique_start_sites=58, strong_evidence=True),
        Fusion("COL1A1", "PDGFB", reads=900, unique_start_sites=2, strong_evidence=True),
        Fusion("EWSR1", "FLI1", reads=50, unique_start_sites=9, strong_evidence=None),
    ]
    rows = report_fusions(fusions)
    assert [(r["gene5"], r["reported"]) for r in rows] == [
        ("SS18", True), ("EWSR1", True), ("COL1A1", False), ("KIAA1549", False)]
    assert rows[0]["known_fusion_hint"] == "synovial sarcoma (hint, not a diagnosis)"
    assert rows[0]["reasons_not_reported"] == []
    strict = {r["gene5"]: r for r in report_fusions(fusions, STRICT)}
    assert strict["EWSR1"]["reported"] is False
    assert "strong-evidence flag absent" in strict["EWSR1"]["reasons_not_reported"][0]
    loose = {r["gene5"]: r for r in report_fusions(fusions, LOOSE)}
    assert loose["COL1A1"]["reported"] is True
    unknown = report_fusions([Fusion("A", "B")])[0]
    assert unknown["reported"] is False and "no read count" in unknown["reasons_not_reported"][0]
    um = report_fusions([Fusion("A", "B", reads=10, unique_start_sites=1, support_unit="unique_molecules")])[0]
    assert um["reasons_not_reported"] == ["unique molecules 1 < 3"]


def test_report_row_is_as_dict_plus_fields():
    f = only("full_results_ss18_ssx2.txt")
    row = report_fusions([f])[0]
    assert {k: v for k, v in row.items() if k not in ("reported", "reasons_not_reported",
                                                      "known_fusion_hint")} == f.as_dict()
    assert row["fusion"] == "SS18::SSX2"


def test_known_fusions_hints():
    for pair in [("SS18", "SSX1"), ("SS18", "SSX2"), ("SS18", "SSX4"), ("EWSR1", "FLI1"), ("EWSR1", "ERG"),
                 ("FUS", "DDIT3"), ("EWSR1", "DDIT3"), ("COL1A1", "PDGFB"), ("NAB2", "STAT6"), ("EWSR1", "WT1"),
                 ("PAX3", "FOXO1"), ("PAX7", "FOXO1"), ("ETV6", "NTRK3"), ("EWSR1", "ATF1"), ("EWSR1", "CREB1"),
                 ("FUS", "CREB3L2"), ("ASPSCR1", "TFE3"), ("EWSR1", "NR4A3"), ("CIC", "DUX4"), ("BCOR", "CCNB3"),
                 ("YWHAE", "NUTM2A"), ("YWHAE", "NUTM2B"), ("JAZF1", "SUZ12"), ("MEAF6", "PHF1"),
                 ("HEY1", "NCOA2"), ("EML4", "ALK"), ("TPM3", "ALK"), ("ACTB", "GLI1")]:
        assert pair in KNOWN_SARCOMA_FUSIONS, pair
        assert known_fusion_hint(*pair).endswith("(hint, not a diagnosis)")
    assert known_fusion_hint("ss18", "ssx2") == "synovial sarcoma (hint, not a diagnosis)"
    assert known_fusion_hint("SSX2", "SS18") is None  # orientation matters
    assert known_fusion_hint("KIAA1549", "BRAF") is None


def test_field_names_is_the_single_mapping():
    assert set(FIELD_NAMES) >= {"full_results_call", "full_results_isoform", "isoform_json", "fusion_table",
                                "vcf_info"}
    assert FIELD_NAMES["fusion_table"]["unique molecules"] == "unique_molecules"
