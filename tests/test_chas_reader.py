"""The ChAS segment-export reader against one fixture per format quirk (oncoscan.md §0, §2, §6),
malformed inputs, and the real exports in ../shared when available."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest

from lms_genomics.errors import InputError
from lms_genomics.genome import CHROMOSOMES
from lms_genomics.io.chas import ChasExport, read_chas
from lms_genomics.tables import is_segments

ROOT = Path(__file__).resolve().parents[1]
CHAS = ROOT / "tests" / "fixtures" / "chas"
BAD = CHAS / "bad"
SHARED = ROOT.parent / "shared"
SHARED_CHAS = SHARED / "formats" / "examples" / "chas"

GOOD_FIXTURES = sorted(p.name for p in CHAS.iterdir() if p.is_file() and p.suffix in (".txt", ".csv"))
BAD_FIXTURES = sorted(p.name for p in BAD.iterdir() if p.is_file())

# The first four invented segments most fixtures share (ChAS 3.x starts = first marker - 1).
FOUR = [("chr13", 47890114, 49512338, "loss", 1.0), ("chr13", 41200517, 52004781, "loh", math.nan),
        ("chr17", 11402256, 13120874, "gain", 4.0), ("chr10", 89580992, 89760431, "loss", 0.0)]


def read(name: str) -> ChasExport:
    return read_chas(CHAS / name)


def rows(export: ChasExport) -> list[tuple]:
    seg = export.segments
    return [(c, int(s), int(e), t, float(cn)) for c, s, e, t, cn in
            zip(seg["chrom"], seg["start"], seg["end"], seg["type"], seg["copy_number"], strict=True)]


def same_rows(got: list[tuple], expected: list[tuple]) -> bool:
    """Row tuples equal, NaN copy numbers equal to NaN."""
    def norm(r: tuple) -> tuple:
        return (*r[:4], None if math.isnan(r[4]) else round(r[4], 6))
    return [norm(r) for r in got] == [norm(r) for r in expected]


# --- the contract, every good fixture ---------------------------------------------------------------------


def test_every_quirk_has_a_fixture() -> None:
    assert len(GOOD_FIXTURES) == 20  # + subclonal_tp53_cdkn2a.txt (issue 13)
    assert len(BAD_FIXTURES) == 10


@pytest.mark.parametrize("name", GOOD_FIXTURES)
def test_contract(name: str) -> None:
    export = read(name)
    seg = export.segments
    assert is_segments(seg, raise_errors=True)
    assert (seg["start"] < seg["end"]).all()
    assert (seg["start"] >= 0).all()
    assert seg["chrom"].isin(CHROMOSOMES).all()
    assert ((seg["kind"] == "loh") == (seg["type"] == "loh")).all()
    assert seg.loc[seg["kind"] == "loh", "copy_number"].isna().all()
    assert seg.loc[seg["kind"] == "cn", "copy_number"].notna().all()
    assert set(seg["type"]) <= {"gain", "loss", "loh"}
    assert set(seg["sample"]) <= set(export.samples)
    assert set(export.has_loh_rows) == set(export.samples)
    assert len(export.sha256) == 64
    assert all("\n" not in w for w in export.warnings)
    for col in ("sample", "chrom", "segment_id"):
        assert not seg[col].str.contains(r"[\r\n\t\"\ufeff]").any(), col


def test_fixtures_are_reproducible(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The generator rewrites exactly the committed bytes."""
    spec = importlib.util.spec_from_file_location("make_chas_fixtures", CHAS / "make_fixtures.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "HERE", tmp_path)
    monkeypatch.setattr(mod, "BAD", tmp_path / "bad")
    mod.good()
    mod.bad()
    for name in GOOD_FIXTURES:
        assert (tmp_path / name).read_bytes() == (CHAS / name).read_bytes(), name
    for name in BAD_FIXTURES:
        assert (tmp_path / "bad" / name).read_bytes() == (BAD / name).read_bytes(), name


# --- per-quirk outcomes -----------------------------------------------------------------------------------


def test_chas3_iscn2013_full() -> None:
    export = read("chas3_iscn2013_full.txt")
    assert "OMIM \u00ae Genes" in export.columns and "OMIM \u00ae Genes Count" in export.columns
    assert export.coordinate_convention.startswith("0-based")
    assert export.samples == ["LMS01"]
    assert export.has_loh_rows == {"LMS01": True}
    assert export.warnings == []
    assert same_rows(rows(export)[:4], FOUR)  # ISCN 2013 starts kept as written
    seg = export.segments
    assert seg["copy_number"].tolist()[4] == pytest.approx(2.67)
    assert seg["markers"].tolist() == [212, 1185, 164, 38, 2311, 61, 1544]
    assert seg["segment_id"].iloc[0] == "chas3_iscn2013_full.txt:2"
    assert seg["source_line"].tolist() == [2, 3, 4, 5, 6, 7, 8]
    # LOH row (empty CN State) overlapping the RB1 Loss row, both kept
    loss, loh = seg.iloc[0], seg.iloc[1]
    assert loh["kind"] == "loh" and math.isnan(loh["copy_number"])
    assert loh["start"] < loss["start"] and loss["end"] < loh["end"]


def test_chas4_iscn2016_bom() -> None:
    export = read("chas4_iscn2016_bom.txt")
    assert export.columns[0] == "File"
    assert export.samples == ["LMS02"]
    assert export.coordinate_convention.startswith("1-based")
    seg = export.segments
    # Full Location chr13:47890115-49512338 (first marker) → 0-based start 47890114, end kept
    assert (seg["start"].iloc[0], seg["end"].iloc[0]) == (47890114, 49512338)
    assert seg["start"].tolist() == [47890114, 89580992, 12000400, 2699520, 2649520, 21028300]
    assert seg["copy_number"].tolist() == [1.0, 1.5, 3.0, 1.0, 1.0, 1.0]
    assert seg["segment_id"].tolist() == ["seg12", "seg15", "seg21", "seg40", "seg41", "seg42"]
    assert seg["log2"].iloc[0] == pytest.approx(-0.5231894731207722, abs=1e-15)
    y = seg[seg["chrom"] == "chrY"]
    assert len(y) == 2 and (y["type"] == "gain").all() and (y["copy_number"] == 1.0).all()
    x = seg[seg["chrom"] == "chrX"]
    assert x["type"].tolist() == ["loss"]
    assert not any("disagrees" in w for w in export.warnings)  # sex chromosomes: Type relative to the sex
    assert export.has_loh_rows == {"LMS02": False}
    assert any("no LOH row" in w for w in export.warnings)


def test_crlf_line_endings() -> None:
    assert b"\r\n" in (CHAS / "crlf_line_endings.txt").read_bytes()
    export = read("crlf_line_endings.txt")
    assert export.columns[-1] == "Full Location"
    assert same_rows(rows(export), FOUR)
    assert export.segments["source_line"].tolist() == [2, 3, 4, 5]


def test_comment_lines() -> None:
    export = read("comment_lines.txt")
    assert same_rows(rows(export), FOUR)
    assert export.segments["source_line"].tolist() == [7, 8, 9, 10]  # 5 '#' lines, header on line 6


def test_columns_reordered() -> None:
    export = read("columns_reordered.txt")
    assert export.columns[0] == "Full Location"
    assert same_rows(rows(export), FOUR)
    assert export.segments["markers"].tolist() == [212, 1185, 164, 38]
    assert export.samples == ["LMS03"]


def test_chr_prefix_in_chromosome() -> None:
    export = read("chr_prefix_in_chromosome.txt")
    assert same_rows(rows(export), FOUR)


def test_no_chr_in_full_location() -> None:
    export = read("no_chr_in_full_location.txt")
    assert same_rows(rows(export), FOUR)


def test_thousands_separators() -> None:
    text = (CHAS / "thousands_separators.txt").read_text(encoding="utf-8")
    assert "chr13:41'200'517" in text and "chr17:11 402 256" in text and "chr10:89.580.992" in text
    export = read("thousands_separators.txt")
    assert same_rows(rows(export), FOUR)
    assert export.segments["start"].dtype == "int64"


def test_sex_chromosomes_24_25() -> None:
    export = read("sex_chromosomes_24_25.txt")
    seg = export.segments
    assert seg["chrom"].tolist() == ["chr7", "chr12", "chrX", "chrX", "chrY"]
    # no nomenclature: StartPosition taken as 1-based first marker
    assert export.coordinate_convention.startswith("assumed 1-based")
    assert seg["start"].tolist() == [55086724, 69201956, 76700000, 140000000, 2649520]
    assert seg["end"].tolist() == [55275031, 69244466, 77100000, 150500000, 13437611]
    assert seg["log2"].tolist() == pytest.approx([0.8813, 1.0287, -1.9542, 0.3318, -2.1461])


def test_fractional_cn() -> None:
    seg = read("fractional_cn.txt").segments
    assert seg["copy_number"].tolist() == pytest.approx([0.33, 0.67, 1.33, 1.5, 2.5, 9.33])
    assert seg["type"].tolist() == ["loss", "loss", "loss", "loss", "gain", "gain"]


def test_loh_overlapping_loss() -> None:
    export = read("loh_overlapping_loss.txt")
    seg = export.segments
    assert len(seg) == 4
    assert seg["kind"].tolist() == ["cn", "loh", "loh", "cn"]
    loh = seg[seg["kind"] == "loh"]
    assert loh["copy_number"].isna().all() and (loh["type"] == "loh").all()
    for chrom in ("chr3", "chr11"):
        a = seg[(seg["chrom"] == chrom) & (seg["kind"] == "cn")].iloc[0]
        b = seg[(seg["chrom"] == chrom) & (seg["kind"] == "loh")].iloc[0]
        assert b["start"] <= a["start"] and a["end"] <= b["end"]
    assert export.has_loh_rows == {"LMS09": True}


def test_duplicated_rows() -> None:
    export = read("duplicated_rows.txt")
    assert same_rows(rows(export), FOUR[:3])
    assert export.segments["source_line"].tolist() == [2, 3, 5]
    dup = [w for w in export.warnings if "duplicated" in w]
    assert len(dup) == 1 and "2 duplicated" in dup[0] and "lines 4, 6" in dup[0]


def test_header_only() -> None:
    assert (CHAS / "header_only.txt").read_bytes().startswith(b"\xef\xbb\xbfFile\t")
    export = read("header_only.txt")
    assert len(export.segments) == 0
    assert is_segments(export.segments, raise_errors=True)
    assert export.samples == ["header_only"]
    assert export.has_loh_rows == {"header_only": False}
    assert any("no segment" in w for w in export.warnings)
    assert read_chas(CHAS / "header_only.txt", default_sample="T9").samples == ["T9"]


def test_multi_sample() -> None:
    export = read("multi_sample.txt")
    assert export.samples == ["T01", "T02", "T03"]  # .OSCHP and .RC.OSCHP stripped
    assert export.has_loh_rows == {"T01": True, "T02": False, "T03": True}
    assert export.segments.groupby("sample").size().to_dict() == {"T01": 2, "T02": 2, "T03": 2}


def test_semicolon_decimal_comma() -> None:
    export = read("semicolon_decimal_comma.csv")
    assert "Microarray Nomenclature (ISCN 2013)" in export.columns and "Full Location" not in export.columns
    assert export.coordinate_convention.startswith("0-based")
    assert export.samples == ["GIST01"]
    seg = export.segments
    assert seg["copy_number"].tolist()[:3] == [1.0, 1.5, 2.5]
    assert math.isnan(seg["copy_number"].iloc[3])
    assert seg["log2"].tolist() == pytest.approx([-0.4417, -0.4417, 0.2377, 0.0117])  # Mean Weighted, ',' decimal
    assert (seg["start"].iloc[0], seg["end"].iloc[0]) == (47890114, 49512338)
    assert seg["markers"].tolist() == [212, 640, 2780, 1185]


def test_no_full_location_iscn_only() -> None:
    export = read("no_full_location_iscn_only.txt")
    assert "Full Location" not in export.columns
    assert export.coordinate_convention.startswith("0-based")
    assert same_rows(rows(export), FOUR)


def test_trailing_blank_lines() -> None:
    export = read("trailing_blank_lines.txt")
    assert same_rows(rows(export), FOUR[:3])
    assert export.segments["source_line"].tolist() == [2, 3, 4]


def test_cp1252_encoded() -> None:
    data = (CHAS / "cp1252_encoded.txt").read_bytes()
    assert b"OMIM \xae Genes" in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    export = read("cp1252_encoded.txt")
    assert "OMIM \u00ae Genes Count" in export.columns
    assert same_rows(rows(export), FOUR[:3])


def test_quoted_fields() -> None:
    export = read("quoted_fields.txt")
    assert export.columns[0] == "File" and "OMIM \u00ae Genes" in export.columns
    assert export.samples == ["LMS14"]
    assert same_rows(rows(export), FOUR)
    assert export.segments["markers"].tolist() == [212, 1185, 164, 38]


# --- malformed inputs -------------------------------------------------------------------------------------

BAD_CASES = {
    "no_location_column.txt": (1, "no location column"),
    "unknown_type.txt": (3, "Mosaic Gain"),
    "hg38_beyond_chrom_end.txt": (5, "beyond the hg19 end of chr17"),
    "end_before_start.txt": (4, "not after its start"),
    "cn_not_a_number.txt": (5, "'#VALUE!' is not a number"),
    "chromosome_23.txt": (3, "unknown chromosome '23'"),
    "binary_junk.txt": (None, "binary file"),
    "empty_file.txt": (None, "empty file"),
    "iscn_hg38.txt": (3, "GRCh38"),
    "too_many_fields.txt": (4, "20 fields but the header has 18"),
}


def test_bad_cases_cover_bad_fixtures() -> None:
    assert sorted(BAD_CASES) == BAD_FIXTURES


@pytest.mark.parametrize("name", sorted(BAD_CASES))
def test_bad_fixture_raises(name: str) -> None:
    line, reason = BAD_CASES[name]
    path = BAD / name
    with pytest.raises(InputError) as info:
        read_chas(path)
    err = info.value
    assert Path(err.path) == path
    assert err.line == line
    assert reason in err.reason
    assert "\n" not in str(err)
    where = f"{path}:{line}" if line is not None else str(path)
    assert str(err) == f"{where}: {err.reason}"


# --- real exports (../shared) -----------------------------------------------------------------------------

ONCOSCANR_COUNTS = {  # rows, Gain, Loss, LOH — counted in the files with cut/sort/uniq
    "LST_gene_list_full_location.txt": (441, 363, 50, 28),
    "TDplus_gene_list_full_location.txt": (256, 188, 26, 42),
    "triploide_gene_list_full_location.txt": (101, 82, 4, 15),
}


def real_exports() -> list:
    if not SHARED_CHAS.is_dir():
        return [pytest.param(None, id="shared-missing")]
    files = sorted(p for p in SHARED_CHAS.rglob("*.txt") if not p.name.startswith("ascat"))
    return [pytest.param(p, id=str(p.relative_to(SHARED_CHAS))) for p in files]


def need_shared(path: Path | None) -> Path:
    if path is None or not path.exists():
        pytest.skip(f"../shared not available ({SHARED_CHAS} missing): real ChAS exports not read")
    return path


@pytest.mark.parametrize("path", real_exports())
def test_real_export_reads(path: Path | None) -> None:
    path = need_shared(path)
    export = read_chas(path)
    assert is_segments(export.segments, raise_errors=True)
    if path.parent.name == "bergonie-gist":
        assert export.coordinate_convention.startswith("1-based")
        assert len(export.segments) > 0
        assert not any(export.has_loh_rows.values())
    elif path.name.endswith("-empty.txt"):
        assert len(export.segments) == 0
    else:
        assert export.coordinate_convention.startswith("0-based")


@pytest.mark.parametrize("name", sorted(ONCOSCANR_COUNTS))
def test_real_oncoscanr_counts(name: str) -> None:
    path = need_shared(SHARED_CHAS / "oncoscanR" / "extdata" / name if SHARED_CHAS.is_dir() else None)
    n, gain, loss, loh = ONCOSCANR_COUNTS[name]
    data_lines = [ln for ln in path.read_text(encoding="utf-8").splitlines()[1:] if ln.strip()]
    assert len(data_lines) == n
    export = read_chas(path)
    seg = export.segments
    assert len(seg) == n
    assert seg["type"].value_counts().to_dict() == {"gain": gain, "loss": loss, "loh": loh}
    assert export.samples == [name.split("_")[0]]
    assert export.coordinate_convention.startswith("0-based")
    assert export.warnings == []
    assert pd.Series(seg["kind"] == "loh").sum() == loh


def test_utf16_export_reads_like_utf8(tmp_path):
    """Excel's "Unicode Text" save writes UTF-16 with a BOM: the export is found and read as the UTF-8 one."""
    from lms_genomics import classify

    src = ROOT / "examples" / "case6" / "case6.segments.txt"
    copy = tmp_path / "case6" / "case6.segments.txt"
    copy.parent.mkdir()
    copy.write_bytes(src.read_text(encoding="utf-8-sig").encode("utf-16"))
    a, b = read_chas(copy).segments, read_chas(src).segments
    assert a.drop(columns="segment_id").equals(b.drop(columns="segment_id"))
    r = classify(copy.parent)
    assert r.profile_class == "simple" and r.gene_call("RB1") == "heterozygous_deletion"
