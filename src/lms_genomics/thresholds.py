"""Every threshold lmsgen uses, in one object; each default explains its reasoning.

A :class:`Thresholds` is written whole into every result's provenance, so a call can always be traced
to the numbers that made it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from .errors import UsageError


@dataclass(frozen=True)
class Thresholds:
    """Calling and profiling thresholds (copy numbers are absolute, per cell)."""

    homdel_max_cn: float = 1.0
    """Homozygous deletion when the minimum copy number over the gene is **below** this.

    OncoScan/ChAS report sub-clonal nullisomy as fractional states (0.33, 0.67); oncoscanR, PCGR and
    CNVkit's 'ampdel' all call CN < 1 homozygous loss."""

    amp_min_cn: float = 5.0
    """Amplification when the maximum copy number over the gene is **at least** this (CNVkit ampdel,
    oncoscanR and PCGR agree on 5). Between the normal level and this, the gene is 'gain'."""

    neutral_tolerance: float = 0.0
    """ChAS CN states within this distance of the normal level (2 on autosomes) count as neutral.

    0: ChAS CN states are already discrete calls of the array software."""

    log2_loss: float = -0.1
    """Log2-ratio inputs (.seg/.cns): a segment below this log2 ratio is a loss (heterozygous deletion
    unless its copy number is below ``homdel_max_cn``). −0.1 is GISTIC 2.0's default deletion threshold:
    log2 ratios are relative to the tumour's own ploidy and diluted by normal cells, so a clonal one-copy
    loss at 50% purity reads only −0.42 and a subclonal one far less."""

    log2_gain: float = 0.1
    """Log2-ratio inputs: a segment above this log2 ratio is a gain (amplification from ``amp_min_cn``);
    GISTIC 2.0's default amplification threshold."""

    log2_homdel: float = 0.0
    """Log2-ratio inputs: a homozygous deletion also needs a raw log2 ratio below this (0: no extra bound by
    default; the ``cnvkit`` preset of ``--log2-thresholds`` sets CNVkit's −1.1, ``cnvkit.py call -m threshold``'s
    0-copy cut-off). Always applied together with ``log2_homdel_upper_purity``."""

    log2_homdel_upper_purity: float = 0.9
    """Log2-ratio inputs (purity guardrail): a homozygous deletion from the purity-rescaled copy number also needs a
    raw log2 ratio below the log2 a clonal one-copy loss would give at this (plausible upper) purity and the
    sample's ploidy: ``log2((u(P−1) + 2(1−u)) / (uP + 2(1−u)))``, −0.86 at u = 0.9, P = 2. A raw log2 that a
    one-copy loss of a purer tumour explains is no evidence of a homozygous deletion, whatever purity was given: at
    a stated purity of 0.5 a segment at −0.6 rescales to 0.64 copies, but a one-copy loss at purity 0.8 reads −0.74.
    The rule is the rescaling formula (DESIGN §2) read backwards; CNVkit's threshold caller puts 0 copies below
    −1.1, the u = 1 bound (−1.0) with a noise margin. 0.9 was chosen on the TCGA development half
    (``validation/tcga_sarc.py --purity 0.5``, ABSOLUTE homozygous deletions as the truth): with 0.9 no RB1 call
    ABSOLUTE does not make at purity 0.5 (24 before the guardrail) and every ABSOLUTE RB1 homozygous deletion kept;
    1.0 also lost a true PTEN one at ABSOLUTE's own purity, 0.8 left 7 RB1 false ones at purity 0.5."""

    log2_low_purity: float = 0.3
    """Log2-ratio inputs: a purity below this is warned about (each copy lost moves the log2 ratio by less than
    ~0.2, within segmentation noise, and the rescaled copy numbers become unstable)."""

    log2_max_fraction_cn_zero: float = 0.05
    """Log2-ratio inputs: when the purity/ploidy makes more than this fraction of the segmented genome rescale to a
    copy number ≤ 0, the purity is too low for the data (or the ploidy is wrong): warned about."""

    homdel_arm_fraction: float = 0.9
    """A "homozygous deletion" covering at least this fraction of an arm (ChAS or log2) carries a plausibility
    warning: losing both copies of a whole arm removes essential genes and is rarely viable (a deep whole-arm
    log2 more often means a one-copy loss with a wrong purity or baseline; issue 13: rCGH's whole-arm
    log2 ≈ −1.5 was called homozygous deletion). Same fraction as ``arm_fraction``."""

    min_segment_markers: int = 10
    """Log2-ratio inputs: segments with fewer markers are treated as noise (germline CNV, probe
    artefacts) and take no part in gene calls or the profile; genes they overlap say so in their notes.
    Not applied to ChAS exports, whose segments are already curated calls."""

    min_anomaly_size: int = 300_000
    """Segments shorter than this (bp) are not counted as profile anomalies. 300 kb is OncoScan's
    resolution in oncoscanR ('kit resolution'); gene calls still use every segment and say when the
    deciding one fell under this floor."""

    log2_min_anomaly_size: int = 1_000_000
    """Log2-ratio inputs: the size floor of a profile anomaly (bp). Log2 segmentations of dense arrays (SNP6,
    1.8 M probes) resolve many sub-megabase germline and subclonal shifts that ChAS would not report;
    1 Mb is the resolution at which the aCGH genomic index was defined. Gene calls are not affected."""

    log2_anomaly: float = 0.25
    """Log2-ratio inputs: a segment counts as a profile anomaly only when |log2| ≥ this (the cut-off a
    published LMS OncoScan study applied to ChAS log2 ratios). One rule per input: the profile and the arm-level
    events of a log2 input count only these segments (a stricter subset of the calls); weaker shifts beyond
    ``log2_loss``/``log2_gain`` still make gene calls, flagged ``low_level`` with a note. A CNVkit ``.cns`` that
    went through ``cnvkit.py call`` (a ``cn`` column) uses CNVkit's own copy numbers instead, for everything."""

    min_anomaly_markers: int = 0
    """Segments with fewer markers than this are not counted as anomalies (0 = no marker floor)."""

    merge_gap: int = 300_000
    """Neighbouring segments of the same state closer than this (bp) are merged before counting."""

    arm_fraction: float = 0.9
    """An arm-level event covers at least this fraction of the arm's assessed extent (oncoscanR ≥ 1.0:
    90%, Christinat et al., J Mol Diagn 2021)."""

    kit_merge_gap: int = 300_000
    """Arm-level events and genome-wide scores: segments of one kind and copy number closer than this (bp) are
    merged on each arm before anything is counted (oncoscanR ``merge_segments``, kit.resolution = 300 kb: the
    genome-wide resolution of OncoScan outside its cancer genes; Christinat et al., J Mol Diagn 2021)."""

    kit_min_segment_size: int = 300_000
    """Arm-level events and genome-wide scores: after that merge, segments shorter than this (bp) are dropped
    (oncoscanR ``prune_by_size``, the same 300 kb OncoScan resolution)."""

    score_nlst_hrd: float = 15.0
    """Genome-wide scores (research use): HRD "positive" when nLST ≥ this. The Geneva HRD test's cut-off,
    validated on 469 high-grade ovarian cancers of the PAOLA-1 trial (Christinat et al., Int J Gynecol Cancer
    2022;32:A238; oncoscanR ``score_nlst`` default). Not validated in leiomyosarcoma."""

    score_wgd_avg_cn: float = 2.2
    """Genome-wide scores: one whole-genome doubling when the average copy number is above this; tumours with one
    WGD had a ploidy between 2.2 and 3.4 in Carter et al.'s pan-cancer ABSOLUTE analysis (Nat Biotechnol 2012,
    PMID 22544022; oncoscanR ``score_estwgd``). Each WGD event lowers nLST by 3.5."""

    score_wgd2_avg_cn: float = 3.4
    """Genome-wide scores: two whole-genome doublings when the average copy number is above this (same source)."""

    ploidy_baseline_min_avg_cn: float = 2.5
    """Baseline ploidy (ChAS inputs without a ploidy from the command line or the sample sheet): the tumour's own
    average copy number (``profile.scores.avg_cn``, oncoscanR ``score_avgcn``) becomes the baseline when the
    genome-wide scores report a whole-genome doubling (average > ``score_wgd_avg_cn``) **and** the average is at
    least this. 2.5 is halfway between the diploid and triploid levels: below it the nearest whole copy number is
    still 2, so re-basing would only relabel a diploid genome with many gains; from it the most common level of a
    doubled genome is 3 or more (Carter et al. 2012: one WGD gives ploidy 2.2-3.4). Gene and segment states are
    then read against the nearest whole copy number of the baseline ("relative loss to ploidy 3"); the absolute
    copy numbers are kept and shown."""

    amp_ploidy_factor: float = 2.5
    """Amplification also needs a copy number of at least this multiple of the baseline ploidy, besides
    ``amp_min_cn`` (PCGR's combined rule: CN ≥ 5 and ≥ 2.5 × ploidy; Hartwig PURPLE uses 3 × ploidy). At ploidy 2
    the rule is CN ≥ 5, as before; in a triploid genome CN 5-7 is a "high-copy gain", not an amplification."""

    focal_max_size: int = 10_000_000
    """A gene call is ``focal`` when its deciding segment is at most this long (bp): 10 Mb, the focal/broad
    boundary of amplifications in PCGR and of focal events in GISTIC-style analyses (arm-level events are
    tens of Mb)."""

    sex_y_min_bp: int = 1_000_000
    """Sex inference (ChAS exports): chrY segments at copy number ≥ 1 over at least this many bases mean a Y
    chromosome is present (male). OncoScan has few chrY markers; the 14-CJ export lists 8.2 Mb of chrY at CN 1,
    typed "Gain" by a ChAS that assumed female. 1 Mb keeps a stray single-probe call from deciding the sex."""

    sex_x_min_fraction: float = 0.8
    """Sex inference (ChAS exports): chrX counts as at one copy (the male, hemizygous level: half the
    autosomal two-copy level) or at two copies typed "Gain" (a female read by a ChAS that assumed male) when
    segments at that level cover at least this fraction of chrX. Used as support for, or against, chrY."""

    simple_max_anomalies: int = 10
    """Profile class: flat when A = 0, simple when 1 ≤ A ≤ this, complex above it."""

    include_sex_chromosomes: bool = False
    """Count anomalies on chrX/chrY in A, C, GI and FGA (off by default: their baseline depends on sex)."""

    variant_min_depth: int = 20
    """Variants: minimum depth (FDP) of a reportable allele; just above TVC's CHP2 floors (6 SNV, 15 indel).
    See :mod:`lms_genomics.calling.variants` for the reasoning."""

    variant_min_vaf: float = 0.02
    """Variants: minimum allele fraction (TVC CHP2 snp_min_allele_freq); keeps a real 6% TP53 missense."""

    variant_max_pop_af: float = 0.01
    """Variants: a population minor-allele frequency at or above this marks a polymorphism (excluded from
    calls), applied only when the file carries the frequency."""

    variant_min_alt_reads: int = 5
    """Variants: minimum reads carrying the allele (FAO, else AO) for a reportable allele. Five reads is the usual
    amplicon-panel floor below which a call cannot be told from polymerase and deamination errors; the per-variant
    limit of detection is this number divided by the depth (``limit_of_detection``)."""

    variant_ffpe: bool = False
    """Variants: FFPE mode (``--ffpe``): ``variant_ffpe_min_alt_reads`` replaces ``variant_min_alt_reads``, because
    formalin deamination makes low-read C:G>T:A changes common in archival tissue."""

    variant_ffpe_min_alt_reads: int = 10
    """Variants: minimum alt reads in FFPE mode (twice the default floor)."""

    variant_ffpe_artefact_max_vaf: float = 0.10
    """Variants: a C:G>T:A SNV below this allele fraction is flagged as a possible FFPE deamination artefact and a
    confirmation is recommended (never dropped: the thesis' 6 % TP53 p.Ser241Phe is such a change and is real)."""

    variant_germline_het_min_vaf: float = 0.40
    """Variants: at a dbSNP site (rs ID without a COSMIC ID) or a known polymorphism, an allele fraction between this
    and ``variant_germline_het_max_vaf`` hints a heterozygous germline variant (VAF ≈ 0.5)."""

    variant_germline_het_max_vaf: float = 0.60
    """Variants: upper bound of the heterozygous germline hint (see ``variant_germline_het_min_vaf``)."""

    variant_germline_hom_min_vaf: float = 0.95
    """Variants: at a dbSNP site, an allele fraction at or above this hints a homozygous germline variant (or LOH)."""

    cds_min_covered_fraction: float = 0.90
    """Sequenced territory: a gene whose coding sequence (bundled transcript model) is covered by the panel BED below
    this fraction is 'not fully sequenced': no mutation there means 'not assessable', never 'wild type'."""

    biallelic_max_wildtype_copies: float = 0.5
    """Biallelic status (PURPLE's rule): with purity and copy number, wild-type copies = CN × (1 − purity-adjusted
    VAF); below this the hit is on every remaining copy ('confirmed'), otherwise 'probable' with the reason."""

    fusion_min_unique_start_sites: int = 3
    """Fusions: minimum unique start sites (or unique molecules) to report a fusion (lmsgen's own floor; Archer's
    strong-evidence criteria are not public). See :func:`lms_genomics.calling.fusions.report_fusions`."""

    fusion_min_reads: int = 5
    """Fusions: minimum supporting reads to report a fusion."""

    fusion_require_strong_evidence: bool = False
    """Fusions: also require Archer's strong-evidence flag (kept and shown either way)."""

    qc_max_mapd: float = 0.3
    """QC: median absolute pairwise difference of probe log2 ratios above this fails the array (OncoScan
    guidance: MAPD ≤ 0.3). Judged on the MAPD of a ChAS/APT QC table or the export's header when the folder has
    one, else on the MAPD lmsgen computes from a probe-level export; without either it is not assessed."""

    qc_max_segments: int = 2500
    """QC: more copy-number segments than this is a hyper-segmented, noisy profile (TCGA SNP6 sarcomas top
    out near 1,600; real ChAS exports near 450)."""

    qc_min_median_depth: int = 100
    """QC: median read depth (FDP, else DP) over the VCF's records below this fails the sequencing (an
    amplicon panel normally runs at hundreds to thousands of reads). The same floor applies to the mean base
    depth of a Torrent Suite coverageAnalysis report (``Average base coverage depth``) when the folder has one."""

    qc_min_snp_qc: float = 26.0
    """QC (OncoScan): ndSNPQC (else SNPQC) below this marks a weak allele (SNP) signal; read from a ChAS/APT QC table
    or the export's header. OncoScan's acceptance criteria are MAPD ≤ 0.3 and ndSNPQC ≥ 26 (Thermo Fisher's
    OncoScan QC guidance, as issue 15 states it; a public OncoScan QC analysis script applies exactly these two
    cut-offs, ``MAPD <= 0.3`` and ``ndSNPQC >= 26``). APT's TuScan parameters carry their own, looser thresholds
    (``--tuscan-nd-snp-qc-threshold 19``, ``--tuscan-mapd-qc-threshold 0.4``; apt.oncoscan.2.4.0), internal to
    its segmentation. Below this floor the copy-number assay still passes when MAPD passes (copy number rests on
    log2 ratios), but LOH calls rest on the allele signal: LOH-based second hits of the biallelic status are then
    only 'probable'."""

    qc_min_rna_control_start_sites: float = 10.0
    """QC (Archer FusionPlex): Archer Analysis' RNA QC metric, the average number of unique RNA start sites per
    GSP2 control (read-stats ``qc_stats.avg_unique_rna_start_sites_per_gsp2_control``), below this means too
    little usable RNA: a negative fusion result is then "not_assessable" (a called fusion stays reported, with a
    QC warning). 10 is the cut-off the lab applies to this metric (lmsgen issue 15); Archer's own documentation is
    not public, so no stored source confirms the number: set it with ``-t qc_min_rna_control_start_sites=N``."""

    def as_dict(self) -> dict[str, Any]:
        """Plain dict of every threshold (for JSON provenance)."""
        return asdict(self)

    def with_overrides(self, **overrides: Any) -> Thresholds:
        """A copy with some values replaced; unknown names, values of the wrong type (``min_segment_markers=2.7``
        is not a whole number: refused, never cut) or outside the threshold's bounds (:data:`BOUNDS`; a threshold
        without declared bounds must not be negative) raise :class:`UsageError`."""
        from .io.text import parse_number

        names = {f.name: f for f in fields(self)}
        clean: dict[str, Any] = {}
        for key, value in overrides.items():
            if key not in names:
                raise UsageError(f"unknown threshold {key!r}; known: {', '.join(sorted(names))}")
            default = getattr(self, key)
            if isinstance(default, bool):
                text = str(value).strip().lower()
                if isinstance(value, bool) or text in {"true", "false", "1", "0", "yes", "no"}:
                    clean[key] = value if isinstance(value, bool) else text in {"true", "1", "yes"}
                    continue
                raise UsageError(f"threshold {key} needs true or false, not {value!r}")
            number = float(value) if isinstance(value, (int, float)) else parse_number(str(value))
            if number is None or number != number or number in (float("inf"), float("-inf")):
                raise UsageError(f"threshold {key} needs a {'whole number' if isinstance(default, int) else 'number'},"
                                 f" not {value!r}")
            if isinstance(default, int):
                if not number.is_integer():
                    raise UsageError(f"threshold {key} needs a whole number, not {value!r}")
                number = int(number)
            lo, hi = BOUNDS.get(key, (0, None))
            if (lo is not None and number < lo) or (hi is not None and number > hi):
                span = (f"between {lo:g} and {hi:g}" if lo is not None and hi is not None
                        else f"at least {lo:g}" if lo is not None else f"at most {hi:g}")
                raise UsageError(f"threshold {key} must be {span}, not {value!r}")
            clean[key] = number
        return replace(self, **clean)


#: Allowed range (inclusive; None = open) of each numeric threshold for :meth:`Thresholds.with_overrides`.
#: A threshold not listed here must not be negative.
BOUNDS: dict[str, tuple[float | None, float | None]] = {
    "homdel_max_cn": (0, 2),
    "amp_min_cn": (2, 100),
    "ploidy_baseline_min_avg_cn": (1, 10),
    "amp_ploidy_factor": (1, 10),
    "sex_x_min_fraction": (0, 1),
    "neutral_tolerance": (0, 1),
    "log2_loss": (-10, 0),
    "log2_gain": (0, 10),
    "log2_anomaly": (0, 10),
    "log2_homdel": (-10, 0),
    "log2_homdel_upper_purity": (0.05, 1),
    "log2_low_purity": (0, 1),
    "log2_max_fraction_cn_zero": (0, 1),
    "homdel_arm_fraction": (0, 1),
    "arm_fraction": (0, 1),
    "variant_min_vaf": (0, 1),
    "variant_max_pop_af": (0, 1),
    "qc_max_mapd": (0, 10),
    "qc_min_snp_qc": (0, 1000),
    "qc_min_rna_control_start_sites": (0, 100000),
}


DEFAULT_THRESHOLDS = Thresholds()

#: Named sets of log2 thresholds (``--log2-thresholds NAME``): overrides applied before any ``-t NAME=VALUE``.
#: ``gistic`` is lmsgen's default (GISTIC 2.0's ±0.1 noise threshold for calls, the profile's |log2| ≥ 0.25);
#: ``cnvkit`` is ``cnvkit.py call -m threshold``'s defaults ``-t=-1.1,-0.25,0.2,0.7`` (0 copies ≤ −1.1, 1 copy
#: ≤ −0.25, 2 copies ≤ 0.2, 3 copies ≤ 0.7; CNVkit documentation, "call"): loss below −0.25, gain above 0.2,
#: homozygous deletion also below −1.1. CNVkit's 0.7 (4 copies) has no lmsgen state of its own: amplification stays
#: CN ≥ ``amp_min_cn``; the profile floor stays |log2| ≥ ``log2_anomaly``.
LOG2_PRESETS: dict[str, dict[str, float]] = {
    "gistic": {"log2_loss": -0.1, "log2_gain": 0.1, "log2_homdel": 0.0},
    "cnvkit": {"log2_loss": -0.25, "log2_gain": 0.2, "log2_homdel": -1.1},
}


def log2_preset(name: str, base: Thresholds = DEFAULT_THRESHOLDS) -> Thresholds:
    """``base`` with the named log2 thresholds of :data:`LOG2_PRESETS` (:class:`UsageError` for an unknown name)."""
    if name not in LOG2_PRESETS:
        raise UsageError(f"unknown log2 threshold set {name!r}; known: {', '.join(LOG2_PRESETS)}")
    return base.with_overrides(**LOG2_PRESETS[name])
