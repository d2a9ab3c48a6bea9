"""``lmsgen``: the command line. Thin: parse arguments, call lms_genomics, print, map errors to exit codes.

Heavy libraries (pandas, pyranges) are imported inside the commands so that ``lmsgen --help`` is fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lms_genomics._version import __version__
from lms_genomics.errors import LmsgenError

EXIT_CODES = """\b
Exit codes:
  0  success
  1  internal error (a bug: please report it with the input)
  2  usage error (bad option, unknown sample or threshold)
  3  input error (a file is malformed; the message names file and line)
  4  no input (the folder holds nothing lmsgen reads)
  5  reference error (gene BED or arm table malformed)"""


def _fail(exc: BaseException) -> None:
    if isinstance(exc, LmsgenError):
        click.echo(f"lmsgen: error: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
    detail = " ".join(str(exc).split())
    click.echo(f"lmsgen: internal error: {type(exc).__name__}: {detail} (please report this with the input)",
               err=True)
    sys.exit(1)


def _parse_thresholds(pairs: tuple[str, ...]):
    from lms_genomics.errors import UsageError
    from lms_genomics.thresholds import DEFAULT_THRESHOLDS

    overrides = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"--threshold expects NAME=VALUE, not {pair!r}")
        key, value = pair.split("=", 1)
        overrides[key.strip()] = value.strip()
    return DEFAULT_THRESHOLDS.with_overrides(**overrides)


@click.group(
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.version_option(__version__, "-V", "--version", prog_name="lmsgen", message="%(prog)s %(version)s")
def main() -> None:
    """lmsgen: molecular profiling of leiomyosarcoma from OncoScan (ChAS) copy-number exports.

    \b
    Start here:
      lmsgen classify SAMPLE_DIR --out results/
    reads the ChAS segment export in SAMPLE_DIR, calls RB1, TP53, MYOCD, PTEN, CDKN2A (and every gene
    of the reference BED), classifies the genomic profile (flat / simple / complex) and writes
    results/<sample>.json and results/<sample>.genes.tsv.
    """


@main.command(epilog=EXIT_CODES)
@click.argument("sample_dir", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for <sample>.json and <sample>.genes.tsv (default: current folder).")
@click.option("--json", "json_to", type=click.Choice(["-"]), default=None,
              help="'--json -' prints the JSON to stdout (and writes files only with --out).")
@click.option("--genes", "genes_bed", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Gene BED (chrom start end name, hg19) to call instead of the bundled reference.")
@click.option("--arms", "arms_bed", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Arm/coverage table for arm-level events (e.g. an assay coverage BED).")
@click.option("--sex", type=click.Choice(["female", "male"]), default=None,
              help="Patient sex: sets the normal copy number of X and Y (default: follow the export's types).")
@click.option("--sample", "sample_name", default=None, help="Only this sample of a multi-sample export.")
@click.option("--purity", type=float, default=None,
              help="Tumour purity for log2 inputs: fraction (0.6) or tumour cell content in % (60).")
@click.option("--ploidy", type=float, default=None, help="Tumour ploidy for log2 inputs (default 2).")
@click.option("--sample-sheet", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="TSV/CSV/TOML with id, purity (or tumour cell content %), ploidy, sex per sample "
                   "(default: sample.tsv or sample.toml in the folder).")
@click.option("--allow-other-build", is_flag=True,
              help="Drop segments beyond hg19 chromosome ends instead of stopping (data on another build).")
@click.option("--threshold", "-t", "threshold_pairs", multiple=True, metavar="NAME=VALUE",
              help="Override a threshold, e.g. -t amp_min_cn=6 -t min_anomaly_size=500000 (repeatable).")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def classify(sample_dir: Path, out_dir: Path | None, json_to: str | None, genes_bed: Path | None,
             arms_bed: Path | None, sex: str | None, sample_name: str | None, purity: float | None,
             ploidy: float | None, sample_sheet: Path | None, allow_other_build: bool,
             threshold_pairs: tuple[str, ...], quiet: bool) -> None:
    """Call genes and classify the genomic profile of the sample in SAMPLE_DIR.

    \b
    SAMPLE_DIR is a folder holding a ChAS segment export or a log2 segment file (.seg from CBS/DNAcopy/
    GISTIC, CNVkit .cns), found by content, or the file itself. A multi-sample file gives one result per
    sample. For log2 inputs, copy number = (2^r (pP + 2(1-p)) - 2(1-p)) / p with purity p and ploidy P
    from --purity/--ploidy, the sample sheet, or 1 and 2.
    \b
    Examples:
      lmsgen classify case2/ --out results/
      lmsgen classify case2/ --json - | jq .genes.RB1
      lmsgen classify export.txt --sex female -t amp_min_cn=6
      lmsgen classify cohort.seg --sample-sheet samples.tsv --out results/
    \b
    Calls (per gene, over the segments that overlap it): homozygous deletion CN < 1; heterozygous
    deletion CN < 2; amplification CN >= 5; gain 2 < CN < 5; copy-neutral LOH = LOH without loss.
    Profile: A = Gain/Loss segments on autosomes after merging and a 300 kb floor; flat A = 0,
    simple 1-10, complex > 10; GI = A^2/C.
    """
    try:
        from lms_genomics.report.summary import format_summary
        from lms_genomics.report.writers import result_json, write_outputs
        from lms_genomics.sample import classify_all

        thresholds = _parse_thresholds(threshold_pairs)
        results = classify_all(sample_dir, thresholds=thresholds, genes=genes_bed, arms=arms_bed, sex=sex,
                               purity=purity, ploidy=ploidy, sample_sheet=sample_sheet,
                               check_build=not allow_other_build)
        if sample_name is not None:
            results = [r for r in results if r.sample == sample_name]
            if not results:
                from lms_genomics.errors import UsageError

                raise UsageError(f"{sample_dir}: no sample {sample_name!r} in the export")
        written = []
        target = out_dir if out_dir is not None else (None if json_to == "-" else Path.cwd())
        if target is not None:
            for r in results:
                written.extend(write_outputs(r, target))
        if json_to == "-":
            if len(results) == 1:
                click.echo(result_json(results[0]))
            else:
                click.echo("[" + ",\n".join(result_json(r) for r in results) + "]")
        elif not quiet:
            for r in results:
                click.echo(format_summary(r))
            if written:
                click.echo("wrote " + ", ".join(str(w) for w in written))
    except Exception as exc:  # one line on stderr, no traceback, documented exit code
        _fail(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
