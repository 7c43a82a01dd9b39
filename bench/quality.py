"""Measure what the cleaner removes on real scraped text, against three kinds of truth.

Reads the three development sets under ``shared/data`` beside the checkout (or any JSONL
or ``.jsonl.gz`` files given as arguments), cleans every extractor's output with each
profile, and scores it before and after. Two shapes of record are understood:

- truth text (``aeb``, ``dragnet``): ``{"id", "truth", "outputs": {extractor: text}}``;
- snippets (``trafilatura-eval``): ``{"id", "with": [...], "without": [...], "outputs"}``.

The shingle metric follows ``aeb-dev/README.md``:

- tokens are maximal runs of word characters (letters, digits, underscore), case kept;
- shingles are runs of 4 consecutive tokens (a text of 1-3 tokens has one shingle of
  all its tokens), compared as multisets between truth and prediction;
- per document, precision = tp/(tp+fp) and recall = tp/(tp+fn); the corpus precision is
  the mean over documents whose prediction has shingles, the corpus recall the mean over
  documents whose truth has shingles, and F1 the harmonic mean of the two means.

The snippet metric follows ``trafilatura-eval-dev/README.md``: white space is normalised
(runs of it become one space); a snippet is *found* in a text when it is a substring of
the normalised text. ``with kept`` is the share of ``with`` snippets found in the cleaned
text among those found in that extractor's output before cleaning; ``without removed``
the share of ``without`` snippets no longer found among those found before. The micro
precision, recall and F1 count over all snippets of all pages: a ``with`` found is a true
positive, a ``with`` missing a false negative, a ``without`` found a false positive.

Lines (as the cleaner splits them) are judged one by one:

- a *prose line* has 12 or more words (white-space separated pieces holding a word
  character) and ends like a sentence (``. ! ? …`` or the full-width CJK stops, then
  any closing quotes or brackets), so text without spaces between words never counts;
- a removed line is *in the truth* when at least half of its shingles are shingles of the
  truth text, or, for a line of 1-3 tokens, when its tokens are those of a whole truth
  line; on the snippet set, when it overlaps a place of the output where a ``with``
  snippet is found (a ``with`` line); a ``without`` line overlaps a ``without`` snippet;
- a removed prose line is *lost* when, with truth text, at least half of its shingles are
  ones the truth has more copies of than the cleaned text (so the line is neither junk
  nor kept elsewhere, and a sentence the page really repeats counts when a copy goes);
  with snippets, when it overlaps a ``with`` snippet that is no longer found in the
  cleaned text.

"Prose lost" counts the documents with at least one lost line; "content loss" those whose
recall fell by more than 0.01. The per-rule tables count, for each rule: removals,
removed non-blank lines, those in the truth (or ``with``/``without`` lines), and lost
prose lines. They add up the extractors that fit the profile (whole-page extractors for
``page``, the others for ``article``) unless ``--extractor`` names some.

Each record is measured in a pool of ``--jobs`` processes (each builds its cleaners once;
a record's truth shingles and its outputs' shingles before cleaning are computed once
for both profiles). ``--json FILE`` saves the report: ``sets``; ``results[set][profile]
[extractor]`` (the figures); ``rules[set][profile][extractor][rule]`` (the counts);
``lost`` (each lost prose line with its set, profile, extractor, document id and rule);
``languages[set][profile][extractor][lang]`` (a snippet set's figures per language of its
pages, by the record's ``lang``; the full report shows them for the target rows).
``--compare OLD.json`` prints what changed against such a file.

``--half A`` or ``--half B`` measures one half of each set, split by site (the host of a
record's ``url``, else its id up to the first "-"): a change written from the pages of
one half can then be judged on sites it was not written from, as the kept-apart pages
will judge it.

Usage::

    python bench/quality.py                          # all sets, both profiles
    python bench/quality.py --set dragnet --profile page --rule PGE --show-lost 20
    python bench/quality.py --json new.json --compare old.json
    python bench/quality.py --half B --brief        # the sites of the other half
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import re
import sys
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from multiprocessing import Pool
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]  # the checkout's cleaner, and quality_tables beside this file

from quality_tables import compare, keep_row, render, render_lines, render_targets  # noqa: E402

from cleaner import Cleaner, CleanerError, CleanResult  # noqa: E402 (after the path set-up)
from cleaner.matchers import split_lines  # noqa: E402 (the cleaner's own line split)

# --------------------------------------------------------------------------- data sets


@dataclass(frozen=True, slots=True)
class DataSet:
    """A development set: its short name and its file under ``shared/data``."""

    name: str
    under: Path


DATA_SETS = (
    DataSet("aeb", Path("aeb-dev", "dev.jsonl")),
    DataSet("dragnet", Path("dragnet-dev", "dev.jsonl.gz")),
    DataSet("trafilatura-eval", Path("trafilatura-eval-dev", "dev.jsonl.gz")),
)
SET_NAMES = tuple(data_set.name for data_set in DATA_SETS)
DATA_UNDER = Path("shared", "data")


def default_data(name: str = "aeb") -> Path:
    """The file of set ``name`` in ``shared/data`` beside the checkout or beside an ancestor
    (a worktree), or where it would be beside the checkout."""
    under = DATA_UNDER / next(data_set.under for data_set in DATA_SETS if data_set.name == name)
    for folder in ROOT.parents:
        if (folder / under).is_file():
            return folder / under
    return ROOT.parent / under


def read_records(path: Path) -> list[dict[str, Any]]:
    """The records of a JSONL file (gzip if the name ends in ``.gz``); a bad line is
    reported with its number. Every record must have the same shape as the first."""
    opener = gzip.open if path.suffix == ".gz" else open
    records: list[dict[str, Any]] = []
    with opener(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as error:
                raise SystemExit(f"{path}:{number}: not JSON: {error}") from None
            problem = record_problem(record)
            if problem:
                raise SystemExit(f"{path}:{number}: {problem}")
            if records and record_kind(record) != record_kind(records[0]):
                raise SystemExit(
                    f"{path}:{number}: a {record_kind(record)} record among {record_kind(records[0])} ones"
                )
            record.setdefault("id", str(number))
            records.append(record)
    return records


def record_problem(record: object) -> str | None:
    """What is wrong with the shape of a record, or None."""
    if not isinstance(record, dict) or not isinstance(record.get("outputs"), dict):
        return "a record needs an 'outputs' object of extractor texts"
    if not all(text is None or isinstance(text, str) for text in record["outputs"].values()):
        return "'outputs' values must be strings (or null)"
    if isinstance(record.get("truth"), str):
        return None
    snippets = (record.get("with"), record.get("without"))
    if all(isinstance(group, list) and all(isinstance(s, str) for s in group) for group in snippets):
        return None
    return "a record needs a 'truth' string, or 'with' and 'without' lists of snippets"


def record_kind(record: dict[str, Any]) -> str:
    """``truth`` for a record with a truth text, ``snippets`` for one with snippets."""
    return "truth" if isinstance(record.get("truth"), str) else "snippets"


# --------------------------------------------------------------------------- the shingle metric

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
    yield from zip(words, words[1:], words[2:], words[3:], strict=False)


def shingle_counts(text: str) -> Counter[Shingle]:
    """The multiset of shingles of ``text``."""
    words = tokens(text)
    if len(words) < SHINGLE:
        return Counter(shingles(words))
    return Counter(zip(words, words[1:], words[2:], words[3:], strict=False))  # no generator: 2x faster


@dataclass(frozen=True, slots=True)
class Score:
    """One document's precision and recall (None where the metric leaves it out)."""

    precision: float | None
    recall: float | None


def score(truth: Counter[Shingle], prediction: Counter[Shingle]) -> Score:
    """Precision and recall of ``prediction`` against ``truth``, as multisets of shingles."""
    common = truth.keys() & prediction.keys()  # a set operation in C; most shingles are in one only
    tp = sum(min(truth[s], prediction[s]) for s in common)
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
    return Summary(p, r, f1_of(p, r))


def f1_of(precision: float, recall: float) -> float:
    """The harmonic mean of two figures (0 when both are 0)."""
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


# --------------------------------------------------------------------------- lines

PROSE_WORDS = 12
WORD = re.compile(r"\w")
SENTENCE_END = re.compile(r"[.!?…。！？][\"'”’»)\]]*$")  # noqa: RUF001 (closing quotes)


def is_prose(line: str) -> bool:
    """Whether a line is running prose: 12+ words and a sentence end.

    >>> is_prose("The council voted on Monday to expand the library and to hire more staff.")
    True
    >>> is_prose("Sign up for our newsletter")
    False
    """
    stripped = line.rstrip()
    if not SENTENCE_END.search(stripped):
        return False
    return sum(1 for word in stripped.split() if WORD.search(word)) >= PROSE_WORDS


def normalise(text: str) -> str:
    """White space runs made one space, ends stripped (the snippet metric's comparison)."""
    return " ".join(text.split())


# --------------------------------------------------------------------------- one document


@dataclass(slots=True)
class Tally:
    """What one rule removed: removals, characters, non-blank lines, how many of those
    lines were in the truth (``with`` lines on the snippet set), ``without`` lines, and
    lost prose lines."""

    removals: int = 0
    chars: int = 0
    lines: int = 0
    in_truth: int = 0
    without: int = 0
    prose_lost: int = 0

    def add(self, other: Tally) -> None:
        """Add another tally's counts to this one."""
        for name in TALLY_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))


TALLY_FIELDS = tuple(f.name for f in fields(Tally))


@dataclass(slots=True)
class Snippets:
    """Snippet counts of one or more documents: totals, found before and after cleaning,
    and kept / removed among those found before."""

    with_total: int = 0
    with_before: int = 0
    with_after: int = 0
    with_kept: int = 0
    without_total: int = 0
    without_before: int = 0
    without_after: int = 0
    without_removed: int = 0

    def add(self, other: Snippets) -> None:
        """Add another document's counts to these."""
        for item in fields(self):
            setattr(self, item.name, getattr(self, item.name) + getattr(other, item.name))

    def shares(self) -> dict[str, float]:
        """``with_kept`` and ``without_removed``: the shares of those found before cleaning."""
        return {
            "with_kept": self.with_kept / self.with_before if self.with_before else 1.0,
            "without_removed": self.without_removed / self.without_before if self.without_before else 0.0,
        }


@dataclass(slots=True)
class Outcome:
    """One extractor's text of one document, cleaned with one profile, as measured.

    ``lost`` holds (rule id, line) of each lost prose line; ``sample`` (rule id, mark,
    line) of each removed line of the rule asked for with ``--show-removed``.
    """

    before: Score | None = None
    after: Score | None = None
    snippets: Snippets | None = None
    chars: int = 0
    rules: dict[str, Tally] = field(default_factory=dict)
    lost: list[tuple[str, str]] = field(default_factory=list)
    sample: list[tuple[str, str, str]] = field(default_factory=list)


class TruthJudge:
    """Judges cleanings of one document against its truth text (shingles computed once)."""

    def __init__(self, truth: str) -> None:
        self.truth = shingle_counts(truth)
        self.truth_lines = {tuple(words) for line in truth.splitlines() if (words := tokens(line))}

    def measure(
        self, before: tuple[Counter[Shingle], Score], result: CleanResult, sample_rule: str | None
    ) -> Outcome:
        """Scores before (given: the same for every profile) and after, and each removed line judged."""
        kept = shingle_counts(result.text) if result.removals else before[0]
        outcome = Outcome(before=before[1], after=score(self.truth, kept))
        for removal in result.removals:
            tally = open_tally(outcome, removal.rule_id, len(removal.text))
            for line in split_lines(removal.text):
                if not line.strip():
                    continue
                tally.lines += 1
                words = tokens(line)
                own = list(shingles(words))
                if len(words) < SHINGLE:
                    hit = bool(own) and own[0] in self.truth_lines
                else:
                    hit = 2 * sum(1 for s in own if s in self.truth) >= len(own)
                tally.in_truth += hit
                lost = (
                    hit and is_prose(line) and 2 * sum(1 for s in own if self.truth[s] > kept[s]) >= len(own)
                )
                if lost:
                    tally.prose_lost += 1
                    outcome.lost.append((removal.rule_id, line.strip()))
                if removal.rule_id == sample_rule:
                    mark = ("LOST " if lost else "") + ("truth" if hit else "junk")
                    outcome.sample.append((removal.rule_id, mark, line.strip()))
        return outcome


class SnippetJudge:
    """Judges cleanings of one document against its ``with`` and ``without`` snippets."""

    def __init__(self, with_: Sequence[str], without: Sequence[str]) -> None:
        self.with_ = [s for s in map(normalise, with_) if s]
        self.without = [s for s in map(normalise, without) if s]

    def measure(self, text: str, result: CleanResult, sample_rule: str | None) -> Outcome:
        """Snippet counts before and after, and each removed line judged."""
        lines = split_lines(text)
        joined, starts = normalised_lines(lines)
        kept = normalise(result.text) if result.removals else joined
        counts = Snippets(with_total=len(self.with_), without_total=len(self.without))
        with_cover: dict[int, list[int]] = {}
        without_cover: dict[int, list[int]] = {}
        with_found_after = []
        for number, snippet in enumerate(self.with_):
            found, after = snippet in joined, snippet in kept
            with_found_after.append(after)
            counts.with_before += found
            counts.with_after += after
            counts.with_kept += found and after
            if found:
                cover_lines(joined, starts, snippet, number, with_cover)
        for number, snippet in enumerate(self.without):
            found, after = snippet in joined, snippet in kept
            counts.without_before += found
            counts.without_after += after
            counts.without_removed += found and not after
            if found:
                cover_lines(joined, starts, snippet, number, without_cover)
        outcome = Outcome(snippets=counts)
        for removal in result.removals:
            tally = open_tally(outcome, removal.rule_id, len(removal.text))
            for index, line in enumerate(split_lines(removal.text), removal.first_line - 1):
                if not line.strip():
                    continue
                tally.lines += 1
                covering = with_cover.get(index, ())
                tally.in_truth += bool(covering)
                tally.without += index in without_cover
                lost = any(not with_found_after[n] for n in covering) and is_prose(line)
                if lost:
                    tally.prose_lost += 1
                    outcome.lost.append((removal.rule_id, line.strip()))
                if removal.rule_id == sample_rule:
                    mark = "with" if covering else "without" if index in without_cover else "-"
                    outcome.sample.append((removal.rule_id, ("LOST " if lost else "") + mark, line.strip()))
        return outcome


def open_tally(outcome: Outcome, rule_id: str, chars: int) -> Tally:
    """The tally of ``rule_id`` in ``outcome``, with one more removal of ``chars`` counted."""
    tally = outcome.rules.setdefault(rule_id, Tally())
    tally.removals += 1
    tally.chars += chars
    outcome.chars += chars
    return tally


def normalised_lines(lines: list[str]) -> tuple[str, list[int]]:
    """The normalised text of ``lines`` and where each line starts in it (a blank line
    starts where the next one does)."""
    parts, starts, position = [], [], 0
    for line in lines:
        starts.append(position)
        piece = normalise(line)
        if piece:
            parts.append(piece)
            position += len(piece) + 1
    return " ".join(parts), starts


def cover_lines(
    joined: str, starts: list[int], snippet: str, number: int, cover: dict[int, list[int]]
) -> None:
    """Note snippet ``number`` on every line that one of its places in ``joined`` overlaps."""
    at = joined.find(snippet)
    while at >= 0:
        end = at + len(snippet)
        index = max(bisect_right(starts, at) - 1, 0)
        while index < len(starts) and starts[index] < end:
            cover.setdefault(index, []).append(number)
            index += 1
        at = joined.find(snippet, at + 1)


# --------------------------------------------------------------------------- workers


@dataclass(frozen=True, slots=True)
class Plan:
    """What each worker measures: profiles, extractors (empty: all), the sampled rule."""

    profiles: tuple[str, ...]
    extractors: tuple[str, ...] = ()
    sample_rule: str | None = None


Measured = dict[tuple[str, str], Outcome]  # by (profile, extractor)
_worker: tuple[Plan, dict[str, Cleaner]] | None = None  # set once in each worker process


class BenchError(Exception):
    """A document could not be measured (raised in a worker, reported by the parent)."""


def start_worker(plan: Plan) -> None:
    """Build each profile's `Cleaner` once in this process."""
    global _worker  # noqa: PLW0603 (one per worker process, set by the pool's initializer)
    _worker = (plan, {profile: Cleaner(profile=profile) for profile in plan.profiles})


def measure_record(task: tuple[str, dict[str, Any]]) -> Measured:
    """Clean each wanted extractor's text of one record with each profile, and measure."""
    assert _worker is not None, "start_worker was not called"
    plan, cleaners = _worker
    set_name, record = task
    judge = TruthJudge(record["truth"]) if record_kind(record) == "truth" else None
    snippets = None if judge else SnippetJudge(record["with"], record["without"])
    measured: Measured = {}
    for extractor, text in record["outputs"].items():
        if text is None or (plan.extractors and extractor not in plan.extractors):
            continue
        if judge:
            counts = shingle_counts(text)
            before = (counts, score(judge.truth, counts))
        for profile, cleaner in cleaners.items():
            try:
                result = cleaner.clean(text, name=f"{set_name}/{record['id']}/{extractor}")
            except CleanerError as error:
                raise BenchError(f"{set_name} {record['id']} {extractor} ({profile}): {error}") from None
            if judge:
                measured[profile, extractor] = judge.measure(before, result, plan.sample_rule)
            else:
                assert snippets is not None
                measured[profile, extractor] = snippets.measure(text, result, plan.sample_rule)
    return measured


# --------------------------------------------------------------------------- adding up


@dataclass(slots=True)
class Group:
    """One set, profile and extractor over all documents."""

    kind: str
    documents: int = 0
    before: list[Score] = field(default_factory=list)
    after: list[Score] = field(default_factory=list)
    content_loss: int = 0
    prose_lost: int = 0
    chars: int = 0
    snippets: Snippets = field(default_factory=Snippets)
    rules: dict[str, Tally] = field(default_factory=dict)

    def add(self, outcome: Outcome) -> None:
        """Count one document's outcome."""
        self.documents += 1
        self.chars += outcome.chars
        self.prose_lost += bool(outcome.lost)
        if outcome.before is not None and outcome.after is not None:
            self.before.append(outcome.before)
            self.after.append(outcome.after)
            prior, later = outcome.before.recall, outcome.after.recall
            self.content_loss += prior is not None and (later or 0.0) < prior - LOSS_THRESHOLD
        if outcome.snippets is not None:
            self.snippets.add(outcome.snippets)
        for rule_id, tally in outcome.rules.items():
            self.rules.setdefault(rule_id, Tally()).add(tally)

    def figures(self) -> dict[str, Any]:
        """This group's figures, as saved in the JSON report."""
        row: dict[str, Any] = {
            "documents": self.documents,
            "prose_lost_documents": self.prose_lost,
            "prose_lost_share": self.prose_lost / self.documents if self.documents else 0.0,
            "chars_removed": self.chars,
        }
        if self.kind == "truth":
            b, a = summarize(self.before), summarize(self.after)
            row |= {
                "before": asdict(b),
                "after": asdict(a),
                "delta": {key: getattr(a, key) - getattr(b, key) for key in ("precision", "recall", "f1")},
                "content_loss_documents": self.content_loss,
            }
        else:
            s = self.snippets
            row |= {
                "snippets": asdict(s),
                **s.shares(),
                "before": micro(s.with_before, s.without_before, s.with_total),
                "after": micro(s.with_after, s.without_after, s.with_total),
            }
        return row


@dataclass(slots=True)
class Language:
    """The snippet figures of one language's pages (the record's ``lang``), so that a
    change is also judged on the languages it was not written from."""

    documents: int = 0
    snippets: Snippets = field(default_factory=Snippets)

    def add(self, counts: Snippets) -> None:
        """Count one page."""
        self.documents += 1
        self.snippets.add(counts)

    def figures(self) -> dict[str, Any]:
        """The page count, the snippets found before cleaning, and the two shares."""
        s = self.snippets
        return {
            "documents": self.documents,
            "with_before": s.with_before,
            "without_before": s.without_before,
            **s.shares(),
        }


def micro(with_found: int, without_found: int, with_total: int) -> dict[str, float]:
    """Micro precision, recall and F1 of snippets found in a text (the README's metric)."""
    p = with_found / (with_found + without_found) if with_found + without_found else 0.0
    r = with_found / with_total if with_total else 0.0
    return {"precision": p, "recall": r, "f1": f1_of(p, r)}


EXTRACTOR_ORDER = (
    "trafilatura", "readability_js", "readability", "goose3", "newspaper", "rs_trafilatura",
    "go_trafilatura", "justext", "html-text", "inscriptis", "beautifulsoup",
)  # fmt: skip


def extractor_order(name: str) -> tuple[int, str]:
    """Article extractors first, then single-line ones, then whole-page ones."""
    return (EXTRACTOR_ORDER.index(name) if name in EXTRACTOR_ORDER else len(EXTRACTOR_ORDER), name)


@dataclass(frozen=True, slots=True)
class Source:
    """A set to measure: its name and the file its records come from."""

    name: str
    path: Path


HALVES = ("A", "B")


def half_of(record: dict[str, Any]) -> str:
    """The half of its set a record falls in, by its site: the host of its ``url``, else
    its id up to the first "-" (Dragnet's and TE's ids start with a hash of the site:
    "3fbf0c2e-109", "46256240-chip.de.beef"). A site's pages stay together, so a rule
    written from one half meets only sites it has not seen in the other.

    >>> [half_of({"id": "1", "url": f"https://{host}/a"}) for host in ("b.com", "c.com")]
    ['B', 'A']
    >>> half_of({"id": "3fbf0c2e-109", "url": ""}) == half_of({"id": "3fbf0c2e-452"})
    True
    """
    site = urlsplit(record.get("url") or "").hostname or str(record["id"]).split("-", 1)[0]
    return HALVES[hashlib.md5(site.encode("utf-8"), usedforsecurity=False).digest()[0] & 1]


def run(sources: Sequence[Source], plan: Plan, jobs: int, half: str | None = None) -> dict[str, Any]:
    """Measure every record of every source (of one ``half`` of each, if given) and return
    the report (JSON-ready)."""
    started = time.perf_counter()
    loaded = [
        (source, [record for record in read_records(source.path) if half is None or half_of(record) == half])
        for source in sources
    ]
    tasks = ((source.name, record) for source, records in loaded for record in records)
    groups: dict[tuple[str, str, str], Group] = {}
    languages: dict[tuple[str, str, str], dict[str, Language]] = {}
    lost: list[dict[str, str]] = []
    sample: list[dict[str, str]] = []
    kinds = {source.name: record_kind(records[0]) if records else "truth" for source, records in loaded}
    ids = (
        (source.name, str(record["id"]), str(record.get("lang") or "unknown"))
        for source, records in loaded
        for record in records
    )
    with Pool(jobs, start_worker, (plan,)) if jobs > 1 else nullpool(plan) as pool:
        for (set_name, doc_id, language), measured in zip(
            ids, pool.imap(measure_record, tasks, chunksize=4), strict=True
        ):
            for (profile, extractor), outcome in measured.items():
                key = (set_name, profile, extractor)
                groups.setdefault(key, Group(kinds[set_name])).add(outcome)
                if outcome.snippets is not None:
                    languages.setdefault(key, {}).setdefault(language, Language()).add(outcome.snippets)
                place = {"set": set_name, "profile": profile, "extractor": extractor, "id": doc_id}
                lost += [place | {"rule": rule_id, "line": line} for rule_id, line in outcome.lost]
                sample += [place | {"rule": r, "mark": m, "line": line} for r, m, line in outcome.sample]
    results: dict[str, Any] = {}
    rules: dict[str, Any] = {}
    by_language: dict[str, Any] = {}
    for (set_name, profile, extractor), group in sorted(groups.items(), key=group_order):
        results.setdefault(set_name, {}).setdefault(profile, {})[extractor] = group.figures()
        rules.setdefault(set_name, {}).setdefault(profile, {})[extractor] = {
            rule_id: asdict(tally) for rule_id, tally in sorted(group.rules.items())
        }
        if (set_name, profile, extractor) in languages:
            counted = languages[set_name, profile, extractor]
            by_language.setdefault(set_name, {}).setdefault(profile, {})[extractor] = {
                language: counted[language].figures()
                for language in sorted(counted, key=lambda name: (-counted[name].documents, name))
            }
    return {
        "sets": {
            source.name: {"path": str(source.path), "kind": kinds[source.name], "documents": len(records)}
            for source, records in loaded
        },
        "profiles": list(plan.profiles),
        "half": half,
        "results": results,
        "rules": rules,
        "languages": by_language,
        "lost": lost,
        "sample": sample,
        "seconds": round(time.perf_counter() - started, 1),
        "jobs": jobs,
    }


def group_order(item: tuple[tuple[str, str, str], Group]) -> tuple[int, int, tuple[int, str]]:
    """Sets in their order, then profiles, then extractors."""
    set_name, profile, extractor = item[0]
    position = SET_NAMES.index(set_name) if set_name in SET_NAMES else len(SET_NAMES)
    return (position, PROFILES.index(profile), extractor_order(extractor))


PROFILES = ("article", "page")


class nullpool:  # named like the multiprocessing.Pool it stands in for
    """In-process stand-in for a pool of one worker (no start-up, easy to debug)."""

    def __init__(self, plan: Plan) -> None:
        start_worker(plan)

    def __enter__(self) -> nullpool:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def imap(self, function: Any, tasks: Iterable[Any], chunksize: int = 1) -> Iterator[Any]:
        """Apply ``function`` to each task in turn."""
        return map(function, tasks)


# --------------------------------------------------------------------------- command line


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line, checked."""
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("paths", nargs="*", type=Path, metavar="PATH",
                        help="JSONL or .jsonl.gz files to measure instead of the dev sets")  # fmt: skip
    parser.add_argument("--set", action="append", choices=SET_NAMES, dest="sets", default=[],
                        help="a dev set to measure (repeatable; default: all three)")  # fmt: skip
    parser.add_argument("--profile", choices=("article", "page", "both"), default="both")
    parser.add_argument("--extractor", action="append", default=[], metavar="NAME",
                        help="measure only this extractor's text (repeatable)")  # fmt: skip
    parser.add_argument("--rule", action="append", default=[], metavar="ID",
                        help="list only these rules (an id or prefix; repeatable)")  # fmt: skip
    parser.add_argument("--show-lost", type=int, default=0, metavar="N",
                        help="print up to N lost prose lines per set and profile")  # fmt: skip
    parser.add_argument("--show-removed", nargs=2, metavar=("RULE", "N"),
                        help="print up to N of RULE's removed lines per set and profile, marked")  # fmt: skip
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="save all figures as JSON to FILE (to stdout without FILE)")  # fmt: skip
    parser.add_argument(
        "--markdown", type=Path, metavar="FILE", help="write the full tables as Markdown to FILE"
    )
    parser.add_argument(
        "--compare", type=Path, metavar="OLD.json", help="print the changes against a saved run"
    )
    parser.add_argument(
        "--brief", action="store_true", help="print only the targets (and what else is asked)"
    )
    parser.add_argument("--half", choices=HALVES,
                        help="measure one half of each set, split by site")  # fmt: skip
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="worker processes")
    args = parser.parse_args(argv)
    if args.show_removed:
        rule, count = args.show_removed
        if not count.isdigit():
            parser.error(f"--show-removed {rule} {count}: N must be a whole number")
        args.show_removed = (rule, int(count))
    if args.jobs < 1:
        parser.error("--jobs must be 1 or more")
    return args


def sources_of(args: argparse.Namespace) -> list[Source]:
    """The files to measure: those given, else the sets asked for (all by default)."""
    if args.paths:
        if args.sets:
            raise SystemExit("give either PATH arguments or --set, not both")
        known = {default_data(data_set.name).resolve(): data_set.name for data_set in DATA_SETS}
        sources = [Source(known.get(path.resolve(), path.name), path) for path in args.paths]
    else:
        sources = [Source(name, default_data(name)) for name in args.sets or SET_NAMES]
    for source in sources:
        if not source.path.is_file():
            raise SystemExit(f"{source.path}: no such file; pass the JSONL path as an argument")
    return sources


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run the benchmark, print and save what was asked."""
    args = parse_args(argv)
    old = None
    if args.compare:
        try:
            old = json.loads(args.compare.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise SystemExit(f"{args.compare}: cannot read the saved run: {error}") from None
        if old.get("half") != args.half:  # figures of other pages would read as changes
            measured = f"half {old['half']}" if old.get("half") else "the whole sets"
            raise SystemExit(f"{args.compare}: that run measured {measured}; compare runs of the same pages")
    profiles = PROFILES if args.profile == "both" else (args.profile,)
    sample_rule = args.show_removed[0] if args.show_removed else None
    plan = Plan(profiles, tuple(args.extractor), sample_rule)
    try:
        report = run(sources_of(args), plan, args.jobs, args.half)
    except BenchError as error:
        raise SystemExit(f"quality: {error}") from None
    full = render(report, args.extractor, args.rule)
    out = [f"Measured in {report['seconds']} s with {args.jobs} worker(s)."]
    out += ["", *render_targets(report)] if args.brief else ["", full.rstrip()]
    if args.show_lost:
        lost = [row for row in report["lost"] if keep_row(row, args.extractor, args.rule)]
        out += render_lines(lost, args.show_lost, "Lost prose lines")
    if args.show_removed:
        sample = [row for row in report["sample"] if keep_row(row, args.extractor, ())]
        out += render_lines(sample, args.show_removed[1], f"Removed by {sample_rule}", mark=True)
    if old is not None:
        out += ["", *compare(old, report, args.extractor, args.rule, args.show_lost)]
    if args.markdown:
        args.markdown.write_text(full, encoding="utf-8")
    saved = {key: value for key, value in report.items() if key != "sample"}
    if args.json == "-":
        print(json.dumps(saved, indent=1, ensure_ascii=False))
        return 0
    if args.json:
        Path(args.json).write_text(json.dumps(saved, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
