"""The typed result of one sample, and its JSON form (schema ``lmsgen.sample/1``)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from .calling.profile import Profile

SCHEMA = "lmsgen.sample/1"
SEGMENT_FIELDS = ["chrom", "start", "end", "kind", "type", "state", "copy_number", "log2", "markers", "segment_id",
                  "source_line", "in_profile"]
#: ``profile`` keys of the QC (issue 15), kept through :meth:`SampleResult.from_dict`.
PROFILE_EXTRA_KEYS = ("measured_class", "tumour_content", "class_statement")
GENE_FIELDS = ["chrom", "start", "end", "call", "copy_number", "min_copy_number", "max_copy_number", "loh",
               "loh_fraction", "partial", "covered_fraction"]


def _clean(value: Any) -> Any:
    """JSON-safe scalars: NaN/NA → None, numpy → Python."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common cases first: called ~5,000 times per sample
        return value
    if kind is float:
        return None if value != value else value
    if value is None or value is pd.NA:
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _column_values(col: pd.Series) -> list[Any]:
    """A column as JSON-ready Python values (NaN/NA → None, numpy → Python)."""
    if pd.api.types.is_float_dtype(col):
        return [None if v != v else v for v in col.to_numpy(dtype=float).tolist()]
    if pd.api.types.is_integer_dtype(col) and not col.hasnans:
        return col.to_numpy(dtype="int64").tolist()
    if pd.api.types.is_bool_dtype(col) and not col.hasnans:
        return col.to_numpy(dtype=bool).tolist()
    return [_clean(v) for v in col.tolist()]


def _records(df: pd.DataFrame | dict[str, pd.Series]) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts (column-wise conversion: NaN/NA → None, numpy → Python)."""
    columns = {c: _column_values(df[c]) for c in (df.columns if isinstance(df, pd.DataFrame) else df)}
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]


@dataclass
class SampleResult:
    """Everything lmsgen concluded about one sample, with the evidence and provenance behind it.

    ``genes`` has one row per gene (call, copy number, LOH, partial, deciding segment); ``evidence`` one
    row per (gene, overlapping segment); ``segments`` the sample's segments with their state and whether
    they count in the profile.
    """

    sample: str
    profile: Profile | None  # None: no copy-number input ("not_assessed")
    genes: pd.DataFrame | None
    evidence: pd.DataFrame | None
    segments: pd.DataFrame | None
    arm_level: dict[str, Any] | None
    provenance: dict[str, Any]
    qc: dict[str, Any]
    biallelic: dict[str, Any]
    variants: Any = "not_assessed"
    fusions: Any = "not_assessed"
    warnings: list[str] = field(default_factory=list)
    #: ISCN aberration list as read from a result JSON (``profile.iscn``); None: computed from the segments.
    iscn: list[dict[str, Any]] | None = None
    sequenced_territory: Any = "not_assessed"  # gene -> covered fraction of the coding sequence (panel BED)
    panel_copy_number: list[dict[str, Any]] | None = None  # Oncomine <CNV> records: evidence, not used for calls
    #: Keys added to ``profile`` by the QC (issue 15): ``measured_class``, ``tumour_content``, ``class_statement``.
    profile_extra: dict[str, Any] | None = None

    @property
    def profile_class(self) -> str:
        """``flat``, ``simple``, ``complex``, ``non_contributory`` (copy-number QC failed; the measured class is in
        ``profile_extra["measured_class"]``), or ``not_assessed`` without copy-number data."""
        return self.profile.profile_class if self.profile is not None else "not_assessed"

    def gene(self, name: str) -> dict[str, Any]:
        """The JSON object of one gene (KeyError if the gene is not in the reference)."""
        if self.genes is None:
            raise KeyError(f"{name}: copy number not assessed for {self.sample}")
        return self._gene_objects()[name]

    def gene_call(self, name: str) -> str:
        """The call of one gene, e.g. ``homozygous_deletion``."""
        if self.genes is None:
            return "not_assessed"
        row = self.genes.loc[self.genes["gene"] == name]
        if row.empty:
            raise KeyError(name)
        return str(row["call"].iloc[0])

    def _gene_objects(self) -> dict[str, Any]:
        ev_by_gene: dict[str, list[dict[str, Any]]] = {}
        if self.genes is None or self.evidence is None:
            return {}
        if not self.evidence.empty:
            ev = self.evidence
            table = {
                "gene": ev["gene"], "segment_id": ev["segment_id"], "chrom": ev["chrom"], "start": ev["start_b"],
                "end": ev["end_b"], "size": pd.to_numeric(ev["end_b"]) - pd.to_numeric(ev["start_b"]),
                "kind": ev["kind"], "type": ev["type"], "state": ev["state"], "copy_number": ev["copy_number"],
                "markers": ev["markers"], "overlap_bp": ev["overlap_bp"], "gene_fraction": ev["gene_fraction"],
                "source_line": ev["source_line"], "in_profile": ev["in_profile"]}
            for rec in _records(table):
                ev_by_gene.setdefault(rec.pop("gene"), []).append(rec)
        out: dict[str, Any] = {}
        wanted = ["gene", *GENE_FIELDS, "deciding_segment_id", "deciding_start", "deciding_end", "deciding_markers",
                  "deciding_source_line", "deciding_in_profile"]
        for rec in _records({c: self.genes[c] for c in wanted}):
            deciding = None
            if _clean(rec["deciding_segment_id"]) is not None:
                deciding = {
                    "segment_id": rec["deciding_segment_id"], "chrom": rec["chrom"],
                    "start": _clean(rec["deciding_start"]), "end": _clean(rec["deciding_end"]),
                    "size": _clean(rec["deciding_end"] - rec["deciding_start"]),
                    "markers": _clean(rec["deciding_markers"]), "source_line": _clean(rec["deciding_source_line"]),
                    "in_profile": _clean(rec["deciding_in_profile"]),
                }
            notes = []
            if deciding and deciding["in_profile"] is False:
                notes.append("the deciding segment is below the profile size/marker floor: it makes this call "
                             "but is not counted as a profile anomaly")
            if rec["partial"]:
                notes.append(f"gene only partly covered by the deciding segment ({rec['covered_fraction']:.0%})")
            out[rec["gene"]] = {
                "call": rec["call"], "copy_number": _clean(rec["copy_number"]),
                "min_copy_number": _clean(rec["min_copy_number"]), "max_copy_number": _clean(rec["max_copy_number"]),
                "loh": _clean(rec["loh"]), "loh_fraction": _clean(rec["loh_fraction"]),
                "partial": bool(rec["partial"]), "covered_fraction": _clean(rec["covered_fraction"]),
                "chrom": rec["chrom"], "start": _clean(rec["start"]), "end": _clean(rec["end"]),
                "deciding_segment": deciding, "evidence": ev_by_gene.get(rec["gene"], []), "notes": notes,
            }
        return out

    def _segment_records(self) -> Any:
        if self.segments is None:
            return "not_assessed"
        cols = [c for c in SEGMENT_FIELDS if c in self.segments.columns]
        return _records(self.segments[cols])

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> SampleResult:
        """Rebuild a result from its JSON document (to plot or report an existing result)."""
        if doc.get("schema") != SCHEMA:
            raise ValueError(f"not an lmsgen result (schema {doc.get('schema')!r}, expected {SCHEMA})")
        segments = pd.DataFrame(doc["segments"]) if isinstance(doc.get("segments"), list) else None
        if segments is not None and segments.empty:
            segments = pd.DataFrame(columns=SEGMENT_FIELDS)
        prof = doc.get("profile")
        profile = arm_level = iscn = None
        if isinstance(prof, dict):
            iscn = prof.get("iscn") if isinstance(prof.get("iscn"), list) else None
            anomalies = pd.DataFrame(prof.get("anomaly_segments", []),
                                     columns=["chrom", "start", "end", "state", "markers", "segment_ids"])
            profile = Profile(prof["class"], prof["anomalies"], prof["chromosomes"], prof["genomic_index"],
                              prof["fga"], prof.get("rule", ""), anomalies,
                              scores=prof["scores"] if isinstance(prof.get("scores"), dict) else None)
            arm_level = prof.get("arm_level")
        genes = evidence = None
        if isinstance(doc.get("genes"), dict):
            rows, ev = [], []
            for name, g in doc["genes"].items():
                d = g.get("deciding_segment") or {}
                rows.append({"gene": name, **{k: g.get(k) for k in GENE_FIELDS},
                             **{f"deciding_{k}": d.get(k) for k in ("segment_id", "start", "end", "markers",
                                                                     "source_line", "in_profile")}})
                for e in g.get("evidence", []):
                    ev.append({"gene": name, "chrom": e["chrom"], "start": g["start"], "end": g["end"],
                               "start_b": e["start"], "end_b": e["end"],
                               **{k: e.get(k) for k in ("segment_id", "kind", "type", "state", "copy_number",
                                                        "markers", "source_line", "in_profile", "overlap_bp",
                                                        "gene_fraction")}})
            genes = pd.DataFrame(rows)
            genes["deciding_start"] = pd.array(genes["deciding_start"], dtype="Int64")
            genes["deciding_end"] = pd.array(genes["deciding_end"], dtype="Int64")
            evidence = pd.DataFrame(ev)
        return cls(sample=doc["sample"], profile=profile, genes=genes, evidence=evidence, segments=segments,
                   arm_level=arm_level, provenance=doc.get("provenance", {}), qc=doc.get("qc", {}),
                   biallelic=doc.get("biallelic", {}), variants=doc.get("variants", "not_assessed"),
                   fusions=doc.get("fusions", "not_assessed"), warnings=list(doc.get("warnings", [])),
                   iscn=iscn, sequenced_territory=doc.get("sequenced_territory", "not_assessed"),
                   panel_copy_number=doc.get("panel_copy_number"),
                   profile_extra={k: prof[k] for k in PROFILE_EXTRA_KEYS if k in prof} if isinstance(prof, dict)
                   else None)

    def to_dict(self) -> dict[str, Any]:
        """The full result as plain JSON-ready data (schema ``lmsgen.sample/1``)."""
        profile: Any = "not_assessed"
        if self.profile is not None:
            profile = self.profile.as_dict()
            profile.update(self.profile_extra or {})
            profile["arm_level"] = self.arm_level
            from .report.iscn import result_iscn

            profile["iscn"] = result_iscn(self)
            profile["anomaly_segments"] = [
                {"chrom": r["chrom"], "start": _clean(r["start"]), "end": _clean(r["end"]), "state": r["state"],
                 "markers": _clean(r["markers"]), "segment_ids": list(r["segment_ids"])}
                for r in self.profile.anomaly_table.to_dict("records")
            ]
        doc = {
            "schema": SCHEMA,
            "sample": self.sample,
            "segments": self._segment_records(),
            "provenance": self.provenance,
            "profile": profile,
            "genes": self._gene_objects() if self.genes is not None else "not_assessed",
            "variants": self.variants,
            "fusions": self.fusions,
            "biallelic": self.biallelic,
            "sequenced_territory": self.sequenced_territory,
            "qc": self.qc,
            "warnings": list(self.warnings),
        }
        if self.panel_copy_number is not None:  # present only when the VCF carried panel CNV records
            doc["panel_copy_number"] = self.panel_copy_number
        return doc
