"""What a file is, by content (not only by extension)."""

from __future__ import annotations

from pathlib import Path

from .chas import looks_like_chas
from .samplesheet import SHEET_NAMES
from .seg import looks_like_seg
from .text import normalize_column, read_head, sniff_delimiter

KINDS = ("chas_segments", "seg", "probes", "vcf", "fusion_vcf", "archer", "sample_sheet")
_HEAD_BYTES = 256 * 1024


def _head_lines(path: Path, n: int = 60) -> list[str]:
    head = read_head(path, _HEAD_BYTES)
    if not head:
        return []
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 (Excel's "Unicode Text"): the readers take it
        return head[:len(head) // 2 * 2].decode("utf-16", errors="replace").splitlines()[:n]
    if b"\x00" in head:
        # Judge the kind by the complete lines before the first NUL: the reader then refuses the binary
        # content naming the file (and line), instead of the file being ignored or called an unknown format.
        head = head.split(b"\x00", 1)[0]
        head = head[:head.rfind(b"\n") + 1]
    text = head.decode("utf-8-sig", errors="replace")
    return text.splitlines()[:n]


def detect_file(path: str | Path) -> str | None:
    """The kind of an input file (one of :data:`KINDS`), or None when lmsgen does not read it."""
    p = Path(path)
    try:
        lines = _head_lines(p)
    except OSError:
        return None
    if not lines:
        return None
    if lines[0].startswith("##fileformat=VCF"):
        from .archer import is_fusion_vcf

        return "fusion_vcf" if is_fusion_vcf(p) else "vcf"
    if p.suffix.lower() == ".toml" and p.name.lower() in SHEET_NAMES:
        return "sample_sheet"
    body = [ln for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    if not body:
        return None
    if body[0].lstrip().startswith(("{", "[")):
        from .archer import detect_archer

        return "archer" if detect_archer(p) else None
    header_text = body[0]
    delim = sniff_delimiter(header_text)
    header = header_text.split() if delim == " " else header_text.split(delim)
    keys = [normalize_column(h) for h in header]
    if looks_like_chas(header):
        return "chas_segments"
    if keys and keys[0] == "probesetname":
        return "probes"
    if looks_like_seg(header) or (delim == " " and looks_like_seg(header_text.replace("  ", "\t").split("\t"))):
        return "seg"
    if delim == " ":
        from .seg import COLUMN_ALIASES as seg_aliases

        tokens = header_text.split()
        joined = {normalize_column(" ".join(tokens[i:i + k])) for k in (1, 2, 3) for i in range(len(tokens))}
        if {"chrom", "start", "end", "log2"} <= {seg_aliases.get(t) for t in joined}:
            return "seg"
    if Path(path).name.lower() in SHEET_NAMES and ({"purity", "ploidy", "sex", "tumour cell content",
                                                     "tumor cell content", "gender"} & set(keys)):
        return "sample_sheet"
    from .archer import detect_archer

    if detect_archer(p) is not None:
        return "archer"
    return None
