"""Golden-file regression (CNVkit's model): the bundled cases' calls, copy numbers and profile metrics must not
drift. Floats are compared with an explicit tolerance; regenerate deliberately with
``LMSGEN_UPDATE_GOLDEN=1 pytest tests/test_golden.py`` and review the diff."""

from __future__ import annotations

import json
import math
import os

import pytest
from conftest import EXAMPLES, ROOT

from lms_genomics import classify

GOLDEN = ROOT / "tests" / "golden"
REL_TOL = 1e-6
ABS_TOL = 1e-9


def snapshot(case: str) -> dict:
    d = classify(EXAMPLES / case).to_dict()
    prof = {k: d["profile"][k] for k in ("class", "anomalies", "chromosomes", "genomic_index", "fga")}
    prof["arm_level"] = {k: v for k, v in d["profile"]["arm_level"].items() if k != "fractions"}
    prof["scores"] = {k: v for k, v in d["profile"]["scores"].items() if k != "thresholds"}
    genes = {g: {k: v[k] for k in ("call", "copy_number", "min_copy_number", "max_copy_number", "loh", "partial",
                                   "covered_fraction")} for g, v in d["genes"].items()}
    return {"profile": prof, "genes": genes, "biallelic": {g: b["biallelic"] for g, b in d["biallelic"].items()}}


def close(a, b, path="") -> None:
    if isinstance(a, dict):
        assert set(a) == set(b), f"{path}: keys differ"
        for k in a:
            close(a[k], b[k], f"{path}.{k}")
    elif isinstance(a, float) or isinstance(b, float):
        assert a is not None and b is not None and math.isclose(a, b, rel_tol=REL_TOL, abs_tol=ABS_TOL), (path, a, b)
    else:
        assert a == b, (path, a, b)


@pytest.mark.parametrize("case", ["case2", "case6"])
def test_golden(case):
    path = GOLDEN / f"{case}.json"
    got = snapshot(case)
    if os.environ.get("LMSGEN_UPDATE_GOLDEN"):
        path.write_text(json.dumps(got, indent=1, sort_keys=True) + "\n")
    close(got, json.loads(path.read_text()))
