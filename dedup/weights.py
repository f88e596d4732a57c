"""Fitted logistic weights for the verdict; written by benchmarks/fit_verdict.py, do not edit."""

from __future__ import annotations

# Fitted on: rewrites, real-pairs (C=1.0, direction C=3.0, seed=7).
DERIVED_INTERCEPT = -12.701197
DERIVED_WEIGHTS: dict[str, float] = {
    "minhash_jaccard": -2.448357,
    "shingle_containment": -3.988210,
    "unquoted_containment": 9.140107,
    "tfidf_cosine": -2.275050,
    "aligned_share_max": 0.859038,
    "aligned_share_min": 2.605205,
    "mean_best_similarity": -2.947010,
    "order_preservation": 3.516580,
    "ordered_coverage": 2.183068,
    "ordered_coverage_loose": 2.709242,
    "monotone_alignment": -0.397239,
    "local_alignment": -1.035326,
    "position_agreement": 1.381467,
    "rare_term_overlap": -1.897466,
    "weighted_term_overlap": -0.277765,
    "number_overlap": 2.771775,
    "name_overlap": 2.868164,
    "name_number_overlap": 5.442208,
    "rare_term_order": 1.412507,
    "content_sequence_overlap": 7.557223,
    "specific_sequence_overlap": 2.768266,
    "rare_sequence_overlap": -0.101050,
}
# Lowest probability with held-out false alarms <= 0.01 on every corpus.
DERIVED_MIN_PROBABILITY = 0.8483
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
