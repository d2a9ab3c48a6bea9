"""Canonical tables: fixed columns and dtypes, and the validators every reader runs at its boundary.

Each table has a schema (column → dtype, in order) and a bioframe-style validator ``is_<table>(df,
raise_errors=False)`` that returns True when valid or, with ``raise_errors=True``, raises ``ValueError`` saying
what is wrong; ``check_<table>(df)`` validates and returns ``df``. :data:`SCHEMAS` names them all (the reader
registry refers to them by name, the contract tests run every validator).

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

Probes (probe-level log2 ratios, for plots and QC): ``chrom`` (UCSC), ``pos`` (0-based, int64), ``log2``,
``baf``, ``allele_diff`` (float64, NaN where absent), sorted in karyotype order.

Variants (one row per ALT allele of each kept VCF record): see :data:`VARIANT_COLUMNS`; ``pos`` is the VCF
POS (1-based), ``norm_*`` the minimal allele, ``vaf == alt_reads / depth`` whenever both are known, ``called``
True when the tumour sample carries the allele with reads and the record passes its filters.

Fusions (one row per fusion call, 5′ partner first as the file gives it): see :data:`FUSION_COLUMNS`.

Panel copy number (Ion Reporter/Oncomine ``<CNV>`` records, evidence only, never used for calls): see
:data:`PANEL_CNV_COLUMNS`.

Genes (a gene reference, 0-based half-open): ``chrom``, ``start``, ``end``, ``gene``, ``strand``, ``groups``.

QC measures (one row per measure of one sample, from a ChAS/APT QC table, a coverageAnalysis report or Archer's
read statistics): see :data:`QC_COLUMNS`; ``assay`` is ``copy_number``, ``variants`` or ``fusions``, ``value`` a
non-negative number (NaN for a text measure such as the gender call, which is in ``text``).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ._lazy import pandas as pd
from .genome import CHROM_SIZES

SEGMENT_COLUMNS: dict[str, str] = {
    "sample": "str", "chrom": "str", "start": "int64", "end": "int64", "kind": "str", "type": "str",
    "copy_number": "float64", "log2": "float64", "markers": "Int64", "segment_id": "str",
    "source_line": "Int64",
}
SEGMENT_KINDS = {"cn", "loh"}
SEGMENT_TYPES = {"gain", "loss", "neutral", "loh"}

PROBE_COLUMNS: dict[str, str] = {"chrom": "str", "pos": "int64", "log2": "float64", "baf": "float64",
                                 "allele_diff": "float64"}

#: Variant table columns ("opt" = text or None).
VARIANT_COLUMNS: dict[str, str] = {
    "chrom": "str", "pos": "int64", "id": "opt", "ref": "str", "alt": "str", "norm_pos": "int64",
    "norm_ref": "str", "norm_alt": "str", "gene": "opt", "transcript": "opt", "hgvs_c": "opt", "hgvs_p": "opt",
    "function": "opt", "location": "opt", "clinvar": "opt", "vaf": "float64", "vaf_source": "opt",
    "depth": "float64", "alt_reads": "float64", "genotype": "str", "filter": "str", "filter_reasons": "opt",
    "hotspot_id": "opt", "pop_af": "float64", "source_line": "int64", "called": "bool",
}
#: FILTER values that do not fail a record (Ion Reporter exports write ``.``). The one definition.
PASSING_FILTERS = frozenset({"PASS", ".", ""})

FUSION_COLUMNS: dict[str, str] = {
    "gene5": "str", "gene3": "str", "breakpoint5": "opt", "breakpoint3": "opt", "transcript5": "opt",
    "transcript3": "opt", "exon5": "opt", "exon3": "opt", "reads": "Int64", "spanning_reads": "Int64",
    "unique_start_sites": "Int64", "support_unit": "str", "percent_reads": "float64", "in_frame": "object",
    "strong_evidence": "object", "category": "opt", "filter": "opt", "source_line": "Int64", "source_key": "opt",
}
SUPPORT_UNITS = {"unique_start_sites", "unique_molecules", "unknown"}

PANEL_CNV_COLUMNS: dict[str, str] = {
    "gene": "opt", "chrom": "str", "start": "int64", "end": "int64", "copy_number": "float64",
    "ci_low": "float64", "ci_high": "float64", "filter": "str", "source_line": "int64",
}

GENE_COLUMNS: dict[str, str] = {"chrom": "str", "start": "int64", "end": "int64", "gene": "str", "strand": "str",
                                "groups": "str"}

QC_COLUMNS: dict[str, str] = {"sample": "opt", "assay": "str", "measure": "str", "value": "float64", "text": "opt",
                              "source_line": "Int64"}
QC_ASSAYS = ("copy_number", "variants", "fusions")


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


# --------------------------------------------------------------------------------------------------- validation

_DTYPE_CHECKS: dict[str, Callable[[pd.Series], bool]] = {
    "int64": lambda s: pd.api.types.is_integer_dtype(s),
    "Int64": lambda s: pd.api.types.is_integer_dtype(s),
    "float64": lambda s: pd.api.types.is_float_dtype(s),
    "bool": lambda s: pd.api.types.is_bool_dtype(s),
    "str": lambda s: s.empty or bool(s.map(lambda v: isinstance(v, str)).all()),
    "opt": lambda s: s.empty or bool(s.map(lambda v: v is None or isinstance(v, str)).all()),
    "object": lambda s: True,
}
_DTYPE_WORDS = {"int64": "integer", "Int64": "integer", "float64": "float", "bool": "boolean", "str": "text",
                "opt": "text or None", "object": "any"}


def _validate(df: pd.DataFrame, schema: dict[str, str], table: str, raise_errors: bool,
              rows: Callable[[pd.DataFrame], str | None] | None = None) -> bool:
    """Columns and dtypes of ``schema``, then the table's own row checks (``rows`` returns a problem or None)."""

    def fail(msg: str) -> bool:
        if raise_errors:
            raise ValueError(f"invalid {table} table: {msg}")
        return False

    if not isinstance(df, pd.DataFrame):
        return fail(f"not a DataFrame ({type(df).__name__})")
    missing = [c for c in schema if c not in df.columns]
    if missing:
        return fail(f"missing columns {missing}")
    for col, dtype in schema.items():
        if not _DTYPE_CHECKS[dtype](df[col]):
            return fail(f"{col} must be {_DTYPE_WORDS[dtype]}")
    if df.empty or rows is None:
        return True
    problem = rows(df)
    return fail(problem) if problem else True


def _coordinates(df: pd.DataFrame, start: str, end: str | None) -> str | None:
    if not df["chrom"].isin(CHROM_SIZES.keys()).all():
        return f"unknown chromosomes {sorted(set(df['chrom']) - set(CHROM_SIZES))[:5]}"
    sizes = df["chrom"].map(CHROM_SIZES)
    if end is None:
        return "position beyond the hg19 chromosome end" if ((df[start] < 0) | (df[start] > sizes)).any() else None
    if (df[start] < 0).any() or (df[end] <= df[start]).any():
        return "start must be >= 0 and < end"
    if (df[end] > sizes).any():
        return "segment beyond the hg19 chromosome end"
    return None


def _segment_rows(df: pd.DataFrame) -> str | None:
    problem = _coordinates(df, "start", "end")
    if problem:
        return problem
    if not df["kind"].isin(SEGMENT_KINDS).all():
        return "kind must be cn or loh"
    if not df["type"].isin(SEGMENT_TYPES).all():
        return "type must be gain, loss, neutral or loh"
    cn = df[df["kind"] == "cn"]
    if (cn["copy_number"].isna() & cn["log2"].isna()).any() or (cn["copy_number"] < 0).any():
        return "cn segments need a non-negative copy_number or a log2 ratio"
    if ((df["kind"] == "loh") != (df["type"] == "loh")).any():
        return "kind loh if and only if type loh"
    if (df["markers"].dropna() < 0).any():
        return "markers must be >= 0"
    return None


def _probe_rows(df: pd.DataFrame) -> str | None:
    problem = _coordinates(df, "pos", None)
    if problem:
        return problem
    if np.isinf(df["log2"].to_numpy(dtype=float)).any():
        return "infinite log2 ratio"
    return None


def _variant_rows(df: pd.DataFrame) -> str | None:
    if (df["pos"] < 0).any() or (df["norm_pos"] < 0).any():
        return "pos must be >= 0"
    vaf = df["vaf"].dropna()
    if ((vaf < 0) | (vaf > 1 + 1e-9)).any():
        return "vaf must be within 0-1"
    if (df["depth"].dropna() < 0).any() or (df["alt_reads"].dropna() < 0).any():
        return "depth and alt_reads must be >= 0"
    if (df["ref"] == "").any() or (df["alt"] == "").any():
        return "ref and alt must not be empty"
    return None


def _fusion_rows(df: pd.DataFrame) -> str | None:
    if (df["gene5"].str.strip() == "").any() or (df["gene3"].str.strip() == "").any():
        return "gene5 and gene3 must not be empty"
    if not df["support_unit"].isin(SUPPORT_UNITS).all():
        return f"support_unit must be one of {sorted(SUPPORT_UNITS)}"
    for col in ("reads", "spanning_reads", "unique_start_sites"):
        if (df[col].dropna() < 0).any():
            return f"{col} must be >= 0"
    for col in ("in_frame", "strong_evidence"):
        if not df[col].map(lambda v: v is None or isinstance(v, bool)).all():
            return f"{col} must be True, False or None"
    return None


def _panel_cnv_rows(df: pd.DataFrame) -> str | None:
    if (df["end"] < df["start"]).any() or (df["start"] < 0).any():
        return "start must be >= 0 and <= end"
    if (df["copy_number"].dropna() < 0).any():
        return "copy_number must be >= 0"
    return None


def _gene_rows(df: pd.DataFrame) -> str | None:
    problem = _coordinates(df, "start", "end")
    if problem:
        return problem
    if (df["gene"].str.strip() == "").any():
        return "gene names must not be empty"
    return None


def _qc_rows(df: pd.DataFrame) -> str | None:
    if not df["assay"].isin(QC_ASSAYS).all():
        return f"assay must be one of {list(QC_ASSAYS)}"
    if (df["measure"].str.strip() == "").any():
        return "measure names must not be empty"
    values = df["value"].to_numpy(dtype=float)
    if np.isinf(values).any() or (values[~np.isnan(values)] < 0).any():
        return "value must be a finite number >= 0 (or NaN for a text measure)"
    if (np.isnan(values) & df["text"].isna().to_numpy()).any():
        return "a measure needs a value or a text"
    return None


def is_segments(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a canonical segment table (bioframe-style): columns, dtypes, coordinates, kinds."""
    return _validate(df, SEGMENT_COLUMNS, "segment", raise_errors, _segment_rows)


def is_probes(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a canonical probe table: columns, dtypes, hg19 positions, finite log2 ratios."""
    return _validate(df, PROBE_COLUMNS, "probe", raise_errors, _probe_rows)


def is_variants(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a canonical variant table: columns, dtypes, VAF within 0-1, non-negative counts."""
    return _validate(df, VARIANT_COLUMNS, "variant", raise_errors, _variant_rows)


def is_fusions(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a canonical fusion table: columns, dtypes, both partners named, counts >= 0."""
    return _validate(df, FUSION_COLUMNS, "fusion", raise_errors, _fusion_rows)


def is_panel_cnv(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a panel copy-number table (Oncomine ``<CNV>`` records)."""
    return _validate(df, PANEL_CNV_COLUMNS, "panel copy-number", raise_errors, _panel_cnv_rows)


def is_genes(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a gene reference table: columns, dtypes, hg19 coordinates, names."""
    return _validate(df, GENE_COLUMNS, "gene", raise_errors, _gene_rows)


def is_qc(df: pd.DataFrame, raise_errors: bool = False) -> bool:
    """Check a QC-measure table: columns, dtypes, known assays, non-negative finite values."""
    return _validate(df, QC_COLUMNS, "QC", raise_errors, _qc_rows)


def check_segments(df: pd.DataFrame) -> pd.DataFrame:
    """Validate and return ``df`` (raises ``ValueError`` if invalid)."""
    is_segments(df, raise_errors=True)
    return df


#: Every canonical table: name → (columns, validator). The registry names a reader's table by this key.
SCHEMAS: dict[str, tuple[dict[str, str], Callable[..., bool]]] = {
    "segments": (SEGMENT_COLUMNS, is_segments),
    "probes": (PROBE_COLUMNS, is_probes),
    "variants": (VARIANT_COLUMNS, is_variants),
    "fusions": (FUSION_COLUMNS, is_fusions),
    "panel_cnv": (PANEL_CNV_COLUMNS, is_panel_cnv),
    "genes": (GENE_COLUMNS, is_genes),
    "qc": (QC_COLUMNS, is_qc),
}


def check_table(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """Validate ``df`` against the schema called ``name`` (a key of :data:`SCHEMAS`) and return it."""
    SCHEMAS[name][1](df, raise_errors=True)
    return df
