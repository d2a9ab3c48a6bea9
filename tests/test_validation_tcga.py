"""The TCGA sarcoma validation (validation/tcga_sarc.py): lmsgen beats CNVkit's threshold caller on the
leiomyosarcomas, and profile classes are credible per histology. Runs only with ../shared."""

from __future__ import annotations

import importlib.util

import pytest
from conftest import ROOT, shared_path


@pytest.fixture(scope="module")
def report():
    folder = shared_path("realdata", "tcga_sarc_dev")
    spec = importlib.util.spec_from_file_location("tcga_sarc", ROOT / "validation" / "tcga_sarc.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.run(folder)


def test_mean_agreement_beats_cnvkit(report):
    agree = report["agreement"]
    assert report["n_lms"] == 41
    cnvkit = agree.loc["mean", "CNVkit 0.9.14 threshold"]
    assert agree.loc["mean", "lmsgen (p=1, P=2)"] > cnvkit
    assert agree.loc["mean", "lmsgen (ABSOLUTE purity/ploidy)"] > cnvkit
    # Measured when written: 0.951 and 0.948 (CNVkit 0.919); keep the regression visible.
    assert agree.loc["mean", "lmsgen (p=1, P=2)"] == pytest.approx(0.951, abs=0.005)


def test_profile_classes_by_histology(report):
    classes = report["classes"]
    lms = classes.loc[["STLMS", "ULMS"]]
    assert lms["complex"].sum() / lms[["flat", "simple", "complex"]].sum().sum() > 0.8
    assert classes.loc["SS", "complex"] < classes.loc["SS", ["flat", "simple"]].sum()
    assert classes.loc["DDLPS", ["flat", "simple"]].sum() > 0
