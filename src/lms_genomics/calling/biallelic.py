"""Biallelic inactivation of tumour suppressors (DESIGN §5), from what the sample's data can show."""

from __future__ import annotations

from typing import Any

import pandas as pd

BIALLELIC_GENES = ("TP53", "RB1")


def biallelic_status(gene_calls: pd.DataFrame, variants: Any = "not_assessed",
                     genes: tuple[str, ...] = BIALLELIC_GENES) -> dict[str, Any]:
    """Per gene: ``{"biallelic": True/False/None, "evidence": [...], "basis": ...}``.

    A homozygous deletion is biallelic on copy number alone. Otherwise a second hit needs the variants:
    when they were not assessed the answer is ``None`` (unknown), never False.
    """
    out: dict[str, Any] = {}
    for gene in genes:
        row = gene_calls.loc[gene_calls["gene"] == gene]
        if row.empty:
            continue
        r = row.iloc[0]
        evidence: list[str] = []
        call = str(r["call"])
        if call == "homozygous_deletion":
            cn = r["copy_number"]
            evidence.append(f"homozygous deletion (copy number {cn:g})")
            out[gene] = {"biallelic": True, "evidence": evidence, "basis": "copy_number"}
            continue
        if call == "heterozygous_deletion":
            evidence.append(f"heterozygous deletion (copy number {r['copy_number']:g}): first hit")
        elif call == "copy_neutral_loh":
            evidence.append("copy-neutral LOH: first hit")
        if isinstance(variants, str):
            out[gene] = {"biallelic": None, "evidence": evidence,
                         "basis": "copy_number only: variants not assessed, a second hit cannot be judged"}
        else:
            out[gene] = {"biallelic": False, "evidence": evidence, "basis": "copy_number and variants"}
    return out
