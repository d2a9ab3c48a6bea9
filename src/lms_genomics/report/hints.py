"""Differential-diagnosis hints raised by high-level copy-number findings: a small documented table.

A hint is a pointer for the tumour board, never a diagnosis: it names the entity a finding is typical of and
what to check next. Each rule fires when all its (gene, event) conditions hold in a result (``amp``: the gene's
call is amplification; ``homdel``: homozygous deletion) and none of the rules it yields to fired. Every rule
carries its references.
"""

from __future__ import annotations

from dataclasses import dataclass

WHO_2020 = ("WHO Classification of Tumours Editorial Board. Soft Tissue and Bone Tumours, 5th ed. Lyon: IARC; "
            "2020")
SIRVENT_2007 = ("Sirvent N et al. Detection of MDM2-CDK4 amplification by fluorescence in situ hybridization in "
                "200 paraffin-embedded tumor samples: utility in diagnosing adipocytic lesions. Am J Surg Pathol "
                "2007;31:1476-89")
TCGA_SARC_2017 = ("Cancer Genome Atlas Research Network (Abeshouse A et al.). Comprehensive and integrated genomic "
                  "characterization of adult soft tissue sarcomas. Cell 2017;171:950-65")
MARIANI_2007 = ("Mariani O et al. JUN oncogene amplification and overexpression block adipocytic differentiation "
                "in highly aggressive sarcomas. Cancer Cell 2007;11:361-74")
LEE_2014 = ("Lee W et al. PRC2 is recurrently inactivated through EED or SUZ12 loss in malignant peripheral nerve "
            "sheath tumors. Nat Genet 2014;46:1227-32")
HOLLMANN_2011 = ("Hollmann TJ, Hornick JL. INI1-deficient tumors: diagnostic features and molecular genetics. Am J "
                 "Surg Pathol 2011;35:e47-63")
PEROT_2009 = ("Pérot G et al. Strong smooth muscle differentiation is dependent on myocardin gene amplification in "
              "most human retroperitoneal leiomyosarcomas. Cancer Res 2009;69:2269-78")


@dataclass(frozen=True)
class HintRule:
    """``when``: (gene, event) pairs that must all hold; ``unless``: names of rules that take precedence."""

    name: str
    when: tuple[tuple[str, str], ...]
    text: str
    references: tuple[str, ...]
    unless: tuple[str, ...] = ()


HINT_RULES: tuple[HintRule, ...] = (
    HintRule("mdm2_cdk4", (("MDM2", "amp"), ("CDK4", "amp")),
             "MDM2 and CDK4 co-amplified (12q13-15): the hallmark of well-differentiated/dedifferentiated "
             "liposarcoma, the main differential diagnosis of leiomyosarcoma; confirm MDM2 amplification by FISH",
             (WHO_2020, SIRVENT_2007)),
    HintRule("mdm2", (("MDM2", "amp"),),
             "MDM2 amplified: characteristic of well-differentiated/dedifferentiated liposarcoma (also of intimal "
             "sarcoma), the main differential diagnosis of leiomyosarcoma; confirm by FISH",
             (WHO_2020, SIRVENT_2007), unless=("mdm2_cdk4",)),
    HintRule("cdk4", (("CDK4", "amp"),),
             "CDK4 amplified without MDM2: uncommon; consider an adipocytic tumour and test MDM2 by FISH",
             (SIRVENT_2007,), unless=("mdm2_cdk4",)),
    HintRule("jun", (("JUN", "amp"),),
             "JUN (1p32) amplified: reported in dedifferentiated liposarcoma", (MARIANI_2007,)),
    HintRule("vgll3", (("VGLL3", "amp"),),
             "VGLL3 amplified: frequent in undifferentiated pleomorphic sarcoma and myxofibrosarcoma, differentials "
             "of a pleomorphic leiomyosarcoma", (TCGA_SARC_2017,)),
    HintRule("yap1", (("YAP1", "amp"),),
             "YAP1 amplified: reported in undifferentiated pleomorphic sarcoma and myxofibrosarcoma",
             (TCGA_SARC_2017,)),
    HintRule("cdkn2a_nf1", (("CDKN2A", "homdel"), ("NF1", "homdel")),
             "CDKN2A and NF1 both deleted on both alleles: the pattern of malignant peripheral nerve sheath tumour",
             (LEE_2014, WHO_2020)),
    HintRule("cdkn2a", (("CDKN2A", "homdel"),),
             "CDKN2A homozygous deletion: seen in a subset of leiomyosarcomas and frequent in MPNST, "
             "myxofibrosarcoma and undifferentiated pleomorphic sarcoma; not specific",
             (TCGA_SARC_2017, LEE_2014), unless=("cdkn2a_nf1",)),
    HintRule("smarcb1", (("SMARCB1", "homdel"),),
             "SMARCB1 (INI1) deleted on both alleles: epithelioid sarcoma / rhabdoid tumour family; check INI1 "
             "immunohistochemistry", (HOLLMANN_2011, WHO_2020)),
    HintRule("myocd", (("MYOCD", "amp"),),
             "MYOCD amplified: supports smooth-muscle differentiation (typical of retroperitoneal leiomyosarcoma)",
             (PEROT_2009,)),
)

_EVENT_OF_CALL = {"amplification": "amp", "homozygous_deletion": "homdel"}


def differential_hints(calls: dict[str, str], rules: tuple[HintRule, ...] = HINT_RULES) -> list[HintRule]:
    """The rules that fire for ``calls`` (gene → call, e.g. ``{"MDM2": "amplification"}``), in table order."""
    events = {(g, _EVENT_OF_CALL[c]) for g, c in calls.items() if c in _EVENT_OF_CALL}
    fired: list[HintRule] = []
    for rule in rules:
        if all(cond in events for cond in rule.when):
            fired.append(rule)
    names = {r.name for r in fired}
    return [r for r in fired if not set(r.unless) & names]
