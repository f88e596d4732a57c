"""Every tunable of dedup, frozen: compare (the fact diff inside), candidates, shared queue, scans."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class DiffSettings:
    """Thresholds of the fact diff, as shares of a sentence's term weight found in the other version.

    The omission thresholds were chosen on ../shared/corpora/rewrites and rewrites-wide together
    (sentence-level precision and recall of each writer, looked at one writer at a time); the others
    were fitted on rewrites alone (benchmarks/cv_diff.py). `benchmarks/eval_diff.py --fit` refits all
    of them leaving one writer out, which is the figure to trust for writers not seen.
    """

    # An omitted sentence: the most of its specific weight (rarity over the original sentences using a
    # term) one derivative sentence carries is under this...
    omit_max_share: float = 0.3
    # ... or under this when more than `omit_rewrite_min_kept` of the original's sentences are carried
    # (a full rewrite restates nearly everything). Fitted on rewrites + rewrites-wide, sentence level.
    omit_rewrite_max_share: float = 0.2
    omit_rewrite_min_kept: float = 0.6
    omit_min_words: int = 3  # content words an omission must carry
    clause_min_words: int = 3
    clause_max_share: float = 0.2  # a dropped clause: of its weight, anywhere in the derivative
    add_max_share: float = 0.2  # an added sentence: in its two heaviest sources
    add_min_novel_share: float = 0.6  # ... or this much weight in terms the original never uses
    add_new_number_max_share: float = 0.5  # ... or a new number in a loosely sourced sentence
    pair_min_share: float = 0.4  # two sentences state the same claim: each carries this of the other
    pair_slack: float = 0.1  # ... or one carries this much less (a clause added or dropped)
    carved_min_share: float = 0.7  # a derivative sentence carved out of one original sentence
    close_pair_min_share: float = 0.75  # a light edit of one sentence: polarity flips count here
    # Softened/hardened also from the learned claim-strength scorer (dedup.facts.claim_strength) where
    # no word-list rule fired; its thresholds were fitted on InSciOut, not news. Off: on rewrites +
    # rewrites-wide (benchmarks/eval_diff.py) it raised recall (softened 0.38 -> 0.45, hardened
    # 0.46 -> 0.59) but cut precision (0.54 -> 0.20, 0.56 -> 0.33), F1 0.45/0.50 -> 0.28/0.42; with
    # twice the thresholds F1 0.38/0.47. Kept as an option for the next fit.
    use_learned_certainty: bool = False
    # A word-list hardening that gained no booster (a hedge only gone) is kept only when the learned
    # claim-strength score (same scorer) of the counterpart sentence is at least this much above the
    # original's. Fitted on rewrites + rewrites-wide, diff alone: every fold of `eval_diff.py --fit`
    # (leave one writer out, started from 0.1) chose 0.15. In sample, hardened P/R/F1 0.59/0.60/0.59
    # with no check, 0.64/0.59/0.61 at 0.1, 0.68/0.59/0.63 at 0.15, 0.68/0.53/0.60 at 0.2.
    harden_min_score_rise: float = 0.15


DEFAULT_DIFF_SETTINGS = DiffSettings()


@dataclass(frozen=True, slots=True)
class Settings:
    """Every tunable of dedup, passed explicitly; the defaults are the measured ones."""

    # MinHash over word shingles (datasketch). Changing these invalidates stored signatures.
    shingle_words: int = 5
    num_perm: int = 128
    minhash_seed: int = 1
    # Hashed TF-IDF space for sentence vectors.
    hash_features: int = 2**20
    # A sentence pair is aligned when its TF-IDF cosine reaches this; order is judged on looser
    # matches, and the in-order alignment score counts pairs above the loosest floor.
    align_min_similarity: float = 0.35
    order_min_similarity: float = 0.25
    monotone_min_similarity: float = 0.20
    # Verbatim reuse: a derivative that keeps this share of its narrative (unquoted, not name-run)
    # 5-word shingles from the other text and shares its specific numbers and names is derived
    # whatever the paraphrase model says. Set on rewrites + real-pairs: every partial reuse there
    # passes, and no same-event pair by another outlet does (they share quotes, not prose).
    verbatim_min_containment: float = 0.06
    verbatim_min_number_overlap: float = 0.3
    verbatim_min_name_number_overlap: float = 0.55
    # ... if it keeps the other text's order over the sentences they share. A newsroom's follow-up
    # story repeats background paragraphs of its earlier one, out of their order, and reports
    # afresh around them. Set on the BBC follow-ups that benchmarks/eval_scan.py flagged, against
    # the partial reuse of rewrites.
    verbatim_min_order_preservation: float = 0.5
    verbatim_min_probability: float = 0.3
    # Independent reporting: each text has at least this share of its content words in quotations
    # the other lacks. Rewrites in rewrites + real-pairs: 2 of 190 above 0; negatives: the lowest
    # nonzero value is 0.014, and 201 of 262 are above it.
    independent_min_fresh_quotation: float = 0.01
    # Kind thresholds on shingle overlap and alignment coverage.
    copy_min_jaccard: float = 0.90
    light_edit_min_containment: float = 0.45
    partial_max_derivative_coverage: float = 0.60
    partial_max_original_coverage: float = 0.70
    # Partial reuse also needs material of the derivative's own: at least this share of its
    # informative sentences matching no sentence of the original at this cosine. Partial pieces in
    # rewrites + rewrites-wide: 10th percentile 0.14, median 0.32; LLM restyles and summaries, which
    # align poorly but restate throughout: median 0.00 (l2r, llmfake, mixset, real-pairs).
    partial_unrelated_similarity: float = 0.15
    partial_min_unrelated_share: float = 0.14
    # The fact diff's thresholds, so that compare(a, b, settings) tunes the diff too.
    diff: DiffSettings = field(default_factory=DiffSettings)


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True, slots=True)
class CandidateSettings:
    """Thresholds of the candidate stage; measured in benchmarks/bench_scan.py."""

    # Rare terms a document is indexed under, rarest first; bounds the index size of long texts.
    max_keys: int = 48
    # Candidates fetched and sketch-checked per item, most shared keys first (index and batch).
    limit: int = 8
    # A candidate goes on to the sketch check only when it shares this many keys (of those candidate
    # search looks up: where keys held by more than ScanOptions.max_key_items items are skipped,
    # this many in proportion to the keys kept, and at least 2: dedup.index.keys.min_shared_of_kept)...
    min_shared_keys: int = 3
    # ...and to the full compare when the TF-IDF cosine of the sketches reaches `sure_cosine`, or
    # reaches `min_cosine` while sharing `min_key_share` of the smaller key set, or `floor_cosine`
    # while sharing `high_key_share` (partial reuse: few sentences taken, most of their names).
    # Measured on ../shared/corpora/rewrites: derivatives have cosine >= 0.47 (key share >= 0.31);
    # different stories on one topic reach 0.60 but rarely both; bench_scan's background stays
    # below cosine 0.43 and key share 0.33. Key shares count every key two items share, those too
    # common to be looked up included (dedup.scanning.shortlist), as in that small corpus where
    # none is skipped: counted over the keys looked up, they fell as the index grew (bench_scan's
    # partial reuse, compared: 0.83 at a million items). Neither this counting nor the proportional
    # `min_shared_keys` was fitted: both were checked on bench_scan's stream at 200,000 items with
    # max_key_items 20 (as crowded as a million items at 100): compared recall 0.984 -> 0.996,
    # pairs compared 2,286 -> 2,606.
    min_cosine: float = 0.35
    sure_cosine: float = 0.43
    min_key_share: float = 0.35
    floor_cosine: float = 0.25
    high_key_share: float = 0.45
    # Sketch vectors keep this many heaviest terms (float16 weights, crc32 term hashes).
    sketch_terms: int = 128


DEFAULT_CANDIDATE_SETTINGS = CandidateSettings()


@dataclass(frozen=True, slots=True)
class SqliteIndexSettings:
    """How the SQLite index keeps its postings on disk (dedup.index.sqlite_catalog) and expires items.

    Measured with benchmarks/bench_scan.py at 100,000 and 1,000,000 items on the 2-core machine.
    """

    # Newest items whose postings wait in memory before they are written out as one segment (and
    # that a writer killed before closing leaves to be read back from their rows on the next
    # opening: 1 to 4 s for 50,000 at 100,000 items on the loaded 2-core machine). About 1 KB of
    # memory each; 20,000 items are about 0.8 million postings (3.5 MB on disk).
    buffer_items: int = 20_000
    # The newest segments merge while the one before them is at most this many times their size.
    # At 8, a lookup searches 1 to 3 segments (the big one is rewritten each time the index grows
    # by an eighth); at 1 (a binary counter) about log2(items / buffer_items) (3 to 5 at a million
    # items), and each searched segment costs a lookup about as much as the rest of it. Measured
    # at a million synthetic items: 285 us a lookup at 1, 3 segments; a third less with 1.
    merge_ratio: float = 8.0
    # Postings a merge writes per step; a step runs after each commit (about 40 ms at a million).
    merge_chunk_postings: int = 1_000_000
    # With a retention window, how often (seconds) a writer looks for expired items.
    retention_check_s: float = 60.0
    # Expired items deleted per transaction, so a long-closed index does not stall on one commit.
    expire_chunk_items: int = 20_000


DEFAULT_SQLITE_INDEX_SETTINGS = SqliteIndexSettings()


@dataclass(frozen=True, slots=True)
class QueueSettings:
    """How a scanner takes part in the shared queue."""

    group: str = "scanners"
    # Items claimed and queued per Redis round trip.
    batch_size: int = 64
    # Queued items a scanner takes to judge at a time: each take costs about 7 round trips, so
    # more is faster (benchmarks/bench_redis.py, 10,000 items, one scanner: 925 docs/s at 8,
    # 1,148 at 32), fewer shares the last of a scan out better among scanners.
    take_size: int = 32
    # A claim or a pending entry this old belongs to a dead scanner and is taken over; make it
    # longer than reading or judging one batch takes.
    claim_idle_s: float = 30.0
    # How long one wait for new entries blocks, while other scanners finish theirs.
    wait_s: float = 0.2


DEFAULT_QUEUE_SETTINGS = QueueSettings()


@dataclass(frozen=True, slots=True)
class SourceSettings:
    """Limits and choices of reading sources: sizes, encodings, fetching (dedup.sources)."""

    # The largest document text taken (UTF-8 bytes): a file read as one document, or one record's or
    # feed entry's text. Two texts at the limit compare in about 0.7 GB and 20 s (the sentence x
    # sentence similarity is dense); an article is 5-50 KB, so 512 KiB is about 85,000 words.
    max_bytes: int = 512 * 1024
    # The largest file read whole (a feed, a JSON document, an HTML page); JSONL is read by line.
    max_file_bytes: int = 64 * 1024 * 1024
    # Share of control bytes (NUL included) in the first 8 KiB above which a file is binary.
    binary_control_share: float = 0.05
    # Encoding detection: code pages this close in "chaos" to the cleanest are equally clean...
    encoding_chaos_tolerance: float = 0.01
    # ... and a plausible Windows-1252 reading loses only to one this much more coherent in its language.
    encoding_coherence_margin: float = 0.2
    # http(s): seconds a whole fetch may take (a read may wait ScanOptions.fetch_timeout_s), and the
    # largest body.
    fetch_deadline_s: float = 60.0
    fetch_max_bytes: int = 20 * 1024 * 1024
    # Feeds fetched at once (threads); one slow feed then holds up no other.
    fetch_workers: int = 8


DEFAULT_SOURCE_SETTINGS = SourceSettings()


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """How a scan runs: the compare settings, the candidate stage, and polling."""

    settings: Settings = DEFAULT_SETTINGS
    candidates: CandidateSettings = DEFAULT_CANDIDATE_SETTINGS
    # Keys held by more items than this are ignored by candidate search (see IndexStore.candidates):
    # they are the stop words of the index, and bound the postings read per item.
    max_key_items: int = 100
    # Items committed per transaction (each still atomic with its flags); 1 commits one by one.
    batch_size: int = 256
    # Processes that sketch items ahead of the one writing the index; 1 sketches in-process.
    # With more than 1, one more runs the full compares (dedup.scanning.flagging).
    workers: int = 1
    # At most this many candidates per item go through the full compare, best sketch cosine first.
    # As many as the candidate stage fetches (CandidateSettings.limit): at a million items, 3 of the 11
    # sources missed were cut by a limit of 5, crowded out by other derivatives of the same article.
    max_compares: int = 8
    watch_interval_s: float | None = None
    fetch_timeout_s: float = 10.0
    # How scanners sharing one Redis index split the work (dedup.scanning.distributed).
    queue: QueueSettings = DEFAULT_QUEUE_SETTINGS
    # Reading the sources: size limits, encodings, the whole-fetch deadline, fetches at once.
    sources: SourceSettings = DEFAULT_SOURCE_SETTINGS


DEFAULT_SCAN_OPTIONS = ScanOptions()
