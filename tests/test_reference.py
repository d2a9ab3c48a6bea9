"""The bundled reference: required genes present, coordinates equal to RefSeq, arms sane."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import shared_path

from lms_genomics.genome import CHROM_SIZES, load_arms, load_genes, normalize_chromosomes

REQUIRED = ["RB1", "TP53", "MYOCD", "PTEN", "CDKN2A", "CDKN2B", "ATRX", "NF1", "JUN", "VGLL3", "TERT", "MAP3K5",
            "UST", "YAP1", "CDKN1B", "PTPRQ", "CCNE1", "CEBPA", "ZNF552", "DDIT3", "CDK4", "HMGA2", "MDM2", "FRS2"]


def test_required_and_panel_genes_present():
    genes = load_genes().genes
    assert set(REQUIRED) <= set(genes["gene"])
    assert (genes["groups"].str.contains("chpv2")).sum() == 50
    assert genes["gene"].is_unique


def test_key_coordinates():
    g = load_genes().genes.set_index("gene")
    assert tuple(g.loc["RB1", ["chrom", "start", "end"]]) == ("chr13", 48877882, 49056026)
    assert tuple(g.loc["TP53", ["chrom", "start", "end"]]) == ("chr17", 7571719, 7590868)
    assert tuple(g.loc["MYOCD", ["chrom", "start", "end"]]) == ("chr17", 12569206, 12672266)


def test_gene_coordinates_equal_refseq_spans():
    ref = pd.read_csv(shared_path("reference", "hg19_refseq_genes.bed"), sep="\t", header=None,
                      names=["chrom", "start", "end", "gene", "strand", "n"])
    ours = load_genes().genes.merge(ref, on="gene", suffixes=("", "_ref"))
    assert len(ours) == len(load_genes().genes)
    assert (ours["chrom"] == ours["chrom_ref"]).all()
    assert (ours["start"] == ours["start_ref"]).all() and (ours["end"] == ours["end_ref"]).all()


def test_arms_are_inside_chromosomes_and_acrocentric_p_absent():
    arms = load_arms()
    assert (arms["end"] <= arms["chrom"].map(CHROM_SIZES)).all()
    assert (arms["start"] >= arms["arm_start"]).all() and (arms["end"] <= arms["arm_end"]).all()
    assert not {"13p", "14p", "15p", "21p", "22p"} & set(arms["arm"])
    assert len(arms) == 48 - 5 + 0  # 24 chromosomes x 2 arms minus 5 acrocentric p arms


@pytest.mark.parametrize("raw,expected", [
    ("1", "chr1"), ("chr1", "chr1"), ("CHR7", "chr7"), ("07", "chr7"), ("X", "chrX"), ("chrY", "chrY"),
    ("24", "chrX"), ("25", "chrY"), ("23", None), ("MT", None), ("7.0", "chr7"),
])
def test_chromosome_names_affymetrix(raw, expected):
    got = normalize_chromosomes(pd.Series([raw]), numeric_sex="affymetrix").iloc[0]
    assert (None if pd.isna(got) else got) == expected


def test_chromosome_names_ucsc_numeric():
    got = normalize_chromosomes(pd.Series(["23", "24"]), numeric_sex="ucsc").tolist()
    assert got == ["chrX", "chrY"]
