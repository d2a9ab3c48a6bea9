"""Cohort summary: ``cohort.tsv`` (one row per sample), the counts the thesis reported, and ``cohort.html``
(counts per class and altered gene, genome-wide gain/loss frequency, an oncoprint-style grid)."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pandas as pd

from .writers import atomic_write

TSV_COLUMNS = ["sample", "status", "contribution", "qc_verdict", "qc_reasons", "class", "A", "C", "GI", "FGA",
               "RB1", "TP53", "MYOCD", "PTEN", "CDKN2A", "RB1_cn", "TP53_cn", "MYOCD_cn", "TP53_mutations",
               "RB1_mutations", "TP53_biallelic", "RB1_biallelic", "fusions", "error"]
DELETIONS = ("homozygous_deletion", "heterozygous_deletion")


def _mutated(value: object) -> bool:
    return isinstance(value, str) and value not in ("", "none", "not_assessed")


def cohort_table(rows: list[dict[str, Any]]) -> pd.DataFrame:
    """The rows as a table with the cohort.tsv columns, sorted by sample."""
    df = pd.DataFrame(rows)
    for c in TSV_COLUMNS:
        if c not in df:
            df[c] = None
    return df[TSV_COLUMNS].sort_values("sample", kind="stable").reset_index(drop=True)


def cohort_counts(table: pd.DataFrame) -> dict[str, Any]:
    """Counts over the cohort: classes (contributory samples), non-contributory, failed, altered genes.

    A tumour suppressor is altered when deleted (homozygous or heterozygous) or carrying a reportable damaging
    mutation; MYOCD when amplified. Non-contributory and failed samples are left out of the gene counts.
    """
    ok = table[table["contribution"] == "contributory"]
    classes = {c: int((ok["class"] == c).sum()) for c in ("flat", "simple", "complex")}
    out: dict[str, Any] = {
        "samples": int(len(table)), **classes,
        "non_contributory": int((table["contribution"] == "non-contributory").sum()),
        "failed": int((table["status"] == "failed").sum()),
        "not_assessed": int((ok["class"] == "not_assessed").sum()),
    }
    for gene in ("RB1", "TP53", "PTEN", "CDKN2A"):
        mut = ok.get(f"{gene}_mutations", pd.Series(dtype=object)).map(_mutated) if f"{gene}_mutations" in ok \
            else pd.Series(False, index=ok.index)
        deleted = ok[gene].isin(DELETIONS)
        out[f"{gene}_altered"] = int((deleted | mut.reindex(ok.index, fill_value=False)).sum())
        out[f"{gene}_by_mutation"] = int(mut.sum()) if len(mut) else 0
        out[f"{gene}_deleted"] = int(deleted.sum())
    out["MYOCD_amplified"] = int((ok["MYOCD"] == "amplification").sum())
    out["fusions"] = int(ok["fusions"].map(lambda f: isinstance(f, str) and "::" in f).sum())
    out["biallelic_TP53"] = int((ok["TP53_biallelic"] == "yes").sum())
    out["biallelic_RB1"] = int((ok["RB1_biallelic"] == "yes").sum())
    return out


def format_counts(c: dict[str, Any]) -> str:
    """The counts as a few human lines (printed by ``lmsgen cohort``)."""
    return "\n".join([
        f"samples: {c['samples']}  (failed: {c['failed']})",
        f"profile: flat {c['flat']}, simple {c['simple']}, complex {c['complex']}, "
        f"non-contributory {c['non_contributory']}" + (f", copy number not assessed {c['not_assessed']}"
                                                       if c["not_assessed"] else ""),
        f"RB1 altered {c['RB1_altered']} (deleted {c['RB1_deleted']}, mutated {c['RB1_by_mutation']}); "
        f"TP53 altered {c['TP53_altered']} (deleted {c['TP53_deleted']}, mutated {c['TP53_by_mutation']}); "
        f"MYOCD amplified {c['MYOCD_amplified']}; PTEN altered {c['PTEN_altered']}",
        f"biallelic: TP53 {c['biallelic_TP53']}, RB1 {c['biallelic_RB1']}; fusions: "
        + (str(c["fusions"]) if c["fusions"] else "none detected"),
    ])


def write_cohort_tsv(table: pd.DataFrame, path: str) -> None:
    """Write cohort.tsv atomically."""
    with atomic_write(path) as fh:
        fh.write(table.to_csv(sep="\t", index=False, na_rep="", lineterminator="\n"))


def render_cohort_html(table: pd.DataFrame, counts: dict[str, Any], gain: np.ndarray, loss: np.ndarray,
                       n_profiled: int) -> str:
    """One self-contained HTML page: counts, gain/loss frequency along the genome, oncoprint grid."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from ..cohort import _AUTOSOMES, _BIN_OFFSETS, FREQUENCY_BIN

    x = np.arange(len(gain)) + 0.5
    denom = max(n_profiled, 1)
    fig = make_subplots(rows=2, cols=1, row_heights=[0.45, 0.55], vertical_spacing=0.12,
                        subplot_titles=(f"Gain / loss frequency ({n_profiled} profiled samples, 1 Mb bins)",
                                        "Key genes per sample"))
    fig.add_trace(go.Bar(x=x, y=100 * gain / denom, marker_color="#c0392b", name="gain", width=1.0), 1, 1)
    fig.add_trace(go.Bar(x=x, y=-100 * loss / denom, marker_color="#2e86c1", name="loss", width=1.0), 1, 1)
    for i in range(len(_AUTOSOMES)):
        fig.add_vline(x=_BIN_OFFSETS[i], line_width=0.5, line_color="#999", row=1, col=1)
    fig.update_xaxes(tickvals=[(_BIN_OFFSETS[i] + _BIN_OFFSETS[i + 1]) / 2 for i in range(len(_AUTOSOMES))],
                     ticktext=[c[3:] for c in _AUTOSOMES], row=1, col=1, range=[0, _BIN_OFFSETS[-1]])
    fig.update_yaxes(title_text="% samples", range=[-100, 100], row=1, col=1)
    genes = ["RB1", "TP53", "MYOCD", "PTEN", "CDKN2A"]
    code = {"homozygous_deletion": -2, "heterozygous_deletion": -1, "copy_neutral_loh": -0.5, "neutral": 0,
            "gain": 1, "amplification": 2}
    ok = table[table["status"] != "failed"]
    z = [[code.get(str(v), np.nan) for v in ok[g]] for g in genes]
    text = [[html.escape(str(v)) for v in ok[g]] for g in genes]
    fig.add_trace(go.Heatmap(z=z, x=[html.escape(str(s)) for s in ok["sample"]], y=genes, text=text,
                             hovertemplate="%{x} %{y}: %{text}<extra></extra>", zmin=-2, zmax=2,
                             colorscale=[[0, "#1a5276"], [0.25, "#85c1e9"], [0.5, "#eeeeee"], [0.75, "#f1948a"],
                                         [1, "#922b21"]], showscale=False, xgap=1, ygap=1), 2, 1)
    fig.update_layout(height=760, template="plotly_white", barmode="relative", bargap=0,
                      title=f"lmsgen cohort: {counts['samples']} samples", legend={"orientation": "h"})
    plot = fig.to_html(full_html=False, include_plotlyjs=True, config={"displaylogo": False})
    rows = "".join(f"<tr><td>{html.escape(k.replace('_', ' '))}</td><td>{v}</td></tr>" for k, v in counts.items())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in TSV_COLUMNS[:16])
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>"
                                    for v in r[:16]) + "</tr>" for r in table.itertuples(index=False))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>lmsgen cohort</title><style>"
            f"body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;font-size:12px}}"
            f"td,th{{border:1px solid #ccc;padding:3px 6px}}</style></head><body><h1>lmsgen cohort summary</h1>"
            f"<h2>Counts</h2><table>{rows}</table><h2>Profiles</h2>{plot}<h2>Samples</h2><table><tr>{head}</tr>"
            f"{body}</table><p>Bins: {FREQUENCY_BIN // 1_000_000} Mb, autosomes, profile anomalies "
            f"(after cleaning).</p></body></html>")
