"""Per-sample figure and report files: ``<sample>.genome.{html,png,pdf,svg}`` and ``<sample>.report.html``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from .writers import safe_file_stem

if TYPE_CHECKING:
    import pandas as pd

    from ..result import SampleResult
    from .static_export import FigureExporter

PLOT_FORMATS = ("html", "png", "pdf", "svg")


def parse_formats(text: str | None) -> tuple[str, ...]:
    """``"html,png"`` → ``("html", "png")``; unknown formats raise :class:`UsageError`."""
    if not text:
        return ()
    formats = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in formats if f not in PLOT_FORMATS]
    if bad:
        raise UsageError(f"unknown plot format {bad[0]!r} (use {', '.join(PLOT_FORMATS)})")
    return formats


def needs_browser(formats: tuple[str, ...]) -> bool:
    """Whether any format is a static image (PNG/PDF/SVG need Chromium)."""
    return any(f != "html" for f in formats)


def probes_of(result: SampleResult) -> pd.DataFrame | None:
    """The probe-level data of a result's sample folder, when it had a probe export (read again for plots)."""
    from ..io.probes import read_probes

    for item in result.provenance.get("inputs", []):
        if isinstance(item, dict) and item.get("format") == "probes" and Path(item["path"]).exists():
            return read_probes(item["path"])
    return None


def write_plots(result: SampleResult, out_dir: str | Path, formats: tuple[str, ...], *,
                chromosome: str | None = None, exporter: FigureExporter | None = None,
                probes: Any = None) -> list[Path]:
    """Draw the genome (or one chromosome's) figure once and write it in each format; returns the paths."""
    if not formats or result.segments is None:
        return []
    from .plots import genome_figure
    from .static_export import write_html

    fig = genome_figure(result, probes=probes if probes is not None else probes_of(result), chromosome=chromosome)
    stem = safe_file_stem(result.sample) + (f".chr{str(chromosome).removeprefix('chr')}" if chromosome else "")
    written = []
    for fmt in formats:
        path = Path(out_dir) / f"{stem}.genome.{fmt}"
        if fmt == "html":
            written.append(write_html(fig, path))
        else:
            if exporter is None:
                raise UsageError("PNG/PDF/SVG export needs a FigureExporter")
            written.append(exporter.write(fig, path))
    return written


def write_sample_report(result: SampleResult, out_dir: str | Path) -> Path:
    """The self-contained tumour-board report ``<sample>.report.html``."""
    from .html_report import write_report

    return write_report(result, Path(out_dir) / f"{safe_file_stem(result.sample)}.report.html",
                        probes=probes_of(result))
