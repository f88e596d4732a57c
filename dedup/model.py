"""Frozen records passed between the stages of dedup."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Literal

Side = Literal["a", "b"]


class DerivationKind(StrEnum):
    """How a derivative was made from its original."""

    COPY = "copy"
    LIGHT_EDIT = "light_edit"
    REWRITE = "rewrite"
    PARTIAL = "partial"


class ChangeKind(StrEnum):
    """What a derivative did to one fact of its original."""

    OMITTED = "omitted"
    SOFTENED = "softened"
    HARDENED = "hardened"
    ALTERED = "altered"
    ADDED = "added"


class FactKind(StrEnum):
    """The kinds of fact unit a fact checker looks at."""

    NUMBER = "number"
    ENTITY = "entity"
    QUOTE = "quote"
    ATTRIBUTION = "attribution"
    HEDGE = "hedge"
    BOOSTER = "booster"
    VAGUE = "vague"
    NEGATION = "negation"
    DIRECTION = "direction"
    DATE = "date"


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range [start, end) into a document's text."""

    start: int
    end: int

    def slice(self, text: str) -> str:
        """Return the text this span covers."""
        return text[self.start : self.end]


@dataclass(frozen=True, slots=True)
class Document:
    """A loaded document; `text` is kept exactly as read and every offset indexes into it."""

    id: str
    text: str
    title: str | None = None
    path: str | None = None
    url: str | None = None
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Token:
    """A word or number with its span and its normalised form."""

    span: Span
    norm: str


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of a document, by position and span."""

    index: int
    span: Span


@dataclass(frozen=True, slots=True)
class Fact:
    """A fact unit inside a sentence: a number, name, quote, hedge and so on."""

    kind: FactKind
    span: Span
    value: str
    sentence_index: int
    detail: str = ""  # the unit or counted noun of a number, the speaker of a quote, the source of a claim


@dataclass(frozen=True, slots=True)
class Facts:
    """The fact units of one document, by sentence, with the tokens they were read from."""

    document: Document
    sentences: tuple[Sentence, ...]
    tokens: tuple[Token, ...]
    sentence_tokens: tuple[tuple[int, int], ...]  # [first, last) token index of each sentence
    facts: tuple[Fact, ...]


@dataclass(frozen=True, slots=True)
class AlignedPair:
    """A sentence of document a matched to a sentence of document b."""

    a_index: int
    b_index: int
    a_span: Span
    b_span: Span
    similarity: float


@dataclass(frozen=True, slots=True)
class Scores:
    """The similarity signals a verdict rests on; every value is in [0, 1] and symmetric in a, b."""

    minhash_jaccard: float  # 5-word shingles, datasketch MinHash estimate
    shingle_containment: float  # share of the smaller shingle set found in the other
    unquoted_containment: float  # the same for shingles outside quotations (quotes are shared news)
    tfidf_cosine: float  # whole documents, content words, background IDF
    aligned_share_max: float  # share of sentences aligned, in the better-covered document
    aligned_share_min: float  # the same in the less-covered document
    mean_best_similarity: float  # mean best sentence match, in the better-matched document
    order_preservation: float  # share of aligned sentences on one order-keeping run
    ordered_coverage: float  # order-keeping aligned sentences per sentence of the shorter text
    ordered_coverage_loose: float  # the same with looser sentence matches
    monotone_alignment: float  # best in-order alignment score per sentence of the shorter text
    local_alignment: float  # best contiguous in-order run of aligned sentences (squashed to 0-1)
    position_agreement: float  # aligned sentences at the same relative place, per shorter text
    rare_term_overlap: float  # shared rare words (names, numbers, unusual words), of the smaller set
    weighted_term_overlap: float  # IDF-weighted shared content words, of the lighter document
    number_overlap: float  # shared numbers, smoothed for documents with few numbers
    name_overlap: float  # shared capitalised names, of the smaller set
    name_number_overlap: float  # shared names and numbers, smoothed
    rare_term_order: float  # shared rare words kept in first-mention order, of the smaller set
    content_sequence_overlap: float  # longest common subsequence of content words, of the shorter
    specific_sequence_overlap: float  # the same over less common words (Zipf < 4.5)
    rare_sequence_overlap: float  # the same over rare words
    fresh_quotation_share: float  # quoted words the other text lacks, per content word; the lower side
    # One-way support (dedup.comparison.support), read both ways: _max is the direction that looks
    # more like a derivative, _min the other. A derivative's specifics are nearly all in its source;
    # two reports of one event each carry specifics the other lacks.
    fact_support_max: float  # names and numbers found in the other text, smoothed
    fact_support_min: float
    specific_support_max: float  # rare words, names and numbers found in the other, smoothed
    specific_support_min: float
    sentence_support_max: float  # informative sentences restating one of the other's
    sentence_support_min: float
    ordered_support_max: float  # the same on one order-keeping chain
    ordered_support_min: float
    support_run_max: float  # longest in-order run of restated sentences, squashed
    support_run_min: float
    novel_specifics_max: float  # share of a text's specifics the other lacks
    novel_specifics_min: float
    fact_containment_max: float  # names and numbers of one text found in the other (smoothing 1)
    fact_containment_min: float
    number_containment_max: float  # numbers of one text found in the other (smoothing 1)
    rare_containment_max: float  # rare words of one text found in the other (smoothing 1)
    rare_containment_min: float


@dataclass(frozen=True, slots=True)
class DirectionSignals:
    """Evidence that a, not b, is the original; each value is positive when it points at a."""

    rare_term_containment: float  # share of b's rare words found in a, minus the reverse
    number_containment: float
    name_containment: float
    content_containment: float
    specificity: float  # numbers and names per 100 words, a minus b
    quote_density: float  # quotation marks per 100 words, a minus b
    filler_density: float  # generic filler phrases per 100 words, b minus a
    length_ratio: float  # log(words of a / words of b)
    coverage: float  # share of b's sentences aligned in a, minus the reverse
    rare_term_count_ratio: float  # log of (1 + rare words of a) / (1 + rare words of b)
    # Surface style, a minus b: the fields of dedup.profile.style.TextStyle, same names and meaning.
    reporting_verbs: float
    sentence_length: float
    sentence_variation: float
    vocabulary_variety: float
    digit_density: float
    aside_density: float
    structure_density: float
    word_commonness: float
    own_word_commonness: float  # the same over the content words the other text lacks
    own_word_share: float  # share of content words the other text lacks


@dataclass(frozen=True, slots=True)
class Verdict:
    """Whether one document derives from the other, which is the original, and how."""

    is_derived: bool
    # The probability that one text derives from the other, whatever the verdict: a pair is
    # derived at or above the fitted threshold (dedup.comparison.weights.DERIVED_MIN_PROBABILITY).
    confidence: float
    original: Side | None  # None for a derived pair when the two cannot be told apart (copies)
    kind: DerivationKind | None
    direction_by_time: bool = False


@dataclass(frozen=True, slots=True)
class FactChange:
    """One change a derivative made to a fact of its original, with spans in both texts."""

    kind: ChangeKind
    fact: str
    original: Span | None
    derivative: Span | None


@dataclass(frozen=True, slots=True)
class FactDiff:
    """Every fact change from an original to its derivative."""

    original: Document
    derivative: Document
    changes: tuple[FactChange, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class Comparison:
    """The full result of comparing two documents."""

    a: Document
    b: Document
    scores: Scores
    direction: DirectionSignals
    alignment: tuple[AlignedPair, ...]
    verdict: Verdict
    fact_diff: FactDiff | None
    # The strongest evidence for the verdict, in words a reader can check ("14 specific facts ...").
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ItemRef:
    """How a flag names an indexed item: its id, title, url and publication time."""

    id: str
    title: str | None = None
    url: str | None = None
    published: datetime | None = None

    @classmethod
    def of(cls, document: Document) -> ItemRef:
        """Name `document` as a flag names an item."""
        return cls(id=document.id, title=document.title, url=document.url, published=document.published)

    def as_json(self) -> dict[str, str | None]:
        """Return the reference as the JSON object flags carry (published in ISO 8601)."""
        published = self.published.isoformat() if self.published else None
        return {"id": self.id, "title": self.title, "url": self.url, "published": published}

    @classmethod
    def from_json(cls, value: dict[str, str | None]) -> ItemRef:
        """Invert `as_json` (raises KeyError or ValueError on a damaged object)."""
        published = value["published"]
        return cls(
            id=str(value["id"]),
            title=value["title"],
            url=value["url"],
            published=datetime.fromisoformat(published) if published else None,
        )


@dataclass(frozen=True, slots=True)
class Flag:
    """A scanned item found to derive from (or be the source of) an item already in the index.

    `id` is stable: a hash of the item's and the source's content hashes, so a rescan or a restart
    produces the same id and consumers can dedupe on it. `original` says which side came first.
    """

    id: str
    item: ItemRef
    source: ItemRef
    kind: DerivationKind
    confidence: float  # the probability that the item and the source are derived, as in Verdict
    original: Literal["item", "source"]
    changes: tuple[FactChange, ...] = ()


@dataclass(frozen=True, slots=True)
class ScanSummary:
    """What a scan did: items read, new to the index, flagged, compared, skipped with errors."""

    read: int
    new: int
    flagged: int
    flags: int
    compared: int
    skipped: int
    elapsed_s: float

    @property
    def docs_per_s(self) -> float:
        """Items read per second of wall time."""
        return self.read / self.elapsed_s if self.elapsed_s > 0 else 0.0
