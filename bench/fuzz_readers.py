"""Fuzz the input readers: random bytes and mutations of the valid fixture files, for every format of the reader
registry (``lms_genomics.io.registry.FORMATS``), the files CLI options take (``--genes``, ``--arms``, ``--panel-bed``,
``--transcripts``; ``--sample-sheet`` is the registry's ``sample_sheet``) and the result JSON that ``lmsgen plot``/
``lmsgen report`` read back (loaded, checked, summarised and rendered as the HTML report).

Each reader gets ``--minutes-per-reader`` minutes. Every input is written to a scratch file and given to the
reader; the reader must either return a result whose canonical table passes its schema validator, or raise
:class:`lms_genomics.errors.LmsgenError`. Anything else (or an input that takes longer than ``--timeout``
seconds) is a crash: the input is saved under ``--crash-dir`` with the exception, and counted. A JSON summary
per reader is written to ``--crash-dir/<reader>.summary.json``. Formats lmsgen recognises but refuses (no
reader: CNVkit ``.cnn``, lmsgen's own outputs) are fuzzed through ``sample.find_inputs``.

    nice -n 10 python bench/fuzz_readers.py --readers chas_segments,seg --minutes-per-reader 10
    nice -n 10 python bench/fuzz_readers.py --minutes-per-reader 2        # every registered format + options
    nice -n 10 python bench/fuzz_readers.py --readers arms,panel_bed,transcripts,result_json --minutes-per-reader 5

Seeds of a format are the fixture files (``tests/fixtures``, ``bad/`` excluded) the registry detects as that
format. The mutator is deterministic for a given ``--seed`` (stdlib ``random``): byte flips, insertions and
deletions, line deletion/duplication/swap, field-level edits (delimiter swaps, numbers replaced by extreme or
malformed values, chromosome names replaced), splicing of two fixtures, truncation, encodings (UTF-16, cp1252,
BOM, CRLF, gzip of the mutated text), and pure random bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures"


def _fixture_formats() -> dict[str, list[Path]]:
    """Fixture files by the registered format they are detected as."""
    from lms_genomics.io.registry import detect

    out: dict[str, list[Path]] = {}
    for p in sorted(FIX.rglob("*")):
        if not p.is_file() or p.name.endswith(".py") or "bad" in p.relative_to(FIX).parts:
            continue
        fmt = detect(p)
        if fmt is not None:
            out.setdefault(fmt.name, []).append(p)
    return out


#: Fuzz targets besides the registry's formats: the files CLI options take (``--genes``, ``--arms``,
#: ``--panel-bed``, ``--transcripts``, ``--sample-sheet`` is the registry's ``sample_sheet``) and the result JSON
#: ``lmsgen plot``/``lmsgen report`` read back.
OPTION_TARGETS = ("genes", "arms", "panel_bed", "transcripts", "result_json")


def _seeds(reader: str) -> list[Path]:
    if reader == "genes":
        return [ROOT / "reference" / "hg19_genes.bed"]
    if reader == "arms":
        return [ROOT / "reference" / "hg19_arms.bed", ROOT / "reference" / "oncoscan_na33r2_coverage.bed"]
    if reader == "panel_bed":
        return sorted((FIX / "variants").glob("panel_*.bed"))
    if reader == "transcripts":
        return [ROOT / "reference" / "transcripts" / "hg19_transcripts.tsv"]
    if reader == "result_json":
        return _result_seeds()
    return _fixture_formats().get(reader, [])


def _result_seeds() -> list[Path]:
    """Result JSONs of the examples and fixtures (copy number, variants, fusions), written once to a temp folder."""
    import atexit
    import shutil

    from lms_genomics import classify_all
    from lms_genomics.report.writers import result_json

    out = Path(tempfile.mkdtemp(prefix="fuzz_result_seeds_"))
    atexit.register(shutil.rmtree, out, True)
    sources = [ROOT / "examples" / "case2", ROOT / "examples" / "case6", FIX / "vcf" / "case01_tvc52.vcf",
               FIX / "archer" / "fusion_table_col1a1_pdgfb.tsv", FIX / "seg" / "dnacopy_multi_sample.seg"]
    seeds = []
    for i, src in enumerate(sources):
        for j, r in enumerate(classify_all(src)[:2]):
            path = out / f"seed{i}_{j}.json"
            path.write_text(result_json(r), encoding="utf-8")
            seeds.append(path)
    return seeds


_SHEET_SEEDS = [
    b"sample\ttumour cell content\tploidy\tsex\nP1\t60\t2\tF\nP2\t0.4\t3.1\tmale\n",
    b"id,purity,ploidy,gender\nA,0.5,2,M\nB,70%,NA,female\n",
    b"purity = 0.6\nploidy = 2.0\nsex = \"female\"\n",
    b"[samples.P1]\npurity = 60\nploidy = 2\nsex = \"F\"\n\n[samples.P2]\ntumour_cell_content = 0.3\n",
]

INTERESTING = [b"", b"0", b"-1", b"-0", b"NaN", b"nan", b"inf", b"-inf", b"1e400", b"9" * 40, b"2147483648",
               b"9223372036854775808", b"-9223372036854775809", b"1,000", b"1.5", b"1,5", b"0x10", b"NA", b".",
               b"chr23", b"23", b"24", b"25", b"chrM", b"chrUn_gl000220", b"X", b"chrY", b"1_KI270706v1_random",
               b"arr[hg38]", b"arr[GRCh38] 1p36.33(1-2)x3", b"# UCSC Genomic Version: hg38", b"##reference=hg38.fa",
               b"\"", b"\"\"", b"'", b"\t", b";", b",", b"\r", b"\r\n", b"\x0c", b"\u2028".decode().encode(),
               b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00", b"\xc3\x28", b"\xff", b"{", b"}", b"[", b"]",
               b"[]", b"{}", b"null", b"true", b"FALSE", b"Gain", b"Loss", b"LOH", b"High Copy Gain", b"x",
               b"SVTYPE=BND", b"SVTYPE=Fusion", b"GENES_UNIQUE=A:B", b"<CNV>", b"N[chr1:1[", b"#CHROM",
               b"##fileformat=VCFv4.1", b"FUNC=[{'gene':'TP53'}]", b"FUNC=[{", b"1:2-3", b"chr1:1-0",
               b"chr1:249250622-249250700", b"-", b"--", b"::", b"%", b"purity", b"[samples.x]", b"=", b"\\"]


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\n")


def mutate(rng: random.Random, data: bytes, corpus: list[bytes]) -> bytes:
    """One to four random mutations of ``data``."""
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(17)
        if op == 0 and data:  # flip bytes
            b = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                b[rng.randrange(len(b))] = rng.randrange(256)
            data = bytes(b)
        elif op == 1:  # insert interesting token
            i = rng.randint(0, len(data))
            data = data[:i] + rng.choice(INTERESTING) + data[i:]
        elif op == 2 and data:  # delete a span
            i = rng.randrange(len(data))
            data = data[:i] + data[i + rng.randint(1, 64):]
        elif op == 3:  # truncate
            data = data[:rng.randint(0, len(data))]
        elif op in (4, 5):  # line ops
            ls = _lines(data)
            if ls:
                i, j = rng.randrange(len(ls)), rng.randrange(len(ls))
                k = rng.randrange(4)
                if k == 0:
                    del ls[i]
                elif k == 1:
                    ls.insert(j, ls[i])
                elif k == 2:
                    ls[i], ls[j] = ls[j], ls[i]
                else:
                    ls.insert(j, ls[i] * rng.randint(2, 50))
            data = b"\n".join(ls)
        elif op in (6, 7, 8):  # field-level replacement
            ls = _lines(data)
            if ls:
                i = rng.randrange(len(ls))
                delim = b"\t" if b"\t" in ls[i] else (b"," if b"," in ls[i] else b" ")
                fs = ls[i].split(delim)
                j = rng.randrange(len(fs))
                fs[j] = rng.choice(INTERESTING) if rng.random() < 0.7 else fs[j][::-1]
                if rng.random() < 0.1:
                    del fs[rng.randrange(len(fs))]
                if rng.random() < 0.1:
                    fs.insert(rng.randrange(len(fs) + 1), rng.choice(INTERESTING))
                ls[i] = delim.join(fs)
            data = b"\n".join(ls)
        elif op == 9:  # numbers → other numbers
            def repl(m: re.Match[bytes]) -> bytes:
                if rng.random() < 0.2:
                    return rng.choice([b"-" + m.group(0), b"0", b"999999999999", m.group(0) + b".5",
                                       str(rng.randint(-10**10, 10**10)).encode(), b"1e308", b"NaN"])
                return m.group(0)
            data = re.sub(rb"\d+", repl, data)
        elif op == 10:  # delimiter swap
            a, b_ = rng.sample([b"\t", b",", b";", b" ", b"  ", b"|"], 2)
            data = data.replace(a, b_)
        elif op == 11 and corpus:  # splice with another seed
            other = rng.choice(corpus)
            i, j = rng.randint(0, len(data)), rng.randint(0, len(other))
            data = data[:i] + other[j:]
        elif op == 12:  # line endings / BOM
            data = rng.choice([data.replace(b"\n", b"\r\n"), data.replace(b"\n", b"\r"), b"\xef\xbb\xbf" + data,
                               data + b"\n\n\n", data.rstrip(b"\n")])
        elif op == 13:  # re-encode
            try:
                text = data.decode("utf-8")
                data = text.encode(rng.choice(["utf-16", "utf-16-le", "cp1252", "latin-1", "utf-32"]),
                                   errors="replace")
            except (UnicodeDecodeError, LookupError):
                pass
        elif op == 14:  # comment / header games
            data = rng.choice([b"#" + data, b"# UCSC Genomic Version: hg38\n" + data, data.replace(b"#", b"", 1),
                               b"##fileformat=VCFv4.2\n" + data, data.lower(), data.upper()])
        elif op == 15:  # random bytes inserted
            i = rng.randint(0, len(data))
            data = data[:i] + os.urandom(rng.randint(1, 32)) + data[i:]
        else:  # case/space games on a line
            ls = _lines(data)
            if ls:
                i = rng.randrange(len(ls))
                ls[i] = rng.choice([ls[i].upper(), ls[i].lower(), b" " + ls[i], ls[i] + b"\t", ls[i].strip(),
                                    ls[i].replace(b" ", b"")])
            data = b"\n".join(ls)
    if len(data) > 4_000_000:
        data = data[:4_000_000]
    return data


def make_input(rng: random.Random, corpus: list[bytes]) -> tuple[bytes, bool]:
    """An input and whether to gzip it."""
    r = rng.random()
    if r < 0.08:
        data = os.urandom(rng.randint(0, 2048))
    elif r < 0.14:
        alphabet = b"\t\n,;: .-0123456789chrXYGainLossLOH#\"'=[]{}"
        data = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 1500)))
    else:
        data = mutate(rng, rng.choice(corpus), corpus)
    return data, rng.random() < 0.03


def readers() -> list[str]:
    """Every fuzz target: the registered formats, then the files CLI options take and the result JSON."""
    from lms_genomics.io.registry import names

    return [*names(), *OPTION_TARGETS]


def _transcripts_target(p: Path):
    """A copy of the bundled transcript folder whose model table is the fuzzed file (a new folder each time: the
    loader caches by folder)."""
    import shutil

    from lms_genomics.calling.annotation import load_transcripts

    folder = p.parent / f"tx_{p.stat().st_ino}_{time.monotonic_ns()}"
    folder.mkdir()
    try:
        for name in ("hg19_transcripts.fa", "hg19_genomic_slices.fa"):
            shutil.copyfile(ROOT / "reference" / "transcripts" / name, folder / name)
        shutil.copyfile(p, folder / "hg19_transcripts.tsv")
        return load_transcripts(folder)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _result_target(p: Path):
    """What ``lmsgen plot``/``lmsgen report`` do with a result JSON, short of writing: load and check it, rebuild
    the document, the terminal summary and the HTML report (the genome figure included)."""
    from lms_genomics.report.html_report import render_report
    from lms_genomics.report.summary import format_summary
    from lms_genomics.result_doc import load_result

    result = load_result(p)
    doc = result.to_dict()
    format_summary(result, doc=doc)
    return render_report(result, doc=doc)


def _reader(name: str):
    """The function fuzzed for ``name``: detection (must never raise), then the format's reader and its schema
    validator (refused kinds: ``find_inputs``, which must refuse in one line)."""
    from lms_genomics.genome import load_genes
    from lms_genomics.io.detect import detect_file
    from lms_genomics.io.registry import format_named
    from lms_genomics.sample import find_inputs
    from lms_genomics.tables import SCHEMAS

    if name == "genes":
        return load_genes
    if name == "arms":
        from lms_genomics.calling.cleaning import load_kit
        from lms_genomics.genome import load_arms

        def arms(p: Path):
            from lms_genomics import genome as genome_ref
            from lms_genomics.calling import cleaning

            genome_ref._load_arms_cached.cache_clear()  # cached per path, size and (coarse) mtime
            cleaning._kit_cached.cache_clear()
            load_arms(p)
            return load_kit(p)  # --arms is also the scores' coverage
        return arms
    if name == "panel_bed":
        from lms_genomics.io.panel import read_panel_bed

        return read_panel_bed
    if name == "transcripts":
        return _transcripts_target
    if name == "result_json":
        return _result_target
    fmt = format_named(name)

    def run(p: Path):
        detect_file(p)  # must never raise at all
        if fmt.read is None:
            return find_inputs(p)
        result = fmt.read(p)
        if fmt.schema is not None:
            SCHEMAS[fmt.schema][1](fmt.table(result), raise_errors=True)  # an invalid table is a crash
        return result
    return run


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout()


def fuzz(reader: str, seconds: float, seed: int, crash_dir: Path, timeout: int, slow: float = 5.0) -> dict:
    from lms_genomics.errors import LmsgenError

    fn = _reader(reader)
    seeds = _seeds(reader)
    corpus = [p.read_bytes() for p in seeds]
    if reader == "sample_sheet":
        corpus += _SHEET_SEEDS
    if not corpus:
        corpus = [b""]
    corpus = [gzip.decompress(c) if c[:2] == b"\x1f\x8b" else c for c in corpus]
    rng = random.Random(seed)
    out = crash_dir / reader
    out.mkdir(parents=True, exist_ok=True)
    crashes: dict[str, dict] = {}
    n = n_ok = n_err = 0
    slowest = (0.0, 0)  # CPU seconds of the slowest input, its size in bytes
    signal.signal(signal.SIGALRM, _alarm)
    t0 = time.monotonic()
    suffixes = {"genes": [".bed"], "arms": [".bed"], "panel_bed": [".bed"], "transcripts": [".tsv"],
                "result_json": [".json"]}.get(reader) or list(_suffixes(reader))
    with tempfile.TemporaryDirectory(prefix=f"fuzz_{reader}_") as tmp:
        while time.monotonic() - t0 < seconds:
            data, gz = make_input(rng, corpus)
            suffix = rng.choice(suffixes)
            if gz or suffix.endswith(".gz"):
                data = gzip.compress(data)
            path = Path(tmp) / (suffix if suffix.startswith("sample.") else f"sample{suffix}")
            path.write_bytes(data)
            (out / "last_input").write_bytes(data)  # what killed the process, if a signal does (see main)
            n += 1
            signal.alarm(timeout)
            started = time.process_time()
            try:
                fn(path)
                n_ok += 1
            except LmsgenError:
                n_err += 1
            except _Timeout:
                key = "timeout"
                _record(crashes, key, out, data, suffix, f"no answer within {timeout} s")
            except Exception as exc:  # noqa: BLE001 - a crash is anything else
                tb = traceback.extract_tb(exc.__traceback__)
                frame = next((f for f in reversed(tb) if "lms_genomics" in f.filename), tb[-1] if tb else None)
                where = f"{Path(frame.filename).name}:{frame.lineno}" if frame else "?"
                key = f"{type(exc).__name__}@{where}"
                _record(crashes, key, out, data, suffix, "".join(traceback.format_exception(exc))[-4000:])
            finally:
                signal.alarm(0)
                cost = time.process_time() - started
                if cost > slowest[0]:
                    slowest = (cost, len(data))
                if cost > slow:
                    _record(crashes, "slow", out, data, suffix, f"{cost:.1f} s CPU for {len(data)} bytes")
    elapsed = time.monotonic() - t0
    summary = {"reader": reader, "seconds": round(elapsed, 1), "inputs": n, "parsed": n_ok, "lmsgen_errors": n_err,
               "crash_kinds": {k: v["count"] for k, v in crashes.items()},
               "crash_examples": {k: v["file"] for k, v in crashes.items()}, "seed": seed, "seed_files": len(corpus),
               "slowest_input_cpu_s": round(slowest[0], 2), "slowest_input_bytes": slowest[1]}
    (crash_dir / f"{reader}.summary.json").write_text(json.dumps(summary, indent=1))
    return summary


def _suffixes(reader: str) -> tuple[str, ...]:
    from lms_genomics.io.registry import format_named

    return format_named(reader).suffixes or (".txt",)


def _record(crashes: dict, key: str, out: Path, data: bytes, suffix: str, text: str) -> None:
    entry = crashes.setdefault(key, {"count": 0, "file": None})
    entry["count"] += 1
    if entry["file"] is None:
        name = re.sub(r"[^A-Za-z0-9_.@-]", "_", key) + "_" + hashlib.sha256(data).hexdigest()[:8] + suffix
        (out / name).write_bytes(data)
        (out / (name + ".err")).write_text(text)
        entry["file"] = str(out / name)
        print(f"[{key}] new crash kind, saved {out / name}", file=sys.stderr, flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--readers", default=None, help="comma-separated registry format names and/or 'genes' "
                                                     "(default: all)")
    ap.add_argument("--minutes-per-reader", type=float, default=10.0)
    ap.add_argument("--seed", type=int, default=20240611)
    ap.add_argument("--timeout", type=int, default=20, help="seconds before one input counts as a hang")
    ap.add_argument("--slow", type=float, default=5.0, help="CPU seconds above which an input is saved as 'slow'")
    ap.add_argument("--crash-dir", type=Path, default=ROOT / "bench" / "fuzz_out")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--worker-index", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    chosen = args.readers.split(",") if args.readers else readers()
    unknown = set(chosen) - set(readers())
    if unknown:
        ap.error(f"unknown reader(s) {sorted(unknown)}; known: {', '.join(readers())}")
    if args.worker:
        reader, i = chosen[0], args.worker_index
        s = fuzz(reader, args.minutes_per_reader * 60, args.seed + i, args.crash_dir, args.timeout, args.slow)
        print(json.dumps(s), flush=True)
        return
    # One child process per reader: a crash of native code (htslib through cyvcf2) kills only that child; its
    # last input is kept and reported as a crash of kind "signal <n>".
    for i, reader in enumerate(chosen):
        cmd = [sys.executable, __file__, "--worker", "--worker-index", str(i), "--readers", reader,
               "--minutes-per-reader", str(args.minutes_per_reader), "--seed", str(args.seed),
               "--timeout", str(args.timeout), "--slow", str(args.slow), "--crash-dir", str(args.crash_dir)]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        sys.stdout.write(proc.stdout)
        if proc.returncode < 0:
            last = args.crash_dir / reader / "last_input"
            saved = last.with_name(f"signal{-proc.returncode}_last_input")
            if last.exists():
                last.replace(saved)
            print(json.dumps({"reader": reader, "crash_kinds": {f"signal {-proc.returncode}": 1},
                              "crash_examples": {f"signal {-proc.returncode}": str(saved)}}), flush=True)


if __name__ == "__main__":
    main()
