"""The lmsgen command as a user runs it: outputs, JSON schema, errors (one line, exit code, no traceback)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, SHARED, shared_path, write_chas
from lms_genomics.cli.main import main

from lms_genomics import __version__

REQUIRED_KEYS = {"schema", "sample", "segments", "provenance", "profile", "genes", "variants", "fusions",
                 "biallelic", "sequenced_territory", "qc", "warnings"}


def run(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def assert_one_line_error(res, code: int, must_name: str) -> None:
    assert res.exit_code == code, res.output
    err = res.stderr.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith("lmsgen: error:") and must_name in err


def test_version_and_help():
    assert run("--version").output.strip() == f"lmsgen {__version__}"
    out = run("--help").output
    assert "lmsgen classify SAMPLE_DIR" in out and "Exit codes" in out
    out = run("classify", "--help").output
    assert "homozygous" in out and "--json" in out and "--genes" in out


def test_classify_writes_json_and_tsv(tmp_path):
    res = run("classify", EXAMPLES / "case2", "--out", tmp_path)
    assert res.exit_code == 0, res.output
    assert "case2: complex profile" in res.output
    assert "MYOCD   amplification" in res.output
    data = json.loads((tmp_path / "case2.json").read_text())
    assert set(data) == REQUIRED_KEYS
    assert data["schema"] == "lmsgen.sample/1"
    assert data["profile"]["class"] == "complex"
    assert data["genes"]["RB1"]["call"] == "homozygous_deletion"
    prov = data["provenance"]
    assert prov["lmsgen_version"] == __version__ and prov["reference_build"] == "hg19"
    assert len(prov["genes_bed"]["sha256"]) == 64 and len(prov["inputs"][0]["sha256"]) == 64
    assert prov["thresholds"]["amp_min_cn"] == 5.0
    tsv = (tmp_path / "case2.genes.tsv").read_text().splitlines()
    header = tsv[0].split("\t")
    assert header[:2] == ["sample", "gene"] and "call" in header
    rb1 = next(line.split("\t") for line in tsv if "\tRB1\t" in line)
    assert rb1[header.index("call")] == "homozygous_deletion"
    assert not list(tmp_path.glob(".*.tmp"))


def test_json_to_stdout_is_pure_json(tmp_path):
    res = run("classify", EXAMPLES / "case6", "--json", "-")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["profile"]["class"] == "simple"
    assert data["genes"]["RB1"]["call"] == "heterozygous_deletion"


def test_threshold_override_is_recorded(tmp_path):
    res = run("classify", EXAMPLES / "case2", "--json", "-", "-t", "amp_min_cn=9")
    data = json.loads(res.stdout)
    assert data["provenance"]["thresholds"]["amp_min_cn"] == 9.0
    assert data["genes"]["MYOCD"]["call"] == "gain"


def test_unknown_threshold_is_a_usage_error():
    assert_one_line_error(run("classify", EXAMPLES / "case2", "-t", "nope=1"), 2, "nope")


def test_missing_folder_is_a_usage_error(tmp_path):
    assert_one_line_error(run("classify", tmp_path / "absent"), 2, "absent")


def test_folder_without_input_exits_4(tmp_path):
    (tmp_path / "notes.txt").write_text("hello\n")
    assert_one_line_error(run("classify", tmp_path), 4, str(tmp_path))


def test_two_exports_in_one_folder_is_an_error(tmp_path):
    shutil.copy(EXAMPLES / "case2" / "case2.segments.txt", tmp_path / "a.txt")
    shutil.copy(EXAMPLES / "case6" / "case6.segments.txt", tmp_path / "b.txt")
    assert_one_line_error(run("classify", tmp_path, "--out", tmp_path / "out"), 3, "a.txt")
    assert not (tmp_path / "out").exists()


def test_no_location_column_names_the_file(tmp_path):
    bad = tmp_path / "s1"
    bad.mkdir()
    (bad / "export.txt").write_text("File\tCN State\tType\tMarker Count\nT.OSCHP\t1\tLoss\t20\n")
    res = run("classify", bad, "--out", tmp_path / "out")
    assert_one_line_error(res, 3, "export.txt")
    assert "location" in res.stderr
    assert not (tmp_path / "out").exists()


def test_bad_row_error_names_file_and_line(tmp_path):
    p = write_chas(tmp_path / "x.txt", [("13", 40_000_000, 60_000_000, "Loss", 1)])
    p.write_text(p.read_text() + "T1.OSCHP\t1\tMosaic\t13\t50\tarr[hg19] 13q11(1-2)x1\tchr13:1-200\n")
    assert_one_line_error(run("classify", p), 3, "x.txt:3")


def test_hg38_coordinates_beyond_hg19_end_are_refused(tmp_path):
    p = write_chas(tmp_path / "x.txt", [("1", 240_000_000, 249_698_942, "Loss", 1)])
    res = run("classify", p)
    assert_one_line_error(res, 3, "x.txt:2")
    assert "hg19" in res.stderr


def test_user_gene_bed(tmp_path):
    bed = tmp_path / "genes.bed"
    bed.write_text("chr13\t48877882\t49056026\tRB1\nchr17\t12569206\t12672266\tMYOCD\nchr2\t50000000\t50001000\tFOO\n"
                   "chr13\t1000000\t1001000\tON13P\n")
    res = run("classify", EXAMPLES / "case2", "--genes", bed, "--json", "-")
    data = json.loads(res.stdout)
    assert set(data["genes"]) == {"RB1", "MYOCD", "FOO", "ON13P"}
    assert data["genes"]["FOO"]["call"] == "neutral"
    # 13p is not assessed by the array: no data, never neutral.
    assert data["genes"]["ON13P"]["call"] == "no_data"


def test_bad_gene_bed_is_a_reference_error(tmp_path):
    bed = tmp_path / "genes.bed"
    bed.write_text("chr13\tabc\t49056026\tRB1\n")
    assert_one_line_error(run("classify", EXAMPLES / "case2", "--genes", bed), 5, "genes.bed:1")


def test_multi_sample_export_gives_one_result_per_sample(tmp_path):
    p = tmp_path / "multi.txt"
    write_chas(p, [("13", 40_000_000, 60_000_000, "Loss", 1)], sample="A")
    text = p.read_text()
    p.write_text(text + text.splitlines()[1].replace("A.OSCHP", "B.OSCHP").replace("\t1\tLoss", "\t3\tGain")
                 .replace("x1", "x3") + "\n")
    res = run("classify", p, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    a = json.loads((tmp_path / "out" / "A.json").read_text())
    b = json.loads((tmp_path / "out" / "B.json").read_text())
    assert a["genes"]["RB1"]["call"] == "heterozygous_deletion"
    assert b["genes"]["RB1"]["call"] == "gain"


def real_exports() -> list[Path]:
    if not SHARED.exists():
        return []
    base = SHARED / "formats" / "examples" / "chas"
    return sorted(p for p in base.rglob("*.txt") if "ascat" not in p.name and "noFullLocation" not in p.name
                  and "gene_list_full_location" in p.name or p.parent.name == "bergonie-gist"
                  or p.name.startswith("chas_example"))


@pytest.mark.parametrize("export", real_exports() or [None], ids=lambda p: p.name if p else "no-shared")
def test_every_real_chas_export_classifies_with_complete_json(export, tmp_path):
    if export is None:
        shared_path("formats", "examples", "chas")
    res = run("classify", export, "--json", "-")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert set(data) == REQUIRED_KEYS
    assert data["profile"]["class"] in {"flat", "simple", "complex"}
    for gene in ("RB1", "TP53", "MYOCD", "PTEN", "CDKN2A"):
        assert data["genes"][gene]["call"]


def test_real_empty_export_is_flat_with_a_warning():
    export = shared_path("formats", "examples", "chas", "oncoscanR", "testdata", "chas_example-empty.txt")
    data = json.loads(run("classify", export, "--json", "-").stdout)
    assert data["profile"]["class"] == "flat"
    assert any("no segment" in w for w in data["warnings"])


def test_real_export_without_full_location_is_read_from_the_nomenclature():
    export = shared_path("formats", "examples", "chas", "oncoscanR", "testdata", "chas_example-noFullLocation.txt")
    res = run("classify", export, "--json", "-")
    assert res.exit_code == 0
    data = json.loads(res.stdout)
    assert data["profile"]["anomalies"] >= 1


def test_installed_entry_point_runs_from_any_folder(tmp_path):
    exe = Path(sys.executable).parent / "lmsgen"
    if not exe.exists():
        pytest.skip("lmsgen entry point not installed in this environment")
    proc = subprocess.run([str(exe), "classify", str(EXAMPLES / "case6"), "--json", "-"], cwd=tmp_path,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["profile"]["class"] == "simple"


def test_usage_errors_are_one_line():
    res = run("classify")
    assert res.exit_code == 2
    assert res.stderr.strip().count("\n") == 0 and "SAMPLE_DIR" in res.stderr
    res = run("classify", EXAMPLES / "case2", "--genes", EXAMPLES)
    assert res.exit_code == 2 and res.stderr.strip().count("\n") == 0


def test_allow_other_build_drops_impossible_segments_with_a_warning(tmp_path):
    p = write_chas(tmp_path / "x.txt", [("1", 240_000_000, 249_698_942, "Loss", 1), ("7", 1_000_000, 5_000_000,
                                                                                       "Gain", 3)])
    assert run("classify", p, "--json", "-").exit_code == 3
    res = run("classify", p, "--json", "-", "--allow-other-build")
    data = json.loads(res.stdout)
    assert data["profile"]["anomalies"] == 1
    assert any("beyond hg19" in w for w in data["warnings"])


def test_a_pipe_is_not_an_input(tmp_path):
    import os

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    res = run("classify", fifo)
    assert res.exit_code == 3 and "not a regular file" in res.stderr


def test_console_script_ends_a_cohort_with_its_exit_code_and_every_output(tmp_path):
    """``lmsgen`` (the console script, :func:`lms_genomics.cli.main.run`) ends a finished cohort with ``os._exit``
    (no interpreter teardown): the exit code (9: a sample failed), the printed summary and every file are kept."""
    cohort = tmp_path / "series"
    shutil.copytree(EXAMPLES / "case2", cohort / "case2")
    (cohort / "broken").mkdir()
    (cohort / "broken" / "bad.seg").write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"
                                               "X\t1\t100\t5000000\t10\tabc\n")
    code = ("import sys; from lms_genomics.cli.main import run; "
            f"sys.argv = ['lmsgen', 'cohort', {str(cohort)!r}, '--out', {str(tmp_path / 'out')!r}, '-j', '2']; run()")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 9, proc.stderr
    assert "samples: 2" in proc.stdout and "wrote " in proc.stdout and "failed: broken" in proc.stderr
    for name in ("case2.json", "cohort.tsv", "cohort.html", "cohort.genes.tsv", "plotly.min.js"):
        assert (tmp_path / "out" / name).stat().st_size > 0


def test_a_reader_gone_from_stdout_is_not_an_internal_error_regression_broken_pipe(monkeypatch, capsys):
    """``lmsgen cohort ... | head -1`` used to end with "internal error: BrokenPipeError" (exit 1) when head left
    before the last summary line: now exit 141 (as for SIGPIPE), nothing on stderr, stdout pointed at /dev/null
    so that the final flush does not fail again."""
    import os

    from lms_genomics.cli import main as cli

    class Stdout:
        def fileno(self) -> int:
            return 99

    redirected = []
    monkeypatch.setattr(os, "dup2", lambda fd, fd2: redirected.append(fd2))  # the test's own stdout stays
    monkeypatch.setattr(sys, "stdout", Stdout())
    with pytest.raises(SystemExit) as ended:
        cli._fail(BrokenPipeError(32, "Broken pipe"))
    assert ended.value.code == 141 and redirected == [99] and capsys.readouterr().err == ""
