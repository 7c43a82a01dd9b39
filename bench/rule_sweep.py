"""The slowest line for every rule: each rule confirmed on every line of the dev data sets.

Reads the three development sets beside the checkout (``../shared/data``: aeb-dev,
dragnet-dev, trafilatura-eval-dev), every extractor's text of every page, and times,
for every rule with a pattern:

- ``confirm``: the confirmation of each distinct line as the pipeline does it
  (`cleaner.matchers.confirm_line`: the rule's guards on the line, then its pattern on
  the line alone, under the rule's time limit); with ``--unguarded``, the pattern on
  every line whatever the guards say, which shows what the guards spare;
- ``scan``: the pure-regex scanners' joined scan of each document (the lines the
  rule's guards admit, joined and searched as `cleaner.matchers.scan_lines` does; with
  ``--unguarded``, every line, as `RegexScanner` does), the stage where a pattern's
  ``\\s`` can run across line breaks;
- ``hyperscan``: one `HyperscanScanner` call per document for all rules together
  (when hyperscan is installed): hyperscan does not backtrack, so this is a check that
  no document costs it much either.

It prints, per rule, the slowest confirmation and the slowest scan in milliseconds with
where they happened, and exits 1 when any confirmation took longer than ``--bound``
milliseconds (a rule's time limit counts as past any bound).

The bound (`DEFAULT_BOUND_MS`) is the one `tests/hostile/test_backtracking.py` holds every rule
to on extractor shapes; ``tests/test_bench_rule_sweep.py`` runs this on the shipped samples.

Run from the repository root:  python bench/rule_sweep.py [--unguarded] [--json FILE] [--files F...]
"""

from __future__ import annotations

import argparse
import gzip
import heapq
import json
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cleaner.errors import RuleTimeout  # noqa: E402 (after the path set-up)
from cleaner.fastscan import hyperscan_available  # noqa: E402
from cleaner.matchers import View, admitted_lines, confirm_line, scan_lines, split_lines  # noqa: E402
from cleaner.pipeline import line_contents, load_rules  # noqa: E402
from cleaner.rules import Rule  # noqa: E402

DATA_SETS = ("aeb-dev/dev.jsonl", "dragnet-dev/dev.jsonl.gz", "trafilatura-eval-dev/dev.jsonl.gz")
DEFAULT_BOUND_MS = 50.0  # generous on a shared 2-core machine; a rule that backtracks badly takes seconds


def data_folder() -> Path:
    """``shared/data`` beside the checkout, or beside an ancestor (worktrees)."""
    for folder in ROOT.parents:
        if (folder / "shared" / "data").is_dir():
            return folder / "shared" / "data"
    return ROOT.parent / "shared" / "data"


@dataclass(frozen=True, slots=True)
class Document:
    """One extractor's text of one page, and where it comes from."""

    where: str  # data set, record id, extractor
    text: str


def documents(paths: list[Path]) -> Iterator[Document]:
    """Every extractor's text of every record of JSONL files (``outputs``, else ``text``), and
    the text of any other file (the shipped samples, say)."""
    for path in paths:
        if not path.name.endswith((".jsonl", ".jsonl.gz")):
            yield Document(path.name, path.read_text(encoding="utf-8", errors="replace"))
            continue
        opener = gzip.open if path.suffix == ".gz" else open
        label = path.parent.name if path.name.startswith("dev.") else path.name
        with opener(path, "rt", encoding="utf-8") as handle:
            for line in handle:
                record = json.loads(line)
                texts = record.get("outputs") or {"text": record.get("text")}
                for extractor, text in sorted(texts.items()):
                    if isinstance(text, str) and text:
                        yield Document(f"{label}:{str(record.get('id'))[:12]}:{extractor}", text)


KEPT = 5  # the slowest cases kept per rule and stage, timed again at the end
RETRIES = 3  # each kept case is timed this many times more; the best time counts (noise spikes vanish)


@dataclass(order=True, slots=True)
class Case:
    """One timed case: a line (confirmation) or a document (scan)."""

    seconds: float
    where: str = field(compare=False)
    content: str = field(compare=False)
    timed_out: bool = field(default=False, compare=False)


@dataclass(slots=True)
class Slowest:
    """The slowest cases of one rule at one stage (a rule's time limit counts as slowest)."""

    cases: list[Case] = field(default_factory=list)

    def note(self, seconds: float, where: str, content: str, *, timed_out: bool = False) -> None:
        """Keep this case if it is among the `KEPT` slowest yet."""
        if len(self.cases) < KEPT or seconds > self.cases[0].seconds or timed_out:
            heapq.heappush(
                self.cases, Case(float("inf") if timed_out else seconds, where, content, timed_out)
            )
            if len(self.cases) > KEPT:
                heapq.heappop(self.cases)

    def worst(self, timer: Callable[[str, str], float] | None) -> Case:
        """The slowest case, each kept case timed again `RETRIES` times with ``timer`` (best time)."""
        if not self.cases:
            return Case(0.0, "", "")
        if timer is None:
            return max(self.cases)
        best = []
        for case in self.cases:
            if case.timed_out:
                best.append(case)
                continue
            seconds = min([case.seconds, *(timer(case.where, case.content) for _ in range(RETRIES))])
            best.append(Case(seconds, case.where, case.content))
        return max(best)


@dataclass(slots=True)
class RuleReport:
    """The slowest confirmations and scans of one rule."""

    confirm: Slowest = field(default_factory=Slowest)
    scan: Slowest = field(default_factory=Slowest)


def confirm_once(rule: Rule, content: str, where: str, *, unguarded: bool) -> float:
    """Seconds to confirm ``rule`` on the line ``content`` alone (inf past its time limit)."""
    alone = View((0,), (content,), where)
    started = time.perf_counter()
    try:
        if unguarded:
            assert rule.pattern is not None
            rule.pattern.search(content, timeout=rule.timeout)
        else:
            confirm_line(rule, alone, 0)
    except (TimeoutError, RuleTimeout):
        return float("inf")
    return time.perf_counter() - started


def time_confirmations(
    rules: list[Rule],
    view: View,
    where: str,
    reports: dict[str, RuleReport],
    seen: set[str],
    *,
    unguarded: bool,
) -> None:
    """Confirm every rule on every line of ``view`` not seen before; note the slowest."""
    for content in view.contents:
        if content in seen:
            continue
        seen.add(content)
        for rule in rules:
            seconds = confirm_once(rule, content, where, unguarded=unguarded)
            reports[rule.id].confirm.note(seconds, where, content, timed_out=seconds == float("inf"))


def scan_once(rule: Rule, text: str, where: str, *, unguarded: bool) -> float:
    """Seconds to scan the document ``text`` for ``rule`` joined, as the pure-regex scanners do."""
    contents = line_contents(split_lines(text), text)
    view = View(tuple(range(len(contents))), contents, where)
    guards = (rule.max_chars, rule.min_words, rule.max_words)
    positions = list(range(len(view))) if unguarded else admitted_lines(view, guards)
    started = time.perf_counter()
    try:
        scan_lines(rule, view, positions)
    except RuleTimeout:
        return float("inf")
    return time.perf_counter() - started


def time_scans(
    rules: list[Rule], text: str, where: str, reports: dict[str, RuleReport], *, unguarded: bool
) -> None:
    """Scan the document joined, rule by rule; note the slowest."""
    for rule in rules:
        seconds = scan_once(rule, text, where, unguarded=unguarded)
        reports[rule.id].scan.note(seconds, where, text, timed_out=seconds == float("inf"))


def shown(case: Case) -> str:
    """A case's time in milliseconds, or TIMEOUT."""
    return "TIMEOUT" if case.timed_out else f"{case.seconds * 1000:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the folder of the data sets")
    parser.add_argument("--files", type=Path, nargs="+", help="sweep these files instead (JSONL or text)")
    parser.add_argument(
        "--rules", type=Path, action="append", default=[], help="rule files (default: built-in)"
    )
    parser.add_argument("--unguarded", action="store_true", help="run every pattern on every line")
    parser.add_argument("--no-scan", action="store_true", help="time the confirmations only")
    parser.add_argument(
        "--bound", type=float, default=DEFAULT_BOUND_MS, help="milliseconds (default %(default)s)"
    )
    parser.add_argument(
        "--timeout", type=float, default=1.0, help="each rule's time limit, s (default %(default)s)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this file")
    args = parser.parse_args()

    rule_set = load_rules(args.rules or None, check_examples=False)
    rules = [replace(rule, timeout=args.timeout) for rule in rule_set if rule.pattern is not None]
    by_id = {rule.id: rule for rule in rules}
    reports = {rule.id: RuleReport() for rule in rules}
    hyperscan = None
    if hyperscan_available():
        from cleaner.fastscan import HyperscanScanner  # noqa: PLC0415 (optional)

        hyperscan = HyperscanScanner()
        hyperscan.candidate_lines(rules, View((0,), ("",)))  # build or load the database first
    slowest_hyperscan = Slowest()
    seen: set[str] = set()
    started = time.perf_counter()
    count = lines = 0
    folder = args.data or data_folder()
    for document in documents(args.files or [folder / name for name in DATA_SETS]):
        count += 1
        contents = line_contents(split_lines(document.text), document.text)
        lines += len(contents)
        view = View(tuple(range(len(contents))), contents, document.where)
        time_confirmations(rules, view, document.where, reports, seen, unguarded=args.unguarded)
        if not args.no_scan:
            time_scans(rules, document.text, document.where, reports, unguarded=args.unguarded)
        if hyperscan is not None:
            began = time.perf_counter()
            hyperscan.candidate_lines(rules, View(view.index, view.contents, document.where))
            slowest_hyperscan.note(time.perf_counter() - began, document.where, document.text)
    print(
        f"{count} documents, {lines} lines ({len(seen)} distinct), {len(rules)} rules,"
        f" {'unguarded' if args.unguarded else 'guarded'}, {time.perf_counter() - started:.0f} s;"
        f" the {KEPT} slowest cases of each rule timed {RETRIES} more times, best time shown"
    )
    print(f"{'rule':8} {'confirm ms':>10} {'chars':>6}  {'where':45} {'scan ms':>8}  where")
    worst: dict[str, tuple[Case, Case]] = {}
    for rule_id, report in reports.items():
        rule = by_id[rule_id]
        confirm = report.confirm.worst(
            lambda where, content, rule=rule: confirm_once(rule, content, where, unguarded=args.unguarded)
        )
        scan = report.scan.worst(
            lambda where, text, rule=rule: scan_once(rule, text, where, unguarded=args.unguarded)
        )
        worst[rule_id] = confirm, scan
        scan_ms = shown(scan) if scan.where else "-"
        where = f"{confirm.where:45} {scan_ms:>8}  {scan.where}"
        print(f"{rule_id:8} {shown(confirm):>10} {len(confirm.content):>6}  {where}")
    slowest_id = max(worst, key=lambda rule_id: worst[rule_id][0].seconds)
    slowest = worst[slowest_id][0]
    print(
        f"slowest confirmation: {slowest_id} {shown(slowest)} ms on {slowest.content[:60]!r}"
        f" ({len(slowest.content)} chars, {slowest.where})"
    )
    if not args.no_scan:
        scan_id = max(worst, key=lambda rule_id: worst[rule_id][1].seconds)
        print(f"slowest joined scan: {scan_id} {shown(worst[scan_id][1])} ms ({worst[scan_id][1].where})")
    if hyperscan is not None:
        case = slowest_hyperscan.worst(None)
        print(f"slowest hyperscan call (all rules, one document): {shown(case)} ms ({case.where})")
    if args.json is not None:
        figures = {
            rule_id: {
                "confirm_ms": None if confirm.timed_out else round(confirm.seconds * 1000, 3),
                "confirm_where": confirm.where,
                "confirm_chars": len(confirm.content),
                "scan_ms": None if scan.timed_out else round(scan.seconds * 1000, 3),
                "scan_where": scan.where,
            }
            for rule_id, (confirm, scan) in worst.items()
        }
        args.json.write_text(json.dumps(figures, indent=2) + "\n")
    over = [rule_id for rule_id, (confirm, _) in worst.items() if confirm.seconds * 1000 > args.bound]
    if over:
        print(f"past the bound of {args.bound:g} ms: {', '.join(over)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
