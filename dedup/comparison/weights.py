"""Fitted logistic weights for the verdict; written by benchmarks/fit_verdict.py, do not edit."""

from __future__ import annotations

# Fitted on: rewrites, real-pairs (C=1.0, direction C=3.0, seed=7).
DERIVED_INTERCEPT = -11.444261
DERIVED_WEIGHTS: dict[str, float] = {
    "minhash_jaccard": -2.459389,
    "shingle_containment": -3.938422,
    "unquoted_containment": 8.968316,
    "tfidf_cosine": -1.895342,
    "aligned_share_max": 0.899562,
    "aligned_share_min": 2.812415,
    "mean_best_similarity": -3.011446,
    "order_preservation": 3.322222,
    "ordered_coverage": 1.587344,
    "ordered_coverage_loose": 2.520459,
    "monotone_alignment": -0.506506,
    "local_alignment": -1.393662,
    "position_agreement": 1.294302,
    "rare_term_overlap": -1.957779,
    "weighted_term_overlap": -0.727551,
    "number_overlap": 2.630161,
    "name_overlap": 2.788782,
    "name_number_overlap": 5.061854,
    "rare_term_order": 1.474307,
    "content_sequence_overlap": 6.778562,
    "specific_sequence_overlap": 2.596024,
    "rare_sequence_overlap": 0.392885,
    "fresh_quotation_share": -17.424494,
}
# Lowest probability with held-out false alarms <= 0.01 on every corpus.
DERIVED_MIN_PROBABILITY = 0.8506
DIRECTION_WEIGHTS: dict[str, float] = {
    "rare_term_containment": -1.734776,
    "number_containment": 0.377139,
    "name_containment": 2.763219,
    "content_containment": -17.092050,
    "specificity": 0.137937,
    "quote_density": 1.343434,
    "filler_density": 1.163678,
    "length_ratio": 8.356763,
    "coverage": -3.471353,
    "rare_term_count_ratio": 3.565388,
}
