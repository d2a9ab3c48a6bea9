"""Output names: every sample's files get a stem no other sample of the run shares.

A sample name becomes a file stem by :func:`file_stem` (letters, digits and ``. _ + -``; accents folded, ``P-é`` →
``P-e``; anything else becomes ``_``). Two inputs can still resolve to one stem — names equal once made
file-safe (``LMS 01``, ``LMS_01``, ``LMS/01``; ``P-e`` and ``P-é``), or two folders of one name in different
places. Such a collision never overwrites the first sample's files: the later one gets the stem with its folder's
name appended (``P1.folderB``), else a number (``P1.2``), and a warning naming both. The JSON keeps the name the
files give (``"sample"``); the stem only names the files. Stems are compared case-insensitively (``P1`` and ``p1``
collide on macOS and Windows).

:class:`StemRegistry` gives distinct stems within one process in the order names are claimed: ``lmsgen classify``
of a multi-sample file (file order), and :class:`NamePlan`, with which the parent of ``lmsgen cohort`` decides
every sample's stem before its work is dispatched, in a fixed order (inputs sorted by path, then the samples of a
file in file order), so that ``-j 1``, ``-j N`` and Dask give every sample the same files, run after run.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True)
class OutputName:
    """Where one sample of a cohort goes and where it came from: ``stem`` names its files (``<stem>.json``,
    ``<stem>.genes.tsv``, ...), ``input`` is its input as cohort.tsv shows it (the folder or file, relative to the
    cohort root, with ``#sample`` for a sample of a multi-sample file), ``warning`` says why the stem is not the
    plain file-safe name (a collision), else None."""

    stem: str
    input: str
    warning: str | None = None


def input_label(root: str | Path | None, path: str | Path, sample: str | None = None) -> str:
    """``path`` relative to the cohort ``root`` (the root itself, or a file given as the root: its name), with
    ``#sample`` appended for one sample of a multi-sample file."""
    base = _relative_label(root, path)
    return f"{base}#{sample}" if sample is not None else base


def _relative_label(root: str | Path | None, path: str | Path) -> str:
    """:func:`input_label` without the sample."""
    p = Path(os.path.abspath(path))
    base = p.name
    if root is not None:
        r = Path(os.path.abspath(root))
        if r.is_dir() and p != r and r in p.parents:
            base = p.relative_to(r).as_posix()
    return base


class NamePlan:
    """The output names of one cohort run, decided by the parent process in a fixed order before anything is
    dispatched (:mod:`lms_genomics.cohort` names the inputs sorted by path, then a file's samples in file order):
    a collision gets the suffix of :class:`StemRegistry`, whichever worker finishes first."""

    def __init__(self, root: str | Path | None = None) -> None:
        self.root = root
        self._registry = StemRegistry()
        self._labels: dict[str, str] = {}  # input path → its label: worked out once, not for each of its samples

    def name(self, name: str, origin: str | Path, path: str | Path | None = None,
             sample: str | None = None) -> OutputName:
        """The :class:`OutputName` of sample (or folder) ``name`` of input ``origin``; ``path``/``sample``: what
        cohort.tsv's ``input`` shows (default ``origin``, no sample)."""
        stem, warning = self._registry.claim(name, str(origin))
        where = str(path if path is not None else origin)
        base = self._labels.get(where)
        if base is None:
            base = self._labels[where] = _relative_label(self.root, where)
        return OutputName(stem, f"{base}#{sample}" if sample is not None else base, warning)
