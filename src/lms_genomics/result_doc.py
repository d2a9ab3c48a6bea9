"""Reading a result JSON back (``lmsgen plot``/``lmsgen report`` of ``<sample>.json``): :func:`load_result` checks the
document with :func:`is_result_doc` before rebuilding it, so a malformed, truncated, deeply nested or hand-edited
file is refused in one line naming the file and the first bad key — never an internal error part-way through a
figure.

The check covers what the plots and the report read: the top-level keys and their kinds, every segment (a hg19
chromosome, whole-number start < end within it, ``cn``/``loh``, finite numbers), the profile's numbers and anomaly
segments, each gene's place, call and evidence, the variants, fusions, biallelic entries, QC, warnings and
provenance. Values the writers never produce (NaN, infinities, numbers given as text) are refused.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from .errors import InputError
from .genome import CHROM_SIZES

#: Largest result JSON read back (a result of a panel sample is well under 10 MB; a 2,000-segment one ~5 MB).
MAX_RESULT_BYTES = 512 * 1024 * 1024


class _Bad(Exception):
    pass


def _fail(where: str, what: str) -> None:
    raise _Bad(f"{where}: {what}")


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_num(v: Any) -> bool:
    return (isinstance(v, (int, float)) and not isinstance(v, bool)) and math.isfinite(v)


def _opt_num(v: Any, where: str) -> None:
    if v is not None and not _is_num(v):
        _fail(where, f"a number or null expected, not {_shown(v)}")


def _opt_str(v: Any, where: str) -> None:
    if v is not None and not isinstance(v, str):
        _fail(where, f"text or null expected, not {_shown(v)}")


def _opt_bool(v: Any, where: str) -> None:
    if v is not None and not isinstance(v, bool):
        _fail(where, f"true/false or null expected, not {_shown(v)}")


def _shown(v: Any) -> str:
    text = json.dumps(v, default=str)
    return (text[:40] + "…") if len(text) > 40 else text


def _dict(v: Any, where: str) -> dict[str, Any]:
    if not isinstance(v, dict):
        _fail(where, f"an object expected, not {_shown(v)}")
    return v


def _list(v: Any, where: str) -> list[Any]:
    if not isinstance(v, list):
        _fail(where, f"a list expected, not {_shown(v)}")
    return v


def _place(item: dict[str, Any], where: str, start_key: str = "start", end_key: str = "end") -> None:
    chrom = item.get("chrom")
    if not isinstance(chrom, str) or chrom not in CHROM_SIZES:
        _fail(f"{where}.chrom", f"an hg19 chromosome (chr1..chr22, chrX, chrY) expected, not {_shown(chrom)}")
    start, end = item.get(start_key), item.get(end_key)
    if not _is_int(start) or not _is_int(end) or not 0 <= start < end <= CHROM_SIZES[chrom]:
        _fail(where, f"whole-number {start_key} < {end_key} within {chrom} expected, not {_shown(start)}-"
                     f"{_shown(end)}")


def _segments(segs: Any) -> None:
    if segs is None or segs == "not_assessed":
        return
    for i, seg in enumerate(_list(segs, "segments")):
        w = f"segments[{i}]"
        _dict(seg, w)
        _place(seg, w)
        if seg.get("kind") not in ("cn", "loh"):
            _fail(f"{w}.kind", f"'cn' or 'loh' expected, not {_shown(seg.get('kind'))}")
        for k in ("copy_number", "log2"):
            _opt_num(seg.get(k), f"{w}.{k}")
        if seg.get("markers") is not None and not _is_int(seg.get("markers")):
            _fail(f"{w}.markers", f"a whole number or null expected, not {_shown(seg.get('markers'))}")
        for k in ("type", "state", "segment_id"):
            _opt_str(seg.get(k), f"{w}.{k}")
        _opt_bool(seg.get("in_profile"), f"{w}.in_profile")


def _profile(prof: Any) -> None:
    if prof is None or isinstance(prof, str):
        return
    p = _dict(prof, "profile")
    if not isinstance(p.get("class"), str):
        _fail("profile.class", f"text expected, not {_shown(p.get('class'))}")
    for k in ("anomalies", "chromosomes"):
        if not _is_int(p.get(k)) or p[k] < 0:
            _fail(f"profile.{k}", f"a whole number >= 0 expected, not {_shown(p.get(k))}")
    for k in ("genomic_index", "fga"):
        if not _is_num(p.get(k)):
            _fail(f"profile.{k}", f"a number expected, not {_shown(p.get(k))}")
    for i, a in enumerate(_list(p.get("anomaly_segments", []), "profile.anomaly_segments")):
        w = f"profile.anomaly_segments[{i}]"
        _place(_dict(a, w), w)
        if not isinstance(a.get("state"), str):
            _fail(f"{w}.state", f"text expected, not {_shown(a.get('state'))}")
        if not isinstance(a.get("segment_ids"), list):
            _fail(f"{w}.segment_ids", f"a list expected, not {_shown(a.get('segment_ids'))}")
        if a.get("markers") is not None and not _is_int(a["markers"]):
            _fail(f"{w}.markers", f"a whole number or null expected, not {_shown(a['markers'])}")
    for k in ("arm_level", "scores", "tumour_content", "ploidy", "anomaly_counts"):
        if p.get(k) is not None and not isinstance(p[k], (dict, str)):
            _fail(f"profile.{k}", f"an object expected, not {_shown(p[k])}")
    for i, e in enumerate(_list(p.get("iscn", []), "profile.iscn")):
        w = f"profile.iscn[{i}]"
        _place(_dict(e, w), w)
        if not isinstance(e.get("iscn"), str):
            _fail(f"{w}.iscn", f"text expected, not {_shown(e.get('iscn'))}")
        _opt_str(e.get("state"), f"{w}.state")
        _opt_num(e.get("copy_number"), f"{w}.copy_number")
        _opt_bool(e.get("in_profile"), f"{w}.in_profile")
    for k in ("rule", "measured_class", "class_statement", "gi_class"):
        _opt_str(p.get(k), f"profile.{k}")


def _genes(genes: Any) -> None:
    if genes is None or isinstance(genes, str):
        return
    for name, g in _dict(genes, "genes").items():
        w = f"genes.{name}"
        _dict(g, w)
        _place(g, w)
        if not isinstance(g.get("call"), str):
            _fail(f"{w}.call", f"text expected, not {_shown(g.get('call'))}")
        for k in ("copy_number", "min_copy_number", "max_copy_number", "loh_fraction", "covered_fraction"):
            _opt_num(g.get(k), f"{w}.{k}")
        for k in ("loh", "partial"):
            _opt_bool(g.get(k), f"{w}.{k}")
        if g.get("deciding_segment") is not None:
            d = _dict(g["deciding_segment"], f"{w}.deciding_segment")
            if d.get("segment_id") is not None:
                if not isinstance(d["segment_id"], str):
                    _fail(f"{w}.deciding_segment.segment_id", f"text expected, not {_shown(d['segment_id'])}")
                if not _is_int(d.get("start")) or not _is_int(d.get("end")):
                    _fail(f"{w}.deciding_segment", "whole-number start and end expected")
            for k in ("markers", "source_line"):
                if d.get(k) is not None and not _is_int(d[k]):
                    _fail(f"{w}.deciding_segment.{k}", f"a whole number or null expected, not {_shown(d[k])}")
            _opt_bool(d.get("in_profile"), f"{w}.deciding_segment.in_profile")
        for i, e in enumerate(_list(g.get("evidence", []), f"{w}.evidence")):
            _place(_dict(e, f"{w}.evidence[{i}]"), f"{w}.evidence[{i}]")
            _opt_num(e.get("copy_number"), f"{w}.evidence[{i}].copy_number")
        if not isinstance(g.get("notes", []), list):
            _fail(f"{w}.notes", "a list expected")


def _variants(variants: Any) -> None:
    if isinstance(variants, str) or variants is None:
        return
    for i, v in enumerate(_list(variants, "variants")):
        w = f"variants[{i}]"
        _dict(v, w)
        for k in ("gene", "chrom", "ref", "alt", "hgvs_c", "hgvs_p", "classification", "consequence", "filter"):
            _opt_str(v.get(k), f"{w}.{k}")
        for k in ("vaf", "depth", "alt_reads", "pop_af", "limit_of_detection"):
            _opt_num(v.get(k), f"{w}.{k}")
        if v.get("pos") is not None and not _is_int(v.get("pos")):
            _fail(f"{w}.pos", f"a whole number expected, not {_shown(v.get('pos'))}")
        for k in ("reportable", "damaging", "polymorphism"):
            _opt_bool(v.get(k), f"{w}.{k}")


def _fusions(fusions: Any) -> None:
    if isinstance(fusions, str) or fusions is None:
        return
    for i, f in enumerate(_list(fusions, "fusions")):
        w = f"fusions[{i}]"
        _dict(f, w)
        for k in ("fusion", "gene5", "gene3", "known_fusion_hint", "qc_warning"):
            _opt_str(f.get(k), f"{w}.{k}")
        for k in ("reads", "unique_start_sites"):
            _opt_num(f.get(k), f"{w}.{k}")
        _opt_bool(f.get("reported"), f"{w}.reported")


def _check(doc: Any) -> None:
    from .result import SCHEMA

    d = _dict(doc, "the document")
    if d.get("schema") != SCHEMA:
        _fail("schema", f"{SCHEMA!r} expected, not {_shown(d.get('schema'))} (not an lmsgen result)")
    if not isinstance(d.get("sample"), str) or not d["sample"].strip():
        _fail("sample", f"a sample name expected, not {_shown(d.get('sample'))}")
    _segments(d.get("segments"))
    _profile(d.get("profile"))
    _genes(d.get("genes"))
    _variants(d.get("variants"))
    _fusions(d.get("fusions"))
    for key in ("provenance", "qc", "biallelic"):
        if key in d:
            _dict(d[key], key)
    for name, b in (d.get("biallelic") or {}).items():
        _dict(b, f"biallelic.{name}")
    for i, w in enumerate(_list(d.get("warnings", []), "warnings")):
        if not isinstance(w, str):
            _fail(f"warnings[{i}]", f"text expected, not {_shown(w)}")
    prov = d.get("provenance") or {}
    if not isinstance(prov.get("inputs", []), list) or not all(isinstance(x, dict) for x in prov.get("inputs", [])):
        _fail("provenance.inputs", "a list of objects expected")
    if prov.get("thresholds") is not None:
        _dict(prov["thresholds"], "provenance.thresholds")
    sex = prov.get("sex")  # issue 13: {"value", "source"}; older results: a plain string
    if sex is not None and not isinstance(sex, str):
        sex = _dict(sex, "provenance.sex")
        if sex.get("value") not in ("female", "male", "unknown") or not isinstance(sex.get("source", ""), str):
            _fail("provenance.sex", f"value female, male or unknown and a text source expected, not {_shown(sex)}")
    if d.get("sequenced_territory") is not None and not isinstance(d["sequenced_territory"], (dict, str)):
        _fail("sequenced_territory", "an object or 'not_assessed' expected")


def is_result_doc(doc: Any, raise_errors: bool = False) -> bool:
    """Whether ``doc`` is an lmsgen result document (schema ``lmsgen.sample/1``) the plots and report can read.
    With ``raise_errors``, a :class:`ValueError` names the first bad key."""
    try:
        _check(doc)
    except _Bad as exc:
        if raise_errors:
            raise ValueError(str(exc)) from None
        return False
    return True


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text[:20]} is beyond any number lmsgen writes")
    return value


def load_result(path: str | Path) -> Any:
    """The :class:`~lms_genomics.result.SampleResult` of a result JSON; :class:`InputError` (one line, the file and
    the first bad key) for anything that is not a whole, valid lmsgen result."""
    from .io.text import require_regular_file
    from .result import SampleResult

    p = require_regular_file(path)
    try:
        if p.stat().st_size > MAX_RESULT_BYTES:
            raise InputError(p, f"larger than {MAX_RESULT_BYTES // (1024 * 1024)} MB: not an lmsgen result JSON")
        text = p.read_bytes().decode("utf-8-sig")
        doc = json.loads(text, parse_constant=_no_constants, parse_float=_finite)
    except InputError:
        raise
    except OSError as exc:
        raise InputError(p, f"cannot read file ({exc.strerror or exc})") from None
    except UnicodeDecodeError:
        raise InputError(p, "not UTF-8 text: not an lmsgen result JSON") from None
    except RecursionError:
        raise InputError(p, "not an lmsgen result JSON (nested too deeply)") from None
    except ValueError as exc:
        raise InputError(p, f"not valid JSON ({' '.join(str(exc).split())[:160]})") from None
    try:
        is_result_doc(doc, raise_errors=True)
    except ValueError as exc:
        raise InputError(p, f"not an lmsgen result JSON ({str(exc)[:200]})") from None
    try:
        return SampleResult.from_dict(doc)
    except (ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        raise InputError(p, f"not an lmsgen result JSON ({type(exc).__name__}: "
                            f"{' '.join(str(exc).split())[:160]})") from None
