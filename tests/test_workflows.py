"""workflows/Snakefile and its SLURM profile, run for real with Snakemake; `lmsgen classify --name` and
`lmsgen summarize`, the two commands the workflow is built on.

The workflow's per-sample JSONs and cohort.tsv must be those of `lmsgen cohort` on the same samples, whatever
the folders are called; a folder of several samples is expanded, a clash of output names refused before any job.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES, ROOT
from lms_genomics.cli.main import main

SNAKEFILE = ROOT / "workflows" / "Snakefile"
SLURM_PROFILE = ROOT / "workflows" / "profiles" / "slurm"
THESIS = FIXTURES / "thesis_cohort"
MULTI_SEG = FIXTURES / "seg" / "dnacopy_multi_sample.seg"
# (folder name in the lab's series, where its files come from): bundled examples, thesis cases with a VCF, an
# Archer output and (case08) a probe export, under accession-style names that are not the samples' names.
RENAMED = {"ACC-2024-0153": EXAMPLES / "case2", "ACC-2024-0207": EXAMPLES / "case6",
           "H24-01187": THESIS / "case01", "H24-01942": THESIS / "case05", "H24-02210": THESIS / "case08",
           "H24-03371": THESIS / "case09"}

needs_snakemake = pytest.mark.skipif(importlib.util.find_spec("snakemake") is None,
                                     reason="snakemake is not installed (pip install -e '.[test]', Python >= 3.11)")


def lmsgen(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def snakemake(workdir: Path, *args) -> subprocess.CompletedProcess:
    """Run Snakemake on the workflow as a user would, with this environment's lmsgen on PATH."""
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    return subprocess.run([sys.executable, "-m", "snakemake", "-s", str(SNAKEFILE), *map(str, args)], cwd=workdir,
                          env=env, capture_output=True, text=True, timeout=300)


def table_without_input(path: Path) -> str:
    """cohort.tsv without its ``input`` column: `lmsgen cohort` writes each row's input relative to the cohort root
    (``provenance.source``); a result of `lmsgen classify` (the workflow's jobs) records its input files only, which
    `lmsgen summarize` shows as they are recorded (their path)."""
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    return table.drop(columns=["input"]).to_csv(sep="\t", index=False)


def comparable(doc: dict) -> dict:
    """A result document without what legitimately differs between two runs: the creation time and where the
    input and reference files were (only their names, and their SHA-256, are kept)."""
    def strip(value, key=None):
        if isinstance(value, dict):
            return {k: strip(v, k) for k, v in value.items()  # result_key, source: written by lmsgen cohort only
                    if not (key == "provenance" and k in ("created", "result_key", "source"))}
        if isinstance(value, list):
            return [strip(v, key) for v in value]
        if isinstance(value, str) and (key in ("path", "ignored_files") or os.sep in value and Path(value).exists()):
            return Path(value).name
        return value
    return strip(doc)


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def without_plot_ids(path: Path) -> str:
    """An HTML page with plotly's random figure ids blanked."""
    return re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "ID", path.read_text())


def series_of(tmp_path: Path, folders: dict[str, Path], name: str = "series") -> Path:
    series = tmp_path / name
    for folder, source in folders.items():
        if source.is_dir():
            shutil.copytree(source, series / folder)
        else:
            (series / folder).mkdir(parents=True)
            shutil.copy(source, series / folder / source.name)
    return series


def job_counts(stdout: str) -> dict[str, int]:
    """Snakemake's 'Job stats' table as {rule: count}."""
    table = stdout.split("Job stats:", 1)[1] if "Job stats:" in stdout else ""
    return {m.group(1): int(m.group(2)) for m in re.finditer(r"^(\w+)\s+(\d+)$", table, re.M) if m.group(1) != "total"}


# ---------------------------------------------------------------- lmsgen classify --name, lmsgen summarize

def test_classify_name_names_the_files_and_keeps_the_sample_of_the_file(tmp_path):
    res = lmsgen("classify", EXAMPLES / "case2", "--name", "ACC-2024-0153", "--out", tmp_path, "--plots", "html",
                 "--quiet")
    assert res.exit_code == 0, res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ACC-2024-0153.genes.tsv", "ACC-2024-0153.genome.html",
                                                          "ACC-2024-0153.igv.seg", "ACC-2024-0153.json",
                                                          "ACC-2024-0153.report.html"]
    doc = read_json(tmp_path / "ACC-2024-0153.json")
    assert doc["sample"] == "case2" and doc["genes"]["MYOCD"]["call"] == "amplification"
    plain = tmp_path / "plain"
    assert lmsgen("classify", EXAMPLES / "case2", "--out", plain, "--quiet").exit_code == 0
    assert comparable(read_json(plain / "case2.json")) == comparable(doc)
    assert (plain / "case2.genes.tsv").read_text() == (tmp_path / "ACC-2024-0153.genes.tsv").read_text()


def test_classify_name_refuses_several_samples_and_unsafe_names(tmp_path):
    res = lmsgen("classify", MULTI_SEG, "--name", "batch", "--out", tmp_path)
    assert res.exit_code == 2
    assert "--name names the files of one sample" in res.stderr and "holds 2 (S1, S2)" in res.stderr
    assert "--sample" in res.stderr and not list(tmp_path.iterdir())
    res = lmsgen("classify", EXAMPLES / "case2", "--name", "../x", "--out", tmp_path)
    assert res.exit_code == 2 and "--name '../x': use letters, digits" in res.stderr
    res = lmsgen("classify", MULTI_SEG, "--sample", "S2", "--name", "batch.S2", "--out", tmp_path, "--quiet")
    assert res.exit_code == 0, res.output
    assert read_json(tmp_path / "batch.S2.json")["sample"] == "S2"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # the staging folder is gone


def test_summarize_gives_the_cohort_table_of_lmsgen_cohort(tmp_path):
    series = series_of(tmp_path, RENAMED)
    assert lmsgen("cohort", series, "--out", tmp_path / "cohort", "-q").exit_code == 0
    res = lmsgen("summarize", tmp_path / "cohort", "--out", tmp_path / "again")
    assert res.exit_code == 0, res.output
    assert "samples: 6  (failed: 0)" in res.stdout and not res.stderr
    # the cohort's results record their input (provenance.source) and are named by their files: the same table
    assert (tmp_path / "again" / "cohort.tsv").read_text() == (tmp_path / "cohort" / "cohort.tsv").read_text()
    assert without_plot_ids(tmp_path / "again" / "cohort.html") == without_plot_ids(tmp_path / "cohort" / "cohort.html")
    # Named files: only those (a subset of the cohort is re-summarised); the default --out is the one folder.
    res = lmsgen("summarize", tmp_path / "cohort" / "ACC-2024-0153.json", tmp_path / "cohort" / "ACC-2024-0207.json",
                 "--out", tmp_path / "two")
    table = pd.read_csv(tmp_path / "two" / "cohort.tsv", sep="\t")
    assert res.exit_code == 0 and table["sample"].tolist() == ["case2", "case6"]
    assert lmsgen("summarize", tmp_path / "two", "-q").exit_code == 4  # a folder without result JSONs
    assert lmsgen("summarize", tmp_path / "cohort").exit_code == 0


def test_summarize_warns_of_duplicate_samples_and_mixed_thresholds(tmp_path):
    out = tmp_path / "out"
    assert lmsgen("classify", EXAMPLES / "case6", "--out", out, "-q").exit_code == 0
    assert lmsgen("classify", EXAMPLES / "case6", "--name", "again", "--out", out, "-q").exit_code == 0
    assert lmsgen("classify", EXAMPLES / "case2", "--out", out, "-q", "-t", "amp_min_cn=9").exit_code == 0
    res = lmsgen("summarize", out)
    assert res.exit_code == 0
    assert "sample 'case6' occurs in 2 results (again.json, case6.json)" in res.stderr
    assert "2 different combinations of lmsgen version" in res.stderr and "not comparable" in res.stderr


def test_summarize_errors_name_the_file(tmp_path):
    (tmp_path / "other.json").write_text('{"schema": "something/else"}')
    (tmp_path / "broken.json").write_text('{"schema": "lmsgen.sample/1", ')
    res = lmsgen("summarize", tmp_path / "other.json", "--out", tmp_path / "o")
    assert res.exit_code == 3 and "other.json: not an lmsgen result" in res.stderr
    res = lmsgen("summarize", tmp_path)
    assert res.exit_code == 3 and "broken.json: not valid JSON" in res.stderr
    assert not (tmp_path / "cohort.tsv").exists()
    res = lmsgen("summarize", tmp_path / "a.json", tmp_path / "b.json")
    assert res.exit_code == 2 and "--out is needed" in res.stderr
    res = lmsgen("summarize", tmp_path / "missing", "--out", tmp_path / "o")
    assert res.exit_code == 2 and "missing: no such file or folder" in res.stderr


# ---------------------------------------------------------------- the Snakefile, run by Snakemake

@needs_snakemake
def test_workflow_on_the_bundled_examples_equals_lmsgen_cohort(tmp_path):
    folders = {"case2": EXAMPLES / "case2", "case6": EXAMPLES / "case6",
               **{c: THESIS / c for c in ("case01", "case08")}}
    series = series_of(tmp_path, folders)
    run = snakemake(tmp_path, "--cores", "2", "--config", f"samples_dir={series}", "out=results")
    assert run.returncode == 0, run.stderr[-3000:]
    assert job_counts(run.stdout + run.stderr) == {"all": 1, "classify": 4, "cohort": 1}
    assert lmsgen("cohort", series, "--out", tmp_path / "cohort", "-j", "1", "--evidence", "-q").exit_code == 0
    results = tmp_path / "results"
    for folder in folders:
        assert comparable(read_json(results / f"{folder}.json")) == comparable(
            read_json(tmp_path / "cohort" / f"{folder}.json")), folder
        assert (results / f"{folder}.report.html").stat().st_size > 10_000
        assert (results / "logs" / f"{folder}.log").read_text() == ""
    assert table_without_input(results / "cohort.tsv") == table_without_input(tmp_path / "cohort" / "cohort.tsv")
    table = pd.read_csv(results / "cohort.tsv", sep="\t").set_index("sample")
    assert table.loc["case2", "outputs"] == "case2" and table.loc["case2", "input"].endswith("case2.segments.txt")
    assert table.loc["case2", "class"] == "complex" and table.loc["case08", "contribution"] == "non-contributory"


@needs_snakemake
def test_workflow_with_folders_named_unlike_their_samples(tmp_path):
    """A lab names folders after accession numbers: the outputs follow the folders, the JSON keeps the file's
    sample; a folder holding a two-sample .seg becomes one job per sample (FOLDER.SAMPLE)."""
    series = series_of(tmp_path, {**RENAMED, "BATCH-7": MULTI_SEG})
    run = snakemake(tmp_path, "--cores", "2", "--config", f"samples_dir={series}", "out=results")
    assert run.returncode == 0, run.stderr[-3000:]
    results = tmp_path / "results"
    names = sorted(p.name.removesuffix(".json") for p in results.glob("*.json") if not p.name.startswith("."))
    assert names == sorted([*RENAMED, "BATCH-7.S1", "BATCH-7.S2"])
    assert lmsgen("cohort", series, "--out", tmp_path / "cohort", "-j", "1", "--evidence", "-q").exit_code == 0
    for name in names:
        doc = read_json(results / f"{name}.json")
        # lmsgen cohort names a folder's files after the folder too, a multi-sample file's after its samples
        expected = read_json(tmp_path / "cohort" / f"{name if '.' not in name else doc['sample']}.json")
        assert comparable(doc) == comparable(expected), name
    assert read_json(results / "ACC-2024-0153.json")["sample"] == "case2"
    assert read_json(results / "BATCH-7.S2.json")["sample"] == "S2"
    ours = pd.read_csv(tmp_path / "cohort" / "cohort.tsv", sep="\t").set_index("outputs")
    assert ours.loc["ACC-2024-0153", "input"] == "ACC-2024-0153" and ours.loc["S2", "input"].startswith("BATCH-7/")
    assert ours.loc["S2", "input"].endswith("#S2")
    theirs = pd.read_csv(results / "cohort.tsv", sep="\t")
    assert sorted(theirs["outputs"]) == names
    same = ours.drop(columns=["input"]).reset_index(drop=True).sort_values("sample").reset_index(drop=True)
    other = theirs.drop(columns=["input", "outputs"]).sort_values("sample").reset_index(drop=True)
    pd.testing.assert_frame_equal(same.drop(columns=["outputs"], errors="ignore"), other)


@needs_snakemake
def test_workflow_applies_the_sample_sheet_beside_a_multi_sample_file(tmp_path):
    """Each job of a multi-sample folder classifies the folder (--sample S), so the folder's sample sheet gives
    each sample its purity and ploidy, as `lmsgen classify FOLDER` and `lmsgen cohort FILE --sample-sheet` do."""
    series = series_of(tmp_path, {"BATCH-7": MULTI_SEG})
    sheet = series / "BATCH-7" / "samples.tsv"
    sheet.write_text("id\tpurity\tploidy\nS1\t0.5\t2\nS2\t0.8\t3\n")
    run = snakemake(tmp_path, "--cores", "2", "--config", f"samples_dir={series}", "out=results")
    assert run.returncode == 0, run.stderr[-3000:]
    res = lmsgen("cohort", series / "BATCH-7" / MULTI_SEG.name, "--sample-sheet", sheet, "--out", tmp_path / "c",
                 "--evidence", "-q")
    assert res.exit_code == 0
    for sample, purity in (("S1", 0.5), ("S2", 0.8)):
        doc = read_json(tmp_path / "results" / f"BATCH-7.{sample}.json")
        assert doc["provenance"]["copy_number_model"]["purity"] == purity
        assert doc["provenance"]["copy_number_model"]["purity_from"] == "sample sheet"
        assert comparable(doc) == comparable(read_json(tmp_path / "c" / f"{sample}.json"))


@needs_snakemake
def test_workflow_refuses_two_folders_with_one_output_name_before_any_job(tmp_path):
    series = series_of(tmp_path, {"H24 0001": EXAMPLES / "case2", "H24_0001": EXAMPLES / "case6"})
    run = snakemake(tmp_path, "--cores", "1", "--config", f"samples_dir={series}", "out=results")
    assert run.returncode != 0
    assert re.search(r"series/H24 0001 and .*series/H24_0001 would both write results/H24_0001\.json", run.stderr)
    assert not (tmp_path / "results").exists()
    run = snakemake(tmp_path, "--cores", "1", "--config", f"samples_dir={tmp_path / 'nowhere'}")
    assert run.returncode != 0 and "nowhere: no such folder" in run.stderr


@needs_snakemake
def test_reruns_are_cheap_and_cluster_jobs_reuse_the_plan(tmp_path):
    series = series_of(tmp_path, {"ACC-1": EXAMPLES / "case2", "ACC-2": EXAMPLES / "case6"})
    config = ("--config", f"samples_dir={series}", "out=results")
    run = snakemake(tmp_path, "--cores", "2", *config)
    assert run.returncode == 0, run.stderr[-3000:]
    results = tmp_path / "results"
    # Nothing to do; then one changed input re-runs that sample and the gather only.
    again = snakemake(tmp_path, "--cores", "2", *config)
    assert again.returncode == 0 and "Nothing to be done" in again.stdout + again.stderr
    seg = series / "ACC-2" / "case6.segments.txt"
    seg.write_text(seg.read_text().replace("\t1\tLoss\t", "\t0\tLoss\t"))
    again = snakemake(tmp_path, "--cores", "2", *config)
    assert again.returncode == 0, again.stderr[-3000:]
    assert job_counts(again.stdout + again.stderr) == {"all": 1, "classify": 1, "cohort": 1}
    table = pd.read_csv(results / "cohort.tsv", sep="\t").set_index("sample")
    assert table.loc["case6", "RB1"] == "homozygous_deletion"
    # A threshold changed in the config re-runs every sample with it.
    (tmp_path / "config.yaml").write_text(f"samples_dir: {series}\nout: results\nthresholds:\n  amp_min_cn: 9\n")
    again = snakemake(tmp_path, "--cores", "2", "--configfile", tmp_path / "config.yaml")
    assert again.returncode == 0, again.stderr[-3000:]
    assert job_counts(again.stdout + again.stderr) == {"all": 1, "classify": 2, "cohort": 1}
    doc = read_json(results / "ACC-1.json")
    assert doc["provenance"]["thresholds"]["amp_min_cn"] == 9 and doc["genes"]["MYOCD"]["call"] == "gain"
    # A job Snakemake runs on a compute node parses the Snakefile again: it takes the samples from the plan the
    # main process saved (results/.lmsgen-jobs.json) instead of walking the whole series once per job.
    plan = read_json(results / ".lmsgen-jobs.json")
    assert sorted(plan["jobs"]) == ["ACC-1", "ACC-2"] and plan["samples_dir"] == str(series.resolve())
    (results / "ACC-2.json").unlink()
    for clash in ("X 1", "X_1"):  # a walk of the series would now stop on this clash
        shutil.copytree(EXAMPLES / "case2", series / clash)
    job = snakemake(tmp_path, "--mode", "remote", "--target-jobs", "classify:name=ACC-2", "--cores", "1", *config)
    assert job.returncode == 0, job.stderr[-3000:]
    assert read_json(results / "ACC-2.json")["sample"] == "case6"
    main_again = snakemake(tmp_path, "-n", "--cores", "1", *config)
    assert main_again.returncode != 0 and "would both write" in main_again.stdout + main_again.stderr


@needs_snakemake
def test_workflow_failed_sample_names_its_error_and_the_others_finish(tmp_path):
    series = series_of(tmp_path, {"ACC-1": EXAMPLES / "case2", "ACC-2": EXAMPLES / "case6"})
    bad = series / "ACC-3"
    bad.mkdir()
    (bad / "export.txt").write_text("File\tCN State\tType\tFull Location\nX.OSCHP\t1\tLoss\tchr1:abc\n")
    run = snakemake(tmp_path, "--cores", "2", "--keep-going", "--show-failed-logs", "--config",
                    f"samples_dir={series}", "out=results")
    assert run.returncode != 0
    assert "export.txt:2" in run.stdout + run.stderr  # lmsgen's one-line error, shown from the job's log
    assert (tmp_path / "results" / "ACC-1.json").exists() and (tmp_path / "results" / "ACC-2.json").exists()
    assert not (tmp_path / "results" / "cohort.tsv").exists()


@needs_snakemake
@pytest.mark.skipif(importlib.util.find_spec("snakemake_executor_plugin_slurm") is None,
                    reason="snakemake-executor-plugin-slurm is not installed")
def test_slurm_profile_dry_run(tmp_path):
    """The SLURM profile plans one single-core job per sample with the measured memory (-n: no sbatch needed)."""
    series = series_of(tmp_path, {**RENAMED, "BATCH-7": MULTI_SEG})
    run = snakemake(tmp_path, "-n", "--profile", SLURM_PROFILE, "--config", f"samples_dir={series}", "out=results",
                    "--default-resources", "slurm_account=lab", "slurm_partition=short")
    out = run.stdout + run.stderr
    assert run.returncode == 0, out[-3000:]
    assert f"Using profile {SLURM_PROFILE}" in out and "This was a dry-run" in out
    assert job_counts(out) == {"all": 1, "classify": 8, "cohort": 1}
    jobs = [block for block in out.split("\n\n") if "rule classify:" in block]
    assert len(jobs) == 8
    for block in jobs:
        assert "mem_mb=500" in block and "runtime=10" in block and "slurm_partition=short" in block
        assert "threads:" not in block  # one core
    assert re.search(r"lmsgen classify \S*series/H24-01187 +--name H24-01187 --out results", out)
    assert re.search(r"lmsgen classify \S*series/BATCH-7 --sample S1 --name BATCH-7\.S1 --out results", out)
    assert not (tmp_path / "results").exists()
