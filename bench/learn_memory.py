"""Peak memory of `cleaner learn` on a generated corpus (200,000 documents by default).

Writes a corpus of JSONL shards (many sites, each with its own template lines, plus unique
article text and a syndicated story shared by several sites), then runs, each in its own
process and measured with ``os.wait4`` (peak resident set size, wall time):

- the floor: the same records read through ``cleaner.records`` and split into lines;
- ``cleaner learn CORPUS -o OUT`` on the whole corpus, and on a quarter of it, to show
  that peak memory does not grow with the corpus.

It checks the result too (every template line learned, no article line) and exits 1 if
the peak memory of the full run passes ``--bound-mib`` or the result is wrong.

    python bench/learn_memory.py                 # 200,000 documents
    python bench/learn_memory.py --documents 20000 --sites 20
"""

from __future__ import annotations

import argparse
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

WORDS = [
    "river",
    "council",
    "budget",
    "harbour",
    "school",
    "winter",
    "market",
    "doctor",
    "bridge",
    "village",
    "engine",
    "forest",
    "museum",
    "festival",
    "station",
    "garden",
    "library",
    "railway",
    "election",
    "harvest",
    "factory",
    "theatre",
    "island",
    "mountain",
    "province",
    "minister",
    "painter",
    "teacher",
    "fisherman",
    "orchestra",
    "vineyard",
    "senator",
    "bakery",
    "airport",
    "tunnel",
    "lighthouse",
    "cathedral",
]
TEMPLATES = [
    ("Subscribe to the {name} Morning Brief", 0.9),
    ("Updated {n} hours ago", 0.8),
    ("About {name}: {name} is an independent newsroom covering the region since {year}.", 0.7),
    ("© {year} {name}. All rights reserved.", 1.0),
    ("Share this story on {name} Social", 0.5),
]
WIRE = "The regional parliament approved the new water plan on Tuesday after a debate that lasted three days."
FLOOR = """
import sys
from pathlib import Path
from cleaner.records import read_records
lines = 0
for path in sorted(Path(sys.argv[1]).glob("*.jsonl")):
    for _, record in read_records(path):
        lines += len(record["text"].split("\\n"))
print(lines)
"""


def site_name(number: int) -> str:
    """A made-up publication name, different for each site even with digits folded away."""
    first, second = divmod(number, len(WORDS))
    return f"The {WORDS[second].capitalize()} {WORDS[first % len(WORDS)].capitalize()}"


def make_corpus(folder: Path, documents: int, sites: int, shards: int) -> None:
    """Write ``documents`` records over ``sites`` sites into ``shards`` JSONL files."""
    from cleaner.records import write_records  # noqa: PLC0415 (only the corpus-making child needs it)

    rng = random.Random(1)
    per_shard = -(-documents // shards)
    number = 0
    for shard in range(shards):
        records = []
        for _ in range(min(per_shard, documents - number)):
            site = number % sites
            name = site_name(site)
            template = [
                line.format(name=name, n=rng.randrange(1, 24), year=2020 + site % 5)
                for line, share in TEMPLATES
                if rng.random() < share
            ]
            article = [
                f"{' '.join(rng.sample(WORDS, 10)).capitalize()} at {rng.randrange(10**9)}."
                for _ in range(rng.randrange(5, 15))
            ]
            if number % 3 == 0 and site < 5:
                article.insert(2, WIRE)
            text = "\n\n".join(template[:2] + article + template[2:]) + "\n"
            records.append(
                {"id": f"doc-{number}", "url": f"https://site{site}.example/p/{number}", "text": text}
            )
            number += 1
        write_records(folder / f"shard-{shard:03d}.jsonl", records)


def measure(command: list[str]) -> tuple[float, float]:
    """Run ``command``; return (peak RSS in MiB, wall seconds)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed: {' '.join(command)}")
    return usage.ru_maxrss / 1024, time.perf_counter() - start


def own_peak_mib() -> float:
    """This process's peak RSS in MiB (a bound on what it passes to its children)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def check_rules(folder: Path, sites: int, pages_per_site: int) -> tuple[int, list[str]]:
    """How many lines were learned, and any problem with them (at most 5 listed).

    A missing template line is a problem only when sites have 100 pages or more: on a
    10-page site a line on half the pages often falls short of --min-docs.
    """
    problems = []
    total = 0
    for path in sorted(folder.glob("*.toml")):
        lines = [item["line"] for rule in tomllib.loads(path.read_text())["rule"] for item in rule["lines"]]
        total += len(lines)
        if len(lines) != len(TEMPLATES) and pages_per_site >= 100:
            problems.append(f"{path.name}: {len(lines)} lines, expected {len(TEMPLATES)}")
        if any("water" in line or re.search(r" at \d+\.$", line) for line in lines):
            problems.append(f"{path.name}: an article line was learned")
    files = len(list(folder.glob("*.toml")))
    if files != sites and pages_per_site >= 100:
        problems.append(f"{files} rule files, expected {sites}")
    return total, problems[:5] + ([f"and {len(problems) - 5} more"] if len(problems) > 5 else [])


def main() -> None:
    """Build the corpus, measure, print the figures; exit 1 past the bound."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=200_000)
    parser.add_argument("--sites", type=int, default=50)
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument("--bound-mib", type=float, default=150.0)
    parser.add_argument("--make", type=Path, help=argparse.SUPPRESS)  # internal: only write the corpus
    args = parser.parse_args()
    if args.make:
        make_corpus(args.make, args.documents, args.sites, args.shards)
        return
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        full, quarter = root / "full", root / "quarter"
        full.mkdir()
        quarter.mkdir()
        start = time.perf_counter()
        # Made in child processes: a child's peak RSS counts the parent's at fork time, so
        # the measuring parent stays small.
        for folder, count in ((full, args.documents), (quarter, args.documents // 4)):
            subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--make",
                    str(folder),
                    "--documents",
                    str(count),
                    "--sites",
                    str(args.sites),
                    "--shards",
                    str(args.shards),
                ],
                check=True,
            )
        size = sum(path.stat().st_size for path in full.iterdir()) / 2**20
        print(f"bench process before measuring: peak {own_peak_mib():.0f} MiB")
        print(
            f"corpus: {args.documents} documents, {args.sites} sites, {size:.0f} MiB of JSONL "
            f"in {args.shards} shards (made in {time.perf_counter() - start:.0f} s)"
        )
        floor_mib, floor_s = measure([sys.executable, "-c", FLOOR, str(full)])
        learn = [sys.executable, "-m", "cleaner", "learn"]
        quarter_mib, quarter_s = measure([*learn, str(quarter), "-o", str(root / "rules-quarter")])
        full_mib, full_s = measure([*learn, str(full), "-o", str(root / "rules")])
        rules, problems = check_rules(root / "rules", args.sites, args.documents // args.sites)
    print(f"floor (read records, split lines): peak {floor_mib:.0f} MiB, {floor_s:.1f} s")
    print(f"cleaner learn, {args.documents // 4} documents: peak {quarter_mib:.0f} MiB, {quarter_s:.1f} s")
    print(
        f"cleaner learn, {args.documents} documents: peak {full_mib:.0f} MiB, {full_s:.1f} s "
        f"({full_s / floor_s:.1f}x the floor's time; bound {args.bound_mib:.0f} MiB)"
    )
    print(f"peak memory, full / quarter corpus: {full_mib / quarter_mib:.2f}x")
    print(f"lines learned: {rules} ({len(TEMPLATES)} per site expected); problems: {problems or 'none'}")
    if full_mib > args.bound_mib or problems:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
