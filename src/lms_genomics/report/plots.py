"""Genome-profile figures (plotly): whole genome hg19 or one chromosome.

Rows, top to bottom: copy-number segments by state on a copy-number axis, the LOH track, and, when probe-level
data are given, the probe log2 ratios and the BAF (else allele difference) — drawn with WebGL and decimated
(min and max of every bin kept) above ``MAX_PROBE_POINTS`` points. Genes of interest are marked with their call
and copy number. plotly is imported here only, when a figure is drawn.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from ..genome import CHROM_ORDER, CHROM_SIZES, CHROMOSOMES, KEY_GENES, load_arms, normalize_chromosomes

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from ..result import SampleResult

DEFAULT_GENES = KEY_GENES
MAX_PROBE_POINTS = 50_000
#: Copy numbers above this are drawn at the top of the axis (the label gives the true value).
CN_AXIS_MAX = 10.0

STATE_COLORS = {
    "homdel": "#08306b",  # dark blue
    "hetdel": "#6baed6",  # light blue
    "neutral": "#969696",  # grey
    "gain": "#fb6a4a",  # light red
    "amp": "#a50f15",  # dark red
}
STATE_LABELS = {"homdel": "homozygous deletion", "hetdel": "heterozygous deletion", "neutral": "neutral",
                "gain": "gain", "amp": "amplification"}
LOH_COLOR = "#6a3d9a"
CALL_LABELS = {"homozygous_deletion": "homozygous deletion", "heterozygous_deletion": "heterozygous deletion",
               "copy_neutral_loh": "copy-neutral LOH", "gain": "gain", "amplification": "amplification",
               "neutral": "neutral", "no_data": "no data"}
CALL_COLORS = {"homozygous_deletion": STATE_COLORS["homdel"], "heterozygous_deletion": "#2171b5",
               "copy_neutral_loh": LOH_COLOR, "gain": "#de2d26", "amplification": STATE_COLORS["amp"],
               "neutral": "#525252", "no_data": "#525252"}
FONT = "Arial, Helvetica, sans-serif"


def esc(value: Any) -> str:
    """Text safe for plotly labels (rendered as HTML-like markup): ``<``, ``>`` and ``&`` escaped."""
    return html.escape(str(value), quote=False)


def genome_offsets(chromosomes: tuple[str, ...] = CHROMOSOMES) -> dict[str, int]:
    """Cumulative start of each chromosome on the whole-genome x axis (hg19, karyotype order)."""
    sizes = np.array([CHROM_SIZES[c] for c in chromosomes], dtype="int64")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    return dict(zip(chromosomes, starts.tolist(), strict=True))


def centromeres() -> dict[str, int]:
    """hg19 centromere position (p/q arm boundary) per chromosome, from the bundled arm table."""
    arms = load_arms()
    q = arms[arms["arm"].str.endswith("q")].groupby("chrom")["arm_start"].min()
    return {str(c): int(v) for c, v in q.items()}


def decimate(x: np.ndarray, y: np.ndarray, max_points: int = MAX_PROBE_POINTS) -> np.ndarray:
    """Indices of at most ``max_points`` points of ``(x, y)`` (x sorted) keeping each bin's min and max of y.

    Points are cut into ``max_points // 2`` consecutive bins; the lowest and highest y of every bin are kept, so
    focal extremes (a homozygous deletion, an amplicon) survive and the global min and max always do. NaN y
    values are dropped. Returns indices into the input, in x order.
    """
    y = np.asarray(y, dtype="float64")
    idx = np.flatnonzero(np.isfinite(y))
    n = idx.size
    if n <= max_points:
        return idx
    nbins = max(1, max_points // 2)
    bins = (np.arange(n, dtype="int64") * nbins) // n
    order = np.lexsort((y[idx], bins))  # by bin, then by y within the bin
    sorted_bins = bins[order]
    first = np.flatnonzero(np.r_[True, sorted_bins[1:] != sorted_bins[:-1]])
    last = np.r_[first[1:] - 1, n - 1]
    keep = np.unique(np.concatenate([order[first], order[last]]))
    return idx[keep]


def _chrom_arg(chromosome: str | None) -> str | None:
    if chromosome is None:
        return None
    name = normalize_chromosomes([str(chromosome)], numeric_sex="ucsc").iloc[0]
    if pd.isna(name):
        from ..errors import UsageError

        raise UsageError(f"unknown chromosome {chromosome!r} (1-22, X, Y expected)")
    return str(name)


def _is_chas(result: SampleResult) -> bool:
    """True when the copy number came from a ChAS export (regions without a segment are CN 2)."""
    inputs = result.provenance.get("inputs") or []
    return any(i.get("format") == "chas_segments" for i in inputs if isinstance(i, dict))


def _fmt_cn(cn: Any) -> str:
    if cn is None or (isinstance(cn, float) and math.isnan(cn)) or pd.isna(cn):
        return "NA"
    v = float(cn)
    return f"{v:.0f}" if abs(v - round(v)) < 0.01 else f"{v:.2f}".rstrip("0").rstrip(".")


def _mb(bp: float) -> str:
    return f"{bp / 1e6:.2f} Mb"


def _neutral_fill(cn: pd.DataFrame, chroms: list[str]) -> pd.DataFrame:
    """The CN-2 regions of a ChAS export: each plotted chromosome minus its segments."""
    rows = []
    for c in chroms:
        s = cn[cn["chrom"] == c].sort_values("start")
        pos = 0
        for a, b in zip(s["start"].to_numpy(), s["end"].to_numpy(), strict=True):
            if a > pos:
                rows.append((c, pos, int(a)))
            pos = max(pos, int(b))
        if pos < CHROM_SIZES[c]:
            rows.append((c, pos, CHROM_SIZES[c]))
    return pd.DataFrame(rows, columns=["chrom", "start", "end"])


def _bar_xy(starts: np.ndarray, ends: np.ndarray, ys: np.ndarray, hover: list[str]
            ) -> tuple[list[Any], list[Any], list[Any]]:
    """Coordinates of horizontal bars as one line trace (``None`` between bars)."""
    x: list[Any] = []
    y: list[Any] = []
    h: list[Any] = []
    for a, b, v, t in zip(starts.tolist(), ends.tolist(), ys.tolist(), hover, strict=True):
        x += [a, b, None]
        y += [v, v, None]
        h += [t, t, None]
    return x, y, h


def _title(result: SampleResult, chrom: str | None) -> str:
    parts = [f"<b>{esc(result.sample)}</b>"]
    p = result.profile
    if p is None:
        parts.append("copy number not assessed")
    else:
        measured = (result.profile_extra or {}).get("measured_class")
        parts.append(f"<b>{esc(p.profile_class.replace('_', '-'))}</b> profile"
                     + (f" (measured {esc(measured)})" if measured else ""))
        parts.append(f"A = {p.anomalies}, C = {p.chromosomes}, GI = {p.genomic_index:.1f}, FGA = {p.fga:.0%}")
    if result.qc.get("verdict") == "fail" and (p is None or p.profile_class != "non_contributory"):
        parts.append("QC NON-CONTRIBUTORY")
    if chrom is not None:  # a zoom: the profile is in the genome figure's title
        return "  ·  ".join([parts[0], esc(chrom)] + [p for p in parts if p.startswith("QC ")])
    return "  ·  ".join(parts)


def genome_figure(result: SampleResult, probes: pd.DataFrame | None = None,
                  genes: tuple[str, ...] | list[str] = DEFAULT_GENES, chromosome: str | None = None,
                  max_points: int = MAX_PROBE_POINTS, width: int | None = None, height: int = 900) -> go.Figure:
    """Whole-genome (hg19) copy-number figure of a sample, or one chromosome with ``chromosome="17"``.

    ``probes``: the table of :func:`lms_genomics.io.probes.read_probes` (optional). ``genes``: genes to mark
    with their call, copy number, reportable mutation (▼) and biallelic inactivation (★); those absent from the
    result are skipped. Labels are laid out so that they neither overlap nor leave the plot at ``width`` px (None:
    a responsive figure, laid out for its narrowest supported width, 800 px). Returns a plotly Figure.
    """
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    chrom = _chrom_arg(chromosome)
    chroms = [chrom] if chrom is not None else list(CHROMOSOMES)
    offsets = {chrom: 0} if chrom is not None else genome_offsets()
    total = CHROM_SIZES[chrom] if chrom is not None else sum(CHROM_SIZES.values())
    # Focal segments are widened to a visible minimum (hover gives the true extent).
    min_width = total * (0.005 if chrom is None else 0.006)

    has_probes = probes is not None and len(probes) > 0
    if has_probes:
        probes = probes[probes["chrom"].isin(chroms)]
    has_baf = has_probes and bool(probes["baf"].notna().any())
    has_ad = has_probes and not has_baf and bool(probes["allele_diff"].notna().any())
    rows = [("cn", 0.50), ("loh", 0.07)]
    if has_probes:
        rows.append(("log2", 0.25))
    if has_baf or has_ad:
        rows.append(("baf", 0.18))
    heights = np.array([h for _, h in rows])
    row_of = {name: i + 1 for i, (name, _) in enumerate(rows)}
    fig = make_subplots(rows=len(rows), cols=1, shared_xaxes=True, vertical_spacing=0.025,
                        row_heights=(heights / heights.sum()).tolist())

    def gx(c: pd.Series | np.ndarray, pos: np.ndarray) -> np.ndarray:
        """Axis coordinate of chromosome positions (clipped to the chromosome: widened bars stay inside)."""
        size = np.asarray(pd.Series(c).map(CHROM_SIZES), dtype="float64")
        return (np.asarray(pd.Series(c).map(offsets), dtype="float64")
                + np.clip(np.asarray(pos, dtype="float64"), 0, size))

    # --- copy-number segments -------------------------------------------------------------------------------
    seg = result.segments
    cn = pd.DataFrame(columns=["chrom", "start", "end", "state", "copy_number", "markers"])
    loh = cn.copy()
    if seg is not None and len(seg):
        seg = seg[seg["chrom"].isin(chroms)]
        cn = seg[seg["kind"] == "cn"]
        loh = seg[seg["kind"] == "loh"]
    cn_max = 5.0
    if len(cn):
        cn_max = max(cn_max, float(np.nanmax(pd.to_numeric(cn["copy_number"], errors="coerce").fillna(2))))
    y_top = min(cn_max, CN_AXIS_MAX)

    layers: list[tuple[str, pd.DataFrame]] = []
    if result.segments is not None and _is_chas(result):
        fill = _neutral_fill(cn, chroms).assign(state="neutral", copy_number=2.0, markers=pd.NA)
        fill["implied"] = True
        layers.append(("neutral", fill))
    for state in ("neutral", "gain", "hetdel", "amp", "homdel"):
        part = cn[cn["state"] == state]
        if len(part):
            layers.append((state, part))
    shown: set[str] = set()
    for state, part in layers:
        start = part["start"].to_numpy(dtype="float64")
        end = part["end"].to_numpy(dtype="float64")
        mid = (start + end) / 2
        half = np.maximum(end - start, min_width) / 2
        x0 = gx(part["chrom"].to_numpy(), mid - half)
        x1 = gx(part["chrom"].to_numpy(), mid + half)
        cnv = pd.to_numeric(part["copy_number"], errors="coerce").fillna(2.0).to_numpy(dtype="float64")
        implied = "implied" in part.columns
        hover = []
        for c, a, b, v, m in zip(part["chrom"], start, end, cnv, part["markers"], strict=True):
            what = "no segment (ChAS: copy number 2)" if implied else f"{STATE_LABELS[state]}, CN {_fmt_cn(v)}"
            mk = "" if implied or pd.isna(m) else f", {int(m):,} markers"
            hover.append(f"{esc(c)}:{int(a) + 1:,}-{int(b):,} ({_mb(b - a)})<br>{what}{mk}")
        x, y, h = _bar_xy(x0, x1, np.minimum(cnv, y_top), hover)
        fig.add_trace(go.Scatter(
            x=x, y=y, mode="lines", line={"color": STATE_COLORS[state], "width": 9 if state != "neutral" else 4},
            name=STATE_LABELS[state], legendgroup=state, showlegend=state not in shown,
            legendrank=100 + list(STATE_COLORS).index(state),
            hovertext=h, hoverinfo="text", connectgaps=False), row=row_of["cn"], col=1)
        shown.add(state)

    # --- LOH track -------------------------------------------------------------------------------------------
    loh_assessed = bool(result.qc.get("loh_assessed", result.segments is not None))
    if len(loh):
        start = loh["start"].to_numpy(dtype="float64")
        end = loh["end"].to_numpy(dtype="float64")
        mid = (start + end) / 2
        half = np.maximum(end - start, min_width) / 2
        hover = [f"{esc(c)}:{int(a) + 1:,}-{int(b):,} ({_mb(b - a)})<br>LOH"
                 for c, a, b in zip(loh["chrom"], start, end, strict=True)]
        x, y, h = _bar_xy(gx(loh["chrom"].to_numpy(), mid - half), gx(loh["chrom"].to_numpy(), mid + half),
                          np.full(len(loh), 0.5), hover)
        fig.add_trace(go.Scatter(x=x, y=y, mode="lines", line={"color": LOH_COLOR, "width": 12}, name="LOH",
                                 legendrank=200, hovertext=h, hoverinfo="text"), row=row_of["loh"], col=1)
    note = None
    if result.segments is None:
        note = "copy number not assessed"
    elif not loh_assessed:
        note = "LOH not assessed"
    elif not len(loh):
        note = "no LOH segment"
    # An invisible point keeps the LOH row (and the shared x axis under it) drawn when it has no segment.
    fig.add_trace(go.Scatter(x=[0, total], y=[-1, -1], mode="markers", marker={"opacity": 0}, hoverinfo="skip",
                             showlegend=False, name="_axis"), row=row_of["loh"], col=1)
    if note:
        fig.add_annotation(text=f"<i>{note}</i>", x=total / 2, y=0.5, xref="x", yref="y", showarrow=False,
                           font={"size": 13, "color": "#444"}, row=row_of["loh"], col=1)

    # --- probe-level data ------------------------------------------------------------------------------------
    n_probes_drawn = 0
    if has_probes:
        px = gx(probes["chrom"].to_numpy(), probes["pos"].to_numpy())
        order = np.argsort(px, kind="stable")
        px = px[order]
        py = probes["log2"].to_numpy(dtype="float64")[order]
        keep = decimate(px, py, max_points)
        n_probes_drawn = keep.size
        fig.add_trace(go.Scattergl(x=px[keep], y=np.clip(py[keep], -2.5, 2.5), mode="markers",
                                   marker={"size": 2, "color": "#4d4d4d", "opacity": 0.45},
                                   name="probe log2 ratio", hoverinfo="skip", showlegend=False),
                      row=row_of["log2"], col=1)
        if "baf" in row_of:
            col = "baf" if has_baf else "allele_diff"
            by = probes[col].to_numpy(dtype="float64")[order]
            bkeep = decimate(px, by, max_points)
            fig.add_trace(go.Scattergl(x=px[bkeep], y=by[bkeep], mode="markers",
                                       marker={"size": 2, "color": LOH_COLOR, "opacity": 0.4},
                                       name="BAF" if has_baf else "allele difference", hoverinfo="skip",
                                       showlegend=False), row=row_of["baf"], col=1)

    # --- genome axis: shading, centromeres, labels -------------------------------------------------------------
    cen = centromeres()
    shapes: list[dict[str, Any]] = []
    for i, c in enumerate(chroms):
        x0, x1 = offsets[c], offsets[c] + CHROM_SIZES[c]
        if chrom is None and i % 2 == 0:
            shapes.append({"type": "rect", "xref": "x", "yref": "paper", "x0": x0, "x1": x1, "y0": 0, "y1": 1,
                           "fillcolor": "#f0f0f0", "line": {"width": 0}, "layer": "below"})
        if c in cen:
            shapes.append({"type": "line", "xref": "x", "yref": "paper", "x0": x0 + cen[c], "x1": x0 + cen[c],
                           "y0": 0, "y1": 1, "line": {"color": "#9e9e9e", "width": 1, "dash": "dot"},
                           "layer": "below"})
    fig.update_layout(shapes=shapes)
    last_row = len(rows)
    if chrom is None:
        ticks = [offsets[c] + CHROM_SIZES[c] / 2 for c in chroms]
        labels = [c[3:] for c in chroms]
        fig.update_xaxes(range=[0, total], showgrid=False, zeroline=False, showticklabels=False, ticks="")
        fig.update_xaxes(tickvals=ticks, ticktext=labels, showticklabels=True, tickfont={"size": 10}, tickangle=0,
                         title_text="chromosome (hg19)", row=last_row, col=1)
    else:
        fig.update_xaxes(range=[0, total], showgrid=True, gridcolor="#eeeeee", zeroline=False)
        step = 10_000_000 if total > 60_000_000 else 5_000_000
        tv = list(range(0, int(total) + 1, step))
        fig.update_xaxes(tickvals=tv, ticktext=[f"{v / 1e6:.0f}" for v in tv],
                         title_text=f"{esc(chrom)} position (Mb, hg19)", row=last_row, col=1)
        if chrom in cen:
            for arm, xpos in (("p", cen[chrom] / 2), ("q", (cen[chrom] + total) / 2)):
                fig.add_annotation(text=f"{esc(chrom[3:])}{arm}", x=xpos, y=1.0, xref="x", yref="y domain",
                                   showarrow=False, yanchor="bottom", font={"size": 12, "color": "#666"},
                                   row=row_of["cn"], col=1)

    cn_ticks = [v for v in range(0, int(y_top) + 1)]
    cn_text = [str(v) for v in cn_ticks]
    if cn_max > CN_AXIS_MAX:
        cn_text[-1] = f"≥{cn_text[-1]}"
    fig.update_yaxes(title_text="LOH", range=[0, 1], showticklabels=False, showgrid=False, zeroline=False,
                     title_standoff=30, row=row_of["loh"], col=1)
    if has_probes:
        fig.update_yaxes(title_text="log2 ratio", range=[-2.6, 2.6], zeroline=True, zerolinecolor="#999",
                         gridcolor="#e5e5e5", row=row_of["log2"], col=1)
    if "baf" in row_of:
        rng = [-0.05, 1.05] if has_baf else [-1.6, 1.6]
        fig.update_yaxes(title_text="BAF" if has_baf else "allele diff.", range=rng, gridcolor="#e5e5e5",
                         row=row_of["baf"], col=1)

    # --- genes of interest -------------------------------------------------------------------------------------
    labels = gene_labels(result, genes, chroms, offsets, y_top)
    plot_px = (width or LABEL_LAYOUT_WIDTH) - MARGIN["l"] - MARGIN["r"]
    usable = height - MARGIN["t"] - MARGIN["b"]
    row_px = usable * (1 - 0.025 * (len(rows) - 1)) * float(heights[0] / heights.sum())
    placed = place_labels(labels, total, plot_px)
    lo, hi = -0.4, y_top + 0.6
    for _ in range(8):  # fixed point: the pixels per CN unit depend on the range the labels need
        ppu = row_px / (hi - lo)
        lo = min([-0.4] + [-(p.offset_px + p.height_px + 6) / ppu for p in placed if p.side == "down"])
        hi = max([y_top + 0.6] + [y_top + (p.offset_px + p.height_px + 6) / ppu for p in placed if p.side == "up"])
    ppu = row_px / (hi - lo)
    for p in placed:
        centre = (p.offset_px + p.height_px / 2) / ppu
        label_y = y_top + 0.15 + centre if p.side == "up" else -0.15 - centre
        fig.add_annotation(x=p.x, y=p.y, xref="x", yref="y", ax=p.label_x, ay=label_y, axref="x", ayref="y",
                           text=p.text, showarrow=True, arrowhead=2, arrowsize=1.0, arrowwidth=1.3,
                           arrowcolor=p.color, standoff=3, font={"size": LABEL_FONT, "color": p.color},
                           bgcolor="rgba(255,255,255,0.92)", bordercolor=p.color, borderwidth=1, borderpad=2,
                           align="center", row=row_of["cn"], col=1)
    marks = [(p.x, p.y, "mutation") for p in placed if p.mutated] + [(p.x, p.y, "biallelic") for p in placed
                                                                     if p.biallelic]
    for kind, symbol, colour, name in (("mutation", "triangle-down", "#111111", "reportable mutation"),
                                       ("biallelic", "star", "#f1c40f", "biallelic inactivation")):
        pts = [(x, y) for x, y, k in marks if k == kind]
        if pts:
            dy = 0.8 if kind == "mutation" else 0.4  # both above the segment, pointing at it
            fig.add_trace(go.Scatter(x=[x for x, _ in pts], y=[y + dy for _, y in pts],
                                     mode="markers", name=name, legendrank=300,
                                     marker={"symbol": symbol, "size": 13 if kind == "biallelic" else 11,
                                             "color": colour, "line": {"color": "#111", "width": 1}},
                                     hoverinfo="skip"), row=row_of["cn"], col=1)
    fig.update_yaxes(title_text="copy number", range=[lo, hi], tickvals=cn_ticks, ticktext=cn_text,
                     gridcolor="#dddddd", zeroline=False, row=row_of["cn"], col=1)
    fig.update_layout(
        title={"text": _title(result, chrom), "x": 0.01, "xanchor": "left", "y": 0.985, "yanchor": "top",
               "font": {"size": 16}},
        template="plotly_white", font={"family": FONT, "size": 12, "color": "#222"},
        height=height, width=width, margin=MARGIN,
        legend={"orientation": "h", "x": 0.0, "xanchor": "left", "y": -66 / usable, "yanchor": "top",
                "font": {"size": 11}, "bgcolor": "rgba(255,255,255,0)", "itemwidth": 30},
        hovermode="closest", plot_bgcolor="white",
        meta={"lmsgen_sample": esc(result.sample), "probes_drawn": n_probes_drawn,
              "chromosome": chrom or "genome", "label_boxes": [p.box() for p in placed]},
    )
    return fig


#: Gene labels are laid out for this figure width (px) and stay apart at any larger width.
LABEL_LAYOUT_WIDTH = 800
LABEL_FONT = 11
#: Average glyph width at LABEL_FONT px (Arial; bold a little wider): used to size label boxes.
CHAR_PX = 6.4
LINE_PX = 14.0
MARGIN = {"l": 70, "r": 20, "t": 50, "b": 120}


@dataclass
class GeneLabel:
    """One gene mark: where it points (x, y in axis units), its text, side and the box it needs (px)."""

    gene: str
    x: float
    y: float
    text: str
    side: str  # "up" (above the profile) or "down" (below CN 0)
    color: str
    width_px: float
    height_px: float
    mutated: bool = False
    biallelic: bool = False
    label_x: float = 0.0
    offset_px: float = 0.0  # distance of the box from its band's edge

    def box(self) -> dict[str, Any]:
        return {"gene": self.gene, "side": self.side, "label_x": self.label_x, "offset_px": self.offset_px,
                "width_px": self.width_px, "height_px": self.height_px}


def gene_labels(result: SampleResult, genes: tuple[str, ...] | list[str], chroms: list[str],
                offsets: dict[str, int], y_top: float) -> list[GeneLabel]:
    """The labels of the wanted genes on the plotted chromosomes: call, copy number, reportable mutation (▼) and
    biallelic inactivation (★)."""
    from .facts import fmt_cn, fmt_vaf, is_biallelic

    gdf = result.genes
    if gdf is None or not len(gdf):
        return []
    wanted = list(dict.fromkeys(genes))
    sel = gdf[gdf["gene"].isin(wanted) & gdf["chrom"].isin(chroms)].copy()
    sel["_order"] = sel["chrom"].map(CHROM_ORDER) * 1e10 + sel["start"]
    variants = result.variants if isinstance(result.variants, list) else []
    out = []
    for _, g in sel.sort_values("_order").iterrows():
        x = offsets[g["chrom"]] + (float(g["start"]) + float(g["end"])) / 2
        cnv = g.get("copy_number")
        y = float(cnv) if cnv is not None and not pd.isna(cnv) else 2.0
        call = str(g.get("call"))
        first = f"<b>{esc(g['gene'])}</b>" + (f" CN {fmt_cn(cnv)}" if call != "no_data" else "")
        lines = [first, esc(CALL_LABELS.get(call, call))]
        extras = []
        if bool(g.get("loh")) and call != "copy_neutral_loh":
            extras.append("LOH")
        if bool(g.get("partial")):
            extras.append(f"partial {float(g.get('covered_fraction', 0)):.0%}")
        if extras:
            lines[1] += f" ({', '.join(extras)})"
        muts = sorted([v for v in variants if v.get("gene") == g["gene"] and v.get("reportable")],
                      key=lambda v: -(v.get("vaf") or 0))
        for v in muts[:2]:
            change = v.get("hgvs_p") or v.get("hgvs_c") or f"{v.get('ref')}>{v.get('alt')}"
            lines.append(f"▼ {esc(change)} {fmt_vaf(v.get('vaf'))}")
        bi = is_biallelic((result.biallelic or {}).get(g["gene"]))
        if bi:
            lines.append("★ biallelic")
        plain = [re.sub(r"<[^>]+>", "", html.unescape(t)) for t in lines]
        width_px = max(len(t) for t in plain) * CHAR_PX + 12
        side = "down" if y < 2 or call in ("homozygous_deletion", "heterozygous_deletion") else "up"
        out.append(GeneLabel(str(g["gene"]), x, min(y, y_top), "<br>".join(lines), side,
                             CALL_COLORS.get(call, "#333"), width_px, LINE_PX * len(lines) + 8,
                             mutated=bool(muts), biallelic=bi))
    return out


def spread(centres: list[float], widths: list[float], span: float, gap: float = 6.0) -> list[float] | None:
    """Box centres (px) as close as possible to ``centres`` without overlapping, inside ``[0, span]``; None when
    the boxes do not fit side by side. ``centres`` must be sorted."""
    if sum(widths) + gap * (len(widths) - 1) > span:
        return None
    pos = []
    for c, w in zip(centres, widths, strict=True):  # left to right: push right past the previous box
        lo = w / 2 if not pos else pos[-1] + widths[len(pos) - 1] / 2 + gap + w / 2
        pos.append(max(c, lo, w / 2))
    for i in range(len(pos) - 1, -1, -1):  # right to left: pull back inside the span and off the next box
        hi = span - widths[i] / 2 if i == len(pos) - 1 else pos[i + 1] - widths[i + 1] / 2 - gap - widths[i] / 2
        pos[i] = min(pos[i], hi)
    return pos


def place_labels(labels: list[GeneLabel], total: float, plot_px: float) -> list[GeneLabel]:
    """Lay the labels of each band (above / below the profile) side by side, as near their gene as they can be,
    inside the plot at ``plot_px`` pixels of axis; when a band's boxes do not fit in one row they are stacked in
    rows (leader lines join each box to its gene). Sets ``label_x`` and ``offset_px``."""
    for side in ("up", "down"):
        band = sorted((lab for lab in labels if lab.side == side), key=lambda lab: lab.x)
        if not band:
            continue
        n_rows = 1
        while True:
            rows = [band[r::n_rows] for r in range(n_rows)]
            placed = [spread([lab.x / total * plot_px for lab in row], [lab.width_px for lab in row], plot_px)
                      for row in rows]
            if all(p is not None for p in placed) or n_rows >= len(band):
                break
            n_rows += 1
        offset = 0.0
        for row, pos in zip(rows, placed, strict=True):
            if pos is None:  # a single box wider than the plot: centre it
                pos = [plot_px / 2] * len(row)
            for lab, px in zip(row, pos, strict=True):
                lab.label_x = px / plot_px * total
                lab.offset_px = offset
            offset += max(lab.height_px for lab in row) + 8
    return labels
