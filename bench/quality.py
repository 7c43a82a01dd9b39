"""Measure what the cleaner removes on real scraped text, against a ground truth.

Reads a JSONL file of records ``{"id", "url", "truth", "outputs": {extractor: text}}``
(the AEB development set by default), cleans every extractor's output with a profile,
and scores it before and after with the metric of the data set's README:

- tokens are maximal runs of word characters (letters, digits, underscore), case kept;
- shingles are runs of 4 consecutive tokens (a text of 1-3 tokens has one shingle of
  all its tokens), compared as multisets between truth and prediction;
- per document, precision = tp/(tp+fp) and recall = tp/(tp+fn); the corpus precision is
  the mean over documents whose prediction has shingles, the corpus recall the mean over
  documents whose truth has shingles, and F1 the harmonic mean of the two means.

"Content loss" counts documents whose recall fell by more than 0.01. A removal is
"false" when one of its lines is text the truth needs and the kept text no longer has:
a line of 4+ tokens with at least half of its shingles missing from the kept text but
present in the truth, or a shorter line equal (as tokens) to a whole line of the truth.

Usage::

    python bench/quality.py [PATH] [--profile article|page|both] [--json]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner import Cleaner, CleanResult  # noqa: E402 (after the path set-up)

DATA_UNDER = Path("shared", "data", "aeb-dev", "dev.jsonl")


def default_data() -> Path:
    """``../shared/data/aeb-dev/dev.jsonl`` beside the checkout, or beside an ancestor (worktrees)."""
    for folder in ROOT.parents:
        if (folder / DATA_UNDER).is_file():
            return folder / DATA_UNDER
    return ROOT.parent / DATA_UNDER


TOKEN = re.compile(r"\w+")
LOSS_THRESHOLD = 0.01
SHINGLE = 4

Shingle = tuple[str, ...]


def tokens(text: str) -> list[str]:
    """The word tokens of ``text``, case kept."""
    return TOKEN.findall(text)


def shingles(words: list[str]) -> Iterator[Shingle]:
    """The 4-token shingles of a token list; 1-3 tokens give one shingle, none give none."""
    if not words:
        return
    if len(words) < SHINGLE:
        yield tuple(words)
        return
    for start in range(len(words) - SHINGLE + 1):
        yield tuple(words[start : start + SHINGLE])


def shingle_counts(text: str) -> Counter[Shingle]:
    """The multiset of shingles of ``text``."""
    return Counter(shingles(tokens(text)))


@dataclass(frozen=True, slots=True)
class Score:
    """One document's precision and recall (None where the metric leaves it out)."""

    precision: float | None
    recall: float | None


def score(truth: Counter[Shingle], prediction: Counter[Shingle]) -> Score:
    """Precision and recall of ``prediction`` against ``truth``, as multisets of shingles."""
    tp = sum((truth & prediction).values())
    predicted = sum(prediction.values())
    wanted = sum(truth.values())
    return Score(tp / predicted if predicted else None, tp / wanted if wanted else None)


@dataclass(frozen=True, slots=True)
class Summary:
    """Corpus precision, recall and F1 over a list of document scores."""

    precision: float
    recall: float
    f1: float


def summarize(scores: Iterable[Score]) -> Summary:
    """Mean precision and mean recall over the documents that have them, and their F1."""
    scores = list(scores)
    precisions = [s.precision for s in scores if s.precision is not None]
    recalls = [s.recall for s in scores if s.recall is not None]
    p = sum(precisions) / len(precisions) if precisions else 0.0
    r = sum(recalls) / len(recalls) if recalls else 0.0
    return Summary(p, r, 2 * p * r / (p + r) if p + r else 0.0)


@dataclass(slots=True)
class RuleTally:
    """Per rule: removals made, and removals that took text the truth needs."""

    removals: int = 0
    false_removals: int = 0
    chars: int = 0
    examples: list[str] = field(default_factory=list)


def false_removal(
    removal_text: str, truth: Counter[Shingle], kept: Counter[Shingle], truth_lines: set[Shingle]
) -> bool:
    """Whether one of the removed lines is text the truth needs and the kept text lacks."""
    for line in removal_text.splitlines():
        words = tokens(line)
        if not words:
            continue
        if len(words) < SHINGLE:
            if tuple(words) in truth_lines:
                return True
            continue
        own = list(shingles(words))
        needed = sum(1 for s in own if truth[s] > kept[s])
        if needed * 2 >= len(own):
            return True
    return False


def evaluate(records: list[dict[str, Any]], profile: str, *, show_false: int = 0) -> dict[str, Any]:
    """Score every extractor before and after cleaning with ``profile``."""
    cleaner = Cleaner(profile=profile)
    extractors = sorted({name for record in records for name in record["outputs"]}, key=extractor_order)
    by_extractor: dict[str, Any] = {}
    rules: dict[str, RuleTally] = {}
    false_examples: list[str] = []
    for extractor in extractors:
        before, after = [], []
        loss_docs = 0
        chars = 0
        for record in records:
            text = record["outputs"].get(extractor)
            if text is None:
                continue
            truth = shingle_counts(record["truth"])
            result: CleanResult = cleaner.clean(text, name=f"{record['id'][:8]}/{extractor}")
            prior = score(truth, shingle_counts(text))
            kept = shingle_counts(result.text)
            later = score(truth, kept)
            before.append(prior)
            after.append(later)
            if prior.recall is not None and (later.recall or 0.0) < prior.recall - LOSS_THRESHOLD:
                loss_docs += 1
            chars += result.removed_chars()
            truth_lines = {tuple(tokens(line)) for line in record["truth"].splitlines() if tokens(line)}
            for removal in result.removals:
                tally = rules.setdefault(removal.rule_id, RuleTally())
                tally.removals += 1
                tally.chars += len(removal.text)
                if false_removal(removal.text, truth, kept, truth_lines):
                    tally.false_removals += 1
                    if len(false_examples) < show_false:
                        false_examples.append(
                            f"{record['id'][:8]} {extractor} {removal.rule_id}: {removal.text[:160]!r}"
                        )
        b, a = summarize(before), summarize(after)
        by_extractor[extractor] = {
            "documents": len(before),
            "before": {"precision": b.precision, "recall": b.recall, "f1": b.f1},
            "after": {"precision": a.precision, "recall": a.recall, "f1": a.f1},
            "delta": {
                "precision": a.precision - b.precision,
                "recall": a.recall - b.recall,
                "f1": a.f1 - b.f1,
            },
            "content_loss_documents": loss_docs,
            "chars_removed": chars,
        }
    return {
        "profile": profile,
        "extractors": by_extractor,
        "rules": {
            rule_id: {"removals": t.removals, "false_removals": t.false_removals, "chars_removed": t.chars}
            for rule_id, t in sorted(rules.items())
        },
        "false_examples": false_examples,
    }


EXTRACTOR_ORDER = (
    "trafilatura", "readability_js", "goose3", "newspaper", "rs_trafilatura",
    "go_trafilatura", "justext", "html-text", "inscriptis", "beautifulsoup",
)  # fmt: skip


def extractor_order(name: str) -> tuple[int, str]:
    """Article extractors first, then single-line ones, then whole-page ones."""
    return (EXTRACTOR_ORDER.index(name) if name in EXTRACTOR_ORDER else len(EXTRACTOR_ORDER), name)


def render(report: dict[str, Any]) -> str:
    """Two Markdown tables: per extractor, then per rule."""
    lines = [
        f"profile: {report['profile']}",
        "",
        "| extractor | docs | P before | R before | F1 before | P after | R after | F1 after "
        "| ΔP | ΔR | ΔF1 | content loss | chars removed |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for name, row in report["extractors"].items():
        b, a, d = row["before"], row["after"], row["delta"]
        lines.append(
            f"| {name} | {row['documents']} "
            f"| {b['precision']:.4f} | {b['recall']:.4f} | {b['f1']:.4f} "
            f"| {a['precision']:.4f} | {a['recall']:.4f} | {a['f1']:.4f} "
            f"| {d['precision']:+.4f} | {d['recall']:+.4f} | {d['f1']:+.4f} "
            f"| {row['content_loss_documents']} | {row['chars_removed']:,} |"
        )
    lines += ["", "| rule | removals | false removals | chars removed |", "|---|--:|--:|--:|"]
    for rule_id, row in report["rules"].items():
        lines.append(
            f"| {rule_id} | {row['removals']} | {row['false_removals']} | {row['chars_removed']:,} |"
        )
    for example in report["false_examples"]:
        lines.append(f"false: {example}")
    return "\n".join(lines)


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL file; a bad line is reported with its number."""
    records = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not JSON: {error}") from None
            if (
                not isinstance(record, dict)
                or not isinstance(record.get("truth"), str)
                or not isinstance(record.get("outputs"), dict)
            ):
                raise SystemExit(f"{path}:{number}: a record needs a 'truth' string and an 'outputs' object")
            record.setdefault("id", str(number))
            records.append(record)
    return records


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print the tables or the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "path",
        nargs="?",
        type=Path,
        default=None,
        help="JSONL file (default: ../shared/data/aeb-dev/dev.jsonl from the repository root)",
    )
    parser.add_argument("--profile", choices=("article", "page", "both"), default="both")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--show-false", type=int, default=0, metavar="N", help="list up to N false removals")
    args = parser.parse_args(argv)
    args.path = args.path or default_data()
    if not args.path.is_file():
        raise SystemExit(f"{args.path}: no such file; pass the JSONL path as the first argument")
    records = read_records(args.path)
    profiles = ("article", "page") if args.profile == "both" else (args.profile,)
    reports = [evaluate(records, profile, show_false=args.show_false) for profile in profiles]
    if args.json:
        print(json.dumps({"data": str(args.path), "records": len(records), "profiles": reports}, indent=2))
    else:
        print(f"data: {args.path} ({len(records)} records)\n")
        print("\n\n".join(render(report) for report in reports))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
