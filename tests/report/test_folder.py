"""The report folder: a page per flag, the index newest first, expired texts, one-line errors."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from dedup.cli import cli
from dedup.errors import ReportWriteError
from dedup.index import IndexStore
from dedup.model import (
    ChangeKind,
    DerivationKind,
    FactChange,
    Flag,
    ItemRef,
    Span,
)
from dedup.report.folder import ReportFolder, newest_first
from tests.report.helpers import (
    _parse,
)


def test_newest_first_orders_by_item_time_unknown_last() -> None:
    def flag(name: str, published: datetime | None) -> Flag:
        return Flag(
            name, ItemRef(name, published=published), ItemRef("s"), DerivationKind.COPY, 1.0, "source"
        )

    flags = [
        flag("old", datetime(2024, 1, 1, tzinfo=UTC)),
        flag("unknown-first", None),
        flag("naive-new", datetime(2024, 3, 1)),
        flag("new", datetime(2024, 2, 1, tzinfo=UTC)),
        flag("unknown-later", None),
    ]
    assert [f.id for f in newest_first(flags)] == [
        "naive-new",
        "new",
        "old",
        "unknown-later",
        "unknown-first",
    ]


def test_report_dir_writes_a_page_per_flag_and_an_index(flagged_index: IndexStore, tmp_path: Path) -> None:
    flags = list(flagged_index.flags())
    folder = tmp_path / "reports" / "today"
    written = ReportFolder(folder, flagged_index).sync(flags)
    assert sorted(path.name for path in folder.iterdir()) == sorted(path.name for path in written)
    assert all(path.parent == folder for path in written)
    assert len(written) == len(flags) + 1 == 4
    index = _parse((folder / "index.html").read_text(encoding="utf-8"))
    linked = [href for href in index.hrefs if not href.startswith("#")]
    assert [(folder / href).exists() for href in linked] == [True, True, True]
    pages = {
        flag.id: (folder / href).read_text(encoding="utf-8")
        for flag, href in zip(newest_first(flags), linked, strict=True)
    }
    assert "dedup flag ../../etc/&lt;script&gt;" in pages["../../etc/<script>"]
    assert "<script" not in "".join(pages.values()).lower()
    seeds_flag = next(flag for flag in flags if flag.id == "seeds")
    source = flagged_index.get(seeds_flag.source.id)
    assert source is not None
    seeds_page = _parse(pages["seeds"])
    for index_of_change, change in enumerate(seeds_flag.changes):
        if change.original is not None:
            expected = change.original.slice(source.text)
            assert seeds_page.marked[(str(index_of_change), "original")] == expected
    assert "original chosen by publication time" in pages["seeds"]
    assert "original chosen by content" in pages["timeless"]
    assert 'href="index.html"' in pages["seeds"]


def test_report_folder_adds_each_flag_as_it_comes(flagged_index: IndexStore, tmp_path: Path) -> None:
    first, *others = list(flagged_index.flags())
    folder = tmp_path / "reports"
    report = ReportFolder(folder, flagged_index)
    written = report.sync([first])
    assert [path.name for path in written] == [f"flag-{_safe(first.id)}.html", "index.html"]
    assert len(_parse((folder / "index.html").read_text(encoding="utf-8")).hrefs) == 1
    again = report.sync([first, *others])  # a flag already written is not rendered twice
    assert len(again) == len(others) + 1
    index = _parse((folder / "index.html").read_text(encoding="utf-8"))
    assert len([href for href in index.hrefs if not href.startswith("#")]) == 1 + len(others)
    assert (folder / f"flag-{_safe(first.id)}.html").exists()


def _safe(flag_id: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "_.-" else "_" for ch in flag_id)


def test_report_dir_onto_a_file_is_one_line_error(flagged_index: IndexStore, tmp_path: Path) -> None:
    blocker = tmp_path / "taken"
    blocker.write_text("not a folder")
    with pytest.raises(ReportWriteError, match=r"taken: cannot create report folder"):
        ReportFolder(blocker, flagged_index).sync(flagged_index.flags())


def test_report_dir_lists_a_flag_whose_texts_expired(flagged_index: IndexStore, tmp_path: Path) -> None:
    change = FactChange(ChangeKind.OMITTED, "dropped: <script>x</script>", Span(0, 4), None)
    stray = Flag(
        "stray", ItemRef("nowhere", title="Gone"), ItemRef("no-time-a"), DerivationKind.COPY, 1.0, "source"
    )
    stray = replace(stray, changes=(change,))
    ReportFolder(tmp_path / "reports", flagged_index).sync([*flagged_index.flags(), stray])
    page = (tmp_path / "reports" / "flag-stray.html").read_text(encoding="utf-8")
    assert "The index no longer holds these texts" in page
    assert "dropped: &lt;script&gt;x&lt;/script&gt;" in page
    assert "<dt>Derivative</dt><dd><strong>Gone</strong>" in page
    assert 'href="flag-stray.html"' in (tmp_path / "reports" / "index.html").read_text(encoding="utf-8")


def test_scan_report_dir_writes_every_kept_flag(fixtures_dir: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    arguments = ["scan", str(fixtures_dir / "feeds" / "good"), "--index", str(tmp_path / "index.sqlite")]
    result = CliRunner().invoke(cli, [*arguments, "--report-dir", str(folder)])
    assert result.exit_code == 0, result.output
    flag_ids = [json.loads(line)["id"] for line in result.stdout.splitlines()]
    assert flag_ids
    pages = sorted(f"flag-{flag_id}.html" for flag_id in flag_ids)
    assert sorted(path.name for path in folder.iterdir()) == sorted([*pages, "index.html"])
    index = _parse((folder / "index.html").read_text(encoding="utf-8"))
    assert sorted(index.hrefs) == pages
    for flag_id in flag_ids:
        assert f"<h1>dedup flag {flag_id}</h1>" in (folder / f"flag-{flag_id}.html").read_text(
            encoding="utf-8"
        )
