"""dedup: find documents derived from others (copies, edits, AI rewrites) and diff their facts."""

from __future__ import annotations

import logging

from dedup.comparison.compare import compare
from dedup.errors import DedupError
from dedup.facts.diff import diff_facts
from dedup.facts.extract import extract_facts
from dedup.index import open_index
from dedup.model import (
    ChangeKind,
    Comparison,
    DerivationKind,
    Document,
    Fact,
    FactChange,
    FactDiff,
    FactKind,
    Facts,
    Flag,
    ItemRef,
    ScanSummary,
    Scores,
    Span,
    Verdict,
)
from dedup.profile.profile import Profile, profile_document
from dedup.scanning.scan import scan
from dedup.settings import DiffSettings, ScanOptions, Settings
from dedup.sources.load import load_document

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "ChangeKind",
    "Comparison",
    "DedupError",
    "DerivationKind",
    "DiffSettings",
    "Document",
    "Fact",
    "FactChange",
    "FactDiff",
    "FactKind",
    "Facts",
    "Flag",
    "ItemRef",
    "Profile",
    "ScanOptions",
    "ScanSummary",
    "Scores",
    "Settings",
    "Span",
    "Verdict",
    "compare",
    "diff_facts",
    "extract_facts",
    "load_document",
    "open_index",
    "profile_document",
    "scan",
]
