"""The figures of one sample, each built once and shared by every output that shows it (``--plots`` files, the
HTML report, the PDF report): the genome figure and one figure per chromosome carrying a key-gene event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..genome import CHROM_ORDER, KEY_GENES

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

    from ..result import SampleResult

#: Printed report (A4 portrait): figure sizes in CSS px.
PRINT_WIDTH = 720
PRINT_GENOME_HEIGHT = 560
PRINT_ZOOM_HEIGHT = 430
ZOOM_HEIGHT = 560
QUIET_CALLS = ("neutral", "no_data", "not_assessed")


def key_event_chromosomes(doc: dict[str, Any], genes: tuple[str, ...] = KEY_GENES) -> list[str]:
    """Chromosomes (karyotype order) holding a key gene whose copy number changed or that carries a reportable
    mutation."""
    gmap = doc.get("genes") if isinstance(doc.get("genes"), dict) else {}
    variants = doc.get("variants") if isinstance(doc.get("variants"), list) else []
    mutated = {v.get("gene") for v in variants if v.get("reportable")}
    chroms = {str(gmap[g]["chrom"]) for g in genes
              if g in gmap and gmap[g].get("chrom") and (gmap[g].get("call") not in QUIET_CALLS or g in mutated)}
    return sorted(chroms, key=lambda c: CHROM_ORDER.get(c, 99))


class SampleFigures:
    """Lazily built figures of one result; ``genome`` and ``zooms`` are built at most once.

    ``genome``/``zooms`` may be given (already built elsewhere); ``probes`` is the probe-level table (or None).
    """

    def __init__(self, result: SampleResult, *, probes: pd.DataFrame | None = None,
                 genes: tuple[str, ...] = KEY_GENES, genome: go.Figure | None = None,
                 zooms: list[tuple[str, go.Figure]] | None = None, doc: dict[str, Any] | None = None) -> None:
        self.result = result
        self.probes = probes
        self.genes = tuple(genes)
        self._genome = genome
        self._zooms = zooms
        self._doc = doc
        self.built = 0  # figures built here (a test counts them)

    @property
    def doc(self) -> dict[str, Any]:
        if self._doc is None:
            self._doc = self.result.to_dict()
        return self._doc

    def _figure(self, chromosome: str | None = None, **kw: Any) -> go.Figure:
        from .plots import genome_figure

        self.built += 1
        return genome_figure(self.result, probes=self.probes, genes=self.genes, chromosome=chromosome, **kw)

    @property
    def genome(self) -> go.Figure | None:
        """The whole-genome figure (None without copy-number data)."""
        if self._genome is None and self.result.segments is not None:
            self._genome = self._figure()
        return self._genome

    @property
    def zooms(self) -> list[tuple[str, go.Figure]]:
        """One figure per chromosome with a key-gene event."""
        if self._zooms is None:
            self._zooms = ([] if self.result.segments is None else
                           [(c, self._figure(c, height=ZOOM_HEIGHT)) for c in key_event_chromosomes(self.doc,
                                                                                                   self.genes)])
        return self._zooms

    def genome_for_print(self) -> go.Figure | None:
        """The genome figure laid out for an A4 page (labels placed for that width)."""
        if self.result.segments is None:
            return None
        return self._figure(width=PRINT_WIDTH, height=PRINT_GENOME_HEIGHT)

    def zooms_for_print(self) -> list[tuple[str, go.Figure]]:
        if self.result.segments is None:
            return []
        return [(c, self._figure(c, width=PRINT_WIDTH, height=PRINT_ZOOM_HEIGHT))
                for c in key_event_chromosomes(self.doc, self.genes)]
