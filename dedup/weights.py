"""Fitted logistic weights for the verdict; written by benchmarks/fit_verdict.py, do not edit."""

from __future__ import annotations

# Fitted on: rewrites, real-pairs (C=1.0, direction C=3.0, seed=7).
DERIVED_INTERCEPT = -11.583820
DERIVED_WEIGHTS: dict[str, float] = {
    "minhash_jaccard": -2.440767,
    "shingle_containment": -4.028783,
    "unquoted_containment": 9.278349,
    "tfidf_cosine": -1.189656,
    "aligned_share_max": 0.937674,
    "aligned_share_min": 2.584047,
    "mean_best_similarity": -3.195449,
    "order_preservation": 3.450290,
    "ordered_coverage": 1.704461,
    "ordered_coverage_loose": 2.423118,
    "monotone_alignment": -0.579975,
    "local_alignment": -1.562917,
    "position_agreement": 1.255570,
    "rare_term_overlap": -2.122956,
    "weighted_term_overlap": -0.699564,
    "number_overlap": 2.548472,
    "name_overlap": 2.847171,
    "name_number_overlap": 4.941642,
    "rare_term_order": 1.602512,
    "content_sequence_overlap": 6.729494,
    "specific_sequence_overlap": 2.919372,
    "rare_sequence_overlap": 0.317326,
    "fresh_quotation_share": -12.564883,
}
# Lowest probability with held-out false alarms <= 0.01 on every corpus.
DERIVED_MIN_PROBABILITY = 0.8698
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
