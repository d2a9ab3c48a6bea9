"""The array entry points of the segment readers (``read_seg_arrays``, ``read_chas_arrays``) give exactly the
DataFrame readers' segments, errors (file, line, one line) and warnings, on every fixture and every real
copy-number file of ``../shared``; well-formed files take the one-pass array path (no pandas)."""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys

import numpy as np
import pytest
from conftest import FIXTURES, ROOT, SHARED

from lms_genomics.errors import LmsgenError
from lms_genomics.io.chas import read_chas, read_chas_arrays
from lms_genomics.io.cn_arrays import from_export
from lms_genomics.io.registry import detect
from lms_genomics.io.seg import read_seg, read_seg_arrays

READERS = {"seg": (read_seg, read_seg_arrays), "chas_segments": (read_chas, read_chas_arrays)}
COLUMNS = ("chrom", "start", "end", "kind", "type", "copy_number", "log2", "markers", "segment_id", "source_line")


def _files() -> list[tuple[str, object]]:
    roots = [FIXTURES, ROOT / "examples", SHARED / "formats" / "examples", SHARED / "realdata"]
    out = []
    for root in roots:
        if not root.exists():
            continue
        for f in sorted(root.rglob("*")):
            fmt = detect(f) if f.is_file() else None
            if fmt is not None and fmt.name in READERS:
                out.append((fmt.name, f))
    return out


FILES = _files()


def _read(reader, path, **kw):
    try:
        return reader(path, **kw), None
    except LmsgenError as exc:
        return None, exc.one_line()


def assert_same(frame_export, arrays, name):
    expected = from_export(frame_export, name)
    assert arrays.samples == expected.samples
    assert arrays.warnings == expected.warnings
    assert arrays.coordinate_convention == expected.coordinate_convention
    assert (arrays.sha256, arrays.format, arrays.chromosome_coding, arrays.has_loh_rows) == \
        (expected.sha256, expected.format, expected.chromosome_coding, expected.has_loh_rows)
    assert np.array_equal(arrays.sample_of, expected.sample_of)
    for c in COLUMNS:
        a, b = getattr(arrays.rows, c), getattr(expected.rows, c)
        assert a.dtype.kind == b.dtype.kind or {a.dtype.kind, b.dtype.kind} <= {"i", "u"}, c
        if a.dtype.kind == "f":
            assert np.array_equal(a, b, equal_nan=True), c
            assert np.array_equal(np.signbit(a), np.signbit(b)), c
        else:
            assert a.tolist() == b.tolist(), c


@pytest.mark.parametrize("options", [{}, {"check_build": False}], ids=["default", "allow_other_build"])
@pytest.mark.parametrize("name,path", FILES, ids=[str(p.relative_to(p.parents[2])) for _, p in FILES])
def test_array_reader_equals_frame_reader(name, path, options):
    frame_reader, array_reader = READERS[name]
    expected, error = _read(frame_reader, path, **options)
    got, got_error = _read(array_reader, path, **options)
    assert got_error == error
    if error is None:
        assert_same(expected, got, name)


def test_every_real_file_is_compared():
    names = {p.name for _, p in FILES}
    assert {"case2.segments.txt", "dnacopy_multi_sample.seg"} <= names
    if SHARED.exists():
        assert "tcga_sarc_snp6_hg19.seg" in names and "cnvkit_cw-tr-log2.seg" in names
        assert sum(1 for n, p in FILES if "bergonie-gist" in str(p)) == 11


@pytest.mark.parametrize("name,path", [f for f in FILES if f[1].name in (
    "dnacopy_multi_sample.seg", "multi_sample.txt", "tcga_sarc_snp6_hg19.seg")])
def test_samples_subset_equals_frame_reader(name, path):
    frame_reader, array_reader = READERS[name]
    every = frame_reader(path).samples
    wanted = every[1::3] + ["no-such-sample"]
    assert_same(frame_reader(path, samples=wanted), array_reader(path, samples=wanted), name)


def test_well_formed_files_take_the_array_path():
    for name, path in FILES:
        if path.name in ("tcga_sarc_snp6_hg19.seg", "dnacopy_multi_sample.seg", "case2.segments.txt",
                         "cnvkit_cw-tr-log2.seg", "multi_sample.txt"):
            assert READERS[name][1](path).via == "arrays", path


def test_gzip_crlf_and_blank_lines_on_the_array_path(tmp_path):
    src = (FIXTURES / "seg" / "dnacopy_multi_sample.seg").read_text()
    text = "# a comment\n" + src.replace("\n", "\r\n", 3) + "\n\n"
    plain = tmp_path / "x.seg"
    plain.write_text(text)
    packed = tmp_path / "y.seg.gz"
    with gzip.open(packed, "wt") as fh:
        fh.write(text)
    for path in (plain, packed):
        got = read_seg_arrays(path)
        assert got.via == "arrays"
        assert_same(read_seg(path), got, "seg")


def test_array_readers_do_not_import_pandas(tmp_path):
    """The cohort path reads ChAS and .seg files without pandas (checked in a fresh interpreter)."""
    shutil.copy(FIXTURES / "seg" / "dnacopy_multi_sample.seg", tmp_path / "a.seg")
    code = ("import sys\nfrom lms_genomics.io.seg import read_seg_arrays\nfrom lms_genomics.io.chas import "
            f"read_chas_arrays\nread_seg_arrays({str(tmp_path / 'a.seg')!r})\n"
            f"read_chas_arrays({str(ROOT / 'examples' / 'case2' / 'case2.segments.txt')!r})\n"
            "assert 'pandas' not in sys.modules, 'pandas imported'\n")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_read_chas_samples_filter_regression_shadowed_parameter():
    """read_chas(samples=[...]) kept every sample: the parameter was overwritten by the File column's names."""
    export = read_chas(FIXTURES / "chas" / "multi_sample.txt", samples=["T02"])
    assert export.samples == ["T02"] and set(export.segments["sample"]) == {"T02"}
    assert read_chas_arrays(FIXTURES / "chas" / "multi_sample.txt", samples=["T02"]).samples == ["T02"]


def _pandas_numbers(values, decimal, integer):
    """The number rule as the readers applied it with pandas before issue 18 (the oracle of numbers_of)."""
    import pandas as pd

    from lms_genomics.io.text import _SPECIAL, parse_number

    s = pd.Series(values, dtype="string")
    special = s.str.contains(_SPECIAL, na=False)
    if decimal == "," or integer:
        special |= s.str.contains(".", regex=False, na=False)
    out = pd.to_numeric(s.where(~special, None).astype(object), errors="coerce").astype(float)
    for i in special.to_numpy().nonzero()[0].tolist():
        v = parse_number(s.iloc[i], decimal, integer)
        out.iloc[i] = np.nan if v is None else v
    return out.to_numpy()


_CELLS = ["12", "-3", "+4", "0.5", ".5", "5.", "1e5", "1E-3", "nan", "NaN", "NA", "inf", "-Infinity", "", " 7 ",
          "1,000", "1.000", "1.234,5", "1'000", "1 000", "1_000", "١٢", "0x1", "abc", "2.0", "-0.25", "3,5", "1e",
          "12345678901234567890", "4.9e-324", "1e400", "\u00a0100", "1.000.000", "1,5e3"]


@pytest.mark.parametrize("decimal,integer", [(".", False), (".", True), (",", False), (",", True)])
def test_numbers_of_is_the_pandas_rule(decimal, integer):
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from lms_genomics.io.text import numbers_of

    cell = st.one_of(st.sampled_from(_CELLS), st.text(alphabet="0123456789.,-+eE naif'_", max_size=8),
                     st.floats(allow_nan=True, allow_infinity=True).map(repr))

    @settings(max_examples=300, deadline=None)
    @given(st.lists(cell, max_size=12))
    def check(values):
        got, expected = numbers_of(values, decimal, integer), _pandas_numbers(values, decimal, integer)
        assert np.array_equal(got, expected, equal_nan=True), (values, got, expected)

    check()
    assert np.array_equal(numbers_of(_CELLS, decimal, integer), _pandas_numbers(_CELLS, decimal, integer),
                          equal_nan=True)
