"""Ion Torrent VCF reader: real TVC / Ion Reporter files (../shared, skipped when absent) and our fixtures."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from lms_genomics.errors import InputError
from lms_genomics.io.vcf import VARIANT_COLUMNS, is_small_variant_vcf, parse_func, read_vcf

ROOT = Path(__file__).resolve().parents[1]
FIX = ROOT / "tests" / "fixtures" / "vcf"
SHARED = ROOT.parent / "shared"
REAL_VCF_DIR = SHARED / "formats" / "examples" / "vcf"
HOTSPOT_VCF = SHARED / "formats" / "examples" / "iontorrent-panel" / "ocp_hotspot_blist_generated.vcf"
REAL_NAMES = ["tvc-mm10/TSVC_variants.vcf", "tvc-mm10/small_variants.vcf", "tvc-mm10/small_variants_filtered.vcf",
              "tvc-mm10/indel_assembly.vcf", "ion-reporter/test_in.vcf", "ion-reporter/all_data_types.vcf"]


def real(name: str) -> Path:
    p = REAL_VCF_DIR / name
    if not p.exists():
        pytest.skip(f"../shared not available ({p} missing): real-data test skipped")
    return p


def raw_alleles(path: Path) -> list[dict]:
    """Independent, minimal reading of the raw file: (line, ALT list, sample FORMAT dict) per data line."""
    out = []
    for n, line in enumerate(path.read_text().splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        f = line.split("\t")
        fmt = dict(zip(f[8].split(":"), f[9].split(":"), strict=False)) if len(f) >= 10 else {}
        out.append({"line": n, "alts": f[4].split(","), "fmt": fmt, "filter": f[6]})
    return out


# ------------------------------------------------------------------------------------------ real files


@pytest.mark.parametrize("name", REAL_NAMES)
def test_real_vcf_reads_and_vaf_is_fao_over_fdp(name):
    p = real(name)
    res = read_vcf(p)
    v = res.variants
    assert list(v.columns) == VARIANT_COLUMNS
    assert res.sha256 and len(res.sha256) == 64
    checked = 0
    for rec in raw_alleles(p):
        fmt = rec["fmt"]
        if "FAO" not in fmt or "FDP" not in fmt or fmt["FDP"] in (".", "0"):
            continue
        rows = v[v["source_line"] == rec["line"]].reset_index(drop=True)
        assert list(rows["alt"]) == rec["alts"], f"line {rec['line']}: one row per ALT, in ALT order"
        fao = fmt["FAO"].split(",")
        for i, row in rows.iterrows():
            if fao[i] == ".":
                continue
            expected = int(fao[i]) / int(fmt["FDP"])
            assert row["vaf"] == pytest.approx(expected, abs=1e-12), f"line {rec['line']} allele {i}"
            assert row["vaf_source"] == "FAO/FDP"
            assert row["alt_reads"] == int(fao[i]) and row["depth"] == int(fmt["FDP"])
            checked += 1
    if name != "tvc-mm10/indel_assembly.vcf":
        assert checked > 0


def test_real_called_alleles_follow_gt_not_alt0():
    p = real("tvc-mm10/TSVC_variants.vcf")
    v = read_vcf(p).variants
    raw = {r["line"]: r for r in raw_alleles(p)}
    for line, rows in v.groupby("source_line"):
        gt = raw[line]["fmt"]["GT"]
        carried = {int(a) for a in gt.replace("|", "/").split("/") if a.isdigit()}
        for i, (_, row) in enumerate(rows.iterrows()):
            if row["called"]:
                assert i + 1 in carried and row["filter"] == "PASS" and row["alt_reads"] > 0
    by_line = {line: rows.set_index("alt")["called"].to_dict() for line, rows in v.groupby("source_line")}
    # chr14:51889923 GT -> G,GC with GT 0/2: the called allele is ALT[1] = GC, not ALT[0]
    assert by_line[290] == {"G": False, "GC": True}
    # chr5:150560224 GT 2/3 over four ALTs: ALT[1] and ALT[2]
    assert by_line[88] == {"GTTTTG": False, "GTTTTGT": True, "GTTT": True, "TTGTTT": False}
    # chr11:98203826 C -> A,G with GT 2/2
    assert by_line[182] == {"A": False, "G": True}
    assert not v.loc[v["filter"] == "NOCALL", "called"].any()
    assert (v.loc[v["filter"] == "NOCALL", "genotype"] == "./.").all()


def test_real_minimal_alleles_from_omapalt():
    v = read_vcf(real("tvc-mm10/TSVC_variants.vcf")).variants
    rows = v[v["source_line"] == 86].set_index("alt")  # chr5:150552168 AT -> A,ATT; OREF=T,- OALT=-,T
    assert rows.loc["A", ["norm_pos", "norm_ref", "norm_alt"]].tolist() == [150552169, "T", "-"]
    assert rows.loc["ATT", ["norm_pos", "norm_ref", "norm_alt"]].tolist() == [150552169, "-", "T"]


def test_real_ion_reporter_omapalt_and_func_selection():
    res = read_vcf(real("ion-reporter/all_data_types.vcf"))
    assert res.source == "Ion Reporter"
    assert res.sample == "Auto_user_C13-693-Ex694_1B_OCPv4_B_33687_90078_IonXpress_001_v1"
    assert res.sample_gender == "Male" and res.cellularity == 1.0
    # <CNV> and fusion records are read, not skipped (issue 17): panel copy number, and the one fusion target
    # with READ_COUNT=0 is "not detected" (no fusion, but the RNA assay was assessed).
    assert res.skipped == {}
    assert res.panel_cnv["copy_number"].tolist() == [2.1, 2.3] and res.panel_cnv["gene"].tolist() == ["MYCL", None]
    assert res.panel_cnv[["ci_low", "ci_high"]].iloc[0].tolist() == [1.97388, 2.23418]
    assert res.fusions == [] and any("READ_COUNT=0" in w for w in res.warnings)
    v = res.variants
    mpl = v[v["pos"] == 43815008].set_index("alt")
    # OID is mapped through OMAPALT, not by list position in ALT
    assert mpl["hotspot_id"].to_dict() == {"TCG": "COSM29008", "AAA": "COSM28487", "AAG": "COSM19193",
                                           "CGG": "COSM43212", "GCG": "COSM27289"}
    assert mpl.loc["CGG", ["norm_pos", "norm_ref", "norm_alt"]].tolist() == [43815008, "T", "C"]
    # the only FUNC dict (normalizedAlt C at 43815009) belongs to ALT TCG, not to the other alleles
    assert mpl.loc["TCG", "gene"] == "MPL" and mpl.loc["TCG", "location"] == "exonic"
    assert mpl.drop(index="TCG")["gene"].isna().all()
    # hotspot alleles with zero reads are never "called", even with GT 0/1
    assert not v["called"].any()


def test_real_hotspot_sites_only_vcf():
    if not HOTSPOT_VCF.exists():
        pytest.skip(f"../shared not available ({HOTSPOT_VCF} missing): real-data test skipped")
    res = read_vcf(HOTSPOT_VCF)  # no INFO header lines, 8 columns
    assert res.variants.empty and res.skipped == {"no sample columns (sites-only record)": res.records}
    assert res.records > 30000
    assert is_small_variant_vcf(HOTSPOT_VCF)


def test_real_mm10_reference_is_warned():
    res = read_vcf(real("tvc-mm10/small_variants.vcf"))
    assert res.source == "tvc 5.0-2" and res.reference_build == "mm10"
    assert any("mm10" in w for w in res.warnings)


# ------------------------------------------------------------------------------------------ fixtures


def _row(v: pd.DataFrame, **kw) -> pd.Series:
    m = pd.Series(True, index=v.index)
    for k, x in kw.items():
        m &= v[k] == x
    assert m.sum() == 1, kw
    return v[m].iloc[0]


def test_case1_tp53_met246val():
    res = read_vcf(FIX / "case01_tvc52.vcf")
    assert res.source == "tvc 5.2-25" and res.sample == "LMS-01_IonXpress_001" and res.reference_build == "hg19"
    r = _row(res.variants, hgvs_p="p.Met246Val")
    assert (r["chrom"], r["pos"], r["ref"], r["alt"]) == ("chr17", 7577545, "T", "C")
    assert r["gene"] == "TP53" and r["hgvs_c"] == "c.736A>G" and r["function"] == "missense"
    assert r["vaf"] == pytest.approx(0.38) and r["vaf_source"] == "FAO/FDP"
    assert (r["alt_reads"], r["depth"]) == (760, 2000)
    assert r["called"] and r["filter"] == "PASS" and r["genotype"] == "0/1"
    assert math.isnan(r["pop_af"])  # unknown, not 0


def test_case9_tp53_ser241phe_uses_flow_counts():
    res = read_vcf(FIX / "case09_ir_export.vcf")
    r = _row(res.variants, hgvs_p="p.Ser241Phe")
    assert (r["chrom"], r["pos"], r["ref"], r["alt"]) == ("chr17", 7577559, "G", "A")
    assert r["vaf"] == pytest.approx(0.06) and r["vaf_source"] == "FAO/FDP"
    assert r["vaf"] != pytest.approx(90 / 2100)  # AO/DP differs on purpose
    assert r["called"] and r["filter"] == "."
    # FUNC: the non-coding dict comes first; the coding one is chosen
    assert r["transcript"] == "NM_000546.5" and r["hgvs_c"] == "c.722C>T" and r["location"] == "exonic"


def test_fixture_ion_reporter_header_and_skips():
    res = read_vcf(FIX / "case09_ir_export.vcf")
    assert res.source == "Ion Reporter" and res.sample_gender == "Female" and res.cellularity == 0.6
    assert res.skipped == {}  # the <CNV> and the fusion record are read (issue 17), not skipped
    assert res.panel_cnv[["gene", "chrom", "start", "end", "copy_number"]].values.tolist() == [
        ["MYOCD", "chr17", 12569205, 12672266, 4.1]]
    assert res.fusions == [] and any("READ_COUNT=0 (not detected)" in w for w in res.warnings)


def test_fixture_multiallelic_gt02_omapalt_out_of_order_and_func_per_allele():
    v = read_vcf(FIX / "case09_ir_export.vcf").variants
    rows = v[v["pos"] == 100000000].set_index("alt")
    assert rows["called"].to_dict() == {"A": False, "T": True}  # GT 0/2 → ALT[1]
    assert rows["hotspot_id"].to_dict() == {"A": "FIXHS1", "T": "FIXHS2"}  # via OMAPALT, written T,A
    assert rows["hgvs_p"].to_dict() == {"A": "p.Gly34Ser", "T": "p.Gly34Cys"}  # FUNC dict per allele
    assert rows.loc["T", "vaf"] == pytest.approx(45 / 900)

    v1 = read_vcf(FIX / "case01_tvc52.vcf").variants
    rb1 = v1[v1["pos"] == 48955000].set_index("alt")
    assert rb1["called"].to_dict() == {"C": False, "CAA": True}
    assert rb1.loc["CAA", ["norm_pos", "norm_ref", "norm_alt", "vaf"]].tolist() == [48955001, "-", "A", 0.41]
    assert rb1.loc["C", ["norm_pos", "norm_ref", "norm_alt"]].tolist() == [48955001, "A", "-"]


def test_fixture_nocall_and_zero_read_hotspot_not_called():
    v = read_vcf(FIX / "case01_tvc52.vcf").variants
    r = _row(v, filter="NOCALL")
    assert not r["called"] and r["genotype"] == "./." and r["filter_reasons"] == "QualityScore<6.5"
    assert r["hotspot_id"] == "COSM10648" and r["vaf"] == pytest.approx(10 / 2000)
    v9 = read_vcf(FIX / "case09_ir_export.vcf").variants
    r = _row(v9, hotspot_id="FIXHS3")
    assert r["genotype"] == "0/1" and r["alt_reads"] == 0 and not r["called"]


def test_fixture_population_af_from_info_gmaf_and_func_gmaf():
    r1 = _row(read_vcf(FIX / "case01_tvc52.vcf").variants, hgvs_p="p.Pro72Arg")
    r9 = _row(read_vcf(FIX / "case09_ir_export.vcf").variants, hgvs_p="p.Pro72Arg")
    assert r1["pop_af"] == pytest.approx(0.4573) and r9["pop_af"] == pytest.approx(0.4573)
    assert r1["clinvar"] == "Benign"


def test_fixture_ts36_style_fallbacks():
    res = read_vcf(FIX / "ts36_style.vcf")
    assert res.source == "tvc <4.2 (Torrent Unified Variant Caller)"
    v = res.variants
    assert _row(v, pos=7577559)["vaf"] == pytest.approx(0.06)
    r = _row(v, pos=48941000)  # no FDP anywhere → FAO/(FRO+ΣFAO)
    assert r["vaf_source"] == "FAO/(FRO+sum FAO)" and r["vaf"] == pytest.approx(40 / 400)
    multi = v[v["pos"] == 48942000].set_index("alt")
    assert multi.loc["A", "vaf_source"] == "FAO/FDP" and multi.loc["A", "vaf"] == pytest.approx(0.3)
    # FAO '.' for the second allele (indel-assembly allele) → AO/DP for that allele only
    assert multi.loc["ATT", "vaf_source"] == "AO/DP" and multi.loc["ATT", "vaf"] == pytest.approx(64 / 320)
    assert any("FAO is '.'" in w for w in res.warnings)


def test_bgzipped_copy_reads_the_same():
    plain = read_vcf(FIX / "case01_tvc52.vcf")
    gz = read_vcf(FIX / "case01_tvc52.vcf.gz")
    assert (FIX / "case01_tvc52.vcf.gz").read_bytes()[:2] == b"\x1f\x8b"
    pd.testing.assert_frame_equal(plain.variants, gz.variants)
    assert plain.sha256 != gz.sha256


def test_header_only_vcf_is_valid_and_empty():
    res = read_vcf(FIX / "header_only.vcf")
    assert res.variants.empty and list(res.variants.columns) == VARIANT_COLUMNS
    assert res.sample == "LMS-01_IonXpress_001" and res.records == 0
    assert is_small_variant_vcf(FIX / "header_only.vcf")


def test_crlf_and_af_crosscheck(tmp_path):
    text = (FIX / "case01_tvc52.vcf").read_text().replace("AF=0.38;", "AF=0.45;").replace(":0.38:", ":0.45:")
    p = tmp_path / "crlf.vcf"
    p.write_bytes(text.replace("\n", "\r\n").encode())
    res = read_vcf(p)
    assert _row(res.variants, hgvs_p="p.Met246Val")["vaf"] == pytest.approx(0.38)  # FAO/FDP wins over AF
    assert any("AF differs from FAO/FDP" in w for w in res.warnings)


def test_parse_func_safe_and_tolerant():
    assert parse_func("[{'gene':'KRAS','coding':'c.35G>A'}]") == [{"gene": "KRAS", "coding": "c.35G>A"}]
    assert parse_func(None) == [] and parse_func(".") == []
    # not a Python literal (unbalanced), still yields the key/value pairs
    assert parse_func("[{'gene':'TP53','protein':'p.Arg175His'},{'gene':'X'") == [
        {"gene": "TP53", "protein": "p.Arg175His"}]
    assert parse_func("__import__('os').system('true')") == []  # never evaluated


@pytest.mark.parametrize("name, line, words", [
    ("no_fileformat.vcf", 1, "##fileformat=VCF"),
    ("chas_not_vcf.vcf", 1, "##fileformat=VCF"),
    ("empty.vcf", None, "##fileformat=VCF"),
    ("no_chrom_header.vcf", 50, "#CHROM"),
    ("short_line.vcf", 53, "7 tab-separated columns"),
    ("bad_pos.vcf", 54, "POS is not an integer"),
    ("binary.vcf", 1, "binary"),
    ("truncated.vcf.gz", None, "gzip"),
])
def test_bad_vcfs_raise_input_error_with_file_and_line(name, line, words):
    p = FIX / "bad" / name
    with pytest.raises(InputError) as exc:
        read_vcf(p)
    e = exc.value
    assert e.path == str(p) and str(p) in str(e) and words in e.reason
    assert "\n" not in e.one_line()
    if line is not None:
        assert e.line == line and f"{p}:{line}:" in str(e)
    elif name == "truncated.vcf.gz":
        assert e.line is not None and e.line > 1


def test_is_small_variant_vcf():
    assert is_small_variant_vcf(FIX / "case01_tvc52.vcf")
    assert is_small_variant_vcf(FIX / "case01_tvc52.vcf.gz")
    assert is_small_variant_vcf(FIX / "case09_ir_export.vcf")
    assert not is_small_variant_vcf(FIX / "fusion_only.vcf")
    assert not is_small_variant_vcf(FIX / "bad" / "binary.vcf")
    assert not is_small_variant_vcf(FIX / "bad" / "chas_not_vcf.vcf")
    assert not is_small_variant_vcf(FIX / "bad" / "empty.vcf")
