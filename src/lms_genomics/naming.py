"""Output names: every sample's files get a stem no other sample of the run shares.

A sample name becomes a file stem by :func:`file_stem` (letters, digits and ``. _ + -``; accents folded, ``P-é`` →
``P-e``; anything else becomes ``_``). Two inputs can still resolve to one stem — two folders naming the same
sample, or names equal once made file-safe (``LMS 01``, ``LMS_01``, ``LMS/01``). Such a collision never overwrites
the first sample's files: the later one gets the stem with its folder's name appended (``P1.folderB``), else a
number (``P1.2``), and a warning naming both. Which of two colliding samples is "later" follows the order they are
written in: input order with ``-j 1``, completion order in parallel; once claimed, a name stays with its input on
later runs. The JSON keeps the name the files give (``"sample"``); the stem only
names the files. Stems are compared case-insensitively (``P1`` and ``p1`` collide on macOS and Windows).

Two registries: :class:`StemRegistry` within one process (``lmsgen classify`` of a multi-sample file), and
:func:`claim_stem` across the worker processes (or Dask workers) of ``lmsgen cohort``, which claims a stem with an
exclusively created file in ``<out>/.lmsgen-names/`` holding the claimant's identity (its input and sample). A
claim made by the same input on an earlier run is the same sample's, so re-runs and ``--resume`` keep each
sample's stem; a claim whose input no longer exists is stale and taken over.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from contextlib import suppress
from pathlib import Path

from .errors import OutputError, os_reason

NAMES_DIR = ".lmsgen-names"
_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")


#: Longest stem (characters): file systems refuse names over 255 bytes ("File name too long"), and a stem also
#: carries suffixes (``.chr17.genome.html``) and the atomic writer's temporary-name parts (``.<name>.<pid>.<n>.tmp``).
MAX_STEM = 100
#: A longer stem keeps its first characters and gets ``_`` and this many hex digits of the SHA-256 of the whole
#: (file-safe) name: two long names that differ only at the end still get distinct stems.
STEM_HASH_DIGITS = 12


def file_stem(name: str) -> str:
    """A file-name-safe stem of a sample name: accents folded to ASCII (``é`` → ``e``), every run of other
    characters than letters, digits and ``. _ + -`` replaced by ``_``, leading/trailing ``.``/``_`` removed
    (``sample`` when nothing is left). A stem longer than :data:`MAX_STEM` characters is cut and ends with ``_``
    and a hash of the whole name (``LLL…LLL_3f2a9c01b7e4``); the JSON keeps the full sample name."""
    folded = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode("ascii")
    stem = _UNSAFE.sub("_", folded).strip("._")
    if len(stem) > MAX_STEM:
        digest = hashlib.sha256(stem.encode("ascii")).hexdigest()[:STEM_HASH_DIGITS]
        stem = stem[:MAX_STEM - STEM_HASH_DIGITS - 1].rstrip("._") + "_" + digest
    return stem or "sample"


def _key(stem: str) -> str:
    return stem.casefold()


def _alternatives(stem: str, origin: str | None) -> list[str]:
    """Stems to try after ``stem``: with the origin folder's name appended (a sample folder; not for a file, whose
    samples share its folder), then numbered."""
    out = []
    if origin and (Path(origin).is_dir() or not Path(origin).suffix):
        folder = file_stem(Path(origin).name)
        if folder and _key(folder) != _key(stem):
            out.append(file_stem(f"{stem}.{folder}"))
    out += [f"{stem}.{n}" for n in range(2, 10_000)]
    return out


def collision_warning(name: str, stem: str, taken_by: str, chosen: str) -> str:
    """The warning of a sample whose files could not take ``stem``."""
    return (f"output name: {stem!r} (the file-safe name of {name!r}) is already used by {taken_by} in this output "
            f"folder; this sample's files are named {chosen!r} (its JSON keeps the sample name {name!r})")


class StemRegistry:
    """Distinct stems within one process: :meth:`claim` gives each (sample, origin) a stem no earlier claim has."""

    def __init__(self) -> None:
        self._taken: dict[str, str] = {}  # stem key -> description of its holder

    def claim(self, name: str, origin: str | None = None) -> tuple[str, str | None]:
        """(stem, warning or None) for sample ``name`` read from ``origin`` (a folder or file path)."""
        stem = file_stem(name)
        holder = f"sample {name!r}" + (f" of {origin}" if origin else "")
        if _key(stem) not in self._taken:
            self._taken[_key(stem)] = holder
            return stem, None
        for alt in _alternatives(stem, origin):
            if _key(alt) not in self._taken:
                self._taken[_key(alt)] = holder
                return alt, collision_warning(name, stem, self._taken[_key(stem)], alt)
        raise RuntimeError(f"no free output name for {name!r}")  # pragma: no cover - 10,000 identical names


def distinct_stems(names: list[str], origin: str | None = None) -> list[tuple[str, str | None]]:
    """(stem, warning) for each name of one input, in order (a multi-sample file's samples)."""
    registry = StemRegistry()
    return [registry.claim(n, origin) for n in names]


def _claim_file(directory: Path, stem: str) -> Path:
    digest = hashlib.sha256(_key(stem).encode("utf-8")).hexdigest()[:16]
    return directory / f"{file_stem(_key(stem))[:80]}.{digest}"


def _identity(name: str, origin: str) -> str:
    return f"{os.path.abspath(origin)}\n{name}\n"


def _read_claim(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeError):
        return None


def _stale(identity: str) -> bool:
    origin = identity.split("\n", 1)[0]
    return bool(origin) and not os.path.exists(origin)


def _try_claim(directory: Path, stem: str, identity: str) -> tuple[bool, str | None]:
    """(claimed, holder identity when another holds it). The claim file is written whole, then linked into place:
    creating a link fails when the name exists, so two processes never both claim a stem."""
    target = _claim_file(directory, stem)
    for _ in range(3):
        held = _read_claim(target)
        if held is not None:
            if held == identity:
                return True, None
            if not _stale(held):
                return False, held
            with suppress(FileNotFoundError):  # the input that held it is gone: take the name over
                target.unlink()
        tmp = directory / f".{target.name}.{os.getpid()}.tmp"
        tmp.write_text(identity, encoding="utf-8")
        try:
            os.link(tmp, target)
            return True, None
        except FileExistsError:
            continue
        finally:
            tmp.unlink(missing_ok=True)
    held = _read_claim(target)
    return held == identity, held


def claim_stem(out_dir: str | Path, name: str, origin: str) -> tuple[str, str | None]:
    """(stem, warning or None) for sample ``name`` of input ``origin``, unique among every sample written into
    ``out_dir`` by ``lmsgen cohort`` (across processes; see the module doc)."""
    directory = Path(out_dir) / NAMES_DIR
    try:  # an unwritable or full output folder: OutputError (exit 7), as for every other output
        directory.mkdir(parents=True, exist_ok=True)
        identity = _identity(name, origin)
        stem = file_stem(name)
        ok, holder = _try_claim(directory, stem, identity)
        if ok:
            return stem, None
        holder_text = _describe(holder)
        for alt in _alternatives(stem, origin):
            ok, _ = _try_claim(directory, alt, identity)
            if ok:
                return alt, collision_warning(name, stem, holder_text, alt)
    except OSError as exc:
        raise OutputError(directory, os_reason(exc)) from None
    raise RuntimeError(f"no free output name for {name!r}")  # pragma: no cover


def claimed_stem(out_dir: str | Path, name: str, origin: str) -> str | None:
    """The stem ``name`` of ``origin`` holds in ``out_dir`` from an earlier run (for ``--resume``), else None."""
    directory = Path(out_dir) / NAMES_DIR
    if not directory.is_dir():
        return None
    identity = _identity(name, origin)
    stem = file_stem(name)
    for candidate in [stem, *_alternatives(stem, origin)[:20]]:
        held = _read_claim(_claim_file(directory, candidate))
        if held == identity:
            return candidate
        if held is None:
            return None
    return None


def _describe(identity: str | None) -> str:
    if not identity:
        return "another sample"
    origin, _, rest = identity.partition("\n")
    return f"sample {rest.strip()!r} of {origin}"
