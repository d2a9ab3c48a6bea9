"""A short human summary of a result, in the order a tumour board reads it (the CLI prints it; the library only
formats it): NON-CONTRIBUTORY on the first line when the copy-number assay (or the sample) failed QC, the
assays with their QC verdicts, profile, ploidy/sex, key genes with biallelic status, findings worth discussing,
arm-level events, warnings."""

from __future__ import annotations

from typing import Any

from ..genome import KEY_GENES
from ..result import SampleResult
from . import facts


def format_summary(result: SampleResult, genes: tuple[str, ...] = KEY_GENES, doc: dict[str, Any] | None = None,
                   variants_tsv: str | None = None) -> str:
    """Multi-line text; ``doc``: the result's JSON document when already computed; ``variants_tsv``: the name of
    the variant table written, where the alleles counted but not listed are (damaging and VUS alleles are listed
    one by one, the other reportable alleles counted by class)."""
    doc = doc if doc is not None else result.to_dict()
    bad, why = facts.non_contributory(doc)
    p = doc.get("profile")
    head = f"{doc.get('sample')}: "
    if bad:
        head += f"NON-CONTRIBUTORY ({why}); "
    head += (facts.profile_text(doc) if isinstance(p, dict)
             else "copy number not assessed (no ChAS export or log2 segments)")
    lines = [head]
    lines.append("  assays: " + "; ".join(a.text for a in facts.assays(doc)))
    ploidy = facts.ploidy_text(doc)
    if ploidy:
        lines.append(f"  {ploidy}")
    tc = p.get("tumour_content") if isinstance(p, dict) else None
    if isinstance(tc, dict) and tc.get("established") and tc.get("text"):  # a flat profile without says so above
        lines.append(f"  {tc['text']}")
    for k in facts.key_genes(doc, genes):
        extra = f"; {', '.join(k.mutations)}" if k.mutations else ""
        if k.other_mutations:
            extra += f" ({k.other_mutations})" if k.mutations else f"; {k.other_mutations}"
        bi = f"  [{k.biallelic}]" if k.biallelic != "—" else ""
        lines.append(f"  {k.gene:<7} {k.call_text}{extra}{bi}")
    f = facts.findings(doc)
    if f.amplifications:
        lines.append("  amplified: " + ", ".join(f"{g.gene} CN {g.copy_number} ({g.band})" for g in f.amplifications))
    if f.homozygous_deletions:
        lines.append("  homozygous deletion: " + ", ".join(
            f"{g.gene} ({g.band}{', subclonal or mixed' if 'subclonal' in g.text else ''})"
            for g in f.homozygous_deletions))
    for h in f.hints:
        lines.append(f"  hint (not a diagnosis): {h.text}")
    if isinstance(doc.get("variants"), list):
        lines.append("  variants: " + facts.variants_text(doc, variants_tsv))
    else:
        lines.append("  variants: not assessed")
    fusions = doc.get("fusions")
    below = (len(fusions) - len(f.fusions)) if isinstance(fusions, list) else 0
    lines.append("  fusions: " + ("; ".join(f.fusions) if f.fusions else f.fusions_status)
                 + (f" ({below} below reporting thresholds)" if below > 0 else ""))
    if isinstance(p, dict):
        lines.append(f"  arm-level: {facts.arm_level_text(doc)}")
        iscn = p.get("iscn")
        if isinstance(iscn, list):
            lines.append(f"  ISCN: {len(iscn)} aberration(s) listed in the JSON (profile.iscn) and the report")
    for w in doc.get("warnings") or []:
        lines.append(f"  warning: {w}")
    return "\n".join(lines)
