"""Issue 19, phase 2: `lmsgen cohort --resume` keys on every input and option that changes a result (one result
key, ``provenance.result_key``), rewrites missing outputs, and output names are decided by the parent before
dispatch (``-j 1`` and ``-j 2`` write the same files); cohort.tsv links each row to its input and outputs.

Each regression test is named after the stale result it caught: before, resume compared only the lmsgen version,
the thresholds and the data files' hashes, so a sample sheet changed from 100 % to 30 % purity kept RB1 at
heterozygous deletion ("up to date") instead of homozygous deletion."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from conftest import EXAMPLES, FIXTURES, shared_path
from lms_genomics.cli.main import main

from lms_genomics import result_key as rk
from lms_genomics.genome import CHROM_SIZES, CHROMOSOMES, reference_path
from lms_genomics.thresholds import DEFAULT_THRESHOLDS

SAMPLES = ("A", "B", "C")


def cohort(*args):
    return CliRunner().invoke(main, ["cohort", *[str(a) for a in args]], catch_exceptions=False)


def up_to_date(res) -> set[str]:
    """The samples the run reported "(up to date)"."""
    return set(re.findall(r"^lmsgen: (.+?): \S+ \(up to date\)$", res.stderr, flags=re.M))


def write_seg(path: Path, samples=SAMPLES, rb1_log2: float = -1.0) -> Path:
    """Every autosome and X, one segment each at log2 0, chr13 at ``rb1_log2`` (RB1: heterozygous deletion at
    purity 1, homozygous at purity 0.3: -1.0 is below the one-copy level at purity 0.9, so issue 13's purity
    guardrail lets the rescaled CN 0 stand)."""
    lines = ["ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean"]
    for s in samples:
        for c in CHROMOSOMES[:23]:
            value = rb1_log2 if c == "chr13" else 0.0
            lines.append(f"{s}\t{c.removeprefix('chr')}\t1\t{CHROM_SIZES[c]}\t5000\t{value}")
    path.write_text("\n".join(lines) + "\n")
    return path


def doc(out: Path, stem: str) -> dict:
    return json.loads((out / f"{stem}.json").read_text(encoding="utf-8"))


@pytest.fixture()
def seg_cohort(tmp_path):
    seg = write_seg(tmp_path / "batch.seg")
    sheet = tmp_path / "samples.tsv"
    sheet.write_text("id\tpurity\nA\t100\nB\t100\nC\t100\n")
    out = tmp_path / "out"
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1")
    assert res.exit_code == 0, res.output
    assert doc(out, "A")["genes"]["RB1"]["call"] == "heterozygous_deletion"
    return seg, sheet, out


def test_resume_regression_sheet_purity_100_to_30_recomputes(seg_cohort):
    seg, sheet, out = seg_cohort
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == set(SAMPLES)
    sheet.write_text("id\tpurity\nA\t30\nB\t100\nC\t100\n")
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")
    assert res.exit_code == 0, res.output
    assert up_to_date(res) == {"B", "C"}  # exactly the sample whose row changed is classified again
    a = doc(out, "A")
    assert a["genes"]["RB1"]["call"] == "homozygous_deletion"
    assert a["provenance"]["copy_number_model"]["purity"] == 0.3
    assert doc(out, "B")["genes"]["RB1"]["call"] == "heterozygous_deletion"
    assert up_to_date(cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "2", "--resume")) == set(SAMPLES)


def test_resume_regression_sheet_row_added_for_a_sample_without_one_recomputes_it(tmp_path):
    seg = write_seg(tmp_path / "batch.seg")
    sheet = tmp_path / "samples.tsv"
    sheet.write_text("id\tpurity\nA\t100\nB\t100\n")
    out = tmp_path / "out"
    assert cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1").exit_code == 0
    assert any("no row for sample 'C'" in w for w in doc(out, "C")["warnings"])
    sheet.write_text("id\tpurity\nA\t100\nB\t100\nC\t30\n")
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == {"A", "B"}
    assert doc(out, "C")["genes"]["RB1"]["call"] == "homozygous_deletion"


def test_resume_regression_sheet_moved_to_another_path_recomputes(seg_cohort):
    seg, sheet, out = seg_cohort
    moved = sheet.with_name("other.tsv")
    shutil.copy(sheet, moved)
    res = cohort(seg, "--sample-sheet", moved, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == set()  # the provenance names the sheet: a result made with another file is redone


def _genes_copy(tmp_path: Path, shift: int = 0) -> Path:
    text = reference_path("hg19_genes.bed").read_text()
    if shift:
        text = text.replace("chr13\t48877882\t49056026\tRB1", f"chr13\t{48877882 + shift}\t49056026\tRB1")
    path = tmp_path / "genes.bed"
    path.write_text(text)
    return path


def _arms_copy(tmp_path: Path, edit: bool = False) -> Path:
    text = reference_path("hg19_arms.bed").read_text()
    path = tmp_path / "arms.bed"
    path.write_text(text + ("# edited\n" if edit else ""))
    return path


#: Each calling option, as (name of the regression, extra arguments). Every one must make resume redo every
#: sample it applies to (all three here) and, repeated, find them up to date.
OPTION_CHANGES = {
    "purity_option": ["--purity", "30"],
    "ploidy_option": ["--ploidy", "3"],
    "sex_option": ["--sex", "male"],
    "threshold_option": ["-t", "amp_min_cn=6"],
    "ffpe_option": ["--ffpe"],
    "allow_other_build_option": ["--allow-other-build"],
    "vcf_sample_option": ["--vcf-sample", "TUMOR"],
    "strict_option": ["--strict"],
}


@pytest.mark.parametrize("option", list(OPTION_CHANGES))
def test_resume_regression_option_changed_recomputes(seg_cohort, option):
    seg, sheet, out = seg_cohort
    extra = OPTION_CHANGES[option]
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume", *extra)
    assert res.exit_code == 0, res.output
    assert up_to_date(res) == set(), option
    again = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume", *extra)
    assert up_to_date(again) == set(SAMPLES), option
    back = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")  # the option dropped again
    assert up_to_date(back) == set(), option


def test_resume_regression_purity_option_30_gives_homozygous_deletion(seg_cohort):
    seg, sheet, out = seg_cohort
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume", "--purity", "30")
    assert up_to_date(res) == set()
    assert {doc(out, s)["genes"]["RB1"]["call"] for s in SAMPLES} == {"homozygous_deletion"}


@pytest.mark.parametrize("option", ["--genes", "--arms"])
def test_resume_regression_reference_file_option_and_its_content_recompute(seg_cohort, tmp_path, option):
    seg, sheet, out = seg_cohort
    make = _genes_copy if option == "--genes" else _arms_copy
    path = make(tmp_path)
    base = [seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume"]
    assert up_to_date(cohort(*base, option, path)) == set()  # the option given (same content as bundled: new path)
    assert up_to_date(cohort(*base, option, path)) == set(SAMPLES)
    if option == "--genes":
        make(tmp_path, shift=1000)  # same path, other content: RB1's locus moved
    else:
        make(tmp_path, edit=True)
    res = cohort(*base, option, path)
    assert res.exit_code == 0, res.output
    assert up_to_date(res) == set()


def test_resume_regression_panel_bed_and_transcripts_recompute(seg_cohort, tmp_path):
    seg, sheet, out = seg_cohort
    panel = tmp_path / "panel.bed"
    panel.write_text("chr17\t7572920\t7579950\tTP53_amplicons\n")
    base = [seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume"]
    assert up_to_date(cohort(*base, "--panel-bed", panel)) == set()
    assert up_to_date(cohort(*base, "--panel-bed", panel)) == set(SAMPLES)
    panel.write_text("chr17\t7572920\t7579950\tTP53_amplicons\nchr13\t48878000\t48879000\tRB1_amplicon\n")
    assert up_to_date(cohort(*base, "--panel-bed", panel)) == set()
    transcripts = tmp_path / "tx"
    shutil.copytree(reference_path("transcripts"), transcripts)
    assert up_to_date(cohort(*base, "--transcripts", transcripts)) == set()
    assert up_to_date(cohort(*base, "--transcripts", transcripts)) == set(SAMPLES)


def test_resume_regression_lmsgen_version_and_bundled_reference_recompute(seg_cohort, monkeypatch):
    seg, sheet, out = seg_cohort
    base = [seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume"]
    monkeypatch.setattr(rk, "__version__", "99.0")
    assert up_to_date(cohort(*base)) == set()
    assert up_to_date(cohort(*base)) == set(SAMPLES)
    refs = dict(rk.bundled_references())
    refs["hg19_cytobands.bed"] = "0" * 64  # a bundled reference file changed (a new lmsgen build of it)
    monkeypatch.setattr(rk, "bundled_references", lambda: refs)
    assert up_to_date(cohort(*base)) == set()


def test_resume_regression_data_file_changed_recomputes_its_samples(seg_cohort):
    seg, sheet, out = seg_cohort
    write_seg(seg, rb1_log2=-1.5)
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == set()
    assert doc(out, "B")["genes"]["RB1"]["call"] == "homozygous_deletion"


@pytest.mark.parametrize("missing", ["A.json"])
def test_resume_regression_missing_output_is_rewritten(seg_cohort, missing):
    seg, sheet, out = seg_cohort
    (out / missing).unlink()
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == {"B", "C"}
    assert (out / missing).is_file()


def test_resume_regression_gathered_tables_rewritten_whole_from_skipped_samples(seg_cohort):
    """The cohort's gathered tables (cohort.genes.tsv, cohort.igv.seg) hold every sample's rows after a resume
    that skipped them all, equal to the first run's (rebuilt from the JSONs), even when they were deleted."""
    seg, sheet, out = seg_cohort
    before = {n: (out / f"cohort.{n}").read_text() for n in ("genes.tsv", "igv.seg")}
    (out / "cohort.genes.tsv").unlink()
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == set(SAMPLES)
    assert {n: (out / f"cohort.{n}").read_text() for n in before} == before


def test_resume_regression_variants_of_a_skipped_folder_stay_in_the_gathered_table(tmp_path):
    series = tmp_path / "series"
    shutil.copytree(FIXTURES / "thesis_cohort" / "case01", series / "case01")
    shutil.copytree(EXAMPLES / "case6", series / "case6")
    out = tmp_path / "out"
    assert cohort(series, "--out", out, "-j", "1").exit_code == 0
    first = (out / "cohort.variants.tsv").read_text()
    assert any(line.startswith("case01\t") for line in first.splitlines())
    res = cohort(series, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == {"case01", "case6"}
    assert (out / "cohort.variants.tsv").read_text() == first


def test_resume_regression_folder_cohort_sheet_row_recomputes_only_its_folder(tmp_path):
    """Sample folders with one --sample-sheet: a row edited recomputes that folder's sample, not the others."""
    series = tmp_path / "series"
    for s in SAMPLES:
        (series / s).mkdir(parents=True)
        write_seg(series / s / f"{s}.seg", samples=(s,))
    sheet = tmp_path / "sheet.tsv"
    sheet.write_text("id\tpurity\nA\t100\nB\t100\nC\t100\n")
    out = tmp_path / "out"
    assert cohort(series, "--sample-sheet", sheet, "--out", out, "-j", "2").exit_code == 0
    sheet.write_text("id\tpurity\nA\t100\nB\t30\nC\t100\n")
    res = cohort(series, "--sample-sheet", sheet, "--out", out, "-j", "2", "--resume")
    assert up_to_date(res) == {"A", "C"}
    assert doc(out, "B")["genes"]["RB1"]["call"] == "homozygous_deletion"
    (series / "C" / "C.seg").write_text((series / "C" / "C.seg").read_text().replace("\t-1.0\n", "\t-1.5\n"))
    res = cohort(series, "--sample-sheet", sheet, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == {"A", "B"}


def test_result_key_covers_every_option_by_construction(tmp_path):
    """A new option needs no list to be kept: any value changes the key; a value the key cannot represent fails
    loudly (a test like this one catches it the day the option appears)."""
    base = {"thresholds": DEFAULT_THRESHOLDS, "genes": None, "purity": None}

    def key(options, sheet=None):
        return rk.result_key(options=options, inputs={}, source=tmp_path, sample="A", sheet=sheet)

    assert key(base) == key({**base, "thresholds": None})  # default thresholds, given or not
    assert key(base) != key({**base, "a_future_option": 1})
    assert key(base) != key({**base, "purity": 0.3})
    f = tmp_path / "x.bed"
    f.write_text("a\n")
    first = key({**base, "genes": f})
    f.write_text("b\n")
    assert key({**base, "genes": f}) != first  # a file option is keyed by its content
    with pytest.raises(TypeError, match="a_future_option"):
        key({**base, "a_future_option": object()})


def test_cohort_json_records_its_result_key_and_input(seg_cohort):
    _seg, _sheet, out = seg_cohort
    prov = doc(out, "A")["provenance"]
    assert re.fullmatch(r"[0-9a-f]{64}", prov["result_key"])
    assert prov["source"] == {"input": "batch.seg#A"}


# --- output names decided in the parent ---------------------------------------------------------------------------

def _colliding_cohort(root: Path) -> Path:
    """Folders `LMS 01`, `LMS_01`, `P-é`, `P-e`, `P-ü` (each a case2/case6 export) and a folder `batch` whose
    multi-sample .seg (split by the parent) holds `LMS/01`, `lms_01` and `P-é`."""
    series = root / "series"
    for i, name in enumerate(("LMS 01", "LMS_01", "P-é", "P-e", "P-ü")):
        shutil.copytree(EXAMPLES / ("case2" if i % 2 == 0 else "case6"), series / name)
    (series / "batch").mkdir()
    write_seg(series / "batch" / "batch.seg", samples=("LMS/01", "lms_01", "P-é"))
    return series


@pytest.mark.parametrize("split", [False, True])
def test_parallel_cohort_names_are_those_of_the_serial_run_regression_first_claim_wins(tmp_path, monkeypatch, split):
    """Output names used to be claimed by whichever worker finished first: with -j 2 two colliding samples could
    swap files from one run to the next. The parent now names every sample before dispatch."""
    import lms_genomics.cohort as cohort_mod

    if split:  # every lone file read and split by the parent, as a large one is
        monkeypatch.setattr(cohort_mod, "SPLIT_BYTES", 0)
    series = _colliding_cohort(tmp_path)
    runs = {}
    for jobs in ("1", "2", "2"):
        out = tmp_path / f"out{len(runs)}"
        res = cohort(series, "--out", out, "-j", jobs)
        assert res.exit_code == 0, res.output
        files = sorted(p.name for p in out.iterdir() if p.suffix in (".json", ".tsv", ".seg"))
        runs[len(runs)] = (files, (out / "cohort.tsv").read_text(encoding="utf-8"),
                           {p.name: doc(out, p.stem)["sample"] for p in out.glob("*.json")})
    assert runs[0] == runs[1] == runs[2]
    files, table_text, samples = runs[0]
    # inputs in path order (LMS 01, LMS_01, P-e, P-é, P-ü, batch), a file's samples in file order; a folder's
    # files are named after the folder, a multi-sample file's after its samples (+ the folder's name on collision)
    assert samples == {"LMS_01.json": "case2", "LMS_01.2.json": "case6", "P-e.json": "case6", "P-e.2.json": "case2",
                       "P-u.json": "case2", "LMS_01.batch.json": "LMS/01", "lms_01.3.json": "lms_01",
                       "P-e.batch.json": "P-é"}
    table = pd.read_csv(tmp_path / "out0" / "cohort.tsv", sep="\t", keep_default_na=False)
    by_output = dict(zip(table["outputs"], table["input"], strict=True))
    assert by_output["LMS_01"] == "LMS 01" and by_output["LMS_01.2"] == "LMS_01"
    assert by_output["P-e"] == "P-e" and by_output["P-e.2"] == "P-é" and by_output["P-u"] == "P-ü"
    assert by_output["LMS_01.batch"] == "batch/batch.seg#LMS/01" and by_output["lms_01.3"] == "batch/batch.seg#lms_01"
    assert by_output["P-e.batch"] == "batch/batch.seg#P-é"
    warned = doc(tmp_path / "out0", "LMS_01.2")["warnings"]
    assert any("output name: 'LMS_01'" in w and "'LMS_01.2'" in w for w in warned)


def test_thesis_cohort_serial_and_parallel_write_identical_tables(tmp_path):
    thesis = FIXTURES / "thesis_cohort"
    for jobs in ("1", "2"):
        assert cohort(thesis, "--out", tmp_path / jobs, "-j", jobs, "-q").exit_code == 0
    assert (tmp_path / "1" / "cohort.tsv").read_text() == (tmp_path / "2" / "cohort.tsv").read_text()
    table = pd.read_csv(tmp_path / "1" / "cohort.tsv", sep="\t")
    assert list(table.columns[:3]) == ["sample", "input", "outputs"]
    assert (table["input"] == table["outputs"]).all() and table["input"].iloc[0] == "case01"


def test_cohort_tsv_input_and_outputs_cells_keep_the_formula_rule(tmp_path):
    series = tmp_path / "series"
    shutil.copytree(EXAMPLES / "case6", series / "=1+cmd")
    out = tmp_path / "out"
    assert cohort(series, "--out", out, "-j", "1").exit_code == 0
    text = (out / "cohort.tsv").read_text()
    row = text.splitlines()[1].split("\t")
    assert row[1] == "'=1+cmd" and row[2] == "1+cmd"  # the stem starts with no formula sign: not prefixed
    html = (out / "cohort.html").read_text()
    assert '<a href="1%2Bcmd.json">1+cmd</a>' in html


def test_tcga_cohort_resume_and_a_sheet_edit(tmp_path):
    """The real TCGA SARC set: a run, two resumes (all up to date), then one sheet row's purity changed in a copy:
    exactly that sample is classified again."""
    folder = shared_path("realdata", "tcga_sarc_dev")
    seg = folder / "tcga_sarc_snp6_hg19.seg"
    sheet = tmp_path / "samples.tsv"
    shutil.copy(folder / "samples.tsv", sheet)
    out = tmp_path / "out"
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "2")
    assert res.exit_code == 0, res.output
    n = len(pd.read_csv(out / "cohort.tsv", sep="\t"))
    for _ in range(2):
        assert len(up_to_date(cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "2", "--resume"))) == n
    rows = pd.read_csv(sheet, sep="\t", dtype=str, keep_default_na=False)
    table = pd.read_csv(out / "cohort.tsv", sep="\t")
    target = table["sample"].iloc[0]
    hit = rows.index[rows["TCGA_barcode"].str.startswith(target)]
    assert len(hit) == 1
    purity_col = next(c for c in rows.columns if "purity" in c.lower())
    rows.loc[hit[0], purity_col] = "0.3"
    rows.to_csv(sheet, sep="\t", index=False)
    res = cohort(seg, "--sample-sheet", sheet, "--out", out, "-j", "2", "--resume")
    assert res.exit_code == 0, res.output
    assert set(table["sample"]) - up_to_date(res) == {target}
    assert doc(out, target)["provenance"]["copy_number_model"]["purity"] == 0.3


def test_resume_regression_output_a_new_result_lacks_is_removed_not_left_stale(tmp_path):
    """A folder whose VCF was removed: its new result has no variants, so no variant row of it is left in the
    cohort's tables; a per-sample table an earlier version wrote under its name is removed (never left beside the
    new JSON as if it were this one's)."""
    series = tmp_path / "series"
    shutil.copytree(FIXTURES / "thesis_cohort" / "case01", series / "case01")
    out = tmp_path / "out"
    assert cohort(series, "--out", out, "-j", "1").exit_code == 0
    assert (out / "cohort.variants.tsv").is_file()
    (out / "case01.variants.tsv").write_text("sample\tgene\ncase01\tTP53\n")  # as an earlier version wrote it
    (series / "case01" / "case01.TSVC_variants.vcf").unlink()
    res = cohort(series, "--out", out, "-j", "1", "--resume")
    assert up_to_date(res) == set()
    assert doc(out, "case01")["variants"] == "not_assessed"
    assert not (out / "case01.variants.tsv").exists()
    assert not (out / "cohort.variants.tsv").exists()  # no sample has variants now: no stale cohort table
