"""One contract for every registered reader (``lms_genomics.io.registry.FORMATS``), run on our fixtures and on every
real file of ``../shared/formats/examples``:

* detection never raises, and a file is detected as the same format gzipped;
* a reader either returns a result whose canonical table passes its schema validator (columns in the schema's
  order, dtypes, coordinates), the same on a second read and on the gzipped copy, or raises
  :class:`~lms_genomics.errors.InputError` in one line naming the file — nothing else;
* a recognised-but-refused kind is refused by ``find_inputs`` with its registry line;
* every registered format has at least one fixture of ours.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pandas as pd
import pytest
from conftest import FIXTURES, SHARED

from lms_genomics.errors import InputError, LmsgenError
from lms_genomics.io import registry
from lms_genomics.sample import find_inputs
from lms_genomics.tables import SCHEMAS


def _fixture_files() -> list[Path]:
    skip_dirs = {"bad"}
    return sorted(p for p in FIXTURES.rglob("*") if p.is_file() and not p.name.endswith(".py")
                  and not (set(p.relative_to(FIXTURES).parts[:1]) & skip_dirs) and "/bad/" not in str(p))


def _shared_files() -> list[Path]:
    base = SHARED / "formats" / "examples"
    return sorted(p for p in base.rglob("*") if p.is_file()) if base.exists() else []


FIXTURE_FILES = _fixture_files()
SHARED_FILES = _shared_files()


def _check_one(path: Path, tmp_path: Path) -> str | None:
    """Run the contract on one file; returns its format name (None: not an input)."""
    fmt = registry.detect(path)
    if fmt is None:
        return None
    if fmt.refusal is not None and not fmt.alone_only or fmt.output:
        with pytest.raises(InputError) as exc:
            find_inputs(path)
        assert str(path) in exc.value.one_line() and (fmt.refusal or "") in exc.value.one_line()
        return fmt.name
    assert fmt.read is not None, fmt.name
    try:
        result = fmt.read(path)
    except InputError as exc:
        assert str(path) in str(exc) and "\n" not in exc.one_line()
        return fmt.name
    if fmt.schema is None:
        return fmt.name
    columns, validator = SCHEMAS[fmt.schema]
    table = fmt.table(result)
    assert validator(table, raise_errors=True)
    assert list(table.columns)[:len(columns)] == list(columns), f"{path}: columns out of the schema's order"
    pd.testing.assert_frame_equal(fmt.table(fmt.read(path)), table)  # deterministic
    if path.read_bytes()[:2] != b"\x1f\x8b" and fmt.name != "vcf" or path.suffix == ".vcf":
        gz = tmp_path / (path.name + ".gz")
        gz.write_bytes(gzip.compress(path.read_bytes()))
        assert registry.detect(gz) is fmt, f"{path}: gzipped copy detected as another format"
        gz_table = fmt.table(fmt.read(gz))
        assert len(gz_table) == len(table)
        cols = [c for c in table.columns if c not in ("segment_id",)]
        pd.testing.assert_frame_equal(gz_table[cols].reset_index(drop=True), table[cols].reset_index(drop=True))
    return fmt.name


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=[str(p.relative_to(FIXTURES)) for p in FIXTURE_FILES])
def test_contract_on_our_fixtures(path, tmp_path):
    _check_one(path, tmp_path)


@pytest.mark.parametrize("path", SHARED_FILES or [None],
                         ids=[str(p.relative_to(SHARED)) for p in SHARED_FILES] or ["no-shared"])
def test_contract_on_every_real_file(path, tmp_path):
    if path is None:
        pytest.skip("../shared not available: real-data contract skipped")
    _check_one(path, tmp_path)


def test_every_registered_format_has_a_fixture(tmp_path):
    from lms_genomics.report.writers import write_outputs
    from lms_genomics.sample import classify

    write_outputs(classify(FIXTURES.parent.parent / "examples" / "case2"), tmp_path)  # lmsgen's own outputs
    cnn = tmp_path / "coverage.cnn"
    cnn.write_text("chromosome\tstart\tend\tgene\tdepth\tlog2\n1\t10500\t65014\tAntitarget\t18.1\t4.18\n")
    seen = {f.name for p in [*FIXTURE_FILES, *tmp_path.iterdir()] if (f := registry.detect(p)) is not None}
    assert seen == set(registry.names()), f"formats without a fixture: {set(registry.names()) - seen}"


def test_registry_is_consistent():
    names = registry.names()
    assert len(names) == len(set(names))
    for fmt in registry.FORMATS:
        assert set(fmt.roles) <= set(registry.ROLES)
        assert fmt.schema is None or fmt.schema in SCHEMAS
        assert (fmt.schema is None) == (fmt.table is None), fmt.name
        assert fmt.read is not None or fmt.refusal is not None, fmt.name
    assert [f.name for f in registry.formats_for("fusions")] == ["fusion_vcf", "vcf", "archer_isoform_json",
                                                                  "archer_full_results", "archer_fusion_table"]
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(registry.FORMATS[0])


def test_detection_never_raises(tmp_path):
    for data in (b"", b"\x00\x01", b"\x1f\x8b\x08\x00junk", b"\xff\xfe\x00\xd8", b"#only a comment\n"):
        p = tmp_path / "x.txt"
        p.write_bytes(data)
        registry.detect(p)
    assert registry.detect(tmp_path / "missing.txt") is None
    assert registry.detect(tmp_path) is None


def test_a_reader_error_is_an_lmsgen_error_subclass():
    assert issubclass(InputError, LmsgenError)
