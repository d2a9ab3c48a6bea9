"""Whole samples: copy number + Ion Torrent VCF + Archer fusions in one folder, and each part alone."""

from __future__ import annotations

import json
import shutil

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES, write_chas
from lms_genomics.cli.main import main

from lms_genomics import classify

VCF = FIXTURES / "vcf"
ARCHER = FIXTURES / "archer"


def folder(tmp_path, *files, chas_rows=None, name="S1"):
    d = tmp_path / name
    d.mkdir()
    for f in files:
        shutil.copy(f, d / f.name)
    if chas_rows is not None:
        write_chas(d / "segments.txt", chas_rows, sample=name)
    return d


def variant(result, hgvs_p):
    return next(v for v in result.variants if v.get("hgvs_p") == hgvs_p)


def test_case1_tp53_missense_with_17p_cnloh_is_biallelic(tmp_path):
    d = folder(tmp_path, VCF / "case01_tvc52.vcf",
               chas_rows=[("17", 400_958, 22_217_883, "LOH", ""), ("13", 40_000_000, 60_000_000, "Loss", 1)])
    r = classify(d)
    v = variant(r, "p.Met246Val")
    assert v["gene"] == "TP53" and v["vaf"] == pytest.approx(0.38) and v["vaf_source"] == "FAO/FDP"
    assert v["reportable"] is True
    assert r.gene_call("TP53") == "copy_neutral_loh"
    b = r.biallelic["TP53"]
    assert b["biallelic"] is True
    text = " ".join(b["evidence"])
    assert "p.Met246Val" in text and "LOH" in text
    # The TP53 polymorphism p.Pro72Arg is flagged and excluded.
    assert variant(r, "p.Pro72Arg")["polymorphism"] is True
    assert r.to_dict()["fusions"] == "not_assessed"


def test_case9_low_vaf_tp53_missense_is_reported(tmp_path):
    r = classify(folder(tmp_path, VCF / "case09_ir_export.vcf"))
    v = variant(r, "p.Ser241Phe")
    assert v["vaf"] == pytest.approx(0.06) and v["reportable"] is True and v["vaf_source"] == "FAO/FDP"


def test_vcf_alone_gives_a_valid_result_with_copy_number_not_assessed(tmp_path):
    d = folder(tmp_path, VCF / "case01_tvc52.vcf")
    res = CliRunner().invoke(main, ["classify", str(d), "--json", "-"])
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["profile"] == "not_assessed" and data["genes"] == "not_assessed"
    assert data["provenance"]["copy_number_model"] == "not_assessed"
    assert any(v["hgvs_p"] == "p.Met246Val" for v in data["variants"])
    assert data["biallelic"]["TP53"]["biallelic"] is None
    assert any("copy-number" in w for w in data["warnings"])


def test_chas_vcf_and_archer_all_reported(tmp_path):
    d = folder(tmp_path, VCF / "case01_tvc52.vcf", ARCHER / "full_results_ss18_ssx2.txt",
               EXAMPLES / "case2" / "case2.segments.txt")
    res = CliRunner().invoke(main, ["classify", str(d), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "SS18::SSX2" in res.output and "synovial sarcoma" in res.output
    data = json.loads((tmp_path / "out" / "case2.json").read_text())
    assert data["profile"]["class"] == "complex"
    assert isinstance(data["variants"], list) and data["variants"]
    fusion = next(f for f in data["fusions"] if f["reported"])
    assert (fusion["gene5"], fusion["gene3"]) == ("SS18", "SSX2")
    assert "hint" in fusion["known_fusion_hint"]
    formats = {i["format"] for i in data["provenance"]["inputs"]}
    assert formats == {"chas_segments", "vcf", "archer_full_results"}


def test_archer_without_fusion_reads_none_detected(tmp_path):
    d = folder(tmp_path, ARCHER / "full_results_no_fusion.txt", EXAMPLES / "case6" / "case6.segments.txt")
    res = CliRunner().invoke(main, ["classify", str(d), "--out", str(tmp_path / "out")])
    assert res.exit_code == 0, res.output
    assert "fusions: none detected" in res.output
    data = json.loads((tmp_path / "out" / "case6.json").read_text())
    assert data["fusions"] == []


def test_weak_fusion_is_listed_but_not_reported(tmp_path):
    r = classify(folder(tmp_path, ARCHER / "fusion_table_weak.tsv"))
    assert r.fusions and not any(f["reported"] for f in r.fusions)
    assert r.fusions[0]["reasons_not_reported"]


def test_two_vcfs_in_one_folder_is_an_error(tmp_path):
    d = folder(tmp_path, VCF / "case01_tvc52.vcf", VCF / "case09_ir_export.vcf")
    res = CliRunner().invoke(main, ["classify", str(d)])
    assert res.exit_code == 3 and "variant VCFs" in res.stderr and "\n" not in res.stderr.strip()


def test_malformed_archer_file_gives_one_line_error(tmp_path):
    d = folder(tmp_path, ARCHER / "full_results_bad_count.txt")
    res = CliRunner().invoke(main, ["classify", str(d), "--out", str(tmp_path / "out")])
    assert res.exit_code == 3 and "full_results_bad_count.txt" in res.stderr
    assert not (tmp_path / "out").exists()
