"""Rebuild ``hg19_cytobands.bed`` (the band names lmsgen writes in ISCN aberration lists) from UCSC's hg19
cytoBand table.

Source: UCSC Genome Browser, hg19 ``database/cytoBand.txt.gz`` (columns chrom, chromStart, chromEnd, name,
gieStain; 0-based half-open; 862 bands on chr1-22, X, Y). The same table ships unchanged inside the bioframe
wheel on PyPI (``bioframe/io/data/hg19.cytoband.tsv``, MIT licence, with a header line), which is how it was
obtained here::

    pip download --no-deps bioframe==0.8.0 -d /tmp/bf
    unzip -p /tmp/bf/bioframe-0.8.0-py3-none-any.whl bioframe/io/data/hg19.cytoband.tsv > /tmp/hg19.cytoband.tsv
    python reference/build_cytobands.py /tmp/hg19.cytoband.tsv

Its rows were checked against another public copy of UCSC's hg19 cytoBand.txt (pughlab/ConsensusCruncher,
``cytoBand.txt``, commit 3236a87f). The script checks what lmsgen relies on: bands tile every chromosome
from 0 to its hg19 length without gap or overlap, every band is named ``p…``/``q…``, and each chromosome
has its two ``acen`` bands meeting at the p/q boundary used by ``build_reference.py``.
It is not part of the installed package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from build_reference import CENTROMERES, SIZES  # noqa: E402

CHROMS = [f"chr{c}" for c in [*range(1, 23), "X", "Y"]]


def build(source: Path) -> pd.DataFrame:
    """The checked band table (chrom, start, end, band, stain) in karyotype order."""
    raw = pd.read_csv(source, sep="\t", header=None, dtype=str, comment="#")
    if raw.iloc[0, 1] in ("start", "chromStart"):
        raw = raw.iloc[1:]
    bands = raw.iloc[:, :5].set_axis(["chrom", "start", "end", "band", "stain"], axis=1)
    bands = bands[bands["chrom"].isin(CHROMS)].copy()
    bands["start"] = bands["start"].astype("int64")
    bands["end"] = bands["end"].astype("int64")
    bands["_order"] = bands["chrom"].map({c: i for i, c in enumerate(CHROMS)})
    bands = bands.sort_values(["_order", "start"]).drop(columns="_order").reset_index(drop=True)
    for chrom, part in bands.groupby("chrom", sort=False):
        starts, ends = part["start"].to_numpy(), part["end"].to_numpy()
        assert starts[0] == 0 and ends[-1] == SIZES[chrom], (chrom, starts[0], ends[-1])
        assert (starts[1:] == ends[:-1]).all(), f"{chrom}: bands do not tile the chromosome"
        assert part["band"].str.match(r"^[pq]\d+(\.\d+)?$").all(), f"{chrom}: unexpected band name"
        acen = part[part["stain"] == "acen"]
        assert len(acen) == 2 and int(acen["end"].iloc[0]) == CENTROMERES[chrom][1], chrom  # the p/q boundary
    assert len(bands) == 862, len(bands)
    return bands


def main(argv: list[str]) -> None:
    if len(argv) != 1:
        sys.exit("usage: python reference/build_cytobands.py hg19.cytoband.tsv")
    bands = build(Path(argv[0]))
    out = HERE / "hg19_cytobands.bed"
    with out.open("w", encoding="utf-8", newline="\n") as fh:
        fh.write("# hg19 cytogenetic bands (UCSC hg19 cytoBand.txt; built by reference/build_cytobands.py)\n")
        fh.write("# chrom\tstart\tend\tband\tstain  (0-based half-open)\n")
        bands.to_csv(fh, sep="\t", header=False, index=False)
    print(f"wrote {out} ({len(bands)} bands)")


if __name__ == "__main__":
    main(sys.argv[1:])
