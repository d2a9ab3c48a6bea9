"""`lmsgen cohort --scheduler tcp://...` on a real Dask cluster: two worker processes behind a TCP scheduler.

The cohort must equal the in-process one; a worker killed in the middle of a sample is replaced and the sample
run again elsewhere (the cohort complete); a sample whose worker keeps dying fails alone, with a message.
Workers are killed by a worker plugin that wraps the output writer: SIGKILL from inside the task, once per
cluster (an O_EXCL marker file), so the test is deterministic whichever worker gets which sample.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES
from lms_genomics.cli.main import main

distributed = pytest.importorskip("distributed", reason="the dask extra is not installed (pip install '.[dask]')")

THESIS = FIXTURES / "thesis_cohort"


class KillWorker(distributed.WorkerPlugin):
    """On each worker, wrap ``lms_genomics.report.writers.write_outputs`` (called by ``process_unit`` once a
    sample is classified, before anything is written) so the worker process SIGKILLs itself: once for the whole
    cluster (``every_time=False``, the first worker to claim ``marker``), or every time the sample is ``sample``.
    The pids killed are appended to ``marker``."""

    def __init__(self, marker: str, sample: str | None = None, every_time: bool = False) -> None:
        self.marker, self.sample, self.every_time = marker, sample, every_time

    def setup(self, worker) -> None:
        import lms_genomics.report.writers as writers

        original = writers.__dict__.get("_unwrapped_write_outputs", writers.write_outputs)
        writers._unwrapped_write_outputs = original
        marker, sample, every_time = self.marker, self.sample, self.every_time

        def write_outputs(result, *args, **kwargs):
            if sample is None or result.sample == sample:
                try:
                    fd = os.open(marker, os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if every_time else os.O_EXCL))
                except FileExistsError:
                    return original(result, *args, **kwargs)
                os.write(fd, f"{os.getpid()}\n".encode())
                os.close(fd)
                os.kill(os.getpid(), signal.SIGKILL)
            return original(result, *args, **kwargs)

        writers.write_outputs = write_outputs


@pytest.fixture
def series(tmp_path):
    """The thesis series (14 samples with VCFs, Archer outputs, probe exports) and the two bundled cases."""
    s = tmp_path / "series"
    shutil.copytree(THESIS, s, ignore=shutil.ignore_patterns("*.py"))
    for case in ("case2", "case6"):
        shutil.copytree(EXAMPLES / case, s / case)
    return s


@pytest.fixture
def cluster(request):
    """A LocalCluster of two single-threaded worker processes, reached over TCP like a remote scheduler."""
    import cloudpickle
    import dask

    cloudpickle.register_pickle_by_value(sys.modules[__name__])  # workers need not import this test module
    config = getattr(request, "param", {})
    with dask.config.set(config), distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, protocol="tcp", dashboard_address=None,
            host="127.0.0.1") as c, distributed.Client(c) as client:
        assert c.scheduler_address.startswith("tcp://127.0.0.1:")
        yield c.scheduler_address, client


def cohort(*args):
    return CliRunner().invoke(main, ["cohort", *[str(a) for a in args]], catch_exceptions=False)


def same_results(a: Path, b: Path) -> None:
    """Same cohort.tsv byte for byte, and the same per-sample JSON except the creation time."""
    assert (a / "cohort.tsv").read_text() == (b / "cohort.tsv").read_text()
    names = sorted(p.name for p in a.glob("*.json"))
    assert names == sorted(p.name for p in b.glob("*.json")) and len(names) == 16
    for name in names:
        docs = [json.loads((d / name).read_text()) for d in (a, b)]
        for doc in docs:
            del doc["provenance"]["created"]
        assert docs[0] == docs[1], name


def test_tcp_cluster_gives_the_cohort_of_one_process(tmp_path, series, cluster):
    address, client = cluster
    assert cohort(series, "--out", tmp_path / "one", "-j", "1", "-q").exit_code == 0
    with distributed.get_task_stream(client) as stream:
        res = cohort(series, "--out", tmp_path / "dask", "--scheduler", address, "-q")
    assert res.exit_code == 0, res.output
    assert "profile: flat 4, simple 4, complex 5, non-contributory 3" in res.stdout
    same_results(tmp_path / "one", tmp_path / "dask")
    tasks = [t for t in stream.data if str(t["key"]).startswith(("process_unit", "process_samples"))]
    assert len(tasks) == 16 and len({t["worker"] for t in tasks}) == 2  # one task per sample, on both workers


def test_worker_killed_mid_run_is_replaced_and_its_sample_run_again(tmp_path, series, cluster):
    address, client = cluster
    workers_before = set(client.run(os.getpid).values())
    marker = tmp_path / "killed"
    client.register_plugin(KillWorker(str(marker)))
    res = cohort(series, "--out", tmp_path / "dask", "--scheduler", address, "-q")
    assert res.exit_code == 0, res.output
    killed = [int(p) for p in marker.read_text().split()]
    assert len(killed) == 1 and killed[0] in workers_before  # one worker died in the middle of a sample ...
    client.wait_for_workers(2, timeout=60)
    assert killed[0] not in set(client.run(os.getpid).values())  # ... and the nanny replaced it
    assert cohort(series, "--out", tmp_path / "one", "-j", "1", "-q").exit_code == 0
    same_results(tmp_path / "one", tmp_path / "dask")  # the cohort is complete and unchanged


# A sample whose worker dies is given up after 1 death instead of 4 (the default, 3 allowed failures), and each
# worker holds only the task it runs (saturation 1.0): Dask also counts a death against the tasks queued on the
# worker, which with 0 allowed failures would fail an innocent neighbour as well.
@pytest.mark.parametrize("cluster", [{"distributed.scheduler.allowed-failures": 0,
                                      "distributed.scheduler.worker-saturation": 1.0}], indirect=True)
def test_sample_whose_worker_keeps_dying_fails_alone(tmp_path, series, cluster):
    address, client = cluster
    marker = tmp_path / "killed"
    client.register_plugin(KillWorker(str(marker), sample="case05", every_time=True))
    res = cohort(series, "--out", tmp_path / "dask", "--scheduler", address)
    assert res.exit_code == 9, res.output
    assert re.search(r"failed: case05: \S*case05: the Dask worker running it died 1 time\(s\) \(out of memory or "
                     r"killed\?\); not classified", res.stderr)
    table = (tmp_path / "dask" / "cohort.tsv").read_text().splitlines()
    assert len(table) == 17 and sum("\tfailed\t" in row for row in table) == 1
    assert len(list((tmp_path / "dask").glob("*.json"))) == 15
