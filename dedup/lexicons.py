"""General English word lists for certainty, vagueness, attribution and change of direction.

Every list is general English with its source named beside it; none names an entity or a phrase of any
test document. Entries are lower case; multi-word entries match as phrases on word boundaries.
"""

from __future__ import annotations

# Hedges: Hyland (2005), *Metadiscourse*, Appendix 2 "hedges", restricted to the items that lower the
# certainty of a proposition in news prose (the approximators about/around live in APPROXIMATORS), plus
# the evidential hedges of news reporting ("reportedly", "is believed to", "is thought to") from the
# CoNLL-2010 shared task hedge cues (Farkas et al. 2010, BioScope/Wikipedia weasel words).
HEDGES: frozenset[str] = frozenset(
    {
        "may",
        "might",
        "could",
        "can be",
        "perhaps",
        "possibly",
        "possible",
        "probably",
        "probable",
        "presumably",
        "likely",
        "unlikely",
        "apparently",
        "appears to",
        "appeared to",
        "appear to",
        "seems",
        "seemed",
        "seem to",
        "suggest",
        "suggests",
        "suggested",
        "suggesting",
        "indicate",
        "indicates",
        "indicated",
        "reportedly",
        "allegedly",
        "alleged",
        "supposedly",
        "believed to",
        "thought to",
        "said to",
        "expected to",
        "is thought",
        "it is thought",
        "it is believed",
        "widely expected",
        "tend to",
        "tends to",
        "to some extent",
        "in some cases",
        "sometimes",
        "somewhat",
        "speculation",
        "unclear",
        "uncertain",
        "estimated",
        "partly",
    }
)

# The booster adverbs (Hyland 2005; Biber et al. 1999 section 10.2.3): unlike "will" or "shows",
# which rewrites use freely for tense and style, adding one of these asserts certainty by itself.
BOOSTER_ADVERBS: frozenset[str] = frozenset(
    {
        "definitely",
        "certainly",
        "clearly",
        "obviously",
        "undoubtedly",
        "undeniably",
        "surely",
        "indeed",
        "in fact",
        "of course",
        "no doubt",
        "without doubt",
        "beyond doubt",
        "evidently",
        "currently",
        "virtually",
        "entirely",
        "completely",
    }
)

# Boosters: Hyland (2005), *Metadiscourse*, Appendix 2 "boosters", the items that raise certainty,
# plus the certainty adverbs of Biber et al. (1999) *Longman Grammar* section 10.2.3, "will" as the
# future-certain modal of Coates (1983) *The Semantics of the Modal Auxiliaries*, and "currently", which
# presents a claim as present fact (issue 4's list of certainty markers).
BOOSTERS: frozenset[str] = BOOSTER_ADVERBS | frozenset(
    {
        "will",
        "confident",
        "sure",
        "always",
        "never",
        "proves",
        "proved",
        "proven",
        "shows",
        "showed",
        "demonstrates",
        "demonstrated",
        "confirms",
        "confirmed",
        "established",
        "evident",
        "is set to",
        "are set to",
        "fully",
        "must",
    }
)

# Modals of ability and possibility that rewrites add for style ("could attract", "can spare"): only
# their loss counts as hardening, their addition alone is not softening (Coates 1983 ch. 5 "root" use).
WEAK_HEDGES: frozenset[str] = frozenset({"could", "can be", "possible", "hope", "hopes", "hoped"})

# Evidential hedges: the claim is hearsay or inference (the "weasel" and "reported belief" cues of
# Farkas et al. 2010); one replaced by another keeps the claim hedged.
EVIDENTIAL_HEDGES: frozenset[str] = frozenset(
    {
        "reportedly",
        "allegedly",
        "alleged",
        "supposedly",
        "believed to",
        "thought to",
        "said to",
        "is thought",
        "it is thought",
        "it is believed",
        "suggest",
        "suggests",
        "suggested",
        "suggesting",
        "appears to",
        "appeared to",
        "appear to",
        "seems",
        "seemed",
        "seem to",
        "apparently",
        "indicate",
        "indicates",
        "indicated",
    }
)

# Vague quantifiers: Moxey & Sanford (1993), *Communicating Quantities*, ch. 2 list of quantity
# expressions, with the magnitude nouns of Channell (1994) *Vague Language* ch. 5 ("dozens of",
# "hundreds of", "tens of") and her vague evaluative adjectives of size ("significant", "substantial").
VAGUE_QUANTIFIERS: frozenset[str] = frozenset(
    {
        "many",
        "much",
        "most",
        "several",
        "some",
        "a few",
        "few",
        "numerous",
        "various",
        "countless",
        "multiple",
        "a number of",
        "a lot of",
        "lots of",
        "plenty of",
        "a handful of",
        "a majority of",
        "the majority of",
        "a minority of",
        "a fraction of",
        "dozens of",
        "scores of",
        "hundreds of",
        "thousands of",
        "tens of",
        "millions of",
        "billions of",
        "hundreds of millions",
        "tens of millions",
        "nearly half",
        "almost half",
        "about half",
        "more than half",
        "significant",
        "substantial",
        "considerable",
        "sizeable",
        "sizable",
        "large",
        "huge",
        "massive",
        "modest",
        "sharp",
        "steep",
        "recent",
        "recently",
    }
)

# Approximators: Channell (1994) *Vague Language* ch. 3 "approximating quantities", and Hyland (2005)
# Appendix 2 hedges "about", "around", "approximately", "roughly".
APPROXIMATORS: frozenset[str] = frozenset(
    {
        "about",
        "around",
        "approximately",
        "roughly",
        "nearly",
        "almost",
        "some",
        "up to",
        "close to",
        "more than",
        "less than",
        "fewer than",
        "over",
        "under",
        "just over",
        "just under",
        "in excess of",
        "upwards of",
        "or so",
        "an estimated",
    }
)

# Reporting verbs: Thompson & Ye (1991) "Evaluation in the reporting verbs used in academic papers",
# Applied Linguistics 12(4), and Bergler (1992) *Evidential analysis of reported speech* for news, in
# the inflections news text uses. "according to" is the reporting preposition of the same studies.
REPORTING_VERBS: frozenset[str] = frozenset(
    {
        "said",
        "says",
        "say",
        "told",
        "tells",
        "added",
        "adds",
        "stated",
        "states",
        "claimed",
        "claims",
        "argued",
        "argues",
        "insisted",
        "insists",
        "admitted",
        "admits",
        "acknowledged",
        "announced",
        "announces",
        "reported",
        "reports",
        "explained",
        "noted",
        "warned",
        "warns",
        "suggested",
        "believes",
        "believed",
        "confirmed",
        "denied",
        "maintained",
        "stressed",
        "urged",
        "wrote",
        "replied",
        "commented",
        "conceded",
        "revealed",
        "predicted",
        "recalled",
        "according to",
        "quoted",
        "thinks",
    }
)

# Verbs of belief and classification: an attributed opinion rather than reported fact (the
# "cognition" reporting verbs of Thompson & Ye 1991, table 2).
BELIEF_VERBS: frozenset[str] = frozenset(
    {"believes", "believed", "thinks", "claimed", "claims", "argued", "argues", "insisted", "insists"}
)

# Vague sources stand for a named one: the "weasel words" of the CoNLL-2010 Wikipedia task
# (Farkas et al. 2010) and of Ganter & Strube (2009) "Finding hedges by chasing weasels".
VAGUE_SOURCES: frozenset[str] = frozenset(
    {
        "some",
        "critics",
        "experts",
        "observers",
        "analysts",
        "officials",
        "sources",
        "insiders",
        "voices",
        "many",
        "others",
        "commentators",
        "some say",
        "it is said",
        "it is claimed",
    }
)

# Negation cues: the negation cue list of Morante & Daelemans (2012) ConanDoyle-neg annotation guide,
# section 3 (syntactic and lexical negators), without affixal negation.
NEGATIONS: frozenset[str] = frozenset(
    {"not", "no", "never", "n't", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
)

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
