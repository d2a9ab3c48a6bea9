"""CPU time of every registered reader (``lms_genomics.io.registry.FORMATS``) on the files it reads: our fixtures
and, when present, the real files of ``../shared/formats/examples`` (each detected by the registry, as
``lmsgen classify`` would). Timings only: nothing is asserted (the tests do that).

    nice -n 10 python bench/bench_readers.py --repeat 5

Prints one row per format: files, rows of the canonical table, median CPU ms per file, and the slowest file.
CPU time (``time.process_time``) is used because the machine is shared; quote ``uptime`` with the numbers.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fuzz_readers import _fixture_formats  # noqa: E402 - the fuzzer's seeds: fixtures grouped by format


def _shared_formats() -> dict[str, list[Path]]:
    from lms_genomics.io.registry import detect

    base = ROOT.parent / "shared" / "formats" / "examples"
    out: dict[str, list[Path]] = {}
    for p in sorted(base.rglob("*")) if base.exists() else []:
        fmt = detect(p) if p.is_file() else None
        if fmt is not None:
            out.setdefault(fmt.name, []).append(p)
    return out


def _time(fn, path: Path, repeat: int) -> tuple[float, int | None]:
    """(median CPU seconds, table rows or None when the reader refused the file)."""
    from lms_genomics.errors import LmsgenError

    costs, rows = [], None
    for _ in range(repeat):
        t0 = time.process_time()
        try:
            rows = fn(path)
        except LmsgenError:
            rows = None
        costs.append(time.process_time() - t0)
    return statistics.median(costs), rows


def main() -> None:
    from lms_genomics.io.registry import FORMATS

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    files = _fixture_formats()
    for name, paths in _shared_formats().items():
        files.setdefault(name, []).extend(paths)
    print(f"{'format':<22} {'files':>5} {'rows':>8} {'median ms':>10}  slowest file (ms)")
    for fmt in FORMATS:
        if fmt.read is None or not files.get(fmt.name):
            print(f"{fmt.name:<22} {len(files.get(fmt.name, [])):>5} {'-':>8} {'-':>10}  (refused kind, no reader)")
            continue

        def rows_of(p: Path, fmt=fmt) -> int:
            result = fmt.read(p)
            return len(fmt.table(result)) if fmt.table is not None else 0

        timed = [(p, *_time(rows_of, p, args.repeat)) for p in files[fmt.name]]
        total_rows = sum(r for _, _, r in timed if r is not None)
        med = statistics.median(c for _, c, _ in timed) * 1000
        worst = max(timed, key=lambda t: t[1])
        print(f"{fmt.name:<22} {len(timed):>5} {total_rows:>8} {med:>10.1f}  {worst[0].name} ({worst[1] * 1000:.0f})")


if __name__ == "__main__":
    main()
