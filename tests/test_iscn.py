"""ISCN 2020 aberration lists written by lmsgen (report/iscn.py) and ``profile.iscn`` in the JSON."""

from __future__ import annotations

import glob
import re

import pandas as pd
import pytest
from conftest import EXAMPLES, FIXTURES, make_segments, shared_path

from lms_genomics import classify, classify_all
from lms_genomics.report.iscn import band_at, copy_number_suffix, iscn_aberrations, iscn_line, region_text, result_iscn
from lms_genomics.result import SampleResult

NOMENCLATURE = re.compile(r"arr\[(\w+)\]\s*(\w+?)([pq][\d.]+(?:[pq][\d.]+)?)\(([\d,]+)[-_]([\d,]+)\)\s*"
                          r"(x[\d~-]+)?\s*(hmz)?")


def _states(rows):
    from lms_genomics.calling.states import segment_states
    from lms_genomics.thresholds import DEFAULT_THRESHOLDS

    seg = make_segments(rows)
    seg["state"] = segment_states(seg, DEFAULT_THRESHOLDS)
    return seg


def test_bands_and_suffixes():
    assert band_at("chr13", 48_650_000) == "q14.2"  # RB1
    assert band_at("chr17", 7_571_719) == "p13.1"  # TP53
    assert band_at("chr1", 0) == "p36.33" and band_at("chr1", 249_250_620) == "q44"
    assert region_text("chr13", 48_650_000, 49_320_000) == "13q14.2(48650001_49320000)"
    assert region_text("chr1", 754_191, 145_095_477) == "1p36.33q21.1(754192_145095477)"
    assert [copy_number_suffix(v) for v in (0, 1.0, 0.97, 1.33, 2.5, 9.33, 22.0, -0.2)] == \
        ["x0", "x1", "x1", "x1~2", "x2~3", "x9~10", "x22", "x0"]


def test_loh_copy_neutral_only_and_karyotype_order():
    seg = _states([("chr13", 40_000_000, 60_000_000, "loss", 1.0), ("chr13", 30_000_000, 80_000_000, "loh", None),
                   ("chr2", 10_000_000, 20_000_000, "gain", 3.0), ("chr2", 5_000_000, 20_000_000, "loh", None),
                   ("chr5", 1_000_000, 1_100_000, "loh", None)])
    entries = iscn_aberrations(seg)
    texts = [e["iscn"] for e in entries]
    assert texts == [
        "arr[GRCh37] 2p25.2p25.1(5000001_10000000)x2 hmz",  # copy-neutral part before the gain
        "arr[GRCh37] 2p25.1p24.1(10000001_20000000)x3",
        "arr[GRCh37] 2p25.1p24.1(10000001_20000000)x3 hmz",  # LOH inside the gain
        "arr[GRCh37] 13q12.3q13.3(30000001_40000000)x2 hmz",
        "arr[GRCh37] 13q13.3q21.2(40000001_60000000)x1",  # the loss; its LOH is not repeated
        "arr[GRCh37] 13q21.2q31.1(60000001_80000000)x2 hmz",
    ]  # chr5's 100 kb LOH is below the 300 kb floor
    assert entries[0]["state"] == "loh" and entries[0]["copy_number"] == 2.0
    assert entries[0]["start"] == 5_000_000  # JSON coordinates stay 0-based half-open
    assert iscn_line(entries).startswith("arr[GRCh37] 2p25.2p25.1(5000001_10000000)x2 hmz,2p25.1p24.1(")


def test_case2_json_carries_iscn_and_round_trips():
    r = classify(EXAMPLES / "case2")
    doc = r.to_dict()
    iscn = doc["profile"]["iscn"]
    texts = [e["iscn"] for e in iscn]
    assert "arr[GRCh37] 13q14.2(48650001_49320000)x0" in texts  # RB1 homozygous deletion
    assert "arr[GRCh37] 17p12(12350000_13050000)x8" in texts  # MYOCD amplicon
    assert "arr[GRCh37] 6p25.3p22.1(204909_29500000)x2 hmz" in texts
    assert {"iscn", "chrom", "start", "end", "state", "copy_number"} <= set(iscn[0])
    back = SampleResult.from_dict(doc)
    assert back.iscn == iscn and result_iscn(back) == iscn
    assert back.to_dict()["profile"]["iscn"] == iscn


def test_old_json_without_iscn_recomputes_it():
    doc = classify(EXAMPLES / "case2").to_dict()
    want = doc["profile"]["iscn"]
    del doc["profile"]["iscn"]
    assert result_iscn(SampleResult.from_dict(doc)) == want


def test_log2_input_grch37_and_marker_floor():
    r = classify_all(FIXTURES / "seg" / "dnacopy_multi_sample.seg", samples=["S2"])[0]
    assert r.segments["excluded_from_calls"].sum() == 1
    entries = result_iscn(r)
    assert all(e["iscn"].startswith("arr[GRCh37] ") for e in entries)
    noisy = set(r.segments.loc[r.segments["excluded_from_calls"], "segment_id"])
    assert not noisy & {e["segment_id"] for e in entries}
    aberrant = r.segments[(r.segments["state"] != "neutral") & ~r.segments["excluded_from_calls"]
                          & (r.segments["kind"] == "cn")]
    assert len([e for e in entries if e["state"] != "loh"]) == len(aberrant)


def _chas_rows(path):
    t = pd.read_csv(path, sep="\t", encoding="utf-8-sig", dtype=str)
    return t[["Microarray Nomenclature", "Type"]].itertuples(index=False)


def test_real_chas_exports_same_bands_and_levels_as_chas():
    """Every Gain/Loss row of the real ChAS exports (both generations): lmsgen's bands and copy-number level equal
    ChAS's own Microarray Nomenclature (ChAS writes a fractional level x1-2, ISCN 2020 x1~2); the start equals
    ChAS's for arr[GRCh37] exports and is ChAS's + 1 for arr[hg19] ones (ChAS 3.x writes the first marker - 1).
    Issue 13: in exports lmsgen reads as male (chrY present), X at one copy and Y at one copy are the normal
    level, not aberrations: ChAS listed them against the female baseline it assumed; lmsgen does not. In doubled
    genomes read against their baseline ploidy (LST, TDplus, triploide: reference level 3) CN 3 is the normal level
    and is not listed (ChAS lists it against 2); every other row is."""
    root = shared_path("formats", "examples", "chas")
    files = sorted(glob.glob(str(root / "bergonie-gist" / "*.txt"))
                   + glob.glob(str(root / "oncoscanR" / "extdata" / "*full_location.txt")))
    assert len(files) == 14
    compared = male_rows = baseline_rows = 0
    for f in files:
        for r in classify_all(f):
            male = r.provenance["sex"]["value"] == "male"
            ref = round(r.to_dict()["profile"]["ploidy"]["value"] + 1e-9)
            mine = {(e["chrom"], e["end"]): e["iscn"] for e in result_iscn(r) if e["state"] != "loh"}
            for text, _typ in _chas_rows(f):
                m = NOMENCLATURE.match(text)
                assert m, text
                build, chrom, bands, start, end, level, hmz = m.groups()
                if hmz:
                    continue
                if male and chrom in ("X", "Y") and level == "x1":
                    assert (f"chr{chrom}", int(end.replace(",", ""))) not in mine, text
                    male_rows += 1
                    continue
                if ref != 2 and level == f"x{ref}" and chrom not in ("X", "Y"):
                    assert (f"chr{chrom}", int(end.replace(",", ""))) not in mine, text
                    baseline_rows += 1
                    continue
                got = NOMENCLATURE.match(mine[(f"chr{chrom}", int(end.replace(",", "")))])
                assert got.group(1) == build and got.group(3) == bands, (text, got.group(0))
                assert got.group(6).replace("~", "-") == level, (text, got.group(0))
                shift = 1 if build == "hg19" else 0
                assert int(got.group(4)) == int(start.replace(",", "")) + shift, (text, got.group(0))
                compared += 1
    assert compared + male_rows + baseline_rows == 873 and male_rows > 0 and baseline_rows > 0


def test_real_chas_loh_rows_listed_where_copy_neutral():
    path = shared_path("formats", "examples", "chas", "oncoscanR", "extdata", "LST_gene_list_full_location.txt")
    r = classify_all(path)[0]
    hmz = [e for e in result_iscn(r) if e["state"] == "loh"]
    assert hmz and all(e["iscn"].startswith("arr[hg19] ") and e["iscn"].endswith(" hmz") for e in hmz)
    assert any(e["iscn"].endswith("x2 hmz") for e in hmz)


@pytest.mark.parametrize("name", ["segments (9).txt", "segments (1).txt"])
def test_report_lists_iscn_for_chas_sample(name):
    from lms_genomics.report.html_report import render_report

    r = classify_all(shared_path("formats", "examples", "chas", "bergonie-gist", name))[0]
    html = render_report(r)
    for e in result_iscn(r)[:5]:
        assert e["iscn"] in html
