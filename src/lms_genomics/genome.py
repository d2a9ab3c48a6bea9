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
import pandas as pd

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


def normalize_chromosomes(values: pd.Series | list[str], numeric_sex: str = "affymetrix") -> pd.Series:
    """Map chromosome labels to UCSC names, vectorised.

    Accepts ``1``/``chr1``/``CHR1``/``01``, ``X``/``chrX``/``Y``, and numeric sex-chromosome codes
    according to ``numeric_sex``: ``"affymetrix"`` (24 = X, 25 = Y; 23 refused), ``"ucsc"``
    (23 = X, 24 = Y) or ``"none"`` (numeric sex codes refused). Unknown labels become ``NA``;
    the caller decides whether that is an error.
    """
    s = pd.Series(values, dtype="string").str.strip()
    s = s.str.replace(r"^(?i:chr)", "", regex=True)
    mapping = dict(_BASE_NAMES)
    if numeric_sex == "affymetrix":
        mapping.update(AFFY_CODES)
    elif numeric_sex == "ucsc":
        mapping.update(UCSC_NUMERIC_CODES)
    elif numeric_sex != "none":
        raise ValueError(f"numeric_sex must be affymetrix, ucsc or none, not {numeric_sex!r}")
    # A trailing '.0' appears when spreadsheets turn 7 into 7.0.
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


def reference_path(name: str) -> Path:
    """Path of a file shipped in ``lms_genomics.reference`` (the project's ``reference/`` folder)."""
    return Path(str(resources.files("lms_genomics.reference").joinpath(name)))


@dataclass(frozen=True)
class GeneReference:
    """A gene table (0-based half-open, UCSC names) with the file it came from."""

    genes: pd.DataFrame  # columns: chrom, start, end, gene, strand, groups
    path: str
    sha256: str


def _read_bed(path: Path, min_cols: int) -> tuple[pd.DataFrame, int]:
    from .io.text import require_regular_file

    require_regular_file(path, ReferenceFileError)  # a FIFO would block the open below
    rows: list[list[str]] = []
    first_line = 0
    with open(path, encoding="utf-8-sig", errors="strict") as fh:
        for n, raw in enumerate(fh, 1):
            line = raw.rstrip("\r\n")
            if not line.strip() or line.startswith(("#", "track", "browser")):
                continue
            fields = line.split("\t") if "\t" in line else line.split()
            if len(fields) < min_cols:
                raise ReferenceFileError(path, f"expected at least {min_cols} columns, found {len(fields)}", n)
            if not first_line:
                first_line = n
            rows.append([*fields, str(n)])
    width = max((len(r) for r in rows), default=min_cols + 1)
    rows = [r[:-1] + [""] * (width - len(r)) + [r[-1]] for r in rows]
    df = pd.DataFrame(rows, columns=[*range(width - 1), "line"])
    return df, first_line


def load_genes(path: str | Path | None = None) -> GeneReference:
    """Load a gene BED (chrom, start, end, name[, score, strand, groups]); default: the bundled hg19 BED.

    Raises :class:`ReferenceFileError` naming the file and line on malformed rows.
    """
    p = Path(path) if path is not None else reference_path("hg19_genes.bed")
    try:
        df, _ = _read_bed(p, 4)
    except UnicodeDecodeError as exc:
        raise ReferenceFileError(p, f"not UTF-8 text ({exc.reason})") from None
    except OSError as exc:
        raise ReferenceFileError(p, f"cannot read gene BED ({exc.strerror})") from None
    if df.empty:
        raise ReferenceFileError(p, "gene BED holds no gene")
    chrom = normalize_chromosomes(df[0], numeric_sex="ucsc")
    start = pd.to_numeric(df[1], errors="coerce")
    end = pd.to_numeric(df[2], errors="coerce")
    no_name = df[3].astype(str).str.strip() == ""
    bad = chrom.isna() | start.isna() | end.isna() | (start < 0) | (end <= start) | no_name
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ReferenceFileError(p, f"bad gene row (chromosome, start < end, name expected): {df.iloc[i, 0]!r} "
                                 f"{df.iloc[i, 1]!r} {df.iloc[i, 2]!r}", int(df["line"].iloc[i]))
    sizes = chrom.map(CHROM_SIZES)
    beyond = end > sizes
    if beyond.any():
        i = int(np.flatnonzero(beyond.to_numpy())[0])
        raise ReferenceFileError(p, f"gene {df.iloc[i, 3]} ends at {end.iloc[i]:.0f}, beyond the hg19 end of "
                                 f"{chrom.iloc[i]} ({int(sizes.iloc[i])}): is this BED on another build?",
                                 int(df["line"].iloc[i]))
    genes = pd.DataFrame({
        "chrom": chrom.astype(str), "start": start.astype("int64"), "end": end.astype("int64"),
        "gene": df[3].astype(str).str.strip(),
        "strand": df[5].astype(str) if 5 in df else ".",
        "groups": df[6].astype(str) if 6 in df else "",
    })
    genes["_line"] = df["line"].astype(int).to_numpy()
    same = genes.duplicated(["gene", "chrom", "start", "end"])
    genes = genes[~same]  # the same gene at the same place twice: one gene
    dup = genes["gene"].duplicated()
    if dup.any():
        # One symbol at two loci: which one the calls are about is unknown (a PAR gene, a copy-paste error);
        # refused rather than one locus kept silently.
        name = genes.loc[dup, "gene"].iloc[0]
        first, second = genes[genes["gene"] == name].iloc[0], genes[genes["gene"] == name].iloc[1]
        raise ReferenceFileError(p, f"gene {name} is listed twice at different places ({first['chrom']}:"
                                    f"{first['start']}-{first['end']} on line {first['_line']}, {second['chrom']}:"
                                    f"{second['start']}-{second['end']} here): give each symbol one locus",
                                 int(second["_line"]))
    genes = genes.drop(columns="_line")
    genes = genes.sort_values(["chrom", "start"], key=lambda s: chrom_sort_key(s) if s.name == "chrom" else s)
    from .tables import check_table  # tables imports this module's chromosome sizes

    return GeneReference(check_table("genes", genes.reset_index(drop=True)), str(p), sha256_file(p))


@lru_cache(maxsize=4)
def _load_arms_cached(path: str, size: int = -1, mtime_ns: int = -1) -> pd.DataFrame:
    """The arm table of ``path`` (cached per path, size and modification time: an edited file is read again)."""
    df, _ = _read_bed(Path(path), 3)
    if df.shape[1] - 1 >= 6:
        arms = pd.DataFrame({
            "chrom": normalize_chromosomes(df[0], numeric_sex="ucsc").astype(str),
            "start": df[1].astype("int64"), "end": df[2].astype("int64"), "arm": df[3].astype(str),
            "arm_start": df[4].astype("int64"), "arm_end": df[5].astype("int64"),
        })
    else:
        # A coverage BED of the oncoscanR kind: "<arm> <first probe> <last probe>" (1-based positions).
        arm = df[0].astype(str)
        chrom = normalize_chromosomes(arm.str[:-1], numeric_sex="ucsc")
        if chrom.isna().any() or not arm.str[-1].isin(["p", "q"]).all():
            raise ReferenceFileError(path, "arm coverage rows must be '<arm> <start> <end>' (e.g. 17p) or "
                                           "'chrom start end arm arm_start arm_end'")
        start = df[1].astype("int64") - 1
        end = df[2].astype("int64")
        arms = pd.DataFrame({"chrom": chrom.astype(str), "start": start, "end": end,
                             "arm": chrom.str[3:] + arm.str[-1], "arm_start": start, "arm_end": end})
    return arms.sort_values(["chrom", "start"], key=lambda s: chrom_sort_key(s) if s.name == "chrom" else s
                            ).reset_index(drop=True)


def load_arms(path: str | Path | None = None) -> pd.DataFrame:
    """Chromosome arms with their assessed extent: columns chrom, start, end (assessed), arm, arm_start, arm_end.

    Default: the bundled ``hg19_arms.bed``. A user may pass an assay coverage file instead, either in that
    format or as oncoscanR's ``<arm> <first probe> <last probe>`` BED.
    """
    p = Path(path) if path is not None else reference_path("hg19_arms.bed")
    try:
        st = p.stat()
        arms = _load_arms_cached(str(p), st.st_size, st.st_mtime_ns).copy()
    except (OSError, ValueError, OverflowError) as exc:
        raise ReferenceFileError(p, f"cannot read arm table ({' '.join(str(exc).split())[:200]})") from None
    if arms.empty:
        raise ReferenceFileError(p, "arm table holds no arm (an empty file?)")
    sizes = arms["chrom"].map(CHROM_SIZES)
    bad = (arms["start"] < 0) | (arms["end"] <= arms["start"]) | sizes.isna() | (arms["end"] > sizes) | \
        (arms["arm_start"] < 0) | (arms["arm_end"] < arms["arm_start"]) | (arms["arm_end"] > sizes)
    if bad.any():
        r = arms[bad].iloc[0]
        raise ReferenceFileError(p, f"arm {r['arm']}: empty, reversed or beyond-hg19 extent {r['chrom']}:"
                                    f"{r['start']}-{r['end']}")
    return arms


@lru_cache(maxsize=1024)
def arm_at(chrom: str, pos: int) -> str | None:
    """Name of the hg19 arm (bundled table, e.g. ``17p``) holding a 0-based position, or None."""
    arms = _load_arms_cached(str(reference_path("hg19_arms.bed")))
    hit = arms[(arms["chrom"] == chrom) & (arms["arm_start"] <= pos) & (pos < arms["arm_end"])]
    return str(hit["arm"].iloc[0]) if not hit.empty else None




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
