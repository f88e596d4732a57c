"""Comparison / FactDiff -> JSON-ready dicts and short human-readable text."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from dedup.comparison.weights import DERIVED_MIN_PROBABILITY
from dedup.model import (
    ChangeKind,
    Comparison,
    Document,
    FactChange,
    FactDiff,
    Flag,
    ItemRef,
    ScanSummary,
    Span,
)
from dedup.report.terminal import one_line

_EVIDENCE_PAIRS = 5


def document_json(document: Document) -> dict[str, Any]:
    """Describe a document for JSON output."""
    described: dict[str, Any] = {"path": document.path or document.id, "title": document.title}
    if document.url:
        described["url"] = document.url
    if document.published:
        described["published"] = document.published.isoformat()
    return described


def span_json(span: Span | None, text: str) -> dict[str, Any] | None:
    """Describe a span with the exact text it covers."""
    if span is None:
        return None
    return {"start": span.start, "end": span.end, "text": span.slice(text)}


def change_json(change: FactChange, original: Document, derivative: Document) -> dict[str, Any]:
    """Describe one fact change with exact spans into both documents."""
    return {
        "type": str(change.kind),
        "fact": change.fact,
        "original": span_json(change.original, original.text),
        "derivative": span_json(change.derivative, derivative.text),
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """Describe a comparison as the `compare --json` object."""
    verdict = comparison.verdict
    a, b = comparison.a, comparison.b
    strongest = sorted(comparison.alignment, key=lambda pair: -pair.similarity)[:_EVIDENCE_PAIRS]
    return {
        "a": document_json(a),
        "b": document_json(b),
        "derived": verdict.is_derived,
        "confidence": verdict.confidence,
        "original": verdict.original,
        "kind": str(verdict.kind) if verdict.kind else None,
        "direction_by_time": verdict.direction_by_time,
        "reasons": list(comparison.reasons),
        "scores": {name: round(value, 4) for name, value in asdict(comparison.scores).items()},
        "direction": {name: round(value, 4) for name, value in asdict(comparison.direction).items()},
        "evidence": [
            {
                "similarity": pair.similarity,
                "a": span_json(pair.a_span, a.text),
                "b": span_json(pair.b_span, b.text),
            }
            for pair in strongest
        ],
        "changes": fact_changes_json(comparison.fact_diff),
    }


def fact_changes_json(diff: FactDiff | None) -> list[dict[str, Any]]:
    """Describe the changes of a fact diff, or nothing when there is none."""
    if diff is None:
        return []
    return [change_json(change, diff.original, diff.derivative) for change in diff.changes]


def fact_diff_json(diff: FactDiff) -> dict[str, Any]:
    """Describe a fact diff as the `diff --json` object."""
    return {
        "original": document_json(diff.original),
        "derivative": document_json(diff.derivative),
        "changes": fact_changes_json(diff),
    }


def comparison_text(comparison: Comparison) -> str:
    """Render a short human verdict with the strongest evidence."""
    verdict = comparison.verdict
    a, b = comparison.a, comparison.b
    names = {"a": a.path or a.id, "b": b.path or b.id}
    scores = comparison.scores
    lines = []
    confidence = f"confidence {verdict.confidence:.2f}, threshold {DERIVED_MIN_PROBABILITY:.2f}"
    if verdict.is_derived and verdict.original is not None:
        derivative = "b" if verdict.original == "a" else "a"
        how = "by publication time" if verdict.direction_by_time else "by content"
        lines.append(
            f"DERIVED ({verdict.kind}, {confidence}): "
            f"{names[derivative]} derives from {names[verdict.original]} (original chosen {how})"
        )
    elif verdict.is_derived:
        lines.append(
            f"DERIVED ({verdict.kind}, {confidence}): {names['a']} and {names['b']} are one text; "
            "which came first cannot be told, so changes read from a to b"
        )
    else:
        lines.append(f"NOT DERIVED ({confidence}): {names['a']} and {names['b']}")
    lines.extend(f"  because {reason}" for reason in comparison.reasons)
    lines.append(
        f"  minhash {scores.minhash_jaccard:.2f}  tfidf {scores.tfidf_cosine:.2f}  "
        f"aligned {scores.aligned_share_max:.2f}/{scores.aligned_share_min:.2f}  "
        f"in order {scores.ordered_coverage:.2f}  names {scores.name_overlap:.2f}  "
        f"rare words {scores.rare_term_overlap:.2f}"
    )
    for pair in sorted(comparison.alignment, key=lambda p: -p.similarity)[:3]:
        lines.append(f"  {pair.similarity:.2f}  a: {_quote(pair.a_span.slice(a.text), 90)}")
        lines.append(f"        b: {_quote(pair.b_span.slice(b.text), 90)}")
    if comparison.fact_diff is not None and comparison.fact_diff.changes:
        lines.append(fact_diff_text(comparison.fact_diff))
    return "\n".join(lines)


def fact_diff_text(diff: FactDiff) -> str:
    """Render fact changes grouped by type, quoting both sides."""
    lines = []
    for kind in ChangeKind:
        changes = [change for change in diff.changes if change.kind == kind]
        if not changes:
            continue
        lines.append(f"{kind.upper()} ({len(changes)})")
        for change in changes:
            lines.append(f"  - {change.fact}")
            if change.original is not None:
                lines.append(f"      original:   {_quote(change.original.slice(diff.original.text))}")
            if change.derivative is not None:
                lines.append(f"      derivative: {_quote(change.derivative.slice(diff.derivative.text))}")
    return "\n".join(lines) if lines else "no fact changes found"


def _quote(text: str, max_chars: int = 0) -> str:
    flat = " ".join(text.split())
    if max_chars and len(flat) > max_chars:
        flat = flat[: max_chars - 1] + "\u2026"
    return f'"{flat}"'


def flag_json(flag: Flag) -> dict[str, Any]:
    """Describe a flag as the one-line JSON object `scan` prints and `flags --json` lists."""
    return {
        "id": flag.id,
        "item": flag.item.as_json(),
        "source": flag.source.as_json(),
        "kind": str(flag.kind),
        "confidence": flag.confidence,
        "original": flag.original,
        "changes": [
            {
                "type": str(change.kind),
                "fact": change.fact,
                "original": _span_pair(change.original),
                "derivative": _span_pair(change.derivative),
            }
            for change in flag.changes
        ],
    }


def flag_text(flag: Flag) -> str:
    """Render a flag as one line: kind, confidence, the item and the source it derives from."""
    original, derivative = (flag.source, flag.item) if flag.original == "source" else (flag.item, flag.source)
    changes = f", {len(flag.changes)} fact changes" if flag.changes else ""
    return (
        f"{flag.kind} ({flag.confidence:.2f}{changes}): {_ref_text(derivative)} "
        f"derives from {_ref_text(original)}"
    )


def scan_summary_text(summary: ScanSummary) -> str:
    """Render a scan's counts as one line for stderr; "flagged" counts flags (an item may have two)."""
    return (
        f"{summary.read} items read, {summary.new} new, {summary.flags} flagged "
        f"({summary.compared} compared), {summary.skipped} skipped with errors; "
        f"{summary.docs_per_s:.0f} docs/s over {summary.elapsed_s:.1f} s"
    )


def _ref_text(ref: ItemRef) -> str:
    # An id comes from the feed: kept on one line, so that one flag is one line.
    return f"{one_line(ref.id)} {_quote(ref.title, 70)}" if ref.title else one_line(ref.id)


def _span_pair(span: Span | None) -> dict[str, int] | None:
    return None if span is None else {"start": span.start, "end": span.end}
