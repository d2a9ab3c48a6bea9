"""Benchmark of the genome figure and its PNG export (a script, not a test).

Builds the case2 result and 220,000 synthetic probes (OncoScan density), then times: building the figure,
HTML export, and PNG export cold (first figure: Chromium starts) and warm (next figures, browser reused).

    python bench/bench_plots.py [--repeats 5] [--probes 220000]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from lms_genomics import classify
from lms_genomics.genome import CHROM_ORDER, CHROM_SIZES, CHROMOSOMES
from lms_genomics.report.plots import genome_figure
from lms_genomics.report.static_export import FigureExporter, find_browser, write_html

ROOT = Path(__file__).resolve().parents[1]


def synthetic_probes(n: int, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = np.array([CHROM_SIZES[c] for c in CHROMOSOMES], dtype=float)
    chrom = rng.choice(np.array(CHROMOSOMES), size=n, p=sizes / sizes.sum())
    pos = (rng.random(n) * pd.Series(chrom).map(CHROM_SIZES).to_numpy()).astype("int64")
    df = pd.DataFrame({"chrom": chrom, "pos": pos, "log2": rng.normal(0, 0.25, n),
                       "baf": rng.choice([0.0, 0.5, 1.0], n) + rng.normal(0, 0.03, n), "allele_diff": np.nan})
    order = np.lexsort((df["pos"].to_numpy(), df["chrom"].map(CHROM_ORDER).to_numpy()))
    return df.iloc[order].reset_index(drop=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeats", type=int, default=5, help="warm PNG exports to time")
    ap.add_argument("--probes", type=int, default=220_000)
    args = ap.parse_args()
    result = classify(ROOT / "examples" / "case2")
    probes = synthetic_probes(args.probes)
    rows: list[tuple[str, float]] = []
    t = time.perf_counter()
    fig = genome_figure(result, probes=probes)
    rows.append((f"genome_figure, {args.probes:,} probes", time.perf_counter() - t))
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        t = time.perf_counter()
        write_html(fig, out / "case2.html")
        rows.append(("HTML export (plotly.js embedded)", time.perf_counter() - t))
        t = time.perf_counter()
        with FigureExporter() as ex:
            ex.write(fig, out / "cold.png")
            rows.append(("PNG cold (Chromium start + first figure)", time.perf_counter() - t))
            warm = []
            for i in range(args.repeats):
                f = genome_figure(result, probes=probes) if i % 2 else fig
                t = time.perf_counter()
                ex.write(f, out / f"warm{i}.png")
                warm.append(time.perf_counter() - t)
            rows.append((f"PNG warm, browser reused (median of {args.repeats})", float(np.median(warm))))
            t = time.perf_counter()
            ex.write(genome_figure(result), out / "noprobes.png")
            rows.append(("PNG warm, segments only", time.perf_counter() - t))
        size = (out / "cold.png").stat().st_size
    print(f"browser: {find_browser()}")
    print(f"{'step':<50} {'seconds':>8}")
    for name, sec in rows:
        print(f"{name:<50} {sec:>8.2f}")
    print(f"PNG size: {size / 1024:.0f} kB (1600 x 900)")


if __name__ == "__main__":
    main()
