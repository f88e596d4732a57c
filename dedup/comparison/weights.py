"""Fitted verdict weights (benchmarks/fit_verdict.py, fit_direction.py); do not edit."""

from __future__ import annotations

# Fitted on: rewrites, real-pairs (C=1.0, seed=7).
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
# Direction fitted by benchmarks/fit_direction.py on 2754 derived pairs of every corpus in
# pair_dataset (shorter text >= 50 words), corpora weighted equally, C=0.03.
DIRECTION_WEIGHTS: dict[str, float] = {
    "rare_term_containment": 0.111876,
    "number_containment": 1.237773,
    "name_containment": 2.464592,
    "content_containment": -3.406822,
    "specificity": -0.257327,
    "quote_density": 0.463577,
    "filler_density": 0.889678,
    "length_ratio": 1.805692,
    "coverage": -2.822631,
    "rare_term_count_ratio": 0.886911,
    "reporting_verbs": 1.797403,
    "sentence_length": 0.017909,
    "sentence_variation": -0.318472,
    "vocabulary_variety": -9.429814,
    "digit_density": 10.138047,
    "aside_density": 0.305752,
    "structure_density": -0.266672,
    "word_commonness": 1.716495,
    "own_word_commonness": -0.557772,
    "own_word_share": -2.672448,
}
