"""`dedup compare` through CliRunner, every bad-input path, and once as a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from dedup.cli import cli

SEEDS = Path(__file__).parent.parent.parent / "fixtures" / "pairs" / "seeds-rewrite"
INDEPENDENT = Path(__file__).parent.parent.parent / "fixtures" / "pairs" / "seeds-independent-of-original"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_compare_prints_a_human_verdict() -> None:
    result = _run("compare", str(SEEDS / "a.txt"), str(SEEDS / "b.txt"))
    assert result.exit_code == 0, result.output
    first_line = result.stdout.splitlines()[0]
    assert first_line.startswith("DERIVED (rewrite")
    assert "b.txt derives from" in first_line and first_line.endswith("(original chosen by content)")


def test_compare_json_contract() -> None:
    result = _run("compare", str(SEEDS / "b.txt"), str(SEEDS / "a.txt"), "--json")
    assert result.exit_code == 0, result.output
    verdict = json.loads(result.stdout)
    assert {"a", "b", "derived", "confidence", "original", "kind", "scores", "changes"} <= verdict.keys()
    assert verdict["a"]["path"].endswith("b.txt") and verdict["a"]["title"]
    assert (verdict["derived"], verdict["original"], verdict["kind"]) == (True, "b", "rewrite")
    assert 0.0 <= verdict["confidence"] <= 1.0
    assert all(0.0 <= value <= 1.0 for value in verdict["scores"].values())
    texts = {"a": (SEEDS / "b.txt").read_text(), "b": (SEEDS / "a.txt").read_text()}
    for pair in verdict["evidence"]:
        for side in ("a", "b"):
            assert texts[side][pair[side]["start"] : pair[side]["end"]] == pair[side]["text"]


def test_pairs_mode_keeps_input_order_in_one_process(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(
        f"{SEEDS / 'a.txt'}\t{SEEDS / 'b.txt'}\n{INDEPENDENT / 'a.txt'}\t{INDEPENDENT / 'b.txt'}\n"
        f"{SEEDS / 'b.txt'}\t{SEEDS / 'a.txt'}\n"
    )
    result = _run("compare", "--pairs", str(pairs), "--json")
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(v["derived"], v["original"]) for v in verdicts] == [(True, "a"), (False, None), (True, "b")]


def test_pairs_mode_reports_a_bad_pair_and_goes_on(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    missing = tmp_path / "missing.txt"
    pairs.write_text(f"{missing}\t{SEEDS / 'b.txt'}\n{SEEDS / 'a.txt'}\t{SEEDS / 'b.txt'}\n")
    result = _run("compare", "--pairs", str(pairs), "--json")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert json.loads(lines[0]) == {"error": f"{missing}: no such file"}
    assert json.loads(lines[1])["derived"] is True
    assert result.stderr.strip().splitlines() == [f"error: {missing}: no such file"]


def test_pairs_mode_reads_files_with_the_size_limit_given(tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.tsv"
    pairs.write_text(f"{SEEDS / 'a.txt'}\t{SEEDS / 'b.txt'}\n")
    result = _run("compare", "--pairs", str(pairs), "--json", "--max-bytes", "1000")
    assert result.exit_code == 1
    assert "over the --max-bytes limit of 1,000 bytes" in json.loads(result.stdout.splitlines()[0])["error"]


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("binary.txt", b"\x00\x01\x02\x03PK\x03\x04" * 20, "binary file"),
        ("broken.json", b'{"text": "unterminated', ":1: not valid JSON"),
        ("no-text.json", b'{"title": "only a title"}', "no `text` or `html` field"),
        ("list.jsonl", b'{"text": "one"}\n{"text": "two"}\n', "holds 2 records"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(tmp_path: Path, name: str, content: bytes, problem: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    result = _run("compare", str(bad), str(SEEDS / "a.txt"))
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bad}")
    assert problem in lines[0]
    assert "Traceback" not in result.output


def test_missing_file_is_one_line() -> None:
    result = _run("compare", "no/such/file.txt", str(SEEDS / "a.txt"))
    assert result.exit_code == 1
    assert result.stderr.strip() == "error: no/such/file.txt: no such file"


def test_usage_errors_keep_exit_2() -> None:
    assert _run("compare", str(SEEDS / "a.txt")).exit_code == 2
    assert _run("compare", "--bogus").exit_code == 2


def test_every_command_has_help_text() -> None:
    for name, command in cli.commands.items():
        assert command.help and command.help.strip(), name
        result = _run(name, "--help")
        assert result.exit_code == 0 and "Usage:" in result.stdout


def test_real_subprocess_compare() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "dedup", "compare", str(SEEDS / "a.txt"), str(SEEDS / "b.txt"), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    verdict = json.loads(completed.stdout)
    assert (verdict["derived"], verdict["original"], verdict["kind"]) == (True, "a", "rewrite")


def test_real_subprocess_bad_input_has_no_traceback(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    completed = subprocess.run(
        [sys.executable, "-m", "dedup", "compare", str(empty), str(SEEDS / "a.txt")],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 1
    assert completed.stderr == f"error: {empty}: empty file\n"
