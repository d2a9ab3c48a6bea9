"""What the genome-wide scores add per sample, over 1,000 samples (target < 2 ms per sample).

    python bench/bench_scores.py [--samples 1000] [--repeats 5]

Two workloads built from real files in ``../shared`` and cycled to ``--samples`` samples: the 14 ChAS exports of
``formats/examples/chas`` (OncoScan, 1-441 rows, LOH rows in three) and the 105 TCGA SNP6 log2 samples of
``realdata/tcga_sarc_dev`` (every segment listed, ~330 rows on average). Inputs are read and their states called
before timing; what is timed is what ``copy_number_part`` adds for the scores: the segments as arrays
(chromosome codes, kinds), oncoscanR's cleaning over the OncoScan kit and every score
(``scores_from_clean``), and the arm-level pass (shared cleaning) for comparison. Times are process CPU time
(``time.process_time``: the machine is shared), the median of ``--repeats`` runs over all samples.
"""

from __future__ import annotations

import argparse
import glob
import os
import statistics
import time
from pathlib import Path

import numpy as np

from lms_genomics.calling.arms import arm_level_from_clean, clean_sample_segments
from lms_genomics.calling.cleaning import KitCoverage, load_kit
from lms_genomics.calling.log2 import log2_to_copy_number
from lms_genomics.calling.scores import scores_from_clean
from lms_genomics.calling.states import segment_states
from lms_genomics.genome import load_arms
from lms_genomics.io.chas import read_chas
from lms_genomics.io.seg import read_seg
from lms_genomics.thresholds import DEFAULT_THRESHOLDS as T

SHARED = Path(__file__).resolve().parents[2] / "shared"


def chas_samples() -> list[tuple]:
    out = []
    chas = SHARED / "formats/examples/chas"
    for f in sorted(glob.glob(str(chas / "oncoscanR/extdata/*_gene_list_full_location.txt"))
                    + glob.glob(str(chas / "bergonie-gist/segments (*).txt"))):
        seg = read_chas(f).segments
        seg["state"] = segment_states(seg, T)
        out.append((seg, bool((seg["kind"] == "loh").any()), False))
    return out


def tcga_samples() -> list[tuple]:
    export = read_seg(SHARED / "realdata/tcga_sarc_dev/tcga_sarc_snp6_hg19.seg")
    out = []
    for _, seg in export.segments.groupby("sample", sort=False):
        seg = seg.reset_index(drop=True)
        seg["copy_number"] = log2_to_copy_number(seg["log2"], 1.0, 2.0)
        seg["state"] = segment_states(seg, T, continuous=True)
        out.append((seg, False, True))
    return out


def run(samples: list[tuple], n: int, repeats: int, kit: KitCoverage, arm_kit: KitCoverage) -> dict[str, float]:
    work = [samples[i % len(samples)] for i in range(n)]
    times: dict[str, list[float]] = {"scores (clean over kit + every score)": [], "arm-level pass": []}
    for _ in range(repeats):
        t0 = time.process_time()
        for seg, loh, cont in work:
            scores_from_clean(clean_sample_segments(seg, kit, T), kit, T, loh_assessed=loh, continuous=cont)
        t1 = time.process_time()
        for seg, loh, _ in work:
            arm_level_from_clean(clean_sample_segments(seg, arm_kit, T), arm_kit, T, loh_assessed=loh)
        t2 = time.process_time()
        times["scores (clean over kit + every score)"].append((t1 - t0) / n * 1e3)
        times["arm-level pass"].append((t2 - t1) / n * 1e3)
    return {k: statistics.median(v) for k, v in times.items()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--samples", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    kit = load_kit()
    arm_kit = KitCoverage.from_arms(load_arms())
    print(f"load before: {os.getloadavg()[0]:.2f} (1-min average, {os.cpu_count()} cores)")
    for name, samples in (("ChAS exports (14 real, cycled)", chas_samples()),
                          ("TCGA SNP6 log2 (105 real, cycled)", tcga_samples())):
        rows = np.mean([len(s[0]) for s in samples])
        res = run(samples, args.samples, args.repeats, kit, arm_kit)
        print(f"{name}: {args.samples} samples, {rows:.0f} rows/sample on average")
        for k, v in res.items():
            print(f"  {k}: {v:.3f} ms CPU per sample (median of {args.repeats})")
        largest = max(samples, key=lambda s: len(s[0]))
        res = run([largest], args.samples, args.repeats, kit, arm_kit)
        print(f"  largest sample ({len(largest[0])} rows), {args.samples} times: "
              + ", ".join(f"{k.split(' (')[0]} {v:.3f} ms" for k, v in res.items()))
    print(f"load after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
