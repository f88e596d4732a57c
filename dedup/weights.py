"""Fitted logistic weights for the verdict; written by benchmarks/fit_verdict.py, do not edit by hand."""

from __future__ import annotations

DERIVED_INTERCEPT = -7.0
DERIVED_WEIGHTS: dict[str, float] = {
    "aligned_share_max": 1.0,
    "ordered_coverage": 2.0,
    "order_preservation": 2.5,
    "monotone_alignment": 1.0,
    "rare_term_overlap": 1.0,
    "weighted_term_overlap": 1.0,
    "number_overlap": 0.7,
    "name_overlap": 3.2,
    "rare_term_order": 1.6,
}
DERIVED_MIN_PROBABILITY = 0.5
DIRECTION_WEIGHTS: dict[str, float] = {
    "rare_term_containment": -1.17,
    "number_containment": -0.42,
    "name_containment": 0.55,
    "content_containment": -2.49,
    "specificity": 0.5,
    "quote_density": 1.18,
    "filler_density": 0.7,
    "length_ratio": 1.98,
    "coverage": -2.96,
    "rare_term_count_ratio": 3.06,
}
