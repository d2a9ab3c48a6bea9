"""Rebuild ``hg19_genes.bed`` and ``hg19_arms.bed`` from the public hg19 RefSeq gene spans.

Run from the project root with the team's shared material beside it::

    python reference/build_reference.py ../shared/reference/hg19_refseq_genes.bed \
        ../shared/realdata/tcga_sarc_dev/tcga_sarc_snp6_hg19.seg

The two files it writes are committed; this script documents how they were made and lets a reviewer
re-derive them. It is not part of the installed package.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

# Genes lmsgen calls and annotates (see README): mission genes, LMS literature, the copy-number genes of
# the TCGA sarcoma study (Cell 2017) and the 50 genes of the Ion AmpliSeq Cancer Hotspot Panel v2.
KEY = ["RB1", "TP53", "MYOCD", "PTEN", "CDKN2A", "CDKN2B", "ATRX", "NF1"]
TCGA_SARC = ["JUN", "VGLL3", "TERT", "MAP3K5", "UST", "YAP1", "CDKN1B", "PTPRQ", "CCNE1", "CEBPA",
             "ZNF552", "DDIT3", "CDK4", "HMGA2", "MDM2", "FRS2"]
CHPV2 = ["ABL1", "AKT1", "ALK", "APC", "ATM", "BRAF", "CDH1", "CDKN2A", "CSF1R", "CTNNB1", "EGFR", "ERBB2",
         "ERBB4", "EZH2", "FBXW7", "FGFR1", "FGFR2", "FGFR3", "FLT3", "GNA11", "GNAQ", "GNAS", "HNF1A", "HRAS",
         "IDH1", "IDH2", "JAK2", "JAK3", "KDR", "KIT", "KRAS", "MET", "MLH1", "MPL", "NOTCH1", "NPM1", "NRAS",
         "PDGFRA", "PIK3CA", "PTEN", "PTPN11", "RB1", "RET", "SMAD4", "SMARCB1", "SMO", "SRC", "STK11", "TP53",
         "VHL"]

# hg19 centromeres as UCSC cytoBand 'acen' bands: (p11.1 start, p/q boundary, q11 end).
CENTROMERES = {
    "chr1": (121500000, 125000000, 128900000), "chr2": (90900000, 93300000, 96800000),
    "chr3": (87900000, 91000000, 93900000), "chr4": (48200000, 50400000, 52700000),
    "chr5": (46100000, 48400000, 50700000), "chr6": (58700000, 61000000, 63300000),
    "chr7": (58000000, 59900000, 61700000), "chr8": (43100000, 45600000, 48100000),
    "chr9": (47300000, 49000000, 50700000), "chr10": (38000000, 40200000, 42300000),
    "chr11": (51600000, 53700000, 55700000), "chr12": (33300000, 35800000, 38200000),
    "chr13": (16300000, 17900000, 19500000), "chr14": (16100000, 17600000, 19100000),
    "chr15": (15800000, 19000000, 20700000), "chr16": (34600000, 36600000, 38600000),
    "chr17": (22200000, 24000000, 25800000), "chr18": (15400000, 17200000, 19000000),
    "chr19": (24400000, 26500000, 28600000), "chr20": (25600000, 27500000, 29400000),
    "chr21": (10900000, 13200000, 14300000), "chr22": (12200000, 14700000, 17900000),
    "chrX": (58100000, 60600000, 63000000), "chrY": (11600000, 12500000, 16100000),
}
SIZES = {
    "chr1": 249250621, "chr2": 243199373, "chr3": 198022430, "chr4": 191154276, "chr5": 180915260,
    "chr6": 171115067, "chr7": 159138663, "chr8": 146364022, "chr9": 141213431, "chr10": 135534747,
    "chr11": 135006516, "chr12": 133851895, "chr13": 115169878, "chr14": 107349540, "chr15": 102531392,
    "chr16": 90354753, "chr17": 81195210, "chr18": 78077248, "chr19": 59128983, "chr20": 63025520,
    "chr21": 48129895, "chr22": 51304566, "chrX": 155270560, "chrY": 59373566,
}
ACROCENTRIC_P = {"chr13", "chr14", "chr15", "chr21", "chr22"}
# chrY: pseudo-autosomal region 1 ends at 2,649,520 and the Yq12 heterochromatin starts at 28.8 Mb;
# copy number of the male-specific region is what arrays assess.
Y_LIMITS = (2649520, 28800000)


def build_genes(refseq: Path) -> pd.DataFrame:
    genes = pd.read_csv(refseq, sep="\t", header=None, names=["chrom", "start", "end", "name", "strand", "n"])
    wanted = list(dict.fromkeys(KEY + TCGA_SARC + CHPV2))
    sel = genes[genes["name"].isin(wanted) & (genes["n"] == 1)]
    missing = set(wanted) - set(sel["name"])
    if missing:
        raise SystemExit(f"genes not found once in {refseq}: {sorted(missing)}")
    groups = {g: [] for g in wanted}
    for g in KEY:
        groups[g].append("key")
    for g in TCGA_SARC:
        groups[g].append("tcga_sarc")
    for g in CHPV2:
        groups[g].append("chpv2")
    sel = sel.assign(score=0, groups=sel["name"].map(lambda g: ",".join(groups[g])))
    order = {f"chr{c}": i for i, c in enumerate([*range(1, 23), "X", "Y"])}
    sel = sel.sort_values(["chrom", "start"], key=lambda s: s.map(order) if s.name == "chrom" else s)
    return sel[["chrom", "start", "end", "name", "score", "strand", "groups"]]


def build_arms(refseq: Path, snp6_seg: Path) -> pd.DataFrame:
    genes = pd.read_csv(refseq, sep="\t", header=None, names=["chrom", "start", "end", "name", "strand", "n"])
    seg = pd.read_csv(snp6_seg, sep="\t")
    seg["chrom"] = "chr" + seg["chrom"].astype(str).replace({"23": "X", "24": "Y"})
    rows = []
    for chrom, (p_end, mid, q_start) in CENTROMERES.items():
        g = genes[genes["chrom"] == chrom]
        if chrom == "chrY":
            g = g[(g["start"] >= Y_LIMITS[0]) & (g["end"] <= Y_LIMITS[1])]
        sides = (("p", g[g["end"] <= p_end], 0, mid), ("q", g[g["start"] >= q_start], mid, SIZES[chrom]))
        for arm, sub, lo, hi in sides:
            if arm == "p" and chrom in ACROCENTRIC_P:
                continue
            a_start, a_end = int(sub["start"].min()), int(sub["end"].max())
            if chrom == "chr9":
                # 9p11-9q13 is segmental duplication and heterochromatin: RefSeq places genes there but
                # arrays have no unique probes. Use the innermost SNP-array breakpoint (TCGA SNP6) instead.
                s = seg[seg["chrom"] == chrom]
                pos = pd.concat([s["loc.start"], s["loc.end"]])
                if arm == "p":
                    a_end = int(pos[pos < mid].max())
                else:
                    a_start = int(pos[pos > mid].min()) - 1
            rows.append((chrom, a_start, a_end, chrom[3:] + arm, lo, hi))
    return pd.DataFrame(rows, columns=["chrom", "start", "end", "arm", "arm_start", "arm_end"])


def main(argv: list[str]) -> None:
    refseq, snp6 = Path(argv[1]), Path(argv[2])
    genes = build_genes(refseq)
    with open(HERE / "hg19_genes.bed", "w") as fh:
        fh.write(
            "# lmsgen reference genes, hg19/GRCh37. BED6+1, 0-based half-open, UCSC chromosome names.\n"
            "# Source: NCBI RefSeq (UCSC 'NCBI RefSeq' table, public domain); gene span = min(txStart)..max(txEnd)\n"
            "# over NM_/NR_ transcripts. Built by reference/build_reference.py.\n"
            "# groups: key = LMS genes, tcga_sarc = TCGA sarcoma copy-number genes,"
            " chpv2 = Ion AmpliSeq Cancer Hotspot Panel v2.\n"
            "#chrom\tstart\tend\tname\tscore\tstrand\tgroups\n"
        )
        genes.to_csv(fh, sep="\t", header=False, index=False)
    arms = build_arms(refseq, snp6)
    with open(HERE / "hg19_arms.bed", "w") as fh:
        fh.write(
            "# lmsgen chromosome arms, hg19/GRCh37, 0-based half-open. start/end = the assessed extent of the arm\n"
            "# (first..last RefSeq gene of the arm; chr9 pericentromeric side from SNP6 breakpoints; chrY\n"
            "# male-specific region only); arm_start/arm_end = cytoband arm (p/q boundary inside the centromere).\n"
            "# Acrocentric p arms (13p, 14p, 15p, 21p, 22p) are not assessed. Built by reference/build_reference.py.\n"
            "#chrom\tstart\tend\tarm\tarm_start\tarm_end\n"
        )
        arms.to_csv(fh, sep="\t", header=False, index=False)


if __name__ == "__main__":
    main(sys.argv)
