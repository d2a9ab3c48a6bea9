"""The tumour-board report: one self-contained, offline HTML file per sample (plotly.js embedded once).

Sections: summary (class, key calls, biallelic status, fusions), the genome plot, gene calls with their
evidence, variants, fusions, QC, warnings, provenance and a METHODS paragraph written from the thresholds
actually used. Every string that comes from an input or the user is HTML-escaped; the result JSON embedded
in the page has ``</`` and ``<!--`` escaped so it cannot close its script element.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from .._version import __version__
from .plots import CALL_LABELS, DEFAULT_GENES, STATE_COLORS
from .writers import atomic_write, result_json

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..result import SampleResult

KEY_GENES = DEFAULT_GENES

_CSS = """
body{font-family:Arial,Helvetica,sans-serif;color:#222;margin:0 auto;max-width:1500px;padding:16px 28px;
line-height:1.4}
h1{font-size:1.6em;margin:.2em 0}h2{font-size:1.2em;border-bottom:2px solid #ddd;padding-bottom:3px;
margin-top:1.6em}
table{border-collapse:collapse;margin:.4em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:3px 7px;
text-align:left;vertical-align:top}th{background:#f2f2f2}tr.key td{font-weight:bold}
.summary td:first-child{font-weight:bold;background:#fafafa;width:15em}
.call-homozygous_deletion{color:#fff;background:#08306b}.call-heterozygous_deletion{background:#c6dbef}
.call-amplification{color:#fff;background:#a50f15}.call-gain{background:#fcbba1}
.call-copy_neutral_loh{background:#dadaeb}.muted{color:#777}.warn{color:#a50f15}
.qc-pass{color:#1b7837;font-weight:bold}.qc-fail{color:#a50f15;font-weight:bold}
code{font-size:.95em}footer{margin-top:2em;color:#777;font-size:.85em}
@media print{.plot{page-break-inside:avoid}}
"""


def _e(value: Any) -> str:
    """HTML-escaped text of a value; missing values become an em dash."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    try:
        if pd.isna(value):
            return "—"
    except (TypeError, ValueError):
        pass
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return html.escape(f"{value:.4g}")
    if isinstance(value, (list, tuple)):
        return html.escape("; ".join(str(v) for v in value)) if value else "—"
    return html.escape(str(value))


def _cn(value: Any) -> str:
    try:
        v = float(value)
    except (TypeError, ValueError):
        return "—"
    if math.isnan(v):
        return "—"
    return f"{v:.0f}" if abs(v - round(v)) < 0.01 else f"{v:.2f}"


def _table(headers: list[str], rows: list[list[str]], cls: str = "", row_classes: list[str] | None = None) -> str:
    """An HTML table from already-escaped cells."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for i, r in enumerate(rows):
        rc = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{rc}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    c = f' class="{cls}"' if cls else ""
    return f"<table{c}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _call_text(g: dict[str, Any]) -> str:
    call = str(g.get("call"))
    text = CALL_LABELS.get(call, call)
    if call != "no_data" and g.get("copy_number") is not None:
        text += f" (CN {_cn(g.get('copy_number'))})"
    if g.get("loh") and call != "copy_neutral_loh":
        text += ", LOH"
    if g.get("partial"):
        text += f", partial ({float(g.get('covered_fraction') or 0):.0%} covered)"
    return text


def _fusions_text(result: SampleResult) -> str:
    if result.fusions == "not_assessed" or not isinstance(result.fusions, list):
        return '<span class="muted">not assessed (no Archer output)</span>'
    reported = [f for f in result.fusions if f.get("reported")]
    if not reported:
        return "none detected"
    parts = []
    for f in reported:
        name = f.get("fusion") or f"{f.get('gene5')}::{f.get('gene3')}"
        hint = f" — {f['known_fusion_hint']}" if f.get("known_fusion_hint") else ""
        parts.append(f"<b>{_e(name)}</b>{_e(hint) if hint else ''}")
    return "<br>".join(parts)


def _variants_summary(result: SampleResult) -> str:
    if not isinstance(result.variants, list):
        return '<span class="muted">not assessed (no VCF)</span>'
    rep = [v for v in result.variants if v.get("reportable")]
    if not rep:
        return "no reportable variant"
    out = []
    for v in rep:
        change = v.get("hgvs_c") or f"{v.get('ref')}>{v.get('alt')}"
        out.append(f"<b>{_e(v.get('gene'))}</b> {_e(change)} {_e(v.get('hgvs_p') or '')} VAF {_e(v.get('vaf'))}")
    return "<br>".join(out)


def _summary(result: SampleResult) -> str:
    p = result.profile
    if p is None:
        profile = '<span class="muted">copy number not assessed</span>'
    else:
        profile = (f"<b>{_e(p.profile_class)}</b> — A = {p.anomalies}, C = {p.chromosomes}, "
                   f"GI = {p.genomic_index:.1f}, FGA = {p.fga:.1%}")
    rows = [["Sample", _e(result.sample)], ["Genomic profile", profile]]
    if result.genes is not None:
        genes = result.genes.set_index("gene")
        for g in KEY_GENES:
            if g in genes.index:
                d = genes.loc[g].to_dict()
                call = str(d.get("call"))
                rows.append([_e(g), f'<span class="call-{_e(call)}">{_e(_call_text(d))}</span>'])
    for gene, b in (result.biallelic or {}).items():
        status = b.get("biallelic")
        text = "yes" if status is True else ("no" if status is False else "cannot be judged")
        rows.append([f"Biallelic {_e(gene)}", f"<b>{text}</b> <span class='muted'>{_e(b.get('basis'))}</span>"])
    rows.append(["Variants (TP53/RB1/panel)", _variants_summary(result)])
    rows.append(["Fusions", _fusions_text(result)])
    verdict = str(result.qc.get("verdict", "not_assessed"))
    qc_cls = "qc-pass" if verdict == "pass" else "qc-fail"
    reasons = "; ".join(str(r) for r in result.qc.get("reasons") or [])
    rows.append(["QC", f'<span class="{qc_cls}">{_e(verdict)}</span> {_e(reasons) if reasons else ""}'])
    return _table(["", ""], rows, cls="summary")


def _gene_table(result: SampleResult) -> str:
    if result.genes is None:
        return '<p class="muted">Copy number not assessed.</p>'
    rows, classes = [], []
    key = set(KEY_GENES)
    for g in result.genes.to_dict("records"):
        start, end = g.get("deciding_start"), g.get("deciding_end")
        size = "—"
        if start is not None and end is not None and not pd.isna(start) and not pd.isna(end):
            size = f"{(int(end) - int(start)) / 1e6:.2f} Mb"
            deciding = f"{_e(g.get('chrom'))}:{int(start) + 1:,}-{int(end):,}"
        else:
            deciding = "—"
        call = str(g.get("call"))
        rows.append([f"<b>{_e(g['gene'])}</b>", _e(g.get("chrom")), f'<span class="call-{_e(call)}">'
                     f"{_e(CALL_LABELS.get(call, call))}</span>", _cn(g.get("copy_number")),
                     f"{_cn(g.get('min_copy_number'))}–{_cn(g.get('max_copy_number'))}", _e(g.get("loh")),
                     _e(g.get("partial")), f"{float(g.get('covered_fraction') or 0):.0%}",
                     _e(g.get("deciding_segment_id")), deciding, size, _e(g.get("deciding_markers"))])
        classes.append("key" if g["gene"] in key else "")
    order = sorted(range(len(rows)), key=lambda i: (classes[i] != "key",))
    return _table(["Gene", "Chrom", "Call", "CN", "CN range", "LOH", "Partial", "Covered", "Deciding segment",
                   "Segment location", "Size", "Markers"], [rows[i] for i in order],
                  row_classes=[classes[i] for i in order])


def _variant_table(result: SampleResult) -> str:
    if not isinstance(result.variants, list):
        return '<p class="muted">Not assessed (no Ion Torrent VCF in the sample).</p>'
    if not result.variants:
        return "<p>No variant record in the VCF.</p>"
    rows = []
    for v in result.variants:
        why = "" if v.get("reportable") else "; ".join(str(x) for x in v.get("exclusion_reasons") or [])
        rows.append([f"<b>{_e(v.get('gene'))}</b>", f"{_e(v.get('chrom'))}:{_e(v.get('pos'))}",
                     f"{_e(v.get('ref'))}&gt;{_e(v.get('alt'))}", _e(v.get("hgvs_c")), _e(v.get("hgvs_p")),
                     _e(v.get("effect")), _e(v.get("vaf")), _e(v.get("vaf_source")), _e(v.get("depth")),
                     _e(v.get("filter")), "yes" if v.get("reportable") else f"no <span class='muted'>{_e(why)}</span>"])
    return _table(["Gene", "Position", "Change", "HGVS c.", "HGVS p.", "Effect", "VAF", "VAF from", "Depth",
                   "FILTER", "Reportable"], rows)


def _fusion_table(result: SampleResult) -> str:
    if not isinstance(result.fusions, list):
        return '<p class="muted">Not assessed (no Archer output in the sample).</p>'
    if not result.fusions:
        return "<p>None detected.</p>"
    rows = []
    for f in result.fusions:
        why = "; ".join(str(x) for x in f.get("reasons_not_reported") or [])
        rows.append([f"<b>{_e(f.get('fusion'))}</b>", _e(f.get("breakpoint5")), _e(f.get("breakpoint3")),
                     f"{_e(f.get('transcript5'))} ex{_e(f.get('exon5'))} / {_e(f.get('transcript3'))} "
                     f"ex{_e(f.get('exon3'))}", _e(f.get("reads")), _e(f.get("unique_start_sites")),
                     _e(f.get("in_frame")), _e(f.get("known_fusion_hint")),
                     "yes" if f.get("reported") else f"no <span class='muted'>{_e(why)}</span>"])
    return _table(["Fusion", "5′ breakpoint", "3′ breakpoint", "Transcripts/exons", "Reads", "Unique start sites",
                   "In frame", "Hint", "Reported"], rows)


def _qc_table(result: SampleResult) -> str:
    rows = [[_e(k), _e(v)] for k, v in result.qc.items() if k not in ("checks",)]
    rows += [[f"check: {_e(k)}", _e(v)] for k, v in (result.qc.get("checks") or {}).items()]
    return _table(["QC item", "value"], rows)


def _provenance(result: SampleResult) -> str:
    prov = result.provenance or {}
    rows = [["lmsgen version", _e(prov.get("lmsgen_version", __version__))],
            ["Reference build", _e(prov.get("reference_build"))],
            ["Created", _e(prov.get("created"))], ["Sex", _e(prov.get("sex"))]]
    bed = prov.get("genes_bed") or {}
    if bed:
        rows.append(["Gene BED", f"{_e(bed.get('path'))}<br><code>sha256 {_e(bed.get('sha256'))}</code>"])
    cnm = prov.get("copy_number_model")
    if cnm:
        rows.append(["Copy-number model", _e(", ".join(f"{k}: {v}" for k, v in cnm.items()))])
    out = _table(["", ""], rows, cls="summary")
    inputs = [[_e(i.get("path")), _e(i.get("format")), f"<code>{_e(i.get('sha256'))}</code>"]
              for i in prov.get("inputs") or [] if isinstance(i, dict)]
    if inputs:
        out += "<h3>Inputs</h3>" + _table(["File", "Format", "SHA-256"], inputs)
    th = prov.get("thresholds") or {}
    if th:
        out += "<h3>Thresholds</h3>" + _table(["Threshold", "Value"], [[_e(k), _e(v)] for k, v in th.items()])
    return out


def methods_text(result: SampleResult) -> str:
    """The METHODS paragraph (plain text) written from the thresholds recorded in the result."""
    t = dict((result.provenance or {}).get("thresholds") or {})
    prov = result.provenance or {}
    version = prov.get("lmsgen_version", __version__)

    def g(name: str, default: Any = "?") -> Any:
        v = t.get(name, default)
        return f"{v:g}" if isinstance(v, float) else v

    fmts = sorted({str(i.get("format")) for i in prov.get("inputs") or [] if isinstance(i, dict)})
    parts = [f"Copy-number, variant and fusion data ({', '.join(fmts) or 'none'}) were analysed with lmsgen "
             f"{version} on {prov.get('reference_build', 'hg19')}."]
    parts.append(
        f"Gene-level calls take the copy number (CN) of the segments overlapping each gene: homozygous deletion "
        f"when the minimum CN < {g('homdel_max_cn')}, heterozygous deletion when {g('homdel_max_cn')} ≤ CN < 2, "
        f"gain when 2 < CN < {g('amp_min_cn')}, amplification when CN ≥ {g('amp_min_cn')}; LOH when an LOH "
        f"segment overlaps the gene (copy-neutral LOH when the gene is not deleted).")
    if any(f == "seg" for f in fmts):
        parts.append(
            f"For log2-ratio segments, loss is log2 < {g('log2_loss')} and gain log2 > {g('log2_gain')}; "
            f"segments with fewer than {g('min_segment_markers')} markers are ignored.")
    parts.append(
        f"The genomic profile counts anomalies A (autosomal Gain/Loss segments after merging same-state neighbours "
        f"< {g('merge_gap')} bp apart and dropping segments < {g('min_anomaly_size')} bp"
        f"{'' if not t.get('include_sex_chromosomes') else ', sex chromosomes included'}) and the number of "
        f"chromosomes C carrying one; GI = A²/C; the profile is flat when A = 0, simple when A ≤ "
        f"{g('simple_max_anomalies')} and complex above. Arm-level events cover ≥ "
        f"{float(t.get('arm_fraction', 0.9)):.0%} of an arm.")
    parts.append(
        f"Variants are reportable when called with FILTER PASS, depth ≥ {g('variant_min_depth')}, VAF ≥ "
        f"{g('variant_min_vaf')} (from flow-corrected counts FAO/FDP when available) and population allele "
        f"frequency < {g('variant_max_pop_af')}. Fusions are reported with ≥ {g('fusion_min_unique_start_sites')} "
        f"unique start sites and ≥ {g('fusion_min_reads')} reads. QC fails a sample when MAPD > "
        f"{g('qc_max_mapd')}, segments > {g('qc_max_segments')} or median sequencing depth < "
        f"{g('qc_min_median_depth')}.")
    return " ".join(parts)


def _json_for_script(text: str) -> str:
    """JSON text safe inside ``<script>``: ``<``, ``>`` and ``&`` as ``\\u003c``… (so no ``</`` or ``<!--`` can
    occur), line separators escaped; still valid JSON (these characters only occur inside strings)."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_report(result: SampleResult, figure: go.Figure | None = None, probes: pd.DataFrame | None = None,
                  genes: tuple[str, ...] | list[str] = DEFAULT_GENES) -> str:
    """The tumour-board report of one sample as a self-contained HTML string (plotly.js embedded once).

    ``figure``: the genome figure to show (default: :func:`~lms_genomics.report.plots.genome_figure` of the
    result, with ``probes`` and ``genes`` when given).
    """
    from .static_export import figure_html

    if figure is None:
        from .plots import genome_figure

        figure = genome_figure(result, probes=probes, genes=genes)
    plot = figure_html(figure, div_id="genome-plot", full_html=False)
    warnings = result.warnings or []
    warn_html = ("<ul>" + "".join(f'<li class="warn">{_e(w)}</li>' for w in warnings) + "</ul>"
                 if warnings else "<p>None.</p>")
    title = f"lmsgen report — {_e(result.sample)}"
    legend = " ".join(f'<span style="color:{c}">■</span> {_e(n)}' for n, c in STATE_COLORS.items())
    doc = _json_for_script(result_json(result, indent=None))
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lmsgen {_e(__version__)}">
<title>{title}</title>
<style>{_CSS}</style>
</head>
<body>
<h1>{title}</h1>
<p class="muted">Molecular profile of a leiomyosarcoma sample, hg19. For the tumour board; a hint, never a
diagnosis.</p>
<h2>Summary</h2>
{_summary(result)}
<h2>Genome profile</h2>
<p class="muted">Segments coloured by state: {legend}. Focal segments are drawn widened to stay visible (hover for
the true extent).</p>
<div class="plot">{plot}</div>
<h2>Gene calls and evidence</h2>
{_gene_table(result)}
<h2>Variants</h2>
{_variant_table(result)}
<h2>Fusions</h2>
{_fusion_table(result)}
<h2>Quality control</h2>
{_qc_table(result)}
<h2>Warnings</h2>
{warn_html}
<h2>Methods</h2>
<p>{_e(methods_text(result))}</p>
<h2>Provenance</h2>
{_provenance(result)}
<footer>Generated by lmsgen {_e(__version__)}. The full result (schema lmsgen.sample/1) is embedded in this file
(script element <code>lmsgen-result</code>).</footer>
<script type="application/json" id="lmsgen-result">{doc}</script>
</body>
</html>
"""


def write_report(result: SampleResult, path: str | Path, figure: go.Figure | None = None,
                 probes: pd.DataFrame | None = None) -> Path:
    """Render the report and write it atomically to ``path``; returns the path."""
    p = Path(path)
    text = render_report(result, figure=figure, probes=probes)
    with atomic_write(p) as fh:
        fh.write(text)
    return p
