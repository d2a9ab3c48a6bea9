"""Sample identity: do the names an assay's files give a sample designate the same patient?

The ChAS ``File`` column (``PATIENT-A.OSCHP``), the VCF's sample column, the Archer sample name, QC tables and the
sample folder each name the sample. Names are compared token by token (split on ``-``, ``_``, ``.`` and spaces,
case ignored): two names agree when their tokens are equal, or when one's tokens start the other's and what
follows is only suffix-like — file types (``.OSCHP``, ``.RC.OSCHP``, ``.CEL``), versions (``_v1``), short numbers
(``-01``: a block or aliquot), the OncoScan channel letter of a CEL file (``_A``/``_C``) and assay words (``DNA``,
``RNA``, ``T``/``tumour``). ``LMS-01`` and ``LMS-01_v1`` agree; ``LMS-01`` and ``LMS-02`` do not (neither
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
    "seg", "cns", "cnr", "segments", "probeset", "full", "results", "dna", "rna", "t", "tumor", "tumour", "a", "c",
})
_SUFFIX_PATTERN = re.compile(r"^(v\d{1,3}|\d{1,3}|r\d{1,2})$")


def tokens(name: str) -> list[str]:
    """The comparison tokens of a sample name (lower case, split on separators, empties dropped)."""
    return [t for t in _SPLIT.split(str(name).strip().lower()) if t]


def _suffix_like(token: str) -> bool:
    return token in SUFFIX_WORDS or bool(_SUFFIX_PATTERN.match(token))


def core_name(name: str) -> str:
    """The name without trailing suffix-like tokens, for display and grouping (``P1_v1.OSCHP`` → ``p1``); the whole
    name when every token is suffix-like (``01``)."""
    toks = tokens(name)
    end = len(toks)
    while end > 1 and _suffix_like(toks[end - 1]):
        end -= 1
    return "-".join(toks[:end]) if toks else ""


def same_sample(a: str, b: str) -> bool:
    """True when the two names designate the same sample by the rule of this module (see the module doc)."""
    ta, tb = tokens(a), tokens(b)
    if not ta or not tb:
        return True  # an empty name says nothing
    if ta == tb:
        return True
    short, long_ = (ta, tb) if len(ta) < len(tb) else (tb, ta)
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
