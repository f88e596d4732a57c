"""Word lists for quantities, dates, changes of direction, organisation names, places, superlatives.

Each list names the grammar or corpus study it comes from; none is tuned to a corpus of ours.
"""

from __future__ import annotations

# Direction of change: the increase/decrease verbs and nouns of the "movement" frames in FrameNet
# (Change_position_on_a_scale; Baker et al. 1998), in their news inflections.
DIRECTION_UP: frozenset[str] = frozenset(
    {
        "rise",
        "rises",
        "rose",
        "risen",
        "rising",
        "increase",
        "increased",
        "increases",
        "increasing",
        "grow",
        "grew",
        "grown",
        "grows",
        "growing",
        "climb",
        "climbed",
        "climbs",
        "jump",
        "jumped",
        "jumps",
        "surge",
        "surged",
        "surges",
        "soar",
        "soared",
        "soars",
        "gain",
        "gained",
        "gains",
        "rally",
        "rallied",
        "higher",
    }
)
DIRECTION_DOWN: frozenset[str] = frozenset(
    {
        "fall",
        "fell",
        "fallen",
        "falls",
        "falling",
        "drop",
        "dropped",
        "drops",
        "decline",
        "declined",
        "declines",
        "decrease",
        "decreased",
        "decreases",
        "slump",
        "slumped",
        "plunge",
        "plunged",
        "plunges",
        "shrink",
        "shrank",
        "shrunk",
        "contract",
        "contracted",
        "tumble",
        "tumbled",
        "slide",
        "slid",
        "lower",
    }
)

# Number words (cardinal) for numbers written out; "a dozen" and fractions are in NUMBER_FRACTIONS.
NUMBER_WORDS: dict[str, int] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "dozen": 12,
}
NUMBER_SCALES: dict[str, int] = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}
MONTHS: frozenset[str] = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
    }
)
WEEKDAYS: frozenset[str] = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)

# Quantity scale for "some" -> "many" style changes: the Horn scale <all, most, many, some> of Horn
# (1972) *On the Semantic Properties of Logical Operators in English*, with "few"/"several" placed as in
# Moxey & Sanford (1993); higher means a stronger claim.
QUANTIFIER_SCALE: dict[str, int] = {
    "few": 1,
    "a few": 1,
    "some": 2,
    "several": 3,
    "many": 4,
    "numerous": 4,
    "most": 5,
    "all": 6,
    "every": 6,
}

# Head nouns of organisation names (the ORG cue words of the MUC-7 named-entity guidelines,
# Chinchor 1997, section A.2, and the corporate designators of company law).
ORGANISATION_WORDS: frozenset[str] = frozenset(
    {
        "association",
        "agency",
        "authority",
        "bank",
        "board",
        "council",
        "commission",
        "committee",
        "company",
        "corporation",
        "corp",
        "department",
        "foundation",
        "group",
        "government",
        "inc",
        "institute",
        "ltd",
        "ministry",
        "office",
        "organisation",
        "organization",
        "party",
        "plc",
        "service",
        "society",
        "union",
        "university",
    }
)

# Prepositions of location that put a following name in a place (Quirk et al. 1985, section 9.15).
PLACE_PREPOSITIONS: frozenset[str] = frozenset(
    {"in", "at", "from", "near", "across", "throughout", "outside"}
)

# Superlatives and their fixed-phrase equivalents (Quirk et al. 1985, sections 7.74-7.82): saying a
# thing is the biggest or the best is more specific than saying it is big or important.
SUPERLATIVES: frozenset[str] = frozenset(
    {
        "best",
        "worst",
        "biggest",
        "largest",
        "greatest",
        "highest",
        "lowest",
        "strongest",
        "weakest",
        "fastest",
        "slowest",
        "smallest",
        "longest",
        "shortest",
        "number one",
    }
)

# Reader address: the second-person pronouns (Quirk et al. 1985, section 6.13). A sentence speaking to
# the reader outside a quotation frames the story; it states no checkable fact.
SECOND_PERSON: frozenset[str] = frozenset({"you", "your", "yours", "yourself", "yourselves"})

# The calls to action of web pages and the nouns a page uses for itself ("bookmark this page", "read
# the full guide"), as web-writing guides list them (Redish 2012, *Letting Go of the Words*, ch. 11).
CALLS_TO_ACTION: frozenset[str] = frozenset(
    {"bookmark", "subscribe", "sign up", "check back", "stay tuned", "click", "read on", "follow us"}
)
PAGE_NOUNS: frozenset[str] = frozenset(
    {"page", "guide", "article", "explainer", "newsletter", "post", "round-up", "roundup", "digest"}
)

# Words that stand in for a figure or a date once it is made vague: Channell (1994) *Vague Language*,
# ch. 5-6, vague magnitude and size words ("lengthy", "double-digit"), and the vague time references
# of ch. 7 (a season, "late", "early", "recent") with the seasons of the calendar.
VAGUE_STAND_INS: frozenset[str] = frozenset(
    {
        "lengthy",
        "long",
        "short",
        "brief",
        "moderate",
        "small",
        "big",
        "large",
        "huge",
        "vast",
        "hefty",
        "sizeable",
        "significant",
        "substantial",
        "considerable",
        "modest",
        "double-digit",
        "single-digit",
        "triple-digit",
        "dozens",
        "hundreds",
        "thousands",
        "millions",
        "billions",
        "another",
        "several",
        "many",
        "few",
        "late",
        "early",
        "mid",
        "recent",
        "recently",
        "later",
        "soon",
        "spring",
        "summer",
        "autumn",
        "winter",
        "late-night",
        "overnight",
        "record",
        "near-record",
    }
)
