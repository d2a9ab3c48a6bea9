"""The copy-number regression fixture: a digest of every sample's result document, per section.

Frozen before the numpy rewrite of the per-sample copy-number path (issue 18) from ``classify`` results, so
that a test can assert the rewrite gives identical results: ``tests/golden/cn_regression.json``. Regenerate only
deliberately (``python tests/cn_regression.py``) and explain every changed digest.

Each sample keeps its class, A, C, GI and FGA in plain text and a 64-bit SHA-256 digest of each section of its
JSON document (``provenance.created`` dropped, paths of this checkout and of ``../shared`` replaced by
placeholders, floats by their exact ``repr``): the segments, the profile metrics and anomaly segments, the arm-level
events, the scores, the ISCN list, every gene's call, copy numbers, LOH, partial flag and deciding segment, the
per-gene evidence, biallelic status, QC, warnings, provenance, variants, fusions and sequenced territory.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
FIXTURE = ROOT / "tests" / "golden" / "cn_regression.json"
TCGA = SHARED / "realdata" / "tcga_sarc_dev"
SHARED_CN = SHARED / "formats" / "examples"

#: Sample sets: name → (needs ../shared, description).
SETS = {
    "examples": (False, "the bundled examples (classify of each folder)"),
    "thesis_cohort": (False, "tests/fixtures/thesis_cohort (classify of each folder)"),
    "tcga_sheet": (True, "classify_all of tcga_sarc_snp6_hg19.seg with its samples.tsv as the sample sheet"),
    "tcga_seg": (True, "classify_all of tcga_sarc_snp6_hg19.seg alone (no sample sheet)"),
    "shared_cn_files": (True, "classify_all of every ChAS/.seg/.cns file in ../shared/formats/examples"),
}


@lru_cache(maxsize=1)
def _reference_dir() -> str:
    """Where the installed package's reference files are (the checkout's reference/ folder in an editable install,
    site-packages in a plain one, as in CI): written as ``<root>/reference`` so that the digests do not depend on
    how lmsgen was installed."""
    from lms_genomics.genome import reference_path

    return str(reference_path("hg19_genes.bed").parent)


def _canonical(value: Any) -> Any:
    root, shared = str(ROOT), str(SHARED.resolve())
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, str):
        return value.replace(_reference_dir(), "<root>/reference").replace(shared, "<shared>") \
            .replace(str(SHARED), "<shared>").replace(root, "<root>")
    if isinstance(value, float):
        return {"float": repr(value)}
    return value


def _digest(value: Any) -> str:
    text = json.dumps(_canonical(value), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def sections(doc: dict[str, Any]) -> dict[str, str]:
    """Digest of each section of a result document (see the module docstring)."""
    doc = dict(doc)
    prov = dict(doc.pop("provenance", {}))
    prov.pop("created", None)
    for key in ("result_key", "source"):  # written by lmsgen cohort only (its resume key, the row's input)
        prov.pop(key, None)
    out = {"provenance": _digest(prov)}
    prof = doc.pop("profile", None)
    if isinstance(prof, dict):
        prof = dict(prof)
        for key in ("arm_level", "scores", "iscn"):
            out[key] = _digest(prof.pop(key, None))
        out["profile"] = _digest(prof)
    else:
        out["profile"] = _digest(prof)
    genes = doc.pop("genes", None)
    if isinstance(genes, dict):
        out["genes"] = _digest({g: {k: v for k, v in obj.items() if k != "evidence"} for g, obj in genes.items()})
        out["evidence"] = _digest({g: obj.get("evidence") for g, obj in genes.items()})
    else:
        out["genes"] = _digest(genes)
    for key, value in doc.items():
        out[key] = _digest(value)
    return out


def record(doc: dict[str, Any]) -> dict[str, Any]:
    """A sample's entry: class, A, C, GI, FGA in plain text and the digests of its sections."""
    prof = doc.get("profile")
    plain = {k: prof.get(k) for k in ("class", "anomalies", "chromosomes", "genomic_index", "fga")} \
        if isinstance(prof, dict) else {"class": "not_assessed"}
    return {**plain, "sections": sections(doc)}


def _shared_cn_files() -> list[Path]:
    from lms_genomics.io.registry import detect

    out = []
    for f in sorted(SHARED_CN.rglob("*")):
        fmt = detect(f) if f.is_file() else None
        if fmt is not None and "copy_number" in fmt.roles:
            out.append(f)
    return out


def documents(name: str) -> Iterator[tuple[str, dict[str, Any] | str]]:
    """(key, result document or the one-line error) of every sample of a set, computed with the current code."""
    from lms_genomics import classify_all
    from lms_genomics.errors import LmsgenError

    if name == "examples":
        folders = [ROOT / "examples" / c for c in ("case2", "case6")]
    elif name == "thesis_cohort":
        folders = sorted(p for p in (ROOT / "tests" / "fixtures" / "thesis_cohort").iterdir() if p.is_dir())
    elif name in ("tcga_sheet", "tcga_seg"):
        folders = [TCGA / "tcga_sarc_snp6_hg19.seg"]
    else:
        folders = _shared_cn_files()
    for folder in folders:
        key = str(folder.relative_to(SHARED if name == "shared_cn_files" else folder.parent))
        options = {"sample_sheet": TCGA / "samples.tsv"} if name == "tcga_sheet" else {}
        try:
            results = classify_all(folder, **options)
        except LmsgenError as exc:
            yield key, exc.one_line().replace(str(SHARED), "<shared>").replace(str(ROOT), "<root>")
            continue
        for r in results:
            yield (f"{key}#{r.sample}" if len(results) > 1 or name.startswith("tcga") else key), r.to_dict()


def freeze() -> dict[str, Any]:
    """The fixture from the current code (every set whose inputs are present)."""
    out: dict[str, Any] = {"about": __doc__.strip().splitlines()[0], "sets": {}}
    for name, (needs_shared, what) in SETS.items():
        if needs_shared and not SHARED.exists():
            raise SystemExit(f"../shared is needed to freeze {name}")
        entries = {k: (record(d) if isinstance(d, dict) else {"error": d}) for k, d in documents(name)}
        out["sets"][name] = {"what": what, "samples": entries}
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT / "src"))
    FIXTURE.write_text(json.dumps(freeze(), indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {FIXTURE}")
