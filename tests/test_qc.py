"""QC verdict rules: each check passes, fails with its reason, or is not assessed (never silently passed)."""

from __future__ import annotations

from lms_genomics.calling.qc import qc_verdict
from lms_genomics.thresholds import Thresholds

T = Thresholds()


def test_nothing_measured_is_not_assessed_never_passed():
    # issue 15: a verdict with no check made was "pass"; it is "not_assessed"
    v = qc_verdict({}, T)
    assert v["verdict"] == "not_assessed" and v["reasons"] == []
    assert set(v["checks"].values()) == {"not_assessed"}


def test_each_failure_gives_its_reason():
    v = qc_verdict({"mapd": 0.42, "segments": 3000, "vcf_median_depth": 35.0}, T)
    assert v["verdict"] == "fail"
    assert v["checks"] == {"mapd": "fail", "segmentation": "fail", "sequencing_depth": "fail"}
    text = " ".join(v["reasons"])
    assert "MAPD 0.420 > 0.3" in text and "3000 copy-number segments" in text and "depth 35 < 100" in text


def test_boundaries_pass():
    v = qc_verdict({"mapd": 0.3, "segments": 2500, "vcf_median_depth": 100.0}, T)
    assert v["verdict"] == "pass"


def test_thresholds_are_configurable():
    v = qc_verdict({"mapd": 0.35}, T.with_overrides(qc_max_mapd=0.4))
    assert v["verdict"] == "pass"
