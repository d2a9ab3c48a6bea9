"""The sex a sample's X and Y are read against: given, from the files' gender fields, or inferred (issue 13).

Precedence (README "Ploidy, sex and clonality"): ``--sex`` (command line) > the sample sheet's ``sex`` column > a
gender field of the files (the array's gender call: an APT/ChAS QC-table row's ``Y-gender`` or an OncoScan export's
``affymetrix-chipsummary-Y-gender-call`` header; then an Ion Reporter VCF's ``##sampleGender``/``##AssumedGender``)
> inferred from the copy-number export. Every source that
disagrees with the value used gives a warning (``--sex female`` with chrY present in the export).

Inference from a ChAS export (absolute CN states, aberrant segments only, X/Y typed against the sex ChAS assumed,
``../shared/formats/oncoscan.md`` §1.9):

* **male** when chrY segments at CN ≥ 1 cover at least ``Thresholds.sex_y_min_bp`` (a Y is present; a ChAS that
  assumed female lists it as "Gain"), whatever chrX shows;
* **female** when chrX is at two copies typed "Gain" over at least ``sex_x_min_fraction`` of it and there is no
  chrY (a ChAS that assumed male lists a female X as a gain);
* otherwise **unknown**: nothing listed on X/Y means ChAS read them at the level it assumed, which the export does
  not name; a whole X at one copy without any Y is a male with loss of Y or a female with loss of one X.

Log2 inputs are not inferred (their X/Y log2 ratios depend on the reference's sex, which the file does not name).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ..genome import CHROM_ORDER
from ..segarrays import KIND_CN, TYPE_GAIN, SegmentArrays
from ..thresholds import Thresholds
from .cleaning import KitCoverage

_X, _Y = CHROM_ORDER["chrX"], CHROM_ORDER["chrY"]
_GENDER_WORDS = {"male": "male", "m": "male", "xy": "male", "female": "female", "f": "female", "xx": "female"}


def gender_word(value: object) -> str | None:
    """``male``/``female`` of a file's gender field (``Male``, ``M``, ``XY``, ``female``...), None otherwise."""
    return _GENDER_WORDS.get(str(value or "").strip().lower())


@dataclass
class SexEvidence:
    """What the copy-number export says about the sex: the inferred value (None: undecided) and the facts."""

    value: str | None
    text: str
    y_present_bp: int = 0
    x_one_copy_fraction: float = 0.0


@dataclass
class Sex:
    """The sex used for a sample, where it came from, and the warnings of sources that disagree."""

    value: str  # female, male or unknown
    source: str
    warnings: list[str] = field(default_factory=list)
    evidence: SexEvidence | None = None

    @property
    def used(self) -> str | None:
        """The sex X/Y are read against (None: unknown, X/Y typed as the export typed them)."""
        return self.value if self.value in ("female", "male") else None

    def as_dict(self) -> dict[str, str]:
        """``provenance.sex``: ``{"value", "source"}``."""
        return {"value": self.value, "source": self.source}


def infer_sex(segments: SegmentArrays, arms: KitCoverage, thresholds: Thresholds) -> SexEvidence:
    """Sex evidence of a ChAS export's copy-number segments (module docstring)."""
    cn_rows = segments.kind == KIND_CN
    length = (segments.end - segments.start).astype(np.int64)
    on_y = cn_rows & (segments.chrom == _Y) & (segments.copy_number >= 1)
    y_bp = int(length[on_y].sum())
    x_extent = int((arms.end - arms.start)[arms.chrom == _X].sum())
    on_x = cn_rows & (segments.chrom == _X)
    x_cn = segments.copy_number[on_x]
    x_len = length[on_x]
    one = min(1.0, float(x_len[(x_cn >= 0.5) & (x_cn < 1.5)].sum() / x_extent)) if x_extent else 0.0
    two_gain = min(1.0, float(x_len[(np.abs(x_cn - 2.0) < 0.05) & (segments.type[on_x] == TYPE_GAIN)].sum()
                              / x_extent)) if x_extent else 0.0
    x_text = f"chrX at one copy over {one:.0%}" if one > 0 else "no chrX segment at one copy"
    if y_bp >= thresholds.sex_y_min_bp:
        return SexEvidence("male", f"chrY at copy number ≥ 1 over {y_bp / 1e6:.1f} Mb; {x_text}", y_bp, one)
    if two_gain >= thresholds.sex_x_min_fraction:
        return SexEvidence("female", f"chrX at two copies typed Gain over {two_gain:.0%} (ChAS assumed male), no "
                                     f"chrY", y_bp, one)
    if one >= thresholds.sex_x_min_fraction:
        return SexEvidence(None, f"{x_text} and no chrY: a male with loss of Y or a female with loss of one X",
                           y_bp, one)
    return SexEvidence(None, "no chrX/chrY segment decides it (ChAS lists only what differs from the sex it "
                             "assumed)", y_bp, one)


def decide_sex(*, given: str | None, given_source: str | None, fields: dict[str, str | None],
               evidence: SexEvidence | None) -> Sex:
    """The sex used (module docstring's precedence) with a warning for each source that disagrees with it.

    ``fields``: gender fields of the files by description (``"VCF ##sampleGender"``: ``"Male"``), raw values;
    ``evidence``: :func:`infer_sex` of a ChAS export (None for log2 inputs)."""
    named = {where: gender_word(v) for where, v in fields.items() if gender_word(v) is not None}
    if given is not None:
        value, source = given, given_source or "given"
    elif named:
        where, value = next(iter(named.items()))
        source = where
    elif evidence is not None and evidence.value is not None:
        value, source = evidence.value, f"inferred from the export: {evidence.text}"
    else:
        value = "unknown"
        source = ("not given; " + evidence.text) if evidence is not None else "not given (log2 input: not inferred)"
        return Sex(value, source, [], evidence)
    warnings = [f"sex {value} ({source}) but {where} says {other}" for where, other in named.items()
                if other != value]
    if evidence is not None and evidence.value is not None and evidence.value != value:
        what = "chrY is present in the export" if evidence.value == "male" else "the export reads as female"
        warnings.append(f"sex {value} ({source}) but {what} ({evidence.text}): X and Y are read as {value}; check "
                        f"the sex")
    return Sex(value, source, warnings, evidence)
