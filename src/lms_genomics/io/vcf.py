"""Ion Torrent small-variant VCFs (TVC ``TSVC_variants.vcf`` / ``small_variants*.vcf``, Ion Reporter exports).

Parser decision: a tolerant, line-based reader, not cyvcf2 or pysam. Why (formats/vcf_archer.md §1.7, §1.8):

* pysam raises ``ValueError: Invalid header`` on INFO keys the header does not declare (Torrent hotspot VCFs
  carry no INFO header lines at all) and splits the single-quoted ``FUNC`` list on its commas;
* cyvcf2 raises on ``rec.genotypes`` for the 8-column fusion records of Ion Reporter exports, returns a
  scalar for Number=A fields with one ALT and a tuple otherwise, and htslib aborts the whole file on some
  header defects (TS 3.6 ``GQ`` declared Float, invalid tag names such as ``5P_3P_ASSAYS``);
* neither gives the 1-based line of a record, which our errors (``InputError(path, reason, line)``) and
  the ``source_line`` column need;
* we never trust header Number/Type anyway (``FR`` is Number 1, ``.`` or ``A`` depending on the version),
  and TVC/IR files are panel-sized (hundreds to tens of thousands of records), so pure Python is fast enough.

So every record is split by hand, INFO is tokenised bracket-aware (``FUNC`` keeps its commas and
semicolons), and all per-allele lists are indexed defensively. ``.vcf``, gzip and bgzip (``.vcf.gz``) are
read the same way (bgzip is multi-member gzip).

VAF rule (DESIGN §5, vcf_archer.md §1.3), per ALT allele: ``FAO/FDP`` (flow-corrected, what Torrent Suite
reports); if FDP is missing or 0, ``FAO/(FRO+ΣFAO)`` (TS 3.6 report code); if the record has no FAO at all,
``AF`` (itself flow-based, TS 4.2+); ``AO/DP`` last, and also for an allele whose FAO is ``.`` (indel-assembly
allele merged into a TVC record, TS-15029). ``depth`` and ``alt_reads`` are the denominator and numerator of
the VAF actually used, so ``vaf == alt_reads / depth`` whenever both are known. When AF is present it
cross-checks FAO/FDP; disagreements are reported in ``warnings``. Per-sample FORMAT values are preferred to
INFO (identical in every real single-sample file checked).

``pop_af``: INFO ``GMAF``, INFO ``MAF`` (ignored when the record or header says it is TVC Tagseq's *molecular*
allele frequency, i.e. a VAF), FUNC ``gmaf``/``maf``/``5000Exomes`` ``GMAF=``; NaN when the file carries none.
``norm_ref``/``norm_alt`` write an empty allele as ``-`` (TVC's OREF/OALT convention).
"""

from __future__ import annotations

import ast
import gzip
import json
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ..errors import InputError
from ..genome import CHROM_SIZES, normalize_chromosomes, sha256_file

#: Column order of :attr:`VcfResult.variants` (one row per ALT allele of each kept record).
VARIANT_COLUMNS = [
    "chrom", "pos", "ref", "alt", "norm_pos", "norm_ref", "norm_alt", "gene", "transcript", "hgvs_c",
    "hgvs_p", "function", "location", "clinvar", "vaf", "vaf_source", "depth", "alt_reads", "genotype",
    "filter", "filter_reasons", "hotspot_id", "pop_af", "source_line", "called", "id",
]
#: FILTER values that do not fail a record (Ion Reporter exports write ``.``).
PASSING_FILTERS = frozenset({"PASS", ".", ""})
#: |AF − FAO/FDP| above this is reported (AF is written with 6 significant digits).
AF_CROSSCHECK_TOLERANCE = 0.01

_TVC_VERSION = re.compile(r"\b(tvc\w*)\s+(\d+(?:\.\d+)*(?:-\w+)?)", re.IGNORECASE)
_BUILD_PATTERNS = [("hg19", re.compile(r"hg19|grch37|b37|hs37|human_g1k_v37", re.I)),
                   ("hg38", re.compile(r"hg38|grch38", re.I)),
                   ("mm10", re.compile(r"mm10|grcm38", re.I)), ("mm9", re.compile(r"mm9\b|ncbim37", re.I))]
_FUNC_PAIR = re.compile(r"'([^']*)'\s*:\s*'([^']*)'")


@dataclass
class VcfResult:
    """What :func:`read_vcf` found in one VCF."""

    path: str
    sha256: str
    source: str  # "tvc 5.0-2", "tvc <4.2 (Torrent Unified Variant Caller)", "Ion Reporter", "unknown"
    sample: str | None
    variants: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    caller: str | None = None  # the raw ##source value
    reference: str | None = None  # the raw ##reference value (FASTA path)
    reference_build: str | None = None  # hg19 / hg38 / mm10 / mm9 guessed from ##reference, else None
    sample_gender: str | None = None  # ##sampleGender / ##AssumedGender (Ion Reporter)
    cellularity: float | None = None  # ##Cellularity as a fraction between 0-1 (Ion Reporter)
    samples: list[str] = field(default_factory=list)
    records: int = 0  # data lines seen
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> number of records skipped
    deamination_metric: float | None = None  # ##deamination_metric (tvcutils): share of C>T/G>A among mismatches


# --------------------------------------------------------------------------------------------------- reading


def _open_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(1-based line number, text without EOL) for plain, gzip or bgzip files; InputError on junk."""
    try:
        with open(path, "rb") as fh:
            magic = fh.read(2)
    except OSError as exc:
        raise InputError(path, f"cannot read VCF ({exc.strerror or exc})") from None
    opener = gzip.open if magic == b"\x1f\x8b" else open
    n = 0
    try:
        with opener(path, "rb") as fh:
            for n, raw in enumerate(fh, 1):  # noqa: B007 - n is used after the loop on errors
                if b"\x00" in raw:
                    raise InputError(path, "binary content (NUL bytes): not a text VCF", n)
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = raw.decode("latin-1")
                if n == 1:
                    text = text.lstrip("\ufeff")
                yield n, text.rstrip("\r\n")
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise InputError(path, f"truncated or corrupt gzip data ({exc})", n + 1) from None
    except OSError as exc:
        raise InputError(path, f"cannot read VCF ({exc.strerror or exc})", n + 1 if n else None) from None


def _split_info(info: str) -> dict[str, str | None]:
    """INFO string → {key: raw value or None for flags}; ``;`` inside ``[...]`` or quotes does not split."""
    out: dict[str, str | None] = {}
    if info in ("", "."):
        return out
    parts: list[str] = []
    depth, quote, start = 0, "", 0
    for i, ch in enumerate(info):
        if quote:
            if ch == quote:
                quote = ""
        elif ch in "'\"" and depth > 0:
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            parts.append(info[start:i])
            start = i + 1
    parts.append(info[start:])
    for part in parts:
        if not part:
            continue
        key, sep, value = part.partition("=")
        out.setdefault(key, value if sep else None)
    return out


def _num(text: str | None) -> float | None:
    if text is None:
        return None
    text = text.strip()
    if text in ("", ".", "NA", "NaN", "nan", "None", "-"):
        return None
    try:
        v = float(text)
    except ValueError:
        return None
    return None if math.isnan(v) else v


def _per_allele(value: str | None, i: int, n_alt: int) -> float | None:
    """Number=A value for allele ``i``; a single value for a one-ALT record; None when absent or ``.``."""
    if value is None:
        return None
    items = value.split(",")
    if len(items) == n_alt:
        return _num(items[i])
    if len(items) == 1 and n_alt == 1:
        return _num(items[0])
    return None


def _list(value: str | None) -> list[str]:
    return [] if value in (None, "", ".") else value.split(",")


def parse_func(text: str | None) -> list[dict[str, str]]:
    """Ion Reporter ``FUNC`` (a single-quoted Python-literal list of dicts) → list of str→str dicts.

    ``ast.literal_eval`` first (safe: literals only); then JSON with quotes swapped; then a regex
    pulling ``'key':'value'`` pairs out of each ``{...}``. Never raises; unreadable text gives ``[]``.
    """
    if not text or text == ".":
        return []
    parsed: Any = None
    try:
        parsed = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        try:
            parsed = json.loads(text.replace("'", '"'))
        except ValueError:
            parsed = [dict(_FUNC_PAIR.findall(chunk)) for chunk in re.findall(r"\{[^{}]*\}", text)]
    if isinstance(parsed, dict):
        parsed = [parsed]
    if not isinstance(parsed, (list, tuple)):
        return []
    return [{str(k): "" if v is None else str(v) for k, v in d.items()} for d in parsed if isinstance(d, dict)]


def _trim(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Minimal representation: drop the common suffix, then the common prefix (shifting pos)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def _dash(s: str) -> str:
    return s if s else "-"


def _undash(s: str | None) -> str:
    return "" if s in (None, "-", ".") else str(s)


def _choose_func(funcs: list[dict[str, str]], norm: tuple[int, str, str]) -> dict[str, str] | None:
    """The FUNC dict for one allele: one whose normalized* keys match, else one without them;
    among candidates prefer a ``coding`` key, then ``location == 'exonic'`` (first wins on ties)."""
    if not funcs:
        return None
    pos, ref, alt = norm

    def match(d: dict[str, str]) -> int:
        keys = ("normalizedPos", "normalizedRef", "normalizedAlt")
        if not any(k in d for k in keys):
            return 1  # generic dict (e.g. only gene/transcript): usable
        if _undash(d.get("normalizedRef")) != ref or _undash(d.get("normalizedAlt")) != alt:
            return 0
        return 3 if _num(d.get("normalizedPos")) in (None, float(pos)) else 2

    scored = [(match(d), "coding" in d and bool(d["coding"]), d.get("location") == "exonic", -j, d)
              for j, d in enumerate(funcs)]
    scored = [s for s in scored if s[0] > 0]
    if not scored:
        return None
    return max(scored, key=lambda s: s[:4])[4]


def _pop_af(info: dict[str, str | None], func: dict[str, str] | None, i: int, n_alt: int,
            maf_is_molecular: bool) -> float:
    """Population minor-allele frequency when the file carries one; NaN when unknown (never 0 by default)."""
    for key in ("GMAF", "MAF"):
        if key == "MAF" and (maf_is_molecular or "MAO" in info or "MDP" in info):
            continue  # TVC Tagseq MAF = *molecular* allele frequency (a VAF), not a population frequency
        v = info.get(key)
        if v:
            items = v.split(",")
            x = _num(items[i] if len(items) == n_alt else items[0])
            if x is not None:
                return x
    if func:
        lower = {k.lower(): v for k, v in func.items()}
        for key in ("gmaf", "maf"):
            x = _num(lower.get(key))
            if x is not None:
                return x
        m = re.search(r"GMAF=([^:;,]+)", lower.get("5000exomes", ""))
        if m and (x := _num(m.group(1))) is not None:
            return x
    return math.nan


def _gt_alleles(gt: str) -> set[int]:
    return {int(a) for a in re.split(r"[/|]", gt) if a.isascii() and a.isdigit()}  # not "²"


def _source_of(meta: dict[str, list[str]]) -> tuple[str, str | None]:
    raw = meta.get("source", [None])[0]
    caller = raw.strip().strip('"').strip() if raw else None
    if "IonReporterExportVersion" in meta:
        return "Ion Reporter", caller
    if caller:
        m = _TVC_VERSION.search(caller)
        if m:
            return f"{m.group(1).lower()} {m.group(2)}", caller
        if "Torrent Unified Variant Caller" in caller:
            return "tvc <4.2 (Torrent Unified Variant Caller)", caller
        if "Torrent Variant Caller" in caller:
            return "tvc", caller
    return "unknown", caller


class _Header:
    def __init__(self) -> None:
        self.meta: dict[str, list[str]] = {}
        self.info_desc: dict[str, str] = {}
        self.columns: list[str] | None = None
        self.fileformat_seen = False


def _read_header_line(path: Path, hdr: _Header, n: int, line: str) -> None:
    if line.startswith("##"):
        key, _, value = line[2:].partition("=")
        if n == 1 or not hdr.fileformat_seen:
            if key != "fileformat" or not value.startswith("VCF"):
                raise InputError(path, "no ##fileformat=VCF line: not a VCF file", n)
            hdr.fileformat_seen = True
        hdr.meta.setdefault(key, []).append(value)
        if key == "INFO":
            m_id = re.search(r"ID=([^,>]+)", value)
            m_desc = re.search(r'Description="([^"]*)"', value)
            if m_id:
                hdr.info_desc[m_id.group(1)] = m_desc.group(1) if m_desc else ""
        return
    # '#CHROM' line
    if not hdr.fileformat_seen:
        raise InputError(path, "no ##fileformat=VCF line: not a VCF file", n)
    cols = line.lstrip("#").split("\t")
    if len(cols) < 8 or cols[0].upper() != "CHROM":
        raise InputError(path, f"malformed #CHROM header line ({len(cols)} tab-separated columns, 8 expected)", n)
    hdr.columns = cols


def _build_from_contigs(contigs: list[str], df: pd.DataFrame) -> str | None:
    """The build when ``##reference`` does not say: ``##contig`` assembly or lengths, else record positions
    beyond hg19 chromosome ends (``None`` when nothing contradicts hg19)."""
    for value in contigs:
        m_asm = re.search(r"assembly=\"?([^,>\"]+)", value)
        if m_asm:
            b = next((b for b, rx in _BUILD_PATTERNS if rx.search(m_asm.group(1))), None)
            if b is not None:
                return b
        m_id, m_len = re.search(r"ID=([^,>]+)", value), re.search(r"length=(\d+)", value)
        if m_id and m_len:
            chrom = normalize_chromosomes([m_id.group(1)], numeric_sex="ucsc").iloc[0]
            if chrom is not pd.NA and isinstance(chrom, str) and int(m_len.group(1)) != CHROM_SIZES[chrom]:
                return (f"another build (##contig {m_id.group(1)} length {m_len.group(1)}, hg19: "
                        f"{CHROM_SIZES[chrom]})")
    if not df.empty:
        sizes = df["chrom"].map(CHROM_SIZES)
        beyond = (df["pos"] > sizes).to_numpy()
        if beyond.any():
            r = df[beyond].iloc[0]
            return (f"another build (line {int(r['source_line'])}: {r['chrom']}:{int(r['pos'])} is beyond the hg19 "
                    f"end {CHROM_SIZES[r['chrom']]})")
    return None


# --------------------------------------------------------------------------------------------------- records


def _record_rows(path: Path, n: int, fields: list[str], hdr: _Header, skipped: Counter, notes: dict[str, list],
                 maf_is_molecular: bool) -> list[dict[str, Any]]:
    chrom, pos_s, vid, ref, alt_s, _qual, filt, info_s = fields[:8]
    try:
        pos = int(pos_s)
    except ValueError:
        raise InputError(path, f"POS is not an integer: {pos_s!r}", n) from None
    if pos < 0:
        raise InputError(path, f"POS is negative: {pos}", n)
    if pos > 2**31 - 1:
        raise InputError(path, f"POS {pos} is beyond any chromosome (VCF POS is a 32-bit integer)", n)
    info = _split_info(info_s)
    alts = alt_s.split(",")
    svtype = (info.get("SVTYPE") or "").lower()
    if svtype == "fusion" or any("[" in a or "]" in a for a in alts) or svtype == "bnd":
        skipped["fusion/breakend (SV) record"] += 1
        return []
    if any(a.startswith("<") for a in alts) or svtype == "cnv":
        skipped["CNV or symbolic-ALT record"] += 1
        return []
    if alt_s in (".", "") or ref in (".", ""):
        skipped["no ALT allele"] += 1
        return []
    if len(fields) < 10 or fields[8] in ("", "."):
        skipped["no sample columns (sites-only record)"] += 1
        return []
    fmt = dict(zip(fields[8].split(":"), fields[9].split(":"), strict=False))
    n_alt = len(alts)

    def get(key: str) -> str | None:
        v = fmt.get(key)
        if v is None or v == ".":
            v = info.get(key)
        return v

    fdp, fro, dp = _num(get("FDP")), _num(get("FRO")), _num(get("DP"))
    fao_raw, ao_raw, af_raw = get("FAO"), get("AO"), get("AF")
    fao_all = [_per_allele(fao_raw, j, n_alt) for j in range(n_alt)] if fao_raw else []
    gt = fmt.get("GT", ".")
    carried = _gt_alleles(gt)
    filt = filt.strip()
    reasons = [r for r in _list(info.get("FR")) if r != "."]
    filter_reasons = ",".join(dict.fromkeys(reasons)) or None

    # OMAPALT: OID/OPOS/OREF/OALT entry j belongs to ALT.index(OMAPALT[j]) (not ALT-ordered, may repeat).
    omap = _list(info.get("OMAPALT"))
    oid, opos, oref, oalt = (_list(info.get(k)) for k in ("OID", "OPOS", "OREF", "OALT"))
    by_allele: dict[int, list[int]] = {}
    for j, m in enumerate(omap):
        if m in alts:
            by_allele.setdefault(alts.index(m), []).append(j)
    funcs = parse_func(info.get("FUNC"))
    rows = []
    for i, alt in enumerate(alts):
        # -- minimal allele
        norm = None
        for j in by_allele.get(i, []):
            p = _num(opos[j]) if j < len(opos) else None
            if p is not None and 0 <= p <= 2**31 - 1 and j < len(oref) and j < len(oalt):
                norm = _trim(int(p), _undash(oref[j]), _undash(oalt[j]))
                break
        if norm is None:
            norm = _trim(pos, ref, alt)
        ids = [oid[j] for j in by_allele.get(i, []) if j < len(oid) and oid[j] not in (".", "")]
        # -- VAF, per allele
        fao = fao_all[i] if fao_all else None
        ao = _per_allele(ao_raw, i, n_alt)
        af = _per_allele(af_raw, i, n_alt)
        vaf, src, depth, alt_reads = math.nan, None, None, None
        if fao is not None and fdp is not None and fdp > 0:
            vaf, src, depth, alt_reads = fao / fdp, "FAO/FDP", fdp, fao
        elif fao is not None and fro is not None and all(x is not None for x in fao_all) \
                and fro + sum(fao_all) > 0:
            denom = fro + sum(fao_all)
            vaf, src, depth, alt_reads = fao / denom, "FAO/(FRO+sum FAO)", denom, fao
        elif not fao_all and af is not None:
            vaf, src = af, "AF"
            depth = fdp if fdp is not None else dp
            alt_reads = None
        elif ao is not None and dp is not None and dp > 0:
            vaf, src, depth, alt_reads = ao / dp, "AO/DP", dp, ao
        elif fdp == 0 or dp == 0:
            depth, alt_reads = 0.0, 0.0
        if src == "FAO/FDP" and af is not None and abs(af - vaf) > AF_CROSSCHECK_TOLERANCE:
            notes["af_mismatch"].append(f"line {n} {chrom}:{pos} {alt}: AF {af:g} vs FAO/FDP {vaf:.4f}")
        if fao_all and fao is None:
            notes["fao_dot"].append(f"line {n} {chrom}:{pos} {alt}")
        # -- called?
        if alt_reads is not None:
            has_reads = alt_reads > 0
        elif not math.isnan(vaf):
            has_reads = vaf > 0
        else:
            has_reads = True
            notes["no_counts"].append(f"line {n}")
        called = (i + 1) in carried and filt in PASSING_FILTERS and has_reads
        # -- annotation
        d = _choose_func(funcs, norm)
        clin = None
        if d:
            sig = [d[k] for k in sorted(d) if k.upper().startswith("CLNSIG") and d[k]]
            clin = ";".join(sig) or None
        rows.append({
            "chrom": chrom, "pos": pos, "ref": ref, "alt": alt,
            "norm_pos": norm[0], "norm_ref": _dash(norm[1]), "norm_alt": _dash(norm[2]),
            "gene": (d or {}).get("gene") or None, "transcript": (d or {}).get("transcript") or None,
            "hgvs_c": (d or {}).get("coding") or None, "hgvs_p": (d or {}).get("protein") or None,
            "function": (d or {}).get("function") or None, "location": (d or {}).get("location") or None,
            "clinvar": clin, "vaf": vaf, "vaf_source": src,
            "depth": depth, "alt_reads": alt_reads, "genotype": gt, "filter": filt or ".",
            "filter_reasons": filter_reasons, "hotspot_id": ",".join(dict.fromkeys(ids)) or None,
            "pop_af": _pop_af(info, d, i, n_alt, maf_is_molecular), "source_line": n, "called": bool(called),
            "id": vid if vid not in ("", ".") else None,
        })
    return rows


def read_vcf(path: str | Path) -> VcfResult:
    """Read a TVC / Ion Reporter VCF (plain, gzip or bgzip) into one row per ALT allele.

    Skipped and counted (see ``VcfResult.skipped`` and ``warnings``): ``<CNV>``/symbolic records,
    fusion/breakend records (8-column ``SVTYPE=Fusion``), records without sample columns (sites-only
    VCFs such as hotspot files). A header-only VCF is valid and gives zero rows.
    Raises :class:`InputError` (file, line, reason) on anything that is not a readable VCF.
    """
    p = Path(path)
    hdr = _Header()
    rows: list[dict[str, Any]] = []
    skipped: Counter = Counter()
    notes: dict[str, list] = {"af_mismatch": [], "fao_dot": [], "no_counts": []}
    maf_is_molecular = False
    n_records = 0
    last = 0
    for n, line in _open_lines(p):
        last = n
        if hdr.columns is None:
            if not line.strip():
                continue
            if line.startswith("#"):
                _read_header_line(p, hdr, n, line)
                if hdr.columns is not None:
                    desc = hdr.info_desc.get("MAF", "")
                    maf_is_molecular = "molecul" in desc.lower()
                continue
            if not hdr.fileformat_seen:
                raise InputError(p, "no ##fileformat=VCF line: not a VCF file", n)
            raise InputError(p, "data line before the #CHROM header line", n)
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 8:
            raise InputError(p, f"data line has {len(fields)} tab-separated columns, a VCF record needs 8", n)
        n_records += 1
        rows.extend(_record_rows(p, n, fields, hdr, skipped, notes, maf_is_molecular))
    if not hdr.fileformat_seen:
        raise InputError(p, "no ##fileformat=VCF line: not a VCF file (empty file?)", last or None)
    if hdr.columns is None:
        raise InputError(p, "no #CHROM header line", last or None)

    warnings: list[str] = []
    df = pd.DataFrame(rows, columns=VARIANT_COLUMNS)
    if not df.empty:
        ucsc = normalize_chromosomes(df["chrom"], numeric_sex="ucsc")
        unknown = sorted(set(df.loc[ucsc.isna(), "chrom"]))
        if unknown:
            warnings.append(f"chromosome names kept as written (not a human chromosome): {', '.join(unknown[:10])}")
        df["chrom"] = ucsc.fillna(df["chrom"].astype("string")).astype(str)
    for col in ("gene", "transcript", "hgvs_c", "hgvs_p", "function", "location", "clinvar", "vaf_source",
                "filter_reasons", "hotspot_id", "id"):
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    df = df.astype({"pos": "int64", "norm_pos": "int64", "source_line": "int64", "called": bool,
                    "vaf": "float64", "depth": "float64", "alt_reads": "float64", "pop_af": "float64"})

    source, caller = _source_of(hdr.meta)
    reference = hdr.meta.get("reference", [None])[0]
    build = next((b for b, rx in _BUILD_PATTERNS if reference and rx.search(reference)), None)
    if build is None:
        build = _build_from_contigs(hdr.meta.get("contig", []), df)
    if build not in (None, "hg19"):
        warnings.append(f"reference is {build} ({reference}), not hg19: coordinates will not match the gene table")
    if source == "unknown":
        warnings.append(f"not a Torrent Variant Caller VCF (##source={caller!r}); read with the TVC rules anyway")
    for reason, count in sorted(skipped.items()):
        warnings.append(f"{count} record(s) skipped: {reason}")
    if notes["af_mismatch"]:
        warnings.append(f"AF differs from FAO/FDP by > {AF_CROSSCHECK_TOLERANCE} for {len(notes['af_mismatch'])} "
                        f"allele(s), FAO/FDP used (e.g. {notes['af_mismatch'][0]})")
    if notes["fao_dot"]:
        warnings.append(f"FAO is '.' for {len(notes['fao_dot'])} allele(s) (indel-assembly alleles): VAF from AO/DP "
                        f"(e.g. {notes['fao_dot'][0]})")
    if notes["no_counts"]:
        warnings.append(f"{len(notes['no_counts'])} allele(s) carry no read counts: 'called' relies on GT and FILTER")
    gender = (hdr.meta.get("sampleGender") or hdr.meta.get("AssumedGender") or [None])[0]
    cell = _num((hdr.meta.get("Cellularity as a fraction between 0-1") or [None])[0])
    samples = hdr.columns[9:] if len(hdr.columns) > 9 else []
    return VcfResult(path=str(p), sha256=sha256_file(p), source=source, sample=samples[0] if samples else None,
                     variants=df, warnings=warnings, caller=caller, reference=reference, reference_build=build,
                     sample_gender=gender, cellularity=cell, samples=list(samples), records=n_records,
                     skipped=dict(skipped), deamination_metric=_num((hdr.meta.get("deamination_metric") or [None])[0]))


def is_small_variant_vcf(path: str | Path) -> bool:
    """True for a VCF holding small variants: some record is not a fusion/breakend/symbolic-SV record, or it
    has no record at all and its ``##source`` does not announce a fusion caller (Archer). False for anything
    that is not a VCF (no ``##fileformat=VCF`` first line, unreadable, binary)."""
    p = Path(path)
    any_record = seen_header = False
    sources: list[str] = []
    try:
        for n, line in _open_lines(p):
            if n == 1:
                if not line.startswith("##fileformat=VCF"):
                    return False
                seen_header = True
            if line.startswith("#"):
                if line.startswith("##source"):
                    sources.append(line)
                continue
            fields = line.split("\t")
            if len(fields) < 8:
                continue
            any_record = True
            alts = fields[4].split(",")
            svtype = (_split_info(fields[7]).get("SVTYPE") or "").lower()
            if svtype in ("fusion", "bnd", "cnv") or any(("[" in a or "]" in a or a.startswith("<")) for a in alts):
                continue
            return True
    except InputError:
        return False
    if any_record:
        return False
    if not seen_header:
        return False  # empty file
    return not any(re.search(r"archer|fusion", s, re.I) for s in sources)
