"""Sequenced territory: how much of each gene's coding sequence the panel sequenced.

A negative mutation result holds only where the panel looked. With the lab's designed BED
(:func:`lms_genomics.io.panel.read_panel_bed`) the coding sequence of every bundled transcript model is intersected
with the amplicons: ``sequenced_territory`` in the result maps each gene to that fraction. Below
``cds_min_covered_fraction`` (0.90) the gene is "not fully sequenced": finding no mutation there is "not
assessable", never "wild type". Without a BED the territory is ``"not_assessed"`` (unknown) and no negative is drawn
from the VCF.
"""

from __future__ import annotations

from typing import Any

from ..io.panel import PanelBed
from .annotation import TranscriptSet


def cds_coverage(panel: PanelBed, transcripts: TranscriptSet) -> dict[str, dict[str, Any]]:
    """Per gene with a model: ``{"fraction", "covered_bp", "cds_bp", "transcript", "exons_covered",
    "exons_partly", "coding_exons"}`` (exon numbers in transcript order)."""
    out: dict[str, dict[str, Any]] = {}
    for gene, tr in transcripts.transcripts.items():
        total = covered = 0
        full, part, coding = [], [], []
        for e in tr.exon_in_transcript_order():
            s, t = max(e.g_start, tr.cds_start), min(e.g_end, tr.cds_end)
            if s >= t:
                continue
            coding.append(e.number)
            c = panel.covered_bases(tr.chrom, s, t)
            total += t - s
            covered += c
            if c == t - s:
                full.append(e.number)
            elif c:
                part.append(e.number)
        out[gene] = {"fraction": round(covered / total, 4) if total else 0.0, "covered_bp": covered,
                     "cds_bp": total, "transcript": tr.accession, "exons_covered": full, "exons_partly": part,
                     "coding_exons": coding}
    return out


def sequenced_territory(panel: PanelBed | None, transcripts: TranscriptSet) -> dict[str, float] | str:
    """The result JSON's ``sequenced_territory``: gene → covered fraction of its coding sequence, or
    ``"not_assessed"`` without a panel BED."""
    if panel is None:
        return "not_assessed"
    return {g: c["fraction"] for g, c in cds_coverage(panel, transcripts).items()}


def describe_coverage(gene: str, cov: dict[str, Any] | None) -> str:
    """``RB1 coding sequence 12 % sequenced (NM_000321.2; exons 10, 17 fully, 18 partly, of 27 coding exons)``."""
    if cov is None:
        return f"{gene}: no bundled transcript model, sequenced fraction of its coding sequence unknown"
    parts = []
    if cov["exons_covered"]:
        parts.append("exons " + ", ".join(map(str, cov["exons_covered"])) + " fully")
    if cov["exons_partly"]:
        parts.append(", ".join(map(str, cov["exons_partly"])) + " partly")
    where = "; ".join(parts) if parts else "no coding exon"
    return (f"{gene} coding sequence {cov['fraction']:.0%} sequenced by the panel BED ({cov['transcript']}; {where}, "
            f"of {len(cov['coding_exons'])} coding exons)")
