"""candidates' fast paths (batched cosines, compact pickling) give exactly what the plain ones do."""

from __future__ import annotations

import pickle
import re
import struct

from hypothesis import example, given, settings
from hypothesis import strategies as st

from dedup.index.keys import hash_keys, key_hash
from dedup.scanning.candidates import (
    _MID_SENTENCE_CAPITAL,
    _WORD,
    Sketch,
    sketch_cosine,
    sketch_cosines,
    sketch_text,
)

STORIES = [
    "Councillors in Marrowby approved a 42.5 million pound plan for the Tarrant bridge on Tuesday.",
    "The Tarrant bridge plan, worth 42.5 million pounds, was approved by Marrowby councillors.",
    "Heavy snow is expected on the Pennick hills, with 30 centimetres on high ground by Friday.",
    "Marrowby council leader Edwina Farquharson said 18,000 vehicles used the bridge in 2019.",
    "Shares in Quorvex fell 12% after the chipmaker warned on profits for the third quarter.",
    "",
]


def _reversed(vector: bytes) -> bytes:
    """Return the same terms and weights in descending term order, as sketch_text never packs them."""
    count = len(vector) // 6
    terms = [vector[4 * i : 4 * i + 4] for i in range(count)]
    weights = [vector[4 * count + 2 * i : 4 * count + 2 * i + 2] for i in range(count)]
    return b"".join(reversed(terms)) + b"".join(reversed(weights))


def test_sketch_cosines_equal_the_pairwise_cosines_exactly() -> None:
    vectors = [sketch_text(text).vector for text in STORIES]
    for vector in vectors:
        for count in range(len(vectors) + 1):
            others = vectors[:count]
            assert sketch_cosines(vector, others) == [sketch_cosine(vector, other) for other in others]
    assert sketch_cosines(vectors[0], [vectors[1], vectors[0]])[1] > 0.99


def test_sketch_cosines_of_vectors_out_of_term_order_equal_the_pairwise_cosines() -> None:
    vectors = [sketch_text(text).vector for text in STORIES[:4]]
    shuffled = [_reversed(vector) for vector in vectors]
    for vector in (vectors[0], shuffled[0]):
        for others in (shuffled, [vectors[1], shuffled[1]], [shuffled[2], vectors[3]]):
            assert sketch_cosines(vector, others) == [sketch_cosine(vector, other) for other in others]


@settings(max_examples=80, deadline=None)
@given(
    st.lists(st.text(max_size=12), max_size=6),
    st.binary(max_size=30),
    st.none() | st.binary(max_size=30),
)
def test_a_sketch_survives_pickling_whatever_its_keys(
    keys: list[str], vector: bytes, packed_body: bytes | None
) -> None:
    sketch = Sketch("digest", tuple(keys), vector, packed_body)
    back = pickle.loads(pickle.dumps(sketch, protocol=pickle.HIGHEST_PROTOCOL))
    assert back == sketch
    assert back.keys == tuple(keys)
    assert back.packed_body == packed_body


def test_a_pickled_sketch_of_a_text_comes_back_whole() -> None:
    sketch = sketch_text(STORIES[3])
    back = pickle.loads(pickle.dumps(sketch))
    assert (back.content_hash, back.keys, back.vector) == (sketch.content_hash, sketch.keys, sketch.vector)
    assert back.key_hashes == sketch.key_hashes == hash_keys(sketch.keys)
    assert len(back.keys) > 3


@given(st.lists(st.text(max_size=12), max_size=8))
def test_hashed_keys_are_each_distinct_key_hash_in_ascending_order(keys: list[str]) -> None:
    packed = hash_keys(keys)
    assert list(struct.unpack(f"<{len(packed) // 8}q", packed)) == sorted({key_hash(key) for key in keys})


# The plain spellings of candidates' token and name patterns, which the fast ones must match exactly.
PLAIN_WORD = re.compile(r"\w+(?:[.,'\u2019\-]\w+)*")
PLAIN_CAPITAL = re.compile(r"(?<=[^\s.!?:\"'\u201c\u2018(])[ \t]+([A-Z]\w*(?:[.,'\u2019\-]\w+)*)")
# Blanks and capitals weighted up, so that runs of blanks before a name come up often.
TRICKY = st.text(
    alphabet=st.sampled_from(list("aZZb9_    \t\n.,'\u2019-!?:\"(\u201c\u2018\u00e9\u00c9\u0130")),
    max_size=60,
)


@settings(max_examples=300, deadline=None)
@given(TRICKY)
@example("a   Zed and\tBo's Ark-Co.Ltd, ( Quay \u201c Ray x. Max y: Nan")
@example("Prices rose 2,000.5 in St. Ives - Cornwall's best-known town,  Editor Bob said")
def test_the_fast_patterns_find_what_the_plain_ones_do(text: str) -> None:
    assert _WORD.findall(text) == PLAIN_WORD.findall(text)
    assert _MID_SENTENCE_CAPITAL.findall(text) == PLAIN_CAPITAL.findall(text)
