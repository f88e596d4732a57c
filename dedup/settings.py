"""Frozen settings: signature parameters, alignment and verdict thresholds, fitted weights."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of dedup, passed explicitly; the defaults are the measured ones."""

    # MinHash over word shingles (datasketch). Changing these invalidates stored signatures.
    shingle_words: int = 5
    num_perm: int = 128
    minhash_seed: int = 1
    # Hashed TF-IDF space for sentence vectors.
    hash_features: int = 2**20
    # A sentence pair is aligned when its TF-IDF cosine reaches this; order is judged on looser
    # matches, and the in-order alignment score counts pairs above the loosest floor.
    align_min_similarity: float = 0.35
    order_min_similarity: float = 0.25
    monotone_min_similarity: float = 0.20
    # Verbatim reuse: a derivative that keeps this share of its narrative (unquoted, not name-run)
    # 5-word shingles from the other text and shares its specific numbers and names is derived
    # whatever the paraphrase model says. Set on rewrites + real-pairs: every partial reuse there
    # passes, and no same-event pair by another outlet does (they share quotes, not prose).
    verbatim_min_containment: float = 0.06
    verbatim_min_number_overlap: float = 0.3
    verbatim_min_name_number_overlap: float = 0.55
    # Kind thresholds on shingle overlap and alignment coverage.
    copy_min_jaccard: float = 0.90
    light_edit_min_containment: float = 0.45
    partial_max_derivative_coverage: float = 0.60
    partial_max_original_coverage: float = 0.70


DEFAULT_SETTINGS = Settings()
