"""Peak memory and time of ``lmsgen classify`` on very large VCFs (issue 19): a 2-million-record Torrent Variant
Caller VCF, a 2-million-record Mutect2 VCF (read through cyvcf2) and a VCF with a 100 MB INFO line. Each file is
generated in a scratch folder (nothing is committed); each run is a fresh ``lmsgen`` process, and its peak resident
memory is the child's ``ru_maxrss``.

    nice -n 10 python bench/bench_vcf_memory.py                 # 2,000,000 records
    python bench/bench_vcf_memory.py --records 200000 --keep /tmp/vcfs

Expected (issue 19): peak RSS under 2 GiB for each; the 100 MB line refused in one line (exit 3).
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LMSGEN = Path(sys.executable).parent / "lmsgen"
CHROMS = [f"chr{i}" for i in range(1, 23)]
_MEASURE = ("import resource, subprocess, sys, time; t = time.perf_counter(); r = subprocess.run(sys.argv[1:], "
            "capture_output=True, text=True); u = resource.getrusage(resource.RUSAGE_CHILDREN); "
            "print(r.returncode, u.ru_maxrss, u.ru_utime + u.ru_stime, time.perf_counter() - t, "
            "repr(r.stderr.strip()[:200]))")


def _positions(n: int):
    per = n // len(CHROMS) + 1
    for i in range(n):
        yield CHROMS[i // per], 1_000_000 + (i % per) * 50


def write_tvc(path: Path, n: int) -> None:
    """A TVC 5.2-style VCF of ``n`` SNV records spread over the autosomes (flow-corrected counts, OPOS/OMAPALT)."""
    with open(path, "w") as fh:
        fh.write('##fileformat=VCFv4.1\n##source="tvc 5.2-25 (8d5a6d1) - Torrent Variant Caller"\n'
                 "##reference=/results/referenceLibrary/tmap-f3/hg19/hg19.fasta\n"
                 "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS1\n")
        for chrom, pos in _positions(n):
            fh.write(f"{chrom}\t{pos}\t.\tC\tT\t500.0\tPASS\tAF=0.38;AO=700;DP=2010;FAO=760;FDP=2000;FRO=1240;"
                     f"TYPE=snp;OID=.;OPOS={pos};OREF=C;OALT=T;OMAPALT=T\tGT:DP:FDP:FAO:FRO:AO\t"
                     "0/1:2010:2000:760:1240:700\n")


def write_mutect2(path: Path, n: int) -> None:
    """A Mutect2-style VCF of ``n`` records (AD, AF, DP; read through cyvcf2)."""
    with open(path, "w") as fh:
        fh.write("##fileformat=VCFv4.2\n##source=Mutect2\n##reference=file:///ref/Homo_sapiens_assembly19.fasta\n"
                 '##tumor_sample=T\n##FORMAT=<ID=GT,Number=1,Type=String,Description="Genotype">\n'
                 '##FORMAT=<ID=AD,Number=R,Type=Integer,Description="Allele depths">\n'
                 '##FORMAT=<ID=AF,Number=A,Type=Float,Description="Allele fraction">\n'
                 '##FORMAT=<ID=DP,Number=1,Type=Integer,Description="Depth">\n'
                 '##INFO=<ID=DP,Number=1,Type=Integer,Description="Depth">\n')
        fh.write("".join(f"##contig=<ID={c}>\n" for c in CHROMS))
        fh.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n")
        for chrom, pos in _positions(n):
            fh.write(f"{chrom}\t{pos}\t.\tC\tT\t.\tPASS\tDP=200\tGT:AD:AF:DP\t0/1:120,80:0.4:200\n")


def write_long_info(path: Path, size: int = 100_000_000) -> None:
    """A Mutect2-style VCF whose first record carries a ``size``-byte INFO value."""
    with open(path, "w") as fh:
        fh.write('##fileformat=VCFv4.2\n##source=Mutect2\n##tumor_sample=T\n'
                 '##FORMAT=<ID=GT,Number=1,Type=String,Description="g">\n'
                 '##INFO=<ID=X,Number=1,Type=String,Description="x">\n'
                 "#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tT\n")
        fh.write("chr17\t7577545\t.\tT\tC\t.\tPASS\tX=" + "A" * size + "\tGT\t0/1\n")
        fh.write("chr17\t7577546\t.\tT\tC\t.\tPASS\tX=1\tGT\t0/1\n")


def measure(folder: Path, out: Path) -> dict:
    cmd = [sys.executable, "-c", _MEASURE, str(LMSGEN), "classify", str(folder), "--out", str(out), "-q",
           "--no-report"]
    fields = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout.split(" ", 4)
    return {"exit": int(fields[0]), "peak_rss_mib": round(int(fields[1]) / 1024, 1),
            "cpu_s": round(float(fields[2]), 1), "wall_s": round(float(fields[3]), 1),
            "stderr": ast.literal_eval(fields[4]),
            "outputs": sorted(p.name for p in out.iterdir()) if out.exists() else []}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--records", type=int, default=2_000_000)
    ap.add_argument("--keep", type=Path, default=None, help="write the generated files here (default: a temp dir)")
    args = ap.parse_args()
    base = args.keep or Path(tempfile.mkdtemp(prefix="lmsgen-vcf-bench-"))
    print(f"load average {os.getloadavg()[0]:.2f} at start; {args.records:,} records", flush=True)
    cases = {"tvc": write_tvc, "mutect2": write_mutect2, "long_info": None}
    results = {}
    for name, writer in cases.items():
        folder = base / name
        folder.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        if writer is None:
            write_long_info(folder / f"{name}.vcf")
        else:
            writer(folder / f"{name}.vcf", args.records)
        size = (folder / f"{name}.vcf").stat().st_size
        results[name] = {"file_mb": round(size / 1e6, 1), "generated_s": round(time.perf_counter() - t, 1),
                         **measure(folder, base / f"{name}.out")}
        print(json.dumps({name: results[name]}), flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    if args.keep is None:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
