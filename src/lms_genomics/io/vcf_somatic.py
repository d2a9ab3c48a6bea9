"""Generic somatic VCFs and BCFs, read with cyvcf2 (htslib): Mutect2/MuTect, Strelka2, Pisces/TSO500, VarDict,
bcftools, freebayes.

Allele fraction, per ALT allele of the tumour sample (first rule that applies; ``vaf_source`` says which):

1. the caller's own per-sample fraction: ``FORMAT AF`` (Mutect2, VarDict), ``FA`` (MuTect), ``VF`` (Pisces) —
   the caller knows its denominator (Pisces' ``AD`` leaves out reads of an overlapping allele written in
   another record, ``GT 1/.``: AD 0,12 with DP 122 is VF 0.098, not 1.0); ``depth`` is ``DP`` (else ΣAD) and
   ``alt_reads`` the allele's ``AD`` (else ``round(vaf × depth)``, an estimate); when ``alt_reads/depth``
   differs from the caller's fraction by more than :data:`CALLER_AF_TOLERANCE` the warnings say so;
2. ``AD`` (Number=R allele depths; bcftools ``-a AD``): alt / ΣAD (the counts vcf2maf uses);
3. Strelka2 SNVs: tier-1 base counts ``AU CU GU TU``: alt / Σ(A,C,G,T); Strelka2 indels: ``TIR/(TIR+TAR)``;
4. freebayes: ``AO / (RO + ΣAO)``; bcftools without ``AD``: INFO ``DP4`` (one ALT only).

``called``: FILTER ``PASS`` (or ``.``), the tumour's GT carries the allele when the record has a GT (Strelka
writes none), and the allele has reads. Annotations: snpEff ``ANN`` or VEP ``CSQ`` (the entry of this allele;
VEP's canonical/MANE transcript, else the first with an HGVS c.), or ANNOVAR's ``Func``/``ExonicFunc``/``Gene``/
``AAChange`` INFO fields (``nonsynonymous_SNV`` is a missense, ``p.R248Q`` one-letter), giving gene, transcript,
HGVS c./p. and the consequence. Population frequency: Mutect2 ``POPAF`` (−log10), INFO ``gnomAD_AF``/``GMAF``/
``AF_popmax``, VEP ``MAX_AF``/``gnomADe_AF``/``gnomAD_AF``; NaN when unknown.

htslib's own log lines (``[W::vcf_parse] contig not defined``) are switched off: the library never prints.
"""

from __future__ import annotations

import ctypes
import math
import re
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import InputError
from ..tables import PASSING_FILTERS
from .text import parse_number
from .vcf_ion import SPANNING_DELETION, SPANNING_DELETION_SKIP, dash, trim_alleles

#: |caller AF − AD fraction| above this is reported (Mutect2's AF is a model estimate, a few % off AD at low depth).
CALLER_AF_TOLERANCE = 0.05
#: Per-sample allele-fraction keys of the callers, in order of preference.
CALLER_AF_KEYS = ("AF", "FA", "VF")
#: INFO keys holding a population allele frequency (as a fraction), in order of preference.
POP_AF_INFO_KEYS = ("gnomAD_AF", "gnomADg_AF", "gnomADe_AF", "AF_popmax", "GMAF", "CAF_ALT")
#: VEP CSQ fields holding a population allele frequency, in order of preference.
POP_AF_CSQ_FIELDS = ("MAX_AF", "gnomADe_AF", "gnomADg_AF", "gnomAD_AF", "AF")
_MISSING_INT = -2147483647  # htslib: int32 missing (-2^31) and vector end (-2^31 + 1) are at or below this
_SNPEFF_FIELDS = ["Allele", "Annotation", "Annotation_Impact", "Gene_Name", "Gene_ID", "Feature_Type", "Feature_ID",
                  "Transcript_BioType", "Rank", "HGVS.c", "HGVS.p"]


def _quiet_htslib() -> None:
    """Switch htslib's stderr logging off (cyvcf2 links its own copy; the symbol is exported)."""
    try:
        import cyvcf2

        ctypes.CDLL(cyvcf2.cyvcf2.__file__).hts_set_log_level(0)
    except (OSError, AttributeError, ImportError):  # pragma: no cover - another build of cyvcf2
        pass


_quiet_htslib()


# --------------------------------------------------------------------------------------------------- annotations


class Annotations:
    """snpEff ``ANN`` / VEP ``CSQ`` reader for one VCF (field names from the header)."""

    def __init__(self, info_desc: dict[str, str]) -> None:
        self.key: str | None = None
        self.fields: list[str] = []
        if "CSQ" in info_desc:
            m = re.search(r"Format:\s*([^\"]+)", info_desc["CSQ"])
            if m:
                self.key, self.fields = "CSQ", [f.strip() for f in m.group(1).split("|")]
        if self.key is None and "ANN" in info_desc:
            m = re.search(r"'([^']+)'", info_desc["ANN"])
            names = [f.strip() for f in m.group(1).split("|")] if m else []
            self.key, self.fields = "ANN", names if "Allele" in names else _SNPEFF_FIELDS
        if self.key is None:  # ANNOVAR table_annovar.pl -vcfinput: Func.refGene, ExonicFunc.refGene, AAChange...
            db = next((k.split(".", 1)[1] for k in info_desc if k.startswith("ExonicFunc.")), None) or \
                next((k.split(".", 1)[1] for k in info_desc if k.startswith("Func.")), None)
            if db is not None:
                self.key, self.fields = "ANNOVAR", [db]

    def entries(self, rec: Any) -> list[dict[str, str]]:
        """Every annotation entry of a record as {field: value}."""
        if self.key is None:
            return []
        if self.key == "ANNOVAR":
            db = self.fields[0]
            values = {k: rec.INFO.get(f"{k}.{db}") for k in ("Func", "ExonicFunc", "Gene", "AAChange")}
            return [{k: _annovar_text(v) for k, v in values.items()}]
        raw = rec.INFO.get(self.key)
        if not raw or not isinstance(raw, str):
            return []
        return [dict(zip(self.fields, e.split("|"), strict=False)) for e in raw.split(",") if e]

    def pick(self, entries: list[dict[str, str]], ref: str, alt: str, allele_number: int) -> dict[str, str | None]:
        """Gene, transcript, HGVS and consequence of one allele (empty dict when nothing matches)."""
        if not entries:
            return {}
        if self.key == "ANNOVAR":
            return _annovar_pick(entries[0])
        trimmed = alt[1:] if len(ref) != len(alt) and alt[:1] == ref[:1] else alt
        wanted = {alt, trimmed or "-"}
        mine = [e for e in entries if (e.get("ALLELE_NUM") == str(allele_number)) or e.get("Allele") in wanted]
        if not mine:
            return {}
        if self.key == "CSQ":
            best = max(mine, key=lambda e: (e.get("MANE_SELECT", "") != "" or e.get("MANE", "") != "",
                                            e.get("CANONICAL") == "YES", bool(e.get("HGVSc"))))
            return {"gene": best.get("SYMBOL") or None, "transcript": best.get("Feature") or None,
                    "hgvs_c": _hgvs(best.get("HGVSc")), "hgvs_p": _hgvs(best.get("HGVSp")),
                    "function": (best.get("Consequence") or "").split("&")[0] or None,
                    "pop_af": next((best[k] for k in POP_AF_CSQ_FIELDS if best.get(k)), None)}
        best = next((e for e in mine if e.get("HGVS.c")), mine[0])
        return {"gene": best.get("Gene_Name") or None, "transcript": best.get("Feature_ID") or None,
                "hgvs_c": _hgvs(best.get("HGVS.c")), "hgvs_p": _hgvs(best.get("HGVS.p")),
                "function": (best.get("Annotation") or "").split("&")[0] or None}


def _annovar_text(value: Any) -> str | None:
    """An ANNOVAR INFO value: ``.`` is empty, ``\\x3b``/``\\x3d`` escapes undone, tuples (multi-allelic) → first."""
    if isinstance(value, tuple):
        value = value[0] if value else None
    if value is None:
        return None
    text = str(value).replace("\\x3b", ";").replace("\\x3d", "=").strip()
    return None if text in ("", ".") else text


def _annovar_pick(entry: dict[str, str | None]) -> dict[str, str | None]:
    """Gene, transcript, c./p. and function of ANNOVAR's fields: ``ExonicFunc`` (``nonsynonymous_SNV``,
    ``stopgain``...) when exonic, else ``Func`` (``splicing``, ``intronic``, ``UTR3``...); the first ``AAChange``
    entry (``TP53:NM_000546:exon7:c.G743A:p.R248Q``: one-letter protein change, ANNOVAR's c. notation)."""
    function = entry.get("ExonicFunc") or entry.get("Func")
    out: dict[str, str | None] = {"gene": (entry.get("Gene") or "").split(";")[0] or None,
                                  "function": function.replace("_", " ") if function else None,
                                  "transcript": None, "hgvs_c": None, "hgvs_p": None}
    change = (entry.get("AAChange") or "").split(",")[0]
    parts = change.split(":")
    if len(parts) >= 4:
        out["gene"] = out["gene"] or parts[0] or None
        out["transcript"] = parts[1] or None
        out["hgvs_c"] = next((x for x in parts if x.startswith("c.")), None)
        out["hgvs_p"] = next((x for x in parts if x.startswith("p.")), None)
    return out


def _hgvs(value: str | None) -> str | None:
    """``ENST…:c.215C>G`` → ``c.215C>G``; VEP's URL escapes (``%3D``) undone."""
    if not value:
        return None
    value = urllib.parse.unquote(value)
    return value.split(":", 1)[1] if ":" in value else value


# --------------------------------------------------------------------------------------------------- values


def _sample_values(rec: Any, key: str) -> list[float | None] | None:
    """The tumour's values of a FORMAT key (None when the record has no such key)."""
    if key not in (rec.FORMAT or ()):
        return None
    try:
        arr = rec.format(key)
    except (KeyError, ValueError, Exception):  # noqa: BLE001 - cyvcf2 raises plain Exception on bad types
        return None
    if arr is None or len(arr) == 0:
        return None
    row = arr[0]
    out: list[float | None] = []
    if row.dtype.kind == "f":  # htslib stores Float as float32: read back the decimal the file wrote
        return [None if math.isnan(v) else _decimal(v) for v in row]
    for v in row.tolist():
        if isinstance(v, (bytes, str)):
            text = v.decode("utf-8", "replace") if isinstance(v, bytes) else v
            out.extend(parse_number(t) for t in text.split(","))
        elif isinstance(v, int):
            out.append(None if v <= _MISSING_INT else float(v))
        else:
            out.append(None if v is None or math.isnan(v) else float(v))
    return out


def _decimal(value: float) -> float:
    """A float32 value as the shortest decimal that round-trips (``0.12206``, not ``0.12206000089645386``)."""
    return float(str(np.float32(value)))


def _at(values: list[float | None] | None, i: int) -> float | None:
    return values[i] if values is not None and i < len(values) else None


def _info_numbers(rec: Any, key: str) -> list[float]:
    v = rec.INFO.get(key)
    if v is None or isinstance(v, bool):
        return []
    items = v if isinstance(v, tuple) else (v,)
    out = []
    for x in items:
        try:
            out.append(_decimal(float(x)) if isinstance(x, float) else float(x))
        except (TypeError, ValueError):
            continue
    return out


def allele_fraction(rec: Any, i: int, notes: dict[str, list[str]], where: str) -> tuple[float, str | None,
                                                                                       float | None, float | None]:
    """(vaf, vaf_source, depth, alt_reads) of ALT allele ``i`` in the tumour sample (see the module rules)."""
    alt, n_alt = rec.ALT[i], len(rec.ALT)
    ad = _sample_values(rec, "AD")
    dp = _at(_sample_values(rec, "DP"), 0)
    ad_alt = _at(ad, i + 1)
    ad_sum = sum(x for x in ad if x is not None) if ad is not None and ad_alt is not None else None
    for key in CALLER_AF_KEYS:
        values = _sample_values(rec, key)
        vaf = _at(values, i if values is not None and len(values) > i else 0) if values and \
            (len(values) > i or n_alt == 1) else None
        if vaf is None:
            continue
        depth = dp if dp is not None else ad_sum
        alt_reads = ad_alt if ad_alt is not None else (float(round(vaf * depth)) if depth else None)
        if ad_alt is not None and depth and abs(ad_alt / depth - vaf) > CALLER_AF_TOLERANCE:
            notes["caller_af"].append(f"{where}: FORMAT {key} {vaf:g} vs AD/DP {ad_alt:g}/{depth:g}")
        return vaf, f"FORMAT {key}", depth, alt_reads
    if ad_alt is not None and ad_sum is not None:
        depth = ad_sum if ad_sum > 0 else (dp or 0.0)
        return (ad_alt / depth if depth else math.nan), "AD", depth, ad_alt
    tiers = {b: _sample_values(rec, f"{b}U") for b in "ACGT"}
    if all(v is not None for v in tiers.values()) and len(alt) == 1 and alt in "ACGT":
        t1 = {b: (v[0] or 0.0) for b, v in tiers.items() if v is not None}
        depth = sum(t1.values())
        return (t1[alt] / depth if depth else math.nan), "Strelka tier-1 base counts", depth, t1[alt]
    tir, tar = _sample_values(rec, "TIR"), _sample_values(rec, "TAR")
    if tir is not None and tar is not None and tir[0] is not None and tar[0] is not None:
        depth = tir[0] + tar[0]
        return (tir[0] / depth if depth else math.nan), "Strelka TIR/(TIR+TAR)", depth, tir[0]
    ao, ro = _sample_values(rec, "AO"), _at(_sample_values(rec, "RO"), 0)
    if ao is not None and ro is not None and _at(ao, i) is not None:
        depth = ro + sum(x for x in ao if x is not None)
        return (ao[i] / depth if depth else math.nan), "AO/(RO+sum AO)", depth, ao[i]
    dp4 = _info_numbers(rec, "DP4")
    if len(dp4) == 4 and n_alt == 1 and sum(dp4) > 0:
        return (dp4[2] + dp4[3]) / sum(dp4), "INFO DP4", sum(dp4), dp4[2] + dp4[3]
    return math.nan, None, dp, None


def _genotype(rec: Any) -> tuple[str, set[int] | None]:
    """(GT text, allele indexes carried) of the tumour; ('.', None) when the record has no GT."""
    if "GT" not in (rec.FORMAT or ()):
        return ".", None
    try:
        gt = rec.genotypes[0]
    except Exception:  # noqa: BLE001 - cyvcf2: "error parsing genotypes"
        return ".", None
    alleles, phased = gt[:-1], gt[-1]
    text = ("|" if phased else "/").join("." if a < 0 else str(a) for a in alleles)
    return text, {a for a in alleles if a > 0}


def _pop_af(rec: Any, annotation: dict[str, Any], i: int) -> float:
    popaf = _info_numbers(rec, "POPAF")  # Mutect2: -log10 of the population allele frequency
    if popaf:
        return 10 ** -(popaf[i] if len(popaf) > i else popaf[0])
    for key in POP_AF_INFO_KEYS:
        values = _info_numbers(rec, key)
        if values:
            return values[i] if len(values) > i else values[0]
    text = annotation.get("pop_af")
    if text:
        numbers = [x for t in str(text).split("&") if (x := parse_number(t)) is not None]
        if numbers:
            return max(numbers)
    return math.nan


# --------------------------------------------------------------------------------------------------- rows


def somatic_rows(path: Path, reader: Iterable[Any], records: Sequence[tuple[int, str]], annotations: Annotations,
                 skipped: Counter[str], notes: dict[str, list[str]], keep: Any = None,
                 outside: Any = None) -> list[dict[str, Any]]:
    """One row per ALT allele of every small-variant record. ``reader`` is a cyvcf2 reader restricted to the
    tumour sample; ``records`` the (line, record kind) of every data record in file order (the line scan's),
    so each htslib record is matched with its line. With ``keep`` (a region filter: a large VCF), records outside
    its regions are counted in ``outside.outside`` instead of read."""
    rows: list[dict[str, Any]] = []
    it = iter(records)
    seen = 0
    try:
        for rec in reader:
            seen += 1
            line, kind = next(it, (None, None))
            if line is None:
                raise InputError(path, f"htslib read more records than lines ({seen})")
            if kind != "small":
                continue
            if keep is not None and not keep.contains(rec.CHROM, rec.POS):
                outside.outside += 1
                continue
            rows.extend(_rows(rec, line, annotations, skipped, notes))
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - htslib/cyvcf2 errors are plain Exceptions
        line = records[seen][0] if seen < len(records) else None
        raise InputError(path, f"htslib cannot read the record ({' '.join(str(exc).split())})", line) from None
    if seen != len(records):
        raise InputError(path, f"htslib read {seen} record(s) where the file has {len(records)} record line(s)")
    return rows


def _rows(rec: Any, line: int, annotations: Annotations, skipped: Counter[str],
          notes: dict[str, list[str]]) -> list[dict[str, Any]]:
    if not rec.ALT or rec.REF in ("", "."):
        skipped["no ALT allele"] += 1
        return []
    filters = list(rec.FILTERS or [])
    filt = ";".join(filters) if filters else "."
    passing = all(f in PASSING_FILTERS for f in filters) if filters else True
    gt, carried = _genotype(rec)
    entries = annotations.entries(rec)
    out = []
    for i, alt in enumerate(rec.ALT):
        if alt == SPANNING_DELETION:
            skipped[SPANNING_DELETION_SKIP] += 1
            continue
        where = f"line {line} {rec.CHROM}:{rec.POS} {alt}"
        vaf, src, depth, alt_reads = allele_fraction(rec, i, notes, where)
        has_reads = alt_reads > 0 if alt_reads is not None else (not math.isnan(vaf) and vaf > 0)
        called = passing and (carried is None or (i + 1) in carried) and has_reads
        norm = trim_alleles(rec.POS, rec.REF, alt)
        ann = annotations.pick(entries, rec.REF, alt, i + 1)
        out.append({
            "chrom": rec.CHROM, "pos": rec.POS, "id": rec.ID or None, "ref": rec.REF, "alt": alt,
            "norm_pos": norm[0], "norm_ref": dash(norm[1]), "norm_alt": dash(norm[2]),
            "gene": ann.get("gene"), "transcript": ann.get("transcript"), "hgvs_c": ann.get("hgvs_c"),
            "hgvs_p": ann.get("hgvs_p"), "function": ann.get("function"), "location": None, "clinvar": None,
            "vaf": vaf, "vaf_source": src, "depth": depth, "alt_reads": alt_reads, "genotype": gt, "filter": filt,
            "filter_reasons": None if passing else filt, "hotspot_id": None, "pop_af": _pop_af(rec, ann, i),
            "source_line": line, "called": bool(called),
        })
    return out
