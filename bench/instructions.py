"""Instructions spent cleaning texts, counted by valgrind's callgrind: a speed figure that
the machine's load does not move, for comparing checkouts (not a test).

Wall-clock ratios on a shared machine wander by 10-20% from run to run; the number of
instructions a process executes does not. For each checkout given (the first is the base),
a child process under callgrind loads the rules, compiles every pattern (a real run
compiles each on first use: a fixed cost per process, left out here), cleans 30 texts to
warm up, then cleans ``--texts`` more; the count of a child that stops after the warm-up
is subtracted. The texts are sampled from the throughput bench's data, as it samples them.

Run from outside the checkouts (``python -m`` and ``-c`` put the working folder first on
``sys.path``); each checkout is imported through ``PYTHONPATH``:

    cd /tmp && python CHECKOUT/bench/instructions.py --profile page --texts 100 OLD NEW

Needs valgrind. A page text takes about 0.4 s under callgrind, an article text 0.05 s.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from throughput import ARTICLE_EXTRACTORS, PAGE_EXTRACTORS, texts_of, vary

WARM_UP = 30
CHILD = """
import json, sys
from cleaner import Cleaner
texts = json.load(open(sys.argv[1], encoding="utf-8"))
cleaner = Cleaner(profile=sys.argv[2])
for rule in cleaner.rules:
    getattr(rule.pattern, "compiled", lambda: None)()  # compiled on first use since round 2
for text in texts[: int(sys.argv[3])]:
    cleaner.clean(text)
"""


def instructions(checkout: Path, sample: Path, profile: str, count: int) -> int:
    """The instructions a child cleaning the first ``count`` texts of ``sample`` executes."""
    env = dict(os.environ, PYTHONPATH=str(checkout), PYTHONHASHSEED="0")
    command = [
        "valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
        sys.executable, "-c", CHILD, str(sample), profile, str(count),
    ]  # fmt: skip
    done = subprocess.run(command, env=env, cwd=sample.parent, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : ([\d,]+)", done.stderr)
    if found is None:
        sys.exit(f"callgrind printed no count for {checkout}:\n{done.stderr[-2000:]}")
    return int(found.group(1).replace(",", ""))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("checkouts", nargs="+", type=Path, help="checkouts to compare; the first is the base")
    parser.add_argument("--profile", default="page", choices=("article", "page"))
    parser.add_argument("--texts", type=int, default=100, help="texts counted after the warm-up (default 100)")
    parser.add_argument("--seed", type=int, default=1, help="the sample (default 1)")
    args = parser.parse_args()
    if shutil.which("valgrind") is None:
        sys.exit("valgrind is not installed here")
    rng = random.Random(args.seed)
    pool = texts_of(PAGE_EXTRACTORS if args.profile == "page" else ARTICLE_EXTRACTORS)
    texts = [vary(rng.choice(pool), rng) for _ in range(WARM_UP + args.texts)]
    with tempfile.TemporaryDirectory(prefix="cleaner-instructions-") as folder:
        sample = Path(folder) / "texts.json"
        sample.write_text(json.dumps(texts), encoding="utf-8")
        counts = []
        for checkout in args.checkouts:
            checkout = checkout.resolve()
            # Build the hyperscan database outside callgrind first (it is cached on disk). It is
            # built when the first text is cleaned: with none, a new rule set's database was
            # built inside the warm-up's count, and the difference came out wrong or negative.
            subprocess.run(
                [sys.executable, "-c", CHILD, str(sample), args.profile, "1"],
                env=dict(os.environ, PYTHONPATH=str(checkout)), cwd=folder, check=True,
            )  # fmt: skip
            warm = instructions(checkout, sample, args.profile, WARM_UP)
            total = instructions(checkout, sample, args.profile, WARM_UP + args.texts)
            counts.append(total - warm)
            ratio = counts[-1] / counts[0]
            print(f"{checkout}: {counts[-1] / 1e6:,.0f} M instructions for {args.texts} {args.profile} texts ({ratio:.3f}x the first)")


if __name__ == "__main__":
    main()
