"""Quality of the fact diff alone, given the true original, and how its fitted thresholds travel.

Usage (from the project root):

    python benchmarks/eval_diff.py [--corpus DIR ...] [--processes 2] [--misses OUT.jsonl]
    python benchmarks/eval_diff.py --fit [--precision-floor 0.5] [--passes 3] [--processes 2]

While dedup/ is being moved into sub-packages, run against the pre-move checkout with
`PYTHONPATH=/work/snapshot .venv/bin/python benchmarks/eval_diff.py ...`; the script imports only the
public API (`from dedup import ...`) and prints which `dedup` it ran.

Cases: every derived case of the labelled corpora (default ../shared/corpora/rewrites and
rewrites-wide, relative to the project root). Each case's writer is its `writer` field, or the corpus
folder's name when it has none (so `rewrites` is a fifth writer). Each document's facts are extracted
once; `diff_facts(original_facts, derivative_facts, settings)` is then run with the true original first,
so these figures measure the diff and nothing before it (detection, direction).

Scoring: the predicted changes are scored against the gold `changes` with score.py's own
`match_changes` (greedy one-to-one, same type, half the shorter span overlapping on the side that carries
the fact, predicted span at most 4x the gold one); score.py is imported by path from
../shared/eval/score.py, so the rules here cannot drift from the judge's.

Figures, per change type (omitted, softened, hardened, altered, added):
  gold, pred, tp  labelled changes, predicted changes, predictions matched to a labelled one
  P, R, F1        tp / pred, tp / gold, their harmonic mean
  all             the same over every type pooled (micro)
  mean F1         the unweighted mean of the per-type F1 (macro) over the types the group has gold
                  changes of (partial pieces have no softened, hardened or altered ones); the fit
                  maximises it over the training writers, where every type has gold changes
Printed overall, per writer and per kind (light_edit, ai_rewrite, partial); cells of the per-group
tables read `P R F1 (gold)`, or `no gold, N pred` for a type the group has no gold changes of.

--fit: leave one writer out. For each writer, the DiffSettings thresholds are fitted on the other
writers' cases by coordinate search from the defaults (each field in turn over a few steps around its
current value; a move is kept only if it raises the objective; up to --passes sweeps). The objective is
first to meet --precision-floor on every type (the summed shortfall below it is minimised), then the
mean F1 across types. The fitted settings score the held-out writer. Printed: each fold's changed
settings and held-out figures, the held-out figures pooled over all writers (the estimate for a writer
never seen), the worst held-out writer, and the defaults' figures on the same cases. Note that the
defaults were themselves fitted on `rewrites`, so the defaults' figures are partly in-sample; the last
table compares held-out and defaults on the other writers only (--defaults-fitted-on). On two cores the
fit takes 12-25 minutes, depending on load (some 1,150 settings, each diffing every case once; results
are cached, so the folds share their common evaluations).

--misses OUT.jsonl: one line per false negative and false positive of the default settings, with the
quoted text of both sides and the changes of any type that overlap it (`nearby`), for reading failures.
It quotes corpus text, so write it outside the repository (e.g. /tmp).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import multiprocessing
import platform
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, fields, replace
from importlib.metadata import version
from pathlib import Path
from types import ModuleType
from typing import Any

import dedup
from dedup import DiffSettings, FactChange, Facts, Span, diff_facts, extract_facts, load_document

ROOT = Path(__file__).resolve().parent.parent
SCORE_PATH = ROOT.parent / "shared" / "eval" / "score.py"
DEFAULT_CORPORA = (
    ROOT.parent / "shared" / "corpora" / "rewrites",
    ROOT.parent / "shared" / "corpora" / "rewrites-wide",
)
KINDS = ("light_edit", "ai_rewrite", "partial")

# Per-case counts, each a tuple over score.TYPES: (true positives, gold changes, predicted changes).
Counts = tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]
Json = dict[str, Any]


def _load_score(path: Path = SCORE_PATH) -> ModuleType:
    """Import the judge's score.py by path, so its span rules are the ones used here."""
    spec = importlib.util.spec_from_file_location("dedup_shared_score", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"{path}: cannot import score.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


SCORE = _load_score()
TYPES: tuple[str, ...] = tuple(SCORE.TYPES)


@dataclass(frozen=True, slots=True)
class Case:
    """One labelled derived pair: where its texts are and what changed."""

    corpus: str
    id: str
    writer: str
    kind: str
    original: Path
    derivative: Path
    gold: tuple[Json, ...]


def _read_cases(corpora: Sequence[Path]) -> list[Case]:
    cases = []
    for corpus in corpora:
        for line in (corpus / "cases.jsonl").read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            if not record["derived"]:
                continue
            cases.append(
                Case(
                    corpus=corpus.name,
                    id=record["id"],
                    writer=record.get("writer") or corpus.name,
                    kind=record["kind"],
                    original=corpus / record["original"],
                    derivative=corpus / record["derivative"],
                    gold=tuple(record["changes"]),
                )
            )
    return cases


def _side(span: Span | None, text: str) -> Json | None:
    return None if span is None else {"start": span.start, "end": span.end, "text": span.slice(text)}


def _predictions(changes: Iterable[FactChange], original: str, derivative: str) -> list[Json]:
    """Changes in the JSON shape score.py reads from `dedup compare --json`."""
    return [
        {
            "type": str(change.kind),
            "fact": change.fact,
            "original": _side(change.original, original),
            "derivative": _side(change.derivative, derivative),
        }
        for change in changes
    ]


def _counts(gold: Sequence[Json], predicted: Sequence[Json], original: str, derivative: str) -> Counts:
    tp, n_gold, n_pred = SCORE.match_changes(list(gold), list(predicted), original, derivative)
    return (
        tuple(tp[kind] for kind in TYPES),
        tuple(n_gold[kind] for kind in TYPES),
        tuple(n_pred[kind] for kind in TYPES),
    )


# Worker state: each process extracts the facts of every case once, in `_init_worker`, and keeps
# them for the whole run, so a settings candidate costs only the diffs.
_WORKER_CASES: list[tuple[Case, Facts, Facts]] = []


def _init_worker(cases: Sequence[Case]) -> None:
    _WORKER_CASES.clear()
    for case in cases:
        original = extract_facts(load_document(case.original))
        derivative = extract_facts(load_document(case.derivative))
        _WORKER_CASES.append((case, original, derivative))


def _evaluate(settings: DiffSettings) -> tuple[Counts, ...]:
    """Per-case counts of `settings` on every case, in case order."""
    results = []
    for case, original, derivative in _WORKER_CASES:
        changes = diff_facts(original, derivative, settings).changes
        original_text, derivative_text = original.document.text, derivative.document.text
        predicted = _predictions(changes, original_text, derivative_text)
        results.append(_counts(case.gold, predicted, original_text, derivative_text))
    return tuple(results)


class _Evaluator:
    """Scores settings on every case, in up to `processes` processes, remembering each result."""

    def __init__(self, cases: Sequence[Case], processes: int) -> None:
        self._cache: dict[DiffSettings, tuple[Counts, ...]] = {}
        self._pool = None
        if processes > 1:
            self._pool = multiprocessing.get_context("fork").Pool(
                processes, initializer=_init_worker, initargs=(list(cases),)
            )
        else:
            _init_worker(cases)

    def many(self, candidates: Sequence[DiffSettings]) -> list[tuple[Counts, ...]]:
        todo = [settings for settings in dict.fromkeys(candidates) if settings not in self._cache]
        if todo:
            mapped: Iterable[tuple[Counts, ...]] = (
                self._pool.map(_evaluate, todo, chunksize=1) if self._pool else map(_evaluate, todo)
            )
            self._cache.update(zip(todo, mapped, strict=True))
        return [self._cache[settings] for settings in candidates]

    def one(self, settings: DiffSettings) -> tuple[Counts, ...]:
        return self.many([settings])[0]

    @property
    def evaluated(self) -> int:
        return len(self._cache)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()


def _pool_counts(per_case: Iterable[Counts]) -> Counts:
    tp, gold, pred = [0] * len(TYPES), [0] * len(TYPES), [0] * len(TYPES)
    for case_tp, case_gold, case_pred in per_case:
        for index in range(len(TYPES)):
            tp[index] += case_tp[index]
            gold[index] += case_gold[index]
            pred[index] += case_pred[index]
    return tuple(tp), tuple(gold), tuple(pred)


def _prf(tp: int, gold: int, pred: int) -> tuple[float, float, float]:
    precision, recall, f1 = SCORE.f1(tp, gold, pred)
    return float(precision), float(recall), float(f1)


def _mean_f1(counts: Counts) -> float:
    """The mean F1 over the types with gold changes (a group may have none of a type: partial, softened)."""
    scores = [_prf(*row)[2] for row in zip(*counts, strict=True) if row[1]]
    return sum(scores) / len(scores) if scores else 0.0


def _objective(counts: Counts, precision_floor: float) -> tuple[float, float]:
    """Meet the precision floor on every type first (least summed shortfall), then the best mean F1."""
    shortfall = sum(max(0.0, precision_floor - _prf(*row)[0]) for row in zip(*counts, strict=True))
    return -round(shortfall, 9), round(_mean_f1(counts), 9)


def _print_table(title: str, counts: Counts) -> None:
    print(title)
    print(f"  {'type':9s} {'gold':>5s} {'pred':>5s} {'tp':>5s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for kind, (tp, gold, pred) in zip(TYPES, zip(*counts, strict=True), strict=True):
        precision, recall, f1 = _prf(tp, gold, pred)
        print(f"  {kind:9s} {gold:5d} {pred:5d} {tp:5d} {precision:6.2f} {recall:6.2f} {f1:6.2f}")
    tp, gold, pred = (sum(column) for column in counts)
    precision, recall, f1 = _prf(tp, gold, pred)
    print(f"  {'all':9s} {gold:5d} {pred:5d} {tp:5d} {precision:6.2f} {recall:6.2f} {f1:6.2f}")
    print(f"  mean F1 over types: {_mean_f1(counts):.3f}")


def _print_groups(title: str, groups: dict[str, tuple[int, Counts]]) -> None:
    """One line a group: cases, then `P R F1 (gold)` per type, then the mean F1 over types."""
    print(title)
    header = "".join(f" {kind:>19s}" for kind in TYPES)
    print(f"  {'group':11s} {'cases':>5s}{header} {'meanF1':>7s}")
    for name, (size, counts) in groups.items():
        cells = ""
        for tp, gold, pred in zip(*counts, strict=True):
            precision, recall, f1 = _prf(tp, gold, pred)
            if gold:
                cells += f"  {precision:.2f} {recall:.2f} {f1:.2f} ({gold:3d})"
            else:
                cells += f"  {'no gold, ' + str(pred) + ' pred':>19s}"
        print(f"  {name:11s} {size:5d}{cells} {_mean_f1(counts):7.3f}")


def _grouped(
    cases: Sequence[Case], per_case: Sequence[Counts], key: Callable[[Case], str]
) -> dict[str, tuple[int, Counts]]:
    members: dict[str, list[Counts]] = defaultdict(list)
    for case, counts in zip(cases, per_case, strict=True):
        members[key(case)].append(counts)
    order = sorted(members, key=lambda name: (KINDS.index(name) if name in KINDS else len(KINDS), name))
    return {name: (len(members[name]), _pool_counts(members[name])) for name in order}


def _report(title: str, cases: Sequence[Case], per_case: Sequence[Counts]) -> None:
    _print_table(f"{title}: overall, {len(cases)} derived cases", _pool_counts(per_case))
    _print_groups(
        f"{title}: per writer (P R F1 (gold) per type)", _grouped(cases, per_case, lambda c: c.writer)
    )
    _print_groups(f"{title}: per kind (P R F1 (gold) per type)", _grouped(cases, per_case, lambda c: c.kind))


def _steps(value: float | int, default: float | int) -> list[float | int]:
    """The values coordinate search tries for one field: a few steps either side, and the default."""
    if isinstance(default, int) and not isinstance(default, bool):
        values: set[float | int] = {max(1, int(value) + step) for step in (-2, -1, 1, 2)}
    else:
        steps = (-0.15, -0.1, -0.05, -0.025, 0.025, 0.05, 0.1, 0.15)
        values = {round(min(1.0, max(0.0, value + step)), 4) for step in steps}
    values.add(default)
    values.discard(value)
    return sorted(values)


def _with(settings: DiffSettings, name: str, value: float | int) -> DiffSettings:
    changes: dict[str, Any] = {name: value}
    return replace(settings, **changes)


def _fit(
    evaluator: _Evaluator, train: Sequence[int], precision_floor: float, passes: int
) -> tuple[DiffSettings, tuple[float, float]]:
    """Coordinate search over every DiffSettings field, scored on the cases at indexes `train`."""

    def score(per_case: tuple[Counts, ...]) -> tuple[float, float]:
        return _objective(_pool_counts(per_case[index] for index in train), precision_floor)

    defaults = DiffSettings()
    best = defaults
    best_score = score(evaluator.one(best))
    for _ in range(passes):
        moved = False
        for field in fields(DiffSettings):
            current = getattr(best, field.name)
            candidates = [
                _with(best, field.name, value) for value in _steps(current, getattr(defaults, field.name))
            ]
            for candidate, per_case in zip(candidates, evaluator.many(candidates), strict=True):
                candidate_score = score(per_case)
                if candidate_score > best_score:
                    best, best_score, moved = candidate, candidate_score, True
        if not moved:
            break
    return best, best_score


def _changed(settings: DiffSettings) -> str:
    defaults = DiffSettings()
    changed = [
        f"{field.name}={getattr(settings, field.name)} (was {getattr(defaults, field.name)})"
        for field in fields(DiffSettings)
        if getattr(settings, field.name) != getattr(defaults, field.name)
    ]
    return ", ".join(changed) or "nothing (the defaults)"


def _run_fit(
    evaluator: _Evaluator, cases: Sequence[Case], precision_floor: float, passes: int, defaults_seen: set[str]
) -> None:
    writers = sorted({case.writer for case in cases})
    defaults = evaluator.one(DiffSettings())
    held_out: dict[int, Counts] = {}
    per_writer: dict[str, tuple[int, Counts]] = {}
    default_per_writer: dict[str, tuple[int, Counts]] = {}
    print(f"leave-one-writer-out fit: precision floor {precision_floor}, up to {passes} passes")
    for writer in writers:
        start = time.perf_counter()
        train = [index for index, case in enumerate(cases) if case.writer != writer]
        test = [index for index, case in enumerate(cases) if case.writer == writer]
        fitted, (shortfall, train_f1) = _fit(evaluator, train, precision_floor, passes)
        results = evaluator.one(fitted)
        for index in test:
            held_out[index] = results[index]
        per_writer[writer] = (len(test), _pool_counts(results[index] for index in test))
        default_per_writer[writer] = (len(test), _pool_counts(defaults[index] for index in test))
        print(
            f"  held out {writer}: train mean F1 {train_f1:.3f} (precision shortfall {-shortfall:.2f}), "
            f"held-out mean F1 {_mean_f1(per_writer[writer][1]):.3f} "
            f"(defaults {_mean_f1(default_per_writer[writer][1]):.3f}), {time.perf_counter() - start:.0f} s"
        )
        print(f"    fitted: {_changed(fitted)}")
    pooled = _pool_counts(held_out.values())
    print()
    _print_table("held-out, pooled over writers (each scored with thresholds fitted on the others)", pooled)
    _print_groups("held-out per writer (P R F1 (gold) per type)", per_writer)
    worst = min(per_writer, key=lambda writer: _mean_f1(per_writer[writer][1]))
    print(f"worst held-out writer: {worst}, mean F1 {_mean_f1(per_writer[worst][1]):.3f}")
    print()
    _print_table("defaults on the same cases (no fitting)", _pool_counts(defaults))
    _print_groups("defaults per writer (P R F1 (gold) per type)", default_per_writer)
    worst = min(default_per_writer, key=lambda writer: _mean_f1(default_per_writer[writer][1]))
    print(f"worst writer with the defaults: {worst}, mean F1 {_mean_f1(default_per_writer[worst][1]):.3f}")
    unseen = [index for index, case in enumerate(cases) if case.writer not in defaults_seen]
    if unseen and defaults_seen:
        names = ", ".join(sorted({cases[index].writer for index in unseen}))
        print()
        _print_groups(
            f"the fair comparison: writers the defaults were not fitted on ({names}), pooled",
            {
                "held-out": (
                    len(unseen),
                    _pool_counts(held_out[index] for index in unseen),
                ),
                "defaults": (len(unseen), _pool_counts(defaults[index] for index in unseen)),
            },
        )
    print(f"settings evaluated: {evaluator.evaluated}")


def _assignment(
    gold: Sequence[Json], predicted: Sequence[Json], original: str, derivative: str
) -> dict[int, int]:
    """Which prediction score.py matches to each gold change: its greedy loop, one pair at a time."""
    used: dict[int, int] = {}
    for gold_index, wanted in enumerate(gold):
        for index, change in enumerate(predicted):
            if index in used.values() or change["type"] != wanted["type"]:
                continue
            tp, _, _ = SCORE.match_changes([wanted], [change], original, derivative)
            if sum(tp.values()):
                used[gold_index] = index
                break
    tp, _, _ = SCORE.match_changes(list(gold), list(predicted), original, derivative)
    if sum(tp.values()) != len(used):
        raise SystemExit("the miss dump's matching disagrees with score.match_changes; update _assignment")
    return used


def _gold_sides(wanted: Json, original: str, derivative: str) -> tuple[Json | None, Json | None]:
    sides = []
    for side, text in (("original", original), ("derivative", derivative)):
        span = SCORE.gold_span(wanted.get(f"{side}_span"), text, wanted.get(f"{side}_start"))
        sides.append(
            None if span is None else {"start": span[0], "end": span[1], "text": text[span[0] : span[1]]}
        )
    return sides[0], sides[1]


def _overlaps(a: Json | None, b: Json | None) -> bool:
    return a is not None and b is not None and min(a["end"], b["end"]) > max(a["start"], b["start"])


def _near(target: Json, others: Iterable[Json]) -> list[Json]:
    return [
        {"type": other["type"], "original": other["original"], "derivative": other["derivative"]}
        for other in others
        if _overlaps(target["original"], other["original"])
        or _overlaps(target["derivative"], other["derivative"])
    ]


def _write_misses(path: Path, cases: Sequence[Case], settings: DiffSettings) -> tuple[int, int]:
    """Write every false negative and false positive of `settings`; return how many of each."""
    false_negatives = false_positives = 0
    with path.open("w", encoding="utf-8") as out:
        for case in cases:
            original = extract_facts(load_document(case.original))
            derivative = extract_facts(load_document(case.derivative))
            original_text, derivative_text = original.document.text, derivative.document.text
            changes = diff_facts(original, derivative, settings).changes
            predicted = _predictions(changes, original_text, derivative_text)
            matched = _assignment(case.gold, predicted, original_text, derivative_text)
            gold = []
            for wanted in case.gold:
                gold_original, gold_derivative = _gold_sides(wanted, original_text, derivative_text)
                gold.append(
                    {
                        "type": wanted["type"],
                        "fact": wanted["fact"],
                        "original": gold_original,
                        "derivative": gold_derivative,
                    }
                )
            head = {"corpus": case.corpus, "case": case.id, "writer": case.writer, "kind": case.kind}
            for index, wanted in enumerate(gold):
                if index not in matched:
                    false_negatives += 1
                    record = {**head, "miss": "false_negative", **wanted, "nearby": _near(wanted, predicted)}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            matched_predictions = set(matched.values())
            for index, change in enumerate(predicted):
                if index not in matched_predictions:
                    false_positives += 1
                    record = {**head, "miss": "false_positive", **change, "nearby": _near(change, gold)}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
    return false_negatives, false_positives


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--corpus",
        type=Path,
        action="append",
        help="score.py corpus folder; repeatable (default: rewrites, rewrites-wide)",
    )
    parser.add_argument(
        "--fit", action="store_true", help="leave-one-writer-out fit of the DiffSettings thresholds"
    )
    parser.add_argument(
        "--precision-floor", type=float, default=0.5, help="per-type precision the fit must reach first"
    )
    parser.add_argument(
        "--passes", type=int, default=3, help="coordinate-search sweeps over the fields at most"
    )
    parser.add_argument(
        "--defaults-fitted-on",
        nargs="*",
        default=["rewrites"],
        help="writers the shipped defaults were fitted on; the last table leaves them out",
    )
    parser.add_argument("--processes", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument(
        "--misses", type=Path, help="write the defaults' false negatives and positives here (JSONL)"
    )
    args = parser.parse_args()

    start = time.perf_counter()
    corpora = args.corpus or list(DEFAULT_CORPORA)
    cases = _read_cases(corpora)
    print(
        f"python {platform.python_version()}  dedup {version('dedup')} from {Path(dedup.__file__).parent}  "
        f"processes {args.processes}"
    )
    print(f"score rules: {SCORE_PATH}")
    print(f"corpora: {', '.join(str(corpus) for corpus in corpora)}; {len(cases)} derived cases")
    evaluator = _Evaluator(cases, max(1, args.processes))
    try:
        _report("defaults", cases, evaluator.one(DiffSettings()))
        if args.fit:
            print()
            _run_fit(evaluator, cases, args.precision_floor, args.passes, set(args.defaults_fitted_on))
    finally:
        evaluator.close()
    if args.misses is not None:
        false_negatives, false_positives = _write_misses(args.misses, cases, DiffSettings())
        print(
            f"misses of the defaults: {false_negatives} false negatives, "
            f"{false_positives} false positives -> {args.misses}"
        )
    print(f"run time {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
