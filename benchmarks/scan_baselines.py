"""bench_scan.py's baselines on its stream file: brute-force TF-IDF ranking and naive MinHash."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
from datasketch import MinHash
from scan_stream import WORD, load_bbc, read_stream
from sklearn.feature_extraction.text import TfidfVectorizer

from dedup.text.normalize import normalize_word

_TOP_K = 10
_QUERY_BATCH = 32


def brute_force(
    source: Path, derivatives: list[tuple[int, int, str]]
) -> tuple[dict[int, bool], float, float]:
    """Rank every earlier item by TF-IDF cosine for each derivative; True where its source is top 10.

    The texts stream from the file into the vectorizer; derivatives are scored a few at a time
    against the transposed matrix, so a query costs the postings of its own terms, not a pass
    over every item.
    """
    started = time.perf_counter()
    texts = (item.document.text for item in read_stream(source))
    vectorizer = TfidfVectorizer(sublinear_tf=True, stop_words="english", dtype=np.float32)
    matrix = vectorizer.fit_transform(texts).tocsr()
    fit_s = time.perf_counter() - started
    transposed = matrix.T.tocsr()
    found: dict[int, bool] = {}
    started = time.perf_counter()
    for start in range(0, len(derivatives), _QUERY_BATCH):
        batch = derivatives[start : start + _QUERY_BATCH]
        scores = (matrix[[position for position, _, _ in batch]] @ transposed).toarray()
        for row, (position, source_number, _) in zip(scores, batch, strict=True):
            earlier = row[:position]
            top = np.argpartition(-earlier, min(_TOP_K, len(earlier) - 1))[:_TOP_K]
            found[position] = source_number in set(top.tolist())
    query_s = (time.perf_counter() - started) / max(1, len(derivatives))
    return found, fit_s, query_s


def shingle_jaccard(source: Path, derivatives: list[tuple[int, int, str]]) -> dict[int, float]:
    wanted = {position for position, _, _ in derivatives}
    texts = {p: item.document.text for p, item in enumerate(read_stream(source)) if p in wanted}
    articles = load_bbc()
    result = {}
    for position, source_number, _ in derivatives:
        signatures = []
        for text in (texts[position], articles[source_number]["text"]):
            words = [normalize_word(w) for w in WORD.findall(text)]
            shingles = {" ".join(words[i : i + 5]).encode() for i in range(max(1, len(words) - 4))}
            minhash = MinHash(num_perm=128, seed=1)
            minhash.update_batch(list(shingles))
            signatures.append(minhash)
        result[position] = signatures[0].jaccard(signatures[1])
    return result
