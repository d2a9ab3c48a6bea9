"""Shared test helpers: project paths, the optional ../shared material, and small segment builders."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared, skipping the test visibly when the shared material is absent."""
    p = SHARED.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"../shared not available ({p} missing): real-data test skipped")
    return p


def make_segments(rows: list[tuple], sample: str = "S1") -> pd.DataFrame:
    """Canonical segments from (chrom, start, end, type, copy_number[, markers]) tuples."""
    from lms_genomics.tables import conform_segments

    recs = []
    for i, r in enumerate(rows):
        chrom, start, end, typ, cn = r[:5]
        markers = r[5] if len(r) > 5 else 100
        recs.append({"sample": sample, "chrom": chrom, "start": start, "end": end,
                     "kind": "loh" if typ == "loh" else "cn", "type": typ,
                     "copy_number": np.nan if typ == "loh" else float(cn), "markers": markers,
                     "segment_id": f"seg{i + 1}", "source_line": i + 2})
    return conform_segments(pd.DataFrame(recs))


def write_chas(path: Path, rows: list[tuple], sample: str = "T1") -> Path:
    """Write a minimal ChAS 3.x-style export: (chrom, start0, end, type, cn or '') rows."""
    header = "File\tCN State\tType\tChromosome\tMarker Count\tMicroarray Nomenclature\tFull Location\n"
    lines = []
    for chrom, start, end, typ, cn in rows:
        suffix = " hmz" if typ == "LOH" else f"x{cn}"
        lines.append(f"{sample}.OSCHP\t{cn}\t{typ}\t{chrom}\t50\t"
                     f"arr[hg19] {chrom}q11({start:,}-{end:,}){suffix}\tchr{chrom}:{start}-{end}\n")
    path.write_text(header + "".join(lines), encoding="utf-8")
    return path
