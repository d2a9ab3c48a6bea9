"""Probe-level reader, genome figures and static export."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from lms_genomics import classify
from lms_genomics.errors import InputError, LmsgenError
from lms_genomics.genome import CHROM_SIZES, CHROMOSOMES
from lms_genomics.io.probes import mapd, read_probes

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "probes"
SHARED = ROOT.parent / "shared" / "formats" / "examples" / "probes"
CASE2 = ROOT / "examples" / "case2"

pytest.importorskip("plotly")


def _chromium() -> str | None:
    from lms_genomics.report.static_export import BrowserNotFoundError, find_browser

    try:
        return find_browser()
    except BrowserNotFoundError:
        return None


needs_chromium = pytest.mark.skipif(_chromium() is None, reason="no Chromium/Chrome found (apt-get install "
                                                                  "chromium, or set BROWSER_PATH)")
needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason=f"shared real files absent ({SHARED})")


@pytest.fixture(scope="module")
def case2():
    return classify(CASE2)


@pytest.fixture(scope="module")
def exporter():
    from lms_genomics.report.static_export import FigureExporter

    if _chromium() is None:
        pytest.skip("no Chromium/Chrome found (apt-get install chromium, or set BROWSER_PATH)")
    with FigureExporter() as ex:
        yield ex


def synthetic_probes(n: int = 220_000, seed: int = 1) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sizes = np.array([CHROM_SIZES[c] for c in CHROMOSOMES], dtype=float)
    chrom = rng.choice(np.array(CHROMOSOMES), size=n, p=sizes / sizes.sum())
    pos = (rng.random(n) * pd.Series(chrom).map(CHROM_SIZES).to_numpy()).astype("int64")
    df = pd.DataFrame({"chrom": chrom, "pos": pos, "log2": rng.normal(0, 0.2, n),
                       "baf": np.where(rng.random(n) < 0.5, rng.choice([0.0, 0.5, 1.0], n), np.nan),
                       "allele_diff": np.nan})
    return df.sort_values(["chrom", "pos"], key=lambda s: s.map({c: i for i, c in enumerate(CHROMOSOMES)})
                          if s.name == "chrom" else s).reset_index(drop=True)


# --- probe reader -----------------------------------------------------------------------------------------------

@needs_shared
def test_real_chas_probeset_with_baf():
    df = read_probes(SHARED / "1-RV_small_complete.probeset.txt")
    assert df.attrs["format"] == "chas_probes" and df.attrs["sample"] == "1-RV"
    assert list(df.columns) == ["chrom", "pos", "log2", "baf", "allele_diff"]
    assert len(df) == 2177
    assert set(df["chrom"]) <= set(CHROMOSOMES) and {"chrX", "chrY"} <= set(df["chrom"])
    assert (df["chrom"] == "chrY").sum() == 7  # code 25
    first = df.iloc[0]
    assert (first["chrom"], first["pos"]) == ("chr1", 754191)  # Position 754192, 1-based → 0-based
    assert first["log2"] == pytest.approx(0.3717726)
    assert np.isnan(first["allele_diff"]) and first["baf"] == 0
    assert df["baf"].dropna().between(0, 1).all()
    assert 0.05 < mapd(df) < 0.6


@needs_shared
def test_real_chas_probeset_log2_only():
    df = read_probes(SHARED / "2-AD_small.probeset.txt")
    assert df.attrs["sample"] == "2-AD"
    assert df["baf"].isna().all() and df["allele_diff"].isna().all()
    assert df["log2"].notna().sum() >= 2170


@needs_shared
def test_real_apt_table_unsorted_quoted():
    df = read_probes(SHARED / "apt_oncoscan_1000probes.tsv")
    assert df.attrs["format"] == "apt_probes" and len(df) == 1000
    key = df["chrom"].map({c: i for i, c in enumerate(CHROMOSOMES)})
    assert (np.diff(key.to_numpy()) >= 0).all()  # sorted in karyotype order
    assert df["baf"].notna().any() and df["allele_diff"].notna().any()
    assert "chrX" in set(df["chrom"])


def test_fixture_chas_sorted_sex_codes_and_missing():
    df = read_probes(FIX / "chas_small.probeset.txt")
    assert df.attrs["sample"] == "S<1>" and df.attrs["dropped"] == 1  # chromosome 26 (MT) dropped
    assert df["chrom"].tolist() == ["chr1", "chr1", "chr1", "chrX", "chrY"]
    assert df["pos"].tolist() == [999, 1999, 2999, 4999, 5999]
    assert np.isnan(df.loc[3, "log2"])  # NA


def test_fixture_weighted_column():
    df = read_probes(FIX / "chas_small.probeset.txt", weighted=True)
    assert df.attrs["log2_column"].startswith("WeightedLog2Ratio")
    assert df.loc[0, "log2"] == pytest.approx(0.2)


def test_fixture_apt_crlf_quoted():
    df = read_probes(FIX / "apt_small.tsv")
    assert df["chrom"].tolist() == ["chr2", "chr2", "chrX"] and df["pos"].tolist() == [99, 499, 99]
    assert df["baf"].tolist() == [1.0, 0.45, 0.0]


def test_fixture_cnvkit_cnr():
    df = read_probes(FIX / "cnvkit_small.cnr")
    assert df.attrs["format"] == "cnvkit_cnr" and df.attrs["dropped"] == 1  # unplaced contig
    assert df["chrom"].tolist() == ["chr1", "chr1", "chrX", "chrY"]  # CNVkit 23 = X, 24 = Y
    assert df["pos"].tolist() == [50, 200, 50, 150]
    assert df["baf"].isna().all()


@pytest.mark.parametrize(("name", "line", "words"), [
    ("bad_log2.probeset.txt", 5, "not a number"),
    ("bad_chrom.probeset.txt", 3, "unknown chromosome"),
    ("bad_position.probeset.txt", 2, "Position"),
    ("header_only.probeset.txt", 1, "no probe rows"),
    ("no_log2.probeset.txt", 1, "Log2Ratio"),
])
def test_bad_probe_files(name, line, words):
    with pytest.raises(InputError) as info:
        read_probes(FIX / name)
    assert info.value.line == line and words in info.value.reason
    assert str(FIX / name) in str(info.value)


def test_not_a_probe_file_and_missing_file(tmp_path):
    with pytest.raises(InputError, match="not a probe-level export"):
        read_probes(CASE2 / "case2.segments.txt")
    with pytest.raises(InputError, match="cannot read"):
        read_probes(tmp_path / "absent.txt")


def test_mapd_within_chromosomes():
    df = pd.DataFrame({"chrom": ["chr1"] * 3 + ["chr2"] * 3, "log2": [0.0, 0.1, 0.2, 5.0, 5.1, np.nan]})
    assert mapd(df) == pytest.approx(0.1)  # the chr1→chr2 jump is not a pair
    assert mapd(df["log2"], df["chrom"]) == pytest.approx(0.1)
    assert mapd(pd.Series([1.0, 2.0, 4.0])) == pytest.approx(1.5)
    assert np.isnan(mapd(pd.Series([1.0])))


# --- figures ----------------------------------------------------------------------------------------------------

def _annotation(fig, gene):
    hits = [a for a in fig.layout.annotations if a.text and a.text.startswith(f"<b>{gene}</b>")]
    assert len(hits) == 1, [a.text for a in fig.layout.annotations]
    return hits[0]


def test_genome_figure_case2(case2):
    from lms_genomics.report.plots import STATE_COLORS, genome_figure

    fig = genome_figure(case2)
    title = fig.layout.title.text
    assert "case2" in title and "complex" in title and "A = 13" in title and "C = 10" in title and "GI = 16.9" in title
    myocd = _annotation(fig, "MYOCD")
    assert "amplification" in myocd.text and "CN 8" in myocd.text and myocd.y == pytest.approx(8)
    rb1 = _annotation(fig, "RB1")
    assert "homozygous deletion" in rb1.text and "CN 0" in rb1.text
    assert "heterozygous deletion" in _annotation(fig, "TP53").text
    names = {t.name for t in fig.data}
    assert {"amplification", "homozygous deletion", "heterozygous deletion", "gain", "neutral", "LOH"} <= names
    amp = next(t for t in fig.data if t.name == "amplification")
    assert amp.line.color == STATE_COLORS["amp"] and 8 in [v for v in amp.y if v is not None]
    # Chromosome axis: 24 labels, widths to scale; centromeres as dotted lines.
    bottom = fig.layout.xaxis2
    assert list(bottom.ticktext) == [c[3:] for c in CHROMOSOMES]
    assert bottom.range[1] == sum(CHROM_SIZES.values())
    assert sum(1 for s in fig.layout.shapes if s.type == "line" and s.line.dash == "dot") == 24
    assert not any(a.text and "LOH not assessed" in a.text for a in fig.layout.annotations)


def test_loh_not_assessed_said():
    from lms_genomics.report.plots import genome_figure

    r = classify(ROOT / "examples" / "case6")
    assert r.qc["loh_assessed"] is False
    fig = genome_figure(r)
    assert any(a.text and "LOH not assessed" in a.text for a in fig.layout.annotations)


def test_zoom_chr17(case2):
    from lms_genomics.report.plots import genome_figure

    fig = genome_figure(case2, probes=synthetic_probes(20_000), chromosome="17")
    assert fig.layout.xaxis.range[1] == CHROM_SIZES["chr17"] or fig.layout.xaxis2.range[1] == CHROM_SIZES["chr17"]
    genes = {a.text.split("</b>")[0][3:] for a in fig.layout.annotations if a.text and a.text.startswith("<b>")}
    assert genes == {"TP53", "MYOCD"}
    for t in fig.data:
        xs = [x for x in (t.x if t.x is not None else []) if x is not None]
        assert all(0 <= x <= CHROM_SIZES["chr17"] for x in xs), t.name
    probe_trace = next(t for t in fig.data if t.name == "probe log2 ratio")
    assert 0 < len(probe_trace.x) < 20_000 / 10  # only chr17's probes
    assert "chr17" in fig.layout.title.text
    assert any(a.text == "17p" for a in fig.layout.annotations)


def test_unknown_chromosome(case2):
    from lms_genomics.report.plots import genome_figure

    with pytest.raises(LmsgenError, match="unknown chromosome"):
        genome_figure(case2, chromosome="chr99")


def test_decimation_keeps_extremes():
    from lms_genomics.report.plots import decimate

    rng = np.random.default_rng(0)
    y = rng.normal(0, 0.2, 220_000)
    y[123_457] = -7.5  # a single-probe homozygous deletion
    y[7] = 6.0
    y[100] = np.nan
    x = np.arange(y.size)
    keep = decimate(x, y, 50_000)
    assert keep.size <= 50_000 and (np.diff(keep) > 0).all()
    assert 123_457 in keep and 7 in keep and 100 not in keep
    assert np.nanmin(y[keep]) == np.nanmin(y) and np.nanmax(y[keep]) == np.nanmax(y)
    small = decimate(x[:1000], y[:1000], 50_000)
    assert small.size == 999  # below the limit: everything but NaN


def test_figure_with_probes_uses_webgl_and_decimates(case2):
    from lms_genomics.report.plots import genome_figure

    fig = genome_figure(case2, probes=synthetic_probes())
    gl = [t for t in fig.data if t.type == "scattergl"]
    assert {t.name for t in gl} == {"probe log2 ratio", "BAF"}
    assert all(len(t.x) <= 50_000 for t in gl)
    assert fig.layout.meta["probes_drawn"] <= 50_000


def test_user_strings_escaped_in_figure(case2):
    from lms_genomics.report.plots import genome_figure

    r = classify(CASE2)
    r.sample = "<script>alert(1)</script>"
    r.genes = r.genes.copy()
    r.genes.loc[r.genes["gene"] == "RB1", "gene"] = "RB1<img src=x>"
    fig = genome_figure(r, genes=("RB1<img src=x>", "TP53"))
    js = fig.to_json()
    assert "<script>" not in fig.layout.title.text and "&lt;script&gt;" in fig.layout.title.text
    assert any("RB1&lt;img src=x&gt;" in (a.text or "") for a in fig.layout.annotations)
    assert "<img" not in "".join(a.text or "" for a in fig.layout.annotations)
    assert "<script>" not in js


# --- export -----------------------------------------------------------------------------------------------------

def test_write_html_offline(case2, tmp_path):
    from lms_genomics.report.plots import genome_figure
    from lms_genomics.report.static_export import write_html

    out = write_html(genome_figure(case2), tmp_path / "case2.html")
    text = out.read_text(encoding="utf-8")
    assert "Plotly" in text and len(text) > 1_000_000  # plotly.js embedded
    assert 'src="http' not in text
    assert not list(tmp_path.glob(".*.tmp"))


def test_browser_not_found_is_one_clear_line(monkeypatch, tmp_path):
    from lms_genomics.report import static_export

    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-chromium"))
    with pytest.raises(static_export.BrowserNotFoundError) as info:
        static_export.FigureExporter()
    err = info.value
    assert isinstance(err, LmsgenError) and err.exit_code == 6
    assert "\n" not in str(err) and "apt-get install chromium" in str(err) and "BROWSER_PATH" in str(err)
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(static_export.BrowserNotFoundError):
        static_export.write_images([(None, tmp_path / "x.png")])
    assert not (tmp_path / "x.png").exists()


def test_bad_format_refused(tmp_path):
    from lms_genomics.report.static_export import StaticExportError, write_images

    with pytest.raises(StaticExportError, match="png, pdf or svg"):
        write_images([(None, tmp_path / "x.bmp")])


@needs_chromium
def test_png_export_case2(case2, exporter, tmp_path):
    from lms_genomics.report.plots import genome_figure

    out = exporter.write(genome_figure(case2), tmp_path / "case2.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert (width, height) == (1600, 900)
    assert 30_000 < len(data) < 3_000_000


@needs_chromium
def test_pdf_svg_export_reuse_browser(case2, exporter, tmp_path):
    from lms_genomics.report.plots import genome_figure

    fig = genome_figure(case2, chromosome="13")
    before = exporter.figures_exported
    pdf = exporter.write(fig, tmp_path / "z.pdf")
    svg = exporter.write(fig, tmp_path / "z.svg")
    assert pdf.read_bytes()[:5] == b"%PDF-"
    assert b"<svg" in svg.read_bytes()[:2000]
    assert exporter.figures_exported == before + 2


@needs_chromium
def test_png_export_220k_probes(case2, exporter, tmp_path):
    from lms_genomics.report.plots import genome_figure

    out = exporter.write(genome_figure(case2, probes=synthetic_probes()), tmp_path / "probes.png")
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000


def test_chromium_found_where_expected():
    # Informative: say visibly when the Chromium-dependent tests are skipped.
    if shutil.which("chromium") is None and _chromium() is None:
        pytest.skip("no Chromium: PNG/PDF/SVG export and headless-render tests skipped")
    assert _chromium()
