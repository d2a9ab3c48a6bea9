"""lmsgen's own variant annotation: HGVS c./p., consequence and exon/intron from bundled RefSeq transcript models.

Used when a VCF carries no Ion Reporter ``FUNC`` (raw Torrent Variant Caller output) and, when it does, to check
FUNC. The models (``reference/transcripts/``, built by ``reference/build_transcripts.py`` from the team's
checked hg19 RefSeq/LRG/UTA records) cover 20 panel genes, TP53 NM_000546.5, RB1 NM_000321.2, PTEN NM_000314.4
and CDKN2A NM_000077.4 first; a gene without a model keeps FUNC's annotation or "effect unknown".

Rules (HGVS 21.0 recommendations):

* c. numbering from the A of the ATG (c.1), 5' UTR ``c.-N``, 3' UTR ``c.*N``, intronic ``c.N+k``/``c.N-k`` from the
  nearest exon (the middle base of an odd-length intron takes ``+``); upstream/downstream of the transcript
  continue the UTR numbering (within :data:`FLANK` bases, else no annotation);
* SNVs ``c.736A>G``; MNVs ``c.X_Ydelins...``; deletions ``c.X_Ydel``; insertions ``c.X_X+1ins...`` or ``dup`` when
  the inserted bases repeat the preceding ones; indels up to :data:`MAX_INDEL` bases;
* the 3' rule in transcript orientation: deletions, duplications and insertions are shifted as far 3' as the
  reference allows, within the exon or intron they lie in; the sequence comes from the mRNA (exonic bases) or the
  bundled hg19 slices (TP53, CDKN2A, APC introns). Where the sequence needed is not bundled, the variant keeps the
  VCF's position and a note says so;
* p. is predicted, in parentheses, 3-letter codes, ``*`` for a stop: ``p.(Met246Val)``, ``p.(Arg251*)``,
  ``p.(Thr125=)``, ``p.(Arg248Glyfs*14)``, ``p.(Lys132del)``, ``p.(Met1?)``, ``p.?`` at canonical splice sites;
* REF comes from the VCF: where the RefSeq mRNA carries another allele than GRCh37 (ATM c.5948, RET c.2307, KRAS
  c.483, :data:`KNOWN_MRNA_GENOME_DIFFERENCES`) the reference codon is the genome's, as Ion Reporter does; any
  other REF disagreement is reported in the notes.

Consequences: ``missense``, ``nonsense``, ``frameshift``, ``inframe_deletion``, ``inframe_insertion``,
``inframe_delins``, ``synonymous``, ``start_lost``, ``stop_lost``, ``splice_donor`` (+1/+2), ``splice_acceptor``
(−1/−2), ``splice_donor_exon_end`` (last base of an exon followed by an intron, with its coding change in the
notes), ``splice_donor_5th_base`` (+5), ``5_prime_UTR``, ``3_prime_UTR``, ``intronic``, ``upstream``, ``downstream``.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ..errors import ReferenceFileError

#: Longest indel (bases) annotated; longer ones are left to FUNC or reported as "effect unknown".
MAX_INDEL = 50
#: Bases beyond the transcript ends still annotated as upstream/downstream.
FLANK = 2000
#: Sites where the RefSeq mRNA carries another allele than GRCh37 (transcripts README): (accession, c. position).
KNOWN_MRNA_GENOME_DIFFERENCES = {("NM_000051.3", 5948), ("NM_020975.4", 2307), ("NM_033360.4", 483)}
#: Files of a transcript folder (the bundled ``reference/transcripts`` or ``--transcripts DIR``).
MODEL_FILE, MRNA_FILE, SLICES_FILE = "hg19_transcripts.tsv", "hg19_transcripts.fa", "hg19_genomic_slices.fa"
MODEL_COLUMNS = ["gene", "accession", "chrom", "strand", "tx_start", "tx_end", "cds_start", "cds_end", "exon_count",
                 "exon_starts", "exon_ends", "tx_len", "cds_start_tx", "cds_end_tx", "exon_tx_starts",
                 "exon_tx_ends", "exon_cigars", "source", "notes"]

_COMPLEMENT = str.maketrans("ACGTNacgtn", "TGCANtgcan")
_BASES = "TCAG"
_AA1 = "FFLLSSSSYY**CC*WLLLLPPPPHHQQRRRRIIIMTTTTNNKKSSRRVVVVAAAADDEEGGGG"
CODON_TABLE = {a + b + c: _AA1[16 * i + 4 * j + k] for i, a in enumerate(_BASES) for j, b in enumerate(_BASES)
               for k, c in enumerate(_BASES)}
AA3 = {"A": "Ala", "R": "Arg", "N": "Asn", "D": "Asp", "C": "Cys", "Q": "Gln", "E": "Glu", "G": "Gly", "H": "His",
       "I": "Ile", "L": "Leu", "K": "Lys", "M": "Met", "F": "Phe", "P": "Pro", "S": "Ser", "T": "Thr", "W": "Trp",
       "Y": "Tyr", "V": "Val", "*": "*", "X": "Xaa"}
_CIGAR = re.compile(r"(\d+)([=XID])")


def revcomp(seq: str) -> str:
    """Reverse complement of a DNA string."""
    return seq.translate(_COMPLEMENT)[::-1]


def translate(seq: str, to_stop: bool = True) -> str:
    """One-letter protein of a coding sequence (``X`` for a codon with N or an incomplete one)."""
    out = []
    for i in range(0, len(seq) - 2, 3):
        aa = CODON_TABLE.get(seq[i:i + 3].upper(), "X")
        out.append(aa)
        if to_stop and aa == "*":
            break
    return "".join(out)


def three(aa: str) -> str:
    """Amino acids in 3-letter code (``*`` kept)."""
    return "".join(AA3.get(a, "Xaa") for a in aa)


# ------------------------------------------------------------------------------------------------ models


@dataclass(frozen=True)
class Exon:
    """One exon: genomic span (0-based half-open), mRNA span (1-based inclusive), transcript-order number and the
    aligned blocks ``(g_start, g_end, t_at_g_start_or_end)`` of its cigar (``=``/``X`` runs)."""

    number: int
    g_start: int
    g_end: int
    t_start: int
    t_end: int
    blocks: tuple[tuple[int, int, int, bool], ...]  # (g_start, g_end, t of the 5'-most base in transcript order, X?)


@dataclass
class Transcript:
    """An hg19 RefSeq transcript model with its mRNA."""

    gene: str
    accession: str
    chrom: str
    strand: str
    tx_start: int
    tx_end: int
    cds_start: int
    cds_end: int
    exons: list[Exon]  # genome order
    tx_len: int
    cds_start_tx: int
    cds_end_tx: int
    seq: str
    notes: str = ""

    @property
    def plus(self) -> bool:
        return self.strand == "+"

    def exon_in_transcript_order(self) -> list[Exon]:
        return sorted(self.exons, key=lambda e: e.number)

    def cds_intervals(self) -> list[tuple[int, int]]:
        """Genomic 0-based half-open intervals of the coding sequence (stop codon included)."""
        out = []
        for e in self.exons:
            s, t = max(e.g_start, self.cds_start), min(e.g_end, self.cds_end)
            if s < t:
                out.append((s, t))
        return out

    # -- genome -> transcript
    def t_of(self, g0: int) -> tuple[int | None, bool]:
        """(mRNA position, base differs from genome) of a genomic base inside an aligned exon block, else (None, _)."""
        for e in self.exons:
            if e.g_start <= g0 < e.g_end:
                for gs, ge, t5, mism in e.blocks:
                    if gs <= g0 < ge:
                        return (t5 + (g0 - gs) if self.plus else t5 + (ge - 1 - g0)), mism
                return None, False
        return None, False

    def region(self, g0: int) -> tuple[str, int]:
        """``("exon", n)``, ``("intron", n)``, ``("upstream", 0)`` or ``("downstream", 0)`` (transcript order)."""
        if self.tx_start <= g0 < self.tx_end:
            order = self.exons
            for i, e in enumerate(order):
                if e.g_start <= g0 < e.g_end:
                    return "exon", e.number
                if i + 1 < len(order) and e.g_end <= g0 < order[i + 1].g_start:
                    return "intron", min(e.number, order[i + 1].number)
        before = g0 < self.tx_start
        return ("upstream", 0) if before == self.plus else ("downstream", 0)

    def c_number(self, t: int) -> str:
        """c. number of an mRNA position (may be ≤ 0 or beyond the mRNA: upstream/downstream)."""
        if t < self.cds_start_tx:
            return f"-{self.cds_start_tx - t}"
        if t <= self.cds_end_tx:
            return str(t - self.cds_start_tx + 1)
        return f"*{t - self.cds_end_tx}"

    def c_pos(self, g0: int) -> str | None:
        """HGVS c. position of a genomic base (None inside a genome-only alignment gap or far outside)."""
        kind, n = self.region(g0)
        if kind == "exon":
            t, _ = self.t_of(g0)
            return self.c_number(t) if t is not None else None
        if kind == "intron":
            by_number = {e.number: e for e in self.exons}
            up, down = by_number[n], by_number[n + 1]  # transcript order: exon n then exon n+1
            if self.plus:
                d_up, d_down = g0 - (up.g_end - 1), down.g_start - g0
                t_up, _ = self.t_of(up.g_end - 1)
                t_down, _ = self.t_of(down.g_start)
            else:
                d_up, d_down = up.g_start - g0, g0 - (down.g_end - 1)
                t_up, _ = self.t_of(up.g_start)
                t_down, _ = self.t_of(down.g_end - 1)
            if t_up is None or t_down is None:
                return None
            return f"{self.c_number(t_up)}+{d_up}" if d_up <= d_down else f"{self.c_number(t_down)}-{d_down}"
        d = (self.tx_start - g0) if g0 < self.tx_start else (g0 - self.tx_end + 1)
        if d > FLANK:
            return None
        return self.c_number(1 - d) if kind == "upstream" else self.c_number(self.tx_len + d)

    def intron_offset(self, g0: int) -> int | None:
        """Signed distance to the nearest exon for an intronic base (+ donor side, − acceptor side)."""
        c = self.c_pos(g0)
        if c is None or self.region(g0)[0] != "intron":
            return None
        m = re.search(r"([+-])(\d+)$", c)
        return (1 if m.group(1) == "+" else -1) * int(m.group(2)) if m else None

    def is_exon_end(self, g0: int) -> bool:
        """The last base of an exon followed by an intron (the donor side), in transcript order."""
        kind, n = self.region(g0)
        if kind != "exon" or n == len(self.exons):
            return False
        e = next(x for x in self.exons if x.number == n)
        return g0 == (e.g_end - 1 if self.plus else e.g_start)


@dataclass
class TranscriptSet:
    """Transcript models by gene, the hg19 slices they can shift introns on, and the files they came from."""

    transcripts: dict[str, Transcript]
    slices: dict[str, list[tuple[int, str]]]  # chrom -> [(0-based start, plus-strand sequence)]
    files: dict[str, dict[str, str]] = field(default_factory=dict)  # role -> {"path", "sha256"}

    def genome_base(self, chrom: str, g0: int) -> str | None:
        """hg19 plus-strand base from the bundled slices, or None."""
        for start, seq in self.slices.get(chrom, ()):
            if start <= g0 < start + len(seq):
                return seq[g0 - start]
        return None

    def for_variant(self, chrom: str, g0: int, gene: str | None = None) -> Transcript | None:
        """The model whose span (± :data:`FLANK`) holds a genomic position, preferring the variant's gene."""
        hits = [t for t in self.transcripts.values()
                if t.chrom == chrom and t.tx_start - FLANK <= g0 < t.tx_end + FLANK]
        if gene is not None:
            same = [t for t in hits if t.gene == gene]
            if same:
                return same[0]
            if hits and any(t.gene == gene for t in self.transcripts.values()):
                return None
        inside = [t for t in hits if t.tx_start <= g0 < t.tx_end]
        return (inside or hits or [None])[0]

    def by_accession(self, accession: str) -> Transcript | None:
        """The model of an accession, with or without version."""
        base = accession.split(".")[0]
        return next((t for t in self.transcripts.values() if t.accession.split(".")[0] == base), None)


def _read_fasta(path: Path) -> list[tuple[str, str, int]]:
    """(header, sequence, header line) records; ReferenceFileError on junk."""
    out: list[tuple[str, str, int]] = []
    header, chunks, line_no = None, [], 0
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(path, f"not a plain-text FASTA ({exc.reason})") from None
    except OSError as exc:
        raise ReferenceFileError(path, f"cannot read ({exc.strerror or exc})") from None
    for n, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith(";"):
            continue
        if line.startswith(">"):
            if header is not None:
                out.append((header, "".join(chunks), line_no))
            header, chunks, line_no = line[1:].strip(), [], n
            continue
        if header is None:
            raise ReferenceFileError(path, "sequence before the first '>' header", n)
        if not re.fullmatch(r"[ACGTNacgtn]+", line):
            raise ReferenceFileError(path, f"not a DNA sequence line: {line[:40]!r}", n)
        chunks.append(line.upper())
    if header is not None:
        out.append((header, "".join(chunks), line_no))
    if not out:
        raise ReferenceFileError(path, "no FASTA record")
    return out


def _ints(text: str, path: Path, n: int, what: str) -> list[int]:
    items = [x for x in text.strip().split(",") if x != ""]
    try:
        return [int(x) for x in items]
    except ValueError:
        raise ReferenceFileError(path, f"{what} is not a comma-separated list of integers: {text[:60]!r}", n) from None


def _int(text: str, path: Path, n: int, what: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise ReferenceFileError(path, f"{what} is not an integer: {text!r}", n) from None


def _exons(row: dict[str, str], path: Path, n: int, seq_len: int) -> list[Exon]:
    starts = _ints(row["exon_starts"], path, n, "exon_starts")
    ends = _ints(row["exon_ends"], path, n, "exon_ends")
    t_starts = _ints(row["exon_tx_starts"], path, n, "exon_tx_starts")
    t_ends = _ints(row["exon_tx_ends"], path, n, "exon_tx_ends")
    cigars = [c for c in row["exon_cigars"].strip().split(",") if c]
    count = _int(row["exon_count"], path, n, "exon_count")
    if not count == len(starts) == len(ends) == len(t_starts) == len(t_ends) == len(cigars):
        raise ReferenceFileError(path, f"exon_count {count} but {len(starts)} starts, {len(ends)} ends, "
                                       f"{len(t_starts)} mRNA starts, {len(t_ends)} mRNA ends, {len(cigars)} cigars", n)
    plus = row["strand"] == "+"
    exons = []
    for i, (gs, ge, ts, te, cig) in enumerate(zip(starts, ends, t_starts, t_ends, cigars, strict=True)):
        if not 0 <= gs < ge or not 1 <= ts <= te or te > seq_len:
            raise ReferenceFileError(path, f"exon {i + 1} (genome order) has an empty, reversed or out-of-range "
                                           f"span ({gs}-{ge}, mRNA {ts}-{te}, mRNA length {seq_len})", n)
        if i and gs < ends[i - 1]:
            raise ReferenceFileError(path, f"exons not in ascending genome order or overlapping (exon {i + 1})", n)
        ops = _CIGAR.findall(cig)
        if "".join(a + b for a, b in ops) != cig:
            raise ReferenceFileError(path, f"exon cigar {cig!r} is not made of <n>= <n>X <n>I <n>D operations", n)
        g_len = sum(int(k) for k, op in ops if op in "=XI")
        t_len = sum(int(k) for k, op in ops if op in "=XD")
        if g_len != ge - gs or t_len != te - ts + 1:
            raise ReferenceFileError(path, f"exon cigar {cig!r} covers {g_len} genome and {t_len} mRNA bases, the "
                                           f"exon {ge - gs} and {te - ts + 1}", n)
        # Blocks: the cigar is written in genome order; mRNA positions run up (+) or down (−) along it.
        blocks = []
        g, t = gs, (ts if plus else te)
        for k, op in ops:
            k = int(k)
            if op in "=X":
                t5 = t if plus else t - k + 1
                blocks.append((g, g + k, t5, op == "X"))
                g += k
                t = t + k if plus else t - k
            elif op == "I":
                g += k
            else:
                t = t + k if plus else t - k
        number = i + 1 if plus else count - i
        exons.append(Exon(number, gs, ge, ts, te, tuple(blocks)))
    return exons


def load_transcripts(folder: str | Path | None = None) -> TranscriptSet:
    """Read a transcript folder (``hg19_transcripts.tsv``, ``hg19_transcripts.fa``, optional
    ``hg19_genomic_slices.fa``); default: the bundled ``lms_genomics.reference/transcripts``.

    Every model is checked (exon spans and cigars against the mRNA, CDS a whole number of codons starting with
    ATG and ending with a stop); a malformed file raises :class:`ReferenceFileError` naming file and line.
    """
    if folder is None:
        from ..genome import reference_path

        folder = reference_path("transcripts")
    d = Path(folder).resolve()
    return _load_transcripts(str(d), _stamp(d))


def _stamp(folder: Path) -> tuple[tuple[int, int], ...]:
    """(size, modification time) of the folder's files: a file changed on disk is read again, never served stale
    from the cache."""
    out = []
    for name in (MODEL_FILE, MRNA_FILE, SLICES_FILE):
        try:
            st = (folder / name).stat()
            out.append((st.st_size, st.st_mtime_ns))
        except OSError:
            out.append((-1, -1))
    return tuple(out)


@lru_cache(maxsize=4)
def _load_transcripts(folder: str, stamp: tuple[tuple[int, int], ...] = ()) -> TranscriptSet:
    d = Path(folder)
    if not d.is_dir():
        raise ReferenceFileError(d, "transcript folder not found (expects hg19_transcripts.tsv and .fa)")
    model_path, mrna_path, slices_path = d / MODEL_FILE, d / MRNA_FILE, d / SLICES_FILE
    from ..io.text import not_regular_reason

    for p in (model_path, mrna_path, slices_path):
        reason = not_regular_reason(p)  # a FIFO would block the reads below
        if reason is not None:
            raise ReferenceFileError(p, f"{reason} (a file of the transcript folder)")
        if p is not slices_path and not p.is_file():
            raise ReferenceFileError(p, "missing file of the transcript folder")
    seqs: dict[str, str] = {}
    for header, seq, n in _read_fasta(mrna_path):
        acc = header.split()[0]
        if acc in seqs:
            raise ReferenceFileError(mrna_path, f"sequence {acc} listed twice", n)
        seqs[acc] = seq
    try:
        lines = model_path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ReferenceFileError(model_path, f"cannot read as UTF-8 text ({exc})") from None
    header: list[str] | None = None
    transcripts: dict[str, Transcript] = {}
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if header is None:
            header = fields
            missing = [c for c in MODEL_COLUMNS[:17] if c not in header]
            if missing:
                raise ReferenceFileError(model_path, f"header lacks column(s) {', '.join(missing)}", n)
            continue
        if not len(header) - 2 <= len(fields) <= len(header):
            raise ReferenceFileError(model_path, f"{len(fields)} tab-separated fields, the header has {len(header)}", n)
        row = dict(zip(header, fields + [""] * (len(header) - len(fields)), strict=True))
        acc = row["accession"]
        if acc not in seqs:
            raise ReferenceFileError(model_path, f"no mRNA sequence for {acc} in {MRNA_FILE}", n)
        if row["strand"] not in ("+", "-"):
            raise ReferenceFileError(model_path, f"strand must be + or -, not {row['strand']!r}", n)
        seq = seqs[acc]
        nums = {k: _int(row[k], model_path, n, k) for k in ("tx_start", "tx_end", "cds_start", "cds_end", "tx_len",
                                                            "cds_start_tx", "cds_end_tx")}
        if nums["tx_len"] != len(seq):
            raise ReferenceFileError(model_path, f"tx_len {nums['tx_len']} but the mRNA of {acc} has {len(seq)} bases",
                                     n)
        if not (nums["tx_start"] <= nums["cds_start"] < nums["cds_end"] <= nums["tx_end"]):
            raise ReferenceFileError(model_path, "coordinates out of order (tx_start <= cds_start < cds_end <= tx_end)",
                                     n)
        cds = seq[nums["cds_start_tx"] - 1:nums["cds_end_tx"]]
        if len(cds) % 3 or not cds.startswith("ATG") or translate(cds[-3:]) != "*" or "*" in translate(cds)[:-1]:
            raise ReferenceFileError(model_path, f"the CDS of {acc} (mRNA {nums['cds_start_tx']}-{nums['cds_end_tx']}) "
                                                 "is not ATG...stop in whole codons", n)
        exons = _exons(row, model_path, n, len(seq))
        if exons[0].g_start != nums["tx_start"] or exons[-1].g_end != nums["tx_end"]:
            raise ReferenceFileError(model_path, "first/last exon do not match tx_start/tx_end", n)
        from ..genome import normalize_chromosomes

        chrom = normalize_chromosomes([row["chrom"]], numeric_sex="ucsc").iloc[0]
        if not isinstance(chrom, str):
            raise ReferenceFileError(model_path, f"unknown chromosome {row['chrom']!r}", n)
        tr = Transcript(row["gene"], acc, chrom, row["strand"], nums["tx_start"], nums["tx_end"], nums["cds_start"],
                        nums["cds_end"], exons, nums["tx_len"], nums["cds_start_tx"], nums["cds_end_tx"], seq,
                        row.get("notes", ""))
        first_cds = tr.cds_start if tr.plus else tr.cds_end - 1
        t_first, _ = tr.t_of(first_cds)
        if t_first != tr.cds_start_tx:
            raise ReferenceFileError(model_path, f"cds_start/cds_end do not map to mRNA position {tr.cds_start_tx}", n)
        if tr.gene in transcripts:
            raise ReferenceFileError(model_path, f"gene {tr.gene} has two models", n)
        transcripts[tr.gene] = tr
    if not transcripts:
        raise ReferenceFileError(model_path, "no transcript model")
    slices: dict[str, list[tuple[int, str]]] = {}
    files = {"models": _file_record(model_path), "mrna": _file_record(mrna_path)}
    if slices_path.is_file():
        for header_text, seq, n in _read_fasta(slices_path):
            m = re.match(r"(chr[0-9XY]+):(\d+)-(\d+)", header_text)
            if not m:
                raise ReferenceFileError(slices_path, "header must start chrN:start-end (1-based): "
                                                      f"{header_text[:40]!r}", n)
            start, end = int(m.group(2)), int(m.group(3))
            if end - start + 1 != len(seq):
                raise ReferenceFileError(slices_path, f"{m.group(0)} spans {end - start + 1} bases but the sequence "
                                                      f"has {len(seq)}", n)
            slices.setdefault(m.group(1), []).append((start - 1, seq))
        files["genomic_slices"] = _file_record(slices_path)
    return TranscriptSet(transcripts, slices, files)


def _file_record(path: Path) -> dict[str, str]:
    return {"path": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest()}


# ------------------------------------------------------------------------------------------------ annotation


@dataclass
class Annotation:
    """lmsgen's annotation of one allele on one transcript."""

    gene: str
    transcript: str
    hgvs_c: str | None
    hgvs_p: str | None
    consequence: str | None
    exon: int | None = None
    intron: int | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def source(self) -> str:
        return f"lmsgen {self.transcript}"


class _Context:
    """Reference bases of one transcript in transcript orientation, addressed by ``u`` (increasing 5'→3')."""

    def __init__(self, ts: TranscriptSet, tr: Transcript):
        self.ts, self.tr = ts, tr

    def g(self, u: int) -> int:
        return u if self.tr.plus else -u

    def u(self, g0: int) -> int:
        return g0 if self.tr.plus else -g0

    def base(self, u: int) -> str | None:
        """Reference base at ``u`` in transcript orientation: the genome slice, else the mRNA for an exonic base."""
        g0 = self.g(u)
        b = self.ts.genome_base(self.tr.chrom, g0)
        if b is None:
            t, mism = self.tr.t_of(g0)
            if t is None or mism:
                return None
            return self.tr.seq[t - 1]
        return b if self.tr.plus else b.translate(_COMPLEMENT)

    def region(self, u: int) -> tuple[str, int]:
        return self.tr.region(self.g(u))


def _shift(ctx: _Context, a: int, b: int, ins: str) -> tuple[int, int, str, str | None]:
    """3'-shift a deletion ``[a, b)`` (``ins`` empty) or an insertion before ``a`` (``a == b``) in transcript
    orientation, within its exon/intron. Returns (a, b, ins, note) — the note says when the shift stopped for want
    of sequence or at an exon/intron boundary."""
    not_bundled = "3' rule: the sequence needed to shift is not bundled (intronic): position as in the VCF"
    boundary = "3' rule applied up to the exon/intron boundary"
    if a < b and not ins:
        home = ctx.region(a)
        while True:
            na, nb = ctx.base(a), ctx.base(b)
            if ctx.region(b) != home:
                return a, b, ins, (boundary if na is not None and na == nb else None)
            if na is None or nb is None:
                return a, b, ins, not_bundled
            if na != nb:
                return a, b, ins, None
            a, b = a + 1, b + 1
    home = ctx.region(a)
    while True:
        nb = ctx.base(a)
        if nb is None:
            return a, b, ins, not_bundled
        if nb != ins[0]:
            return a, b, ins, None
        if ctx.region(a + 1) != home:
            return a, b, ins, boundary
        ins = ins[1:] + ins[0]
        a, b = a + 1, b + 1


def annotate_allele(ts: TranscriptSet, chrom: str, pos: int, ref: str, alt: str, gene: str | None = None,
                    transcript: Transcript | None = None) -> Annotation | None:
    """Annotate one minimal allele (1-based ``pos``; ``ref``/``alt`` plus-strand, ``-`` or empty for none; an
    insertion sits before ``pos``) on the model of its gene; None when no model covers it."""
    ref = "" if ref in ("-", ".") else ref.upper()
    alt = "" if alt in ("-", ".") else alt.upper()
    g_start = pos - 1
    tr = transcript or ts.for_variant(chrom, g_start, gene)
    if tr is None:
        return None
    ann = Annotation(tr.gene, tr.accession, None, None, None)
    if not ref and not alt:
        return None
    if max(len(ref), len(alt)) > MAX_INDEL:
        ann.notes.append(f"change longer than {MAX_INDEL} bases: not annotated by lmsgen")
        return ann
    ctx = _Context(ts, tr)
    g_end = g_start + len(ref)
    # transcript orientation: u interval [a, b) replaced by ins
    if tr.plus:
        a, b, ref_t, ins = g_start, g_end, ref, alt
    else:
        a, b, ref_t, ins = -(g_end - 1), -(g_start - 1), revcomp(ref), revcomp(alt)
        if not ref:  # insertion between g_start-1 and g_start: in u between -g_start and -(g_start-1)
            a = b = -(g_start - 1)
    # REF check against the reference (per base)
    mism = []
    for i, r in enumerate(ref_t):
        rb = ctx.base(a + i)
        if rb is not None and rb != r:
            mism.append((a + i, rb, r))
    for u, rb, r in mism:
        cp = tr.c_pos(ctx.g(u))
        num = int(cp) if cp and cp.isdigit() else None
        if (tr.accession, num) in KNOWN_MRNA_GENOME_DIFFERENCES:
            ann.notes.append(f"the RefSeq mRNA carries {rb} at c.{cp} where GRCh37 has {r}: REF taken from the VCF")
        else:
            plus = (lambda b: b) if tr.plus else (lambda b: b.translate(_COMPLEMENT))
            ann.notes.append(f"VCF REF {plus(r)} differs from the reference ({plus(rb)}, plus strand) at "
                             f"{tr.chrom}:{ctx.g(u) + 1} (c.{cp}): REF taken from the VCF (check the reference build)")
    kind = "sub" if ref and alt else ("del" if ref else "ins")
    if kind in ("del", "ins"):
        a0 = a
        a, b, ins, note = _shift(ctx, a, b, ins if kind == "ins" else "")
        if note:
            ann.notes.append(note)
        if kind == "del" and a != a0:  # a shifted deletion removes a rotation of the same bases
            r = (a - a0) % len(ref_t)
            ref_t = ref_t[r:] + ref_t[:r]
    # bases touched (u) for locating: the changed bases, or the two flanking an insertion
    touched = list(range(a, b)) if b > a else [a - 1, a]
    regions = [ctx.region(u) for u in touched]
    gpos = [ctx.g(u) for u in touched]
    _locate(ann, tr, regions)
    c_desc = _c_description(ann, ctx, a, b, ref_t, ins, kind)
    if c_desc is None:
        ann.notes.append("position not describable on the transcript (alignment gap or beyond the flank)")
        return ann
    ann.hgvs_c = c_desc
    # splice sites and consequence
    offsets = [tr.intron_offset(g) for g in gpos]
    intron_offsets = [o for o in offsets if o is not None]
    exon_end = b > a and any(tr.is_exon_end(g) for g in gpos)
    splice = None
    if any(o in (1, 2) for o in intron_offsets):
        splice = "splice_donor"
    elif any(o in (-1, -2) for o in intron_offsets):
        splice = "splice_acceptor"
    kinds = {r[0] for r in regions}
    if splice is not None:
        ann.consequence, ann.hgvs_p = splice, "p.?"
        if "exon" in kinds:
            ann.notes.append("the change spans an exon/intron boundary")
        return ann
    if kinds <= {"intron"}:
        if any(o == 5 for o in intron_offsets):
            ann.consequence = "splice_donor_5th_base"
            ann.notes.append("+5 of the splice donor: may weaken splicing (RNA evidence needed)")
        else:
            ann.consequence = "intronic"
        return ann
    if kinds <= {"upstream"} or kinds <= {"downstream"}:
        ann.consequence = kinds.pop()
        return ann
    if "exon" not in kinds or len(kinds) > 1:
        ann.consequence = "intronic" if "intron" in kinds else None
        ann.notes.append("the change spans an exon/intron or transcript boundary: protein effect not predicted")
        ann.hgvs_p = "p.?" if "intron" in kinds else None
        return ann
    _protein(ann, ctx, a, b, ref_t, ins, kind)
    if exon_end and ann.consequence in ("synonymous", "missense", "inframe_deletion", "inframe_delins"):
        n_exon = ann.exon
        ann.notes.append(f"last base of exon {n_exon} (splice donor region); coding change: {ann.consequence}")
        ann.consequence = "splice_donor_exon_end"
    return ann


def _locate(ann: Annotation, tr: Transcript, regions: list[tuple[str, int]]) -> None:
    exons = sorted({n for k, n in regions if k == "exon"})
    introns = sorted({n for k, n in regions if k == "intron"})
    ann.exon = exons[0] if exons else None
    ann.intron = introns[0] if introns and not exons else None


def _c_description(ann: Annotation, ctx: _Context, a: int, b: int, ref_t: str, ins: str, kind: str) -> str | None:
    tr = ctx.tr

    def cp(u: int) -> str | None:
        return tr.c_pos(ctx.g(u))

    if kind == "sub":
        first, last = cp(a), cp(b - 1)
        if first is None or last is None:
            return None
        if len(ref_t) == 1 and len(ins) == 1:
            return f"c.{first}{ref_t}>{ins}"
        return f"c.{first}delins{ins}" if first == last else f"c.{first}_{last}delins{ins}"
    if kind == "del":
        first, last = cp(a), cp(b - 1)
        if first is None or last is None:
            return None
        return f"c.{first}del" if first == last else f"c.{first}_{last}del"
    # insertion before u=a (between a-1 and a): duplication when the preceding bases repeat the insert
    n = len(ins)
    before = [ctx.base(u) for u in range(a - n, a)]
    if all(x is not None for x in before) and "".join(before) == ins:  # type: ignore[arg-type]
        first, last = cp(a - n), cp(a - 1)
        if first is None or last is None:
            return None
        return f"c.{first}dup" if first == last else f"c.{first}_{last}dup"
    left, right = cp(a - 1), cp(a)
    if left is None or right is None:
        return None
    return f"c.{left}_{right}ins{ins}"


def _protein(ann: Annotation, ctx: _Context, a: int, b: int, ref_t: str, ins: str, kind: str) -> None:
    """Consequence and p. of a change lying in one exon."""
    tr = ctx.tr
    us = range(a, b) if b > a else (a - 1, a)
    ts_ = [tr.t_of(ctx.g(u))[0] for u in us]
    if any(t is None for t in ts_):
        ann.notes.append("the change touches an mRNA/genome alignment gap: protein effect not predicted")
        return
    t_first = ts_[0] if b > a else ts_[1]  # first changed mRNA base (insertion: the base after the insert)
    t_last = ts_[-1] if b > a else ts_[0]
    if b > a and t_last - t_first + 1 != b - a:
        ann.notes.append("the change touches an mRNA/genome alignment gap: protein effect not predicted")
        return
    seq = tr.seq
    cs, ce = tr.cds_start_tx, tr.cds_end_tx
    if b > a:
        ref_mrna = seq[:t_first - 1] + ref_t + seq[t_last:]
        alt_mrna = seq[:t_first - 1] + ins + seq[t_last:]
        lo, hi = t_first, t_last
    else:
        ref_mrna = seq
        alt_mrna = seq[:t_first - 1] + ins + seq[t_first - 1:]
        lo, hi = t_first, t_first - 1  # empty range between hi and lo
    if hi < cs and (b > a or t_first <= cs):
        ann.consequence = "5_prime_UTR"
        return
    if lo > ce:
        ann.consequence = "3_prime_UTR"
        return
    if lo <= cs + 2 and hi >= cs:  # the start codon is touched
        ann.consequence, ann.hgvs_p = "start_lost", "p.(Met1?)"
        return
    ref_prot = translate(ref_mrna[cs - 1:], to_stop=True)
    alt_prot = translate(alt_mrna[cs - 1:], to_stop=True)
    diff = len(ins) - (b - a)
    first_codon = (max(lo, cs) - cs) // 3  # 0-based codon index of the first changed base
    if diff % 3 and lo <= ce:
        _frameshift(ann, ref_prot, alt_prot, first_codon)
        return
    k = 0
    while k < min(len(ref_prot), len(alt_prot)) and ref_prot[k] == alt_prot[k]:
        k += 1
    if k == len(ref_prot) == len(alt_prot):
        aa = ref_prot[first_codon] if first_codon < len(ref_prot) else "*"
        ann.consequence, ann.hgvs_p = "synonymous", f"p.({three(aa)}{first_codon + 1}=)"
        return
    if k < len(ref_prot) and ref_prot[k] == "*":  # the stop codon itself changed to an amino acid
        ann.consequence = "stop_lost"
        stop_at = alt_prot.find("*", k)
        ext = f"*{stop_at - k}" if stop_at > k else "*?"
        ann.hgvs_p = f"p.(*{k + 1}{three(alt_prot[k:k + 1] or 'X')}ext{ext})"
        return
    if k < len(alt_prot) and alt_prot[k] == "*":
        ann.consequence, ann.hgvs_p = "nonsense", f"p.({three(ref_prot[k])}{k + 1}*)"
        return
    if alt_prot.endswith("*") and len(alt_prot) < len(ref_prot) + diff // 3:
        # a stop inside the inserted sequence: everything after it is lost
        ann.consequence = "nonsense"
        ann.hgvs_p = f"p.({three(ref_prot[k])}{k + 1}delins{three(alt_prot[k:])})"
        return
    m = 0
    if ref_prot.endswith("*") and alt_prot.endswith("*"):
        while m < min(len(ref_prot), len(alt_prot)) - k and ref_prot[-1 - m] == alt_prot[-1 - m]:
            m += 1
    deleted = ref_prot[k:len(ref_prot) - m]
    inserted = alt_prot[k:len(alt_prot) - m]
    if len(deleted) == 1 and len(inserted) == 1:
        ann.consequence = "missense"
        ann.hgvs_p = f"p.({three(deleted)}{k + 1}{three(inserted)})"
        return
    if not inserted:
        ann.consequence = "inframe_deletion"
        ann.hgvs_p = (f"p.({three(deleted)}{k + 1}del)" if len(deleted) == 1 else
                      f"p.({three(deleted[0])}{k + 1}_{three(deleted[-1])}{k + len(deleted)}del)")
        return
    if not deleted:
        n = len(inserted)
        if k >= n and ref_prot[k - n:k] == inserted:
            ann.consequence = "inframe_insertion"
            ann.hgvs_p = (f"p.({three(inserted)}{k}dup)" if n == 1 else
                          f"p.({three(inserted[0])}{k - n + 1}_{three(inserted[-1])}{k}dup)")
            return
        ann.consequence = "inframe_insertion"
        ann.hgvs_p = f"p.({three(ref_prot[k - 1])}{k}_{three(ref_prot[k])}{k + 1}ins{three(inserted)})"
        return
    ann.consequence = "inframe_delins"
    span = (f"{three(deleted)}{k + 1}" if len(deleted) == 1 else
            f"{three(deleted[0])}{k + 1}_{three(deleted[-1])}{k + len(deleted)}")
    ann.hgvs_p = f"p.({span}delins{three(inserted)})"


def _frameshift(ann: Annotation, ref_prot: str, alt_prot: str, first_codon: int) -> None:
    k = 0
    while k < min(len(ref_prot), len(alt_prot)) and ref_prot[k] == alt_prot[k]:
        k += 1
    if k >= len(ref_prot):
        ann.consequence = "3_prime_UTR"
        return
    if k < len(alt_prot) and alt_prot[k] == "*":
        ann.consequence, ann.hgvs_p = "nonsense", f"p.({three(ref_prot[k])}{k + 1}*)"
        return
    new = alt_prot[k] if k < len(alt_prot) else "X"
    stop = alt_prot.find("*", k)
    length = f"*{stop - k + 1}" if stop >= 0 else "*?"
    if stop < 0:
        ann.notes.append("no stop codon in the available mRNA after the frameshift")
    ann.consequence = "frameshift"
    ann.hgvs_p = f"p.({three(ref_prot[k])}{k + 1}{three(new)}fs{length})"


# ------------------------------------------------------------------------------------------------ comparison


def normalise_hgvs(text: str | None) -> str | None:
    """HGVS string in a comparable form: parentheses around p. removed, ``Ter`` → ``*``, the deleted/duplicated
    sequence after ``del``/``dup`` dropped (older Ion Reporter style), ``p.=`` variants unified."""
    if not text:
        return None
    s = str(text).strip()
    s = re.sub(r"^p\.\((.*)\)$", r"p.\1", s)
    s = s.replace("Ter", "*")
    s = re.sub(r"(del|dup)[ACGTN]+$", r"\1", s)
    s = re.sub(r"(del)[ACGTN]+(ins)", r"\1\2", s)
    return s


def same_hgvs(a: str | None, b: str | None) -> bool:
    """True when two HGVS strings name the same change (see :func:`normalise_hgvs`); a synonymous ``p.=`` or
    ``p.(=)`` matches any ``p.Xaa123=``."""
    na, nb = normalise_hgvs(a), normalise_hgvs(b)
    if na == nb:
        return True
    syn = {"p.=", "p.(=)"}
    if na in syn and nb is not None and nb.endswith("="):
        return True
    return nb in syn and na is not None and na.endswith("=")
