"""Figure export: HTML (plotly.js embedded, no browser) and PNG/PDF/SVG via kaleido 1.x and the system Chromium.

One Chromium serves many figures: open a :class:`FigureExporter` once (a context manager) and call
:meth:`FigureExporter.write` for every figure and format; starting the browser is the slow part (~1-2 s), each
further figure costs a fraction of that. Every file is written atomically. kaleido and plotly are imported
only here, when something is exported.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LmsgenError
from .writers import atomic_write

if TYPE_CHECKING:
    import plotly.graph_objects as go

STATIC_FORMATS = ("png", "pdf", "svg")
#: Default size of static images: 16:9, fit for a slide.
DEFAULT_WIDTH = 1600
DEFAULT_HEIGHT = 900
_BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


class StaticExportError(LmsgenError):
    """PNG/PDF/SVG export failed (the browser crashed, timed out or refused the figure)."""

    exit_code = 6


class BrowserNotFoundError(StaticExportError):
    """No Chromium/Chrome for PNG/PDF/SVG export."""

    exit_code = 6

    def __init__(self, detail: str = "") -> None:
        msg = ("PNG/PDF/SVG export needs Chromium: apt-get install chromium (or set BROWSER_PATH to a Chrome or "
               "Chromium executable); HTML export works without it")
        super().__init__(f"{msg} ({detail})" if detail else msg)


def find_browser(path: str | os.PathLike[str] | None = None) -> str:
    """The Chromium/Chrome executable to use: ``path``, else ``$BROWSER_PATH``, else the first on ``PATH``.

    Raises :class:`BrowserNotFoundError` when none is found.
    """
    explicit = path if path is not None else os.environ.get("BROWSER_PATH") or None
    if explicit is not None:
        p = Path(explicit)
        if p.is_file() and os.access(p, os.X_OK):
            return str(p)
        found = shutil.which(str(explicit))
        if found:
            return found
        raise BrowserNotFoundError(f"no executable at {str(explicit)!r}")
    for name in _BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserNotFoundError("no chromium, chromium-browser or google-chrome on PATH")


def check_browser(path: str | os.PathLike[str] | None = None, timeout: float = 60.0) -> str:
    """The browser of :func:`find_browser`, checked to run (``--version``); raises in one line when it does not."""
    import subprocess

    browser = find_browser(path)
    try:
        proc = subprocess.run([browser, "--headless", "--no-sandbox", "--version"], capture_output=True, text=True,
                              timeout=timeout, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise StaticExportError(f"cannot run {browser}: {type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
                                ) from None
    if proc.returncode != 0:
        detail = " ".join((proc.stderr or proc.stdout or "").split())[-200:]
        raise StaticExportError(f"cannot run {browser} (exit {proc.returncode}" + (f": {detail})" if detail else ")"))
    return browser


class BrowserCheck:
    """What PDF reports need when no figure is exported: a Chromium that runs, checked up front (a context
    manager like :class:`FigureExporter`, without starting kaleido)."""

    def __init__(self, browser_path: str | os.PathLike[str] | None = None) -> None:
        self.browser_path = check_browser(browser_path)

    def __enter__(self) -> BrowserCheck:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _format_of(path: Path, fmt: str | None) -> str:
    f = (fmt or path.suffix.lstrip(".")).lower()
    if f == "jpg":
        f = "jpeg"
    if f not in (*STATIC_FORMATS, "jpeg", "webp"):
        raise StaticExportError(f"{path}: cannot export a figure as {f or 'a file without extension'!r} "
                                f"(png, pdf or svg expected)")
    return f


class FigureExporter:
    """One headless Chromium (kaleido 1.x) reused for many static exports.

    ``with FigureExporter() as ex: ex.write(fig, "a.png"); ex.write(fig, "a.pdf")``. The browser runs on a
    private event loop in a daemon thread, so this works from plain synchronous code and inside programs that
    already run an asyncio loop. Raises :class:`BrowserNotFoundError` on entry when no browser exists.
    """

    def __init__(self, browser_path: str | os.PathLike[str] | None = None, timeout: float = 120.0) -> None:
        self.browser_path = find_browser(browser_path)
        self.timeout = timeout
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self.figures_exported = 0

    # -- lifecycle ------------------------------------------------------------------------------------------
    def open(self) -> FigureExporter:
        """Start the browser (done by ``with``; idempotent)."""
        if self._kaleido is not None:
            return self
        try:
            import kaleido
        except ImportError as exc:  # an install without lmsgen's dependencies
            raise StaticExportError(f"PNG/PDF/SVG export needs the kaleido package ({exc}): pip install kaleido, "
                                    f"or reinstall lmsgen") from None

        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, name="lmsgen-kaleido", daemon=True)
        thread.start()
        self._loop, self._thread = loop, thread

        async def start() -> Any:
            k = kaleido.Kaleido(path=self.browser_path, timeout=self.timeout, mathjax=False)
            await k.__aenter__()
            return k

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(start(), loop).result(timeout=self.timeout)
        except BaseException as exc:
            self._stop_loop()
            if type(exc).__name__ == "ChromeNotFoundError":
                raise BrowserNotFoundError(f"kaleido found no browser at {self.browser_path}") from None
            raise StaticExportError(f"cannot start {self.browser_path} for PNG/PDF/SVG export: "
                                    f"{type(exc).__name__}: {' '.join(str(exc).split())[:300]}") from None
        return self

    def close(self) -> None:
        """Stop the browser (done at the end of ``with``; idempotent)."""
        if self._kaleido is not None and self._loop is not None:
            k, self._kaleido = self._kaleido, None
            # Closing must not mask the caller's error.
            with suppress(BaseException):
                asyncio.run_coroutine_threadsafe(k.__aexit__(None, None, None), self._loop).result(timeout=30)
        self._stop_loop()

    def _stop_loop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=10)
            if not self._loop.is_running():
                self._loop.close()
        self._loop = self._thread = None

    def __enter__(self) -> FigureExporter:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- export ---------------------------------------------------------------------------------------------
    def to_bytes(self, fig: go.Figure | dict[str, Any], fmt: str = "png", width: int = DEFAULT_WIDTH,
                 height: int = DEFAULT_HEIGHT, scale: float = 1.0) -> bytes:
        """The image of ``fig`` as bytes (``fmt``: png, pdf or svg)."""
        self.open()
        assert self._loop is not None
        opts = {"format": fmt, "width": int(width), "height": int(height), "scale": float(scale)}
        try:
            data = asyncio.run_coroutine_threadsafe(self._kaleido.calc_fig(fig, opts=opts),
                                                    self._loop).result(timeout=self.timeout + 10)
        except Exception as exc:  # noqa: BLE001 - kaleido/choreographer raise many kinds
            raise StaticExportError(f"{fmt.upper()} export failed: {type(exc).__name__}: "
                                    f"{' '.join(str(exc).split())[:300]}") from None
        self.figures_exported += 1
        return bytes(data)

    def write(self, fig: go.Figure | dict[str, Any], path: str | Path, fmt: str | None = None,
              width: int = DEFAULT_WIDTH, height: int = DEFAULT_HEIGHT, scale: float = 1.0) -> Path:
        """Write ``fig`` to ``path`` (format from ``fmt`` or the extension), atomically; returns the path."""
        p = Path(path)
        data = self.to_bytes(fig, _format_of(p, fmt), width=width, height=height, scale=scale)
        with atomic_write(p, "wb") as fh:
            fh.write(data)
        return p


def write_image(fig: go.Figure, path: str | Path, fmt: str | None = None, width: int = DEFAULT_WIDTH,
                height: int = DEFAULT_HEIGHT, scale: float = 1.0, exporter: FigureExporter | None = None) -> Path:
    """Write one PNG/PDF/SVG; with ``exporter`` its browser is reused, else one is started and stopped."""
    if exporter is not None:
        return exporter.write(fig, path, fmt, width=width, height=height, scale=scale)
    with FigureExporter() as ex:
        return ex.write(fig, path, fmt, width=width, height=height, scale=scale)


def write_images(jobs: Iterable[tuple[go.Figure, str | Path]], width: int = DEFAULT_WIDTH,
                 height: int = DEFAULT_HEIGHT, scale: float = 1.0, browser_path: str | None = None) -> list[Path]:
    """Write many ``(figure, path)`` pairs (format from each extension) with ONE browser; returns the paths.

    The browser is looked for before anything is rendered, so a missing Chromium fails fast.
    """
    jobs = list(jobs)
    for _, path in jobs:
        _format_of(Path(path), None)
    if not jobs:
        return []
    with FigureExporter(browser_path) as ex:
        return [ex.write(fig, path, width=width, height=height, scale=scale) for fig, path in jobs]


PLOT_CONFIG = {"displaylogo": False, "responsive": True,
               "toImageButtonOptions": {"format": "png", "width": DEFAULT_WIDTH, "height": DEFAULT_HEIGHT}}


def figure_html(fig: go.Figure, div_id: str = "genome-plot", full_html: bool = True,
                plotly_js: str = "embed") -> str:
    """The figure as HTML with plotly.js embedded (works offline; ``plotly_js="embed"``) or loaded from a shared
    file beside it (``plotly_js="plotly.min.js"``); ``full_html=False`` gives a ``<div>``."""
    include: Any = True if plotly_js == "embed" else plotly_js
    return fig.to_html(full_html=full_html, include_plotlyjs=include, div_id=div_id, config=PLOT_CONFIG)


def write_html(fig: go.Figure, path: str | Path, plotly_js: str = "embed") -> Path:
    """Write the figure as an offline HTML file (plotly.js embedded, or the shared file), atomically."""
    p = Path(path)
    text = figure_html(fig, plotly_js=plotly_js)
    with atomic_write(p) as fh:
        fh.write(text)
    return p


def print_pdf(html_path: str | Path, pdf_path: str | Path, browser_path: str | os.PathLike[str] | None = None,
              timeout: float = 180.0) -> Path:
    """Print an HTML page to PDF with headless Chromium (the page's own ``@page`` size and print stylesheet),
    atomically. Raises :class:`BrowserNotFoundError` or :class:`StaticExportError` in one line."""
    import subprocess
    import tempfile

    browser = find_browser(browser_path)
    target = Path(pdf_path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lmsgen-pdf-") as tmp:
        out = Path(tmp) / "report.pdf"
        cmd = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
               "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
               "--hide-scrollbars", "--no-pdf-header-footer", "--run-all-compositor-stages-before-draw",
               "--virtual-time-budget=30000", f"--user-data-dir={Path(tmp) / 'profile'}",
               "--window-size=794,1123", f"--print-to-pdf={out}", Path(html_path).resolve().as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise StaticExportError(f"PDF export failed: {browser}: {type(exc).__name__}: "
                                    f"{' '.join(str(exc).split())[:200]}") from None
        if proc.returncode != 0 or not out.is_file() or out.read_bytes()[:5] != b"%PDF-":
            detail = " ".join((proc.stderr or "").split())[-300:]
            raise StaticExportError(f"PDF export failed: {browser} exited with {proc.returncode}"
                                    + (f": {detail}" if detail else ""))
        with atomic_write(target, "wb") as fh:
            fh.write(out.read_bytes())
    return target


def write_figure(fig: go.Figure, path: str | Path, exporter: FigureExporter | None = None, **kwargs: Any) -> Path:
    """Write ``fig`` by extension: ``.html`` without a browser, ``.png``/``.pdf``/``.svg`` through one."""
    p = Path(path)
    if p.suffix.lower() in (".html", ".htm"):
        return write_html(fig, p)
    return write_image(fig, p, exporter=exporter, **kwargs)
