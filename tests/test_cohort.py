"""lmsgen cohort: the thesis series gives the thesis' counts, failures are isolated, --resume, Dask, TCGA."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES, shared_path
from lms_genomics.cli.main import main

from lms_genomics.cohort import discover, run_cohort

THESIS = FIXTURES / "thesis_cohort"


def cohort(*args):
    return CliRunner().invoke(main, ["cohort", *[str(a) for a in args]], catch_exceptions=False)


def test_thesis_cohort_prints_the_thesis_counts(tmp_path):
    res = cohort(THESIS, "--out", tmp_path, "-j", "2")
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "profile: flat 4, simple 3, complex 4, non-contributory 3" in out
    assert "RB1 altered 5 " in out
    assert "TP53 altered 5 (deleted 3, mutated 2)" in out
    assert "MYOCD amplified 2" in out
    assert "fusions: none detected" in out
    table = pd.read_csv(tmp_path / "cohort.tsv", sep="\t").set_index("sample")
    assert len(table) == 14 and (table["status"] == "ok").all()
    assert set(table.index[table["contribution"] == "non-contributory"]) == {"case08", "case11", "case13"}
    assert "MAPD" in table.loc["case08", "qc_reasons"]
    assert "depth" in table.loc["case11", "qc_reasons"]
    assert "segments" in table.loc["case13", "qc_reasons"]
    assert table.loc["case01", "TP53_mutations"] == "p.Met246Val VAF 0.38 (damaging)"
    assert table.loc["case09", "TP53_mutations"] == "p.Ser241Phe VAF 0.06 (damaging)"
    assert table.loc["case01", "TP53_biallelic"] == "yes"
    html = (tmp_path / "cohort.html").read_text()
    assert "loss frequency" in html and "<script src=\"http" not in html
    assert len(list(tmp_path.glob("case*.json"))) == 14


def test_broken_sample_is_reported_and_the_rest_complete(tmp_path):
    series = tmp_path / "series"
    for case in ("case2", "case6"):
        shutil.copytree(EXAMPLES / case, series / case)
    (series / "broken").mkdir()
    (series / "broken" / "export.txt").write_text("File\tCN State\tType\tFull Location\nX.OSCHP\t1\tLoss\tchr1:abc\n")
    res = cohort(series, "--out", tmp_path / "out", "-j", "2")
    assert res.exit_code == 9
    assert "failed: broken" in res.stderr and "export.txt:2" in res.stderr
    table = pd.read_csv(tmp_path / "out" / "cohort.tsv", sep="\t").set_index("sample")
    assert table.loc["broken", "status"] == "failed"
    assert table.loc["case2", "class"] == "complex" and table.loc["case6", "class"] == "simple"


def test_resume_skips_up_to_date_samples(tmp_path):
    series = tmp_path / "series"
    shutil.copytree(EXAMPLES / "case2", series / "case2")
    shutil.copytree(EXAMPLES / "case6", series / "case6")
    assert cohort(series, "--out", tmp_path / "out").exit_code == 0
    res = cohort(series, "--out", tmp_path / "out", "--resume")
    assert res.exit_code == 0
    assert res.stderr.count("(up to date)") == 2
    # A changed input is re-done.
    seg = series / "case6" / "case6.segments.txt"
    seg.write_text(seg.read_text().replace("\t1\tLoss\t", "\t0\tLoss\t"))
    res = cohort(series, "--out", tmp_path / "out", "--resume")
    assert res.stderr.count("(up to date)") == 1
    doc = json.loads((tmp_path / "out" / "case6.json").read_text())
    assert doc["genes"]["RB1"]["call"] == "homozygous_deletion"


def test_in_process_and_parallel_give_the_same_rows(tmp_path):
    units = discover(THESIS, jobs=2)
    one = sorted((o.row["sample"], o.row.get("class"), o.row.get("RB1")) for o in run_cohort(units, tmp_path / "a"))
    two = sorted((o.row["sample"], o.row.get("class"), o.row.get("RB1"))
                 for o in run_cohort(units, tmp_path / "b", jobs=2))
    assert one == two


def test_dask_local_cluster(tmp_path):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    units = discover(EXAMPLES)
    outcomes = list(run_cohort(units, tmp_path, scheduler="local"))
    assert sorted((o.sample, o.row["class"]) for o in outcomes) == [("case2", "complex"), ("case6", "simple")]


def test_multi_sample_seg_is_split_in_batches_that_read_the_file_once(tmp_path):
    # Discovery reads only the file's head; the parent reads the file once and splits its samples among the workers.
    units = discover(FIXTURES / "seg" / "dnacopy_multi_sample.seg", jobs=1)
    assert len(units) == 1 and units[0].copy_number == str(FIXTURES / "seg" / "dnacopy_multi_sample.seg")
    assert sorted(o.sample for o in run_cohort(units, tmp_path, jobs=2)) == ["S1", "S2"]


def test_tcga_leiomyosarcomas_as_a_cohort(tmp_path):
    folder = shared_path("realdata", "tcga_sarc_dev")
    samples = pd.read_csv(folder / "samples.tsv", sep="\t")
    lms = samples[samples["short_histo"].isin(["STLMS", "ULMS"])]["TCGA_barcode"].str[:12]
    seg = pd.read_csv(folder / "tcga_sarc_snp6_hg19.seg", sep="\t")
    path = tmp_path / "lms.seg"
    seg[seg["ID"].isin(lms)].to_csv(path, sep="\t", index=False)
    res = cohort(path, "--out", tmp_path / "out", "-j", "2", "--sample-sheet", folder / "samples.tsv")
    assert res.exit_code == 0, res.output
    table = pd.read_csv(tmp_path / "out" / "cohort.tsv", sep="\t")
    assert len(table) == 41 and (table["status"] == "ok").all()
    assert len(list((tmp_path / "out").glob("TCGA-*.json"))) == 41
    assert (tmp_path / "out" / "cohort.html").exists()


def test_batch_reads_only_its_samples_rows_regression_quadratic_batches(tmp_path):
    """Each batch of a multi-sample .seg used to parse and split every sample of the file (10,000 synthetic
    samples took hours); a batch now keeps only its own samples' rows."""
    from lms_genomics.io.seg import read_seg, seg_sample_names

    path = FIXTURES / "seg" / "dnacopy_multi_sample.seg"
    assert seg_sample_names(path) == ["S1", "S2"]
    only = read_seg(path, samples=["S2"])
    assert only.samples == ["S2"] and set(only.segments["sample"]) == {"S2"}
    assert only.segments.equals(read_seg(path).segments.query("sample == 'S2'").reset_index(drop=True))


def test_sample_with_no_usable_row_fails_alone(tmp_path):
    seg = tmp_path / "three.seg"
    seg.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
                   "A\t1\t1000\t5000000\t500\t-0.5\n"
                   "B\tMT\t1\t16000\t50\t0.1\n"  # only a mitochondrial row: nothing to call
                   "C\t13\t19084823\t48500000\t3000\t-0.4\n")
    res = cohort(seg, "--out", tmp_path / "out", "-j", "1")
    assert res.exit_code == 9, res.output
    table = pd.read_csv(tmp_path / "out" / "cohort.tsv", sep="\t").set_index("sample")
    assert table.loc["A", "status"] == table.loc["C", "status"] == "ok"
    assert table.loc["B", "status"] == "failed" and "no usable segment" in table.loc["B", "error"]


def test_summary_counts_everything_but_the_html_lists_at_most_its_cap(tmp_path):
    from lms_genomics.cohort import SampleOutcome
    from lms_genomics.report.cohort_report import CohortSummary, render_cohort_html

    summary = CohortSummary()
    for i in range(30):
        row = {"sample": f"S{i:02d}", "status": "ok", "contribution": "contributory", "class": "simple", "A": 1,
               "RB1": "heterozygous_deletion", "TP53": "neutral", "MYOCD": "neutral", "PTEN": "neutral",
               "CDKN2A": "neutral", "fusions": "not_assessed", "error": ""}
        summary.add(SampleOutcome(row["sample"], "ok", row))
    table, counts, written = summary.write(tmp_path)
    assert counts["samples"] == 30 and counts["simple"] == 30 and counts["RB1_altered"] == 30
    assert len(pd.read_csv(tmp_path / "cohort.tsv", sep="\t")) == 30
    page = render_cohort_html(table, counts, summary.gain, summary.loss, summary.n_profiled, max_samples=10)
    assert "first 10 of 30 samples" in page and "<td>S09</td>" in page and "<td>S10</td>" not in page


def test_polymorphism_only_mutation_cell_is_not_counted_as_mutated():
    """Regression: a TP53 cell listing only p.(Pro72Arg) (polymorphism) counted the sample as TP53-mutated."""
    from lms_genomics.report.cohort_report import _mutated

    assert not _mutated("p.(Pro72Arg) VAF 0.99 (polymorphism)")
    assert not _mutated("c.375+5G>A VAF 0.20 (VUS)") and not _mutated("c.1A>G VAF 0.20 (unannotated)")
    assert not _mutated("none") and not _mutated("not_assessed") and not _mutated(None)
    assert _mutated("p.(Met246Val) VAF 0.38 (damaging), p.(Pro72Arg) VAF 0.52 (polymorphism)")


def test_cohort_gathers_each_table_into_one_file_equal_to_each_samples_export(tmp_path):
    """Issue 18 (lean cohort outputs): ``lmsgen cohort`` writes per sample its JSON only and gathers the gene calls,
    variants and segments of every sample into ``cohort.genes.tsv``, ``cohort.variants.tsv`` and
    ``cohort.igv.seg`` (samples in cohort.tsv's order); their rows are exactly those ``lmsgen classify`` writes for
    each sample, and ``--resume`` (samples skipped) and ``lmsgen summarize`` (from the JSONs) write the same files."""
    from click.testing import CliRunner
    from lms_genomics.cli.main import main

    from lms_genomics.io.seg import read_seg

    root = Path(__file__).resolve().parents[1]
    series = tmp_path / "series"
    shutil.copytree(root / "examples" / "case2", series / "case2")
    shutil.copytree(root / "examples" / "case6", series / "case6")
    (series / "vcf01").mkdir()
    shutil.copy(root / "tests" / "fixtures" / "vcf" / "case01_tvc52.vcf", series / "vcf01")
    out = tmp_path / "out"
    res = CliRunner().invoke(main, ["cohort", str(series), "--out", str(out), "-q", "-j", "1"])
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "case2.json", "case6.json", "cohort.genes.tsv", "cohort.html", "cohort.igv.seg", "cohort.tsv",
        "cohort.variants.tsv", "plotly.min.js", "vcf01.json"]
    texts = {name: (out / f"cohort.{name}").read_text() for name in ("genes.tsv", "variants.tsv", "igv.seg")}
    expected: dict[str, list[str]] = {name: [] for name in texts}
    for case in ("case2", "case6", "vcf01"):
        res = CliRunner().invoke(main, ["classify", str(series / case), "--out", str(tmp_path / case), "-q"])
        assert res.exit_code == 0, res.output
        for name, skip in (("genes.tsv", 1), ("variants.tsv", 1), ("igv.seg", 3)):
            path = tmp_path / case / f"{case}.{name}"
            if path.exists():
                lines = path.read_text().splitlines()
                if not expected[name]:
                    expected[name] = lines[:skip] if name != "igv.seg" else []
                expected[name] += lines[skip:]
    assert texts["genes.tsv"].splitlines() == expected["genes.tsv"]
    assert texts["variants.tsv"].splitlines() == expected["variants.tsv"]
    assert texts["igv.seg"].splitlines()[3:] == expected["igv.seg"]
    assert sorted(read_seg(out / "cohort.igv.seg").samples) == ["case2", "case6"]
    res = CliRunner().invoke(main, ["cohort", str(series), "--out", str(out), "-q", "-j", "1", "--resume"])
    assert res.exit_code == 0, res.output
    assert {name: (out / f"cohort.{name}").read_text() for name in texts} == texts
    summary_out = tmp_path / "summary"
    res = CliRunner().invoke(main, ["summarize", str(out), "--out", str(summary_out)])
    assert res.exit_code == 0, res.output
    assert {name: (summary_out / f"cohort.{name}").read_text() for name in texts} == texts
    assert not [p for p in out.iterdir() if p.name.startswith(".cohort.")]  # the spools are gone
