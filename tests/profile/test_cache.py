"""ProfileCache: profiles are reused for equal documents, bounded, and equal to fresh ones."""

from __future__ import annotations

from dedup.model import Document
from dedup.profile.cache import ProfileCache
from dedup.profile.profile import profile_document
from dedup.settings import Settings

TEXT = "Councillors in Marrowby approved a 42.5 million pound plan on Tuesday. The vote passed 31 to 9."


def test_an_equal_document_gets_the_kept_profile_and_it_equals_a_fresh_one() -> None:
    cache = ProfileCache(Settings())
    first = cache.profile(Document(id="a", text=TEXT))
    again = cache.profile(Document(id="a", text=TEXT))
    assert again is first
    fresh = profile_document(Document(id="a", text=TEXT), Settings())
    assert (first.content_terms, first.names, first.word_count) == (
        fresh.content_terms,
        fresh.names,
        fresh.word_count,
    )
    assert cache.profile(Document(id="b", text=TEXT)) is not first  # another id is another document


def test_the_least_recently_used_profile_is_dropped_at_capacity() -> None:
    cache = ProfileCache(Settings(), capacity=2)
    documents = [Document(id=name, text=f"{TEXT} {name}") for name in ("a", "b", "c")]
    kept = [cache.profile(document) for document in documents[:2]]
    assert cache.profile(documents[0]) is kept[0]  # "a" is now the most recently used
    cache.profile(documents[2])  # drops "b"
    assert cache.profile(documents[0]) is kept[0]
    assert cache.profile(documents[1]) is not kept[1]
