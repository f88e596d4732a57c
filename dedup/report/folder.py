"""Flags -> HTML pages over their texts, an index newest first, and a report folder holding them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Protocol

from dedup.comparison.compare import compare
from dedup.errors import ReportWriteError
from dedup.index.base import IndexRecord
from dedup.model import ChangeKind, Document, FactDiff, Flag, ItemRef, Verdict
from dedup.report.page import comparison_html as comparison_html  # re-exported: one import for every page
from dedup.report.page import format_time, page_html
from dedup.report.page import write_html as write_html
from dedup.settings import DEFAULT_SETTINGS, Settings

_INDEX_PAGE = "index.html"
_UNSAFE_NAME = re.compile(r"[^A-Za-z0-9_.-]")
_NAME_MAX_CHARS = 80
_DOT = " \u00b7 "


def flag_html(flag: Flag, item: Document, source: Document, settings: Settings = DEFAULT_SETTINGS) -> str:
    """Render a scan flag as a comparison page: the flag's verdict and changes over both texts.

    The flag keeps no alignment, so the two texts are compared again (pure, no I/O) for the rows;
    the verdict and the changes shown are the flag's own.
    """
    original, derivative = (item, source) if flag.original == "item" else (source, item)
    verdict = Verdict(
        is_derived=True,
        confidence=flag.confidence,
        original="a",
        kind=flag.kind,
        # The scan takes the earlier publication as the original whenever both times are known (issue 5).
        direction_by_time=original.published is not None and derivative.published is not None,
    )
    comparison = replace(
        compare(original, derivative, settings),
        verdict=verdict,
        fact_diff=FactDiff(original, derivative, flag.changes),
    )
    return comparison_html(comparison, f"dedup flag {flag.id}", index_href=_INDEX_PAGE)


def flags_index_html(flags: Sequence[Flag], pages: Mapping[str, str]) -> str:
    """Render the list of flags, newest item first, each linking to its page in `pages` (by flag id)."""
    entries = "".join(_flag_entry_html(flag, pages[flag.id]) for flag in newest_first(flags))
    body = (
        f"<header><h1>dedup flags</h1><p>{len(flags)} flagged item{'' if len(flags) == 1 else 's'}, "
        "newest first.</p></header>"
        f'<ol class="flags">{entries}</ol>'
    )
    return page_html("dedup flags", body)


def newest_first(flags: Iterable[Flag]) -> list[Flag]:
    """Order flags by their item's publication time, newest first; unknown times last, later flags first."""
    numbered = list(enumerate(flags))
    numbered.sort(key=lambda pair: (_timestamp(pair[1].item.published), pair[0]), reverse=True)
    return [flag for _, flag in numbered]


class RecordLookup(Protocol):
    """Where the texts a flag names are kept: an IndexStore, or any mapping of item id to record."""

    def get(self, item_id: str, /) -> IndexRecord | None:
        """Return the record stored under `item_id`, or None."""
        ...


class ReportFolder:
    """A report folder kept current while a scan runs: each flag's page as it comes, and the index.

    Page names follow the order flags arrive in, so a page once written keeps its name.
    """

    def __init__(
        self, directory: str | Path, records: RecordLookup, settings: Settings = DEFAULT_SETTINGS
    ) -> None:
        """Create the folder if needed; pages compare the flagged texts again with `settings`.

        Raises:
            ReportWriteError: the folder cannot be created.
        """
        self._folder = Path(directory)
        self._records = records
        self._settings = settings
        self._flags: list[Flag] = []
        try:
            self._folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            reason = exc.strerror or exc
            raise ReportWriteError(f"{self._folder}: cannot create report folder ({reason})") from exc

    def sync(self, flags: Iterable[Flag]) -> tuple[Path, ...]:
        """Write the pages of `flags` not written yet, then the index over every flag; return the paths.

        Raises:
            ReportWriteError: a page cannot be written.
        """
        known = {flag.id for flag in self._flags}
        fresh = []
        for flag in flags:
            if flag.id not in known:
                known.add(flag.id)
                fresh.append(flag)
        self._flags.extend(fresh)
        pages = _page_names(self._flags)
        written = [
            write_html(_flag_page(flag, self._records, self._settings), self._folder / pages[flag.id])
            for flag in fresh
        ]
        written.append(write_html(flags_index_html(self._flags, pages), self._folder / _INDEX_PAGE))
        return tuple(written)


def _flag_page(flag: Flag, records: RecordLookup, settings: Settings) -> str:
    item, source = records.get(flag.item.id), records.get(flag.source.id)
    if item is None or source is None:
        return flag_without_texts_html(flag)
    return flag_html(flag, item.to_document(), source.to_document(), settings)


def flag_without_texts_html(flag: Flag) -> str:
    """Render a flag whose texts the index no longer holds (expired): its verdict and change lines."""
    original, derivative = (flag.item, flag.source) if flag.original == "item" else (flag.source, flag.item)
    items = "".join(
        f'<li><mark class="change kind-{change.kind}">{change.kind}</mark> {escape(change.fact)}</li>'
        for change in flag.changes
    )
    changes = f"<ol>{items}</ol>" if items else "<p>No fact changes found.</p>"
    body = (
        f'<header><nav><a href="{_INDEX_PAGE}">All flags</a></nav><h1>{escape(f"dedup flag {flag.id}")}</h1>'
        f'<p class="verdict" id="verdict">{escape(f"Derived: {flag.kind}")} '
        f'<span class="confidence">confidence {flag.confidence:.2f}</span></p>'
        f'<dl class="documents">{_reference_html("Original", original)}'
        f"{_reference_html('Derivative', derivative)}</dl></header>"
        '<section class="changes"><p class="missing">The index no longer holds these texts, so the changes'
        f" are listed without quotes.</p>{changes}</section>"
    )
    return page_html(f"dedup flag {flag.id}", body)


def _reference_html(label: str, reference: ItemRef) -> str:
    return (
        f"<dt>{label}</dt><dd><strong>{escape(_reference_name(reference))}</strong>"
        f' <span class="details">published {format_time(reference.published)}</span></dd>'
    )


def _flag_entry_html(flag: Flag, page: str) -> str:
    original, derivative = (flag.item, flag.source) if flag.original == "item" else (flag.source, flag.item)
    counts = _DOT.join(
        f"{kind} {count}" for kind in ChangeKind if (count := sum(c.kind == kind for c in flag.changes))
    )
    return (
        f'<li><a href="{escape(page)}"><strong>{escape(_reference_name(derivative))}</strong></a>'
        f" \u2014 {escape(str(flag.kind))}, confidence {flag.confidence:.2f}"
        f'<span class="details"> \u00b7 published {format_time(derivative.published)}</span>'
        f"<br>derives from <strong>{escape(_reference_name(original))}</strong>"
        f'<span class="details"> \u00b7 published {format_time(original.published)}</span>'
        f'<br><span class="details">{escape(counts or "no fact changes")}</span></li>'
    )


def _page_names(flags: Sequence[Flag]) -> dict[str, str]:
    """Give each flag id a file name; ids are hashes, but anything unsafe in a name is replaced."""
    names: dict[str, str] = {}
    taken = {_INDEX_PAGE}
    for flag in flags:
        if flag.id in names:
            continue
        stem = _UNSAFE_NAME.sub("_", flag.id)[:_NAME_MAX_CHARS] or "flag"
        name, number = f"flag-{stem}.html", 1
        while name in taken:
            number += 1
            name = f"flag-{stem}-{number}.html"
        names[flag.id] = name
        taken.add(name)
    return names


def _timestamp(moment: datetime | None) -> float:
    if moment is None:
        return float("-inf")
    return (moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)).timestamp()


def _reference_name(reference: ItemRef) -> str:
    return reference.title or reference.url or reference.id
