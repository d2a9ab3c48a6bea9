"""Sample identity: do the names an assay's files give a sample designate the same patient?

The ChAS ``File`` column (``PATIENT-A.OSCHP``), the VCF's sample column, the Archer sample name, QC tables and the
sample folder each name the sample. Names are compared token by token (split on ``-``, ``_``, ``.`` and spaces,
case ignored), after removing trailing file types (``.OSCHP``, ``.RC.OSCHP``, ``_A.CEL``), versions (``_v1``) and
assay words (``DNA``, ``RNA``, ``T``/``tumour``): two names agree when their tokens are equal, or when one's
tokens start the other's and only such suffixes or a short number (``-01``: a block or aliquot) follow.
``H24-0153.RC.OSCHP``, ``H24-0153_v2`` and ``H24-0153-01`` agree; ``LMS-01`` and ``LMS-02`` do not (neither
starts the other), nor do ``PATIENT-A`` and ``PATIENT-B``. Torrent Suite's run decorations around a sample name
(``Auto_user_…``, ``IonXpress_001``) are not stripped: such a VCF column is reported as a disagreement, which the
reader can dismiss.

A disagreement is a warning naming both sources and both names, never an error: identity checks inform, a person
decides.
"""

from __future__ import annotations

import re

_SPLIT = re.compile(r"[\s._\-]+")
#: Tokens that may follow a sample name without changing whom it designates.
SUFFIX_WORDS = frozenset({
    "oschp", "rc", "cel", "cychp", "cnchp", "chp", "txt", "tsv", "csv", "vcf", "gz", "bgz", "bcf", "bam", "json",
    "seg", "cns", "cnr", "segments", "probeset", "full", "results", "dna", "rna", "t", "tumor", "tumour",
})
_VERSION = re.compile(r"^(v\d{1,3}|r\d{1,2})$")
_SHORT_NUMBER = re.compile(r"^\d{1,3}$")


def tokens(name: str) -> list[str]:
    """The comparison tokens of a sample name (lower case, split on separators, empties dropped), with the
    trailing file types, versions and assay words removed (``H24-0153.RC.OSCHP`` → ``h24 0153``; an OncoScan
    channel ``_A.CEL``/``_C.CEL`` too). Short numbers are kept: ``LMS-01`` and ``LMS-02`` stay apart."""
    toks = [t for t in _SPLIT.split(str(name).strip().lower()) if t]
    if len(toks) > 2 and toks[-1] == "cel" and toks[-2] in ("a", "c"):
        toks = toks[:-2]
    while len(toks) > 1 and (toks[-1] in SUFFIX_WORDS or _VERSION.match(toks[-1])):
        toks.pop()
    return toks


def _suffix_like(token: str) -> bool:
    return token in SUFFIX_WORDS or bool(_VERSION.match(token) or _SHORT_NUMBER.match(token))


def same_sample(a: str, b: str) -> bool:
    """True when the two names designate the same sample by the rule of this module (see the module doc)."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return True  # an empty name says nothing
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)  # then a block/aliquot number may follow
    if long_[:len(short)] != short:
        return False
    return all(_suffix_like(t) for t in long_[len(short):])


def identity_warnings(names: list[tuple[str, str | None]]) -> list[str]:
    """Warnings for the sources whose sample name disagrees with the first source's name.

    ``names``: (source, name) pairs, the reference first (e.g. ``("the ChAS export (File column)", "P1.OSCHP")``,
    ``("the VCF sample column", "P2")``, ``("the folder", "P1")``); sources without a name are skipped. Each
    disagreement gives one warning naming both sources and both names.
    """
    given = [(src, str(n)) for src, n in names if n is not None and str(n).strip()]
    if len(given) < 2:
        return []
    out = []
    ref_src, ref = given[0]
    for src, name in given[1:]:
        if not same_sample(ref, name):
            out.append(f"sample identity: {ref_src} names {ref!r} but {src} names {name!r} (compared ignoring "
                       f"suffixes such as .OSCHP, _v1, -01): check that both files come from the same patient")
    return out


def matching(name: str, candidates: list[str]) -> list[str]:
    """The candidates that designate the same sample as ``name``."""
    return [c for c in candidates if same_sample(name, c)]
