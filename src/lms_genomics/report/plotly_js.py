"""The one plotly.js file a folder of HTML outputs shares (``plotly.min.js``): read from plotly's package as bytes,
written beside the HTML files. A module of its own, light to import: a cohort writes it without loading the
static-image exporter (kaleido, asyncio)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from .writers import atomic_write

#: File name of the shared plotly.js in a folder holding several HTML outputs (cohort, multi-sample classify).
PLOTLY_JS_NAME = "plotly.min.js"


@lru_cache(maxsize=1)
def plotly_js_bytes() -> bytes:
    """The bundled plotly.js (4.7 MB), read from plotly's package once per process, as the file's bytes (what
    ``plotly.offline.get_plotlyjs`` decodes: copying them needs no decoding, ~0.15 s of CPU)."""
    import pkgutil

    data = pkgutil.get_data("plotly", "package_data/plotly.min.js")
    if data is None:  # pragma: no cover - a plotly without its bundled plotly.js
        raise FileNotFoundError("plotly's package_data/plotly.min.js")
    return data


def write_plotly_js(out_dir: str | Path) -> Path:
    """Write plotly.js once into ``out_dir`` (``plotly.min.js``) for the HTML files there to share; an existing
    copy of the same bytes is left alone. Returns its path."""
    p = Path(out_dir) / PLOTLY_JS_NAME
    data = plotly_js_bytes()
    if p.is_file() and p.stat().st_size == len(data) and p.read_bytes() == data:
        return p
    with atomic_write(p, "wb") as fh:
        fh.write(data)
    return p
