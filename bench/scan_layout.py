"""Benchmark: what hyperscan's scan costs per kilobyte, and which rules change it (not a test).

The first pass scans each document with one hyperscan database of every pattern rule of
the profile. Its cost per byte depends on how hyperscan lays out the whole database, not
on each pattern's cost alone: adding one pattern can double it, and adding five others
can cost nothing. This prints, for a profile:

- the scan's cost per kilobyte of English prose (``--text`` replaces it), with every
  rule, and with only the rules named in ``--base`` (a file of rule ids, one per line or
  separated by spaces: an older release's rules, say), best of several timings;
- with ``--each``, the change that adding each other rule to the base makes, largest
  first: the rules that move the layout.

    python bench/scan_layout.py --profile article --base old-ids.txt --each

Needs hyperscan. The rules' skeletons are scanned as the cleaner scans them.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import regex

from cleaner import load_rules
from cleaner.fastscan import HyperscanScanner, hyperscan_available, line_finder, match_ends
from cleaner.rules import Rule
from cleaner.skeleton import skeleton

PROSE = "The council voted on Monday to build a new library in the old market hall.\n"


def scanned_rules(profile: str) -> list[Rule]:
    """The built-in rules of ``profile`` that hyperscan scans (a rule without a skeleton is
    left to regex; one whose lines lie beside other rules' removals is not scanned)."""
    rules = load_rules(check_examples=False).select(profile=profile)
    return [
        rule
        for rule in rules
        if rule.pattern is not None
        and rule.scanned
        and line_finder(rule) is None
        and skeleton(rule.pattern.pattern, bool(rule.pattern.flags & regex.IGNORECASE)) is not None
    ]


def microseconds_per_kilobyte(scanner: HyperscanScanner, rules: list[Rule], data: bytes, scans: int) -> float:
    """The best of five timings of ``scans`` scans of ``data`` with a database of ``rules``."""
    database = scanner.build(tuple(rules))
    database.scratch = scanner.hyperscan.Scratch(database)
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        for _ in range(scans):
            match_ends(database, data)
        best = min(best, time.perf_counter() - started)
    return best / scans * 1e6 / (len(data) / 1000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", default="article", choices=("article", "page"))
    parser.add_argument("--base", type=Path, help="a file of rule ids: the database to compare with")
    parser.add_argument("--each", action="store_true", help="with --base: what adding each other rule changes")
    parser.add_argument("--text", type=Path, help="a text file to scan instead of English prose")
    parser.add_argument("--scans", type=int, default=1000, help="scans per timing (default 1000)")
    args = parser.parse_args()
    if not hyperscan_available():
        sys.exit("hyperscan is not installed here")
    data = args.text.read_bytes() if args.text else (PROSE * 14).encode()
    scanner = HyperscanScanner(use_cache=False)
    rules = scanned_rules(args.profile)
    print(f"{len(data):,} bytes; every rule of {args.profile} ({len(rules)}): "
          f"{microseconds_per_kilobyte(scanner, rules, data, args.scans):.2f} us per KB")  # fmt: skip
    if args.base is None:
        return
    base_ids = set(args.base.read_text().split())
    base = [rule for rule in rules if rule.id in base_ids]
    base_cost = microseconds_per_kilobyte(scanner, base, data, args.scans)
    print(f"the base's rules ({len(base)}): {base_cost:.2f} us per KB")
    if not args.each:
        return
    added = []
    for rule in rules:
        if rule.id not in base_ids:
            added.append((microseconds_per_kilobyte(scanner, [*base, rule], data, args.scans) - base_cost, rule.id))
    for change, rule_id in sorted(added, reverse=True):
        print(f"  + {rule_id:8} {change:+.2f} us per KB")


if __name__ == "__main__":
    main()
