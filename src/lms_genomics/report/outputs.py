"""Per-sample figure and report files: ``<sample>.genome.{html,png,pdf,svg}`` and ``<sample>.report.{html,pdf}``.

The figures of a sample are built once (:class:`~lms_genomics.report.figures.SampleFigures`) and shared by the
plot files and the report. A report is one self-contained offline HTML file; when a run writes several samples'
HTML into one folder, ``plotly_js="plotly.min.js"`` makes them share one copy of plotly.js written beside them.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import OutputError, UsageError
from .writers import safe_file_stem

if TYPE_CHECKING:
    import pandas as pd

    from ..result import SampleResult
    from .figures import SampleFigures
    from .static_export import FigureExporter

PLOT_FORMATS = ("html", "png", "pdf", "svg")
REPORT_FORMATS = ("html", "pdf")


def parse_formats(text: str | None, allowed: tuple[str, ...] = PLOT_FORMATS, what: str = "plot") -> tuple[str, ...]:
    """``"html,png"`` → ``("html", "png")``; unknown formats raise :class:`UsageError`."""
    if not text:
        return ()
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in formats if f not in allowed]
    if bad:
        raise UsageError(f"unknown {what} format {bad[0]!r} (use {', '.join(allowed)})")
    return formats


def needs_browser(formats: tuple[str, ...], report_formats: tuple[str, ...] = ()) -> bool:
    """Whether any output needs Chromium: a static figure (PNG/PDF/SVG) or a PDF report."""
    return any(f != "html" for f in formats) or "pdf" in report_formats


def probes_of(result: SampleResult) -> pd.DataFrame | None:
    """The probe-level data of a result's sample folder, when it had a probe export (read again for plots)."""
    from ..io.probes import read_probes

    for item in result.provenance.get("inputs", []):
        if isinstance(item, dict) and item.get("format") == "probes" and Path(item["path"]).exists():
            return read_probes(item["path"])
    return None


def sample_figures(result: SampleResult, probes: Any = None, doc: dict[str, Any] | None = None) -> SampleFigures:
    """The figures of one sample (each built at most once), with its probe-level data when it has some."""
    from .figures import SampleFigures

    return SampleFigures(result, probes=probes if probes is not None else probes_of(result), doc=doc)


def write_plots(result: SampleResult, out_dir: str | Path, formats: tuple[str, ...], *,
                chromosome: str | None = None, exporter: FigureExporter | None = None,
                probes: Any = None, figures: SampleFigures | None = None, plotly_js: str = "embed",
                stem: str | None = None) -> list[Path]:
    """Write the genome (or one chromosome's) figure in each format; the genome figure comes from ``figures``
    when given (built once, shared with the report). ``stem`` names the files (default: the sample).
    Returns the paths."""
    if not formats or result.segments is None:
        return []
    from .plots import genome_figure
    from .static_export import write_html

    if chromosome is None:
        figs = figures if figures is not None else sample_figures(result, probes)
        fig = figs.genome
    else:
        fig = genome_figure(result, probes=probes if probes is not None else probes_of(result), chromosome=chromosome)
    stem = (stem or safe_file_stem(result.sample)) + (f".chr{str(chromosome).removeprefix('chr')}" if chromosome
                                                      else "")
    written = []
    for fmt in formats:
        path = Path(out_dir) / f"{stem}.genome.{fmt}"
        if fmt == "html":
            written.append(write_html(fig, path, plotly_js=plotly_js))
        else:
            if exporter is None:
                raise UsageError("PNG/PDF/SVG export needs a FigureExporter")
            written.append(exporter.write(fig, path))
    return written


def write_sample_report(result: SampleResult, out_dir: str | Path, formats: tuple[str, ...] = ("html",), *,
                        figures: SampleFigures | None = None, exporter: FigureExporter | None = None,
                        plotly_js: str = "embed", doc: dict[str, Any] | None = None,
                        stem: str | None = None) -> list[Path] | Path:
    """The tumour-board report ``<stem>.report.html`` (and ``.pdf``: the A4 print of the same report, through
    the exporter's Chromium); ``stem`` defaults to the sample. Returns the path (one format) or the paths."""
    from .html_report import render_report, write_report
    from .static_export import print_pdf

    figs = figures if figures is not None else sample_figures(result, doc=doc)
    doc = doc if doc is not None else figs.doc
    stem = Path(out_dir) / (stem or safe_file_stem(result.sample))
    written = []
    if "html" in formats:
        written.append(write_report(result, stem.with_name(stem.name + ".report.html"), figure=figs.genome,
                                    zoom_figures=figs.zooms, doc=doc, plotly_js=plotly_js))
    if "pdf" in formats:
        text = render_report(result, doc=doc, figure=figs.genome_for_print(), zoom_figures=figs.zooms_for_print(),
                             for_print=True)
        with tempfile.TemporaryDirectory(prefix="lmsgen-report-") as tmp:
            page = Path(tmp) / "report.html"
            page.write_text(text, encoding="utf-8")
            written.append(print_pdf(page, stem.with_name(stem.name + ".report.pdf"),
                                     browser_path=exporter.browser_path if exporter is not None else None))
    return written[0] if formats == ("html",) else written


def write_sample_files(result: SampleResult, out_dir: str | Path, *, plot_formats: tuple[str, ...] = (),
                       report_formats: tuple[str, ...] = ("html",), exporter: FigureExporter | None = None,
                       plotly_js: str = "embed", stem: str | None = None,
                       doc: dict[str, Any] | None = None, json_text: str | None = None) -> list[Path]:
    """Everything one sample writes: the TSVs, the plots, the report and, last, ``<stem>.json`` (its presence
    means the others are complete), with each figure built once. ``stem`` names the files (default: the sample;
    ``classify --name``); ``doc``: the result's JSON document when already computed; ``json_text``: its JSON text
    when already rendered (:func:`~lms_genomics.report.writers.compact_json` for very large results). Returns the
    paths, the JSON first."""
    from .writers import write_outputs

    doc = doc if doc is not None or json_text is not None else result.to_dict()
    written = write_outputs(result, out_dir, doc=doc, write_json=False, stem=stem)
    figs = sample_figures(result, doc=doc) if (plot_formats or report_formats) and result.segments is not None \
        else None
    written += write_plots(result, out_dir, plot_formats, exporter=exporter, figures=figs, plotly_js=plotly_js,
                           stem=stem)
    if report_formats:
        paths = write_sample_report(result, out_dir, tuple(report_formats), figures=figs, exporter=exporter,
                                    plotly_js=plotly_js, doc=doc, stem=stem)
        written += paths if isinstance(paths, list) else [paths]
    json_path = write_outputs(result, out_dir, doc=doc, stem=stem, json_text=json_text, tables=False)[-1]
    return [json_path, *written]


#: Copy-number segments above which ``lmsgen classify`` writes neither the report nor the figures of a sample, and
#: writes its JSON compact from the arrays: a tumour-board report of more segments than a screen has pixels along
#: the genome cannot be read (100,000 segments average 30 kb; OncoScan's segment exports hold hundreds, a
#: bin-level file tens of thousands or more), and rendering 2 million of them took 4 minutes and 13 GB for a 1.4 GB
#: HTML file (issue 19). The JSON and the tables still hold every result; a warning says so.
REPORT_MAX_SEGMENTS = 100_000


def too_large_for_report(result: SampleResult) -> str | None:
    """The warning for a result with more than :data:`REPORT_MAX_SEGMENTS` copy-number segments, else None."""
    if result.copy_number is None:
        return None
    n = len(result.copy_number.segments)
    if n <= REPORT_MAX_SEGMENTS:
        return None
    return (f"{n:,} segments (more than {REPORT_MAX_SEGMENTS:,}: a bin-level file?): no report and no figure were "
            f"written (unreadable at this size) and the JSON is compact; the JSON and the tables hold every result")


#: Every file name suffix a sample's outputs can have (``<stem><suffix>``).
OUTPUT_SUFFIXES = (".json", ".genes.tsv", ".variants.tsv", ".igv.seg", *(f".genome.{f}" for f in PLOT_FORMATS),
                   *(f".report.{f}" for f in REPORT_FORMATS))


def check_output_dir(out_dir: str | Path) -> Path:
    """Refuse, before anything is computed, an output folder that cannot be written: a path through a file, a
    folder on a read-only file system or without write permission. Nothing is created here (a missing folder is
    made when the first file is written). Raises :class:`~lms_genomics.errors.OutputError`."""
    import os

    out = Path(out_dir)
    probe = out
    while not probe.exists():
        if probe.parent == probe:
            break
        probe = probe.parent
    if probe.exists() and not probe.is_dir():
        raise OutputError(out, f"{probe} is not a folder")
    if probe.exists() and not os.access(probe, os.W_OK | os.X_OK):
        raise OutputError(out, f"{probe} is not writable")
    return out


class OutputJournal:
    """The outputs a run may write, and which of them existed before it: :meth:`undo` removes the files the run
    created (never a file that was there before, nor any other file), so a run that fails part-way leaves nothing
    new behind (files it replaced are whole: every write is atomic)."""

    def __init__(self, out_dir: str | Path, stems: list[str], extra: tuple[str, ...] = ()) -> None:
        out = Path(out_dir)
        self.planned = [out / f"{stem}{suffix}" for stem in stems for suffix in OUTPUT_SUFFIXES]
        self.planned += [out / name for name in extra]
        self.existed = {p for p in self.planned if p.exists()}

    def undo(self) -> None:
        """Remove every planned output that did not exist before the run."""
        from contextlib import suppress

        for p in self.planned:
            if p not in self.existed:
                with suppress(OSError):
                    p.unlink()
