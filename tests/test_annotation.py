"""lmsgen's own annotation (issue 12): HGVS c./p., consequence, exon/intron on the bundled RefSeq models, and its
agreement with Ion Reporter FUNC on every real annotated record we can find."""

from __future__ import annotations

import glob
import shutil

import pytest
from conftest import FIXTURES, ROOT, SHARED, shared_path

from lms_genomics.calling.annotation import (
    annotate_allele,
    load_transcripts,
    normalise_hgvs,
    revcomp,
    same_hgvs,
    translate,
)
from lms_genomics.calling.variants import annotate_variants
from lms_genomics.errors import ReferenceFileError
from lms_genomics.io.vcf import read_vcf

TS = load_transcripts()
RAW = FIXTURES / "variants" / "raw_tvc_issue12.vcf"


def ann(chrom, pos, ref, alt, **kw):
    a = annotate_allele(TS, chrom, pos, ref, alt, **kw)
    assert a is not None
    return a


# ------------------------------------------------------------------------------------------ the issue's anchors


def test_raw_tvc_without_func_gets_lmsgen_annotation_for_the_issue_anchors():
    v = annotate_variants(read_vcf(RAW).variants).set_index("norm_pos")
    m246v = v.loc[7577545]
    assert (m246v.hgvs_c, m246v.hgvs_p, m246v.consequence) == ("c.736A>G", "p.(Met246Val)", "missense")
    assert m246v.classification == "damaging" and m246v.damaging and m246v.reportable
    assert m246v.annotation_source == "lmsgen NM_000546.5" and m246v.transcript == "NM_000546.5" and m246v.exon == 7
    s241f = v.loc[7577559]
    assert (s241f.hgvs_c, s241f.hgvs_p) == ("c.722C>T", "p.(Ser241Phe)")
    assert s241f.ffpe_artefact and s241f.reportable and s241f.damaging  # flagged, never dropped
    assert any("FFPE deamination" in n and "confirm" in n for n in s241f.notes)
    p72r = v.loc[7579472]
    assert (p72r.hgvs_c, p72r.hgvs_p) == ("c.215C>G", "p.(Pro72Arg)")
    assert p72r.polymorphism and p72r.classification == "polymorphism" and not p72r.damaging and not p72r.reportable
    assert p72r.rsid == "rs1042522" and "homozygous germline" in p72r.germline_hint
    r251 = v.loc[48936983]
    assert (r251.gene, r251.hgvs_c, r251.hgvs_p, r251.consequence) == ("RB1", "c.751C>T", "p.(Arg251*)", "nonsense")
    assert r251.damaging and r251.exon == 8
    t125 = v.loc[7579312]
    assert (t125.hgvs_c, t125.hgvs_p, t125.consequence) == ("c.375G>A", "p.(Thr125=)", "splice_donor_exon_end")
    assert t125.effect == "splice" and t125.damaging
    assert any("last base of exon 4" in n for n in t125.notes)
    kras = v.loc[25398284]  # NOCALL hotspot with 0 reads: annotated, but no FFPE flag and not reportable
    assert not kras.ffpe_artefact and not kras.reportable and kras.hgvs_p == "p.(Gly12Asp)"


# ------------------------------------------------------------------------------------------ HGVS rules


@pytest.mark.parametrize("variant, c, p, consequence", [
    # minus-strand TP53: substitutions, canonical splice sites, UTRs
    (("chr17", 7577120, "C", "T"), "c.818G>A", "p.(Arg273His)", "missense"),
    (("chr17", 7579311, "C", "T"), "c.375+1G>A", "p.?", "splice_donor"),
    (("chr17", 7578555, "C", "T"), "c.376-1G>A", "p.?", "splice_acceptor"),
    (("chr17", 7572927, "T", "G"), "c.1182A>C", "p.(*394Cysext*9)", "stop_lost"),
    # deletions/insertions: 3' rule in transcript orientation (TP53 c.214-216 is CCC)
    (("chr17", 7579472, "G", "-"), "c.216del", "p.(Val73Trpfs*50)", "frameshift"),
    (("chr17", 7579472, "-", "G"), "c.216dup", "p.(Val73Argfs*76)", "frameshift"),
    (("chr17", 7579471, "-", "GGG"), "c.214_216dup", "p.(Pro72dup)", "inframe_insertion"),
    (("chr17", 7579470, "CGG", "-"), "c.215_217del", "p.(Pro72_Val73delinsLeu)", "inframe_delins"),
    # plus-strand genes
    (("chr7", 55242465, "GGAATTAAGAGAAGC", "-"), "c.2235_2249del", "p.(Glu746_Ala750del)", "inframe_deletion"),
    (("chr7", 55259515, "T", "G"), "c.2573T>G", "p.(Leu858Arg)", "missense"),
    (("chr10", 89692904, "C", "T"), "c.388C>T", "p.(Arg130*)", "nonsense"),
    (("chr3", 178952085, "A", "G"), "c.3140A>G", "p.(His1047Arg)", "missense"),
    # minus-strand oncogenes
    (("chr12", 25398284, "C", "T"), "c.35G>A", "p.(Gly12Asp)", "missense"),
    (("chr7", 140453136, "A", "T"), "c.1799T>A", "p.(Val600Glu)", "missense"),
    (("chr1", 115256530, "G", "T"), "c.181C>A", "p.(Gln61Lys)", "missense"),
    (("chr10", 43613843, "T", "G"), "c.2307T>G", "p.(Leu769=)", "synonymous"),
])
def test_hgvs_and_consequence(variant, c, p, consequence):
    a = ann(*variant)
    assert (a.hgvs_c, a.hgvs_p, a.consequence) == (c, p, consequence)


def test_intronic_utr_and_upstream_numbering():
    a = ann("chr17", 7590000, "T", "C")  # TP53 intron 1 (5' UTR intron)
    assert a.hgvs_c.startswith("c.-29+") and a.consequence == "intronic" and a.intron == 1
    assert ann("chr17", 7590868, "G", "A").consequence == "5_prime_UTR"
    assert ann("chr17", 7571700, "A", "G").consequence == "downstream"


def test_intronic_indel_without_bundled_sequence_says_so():
    # RB1 intron 16: no genomic slice for RB1, the 3' shift cannot be checked
    a = ann("chr13", 48955001, "A", "-")
    assert a.consequence == "intronic" and a.hgvs_c.endswith("del")
    assert any("not bundled" in n for n in a.notes)


def test_tp53_intronic_deletion_is_shifted_on_the_genomic_slice():
    # TP53 introns are bundled (genomic slice): the shift runs and no 'not bundled' note is written
    a = ann("chr17", 7579700, "G", "-")
    assert not any("not bundled" in n for n in a.notes)


def test_ref_from_the_vcf_where_refseq_differs_from_grch37():
    a = ann("chr11", 108183167, "A", "G")
    assert (a.hgvs_c, a.hgvs_p) == ("c.5948A>G", "p.(Asn1983Ser)")
    assert any("the RefSeq mRNA carries G at c.5948 where GRCh37 has A" in n for n in a.notes)
    wrong = ann("chr17", 7577545, "G", "C")  # REF that matches neither strand's reference
    assert any("VCF REF G differs from the reference" in n for n in wrong.notes)


def test_indel_longer_than_50_bases_is_not_annotated():
    a = ann("chr17", 7577500, "A" * 60, "-")
    assert a.hgvs_c is None and "longer than 50" in a.notes[0]


def test_models_translate_to_the_reference_proteins():
    lengths = {g: len(translate(t.seq[t.cds_start_tx - 1:t.cds_end_tx])) - 1 for g, t in TS.transcripts.items()}
    assert (lengths["TP53"], lengths["RB1"], lengths["PTEN"], lengths["CDKN2A"]) == (393, 928, 403, 156)
    assert len(TS.transcripts) == 20 and revcomp("ACGTN") == "NACGT"


def test_normalised_hgvs_comparison():
    assert same_hgvs("p.Met246Val", "p.(Met246Val)") and same_hgvs("p.Arg213Ter", "p.(Arg213*)")
    assert same_hgvs("c.2235_2249delGGAATTAAGAGAAGC", "c.2235_2249del") and same_hgvs("p.=", "p.(Thr125=)")
    assert not same_hgvs("c.736A>G", "c.737A>G") and normalise_hgvs(None) is None


# ------------------------------------------------------------------------------------------ agreement with FUNC


def _func_agreement(paths: list[str]) -> tuple[int, int, list[str]]:
    """(records whose FUNC names a transcript we carry, of which agree, disagreement lines): lmsgen's annotation is
    computed from the allele alone (FUNC removed) and compared with FUNC's c., p. and exon."""
    carried = agree = 0
    bad: list[str] = []
    for path in paths:
        try:
            res = read_vcf(path)
        except Exception:  # noqa: BLE001 - not a small-variant VCF; nothing to compare
            continue
        for r in res.variants.to_dict("records"):
            model = TS.by_accession(r["transcript"]) if r.get("transcript") else None
            if model is None or not (r.get("hgvs_c") or r.get("hgvs_p")):
                continue
            carried += 1
            own = annotate_allele(TS, r["chrom"], int(r["norm_pos"]), r["norm_ref"], r["norm_alt"], transcript=model)
            ok = own is not None and (not r["hgvs_c"] or same_hgvs(r["hgvs_c"], own.hgvs_c)) and (
                not r["hgvs_p"] or same_hgvs(r["hgvs_p"], own.hgvs_p))
            if ok:
                agree += 1
            else:
                bad.append(f"{path}:{r['source_line']} FUNC {r['hgvs_c']} {r['hgvs_p']} vs lmsgen "
                           f"{own and own.hgvs_c} {own and own.hgvs_p}")
    return carried, agree, bad


def test_every_real_annotated_vcf_in_shared_agrees_with_func(capsys):
    shared_path("formats", "examples", "vcf")
    paths = sorted(glob.glob(str(SHARED / "formats/examples/vcf/**/*.vcf"), recursive=True)
                   + glob.glob(str(SHARED / "formats/examples/field/vcf/*.vcf")))
    carried, agree, bad = _func_agreement(paths)
    with capsys.disabled():
        print(f"\nFUNC agreement, real VCFs in ../shared ({len(paths)} files): {agree}/{carried} records whose FUNC "
              "names a transcript lmsgen carries agree on c. and p.")
    assert not bad, bad
    assert agree == carried


def test_func_records_of_the_project_fixtures_agree(capsys):
    paths = sorted(glob.glob(str(FIXTURES / "vcf" / "*.vcf")) + glob.glob(str(FIXTURES / "thesis_cohort/*/*.vcf")))
    carried, agree, bad = _func_agreement(paths)
    with capsys.disabled():
        print(f"\nFUNC agreement, project fixtures: {agree}/{carried}")
    assert not bad and carried >= 7


def test_public_ion_reporter_func_record_agrees():
    # FUNC of a real Ion Reporter record quoted in a public repository (find_string index id 44240878839):
    # origPos 25398284 C>T, NM_033360.4, coding c.35G>A, protein p.Gly12Asp, exon 2.
    a = ann("chr12", 25398284, "C", "T")
    assert same_hgvs(a.hgvs_c, "c.35G>A") and same_hgvs(a.hgvs_p, "p.Gly12Asp") and a.exon == 2


def test_func_is_kept_and_a_disagreement_recorded():
    from test_variants import table, variant

    v = annotate_variants(table(variant(hgvs_c="c.737A>G", hgvs_p="p.Met246Val")))
    row = v.iloc[0]
    assert row.annotation_source == "FUNC" and row.hgvs_c == "c.737A>G"  # FUNC's kept
    assert "c.: FUNC c.737A>G, lmsgen c.736A>G" in row.annotation_disagreement


# ------------------------------------------------------------------------------------------ malformed models


def test_malformed_transcript_file_names_file_and_line(tmp_path):
    bad = FIXTURES / "variants" / "bad" / "transcripts_bad_cigar"
    with pytest.raises(ReferenceFileError) as exc:
        load_transcripts(bad)
    assert exc.value.line == 5 and exc.value.path.endswith("hg19_transcripts.tsv") and "cigar" in exc.value.reason
    with pytest.raises(ReferenceFileError, match="missing file"):
        load_transcripts(tmp_path)
    d = tmp_path / "t"
    shutil.copytree(ROOT / "reference" / "transcripts", d)
    (d / "hg19_transcripts.fa").write_text(">NM_000546.5\nACGTXX\n")
    with pytest.raises(ReferenceFileError) as exc:
        load_transcripts(d)
    assert exc.value.line == 2 and "not a DNA sequence line" in exc.value.reason
