"""The machinery of the bad-input matrix (issue 13): a Case, the files it builds, how it is checked.

A case names what it builds (files under tmp_path, answers of the loopback server), the exit code,
the one `error:` or `skipped:` line it must print (a regex; None when it prints none), and what
must still have been read: the items counted in the summary line, or the verdict `compare` printed.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from dedup.cli import cli
from tests.http_server import FeedServer

REPO = Path(__file__).resolve().parents[2]
GOOD = REPO / "fixtures" / "feeds" / "good"
SEEDS = REPO / "fixtures" / "pairs" / "seeds-rewrite"
ESCAPES = "\x1b]0;owned\x07\x1b[2J\x9b31m"  # retitle the terminal, clear it, a C1 CSI
SUMMARY = re.compile(r"^(\d+) items read, (\d+) new, (\d+) flagged")

Build = Callable[[Path, FeedServer], list[str]]
Check = Callable[[Path, Result], None]


@dataclass(frozen=True)
class Case:
    build: Build  # makes the files (and server answers) and returns the CLI arguments
    exit_code: int
    line: str | None  # the one error/skipped line, as a regex; None: no such line
    check: Check | None = None  # what must not be lost
    told: int = 1  # error and skipped lines printed; `line` matches the last


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def article(words: int = 80, topic: str = "harbour bridge") -> str:
    sentence = f"Councillors in Marrowby voted on Tuesday to rebuild the {topic} for 42.5 million pounds."
    return " ".join([sentence] * (words // 14 + 1))


def rss(items: str) -> str:
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>{items}</channel></rss>'


def scan_args(*sources: str, extra: tuple[str, ...] = ()) -> Callable[[Path], list[str]]:
    def args(tmp: Path) -> list[str]:
        return ["scan", *sources, "--index", str(tmp / "i.sqlite"), *extra]

    return args


def read(expected: int) -> Check:
    """The summary line says `expected` items were read: nothing the case should keep was lost."""

    def check(tmp: Path, result: Result) -> None:
        del tmp
        summaries = [found for line in result.stderr.splitlines() if (found := SUMMARY.match(line))]
        assert len(summaries) == 1, result.stderr
        assert int(summaries[0].group(1)) == expected, result.stderr

    return check


def printed(pattern: str) -> Check:
    def check(tmp: Path, result: Result) -> None:
        del tmp
        assert re.search(pattern, result.stdout), result.stdout

    return check


def run_case(case: Case, tmp_path: Path, server: FeedServer) -> None:
    """Run one case through the CLI and check it: exit code, the one line, no traceback, nothing lost."""
    args = case.build(tmp_path, server)
    result = CliRunner().invoke(cli, args)
    assert "Traceback" not in result.output, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == case.exit_code, result.output
    told = [line for line in result.stderr.splitlines() if line.startswith(("error: ", "skipped: "))]
    if case.line is None:
        assert told == [], told
    else:
        assert len(told) == case.told, told
        assert re.search(case.line, told[-1]), told[-1]
    if case.exit_code == 1 and args[0] != "scan":
        assert result.stderr.splitlines() == told  # the one line is all there is
    if case.check is not None:
        case.check(tmp_path, result)
