"""Readers for Archer FusionPlex / Archer Analysis fusion outputs.

Four formats, told apart by content (``../shared/formats/vcf_archer.md`` §2, §1.5):

``full_results``
    The ``<sample>.full_results.txt`` key/value export: one ``KEY<TAB>VALUE`` per line, ``SAMPLE_NAME``,
    fusion calls ``FCA_<i>_…`` and the isoforms supporting them ``FC_<m>_…`` (§2.1).
``isoform_json``
    The Archer Analysis REST API isoforms list: a JSON object with arrays ``fusions`` and
    ``oncogenic_isoforms`` (§2.2).
``fusion_table``
    Tabular fusion summaries (TSV or CSV) with the columns of the Archer PDF report: "Genes" or
    "Genes (5'-3')", "Unique Start Sites" or "Unique Molecules", "Reads", "% of Reads", "Breakpoint(s)",
    "Category", optionally "Strong Evidence" and "In Frame" (§2.4).
``fusion_vcf``
    Breakend VCFs whose records are all SV/fusion breakends: ``SVTYPE=BND`` pairs linked by ``MATEID``
    (Archer INFO keys with or without a suffix such as ``_VariantPlex``, §2.3) or the 8-column Ion Reporter
    ``SVTYPE=Fusion`` records (§1.5).

No real Archer export is public (§2 preamble): every key and column name the readers know is listed in
:data:`FIELD_NAMES`, the one place to extend when a lab brings a new export. Gene order is always the one the
file gives (5' partner first, never reordered, §2.5 item 2).
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from ..genome import sha256_file
from .text import decode_text, normalize_column, read_head, read_table, sniff_delimiter

#: Every key / column name the readers recognise, by format, mapped to lmsgen's canonical field names.
#: Entries ending in ``_`` or ``-`` are numbered prefixes (``ANNOTATION_1-`` matches ``ANNOTATION_1-3``).
#: Table column names are compared after :func:`lms_genomics.io.text.normalize_column` (lower case,
#: ``_``/``.`` → space) and with curly quotes made straight. VCF INFO keys match their stem exactly or the
#: stem followed by ``_<suffix>`` (``GENES_UNIQUE_VariantPlex``).
FIELD_NAMES: dict[str, dict[str, str]] = {
    # full_results.txt, whole-file keys
    "full_results_file": {"SAMPLE_NAME": "sample"},
    # full_results.txt, keys after ``FCA_<i>_`` (one fusion call)
    "full_results_call": {
        "GENES_UNIQUE": "genes",
        "STRONG_EVIDENCE_ABERRATION": "strong_evidence",
        "HAS_INFRAME_TRANSLATION": "in_frame",
        "PERCENT_FUSION": "percent_reads",
        "ANNOTATION_1-": "annotation5",
        "ANNOTATION_2-": "annotation3",
        "SUPPORTING_ISOFORM_ID_": "isoform",
    },
    # full_results.txt, keys after ``FC_<m>_`` (one isoform supporting a call)
    "full_results_isoform": {
        "EITHER_R1_OR_R2": "reads",
        "BOTH_R1_AND_R2": "spanning_reads",
        "UNIQUE_START_SITES": "unique_start_sites",
        "UNIQUE_MOLECULES": "unique_molecules",
        "PERCENT_FUSION": "percent_fusion",
        "PERCENT_RNA_READS": "percent_rna_reads",
        "GENOMIC_ANNOTATION_": "genomic_annotation",
    },
    # isoform JSON: top-level arrays → category
    "isoform_json_arrays": {"fusions": "fusion", "oncogenic_isoforms": "oncogenic_isoform"},
    # isoform JSON: top-level sample keys
    "isoform_json_file": {"sample_name": "sample", "sample": "sample", "name": "sample"},
    # isoform JSON: keys of one entry
    "isoform_json": {
        "gene_arms": "genes",
        "strong_evidence_aberration": "strong_evidence",
        "unique_start_sites": "unique_start_sites",
        "unique_molecules": "unique_molecules",
        "num_reads": "reads",
        "percent_gsp2_reads": "percent_reads",
        "breakpoint_signature": "breakpoints",
        "annotations": "annotations",
        "novel_type": "novel_type",
        "is_artifact": "is_artifact",
        "in_frame": "in_frame",
        "has_inframe_translation": "in_frame",
    },
    # tabular summaries: normalised column name → canonical
    "fusion_table": {
        "genes": "genes", "genes (5'-3')": "genes", "genes (5' - 3')": "genes", "gene": "genes",
        "fusion": "genes", "genes unique": "genes",
        "unique start sites": "unique_start_sites", "uss": "unique_start_sites",
        "unique molecules": "unique_molecules",
        "reads": "reads", "total reads": "reads", "supporting reads": "reads",
        "spanning reads": "spanning_reads",
        "% of reads": "percent_reads", "percent of reads": "percent_reads", "% reads": "percent_reads",
        "breakpoint": "breakpoints", "breakpoints": "breakpoints",
        "category": "category",
        "strong evidence": "strong_evidence", "strong evidence aberration": "strong_evidence",
        "in frame": "in_frame", "in-frame": "in_frame", "inframe": "in_frame",
        "5' transcript": "transcript5", "3' transcript": "transcript3",
        "5' exon": "exon5", "3' exon": "exon3",
        "sample": "sample", "sample name": "sample",
    },
    # VCF INFO stems (with or without ``_<suffix>``) → canonical
    "vcf_info": {
        "SVTYPE": "svtype",
        "MATEID": "mateid",
        "GENES_UNIQUE": "genes",
        "UNIQUE_START_SITES": "unique_start_sites",
        "UNIQUE_MOLECULES": "unique_molecules",
        "EITHER_R1_OR_R2": "reads",
        "BOTH_R1_AND_R2": "spanning_reads",
        "PERCENT_OF_COVERAGE": "percent_reads",
        "NOVEL_TYPE": "novel_type",
        "STRONG_EVIDENCE_ABERRATION": "strong_evidence",
        "HAS_INFRAME_TRANSLATION": "in_frame",
        "READ_COUNT": "read_count",
        "GENE_NAME": "gene",
        "EXON_NUM": "exon",
    },
}

#: SVTYPE values that make a VCF record a fusion breakend (compared upper-case).
FUSION_SVTYPES = frozenset({"BND", "FUSION"})
#: INFO IDs whose declaration marks a record-less VCF as a fusion VCF.
FUSION_HEADER_INFO = ("GENES_UNIQUE", "UNIQUE_START_SITES", "EITHER_R1_OR_R2", "BOTH_R1_AND_R2", "MATEID")
#: Transcript preference when a side has several (§2.5 item 1): lower is better.
TRANSCRIPT_PRIORITY = ("NM_", "XM_", "NR_", "XR_", "ENST")

FORMATS = ("full_results", "isoform_json", "fusion_table", "fusion_vcf")
_HEAD_BYTES = 256 * 1024
_NA = {"", ".", "na", "n/a", "nan", "none", "null", "-"}
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_FCA = re.compile(r"^FCA_(\d+)_(.+)$")
_FC = re.compile(r"^FC_(\d+)_(.+)$")
_FC_ID = re.compile(r"^FC_(\d+)$")
_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")
_BREAKPOINT = re.compile(r"^(?:chr)?([0-9]{1,2}|[XYM]|MT)\s*:\s*([0-9][0-9,]*)$", re.IGNORECASE)
_ANNOTATION = re.compile(r"^(?P<gene>[^()|]+?)\s*\((?P<strand>[+-])\)\s*(?P<tx>[^|]*)\|\s*(?P<region>exon|intron)\s*:"
                         r"\s*(?P<num>[^|]+?)\s*\|\s*(?P<pos>.*)$", re.IGNORECASE)
_GENOMIC = re.compile(r"^(?:chr)?([0-9]{1,2}|[XYM]|MT):(\d+):(\d+):([+-])$", re.IGNORECASE)
_EXON_TEXT = re.compile(r"\b(exon|intron)\s*:?\s*(\d+)", re.IGNORECASE)
_BND_ALT = re.compile(r"[\[\]]((?:chr)?[A-Za-z0-9_.]+):(\d+)[\[\]]")
_IR_ID = re.compile(r"^(.*)_(\d+)$")


@dataclass
class Fusion:
    """One fusion call, 5' partner first exactly as the file gives it (never reordered).

    ``breakpoint5``/``breakpoint3`` are ``chrN:pos`` (``chr`` added when the file omits it) in whatever build
    the Archer instance uses (§2.5 item 6). ``exon5``/``exon3`` hold the exon number as text (``"10"``) or,
    for an intronic breakpoint, ``"intron:N"``. ``reads`` are the supporting (junction/split) reads,
    ``spanning_reads`` the read pairs spanning the junction (full results ``BOTH_R1_AND_R2``).
    ``unique_start_sites`` holds unique start sites or unique molecules; ``support_unit`` says which
    (``"unique_start_sites"``, ``"unique_molecules"`` or ``"unknown"``). ``percent_reads`` is the
    percentage the file reports (full results ``PERCENT_FUSION``, JSON ``percent_gsp2_reads``, table
    "% of Reads", VCF ``PERCENT_OF_COVERAGE``). ``source_line`` is the 1-based line of the call in the file
    (None for JSON) and ``source_key`` its key (``FCA_2``, ``fusions[0]``, the VCF ID, ``row 3``).
    """

    gene5: str
    gene3: str
    breakpoint5: str | None = None
    breakpoint3: str | None = None
    transcript5: str | None = None
    transcript3: str | None = None
    exon5: str | None = None
    exon3: str | None = None
    reads: int | None = None
    spanning_reads: int | None = None
    unique_start_sites: int | None = None
    support_unit: str = "unknown"
    percent_reads: float | None = None
    in_frame: bool | None = None
    strong_evidence: bool | None = None
    category: str | None = None
    source_line: int | None = None
    source_key: str | None = None

    def as_dict(self) -> dict:
        """The fusion as a plain dict (JSON-ready), plus ``"fusion": "GENE5::GENE3"`` (ISCN-style name)."""
        d = asdict(self)
        d["fusion"] = f"{self.gene5}::{self.gene3}"
        return d


@dataclass
class ArcherResult:
    """What one Archer file holds: its format (one of :data:`FORMATS`), sample name, fusions and warnings."""

    path: Path
    sha256: str
    format: str
    sample: str | None
    fusions: list[Fusion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


# --------------------------------------------------------------------------------------------------- helpers


def _canon(mapping: dict[str, str], key: str) -> tuple[str, str | None] | None:
    """``(canonical, number)`` for ``key`` in ``mapping``; numbered prefixes return the number, else None."""
    if key in mapping:
        return mapping[key], None
    for name, canonical in mapping.items():
        if name.endswith(("_", "-")) and key.startswith(name) and key[len(name):].isascii() \
                and key[len(name):].isdigit():
            return canonical, key[len(name):]
    return None


def _vcf_canon(key: str) -> str | None:
    stems = FIELD_NAMES["vcf_info"]
    if key in stems:
        return stems[key]
    for stem in sorted(stems, key=len, reverse=True):
        if key.startswith(stem + "_"):
            return stems[stem]
    return None


def _short(value: object, n: int = 40) -> str:
    s = str(value)
    return repr(s if len(s) <= n else s[:n] + "…")


def _is_na(value: object) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in _NA)


def _int(value: object, what: str, path: Path, line: int | None) -> int | None:
    """A non-negative count; None for empty/NA. Accepts ``1,234`` and integral floats (``12.0``)."""
    if _is_na(value):
        return None
    if isinstance(value, bool):
        raise InputError(path, f"{what}: expected a read count, got boolean {value}", line)
    if isinstance(value, int):
        n = value
    elif isinstance(value, float) and value.is_integer():
        n = int(value)
    else:
        s = str(value).strip().replace("\u00a0", "")
        if re.fullmatch(r"\d{1,3}(,\d{3})+", s):
            s = s.replace(",", "")
        try:
            f = float(s)
        except ValueError:
            raise InputError(path, f"{what}: expected a whole number, got {_short(value)}", line) from None
        if not f.is_integer():
            raise InputError(path, f"{what}: expected a whole number, got {_short(value)}", line)
        n = int(f)
    if n < 0:
        raise InputError(path, f"{what}: expected a count ≥ 0, got {n}", line)
    return n


def _float(value: object, what: str, path: Path, line: int | None) -> float | None:
    """A percentage (``12.5``, ``12.5%``, ``12,5``); None for empty/NA."""
    if _is_na(value):
        return None
    if isinstance(value, bool):
        raise InputError(path, f"{what}: expected a number, got boolean {value}", line)
    if isinstance(value, (int, float)):
        return float(value)
    s = str(value).strip().rstrip("%").strip().replace(",", ".")
    try:
        return float(s)
    except ValueError:
        raise InputError(path, f"{what}: expected a number, got {_short(value)}", line) from None


def _bool(value: object, what: str, path: Path, line: int | None) -> bool | None:
    """``TRUE``/``FALSE`` (text), JSON booleans, yes/no, 1/0; None for empty/NA."""
    if isinstance(value, bool):
        return value
    if _is_na(value):
        return None
    s = str(value).strip().lower()
    if s in _TRUE:
        return True
    if s in _FALSE:
        return False
    raise InputError(path, f"{what}: expected TRUE or FALSE, got {_short(value)}", line)


def _breakpoint(value: str, what: str, path: Path, line: int | None) -> str:
    m = _BREAKPOINT.match(value.strip())
    if not m:
        raise InputError(path, f"{what}: expected a breakpoint chrN:pos, got {_short(value)}", line)
    return f"chr{m.group(1).upper() if not m.group(1).isdigit() else m.group(1)}:{m.group(2).replace(',', '')}"


def _signature(value: object, what: str, path: Path, line: int | None,
               warnings: list[str]) -> tuple[str | None, str | None]:
    """``chrA:posA,chrB:posB`` (several joined by ``|`` or ``;``: the first is kept, with a warning)."""
    if _is_na(value):
        return None, None
    sigs = [s.strip() for s in re.split(r"[|;]", str(value)) if s.strip()]
    if not sigs:
        return None, None
    if len(sigs) > 1:
        warnings.append(f"{what}: {len(sigs)} breakpoint signatures, the first ({sigs[0]}) is kept")
    parts = [p for p in re.split(r"\s*,\s*|\s+", sigs[0]) if p]
    if len(parts) != 2:
        raise InputError(path, f"{what}: expected a breakpoint pair chrA:posA,chrB:posB, got {_short(sigs[0])}",
                         line)
    return _breakpoint(parts[0], what, path, line), _breakpoint(parts[1], what, path, line)


def split_gene_pair(text: str, path: Path, line: int | None, what: str = "gene pair",
                    separators: tuple[str, ...] = ("::", "--", ":", "-")) -> tuple[str, str]:
    """``(gene5, gene3)`` from ``GENE5::GENE3``, ``GENE5--GENE3``, ``GENE5:GENE3`` or ``GENE5-GENE3``.

    A single ``-`` is only split when it is the only hyphen: ``NKX2-1-X`` is ambiguous and raises
    :class:`InputError` (write it as ``NKX2-1:X`` or ``NKX2-1--X``).
    """
    s = text.strip()
    for sep in separators:
        if sep not in s:
            continue
        if sep == "-" and s.count("-") != 1:
            raise InputError(path, f"{what} {_short(s)} is ambiguous: more than one '-'; expected "
                                   "GENE5:GENE3 or GENE5--GENE3", line)
        parts = s.split(sep)
        if len(parts) == 2 and all(p.strip() and not re.search(r"\s", p.strip()) for p in parts):
            return parts[0].strip(), parts[1].strip()
        break
    expected = " or ".join(f"GENE5{sep}GENE3" for sep in separators)
    raise InputError(path, f"{what} {_short(s)} is not of the form {expected}", line)


def _transcript_rank(tx: str) -> int:
    for i, prefix in enumerate(TRANSCRIPT_PRIORITY):
        if tx.upper().startswith(prefix):
            return i
    return len(TRANSCRIPT_PRIORITY)


def _read_text(path: Path) -> str:
    """The whole file as text (``.gz`` transparently)."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
    except IsADirectoryError:
        raise InputError(path, "is a folder, not a file") from None
    except OSError as exc:
        raise InputError(path, f"cannot read file ({exc.strerror})") from None
    if magic != b"\x1f\x8b":
        return decode_text(path)[0]
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError, zlib.error) as exc:
        raise InputError(path, f"corrupt or truncated gzip file ({exc})") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _open_lines(path: Path) -> Iterator[str]:
    """Stream text lines (``.gz`` transparently); for detection only."""
    with open(path, "rb") as fh:
        gz = fh.read(2) == b"\x1f\x8b"
    if gz:
        with gzip.open(path, "rt", encoding="utf-8-sig", errors="replace") as fh:
            yield from fh
    else:
        with open(path, encoding="utf-8-sig", errors="replace") as fh:
            yield from fh


def _head_text(path: Path) -> str:
    head = read_head(path, _HEAD_BYTES)
    if b"\x00" in head:
        return ""
    return head.decode("utf-8-sig", errors="replace")


def _table_key(name: str) -> str:
    return normalize_column(name.replace("\u2019", "'").replace("\u2018", "'").replace("\u2032", "'"))


# --------------------------------------------------------------------------------------------------- detection


def _record_is_breakend(cols: list[str]) -> bool:
    info = cols[7] if len(cols) > 7 else ""
    for item in info.split(";"):
        key, _, value = item.partition("=")
        if _vcf_canon(key.strip()) == "svtype":
            return value.strip().upper() in FUSION_SVTYPES
    alts = cols[4].split(",") if len(cols) > 4 else []
    return bool(alts) and all(_BND_ALT.search(a) for a in alts)


def is_fusion_vcf(path: str | Path) -> bool:
    """True when ``path`` is a VCF whose records are all SV/fusion breakends (``SVTYPE=BND``/``Fusion`` or
    breakend ALTs). A VCF without records counts as a fusion VCF only when its header declares an Archer
    fusion INFO key (:data:`FUSION_HEADER_INFO`, suffixed or not). Never raises: unreadable → False."""
    p = Path(path)
    try:
        lines = _open_lines(p)
        first = next(lines, "")
        if not first.startswith("##fileformat=VCF"):
            return False
        fusion_header = False
        records = 0
        for line in lines:
            if line.startswith("##INFO=<ID="):
                info_id = line[len("##INFO=<ID="):].split(",", 1)[0]
                if any(info_id == k or info_id.startswith(k + "_") for k in FUSION_HEADER_INFO):
                    fusion_header = True
                continue
            if line.startswith("#") or not line.strip():
                continue
            records += 1
            if not _record_is_breakend(line.rstrip("\r\n").split("\t")):
                return False
        return records > 0 or fusion_header
    except (OSError, EOFError, UnicodeDecodeError, zlib.error):
        return False


def _looks_like_full_results(lines: list[str]) -> bool:
    """First non-blank line is ``KEY<TAB>VALUE`` and some key is ``SAMPLE_NAME``, ``FCA_<i>_…`` or ``FC_<m>_…``."""
    body = [ln for ln in lines if ln.strip()][:200]
    if not body:
        return False
    key, tab, _ = body[0].partition("\t")
    if not tab or not _KEY.match(key.strip()):
        return False
    for ln in body:
        key = ln.partition("\t")[0].strip()
        if key in FIELD_NAMES["full_results_file"] or _FCA.match(key) or _FC.match(key):
            return True
    return False


def _looks_like_fusion_table(lines: list[str]) -> bool:
    body = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not body:
        return False
    delim = sniff_delimiter(body[0])
    if delim == " ":
        return False
    cols = {FIELD_NAMES["fusion_table"].get(_table_key(h.strip().strip('"'))) for h in body[0].split(delim)}
    cols.discard(None)
    specific = {"unique_start_sites", "unique_molecules", "percent_reads"}
    return bool(cols & specific) and len(cols) >= 2


def detect_archer(path: str | Path) -> str | None:
    """The Archer format of ``path`` by content (one of :data:`FORMATS`), or None.

    A malformed file of a recognisable format is still detected (``read_archer`` then raises); a VCF is
    ``fusion_vcf`` only per :func:`is_fusion_vcf` (small-variant VCFs → None).
    """
    p = Path(path)
    try:
        text = _head_text(p)
    except OSError:
        return None
    if not text.strip():
        return None
    if text.startswith("##fileformat=VCF"):
        return "fusion_vcf" if is_fusion_vcf(p) else None
    stripped = text.lstrip()
    if stripped[:1] in "{[":
        keys = FIELD_NAMES["isoform_json_arrays"]
        if any(f'"{k}"' in text for k in keys) or '"strong_evidence_aberration"' in text:
            return "isoform_json"
        return None
    lines = text.splitlines()
    if _looks_like_full_results(lines):
        return "full_results"
    if _looks_like_fusion_table(lines):
        return "fusion_table"
    return None


# --------------------------------------------------------------------------------------------------- full_results


def _parse_annotation(value: str, what: str, path: Path, line: int) -> dict[str, Any]:
    m = _ANNOTATION.match(value.strip())
    if not m:
        raise InputError(path, f"{what}: expected GENE(+|-)TRANSCRIPT|exon:N|chrN:pos, got {_short(value)}", line)
    txs = [t.strip() for t in m.group("tx").split("/") if t.strip()]
    txs.sort(key=_transcript_rank)
    region = m.group("region").lower()
    num = m.group("num").strip()
    pos = [p for p in re.split(r"\s*,\s*", m.group("pos").strip()) if p]
    return {
        "gene": m.group("gene").strip(),
        "transcript": txs[0] if txs else None,
        "rank": _transcript_rank(txs[0]) if txs else len(TRANSCRIPT_PRIORITY) + 1,
        "exon": num if region == "exon" else f"intron:{num}",
        "breakpoint": _breakpoint(pos[0], what, path, line) if pos else None,
    }


def _best_annotation(annots: list[tuple[int, dict[str, Any]]]) -> dict[str, Any] | None:
    """NM_ > XM_ > NR_ > others; ties go to the lowest annotation number (§2.5 item 1)."""
    if not annots:
        return None
    return min(annots, key=lambda a: (a[1]["rank"], a[0]))[1]


def _genomic_breakpoint(value: str, side: int) -> str | None:
    """Breakpoint from ``chrN:start:end:strand``: the 5' side ends at the junction (end on +, start on −),
    the 3' side starts there (start on +, end on −). Used only when no ``FCA`` annotation gives one."""
    m = _GENOMIC.match(value.strip())
    if not m:
        return None
    chrom, start, end, strand = m.groups()
    pos = (end if strand == "+" else start) if side == 5 else (start if strand == "+" else end)
    return f"chr{chrom.upper() if not chrom.isdigit() else chrom}:{pos}"


def _read_full_results(path: Path, text: str) -> tuple[str | None, list[Fusion], list[str]]:
    """Parse ``full_results.txt``.

    Several isoforms (``FC_<m>``) may support one call (``FCA_<i>``): lmsgen takes, independently, the
    **maximum** ``EITHER_R1_OR_R2`` (→ ``reads``), the maximum ``BOTH_R1_AND_R2`` (→ ``spanning_reads``) and
    the maximum unique start sites (or unique molecules) across those isoforms — never the sum, because
    isoforms of one call share reads. ``percent_reads`` is ``FCA_<i>_PERCENT_FUSION``, else the maximum
    isoform ``PERCENT_FUSION``, else the maximum ``PERCENT_RNA_READS`` (another denominator: all RNA reads;
    a warning says so).
    """
    warnings: list[str] = []
    entries: dict[str, tuple[str, int]] = {}
    for n, raw in enumerate(text.splitlines(), 1):
        if not raw.strip():
            continue
        key, tab, value = raw.partition("\t")
        key = key.strip()
        if not tab or not key:
            raise InputError(path, f"expected KEY<TAB>VALUE, got {_short(raw)}", n)
        if key in entries:
            warnings.append(f"line {n}: duplicate key {key}, the first (line {entries[key][1]}) is kept")
            continue
        entries[key] = (value.strip(), n)

    sample = None
    calls: dict[int, dict[str, tuple[str, int]]] = {}
    isoforms: dict[int, dict[str, tuple[str, int]]] = {}
    for key, (value, n) in entries.items():
        file_key = FIELD_NAMES["full_results_file"].get(key)
        if file_key == "sample":
            sample = value or None
        elif m := _FCA.match(key):
            calls.setdefault(int(m.group(1)), {})[m.group(2)] = (value, n)
        elif m := _FC.match(key):
            isoforms.setdefault(int(m.group(1)), {})[m.group(2)] = (value, n)

    # Isoform evidence, parsed once.
    iso_data: dict[int, dict[str, Any]] = {}
    for m_id, keys in isoforms.items():
        d: dict[str, Any] = {"genomic": {}}
        for suffix, (value, n) in keys.items():
            c = _canon(FIELD_NAMES["full_results_isoform"], suffix)
            if c is None:
                continue
            name, num = c
            what = f"FC_{m_id}_{suffix}"
            if name in ("reads", "spanning_reads", "unique_start_sites", "unique_molecules"):
                d[name] = _int(value, what, path, n)
            elif name in ("percent_fusion", "percent_rna_reads"):
                d[name] = _float(value, what, path, n)
            elif name == "genomic_annotation" and num is not None:
                d["genomic"][int(num)] = value
        iso_data[m_id] = d

    fusions: list[Fusion] = []
    for i in sorted(calls):
        keys = calls[i]
        tag = f"FCA_{i}"
        first_line = min(n for _, n in keys.values())
        if "GENES_UNIQUE" not in keys:
            raise InputError(path, f"{tag}_GENES_UNIQUE missing for the {tag} block (expected GENE5:GENE3)",
                             first_line)
        genes_value, genes_line = keys["GENES_UNIQUE"]
        gene5, gene3 = split_gene_pair(genes_value, path, genes_line, f"{tag}_GENES_UNIQUE", separators=(":",))
        fusion = Fusion(gene5, gene3, source_line=genes_line, source_key=tag)
        annots: dict[int, list[tuple[int, dict[str, Any]]]] = {5: [], 3: []}
        iso_ids: list[tuple[int, int]] = []
        for suffix, (value, n) in keys.items():
            c = _canon(FIELD_NAMES["full_results_call"], suffix)
            if c is None:
                continue
            name, num = c
            what = f"{tag}_{suffix}"
            if name == "strong_evidence":
                fusion.strong_evidence = _bool(value, what, path, n)
            elif name == "in_frame":
                fusion.in_frame = _bool(value, what, path, n)
            elif name == "percent_reads":
                fusion.percent_reads = _float(value, what, path, n)
            elif name in ("annotation5", "annotation3") and not _is_na(value):
                side = 5 if name == "annotation5" else 3
                annots[side].append((int(num or 0), _parse_annotation(value, what, path, n)))
            elif name == "isoform" and not _is_na(value):
                m = _FC_ID.match(value.strip())
                if not m:
                    raise InputError(path, f"{what}: expected an isoform id FC_<m>, got {_short(value)}", n)
                iso_ids.append((int(m.group(1)), n))
        for side, gene in ((5, gene5), (3, gene3)):
            best = _best_annotation(annots[side])
            if best is None:
                continue
            if best["gene"] != gene:
                warnings.append(f"{tag}: {side}' annotation gene {best['gene']} differs from GENES_UNIQUE "
                                f"{gene5}:{gene3}")
            setattr(fusion, f"transcript{side}", best["transcript"])
            setattr(fusion, f"exon{side}", best["exon"])
            setattr(fusion, f"breakpoint{side}", best["breakpoint"])
        support: list[dict[str, Any]] = []
        for m_id, n in iso_ids:
            if m_id not in iso_data:
                warnings.append(f"line {n}: {tag} refers to isoform FC_{m_id}, which has no FC_{m_id}_ keys")
                continue
            support.append(iso_data[m_id])

        def best_of(name: str, items: list[dict[str, Any]] = support) -> Any:
            values = [d[name] for d in items if d.get(name) is not None]
            return max(values) if values else None

        fusion.reads = best_of("reads")
        fusion.spanning_reads = best_of("spanning_reads")
        uss, um = best_of("unique_start_sites"), best_of("unique_molecules")
        if uss is not None:
            fusion.unique_start_sites, fusion.support_unit = uss, "unique_start_sites"
        elif um is not None:
            fusion.unique_start_sites, fusion.support_unit = um, "unique_molecules"
        if fusion.percent_reads is None:
            fusion.percent_reads = best_of("percent_fusion")
        if fusion.percent_reads is None and best_of("percent_rna_reads") is not None:
            fusion.percent_reads = best_of("percent_rna_reads")
            warnings.append(f"{tag}: no PERCENT_FUSION; percent_reads is the isoform PERCENT_RNA_READS "
                            "(percent of all RNA reads, not of the locus)")
        for side in (5, 3):
            if getattr(fusion, f"breakpoint{side}") is None:
                genomic = [d["genomic"].get(1 if side == 5 else 2) for d in support]
                bp = next((b for g in genomic if g and (b := _genomic_breakpoint(g, side))), None)
                if bp is not None:
                    setattr(fusion, f"breakpoint{side}", bp)
                    warnings.append(f"{tag}: {side}' breakpoint taken from the isoform GENOMIC_ANNOTATION")
        fusions.append(fusion)
    return sample, fusions, warnings


# --------------------------------------------------------------------------------------------------- isoform JSON


def _json_genes(value: object, where: str, category: str, path: Path) -> tuple[str, str]:
    if isinstance(value, str):
        return split_gene_pair(value, path, None, f"{where}: gene_arms", separators=(":",))
    if isinstance(value, list) and all(isinstance(g, str) and g.strip() for g in value):
        if len(value) == 2:
            return value[0].strip(), value[1].strip()
        if len(value) == 1 and category == "oncogenic_isoform":
            return value[0].strip(), value[0].strip()
    raise InputError(path, f"{where}: gene_arms {_short(value)} is not a [GENE5, GENE3] pair")


def _read_isoform_json(path: Path, text: str) -> tuple[str | None, list[Fusion], list[str]]:
    """Parse the Archer Analysis isoforms list (arrays ``fusions`` and ``oncogenic_isoforms``).

    Each entry is already one isoform, so counts are taken as given (``num_reads`` → ``reads``,
    ``percent_gsp2_reads`` → ``percent_reads``). ``category`` is ``fusion`` or ``oncogenic_isoform``, with
    ``:<novel_type>`` appended when ``novel_type`` is set, and prefixed ``artifact:`` when ``is_artifact``.
    Exons come from ``annotations[].transcripts[<transcript_id>].text`` (first ``exon N``/``intron N``).
    """
    warnings: list[str] = []
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"invalid or truncated JSON ({exc.msg}); expected an Archer isoforms list",
                         exc.lineno) from None
    except RecursionError:
        raise InputError(path, "JSON nested too deeply; expected an Archer isoforms list") from None
    arrays = FIELD_NAMES["isoform_json_arrays"]
    if not isinstance(data, dict) or not any(k in data for k in arrays):
        raise InputError(path, "expected a JSON object with 'fusions' and/or 'oncogenic_isoforms' arrays")
    sample = None
    for key, canonical in FIELD_NAMES["isoform_json_file"].items():
        if canonical == "sample" and isinstance(data.get(key), str) and data[key].strip():
            sample = data[key].strip()
            break
    names = FIELD_NAMES["isoform_json"]
    fusions: list[Fusion] = []
    for array_key, category in arrays.items():
        entries = data.get(array_key)
        if entries is None:
            continue
        if not isinstance(entries, list):
            raise InputError(path, f"'{array_key}' is not an array")
        for idx, raw in enumerate(entries):
            where = f"{array_key}[{idx}]"
            if not isinstance(raw, dict):
                raise InputError(path, f"{where}: expected an object, got {type(raw).__name__}")
            e: dict[str, Any] = {}
            for k, v in raw.items():
                if k in names and names[k] not in e:
                    e[names[k]] = v
            if "genes" not in e:
                raise InputError(path, f"{where}: gene_arms missing (expected [GENE5, GENE3])")
            gene5, gene3 = _json_genes(e["genes"], where, category, path)
            cat = category
            if not _is_na(e.get("novel_type")):
                cat = f"{cat}:{e['novel_type']}"
            if _bool(e.get("is_artifact"), f"{where}: is_artifact", path, None):
                cat = f"artifact:{cat}"
            f = Fusion(gene5, gene3, category=cat, source_key=where)
            f.reads = _int(e.get("reads"), f"{where}: num_reads", path, None)
            uss = _int(e.get("unique_start_sites"), f"{where}: unique_start_sites", path, None)
            um = _int(e.get("unique_molecules"), f"{where}: unique_molecules", path, None)
            if uss is not None:
                f.unique_start_sites, f.support_unit = uss, "unique_start_sites"
            elif um is not None:
                f.unique_start_sites, f.support_unit = um, "unique_molecules"
            f.percent_reads = _float(e.get("percent_reads"), f"{where}: percent_gsp2_reads", path, None)
            f.strong_evidence = _bool(e.get("strong_evidence"), f"{where}: strong_evidence_aberration", path, None)
            f.in_frame = _bool(e.get("in_frame"), f"{where}: in_frame", path, None)
            f.breakpoint5, f.breakpoint3 = _signature(e.get("breakpoints"), f"{where}: breakpoint_signature",
                                                      path, None, warnings)
            annotations = e.get("annotations") or []
            if not isinstance(annotations, list):
                raise InputError(path, f"{where}: annotations is not an array")
            used: set[int] = set()
            for side, gene in ((5, gene5), (3, gene3)):
                for j, a in enumerate(annotations):
                    if j in used or not isinstance(a, dict) or a.get("gene") != gene:
                        continue
                    used.add(j)
                    tid = a.get("transcript_id")
                    setattr(f, f"transcript{side}", tid if isinstance(tid, str) and tid else None)
                    tx = (a.get("transcripts") or {}).get(tid) if isinstance(a.get("transcripts"), dict) else None
                    txt = tx.get("text") if isinstance(tx, dict) else None
                    if isinstance(txt, str) and (m := _EXON_TEXT.search(txt)):
                        region, num = m.group(1).lower(), m.group(2)
                        setattr(f, f"exon{side}", num if region == "exon" else f"intron:{num}")
                    break
            fusions.append(f)
    return sample, fusions, warnings


# --------------------------------------------------------------------------------------------------- table


def _read_fusion_table(path: Path) -> tuple[str | None, list[Fusion], list[str]]:
    """Parse a fusion summary table (TSV/CSV; column names per :data:`FIELD_NAMES` ``fusion_table``).

    "Unique Molecules" fills ``unique_start_sites`` with ``support_unit="unique_molecules"``. When there is no
    "Strong Evidence" column, a Category containing "strong evidence" / "weak evidence" sets the flag.
    """
    warnings: list[str] = []
    table = read_table(path)
    cols: dict[str, int] = {}
    for j, name in enumerate(table.header):
        canonical = FIELD_NAMES["fusion_table"].get(_table_key(name))
        if canonical is not None and canonical not in cols:
            cols[canonical] = j
    if "genes" not in cols:
        raise InputError(path, "fusion table has no Genes column (expected \"Genes\" or \"Genes (5'-3')\")",
                         table.header_line)
    unit = "unique_start_sites" if "unique_start_sites" in cols else (
        "unique_molecules" if "unique_molecules" in cols else "unknown")
    samples: set[str] = set()
    fusions: list[Fusion] = []
    for row_no, (row, n) in enumerate(zip(table.rows, table.line_numbers, strict=True), 1):

        def cell(name: str, row: list[str] = row) -> str | None:
            j = cols.get(name)
            return row[j] if j is not None and j < len(row) else None

        genes = cell("genes")
        if _is_na(genes):
            raise InputError(path, "empty Genes cell (expected GENE5-GENE3, GENE5:GENE3 or GENE5--GENE3)", n)
        gene5, gene3 = split_gene_pair(str(genes), path, n, "Genes")
        f = Fusion(gene5, gene3, source_line=n, source_key=f"row {row_no}", support_unit=unit)
        f.reads = _int(cell("reads"), "Reads", path, n)
        f.spanning_reads = _int(cell("spanning_reads"), "Spanning Reads", path, n)
        if unit != "unknown":
            f.unique_start_sites = _int(cell(unit), "Unique Start Sites" if unit == "unique_start_sites"
                                        else "Unique Molecules", path, n)
        f.percent_reads = _float(cell("percent_reads"), "% of Reads", path, n)
        f.breakpoint5, f.breakpoint3 = _signature(cell("breakpoints"), f"line {n}: Breakpoint", path, n, warnings)
        category = cell("category")
        f.category = None if _is_na(category) else str(category)
        f.strong_evidence = _bool(cell("strong_evidence"), "Strong Evidence", path, n)
        if "strong_evidence" not in cols and f.category:
            low = f.category.lower()
            f.strong_evidence = True if "strong evidence" in low else False if "weak evidence" in low else None
        f.in_frame = _bool(cell("in_frame"), "In Frame", path, n)
        for name in ("transcript5", "transcript3", "exon5", "exon3"):
            value = cell(name)
            setattr(f, name, None if _is_na(value) else str(value))
        s = cell("sample")
        if not _is_na(s):
            samples.add(str(s))
        fusions.append(f)
    if len(samples) > 1:
        warnings.append(f"several samples in one table ({', '.join(sorted(samples))}); sample left unset")
    return (next(iter(samples)) if len(samples) == 1 else None), fusions, warnings


# --------------------------------------------------------------------------------------------------- VCF


@dataclass
class _VcfRecord:
    line: int
    chrom: str
    pos: int
    id: str
    alt: str
    info: dict[str, str]


def _rec_breakpoint(rec: _VcfRecord) -> str:
    chrom = rec.chrom if rec.chrom.lower().startswith("chr") else f"chr{rec.chrom}"
    return f"{chrom}:{rec.pos}"


def _read_fusion_vcf(path: Path, text: str) -> tuple[str | None, list[Fusion], list[str]]:
    """Parse a breakend VCF: ``SVTYPE=BND`` records paired by ``MATEID`` (two records per event) or Ion
    Reporter ``SVTYPE=Fusion`` records paired by ID (``NAME_1``/``NAME_2``).

    The 5' record of a pair is the one whose ``GENE_NAME`` is the 5' gene of ``GENES_UNIQUE`` (``A:B``), else
    the first in the file. Counts present on both records are combined with max. An unpaired record takes its
    3' breakpoint from the breakend ALT. Ion Reporter ``SVTYPE=Fusion`` targets with ``READ_COUNT=0`` (panel
    targets not detected) are skipped with one warning.
    """
    warnings: list[str] = []
    sample = None
    header: list[str] | None = None
    records: list[_VcfRecord] = []
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r\n")
        if not line.strip() or line.startswith("##"):
            continue
        if line.startswith("#"):
            header = line[1:].split("\t")
            if len(header) >= 10:
                sample = header[9].strip() or None
            continue
        if header is None:
            raise InputError(path, "VCF record before the #CHROM header line", n)
        cols = line.split("\t")
        if len(cols) < 8:
            raise InputError(path, f"VCF record has {len(cols)} tab-separated columns, expected at least 8 "
                                   "(CHROM POS ID REF ALT QUAL FILTER INFO)", n)
        if not _record_is_breakend(cols):
            raise InputError(path, "not a fusion VCF: record is not an SV breakend (expected SVTYPE=BND or "
                                   "SVTYPE=Fusion)", n)
        try:
            pos = int(cols[1])
        except ValueError:
            raise InputError(path, f"POS: expected an integer, got {_short(cols[1])}", n) from None
        info: dict[str, str] = {}
        for item in cols[7].split(";"):
            key, _, value = item.partition("=")
            canonical = _vcf_canon(key.strip())
            if canonical is not None and canonical not in info:
                info[canonical] = value.strip()
        records.append(_VcfRecord(n, cols[0].strip(), pos, cols[2].strip(), cols[4].strip(), info))

    by_id = {r.id: r for r in records if r.id not in ("", ".")}
    groups: list[list[_VcfRecord]] = []
    done: set[int] = set()
    ir_groups: dict[str, list[_VcfRecord]] = {}
    for r in records:
        if id(r) in done:
            continue
        done.add(id(r))
        if r.info.get("svtype", "").upper() == "FUSION" and (m := _IR_ID.match(r.id)):
            group = ir_groups.get(m.group(1))
            if group is None:
                ir_groups[m.group(1)] = group = []
                groups.append(group)
            group.append(r)
            continue
        mate = by_id.get(r.info.get("mateid", ""))
        if mate is not None and mate is not r and id(mate) not in done:
            done.add(id(mate))
            groups.append([r, mate])
        else:
            groups.append([r])

    fusions: list[Fusion] = []
    skipped_zero = 0
    for group in groups:
        group.sort(key=lambda r: int(m.group(2)) if (m := _IR_ID.match(r.id)) and
                   r.info.get("svtype", "").upper() == "FUSION" else 0)
        first = group[0]
        counts: dict[str, Any] = {}
        for name, kind in (("reads", int), ("spanning_reads", int), ("unique_start_sites", int),
                           ("unique_molecules", int), ("read_count", int), ("percent_reads", float)):
            values = []
            for r in group:
                if name in r.info:
                    parse = _int if kind is int else _float
                    v = parse(r.info[name], f"INFO {name.upper()}", path, r.line)
                    if v is not None:
                        values.append(v)
            counts[name] = max(values) if values else None
        reads = counts["reads"] if counts["reads"] is not None else counts["read_count"]
        if (first.info.get("svtype", "").upper() == "FUSION" and counts["reads"] is None
                and counts["read_count"] == 0):
            skipped_zero += 1
            continue
        genes_value = next((r.info["genes"] for r in group if not _is_na(r.info.get("genes"))), None)
        rec_genes = [r.info.get("gene") for r in group]
        if genes_value is not None:
            gene5, gene3 = split_gene_pair(genes_value, path, first.line, "INFO GENES_UNIQUE", separators=(":",))
        elif len(group) == 2 and all(not _is_na(g) for g in rec_genes):
            gene5, gene3 = str(rec_genes[0]), str(rec_genes[1])
        elif first.info.get("svtype", "").upper() == "FUSION" and "." in first.id:
            gene5, gene3 = split_gene_pair(first.id.split(".", 1)[0], path, first.line, "ID gene pair")
        else:
            raise InputError(path, "fusion record has no GENES_UNIQUE (GENE5:GENE3) nor a GENE_NAME on both "
                                   "breakends", first.line)
        rec5, rec3 = group[0], (group[1] if len(group) > 1 else None)
        if rec3 is not None and rec3.info.get("gene") == gene5 and rec5.info.get("gene") != gene5:
            rec5, rec3 = rec3, rec5
        if len(group) > 2:
            warnings.append(f"line {first.line}: {len(group)} records share ID stem {first.id}; the first two kept")
        f = Fusion(gene5, gene3, source_line=rec5.line, source_key=rec5.id if rec5.id not in ("", ".") else None)
        f.breakpoint5 = _rec_breakpoint(rec5)
        if rec3 is not None:
            f.breakpoint3 = _rec_breakpoint(rec3)
        elif m := _BND_ALT.search(rec5.alt):
            chrom = m.group(1) if m.group(1).lower().startswith("chr") else f"chr{m.group(1)}"
            f.breakpoint3 = f"{chrom}:{m.group(2)}"
        f.exon5 = None if _is_na(rec5.info.get("exon")) else rec5.info["exon"]
        if rec3 is not None:
            f.exon3 = None if _is_na(rec3.info.get("exon")) else rec3.info["exon"]
        f.reads = reads
        f.spanning_reads = counts["spanning_reads"]
        if counts["unique_start_sites"] is not None:
            f.unique_start_sites, f.support_unit = counts["unique_start_sites"], "unique_start_sites"
        elif counts["unique_molecules"] is not None:
            f.unique_start_sites, f.support_unit = counts["unique_molecules"], "unique_molecules"
        f.percent_reads = counts["percent_reads"]
        for name in ("strong_evidence", "in_frame"):
            values = [_bool(r.info.get(name), f"INFO {name.upper()}", path, r.line) for r in group]
            setattr(f, name, next((v for v in values if v is not None), None))
        novel = next((r.info["novel_type"] for r in group if not _is_na(r.info.get("novel_type"))), None)
        f.category = f"novel:{novel}" if novel else None
        fusions.append(f)
    if skipped_zero:
        warnings.append(f"{skipped_zero} SVTYPE=Fusion target(s) with READ_COUNT=0 (not detected) skipped")
    return sample, fusions, warnings


# --------------------------------------------------------------------------------------------------- entry point


def read_archer(path: str | Path) -> ArcherResult:
    """Read any Archer fusion output (format found by :func:`detect_archer`).

    Raises :class:`InputError` when the file is not an Archer fusion output or is malformed; the message is
    one line naming what was expected, with the line number when known.
    """
    p = Path(path)
    fmt = detect_archer(p)
    if fmt is None:
        if p.is_dir():
            raise InputError(p, "is a folder, not a file")
        if not p.exists():
            raise InputError(p, "file not found")
        raise InputError(p, "not an Archer fusion output (expected full_results.txt key/value lines, an "
                            "isoforms JSON, a fusion table with Genes/Unique Start Sites columns, or a breakend VCF)")
    if fmt == "fusion_table":
        sample, fusions, warnings = _read_fusion_table(p)
    else:
        text = _read_text(p)
        reader = {"full_results": _read_full_results, "isoform_json": _read_isoform_json,
                  "fusion_vcf": _read_fusion_vcf}[fmt]
        sample, fusions, warnings = reader(p, text)
    return ArcherResult(path=p, sha256=sha256_file(p), format=fmt, sample=sample, fusions=fusions,
                        warnings=warnings)
