"""dedup: find documents derived from others (copies, edits, AI rewrites) and diff their facts."""

from __future__ import annotations

import logging

from dedup.compare import compare
from dedup.errors import DedupError
from dedup.factdiff import diff_facts
from dedup.factrules import DiffSettings
from dedup.facts import extract_facts
from dedup.index import open_index
from dedup.load import load_document
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
    Scores,
    Span,
    Verdict,
)
from dedup.profile import Profile, profile_document
from dedup.scan import ScanOptions, ScanSummary, scan
from dedup.settings import Settings

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
