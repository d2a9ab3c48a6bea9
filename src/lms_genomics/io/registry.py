"""The reader registry: the one list of the input formats lmsgen knows.

Each :class:`Format` declares its name, the role(s) it plays for a sample (:data:`ROLES`), a content sniffer (a
predicate on the file's decompressed, decoded :class:`~lms_genomics.io.text.Head`), its reader, the canonical
table it produces (a key of :data:`lms_genomics.tables.SCHEMAS`) and, for kinds lmsgen recognises but refuses,
the one-line refusal. Detection (:func:`detect`), sample assembly (``sample.find_inputs``), cohort discovery,
the reader contract tests, the fuzzer and the reader benchmark all read :data:`FORMATS`; nothing else lists
formats.

Adding a format = one module (a sniffer and a reader returning a canonical table) + one :func:`register` call
below, placed where its sniffer must be tried (more specific sniffers first).

Roles:

* ``copy_number`` — segments (one file per sample folder; a multi-sample file gives one result per sample);
* ``probes`` — probe-level log2 ratios for plots and QC (never for calls);
* ``variants`` — small variants of the tumour;
* ``fusions`` — fusion calls (an Ion Reporter/Oncomine DNA+RNA VCF gives both variants and fusions);
* ``sample_sheet`` — purity, ploidy and sex per sample;
* ``copy_number_qc``, ``variants_qc``, ``fusions_qc`` — QC measures of an assay (a ChAS/APT QC table, a Torrent
  Suite coverageAnalysis report, Archer's read statistics): they judge an assay, never make a call, and alone do
  not make a folder a sample.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import LmsgenError
from ..genome import other_build_reason
from . import (
    apt_qc,
    archer,
    archer_full_results,
    archer_isoforms,
    archer_read_stats,
    archer_table,
    chas,
    cnvkit,
    fusion_vcf,
    ion_coverage,
    own_outputs,
    probes,
    samplesheet,
    seg,
    vcf,
)
from .text import Head, head_of
from .vcf_records import census

if TYPE_CHECKING:
    import pandas as pd

ROLES = ("copy_number", "probes", "variants", "fusions", "sample_sheet", "copy_number_qc", "variants_qc",
         "fusions_qc")

#: The refusal of data on another genome build (GRCh38 references such as ``Homo_sapiens_assembly38``/``hs38DH``,
#: hg38 ISCN, positions beyond hg19 ends): every reader that can tell words it with this function.
OTHER_BUILD_REFUSAL = other_build_reason


@dataclass(frozen=True)
class Format:
    """One input format.

    ``roles`` are the roles the format can play; ``roles_of(path)``, when given, narrows them for one file (a VCF
    serves ``fusions`` only when it holds fusion records). ``refusal`` is the one-line reason a file of this
    kind is refused; with ``alone_only`` the refusal applies only when the folder has no file of the role it
    could accompany (a CNVkit ``.cnr`` beside a ``.cns`` is the probe-level track). ``output`` marks lmsgen's own
    outputs (skipped in folders). ``table(result)`` gives the canonical table of what ``read`` returned;
    ``list_samples(path)`` the sample names of a multi-sample copy-number file (for cohort batches).
    ``suffixes`` are the usual file names (documentation, the fuzzer's scratch names).
    """

    name: str
    description: str
    roles: tuple[str, ...]
    sniff: Callable[[Head], bool]
    read: Callable[..., Any] | None = None
    schema: str | None = None
    table: Callable[[Any], pd.DataFrame] | None = None
    refusal: str | None = None
    alone_only: bool = False
    output: bool = False
    roles_of: Callable[[Path], tuple[str, ...]] | None = None
    list_samples: Callable[[Path], list[str]] | None = None
    suffixes: tuple[str, ...] = ()

    def roles_for(self, path: Path) -> tuple[str, ...]:
        """The roles this file plays."""
        return self.roles_of(path) if self.roles_of is not None else self.roles


FORMATS: list[Format] = []


def register(fmt: Format) -> Format:
    """Add a format (its sniffer is tried after those registered before it)."""
    if any(f.name == fmt.name for f in FORMATS):
        raise ValueError(f"format {fmt.name!r} registered twice")
    if not set(fmt.roles) <= set(ROLES):
        raise ValueError(f"format {fmt.name!r}: unknown role(s) {sorted(set(fmt.roles) - set(ROLES))}")
    FORMATS.append(fmt)
    return fmt


def _vcf_roles(path: Path) -> tuple[str, ...]:
    return ("variants", "fusions") if census(path).has_fusion_records else ("variants",)


def _fusion_table(result: Any) -> pd.DataFrame:
    return archer.fusion_frame(result.fusions)


# Order matters: the first sniffer that accepts a file decides its format.
register(Format("lmsgen_output", "lmsgen's own result JSON or IGV .seg export (an output, not an input)", (),
                own_outputs.sniff, output=True, refusal="lmsgen's own output, not an input",
                suffixes=(".json", ".seg")))
register(Format("apt_qc", "ChAS/APT OncoScan QC table (MAPD, ndSNPQC/SNPQC, waviness SD, TuScan cellularity, gender)",
                ("copy_number_qc",), apt_qc.sniff, apt_qc.read_qc_table, "qc", lambda r: r.table,
                suffixes=(".qc.txt", "QCReport.txt")))
register(Format("ion_coverage", "Torrent Suite coverageAnalysis summary (.stats.cov.txt: depth, uniformity)",
                ("variants_qc",), ion_coverage.sniff, ion_coverage.read_coverage_stats, "qc", lambda r: r.table,
                suffixes=(".stats.cov.txt",)))
register(Format("archer_read_stats", "Archer Analysis read statistics JSON (RNA QC: unique start sites per GSP2 "
                                     "control)", ("fusions_qc",), archer_read_stats.sniff,
                archer_read_stats.read_read_stats, "qc", lambda r: r.table, suffixes=(".read_stats.json",)))
register(Format("fusion_vcf", "fusion VCF: Archer SVTYPE=BND pairs, Ion Reporter/Oncomine SVTYPE=Fusion records",
                ("fusions",), fusion_vcf.sniff, fusion_vcf.read_fusion_vcf, "fusions", _fusion_table,
                suffixes=(".vcf", ".vcf.gz")))
register(Format("vcf", "small-variant VCF/BCF: Ion Torrent TVC/Ion Reporter (with Oncomine fusion and CNV records), "
                       "Mutect2/MuTect, Strelka2, Pisces/TSO500, VarDict, bcftools",
                ("variants", "fusions"), vcf.sniff, vcf.read_vcf, "variants", lambda r: r.variants,
                roles_of=_vcf_roles, suffixes=(".vcf", ".vcf.gz", ".bcf")))
register(Format("archer_isoform_json", "Archer Analysis isoforms JSON", ("fusions",), archer_isoforms.sniff,
                archer_isoforms.read_isoform_json, "fusions", _fusion_table, suffixes=(".json",)))
register(Format("sample_sheet", "sample sheet (sample.tsv/.csv/.toml: purity or tumour cell content, ploidy, sex)",
                ("sample_sheet",), samplesheet.sniff, samplesheet.read_sample_sheet,
                suffixes=("sample.tsv", "sample.toml")))
register(Format("chas_segments", "ChAS segment export (OncoScan: CN State, Type, location)", ("copy_number",),
                chas.sniff, chas.read_chas, "segments", lambda r: r.segments,
                list_samples=lambda p: chas.read_chas(p).samples, suffixes=(".txt", ".csv", ".tsv")))
register(Format("probes", "ChAS/APT probe-level export (ProbeSetName, Log2Ratio, BAF)", ("probes",), probes.sniff,
                probes.read_probes, "probes", lambda r: r, suffixes=(".probeset.txt", ".tsv")))
register(Format("cnvkit_cnn", "CNVkit coverage/reference (.cnn)", (), cnvkit.sniff_cnn, refusal=seg.CNN_REFUSAL,
                suffixes=(".cnn",)))
register(Format("cnvkit_cnr", "CNVkit bin-level ratios (.cnr): the probe-level track beside a .cns", ("probes",),
                cnvkit.sniff_cnr, probes.read_probes, "probes", lambda r: r, refusal=seg.CNR_REFUSAL,
                alone_only=True, suffixes=(".cnr",)))
register(Format("seg", "log2 segments: CBS/DNAcopy/GISTIC/PSCBS .seg, CNVkit .cns, rCGH/ASCAT tables",
                ("copy_number",), seg.sniff, seg.read_seg, "segments", lambda r: r.segments,
                list_samples=seg.seg_sample_names, suffixes=(".seg", ".cns", ".seg.gz", ".tsv")))
register(Format("archer_full_results", "Archer Analysis full_results.txt (key/value)", ("fusions",),
                archer_full_results.sniff, archer_full_results.read_full_results, "fusions", _fusion_table,
                suffixes=(".full_results.txt",)))
register(Format("archer_fusion_table", "Archer fusion summary table (Genes, Unique Start Sites/Molecules, Reads)",
                ("fusions",), archer_table.sniff, archer_table.read_fusion_table, "fusions", _fusion_table,
                suffixes=(".tsv", ".csv")))


def detect(path: str | Path) -> Format | None:
    """The format of a file by content (the first registered sniffer that accepts it), or None when lmsgen does
    not read it. Never raises: an unreadable file is None."""
    p = Path(path)
    try:
        if not p.is_file():
            return None
        head = head_of(p)
    except (OSError, LmsgenError):  # unreadable, or a FIFO/device (never opened)
        return None
    if not head.raw:
        return None
    for fmt in FORMATS:
        try:
            if fmt.sniff(head):
                return fmt
        except Exception:  # noqa: BLE001 - a sniffer never decides by crashing
            continue
    return None


def format_named(name: str) -> Format:
    """The registered format called ``name`` (``KeyError`` if none)."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(name)


def formats_for(role: str) -> list[Format]:
    """Registered formats that can play ``role``."""
    return [f for f in FORMATS if role in f.roles]


def names() -> list[str]:
    """Every registered format name, in sniffing order."""
    return [f.name for f in FORMATS]
