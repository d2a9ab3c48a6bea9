"""The tumour-board report: one HTML file per sample, readable on screen and printable on A4.

Order: what a board reads first (sample; assays and their QC, with NON-CONTRIBUTORY on top when the copy
number failed QC; profile class with A/C/GI; ploidy/WGD/sex when known; the key genes with their calls,
mutations and biallelic status; findings worth discussing: high-level amplifications and homozygous
deletions of any gene with differential-diagnosis hints, variants with HGVS and VAF, fusions), then the genome
figure (page 1 when printed), per-chromosome figures of every chromosome with a key-gene event, the ISCN 2020
aberration list and arm-level events, gene calls with evidence, variants, fusions, scores, QC, warnings,
methods (written from what was read and the thresholds used) and provenance.

Every string that comes from an input or the user is HTML-escaped; the result JSON embedded in the page has
``<``, ``>`` and ``&`` escaped so it cannot close its script element. plotly.js is embedded once (one
self-contained offline file) or, for a folder of reports, referenced from one shared ``plotly.min.js``.
"""

from __future__ import annotations

import html
import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._version import __version__
from ..genome import KEY_GENES
from . import facts
from .facts import fmt_cn, fmt_pct, readable
from .iscn import iscn_line, result_iscn
from .writers import atomic_write, result_json

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from ..result import SampleResult

DEFAULT_GENES = KEY_GENES
#: Width (CSS px) of figures in the printed report: A4 minus the page margins.
PRINT_WIDTH = 720

_CSS = """
:root{--fail:#a50f15;--pass:#1b7837;--muted:#666}
body{font-family:Arial,Helvetica,sans-serif;color:#222;margin:0 auto;max-width:1500px;padding:12px 24px;
line-height:1.35;font-size:15px}
h1{font-size:1.5em;margin:.2em 0 .1em}h2{font-size:1.15em;border-bottom:2px solid #ddd;padding-bottom:2px;
margin:1.3em 0 .4em}h3{font-size:1em;margin:.8em 0 .3em}
table{border-collapse:collapse;margin:.3em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:2px 6px;
text-align:left;vertical-align:top}th{background:#f2f2f2}tr.key td:first-child{font-weight:bold}
.facts td:first-child{font-weight:bold;background:#fafafa;white-space:nowrap}
.first{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1.2fr);gap:0 18px;align-items:start}
.first table{width:100%}
.findings{border:1px solid #bbb;background:#fcfcf7;padding:4px 12px;margin:.5em 0}
.findings h3{margin:.3em 0}.findings ul{margin:.1em 0 .3em;padding-left:1.2em}
.hint{color:#5a3d00}.ref{color:var(--muted);font-size:.85em}
.call-homozygous_deletion{color:#fff;background:#08306b;padding:0 3px}.call-heterozygous_deletion{background:#c6dbef;
padding:0 3px}.call-amplification{color:#fff;background:#a50f15;padding:0 3px}.call-gain{background:#fcbba1;
padding:0 3px}.call-copy_neutral_loh{background:#dadaeb;padding:0 3px}
.muted{color:var(--muted)}.warn{color:var(--fail)}
.qc-pass{color:var(--pass);font-weight:bold}.qc-fail{color:var(--fail);font-weight:bold}
.qc-not_assessed,.qc-not_assessable{color:#8a6d00;font-weight:bold}
.banner{border:3px solid var(--fail);color:var(--fail);background:#fff0f0;font-weight:bold;padding:6px 10px;
margin:.4em 0;font-size:1.1em}
.iscn{font-family:Consolas,Menlo,monospace;font-size:.85em;word-break:break-all}
.bi{font-weight:bold;color:var(--fail)}
.plot{width:100%}footer{margin-top:2em;color:var(--muted);font-size:.85em}
@media screen and (max-width:900px){.first{grid-template-columns:1fr}body{padding:8px 10px}}
@page{size:A4;margin:10mm 9mm 11mm 9mm}
@media print{
body{max-width:none;padding:0;font-size:8.6pt;line-height:1.25}
h1{font-size:14pt}h2{font-size:10.5pt;margin:.8em 0 .3em;break-after:avoid;page-break-after:avoid}
h3{break-after:avoid;page-break-after:avoid}
table{font-size:8pt;page-break-inside:auto}tr,td,th{break-inside:avoid;page-break-inside:avoid}
thead{display:table-header-group}.plot{break-inside:avoid;page-break-inside:avoid}
.first{grid-template-columns:minmax(0,1fr) minmax(0,1.2fr)}
.banner{font-size:10pt}.zooms{break-before:page;page-break-before:always}
.noprint,.modebar{display:none!important}a{color:inherit;text-decoration:none}
}
"""

#: Re-lays plotly figures out at the printed width when the user prints from the browser, and back after.
_PRINT_JS = """
(function(){var w={};function each(f){document.querySelectorAll('.plot .js-plotly-plot').forEach(f);}
window.addEventListener('beforeprint',function(){each(function(d){w[d.id]=d.layout.width;
Plotly.relayout(d,{width:WIDTH});});});
window.addEventListener('afterprint',function(){each(function(d){Plotly.relayout(d,{width:w[d.id]||null});
Plotly.Plots.resize(d);});});})();
""".replace("WIDTH", str(PRINT_WIDTH))

QC_LABELS = {
    "segments": "copy-number segments", "loh_segments": "LOH segments", "loh_assessed": "LOH assessed",
    "segments_below_marker_floor": "segments below the marker floor (left out of calls)",
    "aberrant_segments_below_profile_floor": "aberrant segments below the profile floor (calls only)",
    "coordinate_convention": "coordinate convention of the export", "probe_level_data": "probe-level data",
    "variant_records": "variant records in the VCF", "variants_reportable": "reportable variants",
    "vcf_median_depth": "median sequencing depth", "fusions_reported": "fusions reported", "mapd": "MAPD",
    "verdict": "overall verdict", "reasons": "reasons", "mapd_source": "MAPD from",
    "non_contributory": "non-contributory sample",
}
CHECK_LABELS = {"mapd": "array noise (MAPD)", "segmentation": "segmentation (segment count)",
                "sequencing_depth": "sequencing depth (VCF median)", "snp_qc": "allele signal (ndSNPQC)",
                "coverage_depth": "coverage depth (coverageAnalysis)",
                "rna_qc": "RNA (unique start sites per GSP2 control)"}
STATE_TEXT = {"homdel": "homozygous deletion", "hetdel": "heterozygous deletion", "gain": "gain",
              "amp": "amplification", "loh": "LOH (copy-neutral)"}
SCORE_LABELS = {"avg_cn": "average copy number", "wgd": "whole-genome doubling", "lst": "LST",
                "nlst": "nLST", "hrd": "HRD", "hr_loh": "HR-LOH", "gloh": "genome-wide LOH", "td": "TD",
                "td_plus": "TD+", "mb_altered": "Mb altered", "mb_kit": "Mb altered (kit rule)"}


def _e(value: Any) -> str:
    """HTML-escaped text of a value for readers: missing → em dash, booleans → yes/no, floats rounded."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return html.escape(f"{value:.4g}")
    if isinstance(value, (list, tuple)):
        return html.escape("; ".join(readable(v) for v in value)) if value else "—"
    if isinstance(value, dict):
        return html.escape("; ".join(f"{readable(k)} {readable(v)}" for k, v in value.items())) or "—"
    text = str(value)
    return html.escape(readable(text) if "_" in text and " " not in text and "/" not in text else text)


def _table(headers: list[str], rows: list[list[str]], cls: str = "", row_classes: list[str] | None = None) -> str:
    """An HTML table from already-escaped cells."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in headers)
    body = []
    for i, r in enumerate(rows):
        rc = f' class="{row_classes[i]}"' if row_classes and row_classes[i] else ""
        body.append(f"<tr{rc}>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>")
    c = f' class="{cls}"' if cls else ""
    thead = f"<thead><tr>{head}</tr></thead>" if any(headers) else ""
    return f"<table{c}>{thead}<tbody>{''.join(body)}</tbody></table>"


def _verdict(v: str) -> str:
    return f'<span class="qc-{html.escape(v)}">{html.escape(facts.VERDICT_TEXT.get(v, readable(v)))}</span>'


def _call_span(call: str, text: str) -> str:
    return f'<span class="call-{html.escape(call)}">{html.escape(text)}</span>'


# --- the first block ---------------------------------------------------------------------------------------------

def _banner(doc: dict[str, Any]) -> str:
    bad, why = facts.non_contributory(doc)
    if not bad:
        return ""
    return (f'<div class="banner">NON-CONTRIBUTORY — {html.escape(why)}. The calls below are shown for traceability '
            f"only and must not guide care.</div>")


def _facts_table(doc: dict[str, Any]) -> str:
    rows = [["Sample", f"<b>{_e(doc.get('sample'))}</b>"]]
    for a in facts.assays(doc):
        if not a.read:
            cell = f'<span class="muted">{html.escape(a.source)}</span>'
        else:
            reasons = f" <span class='muted'>{html.escape('; '.join(a.reasons))}</span>" if a.reasons else ""
            cell = f"{html.escape(a.source)} — QC {_verdict(a.verdict)}{reasons}"
        rows.append([html.escape(a.name.capitalize()), cell])
    rows.append(["Genomic profile", html.escape(facts.profile_text(doc)).replace(
        html.escape(str((doc.get("profile") or {}).get("class", "")) if isinstance(doc.get("profile"), dict)
                    else "\0"), f"<b>{_e((doc.get('profile') or {}).get('class'))}</b>", 1)
        if isinstance(doc.get("profile"), dict) else '<span class="muted">copy number not assessed</span>'])
    ploidy = facts.ploidy_text(doc)
    if ploidy:
        rows.append(["Ploidy / sex", html.escape(ploidy)])
    if isinstance(doc.get("profile"), dict):
        rows.append(["Arm-level events", html.escape(facts.arm_level_text(doc))])
    return _table(["", ""], rows, cls="facts")


def _key_gene_table(doc: dict[str, Any], genes: tuple[str, ...]) -> str:
    rows = []
    for k in facts.key_genes(doc, genes):
        muts = "<br>".join(html.escape(m) for m in k.mutations) if k.mutations else (
            ('<span class="muted">no damaging or VUS allele</span>' if k.other_mutations else
             '<span class="muted">none reportable</span>') if isinstance(doc.get("variants"), list)
            else '<span class="muted">not assessed</span>')
        if k.other_mutations:
            muts += f'<br><span class="muted">{html.escape(k.other_mutations)}</span>'
        bi = f'<span class="bi">{html.escape(k.biallelic)}</span>' if k.biallelic_yes else html.escape(k.biallelic)
        rows.append([f"<b>{html.escape(k.gene)}</b>", _call_span(k.call, k.call_text), muts, bi])
    if not rows:
        return '<p class="muted">Key genes: no data.</p>'
    return _table(["Key gene", "Copy number", "Mutation (VAF)", "Biallelic inactivation"], rows, cls="keygenes")


def _findings_block(doc: dict[str, Any]) -> str:
    f = facts.findings(doc)
    items = []
    if f.amplifications:
        items.append("<li><b>High-level amplification</b>: " + ", ".join(
            f"<b>{html.escape(g.gene)}</b> CN {html.escape(g.copy_number)} ({html.escape(g.band)})"
            for g in f.amplifications) + "</li>")
    if f.homozygous_deletions:
        items.append("<li><b>Homozygous deletion</b>: " + ", ".join(
            f"<b>{html.escape(g.gene)}</b> ({html.escape(g.band)}"
            + (", subclonal or mixed" if "subclonal" in g.text else "")
            + ")" for g in f.homozygous_deletions) + "</li>")
    if not isinstance(doc.get("genes"), dict):
        items.append('<li class="muted">Copy number not assessed: amplifications and deletions unknown.</li>')
    elif not f.amplifications and not f.homozygous_deletions:
        items.append("<li>No high-level amplification or homozygous deletion in any gene of the reference.</li>")
    for h in f.hints:
        refs = "; ".join(h.references)
        items.append(f'<li class="hint">Hint (not a diagnosis): {html.escape(h.text)}. '
                     f'<span class="ref">[{html.escape(refs)}]</span></li>')
    variants = doc.get("variants")
    if isinstance(variants, list):
        items.append("<li><b>Variants</b>: " + html.escape(facts.variants_text(doc)) + "</li>")
    else:
        items.append('<li class="muted">Variants: not assessed (no VCF)</li>')
    if f.fusions:
        items.append("<li><b>Fusions</b>: " + "; ".join(html.escape(x) for x in f.fusions) + "</li>")
    elif f.fusions_status.startswith("none detected"):
        items.append(f"<li>Fusions: {html.escape(f.fusions_status)}</li>")
    elif f.fusions_status == "not assessed":
        items.append('<li class="muted">Fusions: not assessed (no Archer output)</li>')
    else:
        items.append(f'<li class="warn">Fusions: {html.escape(f.fusions_status)}</li>')
    return f'<div class="findings"><h3>Findings worth discussing</h3><ul>{"".join(items)}</ul></div>'


def first_block(doc: dict[str, Any], genes: tuple[str, ...] = DEFAULT_GENES) -> str:
    """The block a board reads first (HTML)."""
    return (_banner(doc) + f'<div class="first"><div>{_facts_table(doc)}</div><div>{_key_gene_table(doc, genes)}'
            f"</div></div>" + _findings_block(doc))


# --- later sections ----------------------------------------------------------------------------------------------

def _iscn_section(result: SampleResult, doc: dict[str, Any]) -> str:
    if not isinstance(doc.get("profile"), dict):
        return '<p class="muted">Copy number not assessed.</p>'
    entries = doc["profile"].get("iscn")
    if not isinstance(entries, list):
        entries = result_iscn(result)
    arm = f"<p><b>Arm-level events</b> (≥ {fmt_pct((doc.get('provenance') or {}).get('thresholds', {}).get('arm_fraction', 0.9))} of an arm): {html.escape(facts.arm_level_text(doc))}</p>"  # noqa: E501
    if not entries:
        return arm + "<p>No copy-number aberration (arr … no change).</p>"
    rows = []
    for e in entries:
        size = (int(e["end"]) - int(e["start"])) / 1e6
        flag = e.get("in_profile")
        rows.append([f'<span class="iscn">{html.escape(e["iscn"])}</span>', f"{size:.2f} Mb",
                     html.escape(STATE_TEXT.get(str(e.get("state")), readable(e.get("state")))),
                     "—" if flag is None else ("yes" if flag else "no (below the profile floor)")])
    return (arm + f'<p class="iscn">{html.escape(iscn_line(entries))}</p>'
            + _table(["ISCN 2020", "Size", "Level", "Counted in the profile"], rows))


def _gene_table(doc: dict[str, Any], genes: tuple[str, ...]) -> str:
    gmap = doc.get("genes")
    if not isinstance(gmap, dict):
        return '<p class="muted">Copy number not assessed.</p>'
    shown = [g for g in genes if g in gmap] + [g for g, v in gmap.items()
                                               if g not in genes and v.get("call") not in ("neutral", "no_data")]
    rows, classes = [], []
    for name in shown:
        g = gmap[name]
        d = g.get("deciding_segment") or {}
        if d.get("start") is not None and d.get("end") is not None:
            where = f"{_e(g.get('chrom'))}:{int(d['start']) + 1:,}-{int(d['end']):,}"
            size = f"{(int(d['end']) - int(d['start'])) / 1e6:.2f} Mb"
        else:
            where = size = "—"
        markers = d.get("markers")
        rows.append([f"<b>{html.escape(name)}</b>", _e(g.get("chrom")),
                     _call_span(str(g.get("call")), facts.CALL_TEXT.get(str(g.get("call")), readable(g.get("call")))),
                     fmt_cn(g.get("copy_number")),
                     f"{fmt_cn(g.get('min_copy_number'))}–{fmt_cn(g.get('max_copy_number'))}",
                     _e(g.get("loh")), fmt_pct(g.get("covered_fraction")) if g.get("partial") else "whole gene",
                     where, size, "—" if markers is None else f"{int(markers):,}",
                     html.escape("; ".join(g.get("notes") or [])) or ""])
        classes.append("key" if name in genes else "")
    out = _table(["Gene", "Chrom", "Call", "CN", "CN range", "LOH", "Covered", "Deciding segment", "Size",
                  "Markers", "Notes"], rows, row_classes=classes)
    neutral = sorted(g for g, v in gmap.items() if v.get("call") == "neutral" and g not in genes)
    nodata = sorted(g for g, v in gmap.items() if v.get("call") == "no_data" and g not in genes)
    if neutral:
        out += f"<p><b>No copy-number change</b> ({len(neutral)}): {html.escape(', '.join(neutral))}</p>"
    if nodata:
        out += f"<p><b>No data</b> (no probe or segment) ({len(nodata)}): {html.escape(', '.join(nodata))}</p>"
    return out


def _variant_table(doc: dict[str, Any]) -> str:
    variants = doc.get("variants")
    if not isinstance(variants, list):
        return '<p class="muted">Not assessed (no Ion Torrent VCF in the sample).</p>'
    if not variants:
        return "<p>No variant record in the VCF.</p>"
    extra = [k for k in ("consequence", "exon", "classification") if any(v.get(k) is not None for v in variants)]
    rows = []
    order = sorted(variants, key=lambda v: (not v.get("reportable"), -(v.get("vaf") or 0)))
    for v in order:
        why = "" if v.get("reportable") else "; ".join(str(x) for x in v.get("exclusion_reasons") or [])
        flags = [w for w, k in (("polymorphism", "polymorphism"), ("germline?", "germline_hint"),
                                ("FFPE artefact?", "ffpe_artefact"), ("near the limit of detection",
                                                                       "limit_of_detection")) if v.get(k)]
        if v.get("annotation_disagreement"):
            flags.append("annotation disagreement")
        rows.append([f"<b>{_e(v.get('gene'))}</b>", f"{_e(v.get('chrom'))}:{_e(v.get('pos'))}",
                     f"{_e(v.get('ref'))}&gt;{_e(v.get('alt'))}", _e(v.get("hgvs_c")), _e(v.get("hgvs_p")),
                     *[_e(v.get(k)) for k in extra], _e(v.get("effect")), facts.fmt_vaf(v.get("vaf")),
                     _e(v.get("vaf_source")), "—" if v.get("depth") is None else f"{float(v['depth']):,.0f}",
                     _e(v.get("filter")), html.escape(", ".join(flags)) or "",
                     "yes" if v.get("reportable") else f"no <span class='muted'>{html.escape(why)}</span>"])
    return _table(["Gene", "Position", "Change", "HGVS c.", "HGVS p.", *[readable(k).capitalize() for k in extra],
                   "Effect", "VAF", "VAF from", "Depth", "FILTER", "Flags", "Reportable"], rows)


def _territory(doc: dict[str, Any]) -> str:
    terr = doc.get("sequenced_territory")
    if terr is None:
        return ""
    if not isinstance(terr, dict):
        return f'<p class="muted">Sequenced territory: {_e(terr)}.</p>'
    shown = [g for g in KEY_GENES if g in terr] or list(terr)[:10]
    parts = [f"{g} {fmt_pct(terr[g]) if isinstance(terr[g], (int, float)) else readable(terr[g])}" for g in shown]
    return ("<p><b>Coding sequence covered by the panel</b>: " + html.escape(", ".join(parts))
            + ". A gene outside the panel cannot be called mutation-free.</p>")


def _fusion_table(doc: dict[str, Any]) -> str:
    fusions = doc.get("fusions")
    if fusions == "not_assessable":
        return '<p class="warn">Not assessable: the Archer RNA QC failed.</p>'
    if not isinstance(fusions, list):
        return '<p class="muted">Not assessed (no Archer output in the sample).</p>'
    if not fusions:
        return "<p>None detected.</p>"
    rows = []
    for f in fusions:
        why = "; ".join(str(x) for x in f.get("reasons_not_reported") or [])
        rows.append([f"<b>{_e(f.get('fusion'))}</b>", _e(f.get("breakpoint5")), _e(f.get("breakpoint3")),
                     f"{_e(f.get('transcript5'))} ex{_e(f.get('exon5'))} / {_e(f.get('transcript3'))} "
                     f"ex{_e(f.get('exon3'))}", _e(f.get("reads")), _e(f.get("unique_start_sites")),
                     _e(f.get("in_frame")), html.escape(str(f.get("known_fusion_hint") or "")) or "—",
                     "yes" if f.get("reported") else f"no <span class='muted'>{html.escape(why)}</span>"])
    return _table(["Fusion", "5′ breakpoint", "3′ breakpoint", "Transcripts/exons", "Reads", "Unique start sites",
                   "In frame", "Hint", "Reported"], rows)


def _scores(doc: dict[str, Any]) -> str:
    p = doc.get("profile")
    scores = p.get("scores") if isinstance(p, dict) else None
    if not isinstance(scores, dict):
        return ""
    rows = []
    for k, v in scores.items():
        if k in ("research_use", "thresholds"):
            continue
        value = "not assessed" if v == "not_assessed" else (fmt_cn(v) if isinstance(v, float) else _e(v))
        rows.append([html.escape(SCORE_LABELS.get(k, readable(k))), value])
    note = " For research use only: not validated for care." if scores.get("research_use", True) else ""
    return (f"<h2>Genomic scores</h2><p class='muted'>Computed from the copy-number segments.{note}</p>"
            + _table(["Score", "Value"], rows, cls="facts"))


def _qc_section(doc: dict[str, Any]) -> str:
    qc = doc.get("qc") or {}
    rows = []
    for a in facts.assays(doc):
        block = qc.get(a.name.replace(" ", "_")) if isinstance(qc.get(a.name.replace(" ", "_")), dict) else {}
        measures = block.get("measures") or {}
        notes = [str(block["statement"])] if block.get("statement") else ([a.detail] if a.detail else [])
        notes += [str(c) for c in block.get("cautions") or [] if block.get("statement")]
        rows.append([html.escape(a.name.capitalize()), _verdict(a.verdict) if a.read else
                     '<span class="muted">not assessed</span>', html.escape("; ".join(a.reasons)) or "—",
                     html.escape("; ".join(notes)) or "—",
                     html.escape("; ".join(f"{readable(k)} {v:.4g}" if isinstance(v, float) else
                                           f"{readable(k)} {readable(v)}" for k, v in measures.items()
                                           if v is not None)) or "—"])
    out = _table(["Assay", "Verdict", "Reasons", "What it means", "Measures"], rows)
    skip = {"checks", "copy_number", "variants", "fusions", "reasons", "contributory_assays"}
    details = [[html.escape(QC_LABELS.get(k, readable(k))), _e(v)] for k, v in qc.items() if k not in skip]
    details += [[f"check: {html.escape(CHECK_LABELS.get(k, readable(k)))}", _e(v)]
                for k, v in (qc.get("checks") or {}).items()]
    return out + "<h3>Measures</h3>" + _table(["", ""], details, cls="facts")


def _provenance(doc: dict[str, Any]) -> str:
    prov = doc.get("provenance") or {}
    sex, source = facts.sex_of(doc)
    rows = [["lmsgen version", _e(prov.get("lmsgen_version", __version__))],
            ["Reference build", _e(prov.get("reference_build"))],
            ["Created", _e(prov.get("created"))], ["Sex", html.escape(sex + (f" ({source})" if source else ""))]]
    bed = prov.get("genes_bed") or {}
    if bed:
        rows.append(["Gene BED", f"{_e(bed.get('path'))}<br><code>sha256 {_e(bed.get('sha256'))}</code>"])
    cnm = prov.get("copy_number_model")
    if isinstance(cnm, dict):
        rows.append(["Copy-number model", html.escape(", ".join(f"{readable(k)}: {v}" for k, v in cnm.items()))])
    out = _table(["", ""], rows, cls="facts")
    inputs = [[_e(i.get("path")), html.escape(facts.INPUT_TEXT.get(str(i.get("format")), str(i.get("format")))),
               f"<code>{_e(i.get('sha256'))}</code>"] for i in prov.get("inputs") or [] if isinstance(i, dict)]
    if inputs:
        out += "<h3>Inputs</h3>" + _table(["File", "Read as", "SHA-256"], inputs)
    th = prov.get("thresholds") or {}
    if th:
        out += ("<h3>Thresholds</h3>" + _table(["Threshold (-t NAME=VALUE)", "Value"],
                                               [[f"<code>{html.escape(k)}</code>", _e(v)] for k, v in th.items()]))
    return out


# --- methods -----------------------------------------------------------------------------------------------------

def _g(t: dict[str, Any], name: str, default: Any = "?") -> str:
    v = t.get(name, default)
    return f"{v:g}" if isinstance(v, float) else str(v)


def methods_text(result: SampleResult | None = None, doc: dict[str, Any] | None = None) -> str:
    """The METHODS paragraph (plain text), written from what the result says was read and the thresholds used:
    it never mentions an assay that was not analysed."""
    doc = doc if doc is not None else result.to_dict()  # type: ignore[union-attr]
    prov = doc.get("provenance") or {}
    t = dict(prov.get("thresholds") or {})
    version = prov.get("lmsgen_version", __version__)
    fmts = facts.input_formats(doc)
    read = [facts.INPUT_TEXT.get(f, f) for f in dict.fromkeys(fmts)]
    parts = [f"Data read: {', '.join(read) if read else 'none'}; analysed with lmsgen {version} on "
             f"{prov.get('reference_build', 'hg19')}."]
    cn_assessed = isinstance(doc.get("genes"), dict)
    log2 = any(f in facts.LOG2_FORMATS for f in fmts)
    if cn_assessed:
        if log2:
            cnm = prov.get("copy_number_model") if isinstance(prov.get("copy_number_model"), dict) else {}
            purity, ploidy = cnm.get("purity"), cnm.get("ploidy")
            parts.append(
                f"Copy number was derived from segment log2 ratios r as n = (2^r (pP + 2(1-p)) - 2(1-p)) / p with "
                f"purity p = {purity if purity is not None else '?'} ({cnm.get('purity_from', '?')}) and ploidy "
                f"P = {ploidy if ploidy is not None else '?'} ({cnm.get('ploidy_from', '?')}); the direction of a "
                f"change comes from the log2 ratio (loss below {_g(t, 'log2_loss')}, gain above "
                f"{_g(t, 'log2_gain')}), its magnitude from the corrected copy number; segments with fewer than "
                f"{_g(t, 'min_segment_markers')} markers were left out of calls and profile.")
        else:
            parts.append("Copy numbers are the ChAS CN states as exported (absolute copy numbers); a region no "
                         "segment covers has two copies.")
        parts.append(
            f"Gene-level calls take the copy number (CN) of the segments overlapping each gene: homozygous deletion "
            f"when the minimum CN < {_g(t, 'homdel_max_cn')}, heterozygous deletion when {_g(t, 'homdel_max_cn')} "
            f"≤ CN < 2, gain when 2 < CN < {_g(t, 'amp_min_cn')}, amplification when CN ≥ {_g(t, 'amp_min_cn')}"
            + ("; copy-neutral LOH when an LOH segment overlaps a gene that is not deleted or gained."
               if (doc.get("qc") or {}).get("loh_assessed") else "; LOH was not assessed (the input has none)."))
        sex, source = facts.sex_of(doc)
        parts.append(f"Sex chromosomes: normal copy number from the sex ({sex}"
                     + (f", {source}" if source else "") + ")" + ("." if sex in ("female", "male") else
                                                                  ", so from the export's own Gain/Loss type."))
        floor = _g(t, "log2_min_anomaly_size") if log2 else _g(t, "min_anomaly_size")
        strength = f" with |log2| ≥ {_g(t, 'log2_anomaly')}" if log2 else ""
        parts.append(
            f"The genomic profile counts anomalies A (autosomal gain/loss segments{strength} after merging "
            f"same-state neighbours < {_g(t, 'merge_gap')} bp apart and dropping segments < {floor} bp"
            f"{', sex chromosomes included' if t.get('include_sex_chromosomes') else ''}) and the number of "
            f"chromosomes C carrying one; GI = A²/C; the profile is flat when A = 0, simple when A ≤ "
            f"{_g(t, 'simple_max_anomalies')} and complex above. Arm-level events cover ≥ "
            f"{float(t.get('arm_fraction', 0.9)):.0%} of an arm. Aberrations are written in ISCN 2020 "
            f"microarray nomenclature from the segments.")
    else:
        parts.append("Copy number was not assessed (no copy-number input).")
    if isinstance(doc.get("variants"), list):
        parts.append(
            f"Variants are reportable when called with FILTER PASS, depth ≥ {_g(t, 'variant_min_depth')}, VAF ≥ "
            f"{_g(t, 'variant_min_vaf')} (from flow-corrected counts FAO/FDP when available) and population allele "
            f"frequency < {_g(t, 'variant_max_pop_af')}.")
    else:
        parts.append("Variants were not analysed (no VCF).")
    if isinstance(doc.get("fusions"), list):
        parts.append(f"Fusions are reported with ≥ {_g(t, 'fusion_min_unique_start_sites')} unique start sites and "
                     f"≥ {_g(t, 'fusion_min_reads')} reads.")
    elif doc.get("fusions") == "not_assessable":
        parts.append("Fusions could not be assessed (Archer RNA QC failed).")
    else:
        parts.append("Fusions were not analysed (no Archer output).")
    qc = doc.get("qc") or {}
    cn_block = qc.get("copy_number") if isinstance(qc.get("copy_number"), dict) else {}
    if cn_assessed:
        mapd_from = (cn_block.get("measure_sources") or {}).get("mapd") or (
            "the probe-level log2 ratios" if "probes" in fmts else None)
        parts.append(f"Copy-number QC fails at MAPD > {_g(t, 'qc_max_mapd')} "
                     + (f"(from {mapd_from})" if mapd_from else "(not measured here: no QC table, QC header or "
                                                                "probe-level export)")
                     + f" or more than {_g(t, 'qc_max_segments')} segments; ndSNPQC < {_g(t, 'qc_min_snp_qc')} "
                     "leaves copy number usable but makes LOH-based second hits probable only. A failed "
                     "copy-number assay makes the sample non-contributory.")
    if isinstance(doc.get("variants"), list):
        parts.append(f"Variant QC fails at a median sequencing depth (or coverageAnalysis mean base depth) < "
                     f"{_g(t, 'qc_min_median_depth')}; it makes only the variant result non-contributory.")
    if isinstance(doc.get("fusions"), list) or doc.get("fusions") == "not_assessable":
        parts.append(f"Fusion QC fails below {_g(t, 'qc_min_rna_control_start_sites')} average unique RNA start "
                     "sites per GSP2 control (Archer): no fusion is then 'not assessable', a called fusion stays.")
    return " ".join(parts)


# --- page --------------------------------------------------------------------------------------------------------

def _json_for_script(text: str) -> str:
    """JSON text safe inside ``<script>``: ``<``, ``>`` and ``&`` as ``\\u003c``… (so no ``</`` or ``<!--`` can
    occur), line separators escaped; still valid JSON (these characters only occur inside strings)."""
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _plot_div(fig: go.Figure, div_id: str, include_js: bool, for_print: bool = False) -> str:
    from .static_export import PLOT_CONFIG

    config = {**PLOT_CONFIG, "displayModeBar": False, "responsive": False} if for_print else PLOT_CONFIG
    return fig.to_html(full_html=False, include_plotlyjs=include_js, div_id=div_id, config=config)


def render_report(result: SampleResult, figure: go.Figure | None = None, probes: pd.DataFrame | None = None,
                  genes: tuple[str, ...] | list[str] = DEFAULT_GENES, *, doc: dict[str, Any] | None = None,
                  zoom_figures: list[tuple[str, go.Figure]] | None = None, plotly_js: str = "embed",
                  for_print: bool = False) -> str:
    """The tumour-board report of one sample as an HTML string.

    ``figure``: the genome figure (default: built from the result, with ``probes``); ``zoom_figures``:
    ``(chromosome, figure)`` pairs (default: one per chromosome with a key-gene event). ``doc``: the result's
    JSON document when already computed (or carrying keys the result object does not hold). ``plotly_js``:
    ``"embed"`` (one self-contained offline file) or the relative path of a shared ``plotly.min.js``.
    ``for_print``: figures laid out for A4 (what ``--report-formats pdf`` prints).
    """
    from .figures import SampleFigures

    genes = tuple(genes)
    doc = doc if doc is not None else result.to_dict()
    figs = SampleFigures(result, probes=probes, genes=genes, genome=figure, zooms=zoom_figures, doc=doc)
    embed = plotly_js == "embed"
    divs = []
    main = figs.genome_for_print() if for_print else figs.genome
    if main is not None:
        divs.append(_plot_div(main, "genome-plot", embed, for_print))
    zooms = figs.zooms_for_print() if for_print else figs.zooms
    zoom_html = "".join(f'<div class="plot">{_plot_div(f, f"zoom-{c}", embed and not divs and i == 0, for_print)}</div>'
                        for i, (c, f) in enumerate(zooms))
    warnings = doc.get("warnings") or []
    warn_html = ("<ul>" + "".join(f'<li class="warn">{html.escape(str(w))}</li>' for w in warnings) + "</ul>"
                 if warnings else "<p>None.</p>")
    title = f"lmsgen report — {_e(doc.get('sample'))}"
    head_js = "" if embed else f'<script src="{html.escape(plotly_js, quote=True)}" charset="utf-8"></script>'
    data = _json_for_script(result_json(result, indent=None, doc=doc))
    plot = (f'<div class="plot">{divs[0]}</div>' if divs else
            '<p class="muted">No genome figure: copy number not assessed.</p>')
    zoom_section = (f'<div class="zooms"><h2>Chromosomes with a key-gene event</h2>{zoom_html}</div>'
                    if zooms else "")
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="lmsgen {_e(__version__)}">
<title>{title}</title>
<style>{_CSS}</style>
{head_js}
</head>
<body>
<h1>{title}</h1>
{first_block(doc, genes)}
<h2>Genome profile</h2>
{plot}
<p class="muted noprint">Segments coloured by state; focal segments are drawn widened to stay visible (hover for
the true extent). ▼ reportable mutation, ★ biallelic inactivation.</p>
{zoom_section}
<h2>Aberrations (ISCN 2020)</h2>
{_iscn_section(result, doc)}
<h2>Gene calls and evidence</h2>
{_gene_table(doc, genes)}
<h2>Variants</h2>
{_territory(doc)}
{_variant_table(doc)}
<h2>Fusions</h2>
{_fusion_table(doc)}
{_scores(doc)}
<h2>Quality control</h2>
{_qc_section(doc)}
<h2>Warnings</h2>
{warn_html}
<h2>Methods</h2>
<p>{html.escape(methods_text(doc=doc))}</p>
<h2>Provenance</h2>
{_provenance(doc)}
<footer>Generated by lmsgen {_e(__version__)}. A hint is never a diagnosis. The full result (schema
lmsgen.sample/1) is embedded in this file (script element <code>lmsgen-result</code>).</footer>
<script type="application/json" id="lmsgen-result">{data}</script>
<script>{_PRINT_JS}</script>
</body>
</html>
"""


def write_report(result: SampleResult, path: str | Path, figure: go.Figure | None = None,
                 probes: pd.DataFrame | None = None, **kwargs: Any) -> Path:
    """Render the report and write it atomically to ``path``; returns the path (``kwargs``: those of
    :func:`render_report`)."""
    p = Path(path)
    text = render_report(result, figure=figure, probes=probes, **kwargs)
    with atomic_write(p) as fh:
        fh.write(text)
    return p
