"""General English word lists for certainty, vagueness, attribution and negation.

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
        # Expectation, hope and intention: a forecast or a plan is not yet a fact (the expectation
        # and hope groups of dedup.facts.claim_markers, sources named there), "in most cases" (Hyland
        # 2005), and allegation (the CoNLL-2010 evidential cues, as "alleged" above).
        "is expected",
        "are expected",
        "was expected",
        "were expected",
        "expects",
        "expect to",
        "hopes to",
        "hoped to",
        "hope to",
        "hopes",
        "hoping to",
        "is hoping",
        "aims to",
        "aim to",
        "would like to",
        "in many cases",
        "in most cases",
        "allege",
        "alleges",
        "allegations",
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

# Negation cues: the negation cue list of Morante & Daelemans (2012) ConanDoyle-neg annotation guide,
# section 3 (syntactic and lexical negators), without affixal negation.
NEGATIONS: frozenset[str] = frozenset(
    {"not", "no", "never", "n't", "none", "nobody", "nothing", "neither", "nor", "without", "cannot"}
)
