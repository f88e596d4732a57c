"""The dedup command line: a thin click layer over the library; the single error boundary.

The stages load when a command runs, not when the CLI does, so `dedup --help` and a usage error
cost no scikit-learn, scipy or trafilatura import (benchmarks/bench_startup.py; issue 13).
"""

from __future__ import annotations

import signal
import sys
from dataclasses import replace
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

import click

from dedup.errors import DedupError, IndexStoreError, InputError
from dedup.report.terminal import json_line, one_line, terminal_safe
from dedup.settings import (
    DEFAULT_QUEUE_SETTINGS,
    DEFAULT_SOURCE_SETTINGS,
    QueueSettings,
    ScanOptions,
    SourceSettings,
)

if TYPE_CHECKING:
    from tqdm import tqdm

    from dedup.model import Flag
    from dedup.scanning.scan import ScanStep, ScanTally


class _DedupFailure(click.ClickException):
    """A DedupError on its way out: one line on stderr, exit status 1."""

    exit_code = 1

    def show(self, file: object = None) -> None:
        click.echo(f"error: {one_line(self.message)}", err=True)


class _ErrorBoundaryGroup(click.Group):
    """The single place where bad input becomes `error: <message>` and exit 1, not a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DedupError as error:
            raise _DedupFailure(str(error)) from error


def _max_bytes_option(command: Any) -> Any:
    return click.option(
        "--max-bytes",
        type=click.IntRange(min=1),
        default=DEFAULT_SOURCE_SETTINGS.max_bytes,
        show_default=True,
        help="Largest document text taken (UTF-8 bytes); a larger one is refused, or skipped by scan.",
    )(command)


@click.group(cls=_ErrorBoundaryGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dedup")
def cli() -> None:
    """Detect derivative content: copies, light edits, AI-style rewrites and partial reuse."""


@cli.command()
@click.argument("first", required=False, type=click.Path(dir_okay=False))
@click.argument("second", required=False, type=click.Path(dir_okay=False))
@click.option(
    "--pairs", "pairs_file", type=click.Path(dir_okay=False), help="Tab-separated path pairs, one a line."
)
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per comparison.")
@click.option("--html", "html_file", type=click.Path(dir_okay=False), help="Also write an HTML report here.")
@_max_bytes_option
def compare(
    first: str | None,
    second: str | None,
    pairs_file: str | None,
    as_json: bool,
    html_file: str | None,
    max_bytes: int,
) -> None:
    """Decide whether FIRST and SECOND derive from each other, which is the original, and how."""
    from dedup.comparison.compare import compare as compare_documents
    from dedup.report.text import comparison_json, comparison_text
    from dedup.sources.load import load_document

    if pairs_file is not None:
        if first or second or html_file:
            raise click.UsageError("give either two documents or --pairs, not both (--html needs two)")
        _compare_many(pairs_file, as_json, replace(DEFAULT_SOURCE_SETTINGS, max_bytes=max_bytes))
        return
    if not first or not second:
        raise click.UsageError("compare needs two documents (or --pairs FILE)")
    sources = replace(DEFAULT_SOURCE_SETTINGS, max_bytes=max_bytes)
    comparison = compare_documents(load_document(first, sources), load_document(second, sources))
    # The verdict first: a report that cannot be written must not cost the answer.
    _echo(json_line(comparison_json(comparison)) if as_json else comparison_text(comparison))
    if html_file is not None:
        from dedup.report.folder import comparison_html, write_html

        write_html(comparison_html(comparison), html_file)


def _compare_many(pairs_file: str, as_json: bool, sources: SourceSettings) -> None:
    from dedup.comparison.pairs import compare_pairs, read_pairs_file
    from dedup.report.text import comparison_json, comparison_text

    failed = 0
    for result in compare_pairs(read_pairs_file(pairs_file), sources=sources):
        if isinstance(result, DedupError):
            failed += 1
            click.echo(f"error: {one_line(str(result))}", err=True)
            _echo(json_line({"error": str(result)}) if as_json else f"error: {one_line(str(result))}")
            continue
        _echo(json_line(comparison_json(result)) if as_json else comparison_text(result))
    if failed:
        raise SystemExit(1)


@cli.command()
@click.argument("original", type=click.Path(dir_okay=False))
@click.argument("derivative", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as one JSON object.")
@_max_bytes_option
def diff(original: str, derivative: str, as_json: bool, max_bytes: int) -> None:
    """List the facts DERIVATIVE omitted, softened, hardened, altered or added from ORIGINAL."""
    from dedup.facts.diff import diff_facts
    from dedup.report.text import fact_diff_json, fact_diff_text
    from dedup.sources.load import load_document

    sources = replace(DEFAULT_SOURCE_SETTINGS, max_bytes=max_bytes)
    result = diff_facts(load_document(original, sources), load_document(derivative, sources))
    _echo(json_line(fact_diff_json(result)) if as_json else fact_diff_text(result))


@cli.command()
@click.argument("sources", nargs=-1, required=True)
@click.option("--index", "index_location", required=True, help="Index: a SQLite file, or a redis:// URL.")
@click.option("--out", "out_file", type=click.Path(dir_okay=False), help="Append flags as JSONL to FILE.")
@click.option("--watch", is_flag=True, help="Keep polling the sources until interrupted.")
@click.option(
    "--interval",
    "interval_s",
    type=click.FloatRange(min=0.0),
    default=300.0,
    show_default=True,
    help="Seconds between polls of each source with --watch.",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Processes that sketch items ahead of the one writing the index; with 2 or more, one more"
    " runs the full compares.",
)
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False),
    help="Keep an HTML page per kept flag and an index.html here, updated as flags come.",
)
@_max_bytes_option
@click.option(
    "--fetch-deadline",
    "fetch_deadline_s",
    type=click.FloatRange(min=0.0, min_open=True),
    default=DEFAULT_SOURCE_SETTINGS.fetch_deadline_s,
    show_default=True,
    help="Seconds a whole http(s) fetch may take; a slower feed is skipped until the next poll.",
)
@click.option(
    "--retain-days",
    type=click.FloatRange(min=0.0, min_open=True),
    help="Forget indexed documents (their text, keys and postings) this many days after they were added.",
)
@click.option(
    "--retry-for",
    "retry_s",
    type=click.FloatRange(min=0.0),
    default=30.0,
    show_default=True,
    help="Redis: seconds to keep retrying an unreachable server before giving up.",
)
@click.option(
    "--claim-idle",
    "claim_idle_s",
    type=click.FloatRange(min=0.0),
    default=DEFAULT_QUEUE_SETTINGS.claim_idle_s,
    show_default=True,
    help="Redis: seconds before the items a silent scanner claimed or took are taken over.",
)
@click.option(
    "--queue-batch",
    "batch_size",
    type=click.IntRange(min=1),
    default=DEFAULT_QUEUE_SETTINGS.batch_size,
    show_default=True,
    help="Redis: items claimed and queued per round trip.",
)
def scan(
    sources: tuple[str, ...],
    index_location: str,
    out_file: str | None,
    watch: bool,
    interval_s: float,
    workers: int,
    report_dir: str | None,
    max_bytes: int,
    fetch_deadline_s: float,
    retain_days: float | None,
    retry_s: float,
    claim_idle_s: float,
    batch_size: int,
) -> None:
    """Flag items of SOURCES (feeds, URLs, JSON, JSONL, HTML, text, folders) derived from indexed ones.

    With a redis:// index, any number of scans may share it and each item is judged once. Exits 1
    when no source could be read (one unchanged since the last scan was).
    """
    from dedup.index import open_index
    from dedup.report.text import scan_summary_text
    from dedup.scanning.scan import ScanTally
    from dedup.scanning.scan import scan as scan_sources

    queue = QueueSettings(batch_size=batch_size, claim_idle_s=claim_idle_s)
    reading = SourceSettings(max_bytes=max_bytes, fetch_deadline_s=fetch_deadline_s)
    options = ScanOptions(
        watch_interval_s=interval_s if watch else None, queue=queue, workers=workers, sources=reading
    )
    tally = ScanTally()
    # SIGTERM stops a scan as Ctrl-C does: workers, the index and --out are closed on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    index = open_index(index_location, retain_days=retain_days, retry_s=retry_s)
    with index, _ScanOutput(out_file, tally) as output:
        # The folder follows the scan, so a moderator watching a feed sees each flag's page at once.
        report = None
        if report_dir is not None:
            from dedup.report.folder import ReportFolder

            report = ReportFolder(report_dir, index, options.settings)
            report.sync(index.flags())
        try:
            for flag in scan_sources(sources, index, options, on_step=output.step):
                output.flag(flag)
                if report is not None:
                    report.sync([flag])
        except KeyboardInterrupt:
            if not watch:
                raise
        if report is not None:
            report.sync(index.flags())  # flags other scanners of a shared index kept meanwhile
    click.echo(scan_summary_text(tally.summary()), err=True)
    if tally.read == 0 and tally.unchanged == 0 and tally.skipped > 0:
        raise InputError(f"no source could be read ({len(sources)} given); see the skipped lines")


@cli.command()
@click.option("--index", "index_location", required=True, help="Index: a SQLite file, or a redis:// URL.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object per flag.")
def flags(index_location: str, as_json: bool) -> None:
    """List the flags kept in the index, oldest first."""
    from dedup.index import open_index
    from dedup.report.text import flag_json, flag_text

    if not index_location.startswith(("redis://", "rediss://")) and not Path(index_location).exists():
        # Listing must not create: a mistyped path would list an empty new index and say nothing.
        raise IndexStoreError(f"{index_location}: no such index (dedup scan creates one)")
    with open_index(index_location) as index:
        for flag in index.flags():
            _echo(json_line(flag_json(flag)) if as_json else flag_text(flag))


class _ScanOutput:
    """Where a scan's flags, bad-input lines and progress go: stdout or --out, and stderr."""

    def __init__(self, out_file: str | None, tally: ScanTally) -> None:
        self._out_file = out_file
        self._tally = tally
        self._stream: TextIO = sys.stdout
        self._progress: tqdm[None] | None = None

    def __enter__(self) -> _ScanOutput:
        if self._out_file is not None:
            try:
                self._stream = open(self._out_file, "a", encoding="utf-8")  # closed in __exit__
            except OSError as exc:
                raise InputError(f"{self._out_file}: cannot write ({exc.strerror})") from exc
        if sys.stderr.isatty():
            from tqdm import tqdm

            self._progress = tqdm(desc="scan", unit=" items", file=sys.stderr, dynamic_ncols=True)
        return self

    def __exit__(self, *exc_info: object) -> None:
        if self._progress is not None:
            self._progress.close()
        if self._stream is not sys.stdout:
            self._stream.close()

    def step(self, step: ScanStep) -> None:
        self._tally.add(step)
        if step.error is not None:
            self._note(f"skipped: {one_line(str(step.error))}")
        if self._progress is not None and not step.is_unchanged:
            self._progress.update(1)
            self._progress.set_postfix(new=self._tally.new, flagged=self._tally.flags, refresh=False)

    def flag(self, flag: Flag) -> None:
        from dedup.report.text import flag_json

        self._stream.write(json_line(flag_json(flag)) + "\n")
        self._stream.flush()

    def _note(self, line: str) -> None:
        if self._progress is not None:
            self._progress.write(line, file=sys.stderr)
        else:
            click.echo(line, err=True)


def _echo(text: str) -> None:
    """Print text from documents: their control characters are shown, not sent to the terminal."""
    click.echo(terminal_safe(text))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    del signum, frame
    raise KeyboardInterrupt


def main() -> None:
    """Run the CLI; the group turns every DedupError into one line on stderr and exit status 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except BrokenPipeError:
        sys.exit(0)
