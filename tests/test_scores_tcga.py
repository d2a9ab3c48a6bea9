"""Log2 path of the genome-wide scores on real data: the TCGA sarcoma SNP6 segments with ABSOLUTE's purity and
ploidy (``../shared/realdata/tcga_sarc_dev``). The copy numbers come from ABSOLUTE's own purity/ploidy, so this
checks that avg_cn and WGD are computed consistently with that model (not an independent WGD caller): lmsgen's
WGD must equal ABSOLUTE's "genome doublings > 0" for every sample with a purity and ploidy, and avg_cn must
track ABSOLUTE's ploidy."""

from __future__ import annotations

import numpy as np
import pandas as pd
from conftest import shared_path

from lms_genomics import classify_all


def test_wgd_agrees_with_absolute_genome_doublings():
    folder = ("realdata", "tcga_sarc_dev")
    sheet = shared_path(*folder, "samples.tsv")
    truth = pd.read_csv(sheet, sep="\t")
    truth["id"] = truth["TCGA_barcode"].str[:12]
    truth = truth.dropna(subset=["purity", "ploidy", "Genome.doublings"]).set_index("id")
    got = {}
    for r in classify_all(shared_path(*folder, "tcga_sarc_snp6_hg19.seg"), sample_sheet=sheet):
        d = r.to_dict()
        if d["provenance"]["copy_number_model"]["ploidy_from"] == "sample sheet":
            got[r.sample] = d["profile"]["scores"]
    common = sorted(set(got) & set(truth.index))
    assert len(common) >= 95
    wgd = np.array([got[s]["wgd"] for s in common])
    assert (wgd == (truth.loc[common, "Genome.doublings"] > 0).to_numpy()).all()
    avg = np.array([got[s]["avg_cn"] for s in common])
    assert np.corrcoef(avg, truth.loc[common, "ploidy"].to_numpy(float))[0, 1] > 0.95
    assert {got[s]["hr_loh"] for s in common} == {"not_assessed"}  # no B-allele data: no LOH
