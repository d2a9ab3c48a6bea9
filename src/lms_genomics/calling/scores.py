"""Genome-wide scores of oncoscanR (Christinat et al.; ``R/scores.R``): average copy number and whole-genome
doubling, LST and nLST with the HRD label, HR-LOH, genomic LOH, TD and TD+, altered Mb. Research use.

Every score is computed from the cleaned segments of :mod:`lms_genomics.calling.cleaning` over a kit coverage
(by default the OncoScan na33.r2 coverage), as oncoscanR computes them; ``genome_scores`` takes plain arrays.
The definitions, with their sources:

- **avg_cn** (oncoscanR ``score_avgcn``): length-weighted mean copy number of the autosomal kit coverage; gain and
  loss segments count with their copy number rounded away from 2 (floor below 2, ceiling above: a subclonal
  2.33 counts as 3), everything else as 2; LOH and chrX/chrY are left out. Copy numbers estimated from log2
  ratios (purity/ploidy-corrected) are not rounded.
- **WGD** (``score_estwgd``; Carter et al., Nat Biotechnol 2012, PMID 22544022): one whole-genome doubling when
  avg_cn > 2.2, two when > 3.4.
- **LST** (``score_lst``; Popova et al., Cancer Res 2012, PMID 22933060): segments < 3 Mb dropped, same-copy-
  number segments < 3 Mb apart merged; per arm, the breakpoints (arm start, segment starts and ends, arm end)
  closer than 3 Mb are replaced one after the other by their midpoint; a large-scale state transition is a
  breakpoint with ≥ 10 Mb on both sides.
- **nLST** (``score_nlst``; Geneva HRD test, Christinat et al., IJGC 2022, PAOLA-1 validation): LST over the
  copy-number segments only (no LOH) minus 3.5 per WGD event (7W/2), floored at 0; **HRD positive** when
  nLST ≥ 15.
- **HR-LOH** (``score_loh``; Abkevich et al., Br J Cancer 2012, PMID 23047548): LOH and heterozygous-loss (loss
  with copy number ≥ 1) segments > 15 Mb, leaving out chromosomes whose every covered arm has an arm-level LOH
  (or every arm an arm-level heterozygous loss); touching segments of one kind and copy number are merged first.
- **gLOH** (``score_gloh``; FoundationFocus CDx BRCA LOH): fraction of the kit coverage in LOH or heterozygous-loss
  segments, leaving out arms with an arm-level LOH or heterozygous loss.
- **TD / TD+** (``score_td``; Popova et al., Cancer Res 2016, PMID 26787835): gain segments with copy number ≤ 4
  of ≤ 1 Mb (TD) and of > 1 Mb and ≤ 10 Mb (TD+, CDK12-type tandem duplicator).
- **Mb altered / Mb kit** (``score_mbalt``): bases in gain or loss segments, and bases the kit covers.

LST, HR-LOH and gLOH need LOH calls: when the input has none (log2 segments, a ChAS export without LOH rows)
they are ``"not_assessed"``; nLST, which leaves LOH out, is still computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ..intervals import union_length
from ..thresholds import Thresholds
from .cleaning import GAIN, LOH, LOSS, CleanSegments, KitCoverage, arm_fractions, clean_segments, merge_same_copy_number

#: Parts of the published score definitions (not tuning knobs): written into every result with the scores.
LST_MIN_SEGMENT = 3_000_000
"""LST: segments shorter than this are dropped and same-copy-number segments closer than this merged (bp)."""
LST_SMOOTH = 3_000_000
"""LST: breakpoints closer than this are merged to their midpoint (bp)."""
LST_FLANK = 10_000_000
"""LST: a state transition needs at least this much (bp) on both sides."""
NLST_WGD_PENALTY = 3.5
"""nLST = LST − 3.5 × (number of WGD events), i.e. 7W/2 (Geneva HRD test)."""
HR_LOH_MIN_SIZE = 15_000_000
"""HR-LOH: an LOH region counts when strictly longer than this (bp)."""
TD_MAX_CN = 4.0
"""TD/TD+: gains of at most this copy number, i.e. one or two extra copies (oncoscanR 1.5.0 counts its
"gain" subtype, 2 < CN ≤ 4: fractional ChAS states 4.33 and 4.67 are left out with the amplifications)."""
TD_MAX_SIZE = 1_000_000
"""TD: gains of at most this size (bp); TD+: gains longer than this ..."""
TD_PLUS_MAX_SIZE = 10_000_000
"""... and of at most this size (bp)."""
NO_TUMOUR_FRACTION = 0.01
"""Less than this fraction of the kit altered: oncoscanR labels the HRD result "(no tumor?)"."""

NOT_ASSESSED = "not_assessed"


def _copy_number_segments(segs: CleanSegments) -> CleanSegments:
    return segs.take((segs.kind == GAIN) | (segs.kind == LOSS))


def score_avg_cn(segs: CleanSegments, kit: KitCoverage, *, continuous: bool = False) -> float:
    """Average copy number over the autosomal kit coverage (module docstring). ``continuous``: copy numbers
    estimated from log2 ratios are taken as they are (oncoscanR's rounding away from 2 is meant for ChAS's
    discrete subclonal states; on a continuous estimate it would turn 4.0001 into 5)."""
    auto = kit.autosomal
    total = float(kit.length[auto].sum())
    cnseg = _copy_number_segments(segs)
    cnseg = cnseg.take(auto[cnseg.arm])
    if not total:
        return 2.0
    w = cnseg.width.astype(float)
    cn = cnseg.cn
    if not continuous:
        cn = np.where(cn < 2, np.floor(cn), np.where(cn > 2, np.ceil(cn), cn))
    return float((np.dot(w, cn) + 2.0 * (total - w.sum())) / total)


def wgd_events(avg_cn: float, thresholds: Thresholds) -> int:
    """Number of whole-genome doublings implied by the average copy number (0, 1 or 2)."""
    return 2 if avg_cn > thresholds.score_wgd2_avg_cn else 1 if avg_cn > thresholds.score_wgd_avg_cn else 0


def score_lst(segs: CleanSegments, kit: KitCoverage) -> int:
    """Number of large-scale state transitions (module docstring)."""
    big = segs.take(segs.width >= LST_MIN_SEGMENT)
    if not len(big):
        return 0
    m = merge_same_copy_number(big, LST_MIN_SEGMENT)
    arms = np.unique(m.arm)
    # oncoscanR's breakpoints are 1-based (start, end + 1); they are built the same way so that the rounding
    # of midpoints (half to even, as R's round) falls on the same base.
    arm_of = np.concatenate((arms, m.arm, m.arm, arms))
    pos = np.concatenate((kit.start[arms] + 1, m.start + 1, m.end + 1, kit.end[arms] + 1))
    order = np.lexsort((pos, arm_of))
    arm_of, pos = arm_of[order], pos[order]
    keep = np.concatenate(([True], (arm_of[1:] != arm_of[:-1]) | (pos[1:] != pos[:-1])))
    arm_of, pos = arm_of[keep], pos[keep]
    same, gap = arm_of[1:] == arm_of[:-1], np.diff(pos)
    # Arms without breakpoints closer than LST_SMOOTH need no smoothing: count their transitions at once.
    smooth_arms = np.unique(arm_of[1:][same & (gap < LST_SMOOTH)])
    plain = ~np.isin(arm_of, smooth_arms) if len(smooth_arms) else np.ones(len(arm_of), dtype=bool)
    n_lst = int((same[:-1] & same[1:] & (gap[:-1] >= LST_FLANK) & (gap[1:] >= LST_FLANK) & plain[1:-1]).sum())
    if not len(smooth_arms):
        return n_lst
    # The others, one breakpoint after the other as oncoscanR does, in one pass over their (arm, position) rows
    # (sorted by arm: each arm's breakpoints are contiguous).
    bp: list[int] = []
    current = None
    for a, p in zip(arm_of[~plain].tolist(), pos[~plain].tolist(), strict=True):
        if a != current:
            n_lst += _flanked(bp)
            bp, current = [], a
        if bp and p - bp[-1] < LST_SMOOTH:  # merge with the previous (possibly merged) breakpoint
            p = round((p + bp.pop()) / 2)
        bp.append(p)
    return n_lst + _flanked(bp)


def _flanked(bp: list[int]) -> int:
    """Breakpoints of one arm with at least :data:`LST_FLANK` bases to both neighbours (the first and last, the
    arm's ends, are not counted)."""
    return sum(1 for x, y, z in zip(bp[:-2], bp[1:-1], bp[2:], strict=True)
               if y - x >= LST_FLANK and z - y >= LST_FLANK)


def _arm_level(segs: CleanSegments, kit: KitCoverage, thresholds: Thresholds) -> tuple[np.ndarray, np.ndarray]:
    """Arms with an arm-level LOH, and with an arm-level heterozygous loss (boolean per kit arm)."""
    loh = arm_fractions(segs.take(segs.kind == LOH), kit) >= thresholds.arm_fraction
    hetloss = arm_fractions(segs.take((segs.kind == LOSS) & (segs.cn >= 1)), kit) >= thresholds.arm_fraction
    return loh, hetloss


def _loh_like(segs: CleanSegments) -> CleanSegments:
    return segs.take((segs.kind == LOH) | ((segs.kind == LOSS) & (segs.cn >= 1)))


def _whole_chromosome(flag: np.ndarray, kit: KitCoverage) -> np.ndarray:
    """Per arm: whether every covered arm of its chromosome is flagged."""
    n_arms = np.bincount(kit.chrom)
    n_flag = np.bincount(kit.chrom, weights=flag.astype(float), minlength=len(n_arms))
    return n_flag[kit.chrom] == n_arms[kit.chrom]


def score_hr_loh(segs: CleanSegments, kit: KitCoverage, loh_arms: np.ndarray, hetloss_arms: np.ndarray) -> int:
    """Number of HR-deficiency LOH regions (module docstring)."""
    banned = _whole_chromosome(loh_arms, kit) | _whole_chromosome(hetloss_arms, kit)
    cand = _loh_like(segs)
    cand = cand.take(~banned[cand.arm])
    merged = merge_same_copy_number(cand, 1)
    return int((merged.width > HR_LOH_MIN_SIZE).sum())


def score_gloh(segs: CleanSegments, kit: KitCoverage, loh_arms: np.ndarray, hetloss_arms: np.ndarray) -> float:
    """Genomic LOH: fraction of the kit coverage in LOH/heterozygous loss outside arm-level events."""
    cand = _loh_like(segs)
    cand = cand.take(~(loh_arms | hetloss_arms)[cand.arm])
    total = float(kit.length.sum())
    return float(cand.width.sum()) / total if total else 0.0


def score_td(segs: CleanSegments) -> tuple[int, int]:
    """(TD, TD+): small and large tandem-duplication-like gains (module docstring)."""
    gains = segs.take((segs.kind == GAIN) & (segs.cn <= TD_MAX_CN))
    w = gains.width
    return int((w <= TD_MAX_SIZE).sum()), int(((w > TD_MAX_SIZE) & (w <= TD_PLUS_MAX_SIZE)).sum())


def mb_altered(segs: CleanSegments, kit: KitCoverage) -> float:
    """Mb in gain or loss segments (their union)."""
    cnseg = _copy_number_segments(segs)
    return float(union_length(cnseg.arm, cnseg.start, cnseg.end, len(kit)).sum()) / 1e6


@dataclass(frozen=True)
class GenomeScores:
    """One sample's genome-wide scores; LOH-based ones are ``"not_assessed"`` without LOH calls."""

    avg_cn: float
    wgd: int  # number of WGD events (0, 1, 2)
    lst: int | str
    nlst: float
    hr_loh: int | str
    gloh: float | str
    td: int
    td_plus: int
    mb_altered: float
    mb_kit: float
    thresholds: dict[str, Any]

    @property
    def hrd(self) -> str:
        """``"positive"`` when nLST reaches the threshold, else ``"negative"``."""
        return "positive" if self.nlst >= self.thresholds["nlst_hrd_positive"] else "negative"

    @property
    def low_alteration(self) -> bool:
        """Less than 1% of the kit altered (oncoscanR's "no tumor?" flag)."""
        return self.mb_kit > 0 and self.mb_altered / self.mb_kit < NO_TUMOUR_FRACTION

    def as_dict(self) -> dict[str, Any]:
        """The JSON form (``profile.scores`` of the result contract)."""
        return {"research_use": True, "avg_cn": round(self.avg_cn, 4), "wgd": self.wgd > 0, "lst": self.lst,
                "nlst": self.nlst, "hrd": self.hrd, "hr_loh": self.hr_loh,
                "gloh": round(self.gloh, 6) if isinstance(self.gloh, float) else self.gloh,
                "td": self.td, "td_plus": self.td_plus, "mb_altered": round(self.mb_altered, 3),
                "mb_kit": round(self.mb_kit, 3), "thresholds": dict(self.thresholds)}


def score_thresholds(thresholds: Thresholds, kit: KitCoverage) -> dict[str, Any]:
    """Every number the scores depend on, for the result."""
    return {
        "kit_coverage": kit.path.rsplit("/", 1)[-1] if kit.path else "custom",
        "merge_gap_bp": thresholds.kit_merge_gap, "min_segment_bp": thresholds.kit_min_segment_size,
        "arm_fraction": thresholds.arm_fraction,
        "nlst_hrd_positive": thresholds.score_nlst_hrd, "nlst_wgd_penalty": NLST_WGD_PENALTY,
        "wgd_avg_cn": thresholds.score_wgd_avg_cn, "wgd2_avg_cn": thresholds.score_wgd2_avg_cn,
        "lst_min_segment_bp": LST_MIN_SEGMENT, "lst_smooth_bp": LST_SMOOTH, "lst_flank_bp": LST_FLANK,
        "hr_loh_min_bp": HR_LOH_MIN_SIZE, "td_max_cn": TD_MAX_CN, "td_max_bp": TD_MAX_SIZE,
        "td_plus_max_bp": TD_PLUS_MAX_SIZE, "no_tumour_fraction": NO_TUMOUR_FRACTION,
    }


def scores_from_clean(segs: CleanSegments, kit: KitCoverage, thresholds: Thresholds, *,
                      loh_assessed: bool = True, continuous: bool = False) -> GenomeScores:
    """Every score from already-cleaned segments (see :func:`genome_scores`)."""
    avg = score_avg_cn(segs, kit, continuous=continuous)
    w = wgd_events(avg, thresholds)
    nlst = max(0.0, score_lst(_copy_number_segments(segs), kit) - NLST_WGD_PENALTY * w)
    td, td_plus = score_td(segs)
    lst: int | str = NOT_ASSESSED
    hr_loh: int | str = NOT_ASSESSED
    gloh: float | str = NOT_ASSESSED
    if loh_assessed:
        loh_arms, hetloss_arms = _arm_level(segs, kit, thresholds)
        lst = score_lst(segs, kit)
        hr_loh = score_hr_loh(segs, kit, loh_arms, hetloss_arms)
        gloh = score_gloh(segs, kit, loh_arms, hetloss_arms)
    return GenomeScores(avg, w, lst, float(nlst), hr_loh, gloh, td, td_plus, mb_altered(segs, kit),
                        float(kit.length.sum()) / 1e6, score_thresholds(thresholds, kit))


def genome_scores(chrom: np.ndarray, start: np.ndarray, end: np.ndarray, copy_number: np.ndarray,
                  kind: np.ndarray, kit: KitCoverage, thresholds: Thresholds, *,
                  loh_assessed: bool = True, continuous: bool = False) -> GenomeScores:
    """oncoscanR's genome-wide scores of one sample from plain arrays.

    ``chrom``: chromosome codes (:func:`lms_genomics.calling.cleaning.chrom_codes`); ``start``/``end``: 0-based
    half-open; ``copy_number``: absolute copy number (ignored on LOH rows); ``kind``: GAIN, LOSS, LOH or
    NEUTRAL codes of :mod:`lms_genomics.calling.cleaning` (ChAS lists only altered segments; neutral rows of a
    log2 input are ignored). ``loh_assessed=False`` (no LOH calls in the input) makes LST, HR-LOH and gLOH
    ``"not_assessed"``; ``continuous=True`` (copy numbers estimated from log2 ratios with purity and ploidy)
    averages them unrounded.
    """
    segs = clean_segments(chrom, start, end, copy_number, kind, kit, merge_gap=thresholds.kit_merge_gap,
                          min_size=thresholds.kit_min_segment_size)
    return scores_from_clean(segs, kit, thresholds, loh_assessed=loh_assessed, continuous=continuous)
