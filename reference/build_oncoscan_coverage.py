"""Build ``oncoscan_na33r2_coverage.bed``: the genome the OncoScan CNV assay covers, one extent per arm.

Run from the project root with the team's shared material beside it::

    python reference/build_oncoscan_coverage.py \
        ../shared/formats/examples/chas/oncoscanR/extdata/Oncoscan.na33.r2.cov.processed.bed

Source: oncoscanR (yannchristinat/oncoscanR, v1.5.0 commit 84bf297, ``inst/extdata/Oncoscan.na33.r2.cov.processed.bed``;
MIT licence, © 2019 HUG - Geneva University Hospitals), derived by its author from Thermo Fisher's OncoScan_CNV
annotation na33.r2 (``OncoScan_CNV_Analysis_Files_NA33.r5.zip``, probes with Process_Flag > 0): probes grouped by
arm, a new group at every gap > 300 kb, groups of < 10 probes near telomeres and centromeres dropped, then the
first and last probe of each arm kept. 13p, 14p, 15p and 22p hold no probe; 21p is only partly covered and left
out (as oncoscanR's workflow does). Those are the facts this script takes; it writes them in lmsgen's arm-table
format (0-based half-open: start = first probe − 1, end = last probe), with the cytoband arm bounds of
``hg19_arms.bed``, and checks that each extent lies inside its cytoband arm.

The file it writes is committed; this script documents how it was made. It is not part of the installed package.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "oncoscan_na33r2_coverage.bed"
HEADER = """\
# OncoScan CNV assay coverage, hg19/GRCh37, 0-based half-open: start/end = first probe - 1 .. last probe of each
# arm (annotation na33.r2); arm_start/arm_end = cytoband arm as in hg19_arms.bed. 13p, 14p, 15p, 22p: no probe;
# 21p: partly covered, left out. Scores and arm-level fractions are relative to these extents (2,837.1 Mb).
# Source: oncoscanR v1.5.0 (github.com/yannchristinat/oncoscanR, commit 84bf297,
# inst/extdata/Oncoscan.na33.r2.cov.processed.bed; MIT licence, (c) 2019 HUG - Geneva University Hospitals),
# derived from Thermo Fisher's OncoScan_CNV na33.r2 annotation. Built by reference/build_oncoscan_coverage.py.
#chrom	start	end	arm	arm_start	arm_end
"""


def cytoband_arms() -> dict[str, tuple[str, int, int]]:
    """arm name → (chrom, arm_start, arm_end) from the bundled hg19_arms.bed."""
    arms = {}
    for line in (HERE / "hg19_arms.bed").read_text().splitlines():
        if line and not line.startswith("#"):
            chrom, _s, _e, arm, arm_start, arm_end = line.split("\t")
            arms[arm] = (chrom, int(arm_start), int(arm_end))
    return arms


def build(source: Path) -> str:
    """The coverage table's text from oncoscanR's ``<arm> <first probe> <last probe>`` BED."""
    cyto = cytoband_arms()
    rows = []
    for n, line in enumerate(source.read_text().splitlines(), 1):
        if not line.strip():
            continue
        arm, first, last = line.split("\t")
        if arm not in cyto:
            raise SystemExit(f"{source}:{n}: arm {arm!r} not in hg19_arms.bed")
        chrom, arm_start, arm_end = cyto[arm]
        start, end = int(first) - 1, int(last)
        if not arm_start <= start < end <= arm_end:
            raise SystemExit(f"{source}:{n}: {arm} {start}-{end} outside its cytoband arm {arm_start}-{arm_end}")
        rows.append((list(cyto).index(arm), f"{chrom}\t{start}\t{end}\t{arm}\t{arm_start}\t{arm_end}\n"))
    if len(rows) != 43:
        raise SystemExit(f"{source}: {len(rows)} arms, expected 43 (24 chromosomes, no 13p/14p/15p/21p/22p)")
    return HEADER + "".join(row for _, row in sorted(rows))


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    OUT.write_text(build(Path(argv[1])))
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
