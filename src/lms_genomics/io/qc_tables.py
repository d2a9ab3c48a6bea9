"""What the QC readers share: :class:`QcReport` (one QC file: its measures as the canonical QC table,
:data:`lms_genomics.tables.QC_COLUMNS`) and the choice of one sample's row.

Each QC format has its own module and registry entry: ``apt_qc`` (ChAS/APT QC tables, and QC values in the
``#`` header of ChAS/APT exports), ``ion_coverage`` (Torrent Suite coverageAnalysis ``*.stats.cov.txt``) and
``archer_read_stats`` (Archer Analysis read statistics JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .._lazy import pandas as pd
from ..genome import sha256_file
from ..identity import same_sample
from ..tables import QC_COLUMNS, check_table


@dataclass
class QcReport:
    """One QC file: ``format`` (its registry name), the canonical QC table (one row per sample and measure) and
    the warnings of its reader."""

    path: Path
    sha256: str
    format: str
    table: pd.DataFrame
    warnings: list[str] = field(default_factory=list)

    @property
    def samples(self) -> list[str | None]:
        """Sample names of the file, in file order (None for a file that names none)."""
        seen: dict[Any, None] = {}
        for s in self.table["sample"].tolist():
            seen.setdefault(s, None)
        return list(seen)

    def for_sample(self, sample: str | None) -> tuple[str | None, dict[str, Any]] | None:
        """(name in the file, measures) of the row block designating ``sample``: the only block of a one-sample file
        (whatever it is called: identity is checked separately), else the one whose name agrees with ``sample``
        (:func:`lms_genomics.identity.same_sample`); None when none or several agree."""
        names = self.samples
        if len(names) == 1:
            chosen = names[0]
        else:
            hits = [n for n in names if n is not None and sample is not None and same_sample(n, sample)]
            if len(hits) != 1:
                return None
            chosen = hits[0]
        rows = self.table[self.table["sample"].map(lambda s: s == chosen)]
        return chosen, measures_of(rows)


def measures_of(rows: pd.DataFrame) -> dict[str, Any]:
    """``{measure: value or text}`` of QC-table rows (the value when numeric, else the text)."""
    out: dict[str, Any] = {}
    for r in rows.to_dict("records"):
        v = r["value"]
        out[r["measure"]] = r["text"] if v is None or (isinstance(v, float) and np.isnan(v)) else float(v)
    return out


def qc_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The canonical QC table of ``rows`` (dicts with the :data:`QC_COLUMNS` keys), validated."""
    df = pd.DataFrame(rows, columns=list(QC_COLUMNS))
    df["sample"] = df["sample"].astype(object).where(df["sample"].notna(), None)
    df["assay"] = df["assay"].astype(object)
    df["measure"] = df["measure"].astype(object)
    df["value"] = pd.to_numeric(df["value"]).astype("float64")
    df["text"] = df["text"].astype(object).where(df["text"].notna(), None)
    df["source_line"] = pd.array(df["source_line"].tolist(), dtype="Int64")
    return check_table("qc", df)


def qc_report(path: Path, fmt: str, rows: list[dict[str, Any]], warnings: list[str]) -> QcReport:
    """A :class:`QcReport` of ``path`` (hashed) from its measure rows."""
    return QcReport(path, sha256_file(path), fmt, qc_table(rows), warnings)
