"""Fitted verdict weights (benchmarks/fit_verdict.py, fit_direction.py); do not edit."""

from __future__ import annotations

# Derived fitted by benchmarks/fit_derived.py on 3724 pairs of every corpus in pair_dataset
# (shorter text >= 50 words), classes weighted equally, C=1.
DERIVED_INTERCEPT = 19.963035
DERIVED_WEIGHTS: dict[str, float] = {
    "minhash_jaccard": 0.887748,
    "shingle_containment": -10.416563,
    "unquoted_containment": 10.873779,
    "tfidf_cosine": -7.451717,
    "aligned_share_max": 0.986685,
    "aligned_share_min": 0.058609,
    "mean_best_similarity": -7.112412,
    "order_preservation": -0.956944,
    "ordered_coverage": -1.031511,
    "ordered_coverage_loose": 1.001135,
    "monotone_alignment": 1.864884,
    "local_alignment": 5.963503,
    "position_agreement": 0.512170,
    "rare_term_overlap": -1.219974,
    "weighted_term_overlap": -4.982230,
    "number_overlap": -7.587031,
    "name_overlap": -0.832069,
    "name_number_overlap": 10.186698,
    "rare_term_order": 4.665748,
    "content_sequence_overlap": 20.341554,
    "specific_sequence_overlap": -2.470708,
    "rare_sequence_overlap": -0.177691,
    "fresh_quotation_share": -22.693961,
    "fact_support_max": -15.755616,
    "fact_support_min": -5.535802,
    "specific_support_max": -18.159944,
    "specific_support_min": -6.741239,
    "sentence_support_max": 0.384820,
    "sentence_support_min": 0.691001,
    "ordered_support_max": 0.918045,
    "ordered_support_min": -0.228977,
    "support_run_max": -4.295799,
    "support_run_min": -1.902710,
    "novel_specifics_max": -9.053546,
    "novel_specifics_min": -14.976938,
    "fact_containment_max": 10.186698,
    "fact_containment_min": 6.618614,
    "number_containment_max": 5.510622,
    "rare_containment_max": -0.356717,
    "rare_containment_min": 4.409131,
}
# Lowest probability with out-of-fold false alarms <= 0.02 on every negative corpus.
DERIVED_MIN_PROBABILITY = 0.7435
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
