"""Torrent Suite's own rules for Ion Torrent VCFs (TVC ``TSVC_variants.vcf``/``small_variants*.vcf``, Ion
Reporter/Oncomine exports): per-allele flow-corrected VAF, called allele from GT, OID/OPOS/OREF/OALT matched
through OMAPALT, Ion Reporter ``FUNC`` (``../shared/formats/vcf_archer.md`` §1).

Parser decision: a tolerant, line-based reader (cyvcf2 reads generic somatic VCFs, :mod:`.vcf_somatic`). Why
not cyvcf2 for Ion files too (§1.7, §1.8): it raises on ``rec.genotypes`` for the 8-column fusion records of
Ion Reporter exports, returns a scalar for Number=A fields with one ALT and a tuple otherwise, htslib aborts the
whole file on some header defects (TS 3.6 ``GQ`` declared Float, invalid tag names such as ``5P_3P_ASSAYS``),
and neither cyvcf2 nor pysam gives the 1-based line of a record, which our errors and the ``source_line``
column need. We never trust header Number/Type (``FR`` is Number 1, ``.`` or ``A`` depending on the version)
and Ion files are panel-sized, so per-record Python is fast enough.

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
import json
import math
import re
from collections import Counter
from typing import Any

from ..tables import PASSING_FILTERS
from .text import parse_number
from .vcf_records import split_info

#: |AF − FAO/FDP| above this is reported (AF is written with 6 significant digits).
AF_CROSSCHECK_TOLERANCE = 0.01
#: INFO/FORMAT keys only Torrent Variant Caller writes (flow-space allele counts, hotspot allele provenance). Not
#: FDP: Strelka's FORMAT FDP is "basecalls filtered from the read depth".
ION_KEYS = ("FAO", "FRO", "OMAPALT", "OPOS", "OID")
#: VCF 4.2's ``*`` ALT allele: this position lies inside a deletion written in another record (an overlapping, or
#: "spanning", deletion); it is not a variant of this record and is never reported.
SPANNING_DELETION = "*"
SPANNING_DELETION_SKIP = "'*' allele (position inside a deletion of another record: not a variant here)"
_TVC_VERSION = re.compile(r"\b(tvc\w*)\s+(\d+(?:\.\d+)*(?:-\w+)?)", re.IGNORECASE)
_FUNC_PAIR = re.compile(r"'([^']*)'\s*:\s*'([^']*)'")


def _num(text: str | None) -> float | None:
    """One VCF value (already split on ``,``) as a number; None for ``.``/NA/unreadable."""
    if text is None:
        return None
    text = text.strip()
    if text in ("", ".", "NA", "NaN", "nan", "None", "-"):
        return None
    return parse_number(text)


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


def trim_alleles(pos: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Minimal representation: drop the common suffix, then the common prefix (shifting pos)."""
    while ref and alt and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while ref and alt and ref[0] == alt[0]:
        ref, alt, pos = ref[1:], alt[1:], pos + 1
    return pos, ref, alt


def dash(s: str) -> str:
    return s if s else "-"


def undash(s: str | None) -> str:
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
        if undash(d.get("normalizedRef")) != ref or undash(d.get("normalizedAlt")) != alt:
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


def source_of(meta: dict[str, list[str]]) -> tuple[str, str | None]:
    """(short source name, raw ``##source``): ``tvc 5.0-2``, ``tvc <4.2 (Torrent Unified Variant Caller)``,
    ``Ion Reporter``, or ``unknown`` when the header names no Torrent caller."""
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


def is_ion(meta: dict[str, list[str]], info_ids: set[str], format_ids: set[str], first_info: str | None) -> bool:
    """Ion Torrent VCF: a Torrent ``##source``/Ion Reporter header, TVC-only INFO/FORMAT keys declared, or (no
    header declarations, e.g. hotspot VCFs) TVC-only keys in the first record's INFO."""
    if source_of(meta)[0] != "unknown":
        return True
    if set(ION_KEYS) & (info_ids | format_ids):
        return True
    return first_info is not None and any(f"{k}=" in first_info for k in ION_KEYS)


def ion_rows(n: int, fields: list[str], pos: int, sample_col: int, skipped: Counter[str], notes: dict[str, list],
             maf_is_molecular: bool) -> list[dict[str, Any]]:
    """One row per ALT allele of a small-variant record (line ``n``, POS already checked), with the values of
    the sample in column ``sample_col`` (9 = the first); records without an allele or sample are counted in
    ``skipped`` instead."""
    chrom, _pos_s, vid, ref, alt_s, _qual, filt, info_s = fields[:8]
    info = split_info(info_s)
    alts = alt_s.split(",")
    if alt_s in (".", "") or ref in (".", ""):
        skipped["no ALT allele"] += 1
        return []
    if len(fields) <= sample_col or fields[8] in ("", "."):
        skipped["no sample columns (sites-only record)"] += 1
        return []
    fmt = dict(zip(fields[8].split(":"), fields[sample_col].split(":"), strict=False))
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
        if alt == SPANNING_DELETION:
            skipped[SPANNING_DELETION_SKIP] += 1
            continue
        # -- minimal allele
        norm = None
        for j in by_allele.get(i, []):
            p = _num(opos[j]) if j < len(opos) else None
            if p is not None and 0 <= p <= 2**31 - 1 and j < len(oref) and j < len(oalt):
                norm = trim_alleles(int(p), undash(oref[j]), undash(oalt[j]))
                break
        if norm is None:
            norm = trim_alleles(pos, ref, alt)
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
            "chrom": chrom, "pos": pos, "id": vid if vid not in ("", ".") else None, "ref": ref, "alt": alt,
            "norm_pos": norm[0], "norm_ref": dash(norm[1]), "norm_alt": dash(norm[2]),
            "gene": (d or {}).get("gene") or None, "transcript": (d or {}).get("transcript") or None,
            "hgvs_c": (d or {}).get("coding") or None, "hgvs_p": (d or {}).get("protein") or None,
            "function": (d or {}).get("function") or None, "location": (d or {}).get("location") or None,
            "clinvar": clin, "vaf": vaf, "vaf_source": src,
            "depth": depth, "alt_reads": alt_reads, "genotype": gt, "filter": filt or ".",
            "filter_reasons": filter_reasons, "hotspot_id": ",".join(dict.fromkeys(ids)) or None,
            "pop_af": _pop_af(info, d, i, n_alt, maf_is_molecular), "source_line": n, "called": bool(called),
        })
    return rows

