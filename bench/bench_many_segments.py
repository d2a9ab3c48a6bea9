"""One sample with 2,000,000 log2 segments, classified end to end (issue 13: the profile count must stay
O(n log n) and vectorised; target < 60 s).

    nice -n 10 python bench/bench_many_segments.py [--segments 2000000] [--keep FILE]

Generates a CBS-style ``.seg`` of one sample (``ID chrom loc.start loc.end num.mark seg.mean``): the autosomes and X
cut into ``--segments`` contiguous segments of equal size per chromosome, log2 ratios drawn from a mixture that
makes every case of the profile rule frequent (neutral, low-level shifts below ``log2_anomaly``, one-copy losses
and gains, two-copy gains, homozygous deletions and amplifications; runs of one direction with several levels, so
that nested events and the stack of the counting rule are exercised), 20 markers each. Then ``classify_all`` of
the file with the default thresholds (read, states, noise floor, profile, gene calls, arm-level events, scores,
QC), and ``to_dict`` of the result (not written: the JSON of 2 M segments is its own cost). Reports wall and
process CPU time of each phase, the profile (A, counts, class) and ``uptime`` before and after (the machine is
shared: compare CPU times). Not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np

from lms_genomics.genome import CHROM_SIZES

CHROMS = [f"chr{i}" for i in range(1, 23)] + ["chrX"]


def write_seg(path: Path, n: int, seed: int = 13) -> None:
    """A one-sample .seg of about ``n`` contiguous segments over chr1-22 and X."""
    rng = np.random.default_rng(seed)
    sizes = np.array([CHROM_SIZES[c] for c in CHROMS], dtype=np.int64)
    per = np.maximum(1, np.round(n * sizes / sizes.sum()).astype(np.int64))
    # log2 levels: neutral, low-level (±0.15), one-copy loss/gain, two-copy gain, homdel, amplification
    levels = np.array([0.0, -0.15, 0.15, -0.6, 0.45, 0.8, -2.5, 1.6])
    weights = np.array([0.40, 0.08, 0.08, 0.16, 0.14, 0.07, 0.03, 0.04])
    with path.open("w") as fh:
        fh.write("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n")
        for chrom, size, k in zip(CHROMS, sizes.tolist(), per.tolist(), strict=True):
            bounds = np.linspace(0, size, k + 1).astype(np.int64)
            # runs of 1-1,500 segments (up to ~2 Mb) share a direction; levels vary inside a run
            lv = levels[rng.choice(len(levels), size=k, p=weights)]
            run_len = rng.integers(1, 1500, size=k)
            starts = np.cumsum(run_len) - run_len
            starts = starts[starts < k]
            head = np.zeros(k, dtype=bool)
            head[starts] = True
            direction = np.sign(lv[np.maximum.accumulate(np.where(head, np.arange(k), 0))])
            lv = np.where((direction != 0) & (np.sign(lv) != direction) & (lv != 0), -lv, lv)
            lv = lv + rng.normal(0, 0.02, size=k)
            name = chrom.removeprefix("chr")
            lines = [f"BENCH\t{name}\t{s + 1}\t{e}\t20\t{v:.4f}\n"
                     for s, e, v in zip(bounds[:-1].tolist(), bounds[1:].tolist(), lv.tolist(), strict=True)]
            fh.writelines(lines)


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--segments", type=int, default=2_000_000)
    ap.add_argument("--keep", type=Path, help="write the generated .seg here (kept)")
    args = ap.parse_args()
    print("before:", uptime())
    with tempfile.TemporaryDirectory() as tmp:
        seg = args.keep or Path(tmp) / "bench_many_segments.seg"
        t0 = time.perf_counter()
        write_seg(seg, args.segments)
        t1, c1 = time.perf_counter(), time.process_time()
        print(f"generated {seg.stat().st_size / 1e6:.0f} MB in {t1 - t0:.1f} s")
        from lms_genomics import classify_all

        t1, c1 = time.perf_counter(), time.process_time()
        [result] = classify_all(seg)
        t2, c2 = time.perf_counter(), time.process_time()
        from lms_genomics.calling.cleaning import KitCoverage
        from lms_genomics.calling.profile import anomalies_of
        from lms_genomics.genome import arm_rows
        from lms_genomics.thresholds import DEFAULT_THRESHOLDS

        segs = result.copy_number.segments
        arms = KitCoverage.from_arm_rows(arm_rows())
        t3, c3 = time.perf_counter(), time.process_time()
        anomalies_of(segs, DEFAULT_THRESHOLDS, continuous=True, arms=arms)
        t4, c4 = time.perf_counter(), time.process_time()
        result.to_dict()
        t5, c5 = time.perf_counter(), time.process_time()
    p = result.profile
    print(f"segments: {len(segs):,}; profile: {p.profile_class}, A = {p.anomalies}, {p.anomaly_counts}, "
          f"GI = {p.genomic_index:.1f} ({p.gi_class})")
    print(f"classify_all (read + every call): wall {t2 - t1:.1f} s, CPU {c2 - c1:.1f} s")
    print(f"  of which the profile count (anomalies_of again, alone): wall {t4 - t3:.1f} s, CPU {c4 - c3:.1f} s")
    print(f"to_dict: wall {t5 - t4:.1f} s, CPU {c5 - c4:.1f} s")
    print("after:", uptime())


if __name__ == "__main__":
    main()
