"""Build the bundled hg19 RefSeq transcript models (``reference/transcripts/``) from the team's checked records.

Run from the project root with the shared material beside it::

    python reference/build_transcripts.py ../shared/reference/transcripts

Reads ``transcripts.tsv``, ``transcripts.fa`` and ``genomic_slices.fa`` (public NCBI RefSeq / RefSeqGene / LRG / UTA
records; provenance of every piece in that folder's ``SOURCES.md``), checks them, and writes
``hg19_transcripts.tsv``, ``hg19_transcripts.fa`` and ``hg19_genomic_slices.fa`` with a provenance header (source
file SHA-256). Checks, beyond those :func:`lms_genomics.calling.annotation.load_transcripts` makes on every load:

* every CDS translates, ATG to the first stop, into a protein of the expected length (TP53 393 aa, RB1 928,
  PTEN 403, CDKN2A 156);
* every exonic base the genomic slices cover equals the mRNA base (``=`` cigar runs), so intronic 3' shifts and
  exonic REF checks use one consistent reference;
* the anchors of the source README annotate as stated (TP53 c.736A>G p.(Met246Val), c.722C>T p.(Ser241Phe),
  c.215C>G p.(Pro72Arg)).

The written files are committed; this script documents how they were made. It is not part of the package.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
OUT = HERE / "transcripts"
PROTEIN_LENGTHS = {"TP53": 393, "RB1": 928, "PTEN": 403, "CDKN2A": 156}
ANCHORS = [("chr17", 7577545, "T", "C", "c.736A>G", "p.(Met246Val)"),
           ("chr17", 7577559, "G", "A", "c.722C>T", "p.(Ser241Phe)"),
           ("chr17", 7579472, "G", "C", "c.215C>G", "p.(Pro72Arg)")]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _header(src: Path, what: str) -> list[str]:
    return [f"lmsgen bundled {what}, hg19/GRCh37. Built by reference/build_transcripts.py from",
            f"{src.name} (sha256 {_sha(src)}) of the team's checked transcript records (NCBI RefSeq / RefSeqGene /",
            "LRG / UTA public data; per-record provenance in that folder's SOURCES.md and the source/notes columns)."]


def _fasta(text: str, comment: list[str]) -> str:
    return "".join(f";{c}\n" for c in comment) + text if text.endswith("\n") else text + "\n"


def build(src_dir: Path, out_dir: Path = OUT) -> list[str]:
    """Write the bundled copy; returns the check lines printed by ``main``."""
    sys.path.insert(0, str(HERE.parent / "src"))
    from lms_genomics.calling.annotation import annotate_allele, load_transcripts, translate

    tsv, fa, slices = src_dir / "transcripts.tsv", src_dir / "transcripts.fa", src_dir / "genomic_slices.fa"
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        (t / "hg19_transcripts.tsv").write_text(
            "".join(f"# {c}\n" for c in _header(tsv, "transcript models")) + tsv.read_text(encoding="utf-8"),
            encoding="utf-8")
        (t / "hg19_transcripts.fa").write_text(_fasta(fa.read_text(), _header(fa, "mRNA sequences")))
        (t / "hg19_genomic_slices.fa").write_text(_fasta(slices.read_text(), _header(slices, "genomic slices")))
        ts = load_transcripts(t)
        lines = []
        for gene, tr in ts.transcripts.items():
            prot = translate(tr.seq[tr.cds_start_tx - 1:tr.cds_end_tx])
            want = PROTEIN_LENGTHS.get(gene)
            if want is not None and len(prot) - 1 != want:
                raise SystemExit(f"{gene}: CDS translates to {len(prot) - 1} aa, expected {want}")
            checked = mismatched = 0
            for e in tr.exons:
                for gs, ge, _t5, mism in e.blocks:
                    if mism:
                        continue
                    for g0 in range(gs, ge):
                        b = ts.genome_base(tr.chrom, g0)
                        if b is None:
                            continue
                        tpos, _ = tr.t_of(g0)
                        mrna = tr.seq[tpos - 1]
                        mrna_plus = mrna if tr.plus else mrna.translate(str.maketrans("ACGT", "TGCA"))
                        checked += 1
                        mismatched += mrna_plus != b
            if mismatched:
                raise SystemExit(f"{gene}: {mismatched} of {checked} exonic bases differ between mRNA and slices")
            lines.append(f"{gene} {tr.accession}: {len(tr.exons)} exons, protein {len(prot) - 1} aa"
                         + (f", {checked} exonic bases equal to the genomic slices" if checked else ""))
        for chrom, pos, ref, alt, c, p in ANCHORS:
            a = annotate_allele(ts, chrom, pos, ref, alt)
            if a is None or (a.hgvs_c, a.hgvs_p) != (c, p):
                raise SystemExit(f"anchor {chrom}:{pos} {ref}>{alt}: got {a}, expected {c} {p}")
            lines.append(f"anchor {chrom}:{pos} {ref}>{alt} = {a.transcript} {c} {p}")
        out_dir.mkdir(exist_ok=True)
        for name in ("hg19_transcripts.tsv", "hg19_transcripts.fa", "hg19_genomic_slices.fa"):
            (out_dir / name).write_bytes((t / name).read_bytes())
    return lines


def main(argv: list[str]) -> None:
    if len(argv) != 2:
        raise SystemExit(__doc__)
    for line in build(Path(argv[1])):
        print(line)
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main(sys.argv)
