"""dedup: find documents derived from others (copies, edits, AI rewrites) and diff their facts."""

from __future__ import annotations

import importlib
import logging
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# Each public name and the module that defines it. They are imported on first use (PEP 562):
# `dedup --help` must not pay for scikit-learn, scipy and trafilatura (issue 13).
_HOMES = {
    "ChangeKind": "dedup.model",
    "Comparison": "dedup.model",
    "DedupError": "dedup.errors",
    "DerivationKind": "dedup.model",
    "DiffSettings": "dedup.settings",
    "Document": "dedup.model",
    "Fact": "dedup.model",
    "FactChange": "dedup.model",
    "FactDiff": "dedup.model",
    "FactKind": "dedup.model",
    "Facts": "dedup.model",
    "Flag": "dedup.model",
    "ItemRef": "dedup.model",
    "Profile": "dedup.profile.profile",
    "ScanOptions": "dedup.settings",
    "ScanSummary": "dedup.model",
    "Scores": "dedup.model",
    "Settings": "dedup.settings",
    "Span": "dedup.model",
    "Verdict": "dedup.model",
    "compare": "dedup.comparison.compare",
    "diff_facts": "dedup.facts.diff",
    "extract_facts": "dedup.facts.extract",
    "load_document": "dedup.sources.load",
    "open_index": "dedup.index",
    "profile_document": "dedup.profile.profile",
    "scan": "dedup.scanning.scan",
}

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


def __getattr__(name: str) -> Any:
    """Import a public name from its module the first time it is asked for."""
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
