"""Which Archer fusions lmsgen reports, and a diagnostic hint for the classic sarcoma fusions.

Archer's own "strong evidence" criteria are not public (``../shared/formats/vcf_archer.md`` §2.4), so
lmsgen's thresholds are its own, configurable, and applied on top of the counts the reader parsed. Weak
fusions stay in the output, marked not reported with the reasons, so nothing is silently dropped.
"""

from __future__ import annotations

from ..io.archer import Fusion
from ..tables import PASSING_FILTERS
from ..thresholds import DEFAULT_THRESHOLDS, Thresholds

#: (5' gene, 3' gene) → the tumour the fusion usually points to. A hint for the reader of the report, not a
#: diagnosis: several fusions occur in more than one entity (EWSR1-ATF1, ETV6-NTRK3, ALK fusions).
#: Only the 5'→3' orientation listed is hinted (a reciprocal transcript, e.g. SSX2-SS18, is not).
KNOWN_SARCOMA_FUSIONS: dict[tuple[str, str], str] = {
    ("SS18", "SSX1"): "synovial sarcoma",
    ("SS18", "SSX2"): "synovial sarcoma",
    ("SS18", "SSX4"): "synovial sarcoma",
    ("EWSR1", "FLI1"): "Ewing sarcoma",
    ("EWSR1", "ERG"): "Ewing sarcoma",
    ("EWSR1", "ETV1"): "Ewing sarcoma",
    ("EWSR1", "ETV4"): "Ewing sarcoma",
    ("EWSR1", "FEV"): "Ewing sarcoma",
    ("FUS", "ERG"): "Ewing sarcoma",
    ("FUS", "FEV"): "Ewing sarcoma",
    ("EWSR1", "NFATC2"): "EWSR1-NFATC2 round cell sarcoma",
    ("FUS", "DDIT3"): "myxoid liposarcoma",
    ("EWSR1", "DDIT3"): "myxoid liposarcoma",
    ("COL1A1", "PDGFB"): "dermatofibrosarcoma protuberans",
    ("COL6A3", "PDGFD"): "dermatofibrosarcoma protuberans (PDGFD-rearranged variant)",
    ("EMILIN2", "PDGFD"): "dermatofibrosarcoma protuberans (PDGFD-rearranged variant)",
    ("NAB2", "STAT6"): "solitary fibrous tumour",
    ("EWSR1", "WT1"): "desmoplastic small round cell tumour",
    ("PAX3", "FOXO1"): "alveolar rhabdomyosarcoma",
    ("PAX7", "FOXO1"): "alveolar rhabdomyosarcoma",
    ("ETV6", "NTRK3"): "infantile fibrosarcoma",
    ("EWSR1", "ATF1"): "clear cell sarcoma (or angiomatoid fibrous histiocytoma)",
    ("EWSR1", "CREB1"): "clear cell sarcoma (or angiomatoid fibrous histiocytoma)",
    ("FUS", "ATF1"): "angiomatoid fibrous histiocytoma",
    ("FUS", "CREB3L2"): "low-grade fibromyxoid sarcoma",
    ("FUS", "CREB3L1"): "low-grade fibromyxoid sarcoma",
    ("EWSR1", "CREB3L1"): "sclerosing epithelioid fibrosarcoma",
    ("ASPSCR1", "TFE3"): "alveolar soft part sarcoma",
    ("EWSR1", "NR4A3"): "extraskeletal myxoid chondrosarcoma",
    ("TAF15", "NR4A3"): "extraskeletal myxoid chondrosarcoma",
    ("CIC", "DUX4"): "CIC-rearranged sarcoma",
    ("CIC", "FOXO4"): "CIC-rearranged sarcoma",
    ("BCOR", "CCNB3"): "BCOR-rearranged sarcoma (BCOR::CCNB3)",
    ("YWHAE", "NUTM2A"): "high-grade endometrial stromal sarcoma",
    ("YWHAE", "NUTM2B"): "high-grade endometrial stromal sarcoma",
    ("ZC3H7B", "BCOR"): "high-grade endometrial stromal sarcoma",
    ("JAZF1", "SUZ12"): "low-grade endometrial stromal sarcoma",
    ("MEAF6", "PHF1"): "low-grade endometrial stromal sarcoma",
    ("EPC1", "PHF1"): "low-grade endometrial stromal sarcoma",
    ("HEY1", "NCOA2"): "mesenchymal chondrosarcoma",
    ("EML4", "ALK"): "inflammatory myofibroblastic tumour",
    ("TPM3", "ALK"): "inflammatory myofibroblastic tumour",
    ("TPM4", "ALK"): "inflammatory myofibroblastic tumour",
    ("RANBP2", "ALK"): "epithelioid inflammatory myofibroblastic sarcoma",
    ("ACTB", "GLI1"): "GLI1-altered mesenchymal tumour (pericytoma with t(7;12))",
    ("MALAT1", "GLI1"): "GLI1-altered mesenchymal tumour",
    ("PTCH1", "GLI1"): "GLI1-altered mesenchymal tumour",
    ("WWTR1", "CAMTA1"): "epithelioid haemangioendothelioma",
    ("YAP1", "TFE3"): "epithelioid haemangioendothelioma",
    ("LMNA", "NTRK1"): "NTRK-rearranged spindle cell neoplasm",
    ("TPM3", "NTRK1"): "NTRK-rearranged spindle cell neoplasm",
}

HINT_SUFFIX = " (hint, not a diagnosis)"


def known_fusion_hint(gene5: str, gene3: str) -> str | None:
    """The hint for ``gene5``→``gene3`` (case-insensitive, orientation kept), or None."""
    diagnosis = KNOWN_SARCOMA_FUSIONS.get((gene5.strip().upper(), gene3.strip().upper()))
    return f"{diagnosis}{HINT_SUFFIX}" if diagnosis else None


def report_fusions(fusions: list[Fusion], thresholds: Thresholds = DEFAULT_THRESHOLDS) -> list[dict]:
    """One dict per fusion: its :meth:`Fusion.as_dict` plus ``reported`` (bool), ``reasons_not_reported``
    (list of one-line reasons, empty when reported) and ``known_fusion_hint`` (text or None). The thresholds
    used are ``fusion_min_unique_start_sites``, ``fusion_min_reads`` and ``fusion_require_strong_evidence`` of
    ``thresholds`` (the whole object is taken, as everywhere: the result's provenance lists them all).

    Every fusion stays in the list; those failing a criterion are marked ``reported=False`` with the reason.
    The list is sorted reported first, then by supporting reads (most first; unknown last), then by the order
    in the file.

    Defaults and why (lmsgen's own choices — Archer's strong-evidence criteria are not public, §2.4):

    * ``min_unique_start_sites=3``: unique start sites (or unique molecules) count independent molecules;
      a junction seen on 1–2 molecules is indistinguishable from a PCR/ligation chimera or index hopping,
      while ≥3 independent start sites is the usual minimum for calling a fusion in anchored multiplex PCR.
    * ``min_reads=5``: with ≥3 unique start sites, ≥5 supporting reads guards against a call resting on a
      handful of reads; it is deliberately low because duplicate reads add little independent evidence.
    * ``require_strong_evidence=False``: Archer's flag is parsed and kept in the output, but its criteria are
      unknown, so by default it does not decide on its own; set True to additionally require it.

    A missing count (a format that does not carry it, e.g. Ion Reporter ``READ_COUNT`` only) is not held
    against the fusion; a fusion with neither reads nor unique start sites is not reported. Fusions whose
    category marks them as an Archer artifact are never reported, nor are fusion VCF records whose FILTER is not
    PASS (Ion Reporter/Oncomine). Counts are compared as ``value < min``.
    """
    min_unique_start_sites = thresholds.fusion_min_unique_start_sites
    min_reads = thresholds.fusion_min_reads
    require_strong_evidence = thresholds.fusion_require_strong_evidence
    rows: list[tuple[bool, int, int, dict]] = []
    for order, f in enumerate(fusions):
        reasons: list[str] = []
        unit = "unique molecules" if f.support_unit == "unique_molecules" else "unique start sites"
        if f.unique_start_sites is not None and f.unique_start_sites < min_unique_start_sites:
            reasons.append(f"{unit} {f.unique_start_sites} < {min_unique_start_sites}")
        if f.reads is not None and f.reads < min_reads:
            reasons.append(f"supporting reads {f.reads} < {min_reads}")
        if f.reads is None and f.unique_start_sites is None:
            reasons.append("no read count nor unique start sites in the file")
        if require_strong_evidence and f.strong_evidence is not True:
            state = "FALSE" if f.strong_evidence is False else "absent"
            reasons.append(f"Archer strong-evidence flag {state} (strong evidence required)")
        if f.category and "artifact" in f.category.lower():
            reasons.append("flagged as an artifact by Archer")
        if f.filter is not None and f.filter not in PASSING_FILTERS:
            reasons.append(f"FILTER {f.filter} in the VCF")
        d = f.as_dict()
        d["reported"] = not reasons
        d["reasons_not_reported"] = reasons
        d["known_fusion_hint"] = known_fusion_hint(f.gene5, f.gene3)
        rows.append((not d["reported"], -(f.reads if f.reads is not None else -1), order, d))
    rows.sort(key=lambda r: r[:3])
    return [r[3] for r in rows]
