"""The dedup command line: a thin click layer over the library; the single error boundary."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

from dedup.compare import compare as compare_documents
from dedup.errors import DedupError
from dedup.html_report import comparison_html, write_html
from dedup.load import load_document
from dedup.pairs import compare_pairs, read_pairs_file
from dedup.report import comparison_json, comparison_text


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
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
def compare(
    first: str | None, second: str | None, pairs_file: str | None, as_json: bool, html_file: str | None
) -> None:
    """Decide whether FIRST and SECOND derive from each other, which is the original, and how."""
    if pairs_file is not None:
        if first or second or html_file:
            raise click.UsageError("give either two documents or --pairs, not both (--html needs two)")
        _compare_many(read_pairs_file(pairs_file), as_json)
        return
    if not first or not second:
        raise click.UsageError("compare needs two documents (or --pairs FILE)")
    comparison = compare_documents(load_document(first), load_document(second))
    if html_file is not None:
        write_html(comparison_html(comparison), html_file)
    click.echo(_dumps(comparison_json(comparison)) if as_json else comparison_text(comparison))


def _compare_many(pairs: list[tuple[str, str]], as_json: bool) -> None:
    failed = 0
    for result in compare_pairs(pairs):
        if isinstance(result, DedupError):
            failed += 1
            click.echo(f"error: {result}", err=True)
            click.echo(_dumps({"error": str(result)}) if as_json else f"error: {result}")
            continue
        click.echo(_dumps(comparison_json(result)) if as_json else comparison_text(result))
    if failed:
        raise SystemExit(1)


def _dumps(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False)


def main() -> None:
    """Run the CLI, turning every DedupError into one line on stderr and exit status 1."""
    try:
        cli.main(standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(error.exit_code)
    except DedupError as error:
        click.echo(f"error: {error}", err=True)
        sys.exit(1)
    except BrokenPipeError:
        sys.exit(0)
