"""The result key: one digest of everything that decides a sample's result, for ``lmsgen cohort --resume``.

A result is up to date when its ``provenance.result_key`` equals the key computed now from:

- the lmsgen version and the SHA-256 of every bundled reference file (:func:`bundled_references`: genes, arms,
  cytobands, OncoScan coverage, transcripts, knowledge tables);
- **every calling option** the command hands the library (:func:`canonical_options`), derived from the options
  dict itself, not from a list of names: an option added later is keyed without anyone remembering to. Files and
  folders an option names are keyed by their content (SHA-256 of each file), thresholds by their values, anything
  else by its value; a value of a kind the key cannot represent raises ``TypeError`` (a test catches it the day
  such an option appears), never a silently ignored option;
- the SHA-256 of every data file of the input (a sample folder's files, or the multi-sample file);
- the sample sheet as it applies to the sample (:func:`sheet_part`): the sheet's path, the row that applies (or,
  without one, what the "no row" warning lists) and the sheet-wide warnings. A sheet edited in one row changes
  the key of that row's sample only;
- the input (folder or file, absolute) and the sample's name in it.

Options that change no result are left out by name in :data:`NOT_RESULT_OPTIONS` (none today).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import asdict, is_dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from ._version import __version__
from .genome import sha256_file

#: Version of the key's recipe: a new recipe makes every earlier result out of date once.
RESULT_KEY_RECIPE = 1
#: Calling options that change no result (they are not keyed). Empty: ``strict`` can turn a warning into a
#: failure, so it is keyed too.
NOT_RESULT_OPTIONS: frozenset[str] = frozenset()
#: The option handled by :func:`sheet_part` (keyed per sample, not as one file).
SHEET_OPTION = "sample_sheet"


@lru_cache(maxsize=4096)
def _sha256_stat(path: str, size: int, mtime_ns: int) -> str:
    return sha256_file(path)


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file, computed once per (path, size, modification time) in this process."""
    st = os.stat(path)
    return _sha256_stat(os.path.abspath(path), st.st_size, st.st_mtime_ns)


def _folder_digest(folder: Path) -> dict[str, str]:
    return {f.relative_to(folder).as_posix(): file_sha256(f) for f in sorted(folder.rglob("*"))
            if f.is_file() and not any(part.startswith(".") or part == "__pycache__"
                                       for part in f.relative_to(folder).parts)}


@lru_cache(maxsize=1)
def bundled_references() -> dict[str, str]:
    """SHA-256 of every data file shipped in ``lms_genomics.reference`` (build scripts left out), by name."""
    from .genome import reference_path

    folder = reference_path("")
    return {name: sha for name, sha in _folder_digest(Path(folder)).items() if not name.endswith(".py")}


def canonical_value(name: str, value: Any) -> Any:
    """A JSON-representable, content-based form of one option value (see the module doc)."""
    if value is None or isinstance(value, (bool, int, str)):
        if isinstance(value, str) and os.path.exists(value):
            return canonical_value(name, Path(value))
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else repr(value)
    if isinstance(value, Path):
        if value.is_file():
            return {"file": os.path.abspath(value), "sha256": file_sha256(value)}
        if value.is_dir():
            return {"folder": os.path.abspath(value), "files": _folder_digest(value)}
        return {"missing": os.path.abspath(value)}
    if hasattr(value, "as_dict"):  # Thresholds
        return canonical_value(name, value.as_dict())
    if hasattr(value, "sha256") and hasattr(value, "path"):  # a loaded reference (GeneReference, PanelBed)
        return {"file": str(value.path), "sha256": str(value.sha256)}
    if isinstance(value, dict):
        return {str(k): canonical_value(f"{name}.{k}", v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [canonical_value(name, v) for v in value]
    if is_dataclass(value) and not isinstance(value, type):
        return canonical_value(name, asdict(value))
    raise TypeError(f"option {name!r}: a {type(value).__name__} cannot be part of the result key; teach "
                    f"lms_genomics.result_key.canonical_value how to key it")


def canonical_options(options: dict[str, Any]) -> dict[str, Any]:
    """Every calling option but the sample sheet (keyed per sample) and :data:`NOT_RESULT_OPTIONS`, in canonical
    form. ``thresholds=None`` and the default thresholds key alike."""
    from .thresholds import DEFAULT_THRESHOLDS

    out = {}
    for name, value in sorted(options.items()):
        if name == SHEET_OPTION or name in NOT_RESULT_OPTIONS:
            continue
        if name == "thresholds" and value is None:
            value = DEFAULT_THRESHOLDS
        out[name] = canonical_value(name, value)
    out.setdefault("thresholds", canonical_value("thresholds", DEFAULT_THRESHOLDS))
    return out


def sheet_part(sheet: Any, sample: str, warnings: list[str] | tuple[str, ...] = ()) -> dict[str, Any] | None:
    """What a sample sheet contributes to ``sample``'s result: its path, the row that applies (its values and
    line), or without one the ids the "no row" warning lists, and the sheet-wide ``warnings`` (rows matching no
    sample). None without a sheet."""
    if sheet is None:
        return None
    info = sheet.lookup(sample)
    part: dict[str, Any] = {"path": os.path.abspath(sheet.path), "warnings": list(warnings)}
    if info is None:
        part["no_row"] = {"listed": list(sheet.rows)[:5], "more": len(sheet.rows) > 5}
    else:
        row = asdict(info)
        source = row.pop("source", None)  # the sheet's path (keyed above), not a file of this row
        part["row"] = {**canonical_value("sample_sheet", row), "source": source}
    return part


def result_key(*, options: dict[str, Any], inputs: dict[str, str], source: str | Path, sample: str,
               sheet: dict[str, Any] | None) -> str:
    """The result key (hex SHA-256) of ``sample`` of input ``source`` (folder or file) with these calling
    ``options`` (:func:`canonical_options` is applied), data files ``inputs`` ({path: SHA-256}) and sample-sheet
    part ``sheet`` (:func:`sheet_part`)."""
    material = {
        "recipe": RESULT_KEY_RECIPE,
        "lmsgen_version": __version__,
        "references": bundled_references(),
        "options": ({k: v for k, v in options.items() if k != "__canonical__"} if options.get("__canonical__")
                    else canonical_options(options)),
        "inputs": {os.path.abspath(p): sha for p, sha in sorted(inputs.items())},
        "source": os.path.abspath(source),
        "sample": sample,
        "sample_sheet": sheet,
    }
    text = json.dumps(material, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


def canonical(options: dict[str, Any]) -> dict[str, Any]:
    """:func:`canonical_options` marked as done, for computing many samples' keys with one canonical form."""
    return {**canonical_options(options), "__canonical__": True}
