"""Sample sheets: per-sample tumour cell content (purity), ploidy and sex, as TSV/CSV or TOML.

Columns are found by name: id (``id``, ``sample``, ``sample_id``, ``barcode``...), purity (``purity``,
``tumour cell content``, ``tumor cell content``, ``TCC``, ``cellularity``, ``tumour fraction``, ``% tumour cells``...;
a unit in the header — ``Purity (%)``, ``TCC %``, ``tumour cell content [%]`` — is understood), ``ploidy``,
``sex``/``gender``, ``panel_bed`` (the lab's designed BED of the sequencing panel; a relative path is read from the
sheet's folder). A purity above 1 is read as a percentage; in a column whose header says ``%`` every value is a
percentage, and a value of 1 or less there (``0.6`` under ``Purity (%)``) is refused as ambiguous.

A sheet **without an id column** (one row) and a TOML sheet of one table (``purity = 0.6``) describe the one sample
of the input they accompany, whatever it is called; given to an input of several samples they are refused in one
line. :func:`check_sheet` says which rows match no sample of the input and which samples get no row (warnings, or
errors with ``--strict``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .._lazy import pandas as pd
from ..errors import InputError
from .text import Head, normalize_column, parse_number, read_table

SHEET_NAMES = ("sample.tsv", "sample.toml", "sample.csv", "samples.tsv", "samples.csv", "samples.toml")
_ID = {"id", "sample", "sample id", "sampleid", "sample name", "barcode", "tcga barcode", "patient", "case", "case id",
       "specimen", "specimen id", "accession", "accession number", "sample barcode", "tumor sample barcode",
       "tumour sample barcode"}
_PURITY = {"purity", "tumour cell content", "tumor cell content", "cellularity", "tcc", "tumour content",
           "tumor content", "tumour purity", "tumor purity", "tumour cells", "tumor cells", "tumour cell fraction",
           "tumor cell fraction", "tumour fraction", "tumor fraction", "tumour cellularity", "tumor cellularity",
           "neoplastic cellularity", "neoplastic cells", "neoplastic cell content", "tumour percentage",
           "tumor percentage", "percent tumour", "percent tumor", "percent tumour cells", "percent tumor cells",
           "purity estimate", "estimated purity", "tcc estimate", "cellularity estimate",
           "tumour cell percentage", "tumor cell percentage", "pathology purity", "histological purity"}
#: Unit words and signs removed from a header before it is matched (``Purity (%)`` → ``purity``, percent unit).
_PERCENT_UNIT = re.compile(r"\s*(?:\(\s*%\s*\)|\[\s*%\s*\]|\(\s*percent(?:age)?\s*\)|\bin\s*%|%|\bpct\b)\s*")
_SEX = {"sex", "gender"}
_PANEL = {"panel bed", "panel", "designed bed", "panel designed bed", "target bed", "targets bed"}
_SEX_VALUES = {"f": "female", "female": "female", "woman": "female", "m": "male", "male": "male", "man": "male"}


def header_key(name: str) -> tuple[str, bool]:
    """(column key, whether the header gives a percent unit): ``Purity (%)`` → ``("purity", True)``, ``% tumour
    cells`` → ``("tumour cells", True)``, ``TCC`` → ``("tcc", False)``."""
    text = str(name)
    percent = bool(_PERCENT_UNIT.search(text))
    return normalize_column(_PERCENT_UNIT.sub(" ", text)), percent


def sniff(head: Head) -> bool:
    """A sample sheet: named ``sample.tsv``/``sample.toml``/... (:data:`SHEET_NAMES`) and, for a table, holding a
    purity, ploidy or sex column."""
    name = head.path.name.lower()
    if name not in SHEET_NAMES:
        return False
    if head.path.suffix.lower() == ".toml":
        return True
    keys = {header_key(h)[0] for h in head.header()}
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
    line: int | None = None  # the row's line in the sheet (None for TOML)


@dataclass
class SampleSheet:
    """A parsed sample sheet. ``anonymous``: the sheet names no sample (no id column, or a one-table TOML): its one
    row describes the single sample of the input it accompanies."""

    path: Path
    rows: dict[str, SampleInfo]
    anonymous: bool = False
    _extensions: dict[str, list[SampleInfo]] | None = field(default=None, init=False, repr=False, compare=False)

    def lookup(self, sample: str) -> SampleInfo | None:
        """Exact id match, else the unique id that extends the sample name after a separator (TCGA
        ``TCGA-AB-1234-01`` for ``TCGA-AB-1234``), else None. An anonymous sheet's one row, for any sample (that
        the input holds one sample only is checked by :func:`check_sheet`). One dictionary look-up (the ids'
        prefixes are indexed once), so a cohort of n samples costs O(n), not O(n × sheet rows)."""
        if self.anonymous:
            return next(iter(self.rows.values()), None)
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


@dataclass
class SheetCheck:
    """How a sheet's rows meet an input's samples: warnings for the whole input and per sample."""

    warnings: list[str]
    by_sample: dict[str, list[str]]


def check_sheet(sheet: SampleSheet, samples: list[str], *, source: str, check_rows: bool = True,
                strict: bool = False) -> SheetCheck:
    """Match the sheet with the samples of ``source`` (the input's name): every sample that gets no row, and (with
    ``check_rows``: the sheet accompanies this whole input) every row that matches no sample, is a warning naming
    the row's line — or, with ``strict``, an :class:`InputError` naming the sheet and line. An anonymous sheet
    given to an input of several samples is always refused."""
    where = sheet.path.name
    if sheet.anonymous and len(samples) > 1:
        shown = ", ".join(samples[:5]) + (", ..." if len(samples) > 5 else "")
        raise InputError(sheet.path, f"the sample sheet has no sample id column, so it can describe one sample only, "
                                     f"but {source} holds {len(samples)} ({shown}): add a 'sample' column")
    problems: list[tuple[str, int | None, str | None]] = []  # (message, line, sample it concerns)
    matched: set[str] = set()
    for s in samples:
        info = sheet.lookup(s)
        if info is None:
            listed = ", ".join(list(sheet.rows)[:5]) + (", ..." if len(sheet.rows) > 5 else "")
            problems.append((f"sample sheet {where}: no row for sample {s!r} (rows: {listed or 'none'}): its purity, "
                             f"ploidy and sex are not taken from the sheet", None, s))
        else:
            matched.add(info.sample)
    if check_rows and not sheet.anonymous:
        for sid, info in sheet.rows.items():
            if sid not in matched:
                shown = ", ".join(samples[:5]) + (", ..." if len(samples) > 5 else "")
                line = f" (line {info.line})" if info.line else ""
                problems.append((f"sample sheet {where}: row {sid!r}{line} matches no sample of {source} (it holds "
                                 f"{shown or 'no sample'}): the row is not used", info.line, None))
    if strict and problems:
        message, line, _ = problems[0]
        raise InputError(sheet.path, message.split(": ", 1)[1] + " (--strict)", line)
    out = SheetCheck([], {})
    for message, _line, sample in problems:
        if sample is None:
            out.warnings.append(message)
        else:
            out.by_sample.setdefault(sample, []).append(message)
    return out


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
          panel: object = None, percent: bool = False) -> SampleInfo:
    p = _number(purity, path, line, "purity") if purity is not None else None
    if p is not None:
        percent = percent or str(purity).strip().endswith("%")
        if percent and 0.0 < p <= 1.0:
            raise InputError(path, f"purity {purity!r} in percent is ambiguous (write {100 * p:g} for "
                                   f"{100 * p:g} %, or the fraction without the % unit)", line)
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
    return SampleInfo(sample, p, pl, sx, str(path), _panel(panel, path, line), line)


def read_sample_sheet(path: str | Path, default_sample: str | None = None) -> SampleSheet:
    """Read a sample sheet (TSV/CSV or TOML). Raises :class:`InputError` naming the file and line.

    ``default_sample`` names the row of an anonymous sheet (no id column, one-table TOML); its row still applies to
    the one sample of the input, whatever its name (:meth:`SampleSheet.lookup`)."""
    p = Path(path)
    if p.suffix.lower() == ".toml":
        import tomllib

        from .text import require_regular_file

        require_regular_file(p)
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8-sig"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InputError(p, f"not valid TOML ({' '.join(str(exc).split())})") from None
        except RecursionError:
            raise InputError(p, "not a sample sheet: values nested too deeply") from None
        except OSError as exc:
            raise InputError(p, f"cannot read file ({exc.strerror or exc})") from None
        anonymous = not isinstance(data.get("samples"), dict)
        tables = data.get("samples") if not anonymous else {default_sample or p.parent.name or "sample": data}
        rows = {}
        for sid, t in tables.items():
            if not isinstance(t, dict):
                raise InputError(p, f"[samples.{sid}] must be a table")
            keys = {}
            percent_keys = set()
            for k, v in t.items():
                key, pct = header_key(k)
                keys[key] = v
                if pct:
                    percent_keys.add(key)
            purity_key = next((k for k in keys if k in _PURITY), None)
            sex = next((keys[k] for k in keys if k in _SEX), None)
            panel = next((keys[k] for k in keys if k in _PANEL), None)
            for k, v in keys.items():
                if isinstance(v, (dict, list)) and k in (_PURITY | _SEX | _PANEL | {"ploidy"}):
                    raise InputError(p, f"{k} of [samples.{sid}] must be a single value, not a "
                                        f"{'table' if isinstance(v, dict) else 'list'}")
            rows[str(sid)] = _info(str(sid), keys.get(purity_key) if purity_key else None, keys.get("ploidy"), sex, p,
                                   None, panel, percent=purity_key in percent_keys)
        return SampleSheet(p, rows, anonymous=anonymous)
    table = read_table(p)
    parsed = [header_key(h) for h in table.header]
    keys = [k for k, _ in parsed]
    idx = {k: i for i, k in enumerate(keys)}
    id_col = next((idx[k] for k in keys if k in _ID), None)
    purity_col = next((idx[k] for k in keys if k in _PURITY), None)
    sex_col = next((idx[k] for k in keys if k in _SEX), None)
    ploidy_col = idx.get("ploidy")
    panel_col = next((idx[k] for k in keys if k in _PANEL), None)
    if purity_col is None and ploidy_col is None and sex_col is None and panel_col is None:
        raise InputError(p, "sample sheet without a purity, ploidy, sex or panel_bed column", table.header_line)
    percent = purity_col is not None and parsed[purity_col][1]
    if id_col is None and len(table.rows) > 1:
        raise InputError(p, f"{len(table.rows)} rows but no sample id column (sample, id, barcode...): lmsgen cannot "
                            f"tell which row describes which sample", table.line_numbers[1])
    rows = {}
    first_line: dict[str, int] = {}

    def get(fields_: list[str], i: int | None) -> object:
        return fields_[i] if i is not None and i < len(fields_) else None

    for fields_, n in zip(table.rows, table.line_numbers, strict=True):
        sid = str(get(fields_, id_col)).strip() if id_col is not None else (default_sample or p.parent.name or
                                                                           "sample")
        if not sid:
            raise InputError(p, "row without a sample id", n)
        if sid in rows:
            raise InputError(p, f"sample {sid!r} listed twice (lines {first_line[sid]} and {n})", n)
        first_line[sid] = n
        rows[sid] = _info(sid, get(fields_, purity_col), get(fields_, ploidy_col), get(fields_, sex_col), p, n,
                          get(fields_, panel_col), percent=percent)
    return SampleSheet(p, rows, anonymous=id_col is None)


def as_frame(sheet: SampleSheet) -> pd.DataFrame:
    """The sheet as a table (sample, purity, ploidy, sex)."""
    return pd.DataFrame([vars(v) for v in sheet.rows.values()])
