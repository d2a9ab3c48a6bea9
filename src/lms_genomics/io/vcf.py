"""Small-variant VCFs (and BCFs): Ion Torrent (TVC, Ion Reporter/Oncomine) and generic somatic callers.

One entry point, :func:`read_vcf`. The header is read line by line (every error names file and line); then

* **Ion Torrent files** (a Torrent ``##source``, an Ion Reporter header, or TVC-only keys FAO/FDP/OMAPALT) keep
  Torrent Suite's own rules, :mod:`lms_genomics.io.vcf_ion` (flow-corrected FAO/FDP, OMAPALT, FUNC);
* **every other VCF/BCF** (Mutect2/MuTect, Strelka2, Pisces/TSO500, VarDict, bcftools...) is read with cyvcf2,
  :mod:`lms_genomics.io.vcf_somatic` (VAF from AD, the caller's AF/FA/VF, Strelka tier counts).

**Which sample column.** The tumour column is chosen from the header, never silently the first: the only sample
column; ``--vcf-sample`` (``sample=``); ``##tumor_sample=`` (Mutect2); ``##SAMPLE=<ID=TUMOR,SampleName=…>``
(GATK3 MuTect2); the ``tumor_sample_name=`` of MuTect 1's ``##MuTect`` command line (``--tumor-sample`` of a
``##GATKCommandLine``); a column named ``TUMOR``/``TUMOUR`` (Strelka2); for Ion Torrent files the first column,
which Torrent Suite defines as the primary sample (said in the warnings). A multi-sample VCF without any of these
is refused in one line asking for ``--vcf-sample``.

**Other records.** An Ion Reporter/Oncomine DNA+RNA export also carries ``SVTYPE=Fusion`` records (read into
:attr:`VcfResult.fusions`, with the header's ``##FusionSampleOverallCall``) and ``<CNV>`` records (read into
:attr:`VcfResult.panel_cnv`: panel copy-number evidence, never used for calls); RNA assay controls, other
structural variants and records without an ALT allele are skipped and counted in the warnings.

**Build.** ``##reference``, ``##contig`` assembly/lengths, positions beyond hg19 ends and records on contigs that
are not human chromosomes (an amplicon reference such as ``ABL1``) set :attr:`VcfResult.reference_build`; names
are recognised by :func:`lms_genomics.genome.build_of` (``Homo_sapiens_assembly38``, ``hs38DH`` are GRCh38).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._lazy import pandas as pd
from ..errors import InputError, UsageError
from ..genome import CHROM_SIZES, build_of, is_hg19, normalize_chromosomes, sha256_file
from ..tables import PANEL_CNV_COLUMNS, PASSING_FILTERS, check_table
from ..tables import VARIANT_COLUMNS as _VARIANT_SCHEMA
from .archer import Fusion
from .fusion_vcf import fusions_from_records, overall_call
from .text import Head, first_bad_row, iter_record_lines, open_bytes
from .vcf_ion import AF_CROSSCHECK_TOLERANCE, _num, ion_rows, is_ion, parse_func, source_of
from .vcf_records import BCF_MAGIC, RecordIndex, RegionFilter, census, record_kind, split_info

__all__ = ["PASSING_FILTERS", "VARIANT_COLUMNS", "VcfResult", "choose_tumour_sample", "is_small_variant_vcf",
           "parse_func", "read_vcf", "sniff"]

#: Column order of :attr:`VcfResult.variants` (one row per ALT allele of each kept record).
VARIANT_COLUMNS = list(_VARIANT_SCHEMA)
_TEXT_COLUMNS = [c for c, t in _VARIANT_SCHEMA.items() if t == "opt"]
_TUMOUR_NAMES = ("TUMOR", "TUMOUR")
#: Contigs that are not a chromosome but still genome contigs (mitochondrion, unplaced, alternate, decoy).
_GENOME_CONTIG = re.compile(r"^(chr)?(M|MT|Un|NC_|GL|KI|JH|HLA|EBV|hs37d5)|_random$|_alt$|_decoy$|^NT_", re.I)


@dataclass
class VcfResult:
    """What :func:`read_vcf` found in one VCF."""

    path: str
    sha256: str
    source: str  # "tvc 5.0-2", "tvc <4.2 (Torrent Unified Variant Caller)", "Ion Reporter", "Mutect2", "unknown"
    sample: str | None
    variants: pd.DataFrame
    warnings: list[str] = field(default_factory=list)
    caller: str | None = None  # the raw ##source value
    reference: str | None = None  # the raw ##reference value (FASTA path)
    reference_build: str | None = None  # hg19 / hg38 / mm10 / "another build" / "aligned to a non-genome reference"
    build_evidence: str | None = None  # what said so (##reference, ##contig, a record)
    sample_gender: str | None = None  # ##sampleGender / ##AssumedGender (Ion Reporter)
    cellularity: float | None = None  # ##Cellularity as a fraction between 0-1 (Ion Reporter)
    samples: list[str] = field(default_factory=list)
    records: int = 0  # data lines seen
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> number of records skipped
    kind: str = "ion"  # "ion" (Torrent Suite rules) or "somatic" (cyvcf2, generic callers)
    sample_choice: str | None = None  # how the tumour column was chosen
    deamination_metric: float | None = None  # TVC ##deamination_metric (FFPE deamination), None when absent
    fusions: list[Fusion] | None = None  # fusion records (Ion Reporter DNA+RNA exports); None: none in the file
    fusion_overall_call: str | None = None  # ##FusionSampleOverallCall (POSITIVE/NEGATIVE), None when absent
    panel_cnv: pd.DataFrame | None = None  # <CNV> records (tables.PANEL_CNV_COLUMNS); None: none in the file
    outside_regions: int = 0  # large VCFs: small-variant records outside the reference genes, not read


class _Header:
    def __init__(self) -> None:
        self.meta: dict[str, list[str]] = {}
        self.info_desc: dict[str, str] = {}
        self.format_ids: set[str] = set()
        self.columns: list[str] | None = None
        self.fileformat_seen = False

    @property
    def samples(self) -> list[str]:
        return list(self.columns[9:]) if self.columns and len(self.columns) > 9 else []


def _read_header_line(path: Path, hdr: _Header, n: int, line: str) -> None:
    if line.startswith("##"):
        key, _, value = line[2:].partition("=")
        if n == 1 or not hdr.fileformat_seen:
            if key != "fileformat" or not value.startswith("VCF"):
                raise InputError(path, "no ##fileformat=VCF line: not a VCF file", n)
            hdr.fileformat_seen = True
        hdr.meta.setdefault(key, []).append(value)
        if key in ("INFO", "FORMAT"):
            m_id = re.search(r"ID=([^,>]+)", value)
            m_desc = re.search(r'Description="([^"]*)"', value)
            if m_id and key == "INFO":
                hdr.info_desc[m_id.group(1)] = m_desc.group(1) if m_desc else ""
            elif m_id:
                hdr.format_ids.add(m_id.group(1))
        return
    # '#CHROM' line
    if not hdr.fileformat_seen:
        raise InputError(path, "no ##fileformat=VCF line: not a VCF file", n)
    cols = line.lstrip("#").split("\t")
    if len(cols) < 8 or cols[0].upper() != "CHROM":
        raise InputError(path, f"malformed #CHROM header line ({len(cols)} tab-separated columns, 8 expected)", n)
    hdr.columns = cols


_GT = re.compile(r"^(?:\.|\d{1,9})(?:[/|](?:\.|\d{1,9}))*$")


def _check_genotypes(path: Path, n: int, fields: list[str]) -> None:
    """Every sample's GT must be a genotype of this record (alleles ``.`` or 0..number of ALTs): htslib crashes
    the process on some malformed GT values (``0/x``, ``0/-3``, ``0/2147483647``) instead of reporting them, so
    records read through cyvcf2 are checked here first."""
    if len(fields) < 10:
        return
    keys = fields[8].split(":")
    if "GT" not in keys:
        return
    k = keys.index("GT")
    n_alt = len(fields[4].split(","))
    for name_i, sample in enumerate(fields[9:]):
        values = sample.split(":")
        gt = values[k] if k < len(values) else "."
        if not _GT.match(gt) or any(a != "." and int(a) > n_alt for a in re.split(r"[/|]", gt)):
            raise InputError(path, f"GT {gt[:20]!r} of sample column {name_i + 1} is not a genotype of this record "
                                   f"({n_alt} ALT allele(s))", n)


def _check_pos(path: Path, n: int, pos_s: str) -> int:
    try:
        pos = int(pos_s)
    except ValueError:
        raise InputError(path, f"POS is not an integer: {pos_s!r}", n) from None
    if pos < 0:
        raise InputError(path, f"POS is negative: {pos}", n)
    if pos > 2**31 - 1:
        raise InputError(path, f"POS {pos} is beyond any chromosome (VCF POS is a 32-bit integer)", n)
    return pos


# --------------------------------------------------------------------------------------------------- sample


def _header_tumour(meta: dict[str, list[str]]) -> tuple[str, str] | None:
    """(tumour sample, the header line that names it), or None."""
    for key in ("tumor_sample", "tumour_sample"):
        for value in meta.get(key, []):
            if value.strip():
                return value.strip().strip('"'), f"##{key}"
    for value in meta.get("SAMPLE", []):
        m_id = re.search(r"ID=([^,>]+)", value)
        m_name = re.search(r"SampleName=([^,>]+)", value)
        if m_id and m_id.group(1).upper() in _TUMOUR_NAMES and m_name:
            return m_name.group(1).strip('"'), "##SAMPLE=<ID=TUMOR>"
    for key in ("MuTect", "GATKCommandLine"):
        for value in meta.get(key, []):
            m = re.search(r"(?:tumor_sample_name=|--tumor-sample[ =]|-tumor[ =])([^\s\",>]+)", value)
            if m:
                return m.group(1), f"the ##{key} command line"
    return None


def choose_tumour_sample(path: Path, samples: list[str], meta: dict[str, list[str]], requested: str | None,
                         ion: bool) -> tuple[str | None, str | None]:
    """(tumour sample, how it was chosen); see the module docstring for the rules.

    Raises :class:`UsageError` when ``requested`` is not a column of the file, :class:`InputError` when a
    multi-sample VCF gives no way to tell the tumour.
    """
    shown = ", ".join(samples[:10]) + (", …" if len(samples) > 10 else "")
    if requested is not None:
        if requested not in samples:
            raise UsageError(f"{path}: no sample {requested!r} in the VCF (sample columns: {shown or 'none'})")
        return requested, "--vcf-sample"
    if not samples:
        return None, None
    if len(samples) == 1:
        return samples[0], "the only sample column"
    named = _header_tumour(meta)
    if named is not None and named[0] in samples:
        return named[0], f"named by {named[1]}"
    by_name = [s for s in samples if s.upper() in _TUMOUR_NAMES]
    if len(by_name) == 1:
        return by_name[0], f"the column named {by_name[0]}"
    if ion:
        return samples[0], "the first column (Torrent Suite's primary sample)"
    raise InputError(path, f"holds {len(samples)} samples ({shown}) and nothing in it says which is the tumour; "
                           f"name the tumour column with --vcf-sample")


# --------------------------------------------------------------------------------------------------- build


def _build_of_vcf(meta: dict[str, list[str]], df: pd.DataFrame,
                  other_contigs: list[str]) -> tuple[str | None, str | None]:
    """(build, evidence): ``##reference``, ``##contig`` assembly or lengths, records on non-genome contigs,
    positions beyond hg19 chromosome ends; (None, None) when nothing contradicts hg19."""
    reference = meta.get("reference", [None])[0]
    build = build_of(reference)
    if build is not None:
        return build, f"##reference={reference}"
    for value in meta.get("contig", []):
        m_asm = re.search(r"assembly=\"?([^,>\"]+)", value)
        if m_asm and (b := build_of(m_asm.group(1), bare_numbers=True)) is not None:
            return b, f"##contig assembly={m_asm.group(1)}"
        m_id, m_len = re.search(r"ID=([^,>]+)", value), re.search(r"length=(\d+)", value)
        if m_id and m_len:
            chrom = normalize_chromosomes([m_id.group(1)], numeric_sex="ucsc").iloc[0]
            if chrom is not pd.NA and isinstance(chrom, str) and int(m_len.group(1)) != CHROM_SIZES[chrom]:
                return "another build", (f"##contig {m_id.group(1)} length {m_len.group(1)}, hg19: "
                                         f"{CHROM_SIZES[chrom]}")
    if other_contigs:
        return "aligned to a non-genome reference", (f"records on contig {other_contigs[0]!r}, not a human "
                                                     f"chromosome: an amplicon or transcript reference")
    if not df.empty:
        sizes = df["chrom"].map(CHROM_SIZES)
        beyond = (df["pos"] > sizes).to_numpy()
        if beyond.any():
            r = df[beyond].iloc[0]
            return "another build", (f"line {int(r['source_line'])}: {r['chrom']}:{int(r['pos'])} is beyond the "
                                     f"hg19 end {CHROM_SIZES[r['chrom']]}")
    return None, None


# --------------------------------------------------------------------------------------------------- CNV records


def _panel_cnv_row(path: Path, n: int, fields: list[str], pos: int, sample_col: int | None) -> dict[str, Any]:
    """One Ion Reporter ``<CNV>`` record: gene, span, copy number and its 5-95 % interval (evidence only)."""
    info = split_info(fields[7])
    funcs = parse_func(info.get("FUNC"))
    gene = next((d.get("gene") for d in funcs if d.get("gene")), None) or (fields[2] if fields[2] != "." else None)
    end = _num(info.get("END"))
    cn = None
    if sample_col is not None and len(fields) > sample_col:
        fmt = dict(zip(fields[8].split(":"), fields[sample_col].split(":"), strict=False))
        cn = _num(fmt.get("CN"))
    if cn is None:
        cn = _num(info.get("RAW_CN"))
    ci = dict(re.findall(r"([0-9.]+):([0-9.eE+-]+)", info.get("CI") or ""))
    lows = [_num(v) for k, v in ci.items() if _num(k) is not None and _num(k) < 0.5]
    highs = [_num(v) for k, v in ci.items() if _num(k) is not None and _num(k) > 0.5]
    if end is not None and not pos <= end <= 2**31 - 1:
        raise InputError(path, f"<CNV> record END {info.get('END')!r} is not a position after POS {pos}", n)
    if cn is not None and cn < 0:
        raise InputError(path, f"<CNV> record copy number {cn:g} is negative", n)
    return {"gene": gene, "chrom": fields[0], "start": max(pos - 1, 0),
            "end": int(end) if end is not None else pos, "copy_number": cn,
            "ci_low": lows[0] if lows else None, "ci_high": highs[0] if highs else None,
            "filter": fields[6].strip() or ".", "source_line": n}


def _panel_cnv_frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=list(PANEL_CNV_COLUMNS))
    if not df.empty:
        ucsc = normalize_chromosomes(df["chrom"], numeric_sex="ucsc")
        df["chrom"] = ucsc.fillna(df["chrom"].astype("string")).astype(str)
    df["gene"] = df["gene"].astype(object).where(df["gene"].notna(), None)
    df = df.astype({"start": "int64", "end": "int64", "copy_number": "float64", "ci_low": "float64",
                    "ci_high": "float64", "source_line": "int64", "filter": object, "chrom": object})
    return check_table("panel_cnv", df)


# --------------------------------------------------------------------------------------------------- reading


@dataclass
class _Scan:
    """What the line scan of a text VCF found."""

    hdr: _Header
    records: RecordIndex = field(default_factory=RecordIndex)  # (line, kind) of every data record
    keep: RegionFilter | None = None  # a large VCF: only small variants inside these regions are read
    outside: int = 0  # small-variant records outside ``keep`` (not read)
    records_small: int = 0  # BCF: small-variant records (text VCFs: the census counts them)
    rows: list[dict[str, Any]] = field(default_factory=list)  # Ion rows
    fusion_lines: list[tuple[int, list[str]]] = field(default_factory=list)
    cnv_rows: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter = field(default_factory=Counter)
    notes: dict[str, list] = field(default_factory=lambda: {"af_mismatch": [], "fao_dot": [], "no_counts": [],
                                                            "caller_af": []})
    ion: bool = False
    sample: str | None = None
    sample_col: int | None = None
    sample_choice: str | None = None


def _scan(p: Path, requested: str | None, keep: RegionFilter | None = None) -> _Scan:
    """Header and records of a text VCF, line by line: structure checks with lines, record kinds, Ion rows
    (with ``keep``, only of small variants inside its regions; the others are counted in ``outside``)."""
    scan = _Scan(_Header(), keep=keep)
    hdr = scan.hdr
    maf_is_molecular = False
    last = 0
    decided = False
    status: dict[str, int] = {}
    last_record: tuple[int, list[str]] | None = None
    for n, line in iter_record_lines(p, "VCF", status):
        last = n
        if hdr.columns is None:
            if not line.strip():
                continue
            if line.startswith("#"):
                _read_header_line(p, hdr, n, line)
                if hdr.columns is not None:
                    maf_is_molecular = "molecul" in hdr.info_desc.get("MAF", "").lower()
                continue
            if not hdr.fileformat_seen:
                raise InputError(p, "no ##fileformat=VCF line: not a VCF file", n)
            raise InputError(p, "data line before the #CHROM header line", n)
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 8:
            raise InputError(p, f"data line has {len(fields)} tab-separated columns, a VCF record needs 8", n)
        last_record = (n, fields)
        pos = _check_pos(p, n, fields[1])
        if not decided:
            scan.ion = is_ion(hdr.meta, set(hdr.info_desc), hdr.format_ids, fields[7])
            _choose(p, scan, requested)
            decided = True
        kind = record_kind(fields)
        if kind == "small" and "" in fields[4].split(","):
            raise InputError(p, f"ALT {fields[4][:40]!r} holds an empty allele", n)
        scan.records.append((n, kind))
        if not scan.ion:  # htslib (cyvcf2) will parse every record of this file
            _check_genotypes(p, n, fields)
        if kind == "fusion":
            scan.fusion_lines.append((n, fields))
        elif kind == "cnv":
            scan.cnv_rows.append(_panel_cnv_row(p, n, fields, pos, scan.sample_col))
        elif kind == "rna_assay":
            scan.skipped["RNA assay/control record (expression controls, 5'/3' assays)"] += 1
        elif kind == "other_sv":
            scan.skipped["structural-variant or symbolic-ALT record"] += 1
        elif kind == "no_alt":
            scan.skipped["no ALT allele"] += 1
        elif keep is not None and not keep.contains(fields[0], pos):
            scan.outside += 1
        elif scan.ion:
            scan.rows.extend(ion_rows(n, fields, pos, scan.sample_col or 9, scan.skipped, scan.notes,
                                      maf_is_molecular))
    if not hdr.fileformat_seen:
        raise InputError(p, "no ##fileformat=VCF line: not a VCF file (empty file?)", last or None)
    if hdr.columns is None:
        raise InputError(p, "no #CHROM header line", last or None)
    if last_record is not None and status.get("unterminated_line") == last_record[0]:
        _check_last_record(p, hdr, *last_record)
    if not decided:  # header-only file
        scan.ion = is_ion(hdr.meta, set(hdr.info_desc), hdr.format_ids, None)
        _choose(p, scan, requested)
    return scan


def _check_last_record(p: Path, hdr: _Header, n: int, fields: list[str]) -> None:
    """The file ends inside its last record (no line end): refuse it when that record is visibly cut — fewer
    columns than the #CHROM line, or a sample column with fewer values than its FORMAT keys (callers write them
    all; a copy cut short does not)."""
    columns = hdr.columns or []
    cut = len(fields) < len(columns)
    if not cut and len(fields) > 9:
        keys = len(fields[8].split(":"))
        cut = any(len(sample.split(":")) < keys for sample in fields[9:])
    if cut:
        raise InputError(p, "the file ends inside this record without a line end and the record is incomplete (fewer "
                            "columns or FORMAT values than the header declares): the file looks cut short (an "
                            "interrupted copy?); copy or export it again", n)


def _choose(p: Path, scan: _Scan, requested: str | None) -> None:
    samples = scan.hdr.samples
    scan.sample, scan.sample_choice = choose_tumour_sample(p, samples, scan.hdr.meta, requested, scan.ion)
    scan.sample_col = 9 + samples.index(scan.sample) if scan.sample is not None else None


def _htslib_reader(p: Path, sample: str | None) -> Any:
    """A cyvcf2 reader of the tumour column only; cyvcf2's Python warnings become errors naming the file."""
    import warnings

    from cyvcf2 import VCF

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            reader = VCF(str(p), samples=[sample] if sample else None)
    except Exception as exc:  # noqa: BLE001 - cyvcf2 raises plain Exceptions and UserWarnings
        raise InputError(p, f"htslib cannot read this VCF ({' '.join(str(exc).split())})") from None
    if sample and list(reader.samples) != [sample]:
        raise InputError(p, f"htslib does not see the sample column {sample!r} the header line names")
    return reader


#: Largest ``IDX=`` a BCF header may hold: htslib sizes its dictionaries by it (a corrupt header saying
#: IDX=4696305124 costs it seconds and gigabytes before failing).
MAX_BCF_IDX = 1_000_000


def _check_bcf_header(p: Path) -> None:
    """Refuse a BCF whose header text is cut or carries implausible dictionary indexes, before htslib sees it."""
    import struct

    with open_bytes(p) as fh:
        magic = fh.read(9)
        if len(magic) < 9:
            raise InputError(p, "BCF cut before its header")
        (l_text,) = struct.unpack("<I", magic[5:9])
        text = fh.read(min(l_text, 64 * 1024 * 1024)).decode("latin-1")
    if len(text) < l_text:
        raise InputError(p, f"BCF header cut short ({len(text)} of {l_text} bytes)")
    for value in re.findall(r"IDX=([^,>]*)", text):
        if not value.isascii() or not value.isdigit() or int(value) > MAX_BCF_IDX:
            raise InputError(p, f"corrupt BCF header (IDX={value[:20]})")


def _bcf_scan(p: Path, requested: str | None) -> tuple[_Scan, Any]:
    """Header and record kinds of a BCF (through cyvcf2; record numbers stand for lines)."""
    _check_bcf_header(p)
    from .vcf_somatic import somatic_rows  # noqa: F401 - loads cyvcf2 and silences htslib first

    reader = _htslib_reader(p, None)
    scan = _Scan(_Header())
    for n, line in enumerate(reader.raw_header.splitlines(), 1):
        if line.strip():
            _read_header_line(p, scan.hdr, n, line)
    try:
        for i, rec in enumerate(reader, 1):
            fields = str(rec).rstrip("\n").split("\t")
            kind = record_kind(fields)
            scan.records.append((i, kind))
            scan.records_small += kind == "small"
            if kind == "fusion":
                scan.fusion_lines.append((i, fields))
            elif kind != "small":
                scan.skipped[{"cnv": "copy-number record", "rna_assay": "RNA assay/control record",
                              "no_alt": "no ALT allele"}.get(kind, "structural-variant or symbolic-ALT record")] += 1
    except Exception as exc:  # noqa: BLE001
        raise InputError(p, f"htslib cannot read record {len(scan.records) + 1} "
                            f"({' '.join(str(exc).split())})") from None
    _choose(p, scan, requested)
    return scan, _htslib_reader(p, scan.sample)


def _variants_frame(path: Path, rows: list[dict[str, Any]], warnings: list[str]) -> tuple[pd.DataFrame, list[str]]:
    """The canonical variant table; chromosome names made UCSC; returns also the non-genome contigs seen."""
    df = pd.DataFrame(rows, columns=VARIANT_COLUMNS)
    other: list[str] = []
    if not df.empty:
        ucsc = normalize_chromosomes(df["chrom"], numeric_sex="ucsc")
        unknown = sorted(set(df.loc[ucsc.isna(), "chrom"]))
        if unknown:
            warnings.append(f"chromosome names kept as written (not a human chromosome): {', '.join(unknown[:10])}")
            other = [c for c in unknown if not _GENOME_CONTIG.search(c)]
        df["chrom"] = ucsc.fillna(df["chrom"].astype("string")).astype(str)
    for col in _TEXT_COLUMNS:
        df[col] = df[col].astype(object).where(df[col].notna(), None)
    df = df.astype({"chrom": object, "ref": object, "alt": object, "norm_ref": object, "norm_alt": object,
                    "genotype": object, "filter": object, "pos": "int64", "norm_pos": "int64",
                    "source_line": "int64", "called": bool, "vaf": "float64", "depth": "float64",
                    "alt_reads": "float64", "pop_af": "float64"})
    first_bad_row(path, (df["vaf"] < 0) | (df["vaf"] > 1 + 1e-6), df["source_line"],
                  lambda i: f"allele fraction {df['vaf'].iloc[i]:g} of {df['alt'].iloc[i]} is outside 0-1 "
                            f"({df['vaf_source'].iloc[i]}: the counts contradict each other)")
    first_bad_row(path, (df["depth"] < 0) | (df["alt_reads"] < 0), df["source_line"],
                  lambda i: f"negative read count for {df['alt'].iloc[i]}")
    return check_table("variants", df), other


#: A VCF with more small-variant records than this is not a panel's (a hotspot panel's TVC file holds hundreds, a
#: TSO500 one a few thousand): only the alleles inside the reference genes (± :data:`LARGE_VCF_PAD` bases) are read,
#: the others counted. Memory and time then follow the genes, not the file (a 2-million-record exome/genome VCF).
LARGE_VCF_RECORDS = 50_000
LARGE_VCF_PAD = 2000


def _region_filter(p: Path, regions: Any, small_records: int) -> RegionFilter | None:
    if small_records <= LARGE_VCF_RECORDS:
        return None
    if regions is None:
        from ..genome import load_genes

        regions = load_genes().genes
    elif hasattr(regions, "genes"):
        regions = regions.genes
    return RegionFilter(regions, pad=LARGE_VCF_PAD)


def read_vcf(path: str | Path, sample: str | None = None, regions: Any = None) -> VcfResult:
    """Read a small-variant VCF or BCF (plain, gzip or bgzip) into one row per ALT allele of the tumour sample.

    ``sample`` names the tumour column (``--vcf-sample``); see the module docstring for how it is otherwise
    chosen. Skipped and counted (``VcfResult.skipped`` and ``warnings``): RNA assay controls, structural
    variants and symbolic ALTs other than fusions and ``<CNV>`` (which are read), records without an ALT allele
    or sample columns (sites-only VCFs such as hotspot files). A header-only VCF is valid and gives zero rows.
    Raises :class:`InputError` (file, line, reason) on anything that is not a readable VCF.

    A VCF of more than :data:`LARGE_VCF_RECORDS` small-variant records (an exome or genome VCF, not a panel's) is
    read as a stream and only its alleles inside ``regions`` (a gene table or
    :class:`~lms_genomics.genome.GeneReference`; default the bundled genes) ± :data:`LARGE_VCF_PAD` bases are kept;
    the others are counted in the warnings (:attr:`VcfResult.outside_regions`).
    """
    p = Path(path)
    counted = census(p)
    bcf = counted.bcf
    if bcf:
        scan, reader = _bcf_scan(p, sample)
        scan.keep = _region_filter(p, regions, scan.records_small)
    else:
        scan, reader = _scan(p, sample, _region_filter(p, regions, counted.counts["small"])), None
    hdr = scan.hdr
    kind = "ion" if scan.ion and not bcf else "somatic"
    rows = scan.rows
    if kind == "somatic":
        from .vcf_somatic import Annotations, somatic_rows

        if reader is None:
            reader = _htslib_reader(p, scan.sample)
        rows = somatic_rows(p, reader, scan.records, Annotations(hdr.info_desc), scan.skipped, scan.notes,
                            keep=scan.keep, outside=scan)
    warnings: list[str] = []
    if scan.keep is not None:
        warnings.append(f"{p.name} holds {len(scan.records):,} records, more than a panel VCF's "
                        f"{LARGE_VCF_RECORDS:,}: only alleles inside the reference genes (± {LARGE_VCF_PAD:,} bp) "
                        f"were read; {scan.outside:,} small-variant record(s) outside them are not listed")
    df, other_contigs = _variants_frame(p, rows, warnings)

    source, caller = source_of(hdr.meta)
    if source == "unknown":
        sources = [v.strip().strip('"') for v in hdr.meta.get("source", []) if v.strip()]
        source = ", ".join(sources) if sources else next((k for k in ("MuTect", "GATKCommandLine") if k in hdr.meta),
                                                          "unknown")
    reference = hdr.meta.get("reference", [None])[0]
    build, evidence = _build_of_vcf(hdr.meta, df, other_contigs)
    if not is_hg19(build):
        warnings.append(f"reference: {build} ({evidence}), not hg19: coordinates will not match the gene table")
    if scan.sample_choice not in (None, "the only sample column", "--vcf-sample"):
        warnings.append(f"tumour sample {scan.sample!r}: {scan.sample_choice} (of {', '.join(hdr.samples)})")
    for reason, count in sorted(scan.skipped.items()):
        warnings.append(f"{count} record(s) skipped: {reason}")
    notes = scan.notes
    if notes["af_mismatch"]:
        warnings.append(f"AF differs from FAO/FDP by > {AF_CROSSCHECK_TOLERANCE} for {len(notes['af_mismatch'])} "
                        f"allele(s), FAO/FDP used (e.g. {notes['af_mismatch'][0]})")
    if notes["caller_af"]:
        warnings.append(f"the caller's allele fraction differs from its AD/DP counts by > 0.05 for "
                        f"{len(notes['caller_af'])} allele(s); the caller's fraction is used (e.g. "
                        f"{notes['caller_af'][0]})")
    if notes["fao_dot"]:
        warnings.append(f"FAO is '.' for {len(notes['fao_dot'])} allele(s) (indel-assembly alleles): VAF from AO/DP "
                        f"(e.g. {notes['fao_dot'][0]})")
    if notes["no_counts"]:
        warnings.append(f"{len(notes['no_counts'])} allele(s) carry no read counts: 'called' relies on GT and FILTER")
    if kind == "somatic" and len(df) and df["vaf_source"].isna().all():
        warnings.append("no allele fraction in the file (no AD, AF/FA/VF, Strelka or DP4 counts)")
    fusions, fusion_call = None, overall_call(hdr.meta)
    if scan.fusion_lines or scan.skipped.get("RNA assay/control record (expression controls, 5'/3' assays)"):
        fusions, more = fusions_from_records(p, scan.fusion_lines)
        warnings += more
    gender = (hdr.meta.get("sampleGender") or hdr.meta.get("AssumedGender") or [None])[0]
    cell = _num((hdr.meta.get("Cellularity as a fraction between 0-1") or [None])[0])
    deam = _num((hdr.meta.get("deamination_metric") or [None])[0])
    return VcfResult(path=str(p), sha256=sha256_file(p), source=source, sample=scan.sample, variants=df,
                     warnings=warnings, caller=caller, reference=reference, reference_build=build,
                     sample_gender=gender, cellularity=cell, samples=hdr.samples, records=len(scan.records),
                     build_evidence=evidence,
                     skipped=dict(scan.skipped), kind=kind, sample_choice=scan.sample_choice,
                     deamination_metric=deam, fusions=fusions, fusion_overall_call=fusion_call,
                     panel_cnv=_panel_cnv_frame(scan.cnv_rows) if scan.cnv_rows else None,
                     outside_regions=scan.outside)


# --------------------------------------------------------------------------------------------------- detection


def sniff(head: Head) -> bool:
    """A VCF (text, gzip/bgzip) that is not fusion-only, or a BCF."""
    if head.raw.startswith(BCF_MAGIC):
        return True
    return head.text.startswith("##fileformat=VCF") and not census(head.path).fusion_only


def is_small_variant_vcf(path: str | Path) -> bool:
    """True for a VCF holding small variants (or none at all, unless its header announces a fusion VCF); False
    for a fusion-only VCF and for anything that is not a VCF (never raises)."""
    c = census(path)
    if not c.is_vcf:
        return False
    if c.bcf:
        return True
    return c.counts["small"] + c.counts["no_alt"] > 0 or (c.records == 0 and not c.fusion_header)

