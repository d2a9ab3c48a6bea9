"""Score lmsgen's gene calls on the TCGA sarcoma leiomyosarcomas against independent calls.

    python validation/tcga_sarc.py [../shared/realdata/tcga_sarc_dev] [--markdown report.md]

For the leiomyosarcomas (STLMS + ULMS) of ``tcga_sarc_dev`` it reports, per gene, the agreement (fraction
of samples where both say the same) of:

* RB1, TP53, PTEN, CDKN2A: lmsgen "deleted" (homozygous or heterozygous deletion) vs GISTIC 2.0
  thresholded ≤ −1, and lmsgen homozygous deletion vs ABSOLUTE ``<GENE>_homdel`` (samples with an
  ABSOLUTE call only);
* MYOCD: lmsgen amplification (≥ 5 copies) vs GISTIC 2 (high-level gain);

and their mean, once without purity/ploidy (p = 1, P = 2) and once with the sample sheet's ABSOLUTE purity
and ploidy (and, with ``--purity P``, once more with that purity for every sample, as a pathologist's estimate
would be given). ABSOLUTE is the truth for homozygous deletions: the homozygous deletions lmsgen calls that
ABSOLUTE does not (false) and the ABSOLUTE ones lmsgen finds (true) are counted per gene.
It also gives the profile class distribution per histology over every sample of the file.
Default thresholds throughout: no per-sample tuning. Not a test (no timing); ``tests/test_validation_tcga.py``
runs it and checks the scores stay above CNVkit's.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from lms_genomics.sample import classify_all

LMS = ("STLMS", "ULMS")
TSG = ("RB1", "TP53", "PTEN", "CDKN2A")
#: CNVkit 0.9.14 threshold caller on the same samples (issue #3): import-seg + call -m threshold.
CNVKIT = {"RB1_del": 0.93, "RB1_homdel": 0.95, "TP53_del": 0.90, "TP53_homdel": 0.97, "PTEN_del": 0.93,
          "PTEN_homdel": 0.88, "CDKN2A_del": 0.88, "CDKN2A_homdel": 1.00, "MYOCD_amp": 0.83}


def _truth(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    samples = pd.read_csv(folder / "samples.tsv", sep="\t")
    samples["id"] = samples["TCGA_barcode"].str[:12]
    gistic = pd.read_csv(folder / "gistic_thresholded_by_genes.tsv", sep="\t")
    gistic["id"] = gistic["Sample"].str[:12]
    absolute = pd.read_csv(folder / "absolute_tsg_calls.tsv", sep="\t", dtype=str)
    absolute["id"] = absolute["Sample"].str[:12]
    return samples.set_index("id"), gistic.set_index("id"), absolute.set_index("id")


def gene_calls(folder: Path, with_purity: bool, purity: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """lmsgen calls for every sample of the file: (calls per sample x gene, profile per sample); ``purity``: one
    purity for every sample (overrides the sheet's)."""
    seg = folder / "tcga_sarc_snp6_hg19.seg"
    sheet = folder / "samples.tsv" if with_purity else None
    results = classify_all(seg, sample_sheet=sheet, purity=purity)
    calls = pd.DataFrame({r.sample: r.genes.set_index("gene")["call"] for r in results}).T
    profiles = pd.DataFrame([{"id": r.sample, **r.profile.as_dict()} for r in results]).set_index("id")
    return calls, profiles


def agreements(calls: pd.DataFrame, samples: pd.DataFrame, gistic: pd.DataFrame,
               absolute: pd.DataFrame) -> pd.Series:
    """The nine agreements on the leiomyosarcomas."""
    lms = samples.index[samples["short_histo"].isin(LMS)].intersection(calls.index)
    out = {}
    for gene in TSG:
        ours_del = calls.loc[lms, gene].isin(["homozygous_deletion", "heterozygous_deletion"])
        g = gistic.reindex(lms)[gene]
        ok = g.notna()
        out[f"{gene}_del"] = float((ours_del[ok] == (g[ok] <= -1)).mean())
        a = absolute.reindex(lms)[f"{gene}_homdel"]
        ok = a.notna() & (a != "no call")
        ours_hom = calls.loc[lms, gene] == "homozygous_deletion"
        out[f"{gene}_homdel"] = float((ours_hom[ok] == (a[ok] != "False")).mean())
    g = gistic.reindex(lms)["MYOCD"]
    ok = g.notna()
    out["MYOCD_amp"] = float(((calls.loc[lms, "MYOCD"] == "amplification")[ok] == (g[ok] == 2)).mean())
    s = pd.Series(out)
    s["mean"] = float(s.mean())
    return s


def homdel_counts(calls: pd.DataFrame, samples: pd.DataFrame, absolute: pd.DataFrame) -> pd.Series:
    """Per tumour suppressor, on the leiomyosarcomas with an ABSOLUTE call: homozygous deletions lmsgen calls that
    ABSOLUTE does not (``<GENE> homdel not in ABSOLUTE``) and ABSOLUTE homozygous deletions lmsgen calls too
    (``<GENE> ABSOLUTE homdel found``, as "k/n")."""
    lms = samples.index[samples["short_histo"].isin(LMS)].intersection(calls.index)
    out: dict[str, object] = {}
    for gene in TSG:
        a = absolute.reindex(lms)[f"{gene}_homdel"]
        ok = a.notna() & (a != "no call")
        ours = calls.loc[lms, gene][ok] == "homozygous_deletion"
        truth = a[ok] != "False"
        out[f"{gene} homdel not in ABSOLUTE"] = int((ours & ~truth).sum())
        out[f"{gene} ABSOLUTE homdel found"] = f"{int((ours & truth).sum())}/{int(truth.sum())}"
    return pd.Series(out, dtype=object)


def run(folder: Path, purity: float | None = None) -> dict[str, object]:
    """Both scorings (and one at ``purity`` for every sample), the CNVkit reference, the homozygous deletions
    against ABSOLUTE and the class distribution per histology."""
    samples, gistic, absolute = _truth(folder)
    table = {}
    profiles = {}
    homdels = {}
    runs = [("lmsgen (p=1, P=2)", False, None), ("lmsgen (ABSOLUTE purity/ploidy)", True, None)]
    if purity is not None:
        runs.append((f"lmsgen (purity {purity:g} for all)", False, purity))
    for label, with_purity, p in runs:
        calls, prof = gene_calls(folder, with_purity, p)
        table[label] = agreements(calls, samples, gistic, absolute)
        homdels[label] = homdel_counts(calls, samples, absolute)
        profiles[label] = prof
    cnvkit = pd.Series(CNVKIT)
    cnvkit["mean"] = float(cnvkit.mean())
    table["CNVkit 0.9.14 threshold"] = cnvkit
    n_lms = int(samples["short_histo"].isin(LMS).sum())
    prof = profiles["lmsgen (p=1, P=2)"].join(samples["short_histo"])
    classes = pd.crosstab(prof["short_histo"], prof["class"]).reindex(columns=["flat", "simple", "complex"],
                                                                          fill_value=0)
    median_a = prof.groupby("short_histo")["anomalies"].median()
    classes["median A"] = median_a
    return {"agreement": pd.DataFrame(table), "classes": classes, "n_lms": n_lms,
            "homdel": pd.DataFrame(homdels)}


def to_markdown(res: dict[str, object]) -> str:
    """Markdown report of :func:`run`."""
    agree: pd.DataFrame = res["agreement"]  # type: ignore[assignment]
    classes: pd.DataFrame = res["classes"]  # type: ignore[assignment]
    lines = [f"Leiomyosarcomas scored: {res['n_lms']}", "", "| comparison | " + " | ".join(agree.columns) + " |",
             "|---|" + "---|" * len(agree.columns)]
    for idx, row in agree.iterrows():
        lines.append(f"| {idx} | " + " | ".join(f"{v:.3f}" for v in row) + " |")
    homdel: pd.DataFrame = res["homdel"]  # type: ignore[assignment]
    lines += ["", "Homozygous deletions against ABSOLUTE (leiomyosarcomas with an ABSOLUTE call):", "",
              "| count | " + " | ".join(homdel.columns) + " |", "|---|" + "---|" * len(homdel.columns)]
    for idx, row in homdel.iterrows():
        lines.append(f"| {idx} | " + " | ".join(str(v) for v in row) + " |")
    lines += ["", "Profile class per histology (all samples, p=1, P=2):", "",
              "| histology | " + " | ".join(classes.columns) + " |", "|---|" + "---|" * len(classes.columns)]
    for idx, row in classes.iterrows():
        lines.append(f"| {idx} | " + " | ".join(f"{v:g}" for v in row) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", nargs="?", type=Path,
                        default=Path(__file__).resolve().parents[2] / "shared" / "realdata" / "tcga_sarc_dev")
    parser.add_argument("--markdown", type=Path, help="also write the report to this file")
    parser.add_argument("--purity", type=float, default=None,
                        help="also score with this purity for every sample (fraction, or % above 1)")
    args = parser.parse_args(argv)
    if not (args.folder / "tcga_sarc_snp6_hg19.seg").exists():
        print(f"validation: {args.folder} holds no tcga_sarc_snp6_hg19.seg", file=sys.stderr)
        return 2
    purity = args.purity / 100.0 if args.purity is not None and args.purity > 1 else args.purity
    text = to_markdown(run(args.folder, purity))
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
