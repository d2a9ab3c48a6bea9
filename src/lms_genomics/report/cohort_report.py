"""Cohort summary: ``cohort.tsv`` (one row per sample), the counts the thesis reported, and ``cohort.html``
(counts per class and altered gene, genome-wide gain/loss frequency, an oncoprint-style grid)."""

from __future__ import annotations

import html
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..cohort import SCORE_COLUMNS
from ..genome import KEY_GENES
from .writers import atomic_write

TSV_COLUMNS = ["sample", "status", "contribution", "qc_verdict", "qc_reasons", "class", "A", "C", "GI", "FGA",
               *SCORE_COLUMNS, "RB1", "TP53", "MYOCD", "PTEN", "CDKN2A", "RB1_cn", "TP53_cn", "MYOCD_cn",
               "TP53_mutations", "RB1_mutations", "TP53_biallelic", "RB1_biallelic", "fusions", "error"]
DELETIONS = ("homozygous_deletion", "heterozygous_deletion")
_GRID_KEY = ("Grid: dark blue homozygous deletion, light blue heterozygous deletion, pale blue copy-neutral LOH, "
             "grey neutral, light red gain, dark red amplification, white no data or not assessed; failed samples "
             "are left out.")


def _mutated(value: object) -> bool:
    return isinstance(value, str) and value not in ("", "none", "not_assessed")


def cohort_table(rows: list[dict[str, Any]] | list[tuple[Any, ...]]) -> pd.DataFrame:
    """The rows (dicts, or tuples in :data:`TSV_COLUMNS` order) as a table with the cohort.tsv columns, sorted
    by sample."""
    if rows and isinstance(rows[0], tuple):
        df = pd.DataFrame(rows, columns=TSV_COLUMNS)
    else:
        df = pd.DataFrame(rows)
        for c in TSV_COLUMNS:
            if c not in df:
                df[c] = None
    return df[TSV_COLUMNS].sort_values("sample", kind="stable").reset_index(drop=True)


class CohortSummary:
    """Accumulates a cohort's outcomes as they arrive, then writes ``cohort.tsv`` and ``cohort.html``.

    Each sample is kept as one compact row (a tuple of the cohort.tsv columns, ~0.5 kB) and the gain/loss
    frequency as running counts per 1 Mb bin, so the summary of 10,000 samples stays small.
    """

    def __init__(self) -> None:
        from ..cohort import N_BINS

        self._rows: list[tuple[Any, ...]] = []
        self.gain = np.zeros(N_BINS, dtype=np.int32)
        self.loss = np.zeros(N_BINS, dtype=np.int32)
        self.n_profiled = 0

    def add(self, outcome: Any) -> None:
        """Record one :class:`lms_genomics.cohort.SampleOutcome`."""
        row = outcome.row
        self._rows.append(tuple(sys.intern(v) if isinstance(v, str) and len(v) < 40 else v
                                for v in (row.get(c) for c in TSV_COLUMNS)))
        if outcome.bins is not None and row.get("contribution") == "contributory" and row.get("A") is not None:
            self.gain += outcome.bins > 0
            self.loss += outcome.bins < 0
            self.n_profiled += 1

    def table(self) -> pd.DataFrame:
        """One row per sample, sorted by sample."""
        return cohort_table(self._rows)

    def write(self, out_dir: str | Path) -> tuple[pd.DataFrame, dict[str, Any], list[Path]]:
        """Write cohort.tsv and cohort.html atomically; returns (table, counts, paths)."""
        table = self.table()
        counts = cohort_counts(table)
        out = Path(out_dir)
        write_cohort_tsv(table, str(out / "cohort.tsv"))
        with atomic_write(out / "cohort.html") as fh:
            fh.write(render_cohort_html(table, counts, self.gain, self.loss, self.n_profiled))
        return table, counts, [out / "cohort.tsv", out / "cohort.html"]


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


#: Samples drawn in the grid and listed in the HTML table (cohort.tsv always holds every sample).
HTML_MAX_SAMPLES = 1000


def render_cohort_html(table: pd.DataFrame, counts: dict[str, Any], gain: np.ndarray, loss: np.ndarray,
                       n_profiled: int, max_samples: int = HTML_MAX_SAMPLES) -> str:
    """One self-contained HTML page: counts, gain/loss frequency along the genome, oncoprint grid.

    Counts and frequencies cover every sample; the grid and the sample table show the first ``max_samples``
    (by name) and say so: beyond that a browser page is no way to read a cohort, cohort.tsv is."""
    shown_note = ""
    if len(table) > max_samples:
        shown_note = (f"<p><b>The grid and the table show the first {max_samples:,} of {len(table):,} samples "
                      f"(by name); counts and frequencies cover all of them; cohort.tsv lists every sample.</b></p>")
        table = table.iloc[:max_samples]
    import plotly.io as pio

    from ..cohort import _AUTOSOMES, _BIN_OFFSETS, FREQUENCY_BIN

    x = (np.arange(len(gain)) + 0.5).tolist()
    denom = max(n_profiled, 1)
    genes = list(KEY_GENES)
    code = {"homozygous_deletion": -2, "heterozygous_deletion": -1, "copy_neutral_loh": -0.5, "neutral": 0,
            "gain": 1, "amplification": 2}
    ok = table[table["status"] != "failed"]
    z = [[code.get(str(v)) for v in ok[g]] for g in genes]
    text = [[html.escape(str(v)) for v in ok[g]] for g in genes]
    mids = [(_BIN_OFFSETS[i] + _BIN_OFFSETS[i + 1]) / 2 for i in range(len(_AUTOSOMES))]
    # The figure as plain plotly JSON (two stacked panels), rendered without graph-object validation: the
    # same page as make_subplots + go traces, ~10x faster to build.
    data = [
        {"type": "bar", "x": x, "y": (100 * gain / denom).tolist(), "name": "gain", "width": 1.0,
         "marker": {"color": "#c0392b", "line": {"width": 0}}, "xaxis": "x", "yaxis": "y"},
        {"type": "bar", "x": x, "y": (-100 * loss / denom).tolist(), "name": "loss", "width": 1.0,
         "marker": {"color": "#2e86c1", "line": {"width": 0}}, "xaxis": "x", "yaxis": "y"},
        {"type": "heatmap", "z": z, "x": [html.escape(str(v)) for v in ok["sample"]], "y": genes, "text": text,
         "hovertemplate": "%{x} %{y}: %{text}<extra></extra>", "zmin": -2, "zmax": 2, "showscale": False,
         "colorscale": [[0, "#1a5276"], [0.25, "#85c1e9"], [0.5, "#eeeeee"], [0.75, "#f1948a"], [1, "#922b21"]],
         "xgap": 1, "ygap": 1, "xaxis": "x2", "yaxis": "y2"},
    ]
    title_1 = f"Gain / loss frequency ({n_profiled} profiled samples, 1 Mb bins)"
    layout = {
        "height": 760, "template": pio.templates["plotly_white"].to_plotly_json(), "barmode": "relative", "bargap": 0,
        "title": {"text": f"lmsgen cohort: {counts['samples']} samples"},
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.04, "yanchor": "bottom"},
        "xaxis": {"domain": [0, 1], "anchor": "y", "range": [0, float(_BIN_OFFSETS[-1])],
                  "tickvals": mids, "ticktext": [c[3:] for c in _AUTOSOMES]},
        "yaxis": {"domain": [0.58, 1], "anchor": "x", "title": {"text": "% samples"}, "range": [-100, 100]},
        "xaxis2": {"domain": [0, 1], "anchor": "y2"},
        "yaxis2": {"domain": [0, 0.46], "anchor": "x2"},
        "annotations": [
            {"text": title_1, "x": 0.5, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "center",
             "yanchor": "bottom", "showarrow": False, "font": {"size": 16}},
            {"text": "Key genes per sample", "x": 0.5, "y": 0.46, "xref": "paper", "yref": "paper",
             "xanchor": "center", "yanchor": "bottom", "showarrow": False, "font": {"size": 16}}],
        "shapes": [{"type": "line", "xref": "x", "yref": "y domain", "x0": float(b), "x1": float(b), "y0": 0,
                    "y1": 1, "line": {"width": 0.5, "color": "#999"}} for b in _BIN_OFFSETS[:len(_AUTOSOMES)]],
    }
    plot = pio.to_html({"data": data, "layout": layout}, full_html=False, include_plotlyjs=True, validate=False,
                       config={"displaylogo": False})
    rows = "".join(f"<tr><td>{html.escape(k.replace('_', ' '))}</td><td>{v}</td></tr>" for k, v in counts.items())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in TSV_COLUMNS[:16])
    body = "".join("<tr>" + "".join(f"<td>{html.escape('' if pd.isna(v) else str(v))}</td>"
                                    for v in r[:16]) + "</tr>" for r in table.itertuples(index=False))
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>lmsgen cohort</title><style>"
            f"body{{font-family:sans-serif;margin:2em}}table{{border-collapse:collapse;font-size:12px}}"
            f"td,th{{border:1px solid #ccc;padding:3px 6px}}</style></head><body><h1>lmsgen cohort summary</h1>"
            f"<h2>Counts</h2><table>{rows}</table><h2>Profiles</h2>{shown_note}{plot}<p>{_GRID_KEY}</p><h2>Samples</h2><table><tr>{head}</tr>"
            f"{body}</table><p>Bins: {FREQUENCY_BIN // 1_000_000} Mb, autosomes, profile anomalies "
            f"(after cleaning).</p></body></html>")
