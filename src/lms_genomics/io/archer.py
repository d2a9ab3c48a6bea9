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

This module holds what the four readers share (:class:`Fusion`, :class:`ArcherResult`, :data:`FIELD_NAMES`, the
value parsers); each format has its own module (``archer_full_results``, ``archer_isoforms``, ``archer_table``,
``fusion_vcf``) and its own entry in :mod:`lms_genomics.io.registry`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from .._lazy import pandas as pd
from ..errors import InputError
from ..genome import sha256_file
from ..tables import FUSION_COLUMNS, check_table
from .text import decode_text, normalize_column, parse_number

#: Every key / column name the readers recognise, by format, mapped to lmsgen's canonical field names.
#: Entries ending in ``_`` or ``-`` are numbered prefixes (``ANNOTATION_1-`` matches ``ANNOTATION_1-3``).
#: Table column names are compared after :func:`lms_genomics.io.text.normalize_column` (lower case,
#: ``_``/``.`` → space) and with curly quotes made straight. VCF INFO keys match their stem exactly or the
#: stem followed by ``_<suffix>`` (``GENES_UNIQUE_VariantPlex``).
FIELD_NAMES: dict[str, dict[str, str]] = {
    # full_results.txt, whole-file keys
    "full_results_file": {"SAMPLE_NAME": "sample",
                          # inferred: the read-stats JSON key in the export's upper-case style (no real file seen)
                          "AVG_UNIQUE_RNA_START_SITES_PER_GSP2_CONTROL": "rna_control_start_sites"},
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

#: Transcript preference when a side has several (§2.5 item 1): lower is better.
TRANSCRIPT_PRIORITY = ("NM_", "XM_", "NR_", "XR_", "ENST")

_NA = {"", ".", "na", "n/a", "nan", "none", "null", "-"}
_TRUE = {"true", "t", "yes", "y", "1"}
_FALSE = {"false", "f", "no", "n", "0"}
_BREAKPOINT = re.compile(r"^(?:chr)?([0-9]{1,2}|[XYM]|MT)\s*:\s*([0-9][0-9,]*)$", re.IGNORECASE)


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
    "% of Reads", VCF ``PERCENT_OF_COVERAGE``). ``filter`` is the VCF FILTER of a fusion record (``PASS``,
    ``FAIL``...; None for formats without one). ``source_line`` is the 1-based line of the call in the file
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
    filter: str | None = None
    source_line: int | None = None
    source_key: str | None = None

    def as_dict(self) -> dict:
        """The fusion as a plain dict (JSON-ready), plus ``"fusion": "GENE5::GENE3"`` (ISCN-style name)."""
        d = asdict(self)
        d["fusion"] = f"{self.gene5}::{self.gene3}"
        return d


@dataclass
class ArcherResult:
    """What one fusion file holds: its format (the registry name without ``archer_``: ``full_results``,
    ``isoform_json``, ``fusion_table``, ``fusion_vcf``; ``vcf`` for fusions of a DNA+RNA VCF), sample name,
    fusions and warnings."""

    path: Path
    sha256: str
    format: str
    sample: str | None
    fusions: list[Fusion] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    overall_call: str | None = None  # a VCF header's overall fusion call (Oncomine FusionSampleOverallCall)
    #: Archer's RNA QC metric, average unique RNA start sites per GSP2 control, when the file carries it.
    rna_control_start_sites: float | None = None


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
        f = parse_number(value, integer=True)
        if f is None or not f.is_integer():
            raise InputError(path, f"{what}: expected a whole number, got {_short(value)}", line)
        n = int(f)
    if n < 0:
        raise InputError(path, f"{what}: expected a count ≥ 0, got {n}", line)
    if n >= 2**53:
        raise InputError(path, f"{what}: count {_short(value)} is not a read count (too large)", line)
    return n


def _float(value: object, what: str, path: Path, line: int | None) -> float | None:
    """A percentage (``12.5``, ``12.5%``, ``12,5``); None for empty/NA."""
    if _is_na(value):
        return None
    if isinstance(value, bool):
        raise InputError(path, f"{what}: expected a number, got boolean {value}", line)
    if isinstance(value, (int, float)):
        return float(value)
    f = parse_number(str(value).strip().rstrip("%"))
    if f is None:
        raise InputError(path, f"{what}: expected a number, got {_short(value)}", line)
    return f


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


def _table_key(name: str) -> str:
    return normalize_column(name.replace("\u2019", "'").replace("\u2018", "'").replace("\u2032", "'"))



def fusion_frame(fusions: list[Fusion]) -> pd.DataFrame:
    """The canonical fusion table (:data:`lms_genomics.tables.FUSION_COLUMNS`) of a list of fusions."""
    rows = [{k: getattr(f, k) for k in FUSION_COLUMNS} for f in fusions]
    df = pd.DataFrame(rows, columns=list(FUSION_COLUMNS))
    for col, dtype in FUSION_COLUMNS.items():
        if dtype == "Int64":
            df[col] = pd.array(df[col].tolist(), dtype="Int64")
        elif dtype == "float64":
            df[col] = pd.to_numeric(df[col]).astype("float64")
        elif dtype in ("opt", "object"):
            df[col] = df[col].astype(object).where(df[col].notna(), None)
        else:
            df[col] = df[col].astype(object)
    return df


def archer_result(path: Path, fmt: str, sample: str | None, fusions: list[Fusion],
                  warnings: list[str]) -> ArcherResult:
    """An :class:`ArcherResult`, its fusions checked against the canonical fusion schema."""
    check_table("fusions", fusion_frame(fusions))
    return ArcherResult(path=path, sha256=sha256_file(path), format=fmt, sample=sample, fusions=fusions,
                        warnings=warnings)


def read_parsed(path: str | Path, fmt: str, parse: Callable[[Path, str], tuple]) -> ArcherResult:
    """An :class:`ArcherResult` from a whole-text parser ``parse(path, text) -> (sample, fusions, warnings)`` or
    ``(sample, fusions, warnings, extras)``, ``extras`` setting further fields (the RNA QC metric)."""
    p = Path(path)
    sample, fusions, warnings, *extras = parse(p, decode_text(p)[0])
    result = archer_result(p, fmt, sample, fusions, warnings)
    for key, value in (extras[0] if extras else {}).items():
        setattr(result, key, value)
    return result


def canonical_items(keys: dict[str, tuple[str, int]], mapping: dict[str, str],
                    prefix: str) -> Iterator[tuple[str, str | None, str, int, str]]:
    """(canonical name, number, value, line, full key) of the keys ``mapping`` knows (``FCA_1_`` + suffix)."""
    for suffix, (value, n) in keys.items():
        c = _canon(mapping, suffix)
        if c is not None:
            yield c[0], c[1], value, n, f"{prefix}{suffix}"


def detect_archer(path: str | Path) -> str | None:
    """The fusion format of ``path`` by content (its registry name without ``archer_``), or None (never raises).

    A malformed file of a recognisable format is still detected (``read_archer`` then raises); a VCF is
    ``fusion_vcf`` only when every record is a fusion breakend (small-variant VCFs → None).
    """
    from .registry import detect

    fmt = detect(path)
    if fmt is None or "fusions" not in fmt.roles or fmt.name == "vcf":
        return None
    return fmt.name.removeprefix("archer_")


def read_archer(path: str | Path) -> ArcherResult:
    """Read any Archer fusion output (format found by :func:`detect_archer`).

    Raises :class:`InputError` when the file is not an Archer fusion output or is malformed; the message is
    one line naming what was expected, with the line number when known.
    """
    from .registry import format_named

    p = Path(path)
    fmt = detect_archer(p)
    if fmt is None:
        if p.is_dir():
            raise InputError(p, "is a folder, not a file")
        if not p.exists():
            raise InputError(p, "file not found")
        raise InputError(p, "not an Archer fusion output (expected full_results.txt key/value lines, an "
                            "isoforms JSON, a fusion table with Genes/Unique Start Sites columns, or a breakend VCF)")
    return format_named(fmt if fmt == "fusion_vcf" else f"archer_{fmt}").read(p)


def is_fusion_vcf(path: str | Path) -> bool:
    """True when ``path`` is a VCF holding only fusion breakends (:func:`lms_genomics.io.fusion_vcf.is_fusion_vcf`)."""
    from .fusion_vcf import is_fusion_vcf as _is_fusion_vcf

    return _is_fusion_vcf(path)
