"""The cohort benchmark (a script, not a test): lmsgen against CNVkit on the same cohorts, in one run.

    python bench/bench_cohort.py                       # 39, 1,000 and 10,000 samples, 3 repeats, README table
    python bench/bench_cohort.py --sizes 39,1000 --repeats 5 --no-readme

Cohorts: the 41 TCGA leiomyosarcomas of ``../shared/realdata/tcga_sarc_dev`` (STLMS and ULMS in its samples.tsv;
Affymetrix SNP6 CBS segments, ~180 segments a sample), 39 of them for the small cohort, replicated under new names
for the larger ones: one folder per cohort holding ``cohort.seg`` (every sample) and ``samples.tsv`` (their ABSOLUTE
purity and ploidy, as the TCGA sheet gives them).

Per cohort size, each measured ``--repeats`` times (min / median / max), on the same files, the tools taking turns
(a slow spell of the shared machine then hits both), each into a new folder once earlier writes are committed
(``os.sync``); outputs are deleted when the benchmark ends, not between runs (see :func:`settled`):

* **lmsgen**: ``lmsgen cohort DIR --out OUT`` with default options (``-j`` = available cores): wall time, CPU time
  of the whole process tree (user + system, ``getrusage(RUSAGE_CHILDREN)`` around the run), peak resident memory of
  the parent plus its workers (summed, sampled from /proc every 10 ms) and of the largest single process, and how
  the progress bar moved (lmsgen runs on a pseudo-terminal: time of the first step, distinct positions shown);
* **CNVkit as a library**: CNVkit 0.9.14 driven in one Python process (``--cnvkit-python``): the .seg parsed once
  (``skgenome.tabio.seg.parse_seg``), then per sample ``verify_sample_sex`` + ``cnvlib.call.do_call(method=
  "threshold")`` + ``tabio.write`` of the called .cns, as ``cnvkit.py call -m threshold`` does;
* **CNVkit per-sample CLI**: ``cnvkit.py import-seg`` once, then one ``cnvkit.py call -m threshold`` process per
  sample, serially, as a pipeline calling the CLI would. Timed on the first ``--cli-samples`` samples (default 39);
  for larger cohorts its cost is that per-sample time × the cohort size (one independent process per sample).

Ratios (CNVkit time / lmsgen wall time, medians) are printed, and the table is written into ``bench/README.md``
between the ``bench_cohort`` markers with the machine, its load average and the CPU model. CNVkit is not a
dependency of lmsgen: install it in its own venv (``python3 -m venv /work/cnvkit-venv &&
/work/cnvkit-venv/bin/pip install cnvkit==0.9.14``) and pass ``--cnvkit-python``/``--cnvkit`` if elsewhere.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import pty
import re
import resource
import select
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
TCGA = SHARED / "realdata" / "tcga_sarc_dev"
README = ROOT / "bench" / "README.md"
#: The tools run as installed software runs: with Python's bytecode cache (an installed lmsgen or CNVkit has its
#: .pyc files; PYTHONDONTWRITEBYTECODE, set in some development shells, would make every run compile every module).
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
MARK_BEGIN, MARK_END = "<!-- bench_cohort: begin -->", "<!-- bench_cohort: end -->"

CNVKIT_LIBRARY = r'''
import sys, time
from pathlib import Path
from skgenome import tabio
from cnvlib import call
from cnvlib.cnary import CopyNumArray
from cnvlib.cmdutil import verify_sample_sex

seg, out = sys.argv[1], Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
n = 0
for sid, table in tabio.seg.parse_seg(seg, {"23": "X", "24": "Y", "25": "M"}, "chr"):
    cnarr = CopyNumArray(table, {"sample_id": sid})
    female = verify_sample_sex(cnarr, None, False, None)
    called = call.do_call(cnarr, None, method="threshold", is_sample_female=female)
    tabio.write(called, str(out / f"{sid}.call.cns"))
    n += 1
print(n)
'''


# ------------------------------------------------------------------------------------------------ workloads

def lms_samples() -> tuple[list[str], dict[str, list[str]], dict[str, list[str]], list[str]]:
    """(LMS patient barcodes in file order, their .seg lines, their samples.tsv rows, samples.tsv header)."""
    with open(TCGA / "samples.tsv", encoding="utf-8") as fh:
        reader = csv.reader(fh, delimiter="\t")
        header = next(reader)
        sheet = {r[0][:12]: r for r in reader if r[1] in ("STLMS", "ULMS")}
    lines: dict[str, list[str]] = {}
    with open(TCGA / "tcga_sarc_snp6_hg19.seg", encoding="utf-8") as fh:
        seg_header = next(fh)
        for line in fh:
            sid = line.split("\t", 1)[0]
            if sid in sheet:
                lines.setdefault(sid, []).append(line)
    order = list(lines)
    return order, lines, sheet, [seg_header.rstrip("\n"), *header]


def make_cohort(folder: Path, n: int) -> Path:
    """``folder/cohort.seg`` and ``folder/samples.tsv`` of ``n`` samples (the 41 LMS cycled, renamed after the
    first round). A copy is named ``R<k>-<barcode>``, not ``<barcode>-R<k>``: a sheet id ``<barcode>-R<k>-01``
    extends ``<barcode>`` too, so the original sample would match every copy's row, get none (ambiguous) and
    every sample would carry the 41 "row matches no sample" warnings (runs before 2026-11-30 did)."""
    order, lines, sheet, (seg_header, *sheet_header) = lms_samples()
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "cohort.seg", "w", encoding="utf-8") as seg, \
            open(folder / "samples.tsv", "w", encoding="utf-8") as tsv:
        seg.write(seg_header + "\n")
        tsv.write("\t".join(sheet_header) + "\n")
        for k in range(n):
            base = order[k % len(order)]
            name = base if k < len(order) else f"R{k:05d}-{base}"
            for line in lines[base]:
                seg.write(name + line[len(base):])
            row = sheet[base]
            tsv.write("\t".join([name + row[0][12:], *row[1:]]) + "\n")
    return folder


# ------------------------------------------------------------------------------------------------ measuring

@dataclass
class Run:
    wall: float
    cpu: float
    peak_tree_mib: float = 0.0
    peak_one_mib: float = 0.0
    load: float = 0.0
    first_step: float | None = None
    positions: int = 0
    max_gap: float = 0.0  # longest time between two progress redraws after the first step
    extra: dict[str, float] = field(default_factory=dict)


def _tree(pid: int) -> list[int]:
    pids, i = [pid], 0
    while i < len(pids):
        for task in Path(f"/proc/{pids[i]}/task").glob("*"):
            with suppress(OSError):
                pids += [int(c) for c in (task / "children").read_text().split()]
        i += 1
    return pids


def _rss_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm") as fh:
            return int(fh.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)
    except (OSError, IndexError, ValueError):
        return 0


class MemorySampler(threading.Thread):
    """Peak of the summed RSS of a process and its descendants, and of the largest one, every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.01) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.stop = pid, interval, threading.Event()
        self.peak_tree = self.peak_one = 0

    def run(self) -> None:
        while not self.stop.is_set():
            rss = [_rss_kib(p) for p in _tree(self.pid)]
            self.peak_tree = max(self.peak_tree, sum(rss))
            self.peak_one = max(self.peak_one, max(rss, default=0))
            self.stop.wait(self.interval)


def run_measured(cmd: list[str], *, tty: bool = False, cwd: Path | None = None) -> tuple[Run, str]:
    """Run ``cmd`` to completion: wall, CPU of the process tree, memory; with ``tty`` its stderr is a
    pseudo-terminal (progress bars draw) and the steps of a ``N/M`` progress counter are recorded."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    load = os.getloadavg()[0]
    master = slave = None
    if tty:
        master, slave = pty.openpty()
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.PIPE if not tty else slave,
                            stderr=slave if tty else subprocess.PIPE, env=CHILD_ENV)
    sampler = MemorySampler(proc.pid)
    sampler.start()
    text, positions, first, stamps = b"", set(), None, []
    if tty:
        os.close(slave)
        while True:
            ready, _, _ = select.select([master], [], [], 0.05)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    break
                text += chunk
                for m in re.finditer(rb"(\d+)/(\d+)", chunk):
                    if int(m.group(1)) > 0:
                        first = time.perf_counter() - t0 if first is None else first
                        if int(m.group(1)) not in positions:
                            stamps.append(time.perf_counter() - t0)
                    positions.add(int(m.group(1)))
            elif proc.poll() is not None:
                break
        proc.wait()
        os.close(master)
    else:
        out, err = proc.communicate()
        text = out + err
    wall = time.perf_counter() - t0
    sampler.stop.set()
    sampler.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    decoded = text.decode("utf-8", "replace")
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{decoded[-3000:]}")
    gap = max((b - a for a, b in zip(stamps, stamps[1:], strict=False)), default=0.0)
    return Run(wall, cpu, sampler.peak_tree / 1024, sampler.peak_one / 1024, load, first, len(positions), gap), decoded


def lmsgen_exe() -> str:
    exe = Path(sys.executable).parent / "lmsgen"
    return str(exe) if exe.exists() else "lmsgen"


def settled(out: Path) -> Path:
    """A new output folder for one run, with every earlier write committed (``os.sync``) so that none is flushed
    during the run. Outputs are kept until the whole benchmark ends: on this machine's ext4, files created in the
    minutes after thousands were deleted cost 0.3-0.6 s of kernel time per 1,000 (measured; ~0.07 s otherwise), so
    deleting a run's outputs before the next would charge each run for the previous run's clean-up."""
    if out.exists():
        raise SystemExit(f"{out}: exists; each run writes a new folder")
    os.sync()
    return out


def run_lmsgen(cohort: Path, out: Path, extra: list[str]) -> Run:
    run, _ = run_measured([lmsgen_exe(), "cohort", str(cohort), "--out", str(settled(out)), *extra], tty=True)
    return run


def run_cnvkit_library(python: str, cohort: Path, out: Path) -> Run:
    run, _ = run_measured([python, "-c", CNVKIT_LIBRARY, str(cohort / "cohort.seg"), str(settled(out))])
    return run


def run_cnvkit_cli(cnvkit: str, cohort: Path, work: Path, limit: int) -> tuple[Run, int]:
    """import-seg of the cohort's first ``limit`` samples, then one ``call -m threshold`` per sample."""
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    lines = (cohort / "cohort.seg").read_text(encoding="utf-8").splitlines(keepends=True)
    keep, names = [lines[0]], []
    for line in lines[1:]:
        sid = line.split("\t", 1)[0]
        if sid not in names:
            if len(names) == limit:
                break
            names.append(sid)
        keep.append(line)
    (work / "part.seg").write_text("".join(keep), encoding="utf-8")
    t0, before = time.perf_counter(), resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([cnvkit, "import-seg", str(work / "part.seg"), "-p", "chr", "-c", "human", "-d",
                    str(work / "cns")], check=True, capture_output=True, env=CHILD_ENV)
    for f in sorted((work / "cns").glob("*.cns")):
        subprocess.run([cnvkit, "call", "-m", "threshold", str(f), "-o", str(f.with_suffix(".call.cns"))],
                       check=True, capture_output=True, env=CHILD_ENV)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = Run(time.perf_counter() - t0, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime),
              load=os.getloadavg()[0])
    shutil.rmtree(work, ignore_errors=True)
    return run, len(names)


# ------------------------------------------------------------------------------------------------ reporting

def discovery_cost(tmp: Path, counts: list[int]) -> list[tuple[int, float]]:
    """(folders, discovery seconds) for series of sample folders each holding one small ChAS export (the bundled
    case6): ``lms_genomics.cohort.discover`` reads each file's head only, so its cost per folder stays flat."""
    from lms_genomics.cohort import discover

    src = (ROOT / "examples" / "case6" / "case6.segments.txt").read_bytes()
    out = []
    for n in counts:
        series = tmp / f"folders{n}"
        for k in range(n):
            (series / f"S{k:05d}").mkdir(parents=True)
            (series / f"S{k:05d}" / "export.txt").write_bytes(src)
        t = time.perf_counter()
        units = discover(series)
        out.append((len(units), time.perf_counter() - t))
        shutil.rmtree(series)
    return out


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    lo, med, hi = min(values), statistics.median(values), max(values)
    return fmt.format(med) if len(values) == 1 else f"{fmt.format(med)} ({fmt.format(lo)}–{fmt.format(hi)})"


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    return (f"{platform.node()}: {cpu}, {len(os.sched_getaffinity(0))} cores available, Python "
            f"{platform.python_version()}")


def write_readme(table: str) -> None:
    text = README.read_text(encoding="utf-8")
    block = f"{MARK_BEGIN}\n{table}\n{MARK_END}"
    if MARK_BEGIN in text:
        text = re.sub(re.escape(MARK_BEGIN) + ".*?" + re.escape(MARK_END), lambda _: block, text, flags=re.S)
    else:
        text += "\n" + block + "\n"
    README.write_text(text, encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="39,1000,10000", help="cohort sizes (comma-separated)")
    ap.add_argument("--repeats", type=int, default=3, help="runs of each tool per size (min/median/max)")
    ap.add_argument("--cli-samples", type=int, default=39, help="samples timed through CNVkit's per-sample CLI")
    ap.add_argument("--cnvkit-python", default="/work/cnvkit-venv/bin/python")
    ap.add_argument("--cnvkit", default="/work/cnvkit-venv/bin/cnvkit.py")
    ap.add_argument("--lmsgen-args", default="", help="extra lmsgen cohort options (default: none)")
    ap.add_argument("--no-cnvkit", action="store_true", help="lmsgen only")
    ap.add_argument("--no-readme", action="store_true", help="print the table, do not write bench/README.md")
    ap.add_argument("--workdir", type=Path, default=None, help="scratch folder (default: a temporary one)")
    ap.add_argument("--discovery", default="1000,10000",
                    help="sample-folder counts whose discovery is timed ('' skips)")
    args = ap.parse_args()
    if not TCGA.exists():
        raise SystemExit(f"{TCGA} not found: the benchmark needs ../shared")
    sizes = [int(s) for s in args.sizes.split(",")]
    extra = args.lmsgen_args.split()
    started = dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    loads = [os.getloadavg()[0]]
    rows: list[str] = []
    with tempfile.TemporaryDirectory(dir=args.workdir) as d:
        tmp = Path(d)
        cli_per_sample = None
        if not args.no_cnvkit:
            cohort = make_cohort(tmp / f"cohort{args.cli_samples}", args.cli_samples)
            cli, n_cli = run_cnvkit_cli(args.cnvkit, cohort, tmp / "cli", args.cli_samples)
            cli_per_sample = cli.wall / n_cli
            loads.append(cli.load)
            print(f"CNVkit per-sample CLI: {n_cli} samples in {cli.wall:.1f} s wall ({cli_per_sample:.2f} s/sample, "
                  f"{cli.cpu / n_cli:.2f} s CPU/sample)", flush=True)
        warm = make_cohort(tmp / "warm", 3)  # one untimed run of each tool first (bytecode written, files cached)
        run_lmsgen(warm, tmp / "out-warm", extra)
        if not args.no_cnvkit:
            run_cnvkit_library(args.cnvkit_python, warm, tmp / "lib-warm")
        for n in sizes:
            cohort = make_cohort(tmp / f"cohort{n}", n)
            lm: list[Run] = []
            lib: list[Run] = []
            for k in range(args.repeats):  # the tools take turns: a slow spell of the shared machine hits both
                lm.append(run_lmsgen(cohort, tmp / f"out-{n}-{k}", extra))
                if not args.no_cnvkit:
                    lib.append(run_cnvkit_library(args.cnvkit_python, cohort, tmp / f"lib-{n}-{k}"))
            loads += [r.load for r in lm + lib]
            wall = statistics.median(r.wall for r in lm)
            line = {
                "samples": f"{n:,}",
                "lmsgen wall s": spread([r.wall for r in lm]),
                "lmsgen CPU ms/sample": spread([1000 * r.cpu / n for r in lm], "{:.1f}"),
                "lmsgen wall ms/sample": spread([1000 * r.wall / n for r in lm], "{:.2f}"),
                "peak RSS MiB parent+workers (largest process)":
                    f"{max(r.peak_tree_mib for r in lm):.0f} ({max(r.peak_one_mib for r in lm):.0f})",
                "progress: first step s, redraws, longest pause s":
                    f"{statistics.median(r.first_step or 0 for r in lm):.2f}, {min(r.positions for r in lm):,}, "
                    f"{max(r.max_gap for r in lm):.2f}",
            }
            if lib:
                lib_wall = statistics.median(r.wall for r in lib)
                line["CNVkit library wall s"] = spread([r.wall for r in lib])
                line["CNVkit library CPU ms/sample"] = spread([1000 * r.cpu / n for r in lib], "{:.1f}")
                line["library / lmsgen"] = f"{lib_wall / wall:.1f}×"
            if cli_per_sample is not None:
                line["CNVkit CLI s (per-sample × n)"] = f"{cli_per_sample * n:,.0f}"
                line["CLI / lmsgen"] = f"{cli_per_sample * n / wall:,.0f}×"
            if not rows:
                rows += ["| " + " | ".join(line) + " |", "|" + "---|" * len(line)]
            rows.append("| " + " | ".join(line.values()) + " |")
            print("\n".join(rows[-1:] if len(rows) > 3 else rows), flush=True)
        found = discovery_cost(tmp, [int(n) for n in args.discovery.split(",") if n]) if args.discovery else []
    if found:
        text = "; ".join(f"{n:,} folders {t:.2f} s ({1000 * t / n:.2f} ms/folder)" for n, t in found)
        rows += ["", f"Discovery of sample folders (one ChAS export each, `lms_genomics.cohort.discover`): {text}."]
        print(rows[-1], flush=True)
    load_text = f"load average (1 min) {min(loads):.1f}–{max(loads):.1f} during the run"
    header = [f"Run of {started}, {machine()}; {load_text}; {args.repeats} repeat(s) per tool and size, median "
              f"(min–max); lmsgen with default options{' ' + args.lmsgen_args if args.lmsgen_args else ''}.",
              ""]
    if cli_per_sample is not None:
        header.insert(1, f"CNVkit per-sample CLI: {cli_per_sample:.2f} s a sample (import-seg + one `call -m "
                         f"threshold` process per sample, {args.cli_samples} samples timed).")
        header.insert(2, "")
    table = "\n".join([*header, *rows])
    print("\n" + table)
    if not args.no_readme:
        write_readme(table)
        print(f"\nwritten into {README}")


if __name__ == "__main__":
    main()
