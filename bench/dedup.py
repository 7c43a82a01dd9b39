"""Benchmark: cost of the fuzzy deduplicator as documents grow (not a test).

Builds documents of N lines mixing unique sentences, exact repeats and near repeats,
times `find_removals` with only the duplicate rule, and prints the cost per line
relative to the smallest size. Near-linear means ratios close to 1.

    python bench/dedup.py [--sizes 100,1000,5000,20000]
"""

from __future__ import annotations

import argparse
import random
import time

from cleaner import Cleaner, find_removals

WORDS = "the council said riders would pay more for longer service on weekends and new buses".split()


def make_document(lines: int, seed: int = 7) -> str:
    """Unique sentences with 10% exact and 10% near repeats of earlier lines."""
    rng = random.Random(seed)
    out: list[str] = []
    for number in range(lines):
        roll = rng.random()
        if out and roll < 0.1:
            out.append(rng.choice(out))
        elif out and roll < 0.2:
            out.append(rng.choice(out).replace("the", "a", 1) + ".")
        else:
            out.append(" ".join(rng.choices(WORDS, k=12)) + f" {number}")
    return "\n".join(out) + "\n"


def measure(lines: int, repeats: int = 3) -> float:
    """Best-of-``repeats`` seconds for one document of ``lines`` lines."""
    rules = Cleaner().rules.select(select=["DUP"])
    text = make_document(lines)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        find_removals(text, rules)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,5000,20000")
    sizes = [int(size) for size in parser.parse_args().sizes.split(",")]
    base = None
    print(f"{'lines':>8} {'seconds':>9} {'us/line':>9} {'per-line cost vs smallest':>26}")
    for size in sizes:
        seconds = measure(size)
        per_line = seconds / size
        base = base or per_line
        print(f"{size:>8} {seconds:>9.4f} {per_line * 1e6:>9.1f} {per_line / base:>26.2f}")


if __name__ == "__main__":
    main()
