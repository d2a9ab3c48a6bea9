"""Property tests (hypothesis): readers round-trip random valid files, and any bytes either parse or raise
:class:`lms_genomics.errors.LmsgenError` (never another exception).

Example counts are kept moderate so the module runs in seconds; ``bench/fuzz_readers.py`` is the long run.
"""

from __future__ import annotations

import contextlib
import csv
import io
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms_genomics.errors import LmsgenError
from lms_genomics.genome import CHROM_SIZES, CHROMOSOMES, load_genes
from lms_genomics.io import registry
from lms_genomics.io.archer import read_archer
from lms_genomics.io.chas import read_chas
from lms_genomics.io.detect import detect_file
from lms_genomics.io.probes import read_probes
from lms_genomics.io.samplesheet import read_sample_sheet
from lms_genomics.io.seg import read_seg
from lms_genomics.io.vcf import read_vcf

FIX = Path(__file__).resolve().parent / "fixtures"
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory(prefix="lmsgen_props_") as d:
        yield Path(d)


# ------------------------------------------------------------------------------------------ random segment tables
@st.composite
def segment_tables(draw, with_loh: bool = True, max_samples: int = 2):
    """Canonical segments: (sample, chrom, start0, end, type, copy_number); non-overlapping per sample/track."""
    n_samples = draw(st.integers(1, max_samples))
    rows = []
    for k in range(n_samples):
        sample = f"S{k + 1}"
        chroms = draw(st.lists(st.sampled_from(CHROMOSOMES), min_size=1, max_size=4, unique=True))
        for chrom in chroms:
            size = CHROM_SIZES[chrom]
            cuts = sorted(draw(st.sets(st.integers(0, size), min_size=2, max_size=8)))
            for a, b in zip(cuts[:-1], cuts[1:], strict=False):
                kind = draw(st.sampled_from(["gain", "loss", "loh", None] if with_loh else ["gain", "loss", None]))
                if kind is None:
                    continue
                if kind == "loh":
                    cn = np.nan
                elif kind == "gain":
                    cn = float(draw(st.sampled_from([3, 4, 5, 8, 2.5, 12])))
                else:
                    cn = float(draw(st.sampled_from([0, 1, 1.5])))
                rows.append((sample, chrom, a, b, kind, cn))
    return rows


def _thousands(n: int) -> str:
    return f"{n:,}"


@st.composite
def chas_exports(draw):
    rows = draw(segment_tables())
    generation = draw(st.sampled_from(["hg19", "GRCh37", None]))  # ChAS 3 (0-based), ChAS 4 (1-based), unknown
    chr_prefix = draw(st.booleans())
    thousands = draw(st.booleans())
    numeric_sex = draw(st.booleans())
    delim = draw(st.sampled_from(["\t", "\t", ";", ","]))
    columns = ["File", "CN State", "Type", "Chromosome", "Marker Count", "Full Location"]
    if generation is not None:
        columns.append("Microarray Nomenclature")
    order = draw(st.permutations(columns))
    out = []
    for sample, chrom, start0, end, kind, cn in rows:
        shown = start0 + (0 if generation == "hg19" else 1)
        c = chrom[3:]
        chrom_cell = {"X": "24", "Y": "25"}.get(c, c) if numeric_sex else c
        fmt = _thousands if thousands else str
        loc = f"{'chr' if chr_prefix else ''}{c}:{fmt(shown)}-{fmt(end)}"
        cn_text = "" if kind == "loh" else f"{cn:.1f}"
        if delim == ";":
            cn_text = cn_text.replace(".", ",")
        sep = "-" if generation == "hg19" else "_"
        suffix = " hmz" if kind == "loh" else f"x{cn:g}"
        iscn = f"arr[{generation}] {c}q11({_thousands(shown) if generation == 'hg19' else shown}{sep}" \
               f"{_thousands(end) if generation == 'hg19' else end}){suffix}"
        cell = {"File": f"{sample}.OSCHP", "CN State": cn_text, "Type": {"gain": "Gain", "loss": "Loss",
                                                                            "loh": "LOH"}[kind],
                "Chromosome": chrom_cell, "Marker Count": "50", "Full Location": loc, "Microarray Nomenclature": iscn}
        out.append([cell[k] for k in order])
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delim, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)
    w.writerow(order)
    w.writerows(out)
    text = buf.getvalue()
    if draw(st.booleans()):
        text = "#Exported by ChAS\n" + text
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252"])))
    return rows, data


def _as_tuples(segments) -> list[tuple]:
    out = []
    for r in segments.itertuples(index=False):
        cn = float(r.copy_number)
        out.append((r.sample, r.chrom, int(r.start), int(r.end), r.type, None if np.isnan(cn) else round(cn, 6)))
    return sorted(out, key=str)


@SETTINGS
@given(case=chas_exports())
def test_chas_round_trip(case, scratch):
    rows, data = case
    path = scratch / "export.txt"
    path.write_bytes(data)
    export = read_chas(path)
    expected = sorted(((s, c, a, b, k, None if np.isnan(cn) else round(cn, 6)) for s, c, a, b, k, cn in rows),
                      key=str)
    assert _as_tuples(export.segments) == expected
    assert set(export.samples) == {r[0] for r in rows} or not rows


SEG_HEADERS = [
    ["ID", "chrom", "loc.start", "loc.end", "num.mark", "seg.mean"],
    ["Sample", "Chromosome", "Start", "End", "Num_Probes", "Segment_Mean"],
    ["sample", "chr", "startpos", "endpos", "nbProbes", "log2Ratio"],
]


@st.composite
def seg_files(draw):
    table = draw(segment_tables(with_loh=False))
    header = draw(st.sampled_from(SEG_HEADERS))
    chr_prefix = draw(st.booleans())
    ucsc_numeric = draw(st.booleans())
    rows = []
    for sample, chrom, start0, end, _kind, _cn in table:
        log2 = draw(st.floats(-3, 3, allow_nan=False).map(lambda x: round(x, 4)))
        c = chrom[3:]
        if ucsc_numeric:
            c = {"X": "23", "Y": "24"}.get(c, c)
        rows.append((sample, chrom, start0, end, log2, f"{'chr' if chr_prefix else ''}{c}"))
    lines = ["\t".join(header)] + [f"{s}\t{c}\t{a + 1}\t{b}\t{draw(st.integers(1, 5000))}\t{v}"
                                   for s, _, a, b, v, c in rows]
    text = "\n".join(lines) + "\n"
    if draw(st.booleans()):
        text = text.replace("\n", "\r\n")
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig"])))
    return [(s, ch, a, b, v) for s, ch, a, b, v, _ in rows], data


@SETTINGS
@given(case=seg_files())
def test_seg_round_trip(case, scratch):
    rows, data = case
    path = scratch / "cohort.seg"
    path.write_bytes(data)
    export = read_seg(path)
    got = sorted((r.sample, r.chrom, int(r.start), int(r.end), round(float(r.log2), 4))
                 for r in export.segments.itertuples(index=False))
    assert got == sorted(rows)


# ------------------------------------------------------------------------------------------ any bytes
def _seed_bytes(*globs: str) -> list[bytes]:
    import gzip

    out = []
    for g in globs:
        for p in sorted(FIX.glob(g)):
            b = p.read_bytes()
            out.append(gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b)
    return out or [b""]


@st.composite
def mutated(draw, seeds: list[bytes]):
    """Random bytes, or a valid fixture with random bytes spliced in / cut out / lines shuffled."""
    if draw(st.integers(0, 3)) == 0:
        return draw(st.binary(max_size=3000))
    data = bytearray(draw(st.sampled_from(seeds)))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.integers(0, 3))
        i = draw(st.integers(0, len(data)))
        if op == 0:
            data[i:i] = draw(st.binary(min_size=1, max_size=20))
        elif op == 1:
            del data[i:i + draw(st.integers(1, 200))]
        elif op == 2:
            data[i:i] = draw(st.sampled_from([b"\t", b"\n", b'"', b"-1", b"inf", b"NaN", b"9" * 30, b"#hg38\n",
                                              b";", b",", b"\r", b"\x00", b"\xff", b"chr23", b"[", b"{"]))
        else:
            lines = bytes(data).split(b"\n")
            perm = draw(st.permutations(range(len(lines))))
            data = bytearray(b"\n".join(lines[j] for j in perm))
    return bytes(data)


def _parse_or_lmsgen_error(fn, path: Path) -> None:
    with contextlib.suppress(LmsgenError):
        fn(path)


def _registry_readers() -> dict[str, tuple]:
    """Every registered format with a reader (seeded with the fixtures detected as it), plus TOML sheets and the
    gene BED loader."""
    import gzip

    seeds: dict[str, list[bytes]] = {}
    for f in sorted(FIX.rglob("*")):
        if f.is_file() and not f.name.endswith(".py") and "bad" not in f.relative_to(FIX).parts:
            fmt = registry.detect(f)
            if fmt is not None:
                b = f.read_bytes()
                seeds.setdefault(fmt.name, []).append(gzip.decompress(b) if b[:2] == b"\x1f\x8b" else b)
    out = {}
    for fmt in registry.FORMATS:
        if fmt.read is not None:
            suffix = fmt.suffixes[0] if fmt.suffixes else ".txt"
            out[fmt.name] = (fmt.read, suffix if suffix.startswith("sample.") else f"x{suffix}",
                             seeds.get(fmt.name) or [b""])
    out["samplesheet_toml"] = (read_sample_sheet, "sample.toml", None)
    out["genes"] = (load_genes, "genes.bed", None)
    return out


READERS = _registry_readers()
_TOML_SEEDS = [b"purity = 0.6\nploidy = 2\nsex = \"F\"\n", b"[samples.P1]\npurity = 60\n[samples.P2]\nploidy = 3\n"]
_BED_SEEDS = [b"chr13\t48303746\t48481890\tRB1\t0\t+\tts\nchr17\t7571719\t7590868\tTP53\t0\t-\tts\n"]


@pytest.mark.parametrize("reader", sorted(READERS))
def test_any_bytes_parse_or_lmsgen_error(reader, scratch):
    fn, name, seeds = READERS[reader]
    seeds = _TOML_SEEDS if reader == "samplesheet_toml" else _BED_SEEDS if reader == "genes" else seeds
    path = scratch / reader / name
    path.parent.mkdir(exist_ok=True)

    @FUZZ
    @given(data=mutated(seeds))
    def run(data):
        path.write_bytes(data)
        assert detect_file(path) in (None, *registry.names())
        _parse_or_lmsgen_error(fn, path)

    run()


# Inputs that crashed a reader under bench/fuzz_readers.py (see bench/FUZZING.md), kept as regressions.
FUZZ_REGRESSIONS = {
    "stray_quote.txt": (read_chas, b'File\tCN State\tType\tFull Location\nA\t1\tLoss\t"chr1:1-100\n'
                                   b"A\t3\tGain\tchr2:1-9\n"),
    "markers_inf.seg": (read_seg, b"ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\nS\t1\t1\t100\t1e400\t0.1\n"),
    "end_inf.bed": (load_genes, b"chr1\t1\tinf\tG1\n"),
    "pos_huge.vcf": (read_vcf, b"##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
                               b"chr1\t10\t.\tA\tG\t.\tPASS\tOPOS=1" + b"9" * 400
                               + b";OREF=A;OALT=G;OMAPALT=G\tGT\t0/1\n"),
    "gt_superscript.vcf": (read_vcf, "##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
                                     "chr1\t10\t.\tA\tG\t.\tPASS\tDP=5\tGT\t0/\u00b9\n".encode()),
    "superscript_key.full_results.txt": (read_archer, "SAMPLE_NAME\tS\nFCA_1_GENES_UNIQUE\tA:B\n"
                                                      "FC_1_GENOMIC_ANNOTATION_\u00b2\tchr1:1:2:+\n".encode()),
    "deep.json": (read_archer, b'{"fusions": ' + b"[" * 50000 + b"]" * 50000 + b"}"),
    "gzip_garbage.vcf.gz": (read_vcf, b"\x1f\x8b\x08\x00" + bytes(range(64))),
    # issue 17, found once the fuzzer validated every reader's table against its schema:
    "vaf_above_one.vcf": (read_vcf, b"##fileformat=VCFv4.1\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
                                    b"chr1\t10\t.\tA\tG\t.\tPASS\tFAO=30;FDP=20\tGT\t0/1\n"),
    # htslib (through cyvcf2) killed the process with SIGSEGV on a malformed GT of a generic VCF:
    "gt_not_a_genotype.vcf": (read_vcf, b"##fileformat=VCFv4.2\n"
                                        b"##FORMAT=<ID=GT,Number=1,Type=String,Description=\"GT\">\n"
                                        b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tN\tT\n"
                                        b"chr17\t1\t.\tC\tT\t.\tPASS\t.\tGT\t0/0\t0/x\n"),
    "cnv_negative.vcf": (read_vcf, b"##fileformat=VCFv4.1\n##source=\"tvc 5.12-11 - Torrent Variant Caller\"\n"
                                   b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
                                   b"chr17\t10\tMYOCD\tC\t<CNV>\t100\t.\tSVTYPE=CNV;END=" + b"9" * 30
                                   + b";RAW_CN=-2.1\tGT:CN\t./.:-2.1\n"),
    "position_1e30.probeset.txt": (read_probes, b"ProbeSetName\tChromosome\tPosition\tLog2Ratio\n"
                                                b"C-1\t1\t1e30\t0.1\nC-2\t1\t2000\t0.2\n"),
    "alt_empty_allele.vcf": (read_vcf, b"##fileformat=VCFv4.1\n"
                                       b"#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\tFORMAT\tS\n"
                                       b"chr17\t10\t.\tT\t,\t.\tPASS\tFAO=5;FDP=20\tGT\t0/1\n"),
    "count_overflow.full_results.txt": (read_archer, b"SAMPLE_NAME\tS\nFCA_1_GENES_UNIQUE\tA:B\n"
                                                     b"FCA_1_SUPPORTING_ISOFORM_ID_1\tFC_1\nFC_1_EITHER_R1_OR_R2\t"
                                                     + b"9" * 30 + b"\n"),
}


@pytest.mark.parametrize("name", sorted(FUZZ_REGRESSIONS))
def test_fuzz_regressions(name, scratch):
    fn, data = FUZZ_REGRESSIONS[name]
    path = scratch / "regressions" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    detect_file(path)
    _parse_or_lmsgen_error(fn, path)
