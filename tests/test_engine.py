"""The cohort engine (issue 18): a multi-sample file read once by the parent and split per sample, outcomes streamed
per sample, the folder's context kept, lean JSON by default, no pandas on the copy-number path, a dead worker failing
only its own unfinished samples. Timings are measured in bench/bench_cohort.py, never here."""

from __future__ import annotations

import io
import json
import os
import shutil
import signal
import subprocess
import sys

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES, shared_path
from lms_genomics.cli.main import main

from lms_genomics import classify_all, cohort
from lms_genomics.cohort import SampleChunk, available_cores, chunk_outcomes, discover, run_cohort

MULTI_SEG = FIXTURES / "seg" / "dnacopy_multi_sample.seg"
SEG_HEADER = "ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n"


def run(*args):
    return CliRunner().invoke(main, [*map(str, args)], catch_exceptions=False)


def four_samples(path):
    rows = [SEG_HEADER]
    for k, (start, log2) in enumerate([(1_000, -0.9), (20_000_000, 0.6), (50_000_000, -0.4), (60_000_000, 0.8)]):
        rows += [f"P{k}\t13\t19020001\t48000000\t900\t0.01\n", f"P{k}\t13\t48000001\t49500000\t300\t{log2}\n",
                 f"P{k}\t17\t{start + 1}\t{start + 8_000_000}\t700\t{-log2}\n"]
    path.write_text("".join(rows))
    return path


def comparable(doc):
    doc = json.loads(json.dumps(doc))
    doc["provenance"].pop("created", None)
    for key in ("result_key", "source"):  # written by lmsgen cohort only (its resume key, the row's input)
        doc["provenance"].pop(key, None)
    return doc


# --- no pandas on the copy-number path --------------------------------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("what", ["seg_folder_with_sheet", "chas_folders"])
def test_cohort_of_copy_number_files_does_not_import_pandas(tmp_path, what, jobs):
    """`lmsgen cohort` on .seg and ChAS inputs (a multi-sample .seg with its sample sheet, sample folders of ChAS
    exports) classifies, writes every output and the cohort summary without importing pandas."""
    if what == "seg_folder_with_sheet":
        src = tmp_path / "series"
        src.mkdir()
        shutil.copy(MULTI_SEG, src / "batch.seg")
        (src / "sample.tsv").write_text("id\tpurity\tploidy\nS1\t0.6\t2\nS2\t0.8\t3\n")
    else:
        src = EXAMPLES
    code = ("import sys\nfrom lms_genomics.cli.main import main\n"
            f"sys.argv = ['lmsgen', 'cohort', {str(src)!r}, '--out', {str(tmp_path / 'out')!r}, '-q', '-j', '{jobs}']\n"
            "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
            "assert 'pandas' not in sys.modules, 'pandas was imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
    assert (tmp_path / "out" / "cohort.tsv").exists() and len(list((tmp_path / "out").glob("*.json"))) == 2


# --- the folder's context ---------------------------------------------------------------------------------------

def test_cohort_dir_applies_the_sample_sheet_beside_a_multi_sample_file_regression_sheet_ignored(tmp_path,
                                                                                                  monkeypatch):
    """`lmsgen cohort DIR` used to split a multi-sample file found in DIR into units naming the file alone: the
    sample sheet beside it (purity, ploidy) was ignored. The unit now names the folder, read as `classify DIR`."""
    monkeypatch.setattr(cohort, "SPLIT_BYTES", 0)  # split even this small file, as a large one is
    series = tmp_path / "series"
    series.mkdir()
    shutil.copy(MULTI_SEG, series / "batch.seg")
    (series / "sample.tsv").write_text("id\tpurity\tploidy\nS1\t0.5\t2\nS2\t0.8\t3\n")
    units = discover(series)
    assert units == [cohort.WorkUnit(str(series), copy_number=str(series / "batch.seg"))]
    assert run("cohort", series, "--out", tmp_path / "out", "-q", "--evidence").exit_code == 0
    expected = {r.sample: r.to_dict() for r in classify_all(series)}
    for sample, purity in (("S1", 0.5), ("S2", 0.8)):
        doc = json.loads((tmp_path / "out" / f"{sample}.json").read_text())
        assert doc["provenance"]["copy_number_model"]["purity"] == purity
        assert comparable(doc) == comparable(expected[sample])


def test_tcga_folder_with_its_sheet_regression_myocd_amplified_in_13_not_7(tmp_path):
    """On the TCGA SARC .seg with its samples.tsv in one folder, `lmsgen cohort DIR` found MYOCD amplified in 7
    samples (purity and ploidy ignored) instead of the 13 that `lmsgen classify DIR` finds."""
    folder = shared_path("realdata", "tcga_sarc_dev")
    series = tmp_path / "tcga"
    series.mkdir()
    for name in ("tcga_sarc_snp6_hg19.seg", "samples.tsv"):
        shutil.copy(folder / name, series / name)
    res = run("cohort", series, "--out", tmp_path / "out", "-q")
    assert res.exit_code == 0, res.output
    # Issue 13: amplification also needs CN >= 2.5 x ploidy (PCGR); with the sheet's ABSOLUTE ploidies 6 of the 13
    # (doubled genomes, ploidy 2.8-3.4, MYOCD CN 5.3-8.3) are high-copy gains: 7, as classify finds. The sheet's
    # ploidy is still applied (the bug): the 99 samples the sheet gives a ploidy say so.
    assert "MYOCD amplified 7;" in res.stdout
    docs = [json.loads(p.read_text()) for p in (tmp_path / "out").glob("TCGA-*.json")]
    assert len(docs) == 105
    assert sum(d["provenance"]["copy_number_model"]["ploidy_from"] == "sample sheet" for d in docs) == 99
    assert discover(series)[0].copy_number is not None  # the 1.7 MB file is split by the parent


# --- read once, split, stream -----------------------------------------------------------------------------------

def test_discovery_reads_heads_only(tmp_path, monkeypatch):
    """Discovery decides from each file's head; the copy-number file is read once, when the cohort runs."""
    import lms_genomics.io.seg_arrays as seg_arrays

    (tmp_path / "series").mkdir()
    big = four_samples(tmp_path / "series" / "cohort.seg")
    monkeypatch.setattr(cohort, "SPLIT_BYTES", 0)
    reads = []
    original = seg_arrays.read_seg_arrays
    monkeypatch.setattr(seg_arrays, "read_seg_arrays", lambda *a, **k: reads.append(a) or original(*a, **k))
    units = discover(tmp_path / "series")
    assert units[0].copy_number == str(big) and reads == []
    outcomes = list(run_cohort(units, tmp_path / "out", jobs=1))
    assert sorted(o.sample for o in outcomes) == ["P0", "P1", "P2", "P3"] and len(reads) == 1


def test_outcomes_stream_per_sample_and_the_total_grows_when_a_file_is_split(tmp_path):
    """A chunk's outcome for each sample is yielded as soon as that sample's outputs are written (the progress bar
    moves per sample), and the parent announces the samples a split file adds to the count."""
    path = four_samples(tmp_path / "four.seg")
    units = discover(path)
    totals: list[int] = []
    tasks = list(cohort._tasks(units, str(tmp_path / "a"), {}, False, 2, totals.append))
    assert totals == [3] and all(isinstance(t, SampleChunk) for t in tasks)
    chunk = SampleChunk(units[0], tasks[0].cn, [s for t in tasks for s in t.samples])
    (tmp_path / "a").mkdir()
    stream = chunk_outcomes(chunk, str(tmp_path / "a"), {})
    first = next(stream)
    assert first.sample == "P0" and first.status == "ok"
    assert sorted(p.name for p in (tmp_path / "a").glob("*.json")) == ["P0.json"]  # the others not yet done
    assert [o.sample for o in stream] == ["P1", "P2", "P3"]


def test_a_chunk_does_not_carry_the_whole_files_sample_lists_regression_quadratic_chunks(tmp_path):
    """Each chunk sent to a worker used to carry the file's whole sample list (and the worker hashed it again for
    every sample): its size and cost grew with the cohort. A chunk now holds its own samples' entries, and the
    parent's sheet check and named-sample count; results are unchanged (tests/test_cn_regression.py)."""
    import pickle

    sizes = {}
    for n in (40, 400):
        rows = [SEG_HEADER] + [f"S{k:04d}\t{c}\t1000001\t60000000\t900\t{0.5 if k % 2 else -0.5}\n"
                               for k in range(n) for c in (1, 2)]
        path = tmp_path / f"n{n}.seg"
        path.write_text("".join(rows))
        (tmp_path / f"n{n}.tsv").write_text("sample\tpurity\n" + "".join(f"S{k:04d}\t0.8\n" for k in range(n)
                                                                       if k != 5))  # S0005: no row, a note
        units = discover(path)
        options = {"sample_sheet": str(tmp_path / f"n{n}.tsv")}
        tasks = list(cohort._tasks(units, str(tmp_path / "o"), options, False, 2, None))
        chunk = next(t for t in tasks if "S0005" in t.names)
        assert isinstance(chunk, SampleChunk) and chunk.cn.samples == chunk.names and chunk.context is not None
        check, named = chunk.context
        assert named == n and set(check.by_sample) == {"S0005"} <= set(chunk.names)
        sizes[n] = len(pickle.dumps(chunk.cn)) + len(pickle.dumps(chunk.context))
        written = {o.sample: o for o in chunk_outcomes(chunk, str(tmp_path / "o"), options)}
        doc = json.loads((tmp_path / "o" / "S0005.json").read_text())
        assert written["S0005"].status == "ok" and any("no row for sample 'S0005'" in w for w in doc["warnings"])
    assert sizes[400] < 1.5 * sizes[40]  # was ~5x: the 400 names in every chunk


def test_pool_gives_the_in_process_results(tmp_path):
    path = four_samples(tmp_path / "four.seg")
    one = {o.sample: o.row for o in run_cohort(discover(path), tmp_path / "one", jobs=1)}
    two = {o.sample: o.row for o in run_cohort(discover(path), tmp_path / "two", jobs=2)}
    assert one == two and len(one) == 4
    for name in one:
        a, b = (json.loads((tmp_path / d / f"{name}.json").read_text()) for d in ("one", "two"))
        assert comparable(a) == comparable(b)


def test_a_worker_killed_mid_sample_fails_that_sample_alone(tmp_path, monkeypatch):
    """A worker process that dies (killed, out of memory) fails the samples of its task it had not finished; a new
    worker takes its place and the cohort completes."""
    import lms_genomics.report.writers as writers

    original = writers.write_outputs

    def dying(result, *args, **kwargs):
        if result.sample == "P2":
            os.kill(os.getpid(), signal.SIGKILL)
        return original(result, *args, **kwargs)

    monkeypatch.setattr(writers, "write_outputs", dying)  # forked workers inherit it
    outcomes = {o.sample: o for o in run_cohort(discover(four_samples(tmp_path / "four.seg")), tmp_path / "out",
                                                 jobs=2)}
    assert sorted(outcomes) == ["P0", "P1", "P2", "P3"]
    assert outcomes["P2"].status == "failed" and "worker process classifying it died" in outcomes["P2"].error
    assert all(outcomes[s].status == "ok" for s in ("P0", "P1", "P3"))


def test_a_dead_worker_fails_only_the_samples_it_had_not_written_regression_batched_reports(tmp_path,
                                                                                            monkeypatch):
    """Workers report in batches (cohort.SEND_INTERVAL): a worker killed in the middle of a chunk has written
    samples it had not reported yet. They are read back (same result key) and count as done; only the samples it
    had not finished fail (the one it was writing and the rest of its chunk)."""
    import lms_genomics.report.writers as writers

    rows = [SEG_HEADER] + [f"S{k:04d}\t{c}\t1000001\t60000000\t900\t{0.5 if k % 2 else -0.5}\n"
                           for k in range(40) for c in (1, 2)]
    (tmp_path / "forty.seg").write_text("".join(rows))
    original = writers.write_outputs

    def dying(result, *args, **kwargs):
        if result.sample == "S0003":  # the 4th sample of the first chunk (5 samples a chunk here)
            os.kill(os.getpid(), signal.SIGKILL)
        return original(result, *args, **kwargs)

    monkeypatch.setattr(writers, "write_outputs", dying)  # forked workers inherit it
    monkeypatch.setattr(cohort, "SEND_INTERVAL", 3600.0)  # nothing reported before the end of a chunk
    outcomes = {o.sample: o for o in run_cohort(discover(tmp_path / "forty.seg"), tmp_path / "out", jobs=2)}
    assert len(outcomes) == 40 and "worker process classifying it died" in outcomes["S0003"].error
    assert sorted(s for s, o in outcomes.items() if o.status != "ok") == ["S0003", "S0004"]
    monkeypatch.setattr(writers, "write_outputs", original)  # in-process now: nothing may die
    again = {o.sample: o for o in run_cohort(discover(tmp_path / "forty.seg"), tmp_path / "again", jobs=1)}
    for s in ("S0000", "S0002"):  # read back: the row and the gathered tables' rows a live worker would have sent
        assert outcomes[s].row == again[s].row and outcomes[s].tables == again[s].tables


def test_a_sample_without_a_usable_row_is_reported_from_a_split_file(tmp_path):
    seg = tmp_path / "three.seg"
    seg.write_text(SEG_HEADER + "A\t1\t1000\t5000000\t500\t-0.5\nB\tMT\t1\t16000\t50\t0.1\n"
                   "C\t13\t19084823\t48500000\t3000\t-0.4\n")
    outcomes = {o.sample: o for o in run_cohort(discover(seg), tmp_path / "out", jobs=2)}
    assert outcomes["B"].status == "failed" and "no usable segment" in outcomes["B"].error
    assert outcomes["A"].status == outcomes["C"].status == "ok"


def test_jobs_default_to_the_available_cores():
    assert available_cores() == len(os.sched_getaffinity(0))
    help_text = run("cohort", "--help").output
    assert "default: the available cores" in help_text and "--evidence" in help_text


# --- lean outputs -----------------------------------------------------------------------------------------------

def test_cohort_json_is_lean_unless_evidence_is_asked(tmp_path):
    """Cohort JSONs keep every field but each gene's evidence list; --evidence writes classify's document."""
    expected = {r.sample: r.to_dict() for r in classify_all(MULTI_SEG)}
    assert run("cohort", MULTI_SEG, "--out", tmp_path / "lean", "-q").exit_code == 0
    assert run("cohort", MULTI_SEG, "--out", tmp_path / "full", "-q", "--evidence").exit_code == 0
    for sample, doc in expected.items():
        lean = json.loads((tmp_path / "lean" / f"{sample}.json").read_text())
        full = json.loads((tmp_path / "full" / f"{sample}.json").read_text())
        assert comparable(full) == comparable(doc)
        assert all("evidence" not in g for g in lean["genes"].values())
        assert any(g["evidence"] for g in doc["genes"].values())
        for g in doc["genes"].values():
            del g["evidence"]
        assert comparable(lean) == comparable(doc)


def test_compact_json_is_json_dumps_of_the_document():
    """The cohort's JSON text (segment list and ISCN written from the arrays) is json.dumps of the document."""
    from lms_genomics.report.writers import compact_json, compact_json_bytes

    results = classify_all(MULTI_SEG) + [r for case in ("case2", "case6") for r in classify_all(EXAMPLES / case)]
    for r in results:
        for evidence in (False, True):
            text, _ = compact_json(r, evidence=evidence)
            assert text == json.dumps(r.to_dict(evidence), ensure_ascii=False, allow_nan=False)
            assert compact_json_bytes(r, evidence=evidence)[0] == text.encode("utf-8")


def test_segment_records_json_with_and_without_the_optional_columns():
    """records_json writes each row in one pass, its optional keys (state, in_profile) as pieces or nothing."""
    import dataclasses

    seg = classify_all(MULTI_SEG)[0].copy_number.segments
    for s in (seg, dataclasses.replace(seg, state=None), dataclasses.replace(seg, in_profile=None),
              dataclasses.replace(seg, state=None, in_profile=None)):
        assert s.records_json() == json.dumps(s.records(), ensure_ascii=False)


def test_json_floats_with_a_shared_memo_write_what_json_dumps_writes():
    """The memo shared by a document's float lists keeps -0.0 apart from 0.0 (equal as dict keys) and NaN null."""
    import numpy as np

    from lms_genomics.segarrays import json_floats

    memo: dict[float, str] = {}
    first = np.array([0.0, -0.0, 2.0421540038485104, np.nan, 1e-05, 2.0421540038485104])
    second = np.array([-0.0, 0.0, 2.0421540038485104, 1e-05, np.nan])
    for values in (first, second):
        texts = json_floats(values, memo)
        assert "[" + ", ".join(texts) + "]" == json.dumps([None if v != v else v for v in values.tolist()])
        assert texts == json_floats(values)


def test_a_lean_result_reads_back_and_writes_the_same_document(tmp_path):
    from lms_genomics.result import SampleResult

    assert run("cohort", EXAMPLES / "case2", "--out", tmp_path, "-q").exit_code == 0
    doc = json.loads((tmp_path / "case2.json").read_text())
    again = SampleResult.from_dict(doc)
    assert again.to_dict() == doc and again.gene_call("RB1") == "homozygous_deletion"
    assert again.evidence is not None and again.evidence.empty


# --- progress ---------------------------------------------------------------------------------------------------

def test_progress_bar_counts_samples_with_rate_and_eta(monkeypatch):
    from lms_genomics.cli import main as cli

    err = io.StringIO()
    monkeypatch.setattr(cli.sys, "stderr", err)
    bar = cli._Progress(2)
    bar.more(3)  # a split file holds 4 samples, not 1
    for _ in range(5):
        bar.step()
    bar.close()
    last = err.getvalue().rstrip("\n").split("\r")[-1]
    assert "5/5" in last and "/s" in last and "ETA" in last and "#" * 30 in last


def test_sample_sheet_lookup_by_index_is_the_prefix_rule():
    """SampleSheet.lookup indexes the ids' prefixes once (a scan per sample made a 10,000-sample cohort quadratic):
    exact id, else the one id extending the name after - _ or ., else None."""
    import re

    from lms_genomics.io.samplesheet import SampleInfo, SampleSheet

    keys = ["TCGA-AB-1234-01", "TCGA-AB-1234-02", "TCGA-CD-5678-01", "S1", "S1_T", "S10.x", "A-B", "A", "-lead"]
    sheet = SampleSheet(None, {k: SampleInfo(k) for k in keys})  # type: ignore[arg-type]
    for name in ["TCGA-AB-1234", "TCGA-CD-5678", "TCGA-CD", "S1", "S10", "A", "", "B", "TCGA"]:
        hits = [k for k in keys if re.match(re.escape(name) + r"[-_.]", k)]
        expected = name if name in keys else (hits[0] if len(hits) == 1 else None)
        got = sheet.lookup(name)
        assert (got.sample if got else None) == expected, name
