"""Time to load N rules: reading, validating and compiling one rule file, with its examples checked.

Writes a rule file of N line rules (each with its own literal pattern and examples, as
`cleaner learn` writes them), then times, each in a fresh process:

- ``load``: `cleaner.load_rules` on the file, examples checked (what every run that is
  given ``--rules`` does before touching a document);
- ``check``: the whole command ``cleaner check --no-default-rules --rules FILE doc.txt``
  on a short document, with an empty hyperscan cache (so the databases are compiled:
  with hyperscan installed, most of the time), then ``again`` with the databases cached.

Loading is linear when the time per rule stays flat as N grows; the last column gives
each size's time per rule over the smallest size's.

    python bench/rule_load.py                        # 1,000, 10,000 and 100,000 rules
    python bench/rule_load.py --sizes 1000 10000
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RULE = """
[[rule]]
id = "{rule_id}"
name = "bench.label-{number}"
kind = "line"
category = "bench"
reason = "Bench label number {number}"
max_words = 4
pattern = '''^Bench label {number}$'''
examples.remove = ["Bench label {number}"]
examples.keep = ["Bench label {number} is part of a sentence."]
"""


def rule_id(number: int) -> str:
    """A distinct id of 2-5 capitals and 3 digits for each number below 26**3 * 1000."""
    letters = "".join(chr(65 + number // 1000 // 26**k % 26) for k in range(3))
    return f"BN{letters}{number % 1000:03}"


def write_rules(path: Path, count: int) -> None:
    """A rule file of ``count`` rules."""
    with path.open("w", encoding="utf-8") as handle:
        for number in range(count):
            handle.write(RULE.format(rule_id=rule_id(number), number=number))


def timed(command: list[str], env: dict[str, str]) -> float:
    """Wall time of a command that must succeed."""
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0, 1):
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr.decode()[-2000:]}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 10_000, 100_000])
    args = parser.parse_args()
    print(
        "| rules | file MB | load s | load µs/rule | check s | check µs/rule | again s "
        "| load per rule / smallest |"
    )
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    first: float | None = None
    with tempfile.TemporaryDirectory(prefix="cleaner-rule-load-") as scratch:
        folder = Path(scratch)
        document = folder / "doc.txt"
        document.write_text("A paragraph of text.\nBench label 7\nAnother paragraph.\n")
        for count in args.sizes:
            rules = folder / f"rules-{count}.toml"
            write_rules(rules, count)
            env = {**os.environ, "CLEANER_CACHE_DIR": str(folder / f"cache-{count}"), "NO_COLOR": "1"}
            load = timed(
                [sys.executable, "-c", f"from cleaner import load_rules; load_rules([{str(rules)!r}])"], env
            )
            command = [sys.executable, "-m", "cleaner", "check", "--isolated", "--no-default-rules",
                       "--rules", str(rules), str(document)]  # fmt: skip
            check = timed(command, env)
            again = timed(command, env)
            per_rule = load / count
            first = first or per_rule
            print(
                f"| {count:,} | {rules.stat().st_size / 1e6:.1f} | {load:.2f} | {per_rule * 1e6:.0f} "
                f"| {check:.2f} | {check / count * 1e6:.0f} | {again:.2f} | {per_rule / first:.2f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
