"""Sample sheets: per-sample tumour cell content (purity), ploidy and sex, as TSV/CSV or TOML.

Columns are found by name: id (``id``, ``sample``, ``sample_id``, ``barcode``...), purity (``purity``,
``tumour_cell_content``, ``tumor_cell_content``, ``cellularity``, ``tcc``; a value above 1 is read as a
percentage), ``ploidy``, ``sex``/``gender``, ``panel_bed`` (the lab's designed BED of the sequencing panel; a
relative path is read from the sheet's folder). A TOML sheet is either one table (``purity = 0.6``) for the
sample of its folder or ``[samples.<id>]`` tables.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .._lazy import pandas as pd
from ..errors import InputError
from .text import Head, normalize_column, parse_number, read_table

SHEET_NAMES = ("sample.tsv", "sample.toml", "sample.csv", "samples.tsv", "samples.csv", "samples.toml")
_ID = {"id", "sample", "sample id", "sampleid", "sample name", "barcode", "tcga barcode", "patient"}
_PURITY = {"purity", "tumour cell content", "tumor cell content", "cellularity", "tcc", "tumour content",
           "tumor content", "tumour purity", "tumor purity"}
_SEX = {"sex", "gender"}
_PANEL = {"panel bed", "panel", "designed bed", "panel designed bed", "target bed", "targets bed"}
_SEX_VALUES = {"f": "female", "female": "female", "woman": "female", "m": "male", "male": "male", "man": "male"}


def sniff(head: Head) -> bool:
    """A sample sheet: named ``sample.tsv``/``sample.toml``/... (:data:`SHEET_NAMES`) and, for a table, holding a
    purity, ploidy or sex column."""
    name = head.path.name.lower()
    if name not in SHEET_NAMES:
        return False
    if head.path.suffix.lower() == ".toml":
        return True
    keys = {normalize_column(h) for h in head.header()}
    return bool(keys & (_PURITY | _SEX | {"ploidy"}))


@dataclass(frozen=True)
class SampleInfo:
    """What the sheet says about one sample (None = not given)."""

    sample: str
    purity: float | None = None
    ploidy: float | None = None
    sex: str | None = None
    source: str | None = None
    panel_bed: str | None = None  # path of the lab's designed BED for this sample


@dataclass
class SampleSheet:
    """A parsed sample sheet."""

    path: Path
    rows: dict[str, SampleInfo]
    _extensions: dict[str, list[SampleInfo]] | None = field(default=None, init=False, repr=False, compare=False)

    def lookup(self, sample: str) -> SampleInfo | None:
        """Exact id match, else the unique id that extends the sample name after a separator (TCGA
        ``TCGA-AB-1234-01`` for ``TCGA-AB-1234``), else None. One dictionary look-up (the ids' prefixes are indexed
        once), so a cohort of n samples costs O(n), not O(n × sheet rows)."""
        if sample in self.rows:
            return self.rows[sample]
        if self._extensions is None:
            self._extensions = {}
            for key, info in self.rows.items():
                for i, ch in enumerate(key):
                    if ch in "-_.":
                        self._extensions.setdefault(key[:i], []).append(info)
        hits = self._extensions.get(sample, [])
        return hits[0] if len(hits) == 1 else None


def _number(value: object, path: Path, line: int | None, what: str) -> float | None:
    text = str(value).strip().rstrip("%").strip()
    if text in ("", "NA", "nan", "NaN", "None", "."):
        return None
    number = parse_number(text)  # 0,6 and 0.6 both read 0.6 (io.text's one rule)
    if number is None:
        raise InputError(path, f"{what} {value!r} is not a number", line)
    return number


def _panel(value: object, path: Path, line: int | None) -> str | None:
    text = str(value).strip() if value is not None else ""
    if text in ("", "NA", "nan", "None", "."):
        return None
    bed = Path(text)
    if not bed.is_absolute():
        bed = path.parent / bed
    if not bed.is_file():
        raise InputError(path, f"panel_bed {text!r} not found (a relative path is read from the sheet's folder)", line)
    return str(bed)


def _info(sample: str, purity: object, ploidy: object, sex: object, path: Path, line: int | None,
          panel: object = None) -> SampleInfo:
    p = _number(purity, path, line, "purity") if purity is not None else None
    if p is not None:
        if p > 1.0:
            p = p / 100.0
        if not 0.0 < p <= 1.0:
            raise InputError(path, f"purity {purity!r} out of range (fraction 0-1 or percentage 0-100)", line)
    pl = _number(ploidy, path, line, "ploidy") if ploidy is not None else None
    if pl is not None and not 1.0 <= pl <= 8.0:
        raise InputError(path, f"ploidy {ploidy!r} out of range (1-8)", line)
    sx = None
    if sex is not None and str(sex).strip() not in ("", "NA", "nan", "unknown", "."):
        sx = _SEX_VALUES.get(str(sex).strip().lower())
        if sx is None:
            raise InputError(path, f"sex {sex!r} not understood (female/male/F/M)", line)
    return SampleInfo(sample, p, pl, sx, str(path), _panel(panel, path, line))


def read_sample_sheet(path: str | Path, default_sample: str | None = None) -> SampleSheet:
    """Read a sample sheet (TSV/CSV or TOML). Raises :class:`InputError` naming the file and line."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        import tomllib

        try:
            data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(p, f"not valid TOML ({exc})") from None
        tables = data.get("samples") if isinstance(data.get("samples"), dict) else {default_sample or p.parent.name:
                                                                                   data}
        rows = {}
        for sid, t in tables.items():
            if not isinstance(t, dict):
                raise InputError(p, f"[samples.{sid}] must be a table")
            keys = {normalize_column(k): v for k, v in t.items()}
            purity = next((keys[k] for k in keys if k in _PURITY), None)
            sex = next((keys[k] for k in keys if k in _SEX), None)
            panel = next((keys[k] for k in keys if k in _PANEL), None)
            rows[str(sid)] = _info(str(sid), purity, keys.get("ploidy"), sex, p, None, panel)
        return SampleSheet(p, rows)
    table = read_table(p)
    keys = [normalize_column(h) for h in table.header]
    idx = {k: i for i, k in enumerate(keys)}
    id_col = next((idx[k] for k in keys if k in _ID), None)
    purity_col = next((idx[k] for k in keys if k in _PURITY), None)
    sex_col = next((idx[k] for k in keys if k in _SEX), None)
    ploidy_col = idx.get("ploidy")
    panel_col = next((idx[k] for k in keys if k in _PANEL), None)
    if purity_col is None and ploidy_col is None and sex_col is None and panel_col is None:
        raise InputError(p, "sample sheet without a purity, ploidy, sex or panel_bed column", table.header_line)
    rows = {}
    first_line: dict[str, int] = {}

    def get(fields_: list[str], i: int | None) -> object:
        return fields_[i] if i is not None and i < len(fields_) else None

    for fields_, n in zip(table.rows, table.line_numbers, strict=True):
        sid = str(get(fields_, id_col)).strip() if id_col is not None else (default_sample or p.parent.name)
        if not sid:
            raise InputError(p, "row without a sample id", n)
        if sid in rows:
            raise InputError(p, f"sample {sid!r} listed twice (lines {first_line[sid]} and {n})", n)
        first_line[sid] = n
        rows[sid] = _info(sid, get(fields_, purity_col), get(fields_, ploidy_col), get(fields_, sex_col), p, n,
                          get(fields_, panel_col))
    return SampleSheet(p, rows)


def as_frame(sheet: SampleSheet) -> pd.DataFrame:
    """The sheet as a table (sample, purity, ploidy, sex)."""
    return pd.DataFrame([vars(v) for v in sheet.rows.values()])
