"""Kind: partial reuse needs material of the derivative's own; a loosely aligned restyle is a rewrite."""

from __future__ import annotations

from dataclasses import fields

from dedup.comparison.verdict import _kind
from dedup.model import DerivationKind, Scores
from dedup.settings import DEFAULT_SETTINGS

NO_SHARED_PROSE = Scores(**{field.name: 0.0 for field in fields(Scores)})


def test_poorly_aligned_text_with_material_of_its_own_is_partial_reuse() -> None:
    kind = _kind(NO_SHARED_PROSE, 0.3, 0.4, own_material=0.35, settings=DEFAULT_SETTINGS)
    assert kind is DerivationKind.PARTIAL


def test_poorly_aligned_text_that_restates_throughout_is_a_rewrite() -> None:
    # A chatty restyle: its sentences align loosely, yet each restates something of the original.
    kind = _kind(NO_SHARED_PROSE, 0.3, 0.4, own_material=0.0, settings=DEFAULT_SETTINGS)
    assert kind is DerivationKind.REWRITE
