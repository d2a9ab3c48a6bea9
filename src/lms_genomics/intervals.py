"""Interval operations, vectorised, behind one small module (pyranges 0.1.x today; a move is this file).

All tables use lmsgen's canonical columns ``chrom``, ``start``, ``end`` (0-based half-open).
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable
from typing import TypeVar

import pandas as pd
import pyranges as pr

F = TypeVar("F", bound=Callable[..., pd.DataFrame])


def _quiet(func: F) -> F:
    """pyranges 0.1.x uses pandas APIs that pandas 3 deprecates; keep those warnings out of our output."""

    @functools.wraps(func)
    def wrapper(*args, **kwargs):  # type: ignore[no-untyped-def]
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", category=FutureWarning)
            warnings.filterwarnings("ignore", category=DeprecationWarning)
            warnings.filterwarnings("ignore", message=".*(lsuffix|chained_assignment|ChainedAssignment).*")
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _to_pr(df: pd.DataFrame) -> pr.PyRanges:
    d = df.rename(columns={"chrom": "Chromosome", "start": "Start", "end": "End"})
    return pr.PyRanges(d)


def _from_pr(gr: pr.PyRanges) -> pd.DataFrame:
    df = gr.df
    if df.empty:
        return pd.DataFrame(columns=["chrom", "start", "end"])
    df = df.rename(columns={"Chromosome": "chrom", "Start": "start", "End": "end"})
    df["chrom"] = df["chrom"].astype(str)
    return df


@_quiet
def overlap_join(left: pd.DataFrame, right: pd.DataFrame, suffix: str = "_b") -> pd.DataFrame:
    """All pairs (left row, right row) whose intervals overlap by at least one base.

    Columns of ``right`` that clash with ``left`` get ``suffix`` (its coordinates become
    ``start{suffix}``/``end{suffix}``). Returns an empty frame with the joined columns when nothing overlaps.
    """
    if left.empty or right.empty:
        cols = list(left.columns) + [c if c not in left.columns else c + suffix for c in right.columns
                                     if c != "chrom"]
        return pd.DataFrame(columns=cols)
    joined = _to_pr(left).join(_to_pr(right), suffix=suffix)
    out = _from_pr(joined)
    out = out.rename(columns={f"Start{suffix}": f"start{suffix}", f"End{suffix}": f"end{suffix}"})
    return out


@_quiet
def merge(df: pd.DataFrame, by: list[str] | None = None, slack: int = 0) -> pd.DataFrame:
    """Merge overlapping intervals (and those within ``slack`` bases) per chromosome and ``by`` columns."""
    if df.empty:
        return pd.DataFrame(columns=["chrom", "start", "end", *(by or [])])
    gr = _to_pr(df[["chrom", "start", "end", *(by or [])]])
    merged = gr.merge(by=by, slack=slack, count=True) if by else gr.merge(slack=slack, count=True)
    out = _from_pr(merged).rename(columns={"Count": "n_merged"})
    return out


@_quiet
def intersect(df: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Parts of ``df`` intervals inside ``regions`` (each df row clipped, rows outside dropped)."""
    if df.empty or regions.empty:
        return df.iloc[0:0].copy()
    return _from_pr(_to_pr(df).intersect(_to_pr(regions[["chrom", "start", "end"]])))


@_quiet
def subtract(df: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """Parts of ``df`` intervals outside ``regions``."""
    if df.empty or regions.empty:
        return df.copy()
    return _from_pr(_to_pr(df).subtract(_to_pr(regions[["chrom", "start", "end"]])))
