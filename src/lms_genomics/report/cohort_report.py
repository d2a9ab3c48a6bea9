"""Cohort summary: ``cohort.tsv`` (one row per sample), the counts the thesis reported, and ``cohort.html``
(counts per class and altered gene, genome-wide gain/loss frequency, an oncoprint of the key genes with mutation
and biallelic marks, every cohort.tsv column in a sortable table), with one ``plotly.min.js`` beside it.

The table is a list of rows (dicts of the cohort.tsv columns): no pandas, so ``lmsgen cohort`` never imports it.
The functions that take a table also accept a DataFrame (:func:`oncoprint_order` then returns one)."""

from __future__ import annotations

import csv
import html
import io
import math
import sys
import tempfile
import threading
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

import numpy as np

from .._lazy import pandas as pd
from ..cohort import SCORE_COLUMNS
from ..genome import KEY_GENES
from .tsv import safe_text
from .writers import atomic_write

#: cohort.tsv columns. ``input``: the folder or file of the row, relative to the cohort root (``#sample`` for one
#: sample of a multi-sample file); ``outputs``: the stem of its files (``<outputs>.json``, ``.genes.tsv``, ...).
TSV_COLUMNS = ["sample", "input", "outputs", "status", "contribution", "qc_verdict", "qc_reasons", "qc_copy_number",
               "qc_variants", "qc_fusions", "class", "A", "C", "GI", "FGA",
               *SCORE_COLUMNS, "RB1", "TP53", "MYOCD", "PTEN", "CDKN2A", "RB1_cn", "TP53_cn", "MYOCD_cn",
               "TP53_mutations", "RB1_mutations", "TP53_biallelic", "RB1_biallelic", "fusions", "error"]
DELETIONS = ("homozygous_deletion", "heterozygous_deletion")
_GRID_KEY = ("Grid: dark blue homozygous deletion, light blue heterozygous deletion, lilac copy-neutral LOH, "
             "light grey neutral, light red gain, dark red amplification, white no data or not assessed, mid grey "
             "non-contributory sample (QC failed); ▼ reportable TP53/RB1 mutation, ★ biallelic inactivation; "
             "failed samples are left out.")


def _mutated(value: object) -> bool:
    """A TP53/RB1 mutation cell counts as mutated only when it lists a damaging allele (polymorphisms, VUS and
    unannotated alleles are listed with their own labels and do not count)."""
    return isinstance(value, str) and "(damaging)" in value


Rows = list[dict[str, Any]]


def _rows(table: Any) -> Rows:
    """A table as rows with every cohort.tsv column (a DataFrame is converted: NaN → None)."""
    if hasattr(table, "to_dict"):
        table = [{k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in r.items()}
                 for r in table.to_dict("records")]
    return [{c: r.get(c) for c in TSV_COLUMNS} for r in table]


def _sorted(rows: Rows) -> Rows:
    """By sample, then output stem and input (two inputs naming one sample keep one order, run after run)."""
    return sorted(rows, key=_row_key)


def cohort_table(rows: list[dict[str, Any]] | list[tuple[Any, ...]]) -> pd.DataFrame:
    """The rows (dicts, or tuples in :data:`TSV_COLUMNS` order) as a DataFrame with the cohort.tsv columns, sorted
    by sample (what cohort.tsv holds, for pipelines that want a table)."""
    if rows and isinstance(rows[0], tuple):
        rows = [dict(zip(TSV_COLUMNS, r, strict=True)) for r in rows]  # type: ignore[arg-type]
    return pd.DataFrame(_sorted(_rows(rows)), columns=TSV_COLUMNS)


class CohortSummary:
    """Accumulates a cohort's outcomes as they arrive, then writes ``cohort.tsv`` and ``cohort.html``.

    Each sample is kept as one compact row (a tuple of the cohort.tsv columns, ~0.5 kB) and the gain/loss
    frequency as running counts per 1 Mb bin, so the summary of 10,000 samples stays small.
    """

    def __init__(self, out_dir: str | Path | None = None, background: bool = False) -> None:
        """``background``: the samples are classified by other processes (workers, a Dask cluster), so this one
        has time to spare: :meth:`add` then loads what :meth:`write` needs in a thread meanwhile. (Not when this
        process classifies them itself: the thread would only contend with it for the GIL.)"""
        from ..cohort import N_BINS

        self._rows: list[tuple[Any, ...]] = []
        self.gain = np.zeros(N_BINS, dtype=np.int32)
        self.loss = np.zeros(N_BINS, dtype=np.int32)
        self.n_profiled = 0
        # Each sample's rows of the gathered tables (cohort.genes.tsv, cohort.variants.tsv, cohort.igv.seg) are
        # spooled to a hidden file of the output folder as they arrive (memory stays flat) and written out in
        # cohort.tsv's order by write(): per table, (sort key, offset, length) per sample.
        self._out = Path(out_dir) if out_dir is not None else None
        self._spools: dict[str, IO[bytes]] = {}
        self._parts: dict[str, list[tuple[tuple[str, str], int, int]]] = {}
        self._background = background
        self._warming: threading.Thread | None = None
        self._html: dict[tuple[str, str, str], str] = {}  # cohort.html's table rows, rendered as samples arrive

    def add(self, outcome: Any) -> None:
        """Record one :class:`lms_genomics.cohort.SampleOutcome`. With ``background``, the first one starts loading
        what :meth:`write` needs (plotly, its template, plotly.js) in a thread, while the samples are still being
        classified, rather than after the last one."""
        if self._background and self._warming is None:
            self._warming = threading.Thread(target=prepare_rendering, name="lmsgen-cohort-html", daemon=True)
            self._warming.start()
        if self._out is not None:
            key = (str(outcome.sample), str(outcome.row.get("outputs") or ""))  # cohort.tsv's order
            for name, rows in (getattr(outcome, "tables", None) or {}).items():
                spool = self._spools.get(name)
                if spool is None:
                    self._out.mkdir(parents=True, exist_ok=True)
                    spool = self._spools[name] = tempfile.TemporaryFile(  # noqa: SIM115
                        dir=self._out, prefix=f".cohort.{name}.")
                data = rows.encode("utf-8")
                self._parts.setdefault(name, []).append((key, spool.tell(), len(data)))
                spool.write(data)
        row = outcome.row
        if len(self._html) < HTML_MAX_SAMPLES:  # rendered now, while the workers run, not after the last sample
            self._html[_row_key(row)] = row_html(row)
        self._rows.append(tuple([sys.intern(v) if type(v) is str and len(v) < 40 else v
                                 for v in map(row.get, TSV_COLUMNS)]))
        if outcome.bins is not None and row.get("contribution") == "contributory" and row.get("A") is not None:
            self.gain += outcome.bins > 0
            self.loss += outcome.bins < 0
            self.n_profiled += 1

    def rows(self) -> Rows:
        """One row per sample (dicts of the cohort.tsv columns), sorted by sample."""
        return _sorted([dict(zip(TSV_COLUMNS, r, strict=True)) for r in self._rows])

    def table(self) -> pd.DataFrame:
        """One row per sample, sorted by sample, as a DataFrame."""
        return cohort_table(self._rows)

    def failed(self) -> Rows:
        """The rows of the samples that failed, sorted by sample."""
        return [r for r in self.rows() if r["status"] == "failed"]

    def write(self, out_dir: str | Path) -> tuple[Rows, dict[str, Any], list[Path]]:
        """Write cohort.tsv and cohort.html atomically; returns (rows, counts, paths)."""
        if self._warming is not None:
            self._warming.join()
        rows = self.rows()
        counts = cohort_counts(rows)
        from .plotly_js import PLOTLY_JS_NAME, write_plotly_js

        out = Path(out_dir)
        gathered = self._write_tables(out)
        write_cohort_tsv(rows, str(out / "cohort.tsv"))
        js = write_plotly_js(out)  # one plotly.js for every HTML file of the cohort folder
        with atomic_write(out / "cohort.html") as fh:
            fh.write(render_cohort_html(rows, counts, self.gain, self.loss, self.n_profiled,
                                        plotly_js=PLOTLY_JS_NAME, rendered_rows=self._html))
        return rows, counts, [out / "cohort.tsv", out / "cohort.html", js, *gathered]

    def _write_tables(self, out: Path) -> list[Path]:
        """``cohort.genes.tsv``, ``cohort.variants.tsv`` and ``cohort.igv.seg``: every sample's rows of that table
        in one file, samples in cohort.tsv's order, rows as the per-sample files of ``lmsgen classify`` hold them
        (each row starts with its sample); a table no sample has is not written."""
        from .writers import table_header

        written = []
        for name in ("genes.tsv", "variants.tsv", "igv.seg"):
            spool = self._spools.pop(name, None)
            if spool is None:  # no sample has this table now: an earlier run's file would describe other results
                _remove_own_table(out / f"cohort.{name}", table_header(name, "").splitlines()[0])
                continue
            parts = self._parts.pop(name)
            path = out / f"cohort.{name}"
            try:
                with atomic_write(path, "wb") as fh:
                    fh.write(table_header(name, f"{len(parts)} samples of an lmsgen cohort").encode("utf-8"))
                    for _key, offset, length in sorted(parts, key=lambda p: p[0]):
                        spool.seek(offset)
                        fh.write(spool.read(length))
            finally:
                spool.close()
            written.append(path)
        return written


def _remove_own_table(path: Path, first_line: str) -> None:
    """Remove ``path`` when it is a gathered table lmsgen wrote (its first line is ``first_line``), never a file of
    another kind."""
    try:
        with open(path, encoding="utf-8", errors="replace") as fh:
            mine = fh.readline().rstrip("\n") == first_line
    except OSError:
        return
    if mine:
        path.unlink(missing_ok=True)


def _assay_rows(rows: Rows, assay: str, fallback: list[bool]) -> tuple[list[bool], list[bool]]:
    """(read, contributory) flags of one assay over the rows: read = the assay's QC column is set; contributory =
    read and its QC did not fail. Rows without a value there (rows built without it) use ``fallback`` for both."""
    read, good = [], []
    for r, fb in zip(rows, fallback, strict=True):
        v = r.get(f"qc_{assay}")
        ok = r["status"] == "ok"
        if isinstance(v, str):
            read.append(ok and v != "")
            good.append(ok and v not in ("", "fail"))
        else:
            read.append(ok and fb)
            good.append(ok and fb)
    return read, good


def _count(*flags: list[bool]) -> int:
    """How many rows have every one of the flags."""
    return sum(all(f) for f in zip(*flags, strict=True))


def cohort_counts(table: Any) -> dict[str, Any]:
    """Counts over the cohort: classes (contributory samples), non-contributory, failed, altered genes, assays.

    Each count takes only the assays that can speak for it: deletions and amplifications count over samples whose
    copy-number assay was read and did not fail QC, mutations over samples whose variant assay was read and did
    not fail QC, fusions over samples with an Archer output (a fusion called despite a failed RNA QC counts; a
    negative does not). A tumour suppressor is altered when deleted (homozygous or heterozygous) or carrying a
    reportable damaging mutation; MYOCD when amplified. ``*_assessed`` give how many samples each assay covered,
    so that a count of 0 over no sample reads "not assessed", never "none".
    """
    rows = _rows(table)
    ok = [r for r in rows if r["contribution"] == "contributory"]
    out: dict[str, Any] = {
        "samples": len(rows), **{c: sum(r["class"] == c for r in ok) for c in ("flat", "simple", "complex")},
        "non_contributory": sum(r["contribution"] == "non-contributory" for r in rows),
        "failed": sum(r["status"] == "failed" for r in rows),
        "not_assessed": sum(r["class"] == "not_assessed" for r in ok),
    }
    contributory = [r["contribution"] == "contributory" for r in rows]
    cn_read, cn_ok = _assay_rows(rows, "copy_number", [c and r["class"] != "not_assessed"
                                                       for c, r in zip(contributory, rows, strict=True)])
    var_read, var_ok = _assay_rows(rows, "variants", [c and r.get("TP53_mutations") != "not_assessed"
                                                      for c, r in zip(contributory, rows, strict=True)])
    fus_read, fus_ok = _assay_rows(rows, "fusions", [c and isinstance(r["fusions"], str)
                                                     and r["fusions"] != "not_assessed"
                                                     for c, r in zip(contributory, rows, strict=True)])
    for assay, read, good in (("copy_number", cn_read, cn_ok), ("variants", var_read, var_ok),
                              ("fusions", fus_read, fus_ok)):
        out[f"{assay}_assessed"] = _count(read)
        out[f"{assay}_failed_qc"] = _count(read, [not g for g in good])
    for gene in ("RB1", "TP53", "PTEN", "CDKN2A"):
        mut = [v and bool(_mutated(r.get(f"{gene}_mutations"))) for v, r in zip(var_ok, rows, strict=True)]
        deleted = [c and r[gene] in DELETIONS for c, r in zip(cn_ok, rows, strict=True)]
        out[f"{gene}_altered"] = _count([d or m for d, m in zip(deleted, mut, strict=True)])
        out[f"{gene}_by_mutation"] = _count(mut)
        out[f"{gene}_deleted"] = _count(deleted)
    out["MYOCD_amplified"] = _count(cn_ok, [r["MYOCD"] == "amplification" for r in rows])
    out["fusions"] = _count(fus_read, [isinstance(r["fusions"], str) and "::" in r["fusions"] for r in rows])
    out["fusions_not_assessable"] = _count(fus_read, [r["fusions"] == "not_assessable" for r in rows])
    out["fusions_qc_not_assessed"] = _count(fus_read, [r.get("qc_fusions") == "not_assessed" for r in rows])
    either = [a or b for a, b in zip(cn_ok, var_ok, strict=True)]
    out["biallelic_TP53"] = _count(either, [r["TP53_biallelic"] == "yes" for r in rows])
    out["biallelic_RB1"] = _count(either, [r["RB1_biallelic"] == "yes" for r in rows])
    names = [str(r["sample"]) for r in rows]
    seen: dict[str, int] = {}
    for n in names:
        seen[n] = seen.get(n, 0) + 1
    repeated = sorted(n for n, k in seen.items() if k > 1)
    if repeated:  # two inputs naming one sample: both kept, under distinct file names (lms_genomics.naming)
        out["repeated_sample_names"] = ", ".join(f"{n} ×{seen[n]}" for n in repeated)
    return out


def _scope(c: dict[str, Any], assay: str, what: str, value: str, missing: str) -> str:
    """``deleted 3``, or why the count cannot be made: no sample had the assay, or it failed QC in all."""
    if not c.get(f"{assay}_assessed", 1):
        return f"{what} not assessed ({missing})"
    if c.get(f"{assay}_assessed", 1) == c.get(f"{assay}_failed_qc", 0):
        return f"{what} not assessable (QC failed in every sample)"
    return value


def _usable(c: dict[str, Any], assay: str) -> bool:
    """Some sample's assay was read and did not fail QC (counts without the keys: assume so)."""
    return c.get(f"{assay}_assessed", 1) > c.get(f"{assay}_failed_qc", 0)


def _gene_text(c: dict[str, Any], gene: str, detail: bool = True) -> str:
    if not _usable(c, "copy_number") and not _usable(c, "variants"):
        if not c.get("copy_number_assessed", 1) and not c.get("variants_assessed", 1):
            return f"{gene} not assessed (no copy-number input, no VCF)"
        return f"{gene} not assessable (every copy-number and variant result failed QC)"
    if not detail:
        return f"{gene} altered {c[f'{gene}_altered']}"
    parts = [_scope(c, "copy_number", "deletions", f"deleted {c[f'{gene}_deleted']}", "no copy-number input"),
             _scope(c, "variants", "mutations", f"mutated {c[f'{gene}_by_mutation']}", "no VCF")]
    return f"{gene} altered {c[f'{gene}_altered']} ({', '.join(parts)})"


def _fusion_text(c: dict[str, Any]) -> str:
    if not c.get("fusions_assessed", 1):
        return "not assessed (no Archer output)"
    text = str(c["fusions"]) if c["fusions"] else "none detected"
    notes = []
    if c.get("fusions_not_assessable"):
        notes.append(f"not assessable in {c['fusions_not_assessable']} (Archer RNA QC failed)")
    if c.get("fusions_qc_not_assessed"):
        notes.append(f"RNA QC not assessed in {c['fusions_qc_not_assessed']} of {c['fusions_assessed']}")
    return text + (f" ({'; '.join(notes)})" if notes else "")


def format_counts(c: dict[str, Any]) -> str:
    """The counts as a few human lines (printed by ``lmsgen cohort``): an assay no sample had reads "not assessed",
    never "none"."""
    myocd = _scope(c, "copy_number", "MYOCD amplification", f"MYOCD amplified {c['MYOCD_amplified']}",
                   "no copy-number input")
    lines = [
        f"samples: {c['samples']}  (failed: {c['failed']})",
        f"profile: flat {c['flat']}, simple {c['simple']}, complex {c['complex']}, "
        f"non-contributory {c['non_contributory']}" + (f", copy number not assessed {c['not_assessed']}"
                                                       if c["not_assessed"] else ""),
        f"{_gene_text(c, 'RB1')}; {_gene_text(c, 'TP53')}; {myocd}; {_gene_text(c, 'PTEN', detail=False)}",
        ("biallelic: " + (f"TP53 {c['biallelic_TP53']}, RB1 {c['biallelic_RB1']}"
                          if _usable(c, "copy_number") or _usable(c, "variants") else "not assessable")
         + f"; fusions: {_fusion_text(c)}"),
    ]
    if "copy_number_assessed" in c:
        lines.append("assays read: " + ", ".join(
            f"{name} {c[f'{key}_assessed']}" + (f" ({c[f'{key}_failed_qc']} failed QC)" if c[f"{key}_failed_qc"]
                                                else "")
            for key, name in (("copy_number", "copy number"), ("variants", "variants"), ("fusions", "fusions")))
            + "; the counts leave out assays that failed QC")
    if c.get("repeated_sample_names"):
        lines.append(f"warning: several inputs name the same sample ({c['repeated_sample_names']}): each was kept, "
                     "under its own file names (see the warning in each JSON); check they are not one patient "
                     "counted twice")
    return "\n".join(lines)


def _tsv_column(values: list[Any]) -> list[str]:
    """A column's cells as pandas' ``to_csv`` writes them (one dtype per column): numbers with a missing value or a
    fraction among them as floats (``12.0``), whole numbers alone as integers, anything else as text; missing empty."""
    present = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    numeric = present and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in present)
    if numeric and (len(present) < len(values) or any(isinstance(v, float) for v in present)):
        return ["" if v is None or v != v else repr(float(v)) for v in values]
    return ["" if v is None or (isinstance(v, float) and math.isnan(v)) else
            safe_text(v) if isinstance(v, str) else str(v) for v in values]


def cohort_tsv(table: Any) -> str:
    """The cohort.tsv text of a table (rows in the order given)."""
    rows = _rows(table)
    columns = [_tsv_column([r[c] for r in rows]) for c in TSV_COLUMNS]
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter="\t", lineterminator="\n")
    writer.writerow(TSV_COLUMNS)
    writer.writerows(zip(*columns, strict=True) if rows else [])
    return buf.getvalue()


def write_cohort_tsv(table: Any, path: str) -> None:
    """Write cohort.tsv atomically."""
    with atomic_write(path) as fh:
        fh.write(cohort_tsv(table))  # every text cell through the one cell rule (report/tsv.py)


#: Samples drawn in the grid and listed in the HTML table (cohort.tsv always holds every sample).
HTML_MAX_SAMPLES = 1000
CLASS_ORDER = {"complex": 0, "simple": 1, "flat": 2, "not_assessed": 3}
#: Oncoprint cell codes and colours (discrete scale).
GRID_CODES = {"not_assessed": 0, "no_data": 0, "homozygous_deletion": 1, "heterozygous_deletion": 2,
              "copy_neutral_loh": 3, "neutral": 4, "gain": 5, "amplification": 6}
GRID_COLOURS = ["#ffffff", "#1a5276", "#85c1e9", "#c39bd3", "#eeeeee", "#f1948a", "#922b21", "#c8c8c8"]
NON_CONTRIBUTORY_CODE = 7
ALTERED = ("homozygous_deletion", "heterozygous_deletion", "amplification")
_SORT_JS = """
document.querySelectorAll('table.sortable th').forEach(function(th,i){th.addEventListener('click',function(){
var t=th.closest('table'),b=t.tBodies[0],rows=Array.from(b.rows),asc=th.dataset.asc!=='1';
t.querySelectorAll('th').forEach(function(h){h.dataset.asc='';h.classList.remove('asc','desc');});
th.dataset.asc=asc?'1':'0';th.classList.add(asc?'asc':'desc');
function v(r){var c=r.cells[i];var x=c.dataset.v!==undefined?c.dataset.v:c.textContent;var n=parseFloat(x);
return x!==''&&!isNaN(n)&&isFinite(x)?n:x.toLowerCase();}
rows.sort(function(a,b){var x=v(a),y=v(b);if(x===y)return 0;if(x===''||x===undefined)return 1;
if(y===''||y===undefined)return -1;return (x<y?-1:1)*(asc?1:-1);});
rows.forEach(function(r){b.appendChild(r);});});});
"""
_CSS = ("body{font-family:Arial,Helvetica,sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;"
        "font-size:12px}td,th{border:1px solid #ccc;padding:2px 5px;text-align:left;vertical-align:top}"
        "th{background:#f2f2f2;cursor:pointer;white-space:nowrap}th.asc:after{content:' \\25B2'}"
        "th.desc:after{content:' \\25BC'}tr.nc td{color:#888;background:#f4f4f4}tr.failed td{color:#a50f15}"
        ".wrap{overflow-x:auto}")


def _template_json() -> dict[str, Any]:
    """plotly's ``plotly_white`` template as plain JSON, a new dict each time (plotly loads the template, and much
    of itself, once per process: ~0.1 s)."""
    import plotly.io as pio

    return pio.templates["plotly_white"].to_plotly_json()


def prepare_rendering() -> None:
    """Load what :func:`render_cohort_html` and the shared plotly.js need (idempotent; safe in a thread)."""
    from .plotly_js import plotly_js_bytes

    _template_json()
    plotly_js_bytes()


def _mutated_gene(row: Any, gene: str) -> bool:
    return _mutated(row.get(f"{gene}_mutations")) if f"{gene}_mutations" in row else False


def oncoprint_order(table: Any) -> Any:
    """Samples in oncoprint order: contributory first, by class (complex, simple, flat), then by alteration of
    the key genes in their order (altered before not, the classic memo sort), then by name; non-contributory
    samples last (same rule among them); failed samples after all. Rows in, rows out (a DataFrame in, one out)."""
    def altered(row: Any) -> tuple[int, ...]:
        return tuple(0 if (str(row.get(g)) in ALTERED or _mutated_gene(row, g)) else 1 for g in KEY_GENES)

    rows = _rows(table)
    keys = []
    for row in rows:
        group = {"contributory": 0, "non-contributory": 1}.get(str(row.get("contribution")), 2)
        keys.append((group, CLASS_ORDER.get(str(row.get("class")), 4), altered(row), str(row.get("sample"))))
    order = sorted(range(len(rows)), key=keys.__getitem__)
    if hasattr(table, "iloc"):
        return table.iloc[order].reset_index(drop=True)
    return [rows[i] for i in order]


def _row_key(row: Any) -> tuple[str, str, str]:
    """A row's place in cohort.tsv and key among cohort.html's rendered rows: sample, output stem, input."""
    return str(row.get("sample")), str(row.get("outputs") or ""), str(row.get("input") or "")


def row_html(row: Any) -> str:
    """A sample's row of cohort.html's table (every cohort.tsv column)."""
    cls = {"non-contributory": ' class="nc"', "failed": ' class="failed"'}.get(str(row.get("contribution")), "")
    memo = _CELLS
    cells = []
    for c in TSV_COLUMNS:
        v = row.get(c)
        if type(v) is str and c not in _UNIQUE_COLUMNS:  # words repeat from sample to sample: rendered once
            cell = memo.get((c, v))
            if cell is None:
                if len(memo) >= _CELLS_MAX:
                    memo.clear()
                cell = memo[(c, v)] = _cell(c, v)
            cells.append(cell)
        else:
            cells.append(_cell(c, v))
    return f"<tr{cls}>" + "".join(cells) + "</tr>"


#: Rendered text cells of cohort.html's table by (column, value), for the columns whose words repeat (classes,
#: calls, verdicts); bounded: cleared when it holds _CELLS_MAX cells.
_CELLS: dict[tuple[str, str], str] = {}
_CELLS_MAX = 4096
_UNIQUE_COLUMNS = frozenset(("sample", "input", "outputs", "error"))


def _cell(column: str, value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "<td></td>"
    if column == "GI":
        return f'<td data-v="{float(value)}">{float(value):.1f}</td>'
    if column == "FGA":
        return f'<td data-v="{float(value)}">{100 * float(value):.0f} %</td>'
    if column.endswith("_cn"):
        return f'<td data-v="{float(value)}">{float(value):.1f}</td>'
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value)
    if column == "outputs" and text:  # the files' stem: a link to the sample's JSON beside cohort.html
        return f'<td><a href="{html.escape(quote(text + ".json"))}">{html.escape(text)}</a></td>'
    shown = text.replace("_", " ") if column not in ("sample", "input", "error", "qc_reasons") else text
    return f"<td>{html.escape(shown)}</td>"


def _oncoprint(ok: Rows) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Heatmap of the key genes per sample (non-contributory greyed) with mutation ▼ and biallelic ★ marks."""
    genes = list(KEY_GENES)
    nc = [r["contribution"] == "non-contributory" for r in ok]
    z = [[NON_CONTRIBUTORY_CODE if nc[i] else GRID_CODES.get(str(r[g]), 0) for i, r in enumerate(ok)]
         for g in genes]
    text = [[html.escape(str(r[g]).replace("_", " ")) + (" (non-contributory)" if nc[i] else "")
             for i, r in enumerate(ok)] for g in genes]
    n = len(GRID_COLOURS)
    scale = [stop for k, c in enumerate(GRID_COLOURS) for stop in ([k / n, c], [(k + 1) / n, c])]
    samples = [html.escape(str(r["sample"])) for r in ok]
    data: list[dict[str, Any]] = [{
        "type": "heatmap", "z": z, "x": list(range(len(ok))), "y": list(range(len(genes))), "text": text,
        "customdata": [samples] * len(genes), "hovertemplate": "%{customdata}: %{text}<extra></extra>",
        "zmin": -0.5, "zmax": n - 0.5, "showscale": False, "colorscale": scale, "xgap": 1, "ygap": 1,
        "xaxis": "x2", "yaxis": "y2"}]
    for kind, symbol, colour, dy, test in (
            ("reportable mutation", "triangle-down", "#111111", 0.22,
             lambda row, g: _mutated_gene(row, g)),
            ("biallelic inactivation", "star", "#f1c40f", -0.22,
             lambda row, g: str(row.get(f"{g}_biallelic")) == "yes")):
        xs, ys = [], []
        for i, row in enumerate(ok):
            for j, g in enumerate(genes):
                if test(row, g):
                    xs.append(i)
                    ys.append(j + dy)
        data.append({"type": "scatter", "mode": "markers", "x": xs, "y": ys, "name": kind, "hoverinfo": "skip",
                     "marker": {"symbol": symbol, "size": 9 if symbol == "star" else 7, "color": colour,
                                "line": {"color": "#111", "width": 0.8}}, "xaxis": "x2", "yaxis": "y2",
                     "showlegend": True})
    axes = {"xaxis2": {"domain": [0, 1], "anchor": "y2", "tickvals": list(range(len(ok))), "ticktext": samples,
                       "tickangle": -60 if len(ok) > 12 else 0, "showgrid": False, "zeroline": False,
                       "showticklabels": len(ok) <= 120, "range": [-0.5, len(ok) - 0.5]},
            "yaxis2": {"domain": [0, 0.42], "anchor": "x2", "tickvals": list(range(len(genes))), "ticktext": genes,
                       "autorange": "reversed", "showgrid": False, "zeroline": False}}
    return data, axes


def render_cohort_html(table: Any, counts: dict[str, Any], gain: np.ndarray, loss: np.ndarray,
                       n_profiled: int, max_samples: int = HTML_MAX_SAMPLES, plotly_js: str = "embed",
                       rendered_rows: dict[tuple[str, str, str], str] | None = None) -> str:
    """One HTML page: counts, gain/loss frequency along the genome, an oncoprint of the key genes (sorted by
    class and alteration, mutation and biallelic marks, non-contributory samples greyed and last) and every
    column of cohort.tsv in a table sortable by clicking a header.

    Counts and frequencies cover every sample; the grid and the sample table show the first ``max_samples``
    (by name) and say so. ``plotly_js``: ``"embed"`` or the relative path of a shared ``plotly.min.js``;
    ``rendered_rows``: table rows already rendered (:func:`row_html`), by (sample, outputs, input)."""
    shown_note = ""
    rows = _rows(table)
    if len(rows) > max_samples:
        shown_note = (f"<p><b>The grid and the table show the first {max_samples:,} of {len(rows):,} samples "
                      f"(by name); counts and frequencies cover all of them; cohort.tsv lists every sample.</b></p>")
        rows = _sorted(rows)[:max_samples]
    import plotly.io as pio

    from ..cohort import _AUTOSOMES, _BIN_OFFSETS, FREQUENCY_BIN

    rows = oncoprint_order(rows)
    x = (np.arange(len(gain)) + 0.5).tolist()
    denom = max(n_profiled, 1)
    ok = [r for r in rows if r["status"] != "failed"]
    mids = [(_BIN_OFFSETS[i] + _BIN_OFFSETS[i + 1]) / 2 for i in range(len(_AUTOSOMES))]
    grid, axes = _oncoprint(ok)
    # The figure as plain plotly JSON (two stacked panels), rendered without graph-object validation: the
    # same page as make_subplots + go traces, ~10x faster to build.
    data = [
        {"type": "bar", "x": x, "y": (100 * gain / denom).tolist(), "name": "gain", "width": 1.0,
         "marker": {"color": "#c0392b", "line": {"width": 0}}, "xaxis": "x", "yaxis": "y"},
        {"type": "bar", "x": x, "y": (-100 * loss / denom).tolist(), "name": "loss", "width": 1.0,
         "marker": {"color": "#2e86c1", "line": {"width": 0}}, "xaxis": "x", "yaxis": "y"},
        *grid,
    ]
    title_1 = f"Gain / loss frequency ({n_profiled} profiled samples, 1 Mb bins)"
    layout = {
        "height": 800, "template": _template_json(), "barmode": "relative", "bargap": 0,
        "title": {"text": f"lmsgen cohort: {counts['samples']} samples"},
        "legend": {"orientation": "h", "x": 1, "xanchor": "right", "y": 1.06, "yanchor": "bottom"},
        "margin": {"b": 120},
        "xaxis": {"domain": [0, 1], "anchor": "y", "range": [0, float(_BIN_OFFSETS[-1])],
                  "tickvals": mids, "ticktext": [c[3:] for c in _AUTOSOMES]},
        "yaxis": {"domain": [0.58, 1], "anchor": "x", "title": {"text": "% samples"}, "range": [-100, 100]},
        **axes,
        "annotations": [
            {"text": title_1, "x": 0.5, "y": 1, "xref": "paper", "yref": "paper", "xanchor": "center",
             "yanchor": "bottom", "showarrow": False, "font": {"size": 16}},
            {"text": "Key genes per sample (sorted by class and alteration; non-contributory greyed, last)",
             "x": 0.5, "y": 0.46, "xref": "paper", "yref": "paper", "xanchor": "center", "yanchor": "bottom",
             "showarrow": False, "font": {"size": 15}}],
        "shapes": [{"type": "line", "xref": "x", "yref": "y domain", "x0": float(b), "x1": float(b), "y0": 0,
                    "y1": 1, "line": {"width": 0.5, "color": "#999"}} for b in _BIN_OFFSETS[:len(_AUTOSOMES)]],
    }
    include: Any = True if plotly_js == "embed" else plotly_js
    plot = pio.to_html({"data": data, "layout": layout}, full_html=False, include_plotlyjs=include, validate=False,
                       config={"displaylogo": False})
    count_rows = "".join(f"<tr><td>{html.escape(k.replace('_', ' '))}</td><td>{html.escape(str(v))}</td></tr>"
                         for k, v in counts.items())
    summary_lines = "".join(f"<li>{html.escape(line)}</li>" for line in format_counts(counts).splitlines())
    head = "".join(f"<th>{html.escape(c)}</th>" for c in TSV_COLUMNS)
    rendered = rendered_rows or {}
    body = [rendered.get(_row_key(r)) or row_html(r) for r in rows]
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>lmsgen cohort</title><style>{_CSS}</style>"
            f"</head><body><h1>lmsgen cohort summary</h1>"
            f"<h2>Counts</h2><ul>{summary_lines}</ul><details><summary>every count</summary>"
            f"<table>{count_rows}</table></details><h2>Profiles</h2>{shown_note}{plot}<p>{_GRID_KEY}</p>"
            f"<h2>Samples</h2><p>Every column of cohort.tsv; click a header to sort. Non-contributory samples are "
            f"greyed.</p><div class='wrap'><table class='sortable'><thead><tr>{head}</tr></thead><tbody>"
            f"{''.join(body)}</tbody></table></div><p>Bins: {FREQUENCY_BIN // 1_000_000} Mb, autosomes, profile "
            f"anomalies (after cleaning).</p><script>{_SORT_JS}</script></body></html>")
