"""Where one worker's time goes: the stages of cleaning, timed in one process, in one run.

Each stage below does what the one before it did, and more; the difference between two
is the cost of what was added:

- ``floor``: each record parsed with orjson, its text split into lines and joined, and
  the record dumped again (the floor of ``bench/throughput.py``, without files);
- ``lines``: each record parsed, its text split into lines and each line's content
  found (stripped, without a list bullet): what every rule looks at;
- ``scan``: and the candidate lines of every pattern rule found (hyperscan where it is
  installed, else the pure-regex scanner), as the first pass does;
- ``dedup``: and the deduplicator's first pass over the whole document;
- ``clean``: each record parsed, cleaned by ``Cleaner.clean`` (every pass, every rule,
  the removals with their explanations) and dumped again when it changed.

For each stage it prints the seconds (best of ``--repeat``), its share of ``clean``, and
the floor's time over its time: what one worker could reach at most, as a share of the
floor, if everything after that stage cost nothing.

Run from the repository root:  python bench/stages.py --size 20
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import orjson
from throughput import ARTICLE_EXTRACTORS, PAGE_EXTRACTORS, build, texts_of

from cleaner.dedup import find_duplicates
from cleaner.matchers import View, split_lines
from cleaner.pipeline import Cleaner, line_contents


def stages(cleaner: Cleaner) -> dict[str, Callable[[bytes], object]]:
    """The work of each stage on one JSONL record, by stage name."""
    plan = cleaner.plan
    scanner = cleaner.scanner

    def floor(line: bytes) -> object:
        record = orjson.loads(line)
        record["text"] = "\n".join(record["text"].split("\n"))
        return orjson.dumps(record)

    def lines(line: bytes) -> View:
        text = orjson.loads(line)["text"]
        text_lines = split_lines(text)
        return View(tuple(range(len(text_lines))), line_contents(text_lines, text))

    def scan(line: bytes) -> tuple[View, dict[str, list[int]]]:
        view = lines(line)
        return view, scanner.candidate_lines(plan.pattern_rules, view)

    def dedup(line: bytes) -> object:
        view, _ = scan(line)
        return [list(find_duplicates(rule, view, set())) for rule in plan.duplicate]

    def clean(line: bytes) -> object:
        record = orjson.loads(line)
        result = cleaner.clean(record["text"])
        if result.changed:
            record["text"] = result.text
            return orjson.dumps(record)
        return line

    return {"floor": floor, "lines": lines, "scan": scan, "dedup": dedup, "clean": clean}


def time_stage(work: Callable[[bytes], object], records: list[bytes], repeat: int) -> float:
    """The least wall time, over ``repeat`` rounds, of doing ``work`` on every record."""
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        for record in records:
            work(record)
        best = min(best, time.perf_counter() - started)
    return best


def report(profile: str, records: list[bytes], repeat: int) -> None:
    """Time every stage for ``profile`` on ``records`` and print the table."""
    cleaner = Cleaner(profile=profile)
    cleaner.clean("warm-up\n")  # builds or loads the hyperscan database once, outside the timing
    megabytes = sum(map(len, records)) / 1e6
    seconds = {name: time_stage(work, records, repeat) for name, work in stages(cleaner).items()}
    print(
        f"\n--profile {profile}: {len(records)} records, {megabytes:.1f} MB, {type(cleaner.scanner).__name__}"
    )
    print(f"{'stage':<6} {'seconds':>8} {'MB/s':>7} {'of clean':>9} {'floor / stage':>14}")
    for name, spent in seconds.items():
        print(
            f"{name:<6} {spent:>8.3f} {megabytes / spent:>7.1f} {spent / seconds['clean']:>9.0%}"
            f" {seconds['floor'] / spent:>14.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=float, default=20, help="MB of each corpus (default 20)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="rounds per stage; the least is kept (default 3)"
    )
    parser.add_argument("--seed", type=int, default=1, help="the corpus sample (default 1)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        for profile, extractors in (("article", ARTICLE_EXTRACTORS), ("page", PAGE_EXTRACTORS)):
            path = Path(folder) / f"{profile}.jsonl"
            build(path, texts_of(extractors), options.size, options.seed)
            report(profile, path.read_bytes().splitlines(), options.repeat)


if __name__ == "__main__":
    main()
