"""Results identical to those frozen before the numpy rewrite of the copy-number path (issue 18): every sample of
the bundled examples, the thesis cohort, the 105 TCGA SARC samples (with and without their sample sheet) and every
real copy-number file of ``../shared`` gives, section by section, the digest of ``tests/golden/cn_regression.json``
(see ``tests/cn_regression.py``). The ``../shared`` sets skip visibly when it is absent."""

from __future__ import annotations

import json

import pytest
from cn_regression import FIXTURE, SETS, documents, record

FROZEN = json.loads(FIXTURE.read_text(encoding="utf-8"))["sets"]


def _differences(name: str) -> list[str]:
    frozen = FROZEN[name]["samples"]
    got = {key: (record(doc) if isinstance(doc, dict) else {"error": doc}) for key, doc in documents(name)}
    problems = [f"{k}: missing now" for k in frozen if k not in got]
    problems += [f"{k}: new sample" for k in got if k not in frozen]
    for key in sorted(set(frozen) & set(got)):
        a, b = frozen[key], got[key]
        if "error" in a or "error" in b:
            if a != b:
                problems.append(f"{key}: {a} != {b}")
            continue
        plain = [k for k in a if k != "sections" and a[k] != b.get(k)]
        changed = [s for s in a["sections"] if a["sections"][s] != b["sections"].get(s)]
        changed += [s for s in b["sections"] if s not in a["sections"]]
        if plain or changed:
            problems.append(f"{key}: " + ", ".join([*(f"{k} {a[k]} -> {b.get(k)}" for k in plain),
                                                     *(f"section {s} differs" for s in changed)]))
    return problems


@pytest.mark.parametrize("name", list(SETS))
def test_results_identical_to_frozen(name, request):
    needs_shared, _ = SETS[name]
    if needs_shared:
        from conftest import shared_path

        shared_path("realdata", "tcga_sarc_dev")
    problems = _differences(name)
    assert not problems, f"{len(problems)} sample(s) differ from the frozen results:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("name", ["examples", "thesis_cohort", "tcga_sheet"])
def test_cohort_results_identical_to_frozen(name, tmp_path):
    """The cohort engine (a split file's samples in worker processes, or sample folders) writes, with --evidence,
    the documents frozen from `classify`."""
    from click.testing import CliRunner
    from cn_regression import ROOT, TCGA
    from lms_genomics.cli.main import main

    if name == "tcga_sheet":
        from conftest import shared_path

        shared_path("realdata", "tcga_sarc_dev")
        args = [TCGA / "tcga_sarc_snp6_hg19.seg", "--sample-sheet", TCGA / "samples.tsv"]
    else:
        args = [ROOT / "examples" if name == "examples" else ROOT / "tests" / "fixtures" / "thesis_cohort"]
    res = CliRunner().invoke(main, ["cohort", *map(str, args), "--out", str(tmp_path), "-q", "-j", "2", "--evidence"])
    assert res.exit_code == 0, res.output
    frozen = FROZEN[name]["samples"]
    for key, entry in frozen.items():
        sample = key.split("#", 1)[1] if "#" in key else key
        doc = json.loads((tmp_path / f"{sample}.json").read_text(encoding="utf-8"))
        assert record(doc) == entry, key
