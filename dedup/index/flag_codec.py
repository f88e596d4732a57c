"""Flags as compact JSON: the one form both index stores keep them in."""

from __future__ import annotations

import json
from typing import Any

from dedup.model import ChangeKind, DerivationKind, FactChange, Flag, ItemRef, Span


def encode_flag(flag: Flag) -> str:
    """Return the flag as compact JSON."""
    return json.dumps(
        {
            "id": flag.id,
            "item": flag.item.as_json(),
            "source": flag.source.as_json(),
            "kind": str(flag.kind),
            "confidence": flag.confidence,
            "original": flag.original,
            "changes": [_change_json(change) for change in flag.changes],
        },
        ensure_ascii=False,
        separators=(",", ":"),
    )


def decode_flag(text: str | bytes) -> Flag:
    """Invert `encode_flag`."""
    value = json.loads(text)
    original = value["original"]
    if original not in ("item", "source"):
        raise ValueError(f"flag {value['id']}: original is {original!r}")
    return Flag(
        id=value["id"],
        item=ItemRef.from_json(value["item"]),
        source=ItemRef.from_json(value["source"]),
        kind=DerivationKind(value["kind"]),
        confidence=float(value["confidence"]),
        original=original,
        changes=tuple(_change(change) for change in value["changes"]),
    )


def _span_json(span: Span | None) -> list[int] | None:
    return None if span is None else [span.start, span.end]


def _span(value: list[int] | None) -> Span | None:
    return None if value is None else Span(value[0], value[1])


def _change_json(change: FactChange) -> dict[str, Any]:
    return {
        "kind": str(change.kind),
        "fact": change.fact,
        "original": _span_json(change.original),
        "derivative": _span_json(change.derivative),
    }


def _change(value: dict[str, Any]) -> FactChange:
    return FactChange(
        kind=ChangeKind(value["kind"]),
        fact=value["fact"],
        original=_span(value["original"]),
        derivative=_span(value["derivative"]),
    )
