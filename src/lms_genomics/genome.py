"""The one place for chromosome names, the hg19 build, chromosome sizes, arms and the gene reference.

Inside lmsgen coordinates are 0-based half-open with UCSC chromosome names (``chr1`` … ``chr22``,
``chrX``, ``chrY``) on hg19/GRCh37.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from ._lazy import pandas as pd
from .errors import ReferenceFileError

BUILD = "hg19"

#: Reference-build names as they appear in VCF ``##reference``/``##contig`` lines, FASTA file names, header
#: comments and ISCN nomenclature (``arr[GRCh37]``), by build. The one list: every reader asks :func:`build_of`.
#: Broad's ``Homo_sapiens_assembly19``/``human_g1k_v37``/``hs37d5`` are GRCh37 (= hg19 here); its
#: ``Homo_sapiens_assembly38`` and bwa-kit's ``hs38DH``/``hs38d1`` are GRCh38.
BUILD_NAMES: dict[str, tuple[str, ...]] = {
    "hg19": ("hg19", "grch37", "b37", "hs37", "hs37d5", "human_g1k_v37", "homo_sapiens_assembly19", "ucsc.hg19",
             "grch37lite", "hg19_decoy", "37"),
    "hg38": ("hg38", "grch38", "b38", "hs38", "hs38dh", "hs38d1", "homo_sapiens_assembly38", "hg38dh",
             "gca_000001405.15", "38"),
    "hg18": ("hg18", "ncbi36", "b36"),
    "t2t-chm13": ("t2t", "chm13", "hs1"),
    "mm10": ("mm10", "grcm38"),
    "mm9": ("mm9", "ncbim37"),
    "mm39": ("mm39", "grcm39"),
}
_BUILD_RX = [(build, re.compile(r"(?<![a-z0-9])(?:" + "|".join(re.escape(n) for n in names if not n.isdigit())
                                + r")(?![0-9])", re.IGNORECASE))
             for build, names in BUILD_NAMES.items()]


def build_of(text: str | None, bare_numbers: bool = False) -> str | None:
    """The reference build a text names (``hg19``, ``hg38``, ``hg18``, ``t2t-chm13``, ``mm10``...), or None.

    ``text`` is a ``##reference`` path, a contig ``assembly=`` value, a header comment or an ISCN build;
    ``bare_numbers`` also reads ``37``/``38`` alone (an ``assembly=38`` field), never inside a longer word.
    When the text names several builds, the one named first wins.
    """
    if not text:
        return None
    hits = [(m.start(), build) for build, rx in _BUILD_RX if (m := rx.search(text))]
    if not hits and bare_numbers:
        value = text.strip().strip('"').lower()
        return next((b for b, names in BUILD_NAMES.items() if value in names), None)
    return min(hits)[1] if hits else None


def is_hg19(build: str | None) -> bool:
    """True for hg19/GRCh37 (and for an unknown build: nothing says otherwise)."""
    return build in (None, BUILD)


def other_build_reason(what: str, build: str, evidence: str | None = None) -> str:
    """The one-line refusal of data on another build, the same from every reader: ``<what> is on <build>
    (<evidence>), not hg19/GRCh37: ...``. ``build`` is a build name (``hg38``) or a phrase starting with a verb
    (``aligned to a non-genome reference``)."""
    place = build if " " in build else f"on {build}"
    detail = f" ({evidence})" if evidence else ""
    return (f"{what} is {place}{detail}, not hg19/GRCh37: lmsgen's gene and arm references are hg19 "
            f"(override with --allow-other-build)")

CHROMOSOMES: tuple[str, ...] = tuple(f"chr{c}" for c in [*range(1, 23), "X", "Y"])
AUTOSOMES: frozenset[str] = frozenset(CHROMOSOMES[:22])
SEX_CHROMOSOMES: frozenset[str] = frozenset({"chrX", "chrY"})
CHROM_ORDER: dict[str, int] = {c: i for i, c in enumerate(CHROMOSOMES)}

#: The genes every summary leads with (mission genes RB1, TP53, MYOCD; PTEN and CDKN2A from the LMS
#: literature). The one definition: summaries, plots, reports and cohort tables import it from here.
KEY_GENES: tuple[str, ...] = ("RB1", "TP53", "MYOCD", "PTEN", "CDKN2A")

#: hg19 chromosome lengths (UCSC hg19.chrom.sizes).
CHROM_SIZES: dict[str, int] = {
    "chr1": 249250621, "chr2": 243199373, "chr3": 198022430, "chr4": 191154276, "chr5": 180915260,
    "chr6": 171115067, "chr7": 159138663, "chr8": 146364022, "chr9": 141213431, "chr10": 135534747,
    "chr11": 135006516, "chr12": 133851895, "chr13": 115169878, "chr14": 107349540, "chr15": 102531392,
    "chr16": 90354753, "chr17": 81195210, "chr18": 78077248, "chr19": 59128983, "chr20": 63025520,
    "chr21": 48129895, "chr22": 51304566, "chrX": 155270560, "chrY": 59373566,
}

# Name map: what labs write → UCSC name. Numeric 23 is ambiguous (X in GISTIC/CNVkit, unused by
# Affymetrix, whose codes are 24 = X, 25 = Y), so it is only accepted when the caller says what it means.
_BASE_NAMES: dict[str, str] = {str(c): f"chr{c}" for c in range(1, 23)}
_BASE_NAMES.update({f"0{c}": f"chr{c}" for c in range(1, 10)})
_BASE_NAMES.update({"X": "chrX", "x": "chrX", "Y": "chrY", "y": "chrY"})

#: Affymetrix numeric codes (OncoScan probe exports, APT, some ChAS segment exports).
AFFY_CODES = {"24": "chrX", "25": "chrY"}
#: UCSC/GISTIC/CNVkit numeric codes.
UCSC_NUMERIC_CODES = {"23": "chrX", "24": "chrY"}


@lru_cache(maxsize=4)
def _chromosome_mapping(numeric_sex: str) -> dict[str, str]:
    mapping = dict(_BASE_NAMES)
    if numeric_sex == "affymetrix":
        mapping.update(AFFY_CODES)
    elif numeric_sex == "ucsc":
        mapping.update(UCSC_NUMERIC_CODES)
    elif numeric_sex != "none":
        raise ValueError(f"numeric_sex must be affymetrix, ucsc or none, not {numeric_sex!r}")
    return mapping


_CHR_PREFIX = re.compile(r"^(?i:chr)")
_SPREADSHEET_ZERO = re.compile(r"\.0$")  # a trailing '.0' appears when spreadsheets turn 7 into 7.0


def chromosome_name(label: str, numeric_sex: str = "affymetrix") -> str | None:
    """The UCSC name of one chromosome label (None when it is not one): :func:`normalize_chromosomes`' rule."""
    stripped = _SPREADSHEET_ZERO.sub("", _CHR_PREFIX.sub("", label.strip()))
    return _chromosome_mapping(numeric_sex).get(stripped)


def normalize_chromosomes(values: pd.Series | list[str], numeric_sex: str = "affymetrix") -> pd.Series:
    """Map chromosome labels to UCSC names, vectorised.

    Accepts ``1``/``chr1``/``CHR1``/``01``, ``X``/``chrX``/``Y``, and numeric sex-chromosome codes
    according to ``numeric_sex``: ``"affymetrix"`` (24 = X, 25 = Y; 23 refused), ``"ucsc"``
    (23 = X, 24 = Y) or ``"none"`` (numeric sex codes refused). Unknown labels become ``NA``;
    the caller decides whether that is an error.
    """
    mapping = _chromosome_mapping(numeric_sex)
    s = pd.Series(values, dtype="string").str.strip()
    s = s.str.replace(r"^(?i:chr)", "", regex=True)
    s = s.str.replace(r"\.0$", "", regex=True)
    return s.map(mapping).astype("string")


def chrom_sort_key(chrom: pd.Series) -> pd.Series:
    """Sort key putting chromosomes in karyotype order (unknown names last)."""
    return chrom.map(CHROM_ORDER).fillna(len(CHROM_ORDER)).astype(int)


def sha256_file(path: str | Path) -> str:
    """SHA-256 of a file's bytes, hex."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def first_overlap(segments: pd.DataFrame, slack: int = 0) -> int | None:
    """Position (``iloc``) of a segment overlapping an earlier one of the same sample and chromosome, or None.

    Segments of one sample's copy-number track never overlap in a valid export; an overlap means the sample is
    listed twice (concatenated files, two arrays with one name) and its copy number would be ambiguous.
    Overlaps of at most ``slack`` bases are tolerated (CBS output may share a boundary base between segments).
    """
    if len(segments) < 2:
        return None
    s = segments[["sample", "chrom", "start", "end"]].reset_index(drop=True)
    ss = s.sort_values(["sample", "chrom", "start", "end"], kind="mergesort")
    key = ss["sample"].astype(str) + "\0" + ss["chrom"].astype(str)
    prev_end = ss.groupby(key, sort=False)["end"].cummax().groupby(key, sort=False).shift()
    hit = (ss["start"] < prev_end - slack).to_numpy()
    if not hit.any():
        return None
    return int(ss.index[int(np.flatnonzero(hit)[0])])


@lru_cache(maxsize=64)
def reference_path(name: str) -> Path:
    """Path of a file shipped in ``lms_genomics.reference`` (the project's ``reference/`` folder); looked up once
    per name (every sample asks for the same few files)."""
    return Path(str(resources.files("lms_genomics.reference").joinpath(name)))


class GeneReference:
    """A gene table (0-based half-open, UCSC names) with the file it came from: arrays for the calling path
    (``names``, ``chrom`` codes of :data:`CHROM_ORDER`, ``start``, ``end``, ``strand``, ``groups``) and, built on
    first use, the canonical table ``genes`` (columns chrom, start, end, gene, strand, groups)."""

    def __init__(self, names: np.ndarray, chrom: np.ndarray, start: np.ndarray, end: np.ndarray, strand: np.ndarray,
                 groups: np.ndarray, path: str, sha256: str) -> None:
        self.names, self.chrom, self.start, self.end = names, chrom, start, end
        self.strand, self.groups, self.path, self.sha256 = strand, groups, path, sha256
        self._frame: pd.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.names)

    @property
    def genes(self) -> pd.DataFrame:
        """The gene table (validated against the ``genes`` schema of :mod:`lms_genomics.tables`)."""
        if self._frame is None:
            from .tables import check_table  # tables imports this module's chromosome sizes

            frame = pd.DataFrame({"chrom": np.array(CHROMOSOMES, dtype=object)[self.chrom], "start": self.start,
                                  "end": self.end, "gene": self.names, "strand": self.strand, "groups": self.groups})
            self._frame = check_table("genes", frame)
        return self._frame

    def __repr__(self) -> str:
        return f"GeneReference({len(self)} genes, {self.path!r})"


def _read_bed(path: Path, min_cols: int) -> list[list[str]]:
    """The data rows of a BED-like file, each padded to the widest row, with its 1-based line number last."""
    from .io.text import require_regular_file

    require_regular_file(path, ReferenceFileError)  # a FIFO would block the open below
    rows: list[list[str]] = []
    with open(path, encoding="utf-8-sig", errors="strict") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            if len(fields) < min_cols:
                raise ReferenceFileError(path, f"expected at least {min_cols} columns, found {len(fields)}", n)
            rows.append([*fields, str(n)])
    width = max((len(r) for r in rows), default=min_cols + 1)
    return [r[:-1] + [""] * (width - len(r)) + [r[-1]] for r in rows]


def load_genes(path: str | Path | None = None) -> GeneReference:
    """Load a gene BED (chrom, start, end, name[, score, strand, groups]); default: the bundled hg19 BED.

    Raises :class:`ReferenceFileError` naming the file and line on malformed rows. A symbol with several loci
    (e.g. readthrough or PAR genes) keeps its longest span; genes are in karyotype order, then by start.
    """
    from .io.text import to_number

    p = Path(path) if path is not None else reference_path("hg19_genes.bed")
    try:
        rows = _read_bed(p, 4)
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(p, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ReferenceFileError(p, f"cannot read gene BED ({exc.strerror})") from None
    if not rows:
        raise ReferenceFileError(p, "gene BED holds no gene")
    width = len(rows[0]) - 1
    genes = []
    for r in rows:
        chrom = chromosome_name(r[0], numeric_sex="ucsc")
        start, end = to_number(r[1]), to_number(r[2])
        if chrom is None or start != start or end != end or start < 0 or end <= start or r[3].strip() == "":
            raise ReferenceFileError(p, f"bad gene row (chromosome, start < end, name expected): {r[0]!r} "
                                     f"{r[1]!r} {r[2]!r}", int(r[-1]))
        if end > CHROM_SIZES[chrom]:
            raise ReferenceFileError(p, f"gene {r[3]} ends at {end:.0f}, beyond the hg19 end of {chrom} "
                                     f"({CHROM_SIZES[chrom]}): is this BED on another build?", int(r[-1]))
        genes.append((CHROM_ORDER[chrom], int(start), int(end), r[3].strip(), r[5] if width > 5 else ".",
                      r[6] if width > 6 else "", int(r[-1])))
    placed: dict[str, tuple[int, int, int, int]] = {}
    kept = []
    for g in genes:
        where = placed.get(g[3])
        if where is None:
            placed[g[3]] = (g[0], g[1], g[2], g[6])
            kept.append(g)
        elif where[:3] != g[:3]:
            # One symbol at two loci: which one the calls are about is unknown (a PAR gene, a copy-paste error);
            # refused rather than one locus kept silently. The same gene at the same place twice is one gene.
            raise ReferenceFileError(p, f"gene {g[3]} is listed twice at different places ({CHROMOSOMES[where[0]]}:"
                                        f"{where[1]}-{where[2]} on line {where[3]}, {CHROMOSOMES[g[0]]}:{g[1]}-"
                                        f"{g[2]} here): give each symbol one locus", g[6])
    genes = sorted(kept, key=lambda g: (g[0], g[1]))
    columns = list(zip(*genes, strict=True))
    return GeneReference(np.array(columns[3], dtype=object), np.array(columns[0], dtype=np.int64),
                         np.array(columns[1], dtype=np.int64), np.array(columns[2], dtype=np.int64),
                         np.array(columns[4], dtype=object), np.array(columns[5], dtype=object), str(p),
                         sha256_file(p))


@dataclass(frozen=True)
class ArmRows:
    """Chromosome arms as arrays, in karyotype order: UCSC name (``"<NA>"`` when the label is not a chromosome),
    assessed extent ``start``/``end``, arm name and cytoband extent ``arm_start``/``arm_end``."""

    chrom: np.ndarray  # object
    start: np.ndarray
    end: np.ndarray
    arm: np.ndarray  # object
    arm_start: np.ndarray
    arm_end: np.ndarray


@lru_cache(maxsize=4)
def _arm_rows_cached(path: str, size: int = -1, mtime_ns: int = -1) -> ArmRows:
    """The arm table of ``path`` (cached per path, size and modification time: an edited file is read again)."""
    rows = _read_bed(Path(path), 3)
    if rows and len(rows[0]) - 1 >= 6:
        table = [(chromosome_name(r[0], numeric_sex="ucsc") or "<NA>", int(r[1]), int(r[2]), r[3], int(r[4]),
                  int(r[5])) for r in rows]
    else:
        # A coverage BED of the oncoscanR kind: "<arm> <first probe> <last probe>" (1-based positions).
        table = []
        for r in rows:
            chrom = chromosome_name(r[0][:-1], numeric_sex="ucsc")
            if chrom is None or r[0][-1:] not in ("p", "q"):
                raise ReferenceFileError(path, "arm coverage rows must be '<arm> <start> <end>' (e.g. 17p) or "
                                               "'chrom start end arm arm_start arm_end'")
            start, end = int(r[1]) - 1, int(r[2])
            table.append((chrom, start, end, chrom[3:] + r[0][-1], start, end))
    table.sort(key=lambda a: (CHROM_ORDER.get(a[0], len(CHROM_ORDER)), a[1]))
    cols = list(zip(*table, strict=True)) if table else [()] * 6
    return ArmRows(np.array(cols[0], dtype=object), np.array(cols[1], dtype=np.int64),
                   np.array(cols[2], dtype=np.int64), np.array(cols[3], dtype=object),
                   np.array(cols[4], dtype=np.int64), np.array(cols[5], dtype=np.int64))


def arm_rows(path: str | Path | None = None) -> ArmRows:
    """The arm table of :func:`load_arms` as arrays (no pandas); raises :class:`ReferenceFileError`."""
    p = Path(path) if path is not None else reference_path("hg19_arms.bed")
    try:
        st = p.stat()
        rows = _arm_rows_cached(str(p), st.st_size, st.st_mtime_ns)
    except (OSError, ValueError, OverflowError) as exc:
        raise ReferenceFileError(p, f"cannot read arm table ({' '.join(str(exc).split())[:200]})") from None
    if not len(rows.arm):
        raise ReferenceFileError(p, "arm table holds no arm (an empty file?)")
    sizes = np.array([CHROM_SIZES.get(c, -1) for c in rows.chrom], dtype=np.int64)
    bad = (rows.start < 0) | (rows.end <= rows.start) | (sizes < 0) | (rows.end > sizes) | (rows.arm_start < 0) | \
        (rows.arm_end < rows.arm_start) | (rows.arm_end > sizes)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ReferenceFileError(p, f"arm {rows.arm[i]}: empty, reversed or beyond-hg19 extent {rows.chrom[i]}:"
                                    f"{rows.start[i]}-{rows.end[i]}")
    return rows


def load_arms(path: str | Path | None = None) -> pd.DataFrame:
    """Chromosome arms with their assessed extent: columns chrom, start, end (assessed), arm, arm_start, arm_end.

    Default: the bundled ``hg19_arms.bed``. A user may pass an assay coverage file instead, either in that
    format or as oncoscanR's ``<arm> <first probe> <last probe>`` BED.
    """
    rows = arm_rows(path)
    return pd.DataFrame({"chrom": rows.chrom.astype(object), "start": rows.start, "end": rows.end,
                         "arm": rows.arm.astype(object), "arm_start": rows.arm_start, "arm_end": rows.arm_end})


@lru_cache(maxsize=1024)
def arm_at(chrom: str, pos: int) -> str | None:
    """Name of the hg19 arm (bundled table, e.g. ``17p``) holding a 0-based position, or None."""
    arms = arm_rows()
    hit = np.flatnonzero((arms.chrom == chrom) & (arms.arm_start <= pos) & (pos < arms.arm_end))
    return str(arms.arm[hit[0]]) if len(hit) else None




def check_build_comments(path: str | Path, comments: list[str], check_build: bool) -> list[str]:
    """Header comments naming another build stop the read (``InputError``), or only warn when the user
    overrides the check; returns the warnings."""
    from .errors import InputError

    warnings = []
    for comment in comments:
        build = build_of(comment)
        if not is_hg19(build):
            if check_build:
                raise InputError(path, other_build_reason("the file", str(build), f"header: {comment.strip()}"))
            warnings.append(f"{Path(path).name}: header says another genome build ({comment.strip()}); read as "
                            f"hg19 (build check overridden)")
    return warnings


def beyond_hg19(path: str | Path, chrom: pd.Series, end: pd.Series, lines: pd.Series, check_build: bool,
                rows: pd.Series | None = None) -> tuple[pd.Series, list[str]]:
    """Rows (among ``rows``) ending beyond the hg19 chromosome end: an ``InputError`` naming the first one's
    line, or, when the user overrides the check, a mask of the rows to keep and a warning."""
    from .errors import InputError

    rows = rows if rows is not None else pd.Series(True, index=end.index)
    sizes = chrom.map(CHROM_SIZES).astype(float)
    beyond = rows & (end > sizes)
    if not beyond.any():
        return rows, []
    if not check_build:
        return rows & ~beyond, [f"{Path(path).name}: {int(beyond.sum())} segment(s) beyond hg19 chromosome ends "
                                f"dropped (build check overridden)"]
    i = int(np.flatnonzero(beyond.to_numpy())[0])
    raise InputError(path, f"segment ends at {end.iloc[i]:.0f}, beyond the hg19 end of {chrom.iloc[i]} "
                           f"({int(sizes.iloc[i])}): coordinates from another build (hg38)?", int(lines.iloc[i]))
