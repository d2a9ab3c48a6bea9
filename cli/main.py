"""``lmsgen``: the command line. Thin: parse arguments, call lms_genomics, print, map errors to exit codes.

Heavy libraries (pandas, cyvcf2) are imported inside the commands so that ``lmsgen --help`` is fast.
"""

from __future__ import annotations

import functools
import os
import sys
from contextlib import suppress
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
  5  reference error (gene BED or arm table malformed)
  6  figure export failed (no Chromium for PNG/PDF/SVG, or the browser failed)
  7  output error (cannot write: full disk, file-size limit, unwritable --out); nothing partial is left
  141  the reader of standard output went away (e.g. | head): files already written stay, the rest of the
       printed summary is dropped (as for a process ended by SIGPIPE)"""


def _fail(exc: BaseException) -> None:
    if isinstance(exc, BrokenPipeError):  # stdout's reader is gone (| head): not lmsgen's error, nothing to report
        with suppress(OSError, ValueError):  # (no file descriptor: a replaced sys.stdout)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # the final flush must not fail again
        sys.exit(141)
    if isinstance(exc, LmsgenError):
        click.echo(f"lmsgen: error: {exc.one_line()}", err=True)
        sys.exit(exc.exit_code)
    detail = " ".join(str(exc).split())
    click.echo(f"lmsgen: internal error: {type(exc).__name__}: {detail} (please report this with the input)",
               err=True)
    sys.exit(1)


def _parse_thresholds(pairs: tuple[str, ...], log2_set: str | None = None):
    from lms_genomics.errors import UsageError
    from lms_genomics.thresholds import DEFAULT_THRESHOLDS, log2_preset

    overrides = {}
    for pair in pairs:
        if "=" not in pair:
            raise UsageError(f"--threshold expects NAME=VALUE, not {pair!r}")
        key, value = pair.split("=", 1)
        overrides[key.strip()] = value.strip()
    base = log2_preset(log2_set) if log2_set else DEFAULT_THRESHOLDS
    return base.with_overrides(**overrides)


#: Set by a command that has written and closed everything it writes (``lmsgen cohort`` without Dask): the
#: console script then ends the process with ``os._exit`` instead of tearing the interpreter down (freeing the
#: cohort's objects and modules one by one: ~0.1 s of a 1,000-sample run, measured). In-process callers
#: (``CliRunner``, tests) call :func:`main` and are not affected.
_QUICK_EXIT = False


def run() -> None:
    """The ``lmsgen`` console script: :func:`main`, then, where the command allows it (:data:`_QUICK_EXIT`),
    stdout and stderr flushed and the process ended at once with the same exit code."""
    try:
        main()
        code: object = 0
    except SystemExit as exc:
        code = exc.code
    if not _QUICK_EXIT:
        sys.exit(code)
    for stream in (sys.stdout, sys.stderr):
        with suppress(OSError, ValueError):  # a reader gone (| head) or a closed stream: nothing left to say
            stream.flush()
    os._exit(code if isinstance(code, int) else 0 if code is None else 1)


class OneLineErrorGroup(click.Group):
    """Click reports usage errors on three lines (usage, hint, error); lmsgen promises one line on stderr."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):  # type: ignore[override]
        try:
            return super().main(args=args, prog_name=prog_name, complete_var=complete_var, standalone_mode=False,
                                **extra)
        except click.exceptions.NoArgsIsHelpError as exc:
            click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        except click.UsageError as exc:
            where = f" (lmsgen {exc.ctx.info_name})" if exc.ctx and exc.ctx.parent else ""
            message = " ".join(exc.format_message().split()).rstrip(".")
            click.echo(f"lmsgen: error: {message}{where}; see --help", err=True)
            sys.exit(2)
        except click.exceptions.Abort:
            click.echo("lmsgen: error: interrupted", err=True)
            sys.exit(130)
        except click.exceptions.Exit as exc:
            sys.exit(exc.exit_code)


@click.group(
    cls=OneLineErrorGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES,
)
@click.version_option(__version__, "-V", "--version", prog_name="lmsgen", message="%(prog)s %(version)s")
def main() -> None:
    """lmsgen: molecular profiling of leiomyosarcoma (hg19): OncoScan/ChAS or log2 copy number, Ion Torrent
    variants, Archer fusions.

    \b
    Start here:
      lmsgen classify SAMPLE_DIR --out results/
    reads what SAMPLE_DIR holds (a ChAS segment export or a log2 .seg/.cns, an Ion Torrent VCF, an Archer
    fusion output, a sample sheet; found by content), calls RB1, TP53, MYOCD, PTEN, CDKN2A (and every gene
    of the reference BED), classifies the genomic profile (flat / simple / complex), reports mutations,
    biallelic inactivation and fusions, and writes results/<sample>.json, <sample>.genes.tsv and the
    tumour-board report <sample>.report.html.
    \b
    Then:
      lmsgen cohort SERIES_DIR --out results/ -j 2    every sample, cohort.tsv and cohort.html
      lmsgen summarize results/                        cohort.tsv and cohort.html of existing results
      lmsgen plot results/<sample>.json --formats png  the genome figure of an existing result
      lmsgen report results/<sample>.json --formats pdf the A4 report of an existing result
    """


def calling_options(func):
    """Options shared by classify and cohort (reference, sample, thresholds)."""
    opts = [
        click.option("--genes", "genes_bed", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Gene BED (chrom start end name, hg19) to call instead of the bundled reference."),
        click.option("--arms", "arms_bed", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="Arm/coverage table for arm-level events and genome-wide scores (e.g. an assay "
                          "coverage BED; default: hg19 arms, and the OncoScan coverage for the scores)."),
        click.option("--sex", type=click.Choice(["female", "male"]), default=None,
                     help="Patient sex: the normal copy number of X and Y (default: sample sheet, else the VCF's "
                          "gender field, else inferred from a ChAS export's chrX/chrY; a source that disagrees "
                          "is a warning)."),
        click.option("--purity", type=float, default=None,
                     help="Tumour purity for log2 inputs: fraction (0.6) or tumour cell content in % (60)."),
        click.option("--ploidy", type=float, default=None,
                     help="Tumour ploidy: the baseline states are read against (ChAS: not a rescale; log2: also "
                          "the copy-number model). Default: sample sheet, else a ChAS export's own average copy "
                          "number when doubled (WGD, >= 2.5), else 2."),
        click.option("--sample-sheet", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="TSV/CSV/TOML with id, purity (or tumour cell content %), ploidy, sex per sample "
                          "(default: sample.tsv or sample.toml in the folder)."),
        click.option("--vcf-sample", default=None, metavar="NAME",
                     help="Tumour column of a multi-sample VCF (default: the only column, the header's "
                          "##tumor_sample, a column named TUMOR, or Torrent Suite's first column)."),
        click.option("--allow-other-build", is_flag=True,
                     help="Drop segments beyond hg19 chromosome ends instead of stopping (data on another build)."),
        click.option("--threshold", "-t", "threshold_pairs", multiple=True, metavar="NAME=VALUE",
                     help="Override a threshold, e.g. -t amp_min_cn=6 -t min_anomaly_size=500000 (repeatable)."),
        click.option("--log2-thresholds", "log2_set", type=click.Choice(["gistic", "cnvkit"]), default="gistic",
                     metavar="NAME",
                     show_default=True,
                     help="Log2 inputs: loss/gain thresholds of gene calls: gistic (±0.1, GISTIC 2.0) or cnvkit "
                          "(cnvkit.py call -m threshold: loss < -0.25, gain > 0.2, homozygous deletion also "
                          "< -1.1). The profile and arm-level events count |log2| >= 0.25 only; weaker calls are "
                          "flagged low_level. -t overrides apply after."),
        click.option("--panel-bed", "panel_bed", type=click.Path(dir_okay=False, path_type=Path), default=None,
                     help="The sequencing panel's designed BED (sequenced territory; default: the sample sheet's "
                          "panel_bed column). Without it 'no mutation' is not assessable."),
        click.option("--ffpe", is_flag=True,
                     help="FFPE tissue: at least 10 alt reads per reportable variant instead of 5."),
        click.option("--transcripts", "transcripts_dir", type=click.Path(file_okay=False, path_type=Path),
                     default=None, help="Transcript-model folder for lmsgen's own HGVS annotation (default: bundled "
                                        "hg19 RefSeq models)."),
        click.option("--strict", is_flag=True,
                     help="Stop (exit 3) when a sample-sheet row matches no sample or a sample gets no row "
                          "(default: a warning)."),
    ]

    @functools.wraps(func)
    def collect(**kwargs):
        calling = {name: kwargs.pop(name) for name in CALLING_OPTION_NAMES}
        return func(calling=calling, **kwargs)

    for opt in reversed(opts):
        collect = opt(collect)
    return collect


#: The parameters of :func:`calling_options`, handed to the command as one ``calling`` dict.
CALLING_OPTION_NAMES = ("genes_bed", "arms_bed", "sex", "purity", "ploidy", "sample_sheet", "vcf_sample",
                        "allow_other_build", "threshold_pairs", "log2_set", "panel_bed", "ffpe", "transcripts_dir",
                        "strict")


def _classify_options(calling: dict) -> dict:
    """The keyword arguments of :func:`lms_genomics.sample.iter_classify` from the calling options."""
    thresholds = _parse_thresholds(calling["threshold_pairs"], calling["log2_set"])
    if calling["ffpe"]:
        thresholds = thresholds.with_overrides(variant_ffpe=True)
    return {"thresholds": thresholds, "genes": calling["genes_bed"], "arms": calling["arms_bed"],
            "sex": calling["sex"], "purity": calling["purity"], "ploidy": calling["ploidy"],
            "sample_sheet": calling["sample_sheet"], "check_build": not calling["allow_other_build"],
            "panel_bed": calling["panel_bed"], "transcripts": calling["transcripts_dir"],
            "vcf_sample": calling["vcf_sample"], "strict": calling["strict"]}


class _Null:
    def __enter__(self):
        return None

    def __exit__(self, *exc):
        return False


def _exporter(formats: tuple[str, ...], report_formats: tuple[str, ...] = ()):
    """One Chromium for every static figure and PDF report of the run; found (or the run stops with exit 6 in
    one line) before any output is written."""
    from lms_genomics.report.outputs import needs_browser

    if not needs_browser(formats, report_formats):
        return _Null()
    from lms_genomics.report.static_export import BrowserCheck, FigureExporter

    return FigureExporter() if needs_browser(formats) else BrowserCheck()


def _plotly_js(results, out_dir: Path, formats: tuple[str, ...], report_formats: tuple[str, ...]) -> str:
    """Several samples' HTML files in one folder share one plotly.min.js; a single sample's stay self-contained."""
    html_files = sum(1 for r in results if "html" in formats and r.segments is not None) + \
        (len(results) if "html" in report_formats else 0)
    if len(results) < 2 or not html_files:
        return "embed"
    from lms_genomics.report.plotly_js import PLOTLY_JS_NAME, write_plotly_js

    write_plotly_js(out_dir)
    return PLOTLY_JS_NAME


@main.command(epilog=EXIT_CODES)
@click.argument("sample_dir", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for <sample>.json and <sample>.genes.tsv (default: current folder).")
@click.option("--json", "json_to", type=click.Choice(["-"]), default=None,
              help="'--json -' prints the JSON to stdout (and writes files only with --out).")
@click.option("--sample", "sample_name", default=None, help="Only this sample of a multi-sample export.")
@click.option("--plots", "plot_formats", default=None, metavar="FORMATS",
              help="Genome plot formats, comma-separated: html,png,pdf,svg (PNG/PDF/SVG need Chromium).")
@click.option("--report/--no-report", default=True, show_default=True,
              help="Write the tumour-board report <sample>.report.html (with --out).")
@click.option("--report-formats", "report_formats", default="html", show_default=True, metavar="FORMATS",
              help="Report formats: html (one offline file), pdf (A4, printed by Chromium), or html,pdf.")
@click.option("--name", "output_name", default=None, metavar="NAME",
              help="Name the files NAME.json, NAME.genes.tsv, NAME.report.html, ... instead of after the sample "
                   "(one sample only; the JSON's \"sample\" stays the name in the file). Letters, digits, . _ + -")
@calling_options
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
def classify(sample_dir: Path, out_dir: Path | None, json_to: str | None, sample_name: str | None,
             plot_formats: str | None, report: bool, report_formats: str, output_name: str | None,
             calling: dict, quiet: bool) -> None:
    """Call genes and classify the genomic profile of the sample in SAMPLE_DIR.

    \b
    SAMPLE_DIR is a folder holding a ChAS segment export or a log2 segment file (.seg from CBS/DNAcopy/
    GISTIC, CNVkit .cns), and optionally an Ion Torrent VCF, an Archer fusion output, a ChAS probe export
    (QC, plots) and a sample sheet, each found by content; or a copy-number file itself. A multi-sample
    file gives one result per sample; a part that is absent is reported "not_assessed". For log2
    inputs, copy number = (2^r (pP + 2(1-p)) - 2(1-p)) / p with purity p and ploidy P from
    --purity/--ploidy, the sample sheet, or 1 and 2.
    \b
    Examples:
      lmsgen classify case2/ --out results/
      lmsgen classify case2/ --json - | jq .genes.RB1
      lmsgen classify export.txt --sex female -t amp_min_cn=6
      lmsgen classify cohort.seg --sample-sheet samples.tsv --out results/
    \b
    Calls (per gene, over the segments that overlap it): homozygous deletion CN < 1; heterozygous
    deletion CN < 2; amplification CN >= 5; gain 2 < CN < 5; copy-neutral LOH = LOH without loss.
    Profile: A = Gain/Loss events on autosomes (per arm, same direction, copy numbers < 1 apart merged;
    a nested deeper event +1; a whole chromosome 1) above a 300 kb floor; flat A = 0, simple 1-10,
    complex > 10; GI = A^2/C, read against 10 (gi_class).
    """
    try:
        from lms_genomics.errors import NoInputError, UsageError
        from lms_genomics.report.outputs import (
            REPORT_FORMATS,
            OutputJournal,
            check_output_dir,
            parse_formats,
            too_large_for_report,
            write_sample_files,
        )
        from lms_genomics.report.summary import format_summary
        from lms_genomics.report.writers import compact_json, result_json
        from lms_genomics.sample import classify_all

        options = _classify_options(calling)
        formats = parse_formats(plot_formats)
        rformats = parse_formats(report_formats, REPORT_FORMATS, "report") if report and out_dir is not None else ()
        _check_output_name(output_name)
        target = out_dir if out_dir is not None else (None if json_to == "-" else Path.cwd())
        if target is not None:
            check_output_dir(target)  # an unwritable --out is refused before any work (exit 7)
        results = classify_all(sample_dir, samples=[sample_name] if sample_name else None, **options)
        if not results:
            raise NoInputError(f"{sample_dir}: no sample with usable data (every segment was dropped)")
        if output_name is not None and len(results) > 1:
            raise UsageError(f"--name names the files of one sample, but {sample_dir} holds {len(results)} "
                             f"({', '.join(r.sample for r in results[:5])}{', ...' if len(results) > 5 else ''}); "
                             f"choose one with --sample")
        stems: list[str] = []
        if target is not None:
            from lms_genomics.naming import StemRegistry

            registry = StemRegistry()  # two samples whose names are equal once file-safe get distinct files
            for r in results:
                stem, clash = (output_name, None) if output_name else registry.claim(r.sample, str(sample_dir))
                if clash:
                    r.warnings.append(clash)
                stems.append(stem)
        # Every sample is computed, and its JSON rendered, before any file is written: a sample that cannot be
        # written (a value no JSON holds) stops the run with nothing written.
        large = [too_large_for_report(r) for r in results]  # very many segments: no report/figure, compact JSON
        for r, why in zip(results, large, strict=True):
            if why:
                r.warnings.append(why)
        rendered = [compact_json(r, evidence=True) if why else (None, r.to_dict())
                    for r, why in zip(results, large, strict=True)]
        docs = [d for _, d in rendered]
        texts = [text if text is not None else result_json(r, doc=d)
                 for r, (text, d) in zip(results, rendered, strict=True)]
        written = []
        if target is not None:
            journal = OutputJournal(target, stems, extra=("plotly.min.js",))
            try:  # a failure part-way (full disk, a figure) removes what this run created
                with _exporter(formats, rformats) as exporter:
                    plotly_js = _plotly_js(results, target, formats, rformats)
                    for r, d, text, why, stem in zip(results, docs, texts, large, stems, strict=True):
                        written.extend(write_sample_files(r, target, plot_formats=() if why else formats,
                                                          report_formats=() if why else rformats,
                                                          exporter=exporter, plotly_js=plotly_js, stem=stem,
                                                          doc=None if why else d, json_text=text))
            except BaseException:
                journal.undo()
                raise
        if json_to == "-":
            click.echo(texts[0] if len(texts) == 1 else "[" + ",\n".join(texts) + "]")
        elif not quiet:
            for i, (r, d) in enumerate(zip(results, docs, strict=True)):
                tsv = f"{stems[i]}.variants.tsv" if stems else None
                click.echo(format_summary(r, doc=d, variants_tsv=tsv))
            if written:
                click.echo("wrote " + ", ".join(str(w) for w in written))
    except Exception as exc:  # one line on stderr, no traceback, documented exit code
        _fail(exc)


def _check_output_name(name: str | None) -> None:
    from lms_genomics.errors import UsageError
    from lms_genomics.report.writers import safe_file_stem

    if name is not None and safe_file_stem(name) != name:
        raise UsageError(f"--name {name!r}: use letters, digits and . _ + - only (e.g. {safe_file_stem(name)!r})")


@main.command(epilog=EXIT_CODES + "\n  9  cohort finished, but some samples failed (listed in cohort.tsv)")
@click.argument("cohort_path", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder for the per-sample JSONs, the gathered tables, cohort.tsv and cohort.html.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Worker processes (default: the available cores; 1 runs in-process).")
@click.option("--resume", is_flag=True, help="Skip samples whose outputs are up to date: same result key (every "
                                              "input file, sample-sheet row, option, threshold, reference and the "
                                              "lmsgen version) and every output present.")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="Run on Dask: a scheduler address (tcp://host:8786) or 'local' (needs the dask extra).")
@click.option("--evidence", is_flag=True,
              help="Also write each gene's evidence list (every overlapping segment) into the per-sample JSON, as "
                   "lmsgen classify does; by default cohort JSONs keep every other field and leave it out.")
@calling_options
@click.option("--quiet", "-q", is_flag=True, help="No progress, only the summary and errors.")
def cohort(cohort_path: Path, out_dir: Path, jobs: int | None, resume: bool, scheduler: str | None, evidence: bool,
           calling: dict, quiet: bool) -> None:
    """Classify every sample below COHORT_PATH and summarise the cohort.

    \b
    COHORT_PATH is a folder (every sub-folder holding inputs is a sample; a multi-sample file in a folder
    has that folder's sample sheet) or a multi-sample file (.seg, ChAS batch export), read once.
    Writes <name>.json per sample, named after its folder (a sample of a multi-sample file: after the
    sample), every name decided before any work starts (the same with -j 1 or -j N; the JSON without
    the per-gene evidence lists unless --evidence); every sample's gene calls, variants and segments
    gathered into cohort.genes.tsv, cohort.variants.tsv and cohort.igv.seg; then
    cohort.tsv (one row per sample: input folder or file#sample, output name, class, A, C, GI, FGA,
    key gene calls, TP53/RB1 mutations, biallelic status, fusions, QC verdict) and cohort.html (counts,
    gain/loss frequency, oncoprint grid). A failed sample is recorded and the others finish; a failed QC
    makes a sample non-contributory. On a terminal a progress bar counts samples, with rate and ETA.
    \b
    Examples:
      lmsgen cohort series/ --out results/ -j 2
      lmsgen cohort tcga.seg --sample-sheet samples.tsv --out results/ --resume
    """
    try:
        from lms_genomics.cohort import available_cores, discover, run_cohort
        from lms_genomics.report.cohort_report import CohortSummary, format_counts

        options = _classify_options(calling)
        units = discover(cohort_path, out_dir=out_dir)
        if not units:
            from lms_genomics.errors import NoInputError

            raise NoInputError(f"{cohort_path}: no sample folder or input file found")
        summary = CohortSummary(out_dir, background=scheduler is not None or (jobs or available_cores()) > 1)
        progress = _Progress(len(units)) if sys.stderr.isatty() and not quiet else None
        outcomes = run_cohort(units, out_dir, jobs=jobs, scheduler=scheduler, resume=resume, options=options,
                              evidence=evidence, on_total=progress.more if progress else None, root=cohort_path)
        try:
            for o in outcomes:
                summary.add(o)
                if progress is not None:
                    progress.step()
                elif not quiet:
                    state = o.status if o.status == "failed" else (
                        "non-contributory" if o.row.get("contribution") == "non-contributory"
                        else o.row.get("class", "")) + (" (up to date)" if o.status == "skipped" else "")
                    click.echo(f"lmsgen: {o.sample}: {state}" + (f": {o.error}" if o.error else ""), err=True)
        finally:
            if progress is not None:
                progress.close()
        _rows, counts, written = summary.write(out_dir)
        click.echo(format_counts(counts))
        click.echo("wrote " + ", ".join(str(w) for w in written))
        global _QUICK_EXIT
        _QUICK_EXIT = scheduler is None  # every output written and closed; a Dask client is left to close itself
        if counts["failed"]:
            for row in summary.failed():
                click.echo(f"lmsgen: failed: {row['sample']}: {row['error']}", err=True)
            sys.exit(9)
    except Exception as exc:
        _fail(exc)


class _Progress:
    """A one-line progress bar on stderr: samples done of the total, rate and ETA, redrawn at most 10 times a
    second (and at the end). The total grows when a multi-sample file is split."""

    def __init__(self, total: int) -> None:
        import time

        self.total, self.done, self.clock = total, 0, time.monotonic
        self.started = self.drawn = self.clock()
        self._draw()

    def more(self, n: int) -> None:
        self.total += n

    def step(self) -> None:
        self.done += 1
        if self.clock() - self.drawn >= 0.1 or self.done == self.total:
            self._draw()

    def _draw(self) -> None:
        self.drawn = now = self.clock()
        elapsed = now - self.started
        rate = self.done / elapsed if elapsed > 0 and self.done else 0.0
        left = (self.total - self.done) / rate if rate else None
        width = 30
        full = int(width * self.done / self.total) if self.total else width
        eta = f"{int(left // 60):d}:{int(left % 60):02d}" if left is not None else "-:--"
        sys.stderr.write(f"\rsamples [{'#' * full}{'-' * (width - full)}] {self.done}/{self.total} "
                         f"{rate:.1f}/s ETA {eta} ")
        sys.stderr.flush()

    def close(self) -> None:
        self._draw()
        sys.stderr.write("\n")
        sys.stderr.flush()


@main.command(epilog=EXIT_CODES)
@click.argument("results", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder for cohort.tsv and cohort.html (default: RESULTS when it is one folder).")
@click.option("--quiet", "-q", is_flag=True, help="Print only errors and warnings.")
def summarize(results: tuple[Path, ...], out_dir: Path | None, quiet: bool) -> None:
    """Write cohort.tsv and cohort.html from per-sample results already written, without classifying again.

    \b
    RESULTS are <sample>.json files of lmsgen classify or cohort, or folders of them (other JSON files there
    are passed over). The rows and counts are those lmsgen cohort writes for the same results. It is the
    gather step of workflows/Snakefile, and a cheap way to re-summarise a subset of a cohort. A sample found
    in several results, or results made with different versions or thresholds, are reported on stderr.
    \b
    Examples:
      lmsgen summarize results/
      lmsgen summarize results/case2.json results/case6.json --out board/
    """
    try:
        from lms_genomics.cohort import summarize_results
        from lms_genomics.errors import UsageError
        from lms_genomics.report.cohort_report import format_counts

        if out_dir is None:
            if len(results) != 1 or not results[0].is_dir():
                raise UsageError("--out is needed unless RESULTS is one folder")
            out_dir = results[0]
        _table, counts, written, notes = summarize_results(results, out_dir)
        for note in notes:
            click.echo(f"lmsgen: warning: {note}", err=True)
        if not quiet:
            click.echo(format_counts(counts))
            click.echo("wrote " + ", ".join(str(w) for w in written))
    except Exception as exc:
        _fail(exc)


@main.command(epilog=EXIT_CODES)
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the figures.")
@click.option("--formats", "plot_formats", default="html,png", show_default=True,
              help="Comma-separated: html,png,pdf,svg (PNG/PDF/SVG need Chromium).")
@click.option("--chromosome", default=None, help="Zoom on one chromosome (e.g. 17 or chrX).")
@click.option("--report", is_flag=True, help="Also write the tumour-board report <sample>.report.html.")
@click.option("--report-formats", "report_formats", default="html", show_default=True, metavar="FORMATS",
              help="With --report: html, pdf (A4, printed by Chromium) or html,pdf.")
@calling_options
def plot(source: Path, out_dir: Path, plot_formats: str, chromosome: str | None, report: bool, report_formats: str,
         calling: dict) -> None:
    """Draw the genome-profile figure of an existing result (<sample>.json) or of a sample.

    \b
    Examples:
      lmsgen plot results/case2.json --formats png,pdf
      lmsgen plot examples/case2 --chromosome 17 --formats html
    """
    try:
        from lms_genomics.report.outputs import (
            REPORT_FORMATS,
            check_output_dir,
            parse_formats,
            sample_figures,
            write_plots,
            write_sample_report,
        )

        formats = parse_formats(plot_formats)
        rformats = parse_formats(report_formats, REPORT_FORMATS, "report") if report else ()
        check_output_dir(out_dir)
        results = _results_of(source, calling)
        written = []
        with _exporter(formats, rformats) as exporter:
            for r in results:
                if r.segments is None:
                    click.echo(f"lmsgen: {r.sample}: copy number not assessed, nothing to plot", err=True)
                    continue
                figs = sample_figures(r)
                written += write_plots(r, out_dir, formats, chromosome=chromosome, exporter=exporter, figures=figs)
                if rformats:
                    paths = write_sample_report(r, out_dir, rformats, figures=figs, exporter=exporter)
                    written += paths if isinstance(paths, list) else [paths]
        click.echo("wrote " + ", ".join(str(w) for w in written) if written else "nothing written")
    except Exception as exc:
        _fail(exc)


def _results_of(source: Path, calling: dict):
    """Results from a result JSON (``<sample>.json``) or by classifying a sample folder/file."""
    if source.is_file() and source.suffix.lower() == ".json":
        from lms_genomics.result_doc import load_result

        return [load_result(source)]  # checked key by key: a malformed result is refused in one line (exit 3)
    from lms_genomics.sample import classify_all

    return classify_all(source, **_classify_options(calling))


@main.command(epilog=EXIT_CODES)
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Folder for the report files.")
@click.option("--formats", "report_formats", default="html", show_default=True,
              help="Comma-separated: html (one offline file), pdf (A4, printed by Chromium).")
@calling_options
def report(source: Path, out_dir: Path, report_formats: str, calling: dict) -> None:
    """Write the tumour-board report of an existing result (<sample>.json) or of a sample.

    \b
    Examples:
      lmsgen report results/case2.json --formats html,pdf --out results/
      lmsgen report examples/case2 --formats pdf
    """
    try:
        from lms_genomics.report.outputs import REPORT_FORMATS, check_output_dir, parse_formats, write_sample_report

        rformats = parse_formats(report_formats, REPORT_FORMATS, "report")
        check_output_dir(out_dir)
        results = _results_of(source, calling)
        written = []
        with _exporter((), rformats) as exporter:
            plotly_js = _plotly_js(results, out_dir, (), rformats)
            for r in results:
                paths = write_sample_report(r, out_dir, rformats, exporter=exporter, plotly_js=plotly_js)
                written += paths if isinstance(paths, list) else [paths]
        click.echo("wrote " + ", ".join(str(w) for w in written) if written else "nothing written")
    except Exception as exc:
        _fail(exc)


if __name__ == "__main__":  # pragma: no cover
    main()
