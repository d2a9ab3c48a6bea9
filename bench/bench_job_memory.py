"""Peak memory (RSS) of one ``lmsgen classify`` job: the figure a cluster job asks for (a script, not a test).

Each sample folder is classified by a fresh ``lmsgen classify DIR --name X --out OUT`` process, as one job of
``workflows/Snakefile`` runs it; its peak resident set size is read from the kernel (``ru_maxrss`` of the
waited child, in a wrapper process per run so the maxima do not mix). Folders:

- the largest TCGA SARC sample of ``../shared/realdata/tcga_sarc_dev`` (SNP6 CBS segments, log2);
- the largest real ChAS segment exports of ``../shared/formats/examples/chas`` (oncoscanR, Bergonié GIST);
- ``examples/case2`` with a full-size OncoScan probe-level export (``--probes`` probe sets, synthetic values in
  the ChAS probe-export layout; the real exports in ../shared are 2,000-row excerpts) and a real Ion Torrent
  VCF: the heaviest folder a lab sends (probe QC, probe plot in the report), with and without ``--plots html``.

    python bench/bench_job_memory.py [--probes 220000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
LMSGEN = Path(sys.executable).with_name("lmsgen")

_WRAPPER = ("import resource, subprocess, sys; r = subprocess.run(sys.argv[1:]); "
            "print(r.returncode, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")


def peak_rss_mb(cmd: list[str]) -> float:
    """Peak RSS of ``cmd`` in MB (one wrapper process per run)."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, *cmd], capture_output=True, text=True, check=True)
    rc, kb = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"{' '.join(cmd)} failed ({rc}): {out.stderr.strip()}")
    return int(kb) / 1024


def tree_peak_rss_mb(cmd: list[str], cwd: Path, interval: float = 0.02) -> float:
    """Peak of the summed RSS of ``cmd`` and its descendants (sampled every ``interval`` s from /proc, Linux):
    what a SLURM job's memory limit sees when Snakemake runs the job step and lmsgen under it."""
    import time

    proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, sum(_rss_kb(p) for p in _tree(proc.pid)))
        time.sleep(interval)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode})")
    return peak / 1024


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the children of every thread: Snakemake starts jobs from a thread)."""
    pids, i = [pid], 0
    while i < len(pids):
        for task in Path(f"/proc/{pids[i]}/task").glob("*"):
            with contextlib.suppress(OSError):
                pids += [int(c) for c in (task / "children").read_text().split()]
        i += 1
    return pids


def _rss_kb(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def write_probe_export(path: Path, n: int, sample: str = "case2", seed: int = 1) -> None:
    """A ChAS probe-level export of ``n`` probe sets (columns of the real export, Affymetrix chromosome codes)."""
    from lms_genomics.genome import CHROM_SIZES, CHROMOSOMES

    rng = np.random.default_rng(seed)
    chroms = [c for c in CHROMOSOMES if c != "chrY"]
    sizes = np.array([CHROM_SIZES[c] for c in chroms], dtype=float)
    idx = np.sort(rng.choice(len(chroms), size=n, p=sizes / sizes.sum()))
    pos = (rng.random(n) * sizes[idx]).astype(np.int64)
    order = np.lexsort((pos, idx))
    idx, pos = idx[order], pos[order]
    code = np.array([c.removeprefix("chr").replace("X", "24") for c in chroms])[idx]
    log2 = rng.normal(0, 0.2, n)
    baf = rng.choice([0.0, 0.5, 1.0], n) + rng.normal(0, 0.03, n)
    head = "\t".join(["ProbeSetName", "Chromosome", "Position"] + [f"{k} ({sample}.OSCHP)" for k in (
        "Log2Ratio", "WeightedLog2Ratio", "AllelicDifference", "NormalDiploid", "BAF")])
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(head + "\n")
        for i in range(n):
            fh.write(f"S-{i}\t{code[i]}\t{pos[i]}\t{log2[i]:.6f}\t{log2[i] * 0.8:.6f}\tNA\t1\t{baf[i]:.6f}\n")


def folders(tmp: Path, probes: int) -> list[tuple[str, Path, list[str]]]:
    """(label, sample folder, extra classify options) for every workload whose material is present."""
    work: list[tuple[str, Path, list[str]]] = []
    seg = SHARED / "realdata" / "tcga_sarc_dev" / "tcga_sarc_snp6_hg19.seg"
    if seg.exists():
        lines = seg.read_text().splitlines(keepends=True)
        ids = [ln.split("\t", 1)[0] for ln in lines[1:]]
        biggest = max(set(ids), key=ids.count)
        d = tmp / "tcga"
        d.mkdir()
        rows = [ln for ln, i in zip(lines[1:], ids, strict=True) if i == biggest]
        (d / "sample.seg").write_text(lines[0] + "".join(rows))
        work.append((f"TCGA {biggest} ({ids.count(biggest)} segments, log2)", d, []))
    for label, src in (("ChAS oncoscanR LST export", SHARED / "formats/examples/chas/oncoscanR/extdata/"
                                                              "LST_gene_list_full_location.txt"),
                       ("ChAS Bergonie GIST export", SHARED / "formats/examples/chas/bergonie-gist/segments (1).txt")):
        if src.exists():
            d = tmp / label.split()[1]
            d.mkdir()
            shutil.copy(src, d / "segments.txt")
            work.append((label, d, []))
    d = tmp / "full"
    shutil.copytree(ROOT / "examples" / "case2", d)
    write_probe_export(d / "case2.probeset.txt", probes)
    vcf = SHARED / "formats/examples/field/vcf/moma_0CFDXX_IonXpress_079.vcf"
    if vcf.exists():
        shutil.copy(vcf, d / "variants.vcf")
    what = f"case2 + {probes:,} probes" + (" + Ion Torrent VCF" if vcf.exists() else "")
    work.append((what, d, []))
    work.append((what + ", --plots html", d, ["--plots", "html"]))
    return work


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--probes", type=int, default=220_000, help="probe sets of the full-size probe export")
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as t:
        tmp = Path(t)
        print(f"{'sample folder':<62} {'peak RSS MB (max of ' + str(args.repeats) + ')':>26}")
        work = folders(tmp, args.probes)
        for label, folder, extra in work:
            peaks = [peak_rss_mb([str(LMSGEN), "classify", str(folder), "--name", "job", "--out", str(tmp / "out"),
                                  "--quiet", *extra]) for _ in range(args.repeats)]
            print(f"{label:<62} {max(peaks):>26.0f}")
        snakemake = Path(sys.executable).with_name("snakemake")
        if snakemake.exists():  # the heaviest folder again, as one Snakemake job runs it (job step + lmsgen)
            label, folder, _ = work[-2]
            series = tmp / "series"
            series.mkdir()
            shutil.copytree(folder, series / "FULL")
            cmd = [str(snakemake), "-s", str(ROOT / "workflows" / "Snakefile"), str(tmp / "wf" / "FULL.json"),
                   "--cores", "1", "--config", f"samples_dir={series}", f"out={tmp / 'wf'}"]
            peaks = []
            for _ in range(args.repeats):
                shutil.rmtree(tmp / "wf", ignore_errors=True)
                shutil.rmtree(tmp / ".snakemake", ignore_errors=True)
                peaks.append(tree_peak_rss_mb(cmd, cwd=tmp))
            print(f"{'snakemake job (Snakemake + lmsgen classify), ' + label.split(' + ')[1]:<62} {max(peaks):>26.0f}")
        try:
            from dask.distributed import Client, LocalCluster
        except ImportError:
            return
        # A Dask worker process (what dask-jobqueue asks a SLURM/PBS job for), after classifying every folder
        # above as one cohort: lmsgen cohort --scheduler, one single-threaded worker.
        series = tmp / "dask-series"
        for i, (_, folder, _) in enumerate(work[:-1]):
            shutil.copytree(folder, series / f"s{i}")
        with LocalCluster(n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            subprocess.run([str(LMSGEN), "cohort", str(series), "--out", str(tmp / "dask-out"), "-q",
                            "--scheduler", cluster.scheduler_address], check=True, stdout=subprocess.DEVNULL)
            peak = max(client.run(_self_peak_rss_mb).values())
        print(f"{'Dask worker process after the cohort of the folders above':<62} {peak:>26.0f}")


def _self_peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


if __name__ == "__main__":
    main()
