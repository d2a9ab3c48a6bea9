"""The one cell rule of every TSV lmsgen writes (``<sample>.genes.tsv``, ``<sample>.variants.tsv``,
``<sample>.igv.seg``, ``cohort.tsv``): text from inputs must never become a spreadsheet formula.

Text reaches these files from the inputs — sample names, gene names of a user's BED, HGVS strings and gene symbols
of a VCF's annotation, fusion partners, sample-sheet ids in messages — and a spreadsheet opening the TSV runs a cell
that starts with ``=``, ``+``, ``-`` or ``@`` as a formula (``=1+cmd|' /C calc'!A0``, ``@SUM(...)``): CSV/formula
injection. The OWASP rule (https://owasp.org/www-community/attacks/CSV_Injection) is applied to every text cell:
a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return (or their full-width forms, which some
spreadsheets also read as formula signs) is prefixed with a single quote ``'``, which spreadsheets show as text
and never evaluate. Numbers stay numbers: a cell that *is* a number (``-0.5``, ``+3``, ``-1e-05``) is written as
it is, and numeric values are never touched. Tabs, carriage returns and newlines inside a cell become single
spaces (one record per line). The JSON keeps the original text.
"""

from __future__ import annotations

import re
from typing import Any

from ..result import _clean

#: First characters that make a spreadsheet read a cell as a formula (OWASP), with their full-width forms.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_PLAIN_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


def safe_text(text: str) -> str:
    """``text`` on one line (tabs, CR, LF and runs of spaces become one space) and, when it would start a
    spreadsheet formula and is not a plain number, prefixed with ``'`` (OWASP CSV-injection rule)."""
    text = str(text)
    if text.isalnum():  # most cells (gene symbols, sample ids, states' parts): nothing to fold, no formula sign
        return text
    one_line = " ".join(text.split())
    if one_line.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.match(one_line):
        return "'" + one_line
    return one_line


def tsv_cell(value: Any, decimals: int | None = None) -> str:
    """One TSV cell: empty for missing values, floats rounded to ``decimals`` when given, lists joined with
    ``"; "``, text through :func:`safe_text`. Numbers (int, float, bool) are written as they are."""
    value = _clean(value)
    if value is None:
        return ""
    if isinstance(value, float) and decimals is not None:
        return f"{round(value, decimals):g}"
    if isinstance(value, (list, tuple)):
        return safe_text("; ".join(" ".join(str(v).split()) for v in value))
    if isinstance(value, (bool, int, float)):
        return str(value)
    return safe_text(str(value))

