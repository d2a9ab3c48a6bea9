"""The typed result of one sample, and its JSON form (schema ``lmsgen.sample/1``).

The copy-number side of a result is held as arrays (:class:`CopyNumberCalls`); its JSON is written from them.
The tables of the public API (``genes``, ``evidence``, ``segments``) are built on first access, so a pipeline that
only writes JSON never builds a DataFrame (nor imports pandas).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .calling.genes import GeneCalls, evidence_frame, evidence_of, evidence_records
from .calling.profile import Anomalies, Profile
from .genome import GeneReference
from .segarrays import SegmentArrays

if TYPE_CHECKING:
    import pandas as pd

SCHEMA = "lmsgen.sample/1"
SEGMENT_FIELDS = ["chrom", "start", "end", "kind", "type", "state", "copy_number", "log2", "markers", "segment_id",
                  "source_line", "in_profile"]
#: ``profile`` keys of the QC (issue 15), kept through :meth:`SampleResult.from_dict`.
PROFILE_EXTRA_KEYS = ("measured_class", "tumour_content", "class_statement", "ploidy")
GENE_FIELDS = ["chrom", "start", "end", "call", "copy_number", "min_copy_number", "max_copy_number", "loh",
               "loh_fraction", "partial", "covered_fraction"]


def _clean(value: Any) -> Any:
    """JSON-safe scalars: NaN/NA → None, numpy → Python."""
    kind = type(value)
    if kind is str or kind is int or kind is bool:  # the common cases first
        return value
    if kind is float:
        return None if value != value else value
    if value is None or kind.__name__ == "NAType":  # pandas.NA, without importing pandas
        return None
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _records(df: Any) -> list[dict[str, Any]]:
    """Rows of a DataFrame (or a dict of columns) as JSON-ready dicts (NaN/NA → None, numpy → Python)."""
    columns = {c: [_clean(v) for v in df[c].tolist()] for c in df}
    keys = list(columns)
    return [dict(zip(keys, row, strict=True)) for row in zip(*columns.values(), strict=True)]


@dataclass
class CopyNumberCalls:
    """The copy-number side of a result as arrays: the called segments, the gene calls and either the gene
    reference (evidence is then computed from the segments on demand) or the evidence lists read from a JSON."""

    segments: SegmentArrays
    genes: GeneCalls
    reference: GeneReference | None = None
    evidence_lists: dict[str, list[dict[str, Any]]] | None = None

    def evidence_by_gene(self) -> dict[str, list[dict[str, Any]]] | None:
        """Gene → its JSON evidence list (None when neither a reference nor stored lists are there)."""
        if self.evidence_lists is not None:
            return self.evidence_lists
        if self.reference is None:
            return None
        return evidence_records(self.reference, self.segments, evidence_of(self.reference, self.segments))


class SampleResult:
    """Everything lmsgen concluded about one sample, with the evidence and provenance behind it.

    ``genes`` has one row per gene (call, copy number, LOH, partial, deciding segment); ``evidence`` one row per
    (gene, overlapping segment); ``segments`` the sample's segments with their state and whether they count in the
    profile — tables built from the arrays of :attr:`copy_number` on first access (None without copy-number data).
    """

    def __init__(self, sample: str, profile: Profile | None, *, copy_number: CopyNumberCalls | None = None,
                 arm_level: dict[str, Any] | None = None, provenance: dict[str, Any] | None = None,
                 qc: dict[str, Any] | None = None, biallelic: dict[str, Any] | None = None,
                 variants: Any = "not_assessed", fusions: Any = "not_assessed", warnings: list[str] | None = None,
                 iscn: list[dict[str, Any]] | None = None, sequenced_territory: Any = "not_assessed",
                 panel_copy_number: list[dict[str, Any]] | None = None,
                 profile_extra: dict[str, Any] | None = None) -> None:
        self.sample = sample
        self.profile = profile  # None: no copy-number input ("not_assessed")
        self.copy_number = copy_number
        self.arm_level = arm_level
        self.provenance = provenance if provenance is not None else {}
        self.qc = qc if qc is not None else {}
        self.biallelic = biallelic if biallelic is not None else {}
        self.variants = variants
        self.fusions = fusions
        self.warnings = list(warnings or [])
        #: ISCN aberration list as read from a result JSON (``profile.iscn``); None: computed from the segments.
        self.iscn = iscn
        self.sequenced_territory = sequenced_territory  # gene -> covered fraction of the coding sequence
        self.panel_copy_number = panel_copy_number  # Oncomine <CNV> records: evidence, not used for calls
        #: Keys added to ``profile`` by the QC (issue 15): ``measured_class``, ``tumour_content``, ``class_statement``.
        self.profile_extra = profile_extra
        self._frames: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"SampleResult(sample={self.sample!r}, profile_class={self.profile_class!r})"

    # ------------------------------------------------------------------------------------------- tables

    def _frame(self, name: str) -> Any:
        if self.copy_number is None:
            return None
        if name not in self._frames:
            cn = self.copy_number
            if name == "segments":
                self._frames[name] = cn.segments.to_frame(self.sample)
            elif name == "genes":
                self._frames[name] = cn.genes.to_frame()
            else:
                self._frames[name] = self._evidence_frame()
        return self._frames[name]

    def _set_frame(self, name: str, table: pd.DataFrame | None) -> None:
        """Replace a table: the arrays (and so the JSON) follow it; later in-place edits of the table do not."""
        if table is None:
            self.copy_number = None
            self._frames.clear()
            return
        if self.copy_number is None:
            raise ValueError(f"{self.sample}: no copy-number part to replace the {name} table of")
        cn = self.copy_number
        if name == "segments":
            cn.segments = SegmentArrays.from_frame(table, sample=self.sample)
        elif name == "genes":
            cn.genes = GeneCalls.from_frame(table)
        else:
            cn.evidence_lists = {}
            for rec in table.to_dict("records"):
                item = {"segment_id": rec.get("segment_id"), "chrom": rec.get("chrom"), "start": rec.get("start_b"),
                        "end": rec.get("end_b")}
                item["size"] = item["end"] - item["start"]
                item.update({k: rec.get(k) for k in ("kind", "type", "state", "copy_number", "markers",
                                                      "overlap_bp", "gene_fraction", "source_line", "in_profile")})
                cn.evidence_lists.setdefault(rec["gene"], []).append({k: _clean(v) for k, v in item.items()})
        self._frames.clear()
        self._frames[name] = table

    @property
    def segments(self) -> pd.DataFrame | None:
        """The sample's segments (canonical columns, ``state``, ``in_profile``, ``excluded_from_calls``)."""
        return self._frame("segments")

    @segments.setter
    def segments(self, table: pd.DataFrame | None) -> None:
        self._set_frame("segments", table)

    @property
    def genes(self) -> pd.DataFrame | None:
        """One row per gene of the reference: call, copy numbers, LOH, partial flag, deciding segment."""
        return self._frame("genes")

    @genes.setter
    def genes(self, table: pd.DataFrame | None) -> None:
        self._set_frame("genes", table)

    @property
    def evidence(self) -> pd.DataFrame | None:
        """One row per (gene, overlapping segment), with the overlap."""
        return self._frame("evidence")

    @evidence.setter
    def evidence(self, table: pd.DataFrame | None) -> None:
        self._set_frame("evidence", table)

    def _evidence_frame(self) -> pd.DataFrame:
        from ._lazy import pandas as pd

        cn = self.copy_number
        assert cn is not None
        if cn.reference is not None and cn.evidence_lists is None:
            return evidence_frame(cn.reference, cn.segments, evidence_of(cn.reference, cn.segments))
        genes = {g: (int(s), int(e)) for g, s, e in zip(cn.genes.names.tolist(), cn.genes.start.tolist(),
                                                        cn.genes.end.tolist(), strict=True)}
        rows = [{"gene": g, "chrom": e["chrom"], "start": genes[g][0], "end": genes[g][1], "segment_id": e.get(
                    "segment_id"), "start_b": e["start"], "end_b": e["end"],
                 **{k: e.get(k) for k in ("kind", "type", "state", "copy_number", "markers", "source_line",
                                          "in_profile", "overlap_bp", "gene_fraction")}}
                for g, items in (cn.evidence_lists or {}).items() for e in items]
        from .calling.genes import EVIDENCE_COLUMNS

        return pd.DataFrame(rows, columns=EVIDENCE_COLUMNS)

    # ------------------------------------------------------------------------------------------- calls

    @property
    def profile_class(self) -> str:
        """``flat``, ``simple``, ``complex``, ``non_contributory`` (copy-number QC failed; the measured class is in
        ``profile_extra["measured_class"]``), or ``not_assessed`` without copy-number data."""
        return self.profile.profile_class if self.profile is not None else "not_assessed"

    def gene(self, name: str) -> dict[str, Any]:
        """The JSON object of one gene (KeyError if the gene is not in the reference)."""
        if self.copy_number is None:
            raise KeyError(f"{name}: copy number not assessed for {self.sample}")
        return self._gene_objects()[name]

    def gene_call(self, name: str) -> str:
        """The call of one gene, e.g. ``homozygous_deletion``."""
        if self.copy_number is None:
            return "not_assessed"
        calls = self.copy_number.genes
        return str(calls.call[calls.index_of(name)])

    def _gene_objects(self, evidence: bool = True) -> dict[str, Any]:
        if self.copy_number is None:
            return {}
        lists = self.copy_number.evidence_by_gene() if evidence else None
        objects = self.copy_number.genes.objects(lists)
        if not evidence or lists is None:  # lean outputs, or a lean JSON read back: the lists are not there
            for obj in objects.values():
                del obj["evidence"]
        return objects

    # ------------------------------------------------------------------------------------------- JSON

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> SampleResult:
        """Rebuild a result from its JSON document (to plot or report an existing result)."""
        if doc.get("schema") != SCHEMA:
            raise ValueError(f"not an lmsgen result (schema {doc.get('schema')!r}, expected {SCHEMA})")
        prof = doc.get("profile")
        profile = arm_level = iscn = None
        if isinstance(prof, dict):
            iscn = prof.get("iscn") if isinstance(prof.get("iscn"), list) else None
            profile = Profile(prof["class"], prof["anomalies"], prof["chromosomes"], prof["genomic_index"],
                              prof["fga"], prof.get("rule", ""),
                              Anomalies.from_records(prof.get("anomaly_segments", [])),
                              scores=prof["scores"] if isinstance(prof.get("scores"), dict) else None,
                              anomaly_counts=dict(prof["anomaly_counts"])
                              if isinstance(prof.get("anomaly_counts"), dict) else None,
                              gi_class=prof.get("gi_class") if isinstance(prof.get("gi_class"), str) else None)
            arm_level = prof.get("arm_level")
        copy_number = None
        if isinstance(doc.get("genes"), dict) and isinstance(doc.get("segments"), list):
            genes = doc["genes"]
            lean = any("evidence" not in g for g in genes.values())
            copy_number = CopyNumberCalls(
                SegmentArrays.from_records(doc["segments"], sample=doc["sample"]), GeneCalls.from_objects(genes),
                evidence_lists=None if lean else {g: list(v.get("evidence", [])) for g, v in genes.items()
                                                  if v.get("evidence")})
        return cls(sample=doc["sample"], profile=profile, copy_number=copy_number, arm_level=arm_level,
                   provenance=doc.get("provenance", {}), qc=doc.get("qc", {}), biallelic=doc.get("biallelic", {}),
                   variants=doc.get("variants", "not_assessed"), fusions=doc.get("fusions", "not_assessed"),
                   warnings=list(doc.get("warnings", [])), iscn=iscn,
                   sequenced_territory=doc.get("sequenced_territory", "not_assessed"),
                   panel_copy_number=doc.get("panel_copy_number"),
                   profile_extra={k: prof[k] for k in PROFILE_EXTRA_KEYS if k in prof} if isinstance(prof, dict)
                   else None)

    def to_dict(self, evidence: bool = True) -> dict[str, Any]:
        """The full result as plain JSON-ready data (schema ``lmsgen.sample/1``). ``evidence=False`` leaves out
        each gene's ``evidence`` list (every overlapping segment, repeated from ``segments``): the lean documents
        ``lmsgen cohort`` writes by default."""
        return self.document(evidence)

    def document(self, evidence: bool = True, *, segments: Any = None, iscn: Any = None,
                 genes: Any = None) -> dict[str, Any]:
        """:meth:`to_dict`, with ``segments``, ``profile.iscn`` and ``genes`` replaced by the values given (when not
        None): what :func:`lms_genomics.report.writers.compact_json` writes from the arrays instead."""
        profile: Any = "not_assessed"
        if self.profile is not None:
            profile = self.profile.as_dict()
            profile.update(self.profile_extra or {})
            profile["arm_level"] = self.arm_level
            if iscn is None:
                from .report.iscn import result_iscn

                iscn = result_iscn(self)
            profile["iscn"] = iscn
            profile["anomaly_segments"] = self.profile.anomaly_segments.records()
        if segments is None:
            segments = self.copy_number.segments.records() if self.copy_number is not None else "not_assessed"
        doc = {
            "schema": SCHEMA,
            "sample": self.sample,
            "segments": segments,
            "provenance": self.provenance,
            "profile": profile,
            "genes": genes if genes is not None else (
                self._gene_objects(evidence) if self.copy_number is not None else "not_assessed"),
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
