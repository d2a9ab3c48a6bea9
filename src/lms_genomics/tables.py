"""Canonical tables: fixed columns and dtypes, and validators used at every public boundary.

Segments (one row per segment of one or more samples):

=============  =========  =====================================================================
column         dtype      meaning
=============  =========  =====================================================================
sample         str        sample name
chrom          str        UCSC name (chr1 … chrY)
start, end     int64      0-based half-open, hg19
kind           str        ``cn`` (a copy-number segment) or ``loh`` (an LOH segment)
type           str        ``gain``, ``loss``, ``neutral`` (cn rows) or ``loh``
copy_number    float64    absolute total copy number (NaN for LOH rows; for log2 inputs NaN until
                          computed with purity and ploidy)
log2           float64    log2 ratio when the source gives one (NaN otherwise)
markers        Int64      probes/markers in the segment (NA when unknown)
segment_id     str        id in the source (``Name/ID``) or ``<file>:<line>``
source_line    Int64      1-based line of the source file
=============  =========  =====================================================================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .genome import CHROM_SIZES

SEGMENT_COLUMNS: dict[str, str] = {
    "sample": "str", "chrom": "str", "start": "int64", "end": "int64", "kind": "str", "type": "str",
    "copy_number": "float64", "log2": "float64", "markers": "Int64", "segment_id": "str",
    "source_line": "Int64",
}
SEGMENT_KINDS = {"cn", "loh"}
SEGMENT_TYPES = {"gain", "loss", "neutral", "loh"}


def empty_segments() -> pd.DataFrame:
    """An empty canonical segment table."""
    return pd.DataFrame({c: pd.Series(dtype=t if t != "str" else object) for c, t in SEGMENT_COLUMNS.items()})


def conform_segments(df: pd.DataFrame) -> pd.DataFrame:
    """Order columns and set dtypes of a segment table built by a reader (missing optional columns added)."""
    out = pd.DataFrame(index=df.index)
    for col, dtype in SEGMENT_COLUMNS.items():
        if col in df:
            s = df[col]
        elif col in ("log2", "copy_number"):
            s = pd.Series(np.nan, index=df.index)
        elif col in ("markers", "source_line"):
            s = pd.Series(pd.NA, index=df.index, dtype="Int64")
        else:
            s = pd.Series("", index=df.index)
        out[col] = s.astype(object).astype(str) if dtype == "str" else s.astype(dtype)
    return out.reset_index(drop=True)


def is_segments(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a canonical segment table (bioframe-style): columns, dtypes, coordinates, kinds.

    Returns True when valid; with ``raise_errors=True`` raises ``ValueError`` saying what is wrong.
    """

    def fail(msg: str) -> bool:
        if raise_errors:
            raise ValueError(f"invalid segment table: {msg}")
        return False

    missing = [c for c in SEGMENT_COLUMNS if c not in df.columns]
    if missing:
        return fail(f"missing columns {missing}")
    for col in ("start", "end"):
        if not pd.api.types.is_integer_dtype(df[col]):
            return fail(f"{col} must be integer")
    for col in ("copy_number", "log2"):
        if not pd.api.types.is_float_dtype(df[col]):
            return fail(f"{col} must be float")
    if df.empty:
        return True
    if (df["start"] < 0).any() or (df["end"] <= df["start"]).any():
        return fail("start must be >= 0 and < end")
    if not df["chrom"].isin(CHROM_SIZES.keys()).all():
        return fail(f"unknown chromosomes {sorted(set(df['chrom']) - set(CHROM_SIZES))}")
    if (df["end"] > df["chrom"].map(CHROM_SIZES)).any():
        return fail("segment beyond the hg19 chromosome end")
    if not df["kind"].isin(SEGMENT_KINDS).all():
        return fail("kind must be cn or loh")
    if not df["type"].isin(SEGMENT_TYPES).all():
        return fail("type must be gain, loss, neutral or loh")
    cn = df[df["kind"] == "cn"]
    if (cn["copy_number"].isna() & cn["log2"].isna()).any() or (cn["copy_number"] < 0).any():
        return fail("cn segments need a non-negative copy_number or a log2 ratio")
    if ((df["kind"] == "loh") != (df["type"] == "loh")).any():
        return fail("kind loh if and only if type loh")
    return True


def check_segments(df: pd.DataFrame) -> pd.DataFrame:
    """Validate and return ``df`` (raises ``ValueError`` if invalid)."""
    is_segments(df, raise_errors=True)
    return df
