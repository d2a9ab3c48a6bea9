"""One sample with very many segments: 2,000,000 log2 segments and 150,000 bins (issue 19: the profile step must
not be quadratic; target < 60 s for 2 M segments).

    python bench/bench_segment_scale.py [--segments 2000000 150000] [--seed 19]

Writes a synthetic single-sample ``.seg`` per size (segments tiling chromosomes 1-22 and X evenly, log2 values
drawn so that about a third are gains or losses, 5-50 markers each) into a temporary folder and classifies it with
``lms_genomics.sample.classify_all`` (the path of ``lmsgen classify``), then writes the JSON and genes TSV as
``lmsgen cohort`` does. Prints wall and process CPU time per step (the machine is shared: quote ``uptime``).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

import numpy as np

from lms_genomics.genome import CHROM_SIZES, CHROMOSOMES


def write_seg(path: Path, n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    chroms = CHROMOSOMES[:23]
    sizes = np.array([CHROM_SIZES[c] for c in chroms], dtype=np.int64)
    per = np.maximum(1, np.round(n * sizes / sizes.sum()).astype(np.int64))
    with path.open("w") as fh:
        fh.write("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\n")
        for c, size, k in zip(chroms, sizes, per, strict=True):
            edges = np.linspace(1, size, k + 1).astype(np.int64)
            log2 = rng.choice([-0.6, 0.0, 0.0, 0.45], size=k) + rng.normal(0, 0.05, size=k)
            marks = rng.integers(5, 50, size=k)
            name = c.removeprefix("chr")
            fh.writelines(f"S\t{name}\t{s}\t{e - 1}\t{m}\t{v:.4f}\n"
                          for s, e, m, v in zip(edges[:-1].tolist(), edges[1:].tolist(), marks.tolist(),
                                                log2.tolist(), strict=True))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--segments", type=int, nargs="+", default=[2_000_000, 150_000])
    ap.add_argument("--seed", type=int, default=19)
    args = ap.parse_args()
    from lms_genomics.report import writers
    from lms_genomics.sample import classify_all

    print(f"load average: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.segments:
            path = Path(tmp) / f"s{n}.seg"
            write_seg(path, n, args.seed)
            w0, c0 = time.perf_counter(), time.process_time()
            (result,) = classify_all(path)
            w1, c1 = time.perf_counter(), time.process_time()
            text, doc = writers.compact_json(result, evidence=False)
            writers.write_outputs(result, tmp, doc=doc, indent=None, json_text=text, stem=f"s{n}")
            w2, c2 = time.perf_counter(), time.process_time()
            print(f"{n:>9,} segments: classify {w1 - w0:6.1f} s wall {c1 - c0:6.1f} s CPU; write JSON+TSV "
                  f"{w2 - w1:5.1f} s wall {c2 - c1:5.1f} s CPU; class {result.profile_class}, "
                  f"A {doc['profile']['anomalies']}; load {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
