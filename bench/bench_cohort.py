"""Cohort benchmarks (a script, not a test): throughput, memory, start-up time, and CNVkit side by side.

    python bench/bench_cohort.py [--shared ../shared] [--synthetic 10000] [--jobs 2] [--cnvkit PATH]

Measures, on this machine:
1. ``lmsgen --help`` start-up time (median of 10 runs);
2. ``lmsgen cohort`` on an 80-leiomyosarcoma-sized workload (the 41 TCGA LMS of ../shared, each twice under a
   new name = 82 samples), wall time and samples/s;
3. ``lmsgen cohort`` on N synthetic samples (one multi-sample .seg), wall time and peak resident memory of the
   parent and of the largest worker, at N/10, N/2 and N samples (flat memory: the peaks stop growing once a
   worker's batch reaches its cap, ``lms_genomics.cohort.BATCH_SAMPLES``);
4. CNVkit 0.9.14's per-sample CLI (``cnvkit.py call -m threshold`` on each sample's .cns, after
   ``cnvkit.py import-seg``) on the same 82 samples, when a ``cnvkit.py`` is given or on PATH, and the ratio.
   CNVkit is not a dependency: install it in a separate environment
   (``python3 -m venv /tmp/cnvkit && /tmp/cnvkit/bin/pip install cnvkit==0.9.14``) and pass ``--cnvkit``.
Results are printed as a Markdown table, row by row; paste them into bench/README.md.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def lmsgen_exe() -> str:
    exe = Path(sys.executable).parent / "lmsgen"
    return str(exe) if exe.exists() else "lmsgen"


def timed(cmd: list[str], **kw) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kw)
    return time.perf_counter() - t, proc


def help_startup() -> float:
    times = [timed([lmsgen_exe(), "--help"])[0] for _ in range(10)]
    return statistics.median(times)


def lms_workload(shared: Path, tmp: Path) -> Path:
    import pandas as pd

    folder = shared / "realdata" / "tcga_sarc_dev"
    samples = pd.read_csv(folder / "samples.tsv", sep="\t")
    lms = set(samples[samples["short_histo"].isin(["STLMS", "ULMS"])]["TCGA_barcode"].str[:12])
    seg = pd.read_csv(folder / "tcga_sarc_snp6_hg19.seg", sep="\t")
    seg = seg[seg["ID"].isin(lms)]
    twice = pd.concat([seg, seg.assign(ID=seg["ID"] + "-copy")])
    path = tmp / "lms82.seg"
    twice.to_csv(path, sep="\t", index=False)
    return path


def synthetic_seg(path: Path, n: int, seed: int = 7) -> None:
    from lms_genomics.genome import CHROM_SIZES

    rng = random.Random(seed)
    chroms = [f"{i}" for i in range(1, 23)]
    with open(path, "w") as fh:
        fh.write("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n")
        for s in range(n):
            for c in chroms:
                size = CHROM_SIZES[f"chr{c}"]
                cuts = sorted(rng.sample(range(1_000_000, size - 1_000_000, 100_000), rng.randint(0, 3)))
                bounds = [100_000, *cuts, size - 100_000]
                for a, b in zip(bounds[:-1], bounds[1:], strict=True):
                    log2 = rng.choice([0.0, 0.0, -0.4, 0.35])
                    fh.write(f"SYN{s:05d}\t{c}\t{a + 1}\t{b}\t{(b - a) // 1500}\t{log2:.3f}\n")


def run_cohort(seg: Path, out: Path, jobs: int) -> tuple[float, int, int]:
    """Wall time, parent peak RSS (kB), largest worker peak RSS (kB)."""
    code = ("import resource,sys;"
            "sys.argv=['lmsgen','cohort',sys.argv[1],'--out',sys.argv[2],'-j',sys.argv[3],'-q'];"
            "from lms_genomics.cli.main import main\n"
            "try:\n main()\nexcept SystemExit as e:\n pass\n"
            "print('PEAK', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)")
    t, proc = timed([sys.executable, "-c", code, str(seg), str(out), str(jobs)])
    peak = next(line for line in proc.stderr.splitlines() if line.startswith("PEAK")).split()
    if proc.returncode not in (0,):
        raise SystemExit(proc.stderr[-2000:])
    return t, int(peak[1]), int(peak[2])


def cnvkit_per_sample(cnvkit: str, seg: Path, tmp: Path, limit: int | None = None) -> tuple[float, int]:
    cns_dir = tmp / "cns"
    subprocess.run([cnvkit, "import-seg", str(seg), "-p", "chr", "-c", "human", "-d", str(cns_dir)],
                   capture_output=True, check=True)
    files = sorted(cns_dir.glob("*.cns"))[:limit]
    t = time.perf_counter()
    for f in files:
        subprocess.run([cnvkit, "call", "-m", "threshold", str(f), "-o", str(f.with_suffix(".call.cns"))],
                       capture_output=True, check=True)
    return time.perf_counter() - t, len(files)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    ap.add_argument("--synthetic", type=int, default=10_000)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--repeats", type=int, default=3, help="lmsgen runs of the 82-sample workload (median)")
    ap.add_argument("--cnvkit", default=shutil.which("cnvkit.py"))
    ap.add_argument("--cnvkit-samples", type=int, default=None,
                    help="CNVkit samples timed (default: all 82, serial, one CLI call each)")
    args = ap.parse_args()

    def row(measure: str, result: str) -> None:  # printed as measured: a long run shows its progress
        print(f"| {measure} | {result} |", flush=True)

    print("| measure | result |\n|---|---|", flush=True)
    row("lmsgen --help start-up (median of 10)", f"{help_startup():.3f} s")
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        lms = lms_workload(args.shared, tmp)
        runs = []
        for k in range(args.repeats):
            runs.append(run_cohort(lms, tmp / f"out82-{k}", args.jobs))
            shutil.rmtree(tmp / f"out82-{k}")
        t, parent, child = sorted(runs)[len(runs) // 2]
        per_sample = t / 82
        row(f"lmsgen cohort, 82 TCGA LMS, -j {args.jobs} (median of {args.repeats}: "
            f"{', '.join(f'{r[0]:.2f}' for r in runs)} s)",
            f"{t:.2f} s wall, {82 / t:.1f} samples/s, {1000 * per_sample:.1f} ms/sample; "
            f"peak RSS parent {parent // 1024} MiB, worker {child // 1024} MiB")
        if args.cnvkit:
            ct, n = cnvkit_per_sample(args.cnvkit, lms, tmp, args.cnvkit_samples)
            row(f"CNVkit 0.9.14 per-sample CLI (`cnvkit.py call -m threshold`), {n} samples, serial",
                f"{ct:.1f} s wall, {ct / n:.2f} s/sample")
            row("ratio: CNVkit per-sample CLI / lmsgen cohort, per sample", f"{(ct / n) / per_sample:.0f}x")
        for n in (args.synthetic // 10, args.synthetic // 2, args.synthetic):
            seg = tmp / f"syn{n}.seg"
            synthetic_seg(seg, n)
            t, parent, child = run_cohort(seg, tmp / f"out{n}", args.jobs)
            row(f"lmsgen cohort, {n} synthetic samples ({seg.stat().st_size / 1e6:.0f} MB .seg), -j {args.jobs}",
                f"{t:.0f} s wall, {n / t:.1f} samples/s; peak RSS parent {parent // 1024} MiB, "
                f"largest worker {child // 1024} MiB")
            shutil.rmtree(tmp / f"out{n}")
    print(f"\nmachine: {os.cpu_count()} cores; python {sys.version.split()[0]}")


if __name__ == "__main__":
    main()
