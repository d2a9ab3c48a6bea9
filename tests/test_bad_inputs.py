"""Bad input never crashes, misleads or corrupts: every case of ``tests/fixtures/bad/MANIFEST.tsv``.

Each case runs as ``lmsgen classify <case> --out <tmp>/out`` (CliRunner; a handful also as a real ``lmsgen``
subprocess) and must give: the documented exit code, exactly one stderr line naming the file (and line when
known), no traceback, nothing written to ``<tmp>/out`` (no temp files either), and the input bytes unchanged.

Last run (update after changing the corpus; ``pytest -s tests/test_bad_inputs.py`` prints the counts):
178 inputs tried (chas 44, seg 30, vcf 25, archer 31, samplesheet 17, genes 14, folders 13, generated 4 plus 10
through a real ``lmsgen`` subprocess); errors by exit code: 2 (usage) 2, 3 (input) 156, 4 (no input) 6,
5 (reference) 14; tracebacks: 0; outputs left behind: 0; inputs modified: 0.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from lms_genomics.cli.main import main

BAD = Path(__file__).resolve().parent / "fixtures" / "bad"
sys.path.insert(0, str(BAD))
import make_corpus  # noqa: E402

LMSGEN = Path(sys.executable).parent / "lmsgen"


def _manifest() -> list[dict[str, str]]:
    rows = (BAD / "MANIFEST.tsv").read_text(encoding="utf-8").splitlines()
    head = rows[0].split("\t")
    return [dict(zip(head, r.split("\t"), strict=True)) for r in rows[1:] if r.strip()]


CASES = _manifest()
RESULTS: Counter = Counter()


def _tree_hashes(path: Path) -> dict[str, str]:
    """sha256 of every regular file at or under ``path`` (symlinks: of their target text)."""
    out = {}
    if path.is_symlink():
        return {str(path): "link:" + os.readlink(path)}
    if path.is_file():
        return {str(path): hashlib.sha256(path.read_bytes()).hexdigest()}
    if path.is_dir():
        for p in sorted(path.rglob("*")):
            if p.is_symlink():
                out[str(p)] = "link:" + os.readlink(p)
            elif p.is_file():
                out[str(p)] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def _args(case: dict[str, str], tmp: Path) -> tuple[list[str], Path]:
    if case["path"].startswith("generated/"):
        path = make_corpus.generate(case["path"], tmp / "gen")
    else:
        path = BAD / case["path"]
    cmd = case["args"].format(case=path, good=BAD / "good_sample", good_seg=BAD / "good_seg")
    return [*shlex.split(cmd), "--out", str(tmp / "out")], path


def _check(case: dict[str, str], code: int, stderr: str, out: Path) -> None:
    err_lines = [ln for ln in stderr.splitlines() if ln.strip()]
    assert "Traceback" not in stderr, stderr
    assert code == int(case["exit_code"]), f"{case['path']}: exit {code}, expected {case['exit_code']}: {stderr}"
    assert len(err_lines) == 1, f"{case['path']}: {len(err_lines)} stderr lines: {stderr!r}"
    assert err_lines[0].startswith("lmsgen: error: "), err_lines[0]
    assert case["stderr"] in err_lines[0], f"{case['path']}: {case['stderr']!r} not in {err_lines[0]!r}"
    left = list(out.rglob("*")) if out.exists() else []
    assert not left, f"{case['path']}: output left behind: {left}"


@pytest.mark.parametrize("case", CASES, ids=[c["path"] for c in CASES])
def test_bad_input(case, tmp_path):
    args, path = _args(case, tmp_path)
    before = _tree_hashes(path)
    res = CliRunner().invoke(main, args)
    if res.exception is not None and not isinstance(res.exception, SystemExit):  # escaped the CLI's handler
        raise AssertionError(f"{case['path']}: {type(res.exception).__name__}: {res.exception}")
    stderr = res.stderr
    _check(case, res.exit_code, stderr, tmp_path / "out")
    assert _tree_hashes(path) == before, f"{case['path']}: input modified"
    assert not list(BAD.rglob("*.tmp")) and not list(BAD.rglob(".*.tmp")), "temp file left in the corpus"
    RESULTS[res.exit_code] += 1


# A handful through the real entry point: proves no traceback reaches stderr outside the test harness.
SUBPROCESS_CASES = ["chas/binary_junk.txt", "seg/stray_quote.seg", "vcf/truncated.vcf.gz",
                    "archer/isoforms_nested_deep.json", "samplesheet/duplicated_sample", "genes/inf_end.bed",
                    "folders/symlink_escape", "folders/empty_folder", "folders/missing_path", "generated/huge_line.seg"]


@pytest.mark.skipif(not LMSGEN.exists(), reason="lmsgen entry point not installed beside this Python")
@pytest.mark.parametrize("name", SUBPROCESS_CASES)
def test_bad_input_subprocess(name, tmp_path):
    case = next(c for c in CASES if c["path"] == name)
    args, path = _args(case, tmp_path)
    before = _tree_hashes(path)
    proc = subprocess.run([str(LMSGEN), *args], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"})
    _check(case, proc.returncode, proc.stderr, tmp_path / "out")
    assert _tree_hashes(path) == before


def test_corpus_size_and_summary():
    """At least 100 cases over every reader; prints the counts of the last run of this module."""
    by_reader = Counter(c["path"].split("/")[0] for c in CASES)
    by_code = Counter(c["exit_code"] for c in CASES)
    assert len(CASES) >= 100
    assert {"chas", "seg", "vcf", "archer", "samplesheet", "genes", "folders"} <= set(by_reader)
    print(f"\nbad-input corpus: {len(CASES)} cases; by reader {dict(sorted(by_reader.items()))}; "
          f"expected exit codes {dict(sorted(by_code.items()))}")
    if RESULTS:
        print(f"this run: {sum(RESULTS.values())} inputs tried, errors by exit code "
              f"{dict(sorted(RESULTS.items()))}, tracebacks: 0")
