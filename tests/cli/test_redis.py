"""`dedup scan` and `dedup flags` on a redis:// index, through CliRunner; bad Redis input is one line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner, Result

from dedup.cli import cli
from tests.redis_server import _free_port

GOOD = Path(__file__).resolve().parents[2] / "fixtures" / "feeds" / "good"


def _run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def test_scan_and_flags_on_redis_match_sqlite(tmp_path: Path, redis_url: str) -> None:
    on_sqlite = _run("scan", str(GOOD), "--index", str(tmp_path / "i.sqlite"))
    on_redis = _run("scan", str(GOOD), "--index", redis_url, "--retain-days", "7")
    assert on_redis.exit_code == 0, on_redis.output
    flag_ids = [json.loads(line)["id"] for line in on_redis.stdout.splitlines()]
    assert sorted(flag_ids) == sorted(json.loads(line)["id"] for line in on_sqlite.stdout.splitlines())
    assert on_redis.stderr.splitlines()[-1].startswith("10 items read, 10 new, 3 flagged")
    listed = _run("flags", "--index", redis_url, "--json")
    assert [json.loads(line)["id"] for line in listed.stdout.splitlines()] == flag_ids
    again = _run("scan", str(GOOD), "--index", redis_url)
    assert again.stdout == ""
    assert "0 new, 0 flagged" in again.stderr


def test_an_unreachable_redis_is_one_line_and_exit_1() -> None:
    url = f"redis://:hunter2@127.0.0.1:{_free_port()}/0"
    result = _run("scan", str(GOOD), "--index", url)
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert line.startswith(f"error: {url.replace('hunter2', '***')}: ")
    assert "Redis unreachable" in line
    assert "hunter2" not in result.output


def test_retention_on_sqlite_keeps_the_same_flags(tmp_path: Path) -> None:
    plain = _run("scan", str(GOOD), "--index", str(tmp_path / "plain.sqlite"))
    retained = _run("scan", str(GOOD), "--index", str(tmp_path / "i.sqlite"), "--retain-days", "7")
    assert retained.exit_code == 0, retained.output
    assert sorted(retained.stdout.splitlines()) == sorted(plain.stdout.splitlines())
    assert retained.stdout.count("\n") == 3


def test_bad_queue_options_are_usage_errors(redis_url: str) -> None:
    for option, value in (("--queue-batch", "0"), ("--retain-days", "0"), ("--claim-idle", "-1")):
        result = _run("scan", str(GOOD), "--index", redis_url, option, value)
        assert result.exit_code == 2
        assert option in result.stderr
