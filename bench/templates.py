"""Site templates at scale: learn the templates of many sites, then clean a corpus with them.

Builds, from the article texts of ``../shared/data/aeb-dev/dev.jsonl`` (as
``bench/throughput.py`` does), two JSONL corpora of many synthetic sites, each site with
template lines of its own (a newsletter call and a copyright line naming it, a "Read
more" line) and menu lines that many sites share ("Home", "Contact Us", ...):

- a learning corpus: ``--pages`` short pages per site (template lines around a few lines
  of a real article), learned with ``cleaner learn`` (time and peak memory);
- a corpus to clean: ``--size`` MB of whole real articles, each on a site drawn at random,
  with that site's template lines around it.

Then, each in its own process and in alternating rounds (the machine is shared and noisy):
``cleaner corpus`` with the built-in rules only, and with the learned folder too
(``--rules``); the same on an empty file, for the start-up (loading the rules and the
template table from its cache); and once with an empty cache (the table built from the
files). It prints the times, their ratios round by round, peak memory, and checks that
the template lines, and only they, were removed.

    python bench/templates.py --sites 100000 --size 100
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import ARTICLE_EXTRACTORS, keep_bytecode, texts_of, vary  # noqa: E402

SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]
SHARED_MENU = ["Home", "Contact Us", "About Us", "Privacy Policy", "Share this article", "Sign in",
               "Newsletter", "Advertise with us", "Terms of Use", "Follow us"]  # fmt: skip


def site_name(number: int) -> str:
    """A made-up publication name, different for every site (letters only: digits fold away)."""
    letters = []
    while True:
        number, rest = divmod(number, len(SYLLABLES))
        letters.append(SYLLABLES[rest])
        if not number:
            break
    return "".join(letters).title() + "ia"


def template_of(number: int) -> list[str]:
    """The template lines of site ``number``: three of its own, two menu lines shared with others."""
    name = site_name(number)
    rng = random.Random(number)
    return [
        *rng.sample(SHARED_MENU, 2),
        f"Subscribe to the {name} Daily newsletter",
        f"Read more stories from {name}",
        f"© 2024 {name} Media Group. All rights reserved.",
    ]


def host(number: int) -> str:
    """The host of site ``number``'s pages."""
    return f"www.{site_name(number).lower()}.example"


def with_template(
    template: list[str], body: list[str], rng: random.Random, share: float = 1.0
) -> tuple[str, list[str]]:
    """A page: the template lines (each on ``share`` of the pages) around ``body``; and the lines used."""
    used = [line for line in template if rng.random() < share]
    return "\n".join([*used[:2], *body, *used[2:]]) + "\n", used


def write_learning_corpus(folder: Path, sites: int, pages: int, articles: list[list[str]]) -> None:
    """``pages`` short pages for each site, the sites interleaved, in shards of 50,000 pages."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(1)
    order = [site for site in range(sites) for _ in range(pages)]
    rng.shuffle(order)
    for shard_start in range(0, len(order), 50_000):
        with (folder / f"part-{shard_start // 50_000:04d}.jsonl").open("wb") as handle:
            for number, site in enumerate(order[shard_start : shard_start + 50_000], shard_start):
                article = rng.choice(articles)
                start = rng.randrange(max(1, len(article) - 4))
                text, _ = with_template(template_of(site), article[start : start + 4], rng)
                record = {"id": f"p{number}", "url": f"https://{host(site)}/{number}", "text": text}
                handle.write(orjson.dumps(record) + b"\n")


def write_cleaning_corpus(path: Path, sites: int, megabytes: float, texts: list[str]) -> int:
    """About ``megabytes`` MB of whole articles, each on a random site with its template;
    return how many template lines went in."""
    rng = random.Random(2)
    size = 0
    lines = 0
    with path.open("wb") as handle:
        while size < megabytes * 1e6:
            site = rng.randrange(sites)
            body = vary(rng.choice(texts), rng).split("\n")
            text, used = with_template(template_of(site), body, rng, share=0.9)
            lines += len(used)
            record = {"id": f"{site}:{size}", "url": f"https://{host(site)}/a", "text": text}
            line = orjson.dumps(record) + b"\n"
            handle.write(line)
            size += len(line)
    return lines


def run(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Run a command; its wall time in seconds and peak memory in MiB."""
    with tempfile.TemporaryFile() as errors:  # not a pipe: a table of 100,000 rules would fill it
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            errors.seek(0)
            sys.exit(f"failed ({status}): {' '.join(command)}\n{errors.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss // 1024


def count_removals(audit: Path) -> tuple[int, int]:
    """How many removals by learned rules were template lines of the page's own site, and how many not."""
    own = other = 0
    for line in audit.read_bytes().splitlines():
        record = orjson.loads(line)
        template = set(template_of(int(record["id"].split(":")[0])))
        for removal in record["removals"]:
            if removal["rule"].startswith("LRN"):
                own += removal["text"].strip() in template
                other += removal["text"].strip() not in template
    return own, other


INTERLEAVED = """
import sys, time, orjson
from cleaner import Cleaner, load_rules
from cleaner.rules import RuleSet
from cleaner.templates import site_of
records = [orjson.loads(line) for line in open(sys.argv[1], "rb")]
builtin = load_rules(check_examples=False)
plain = Cleaner(builtin)
templated = Cleaner(RuleSet(builtin.rules, templates=load_rules([sys.argv[2]]).templates))
clock = time.perf_counter
spent = [0.0, 0.0]
for _ in range(int(sys.argv[3])):
    templated.plan.templates.memo.clear()  # each round meets its sites afresh, as a corpus
    templated.plan.template_rules.clear()  # of more sites than the memos hold would
    for record in records:
        text = record["text"]
        started = clock()
        plain.clean(text)
        middle = clock()
        templated.clean(text, site=site_of(record, None))
        spent[0] += middle - started
        spent[1] += clock() - middle
print(spent[0], spent[1])
"""


def interleaved(apply: Path, learned: Path, rounds: int, env: dict[str, str]) -> tuple[float, float]:
    """Seconds spent by ``Cleaner.clean`` without and with the templates (the site read from
    each record's URL), in one process, the two taking turns document by document: the
    machine's load falls on both alike. The memos of prepared sites and of what removals
    name are emptied at each round, as in a corpus of more sites than they hold."""
    done = subprocess.run(
        [sys.executable, "-c", INTERLEAVED, str(apply), str(learned), str(rounds)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    plain, templated = map(float, done.stdout.split())
    return plain, templated


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sites", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=5, help="learning pages per site (default 5)")
    parser.add_argument("--size", type=float, default=100, help="MB of the corpus to clean (default 100)")
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds of timed runs (default 3)")
    parser.add_argument("--work", type=Path, default=None, help="folder for the corpora (default: temporary)")
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cleaner-templates-"))
    work.mkdir(parents=True, exist_ok=True)
    keep_bytecode(work / "pycache")
    env = {**os.environ, "CLEANER_CACHE_DIR": str(work / "cache"), "NO_COLOR": "1"}
    texts = texts_of(ARTICLE_EXTRACTORS)
    articles = [[line for line in text.split("\n") if line.strip()] for text in texts]

    started = time.perf_counter()
    if not (work / "learn").exists():
        write_learning_corpus(work / "learn", args.sites, args.pages, articles)
    apply = work / "apply.jsonl"
    inserted = write_cleaning_corpus(apply, args.sites, args.size, texts)
    mb = apply.stat().st_size / 1e6
    learn_mb = sum(path.stat().st_size for path in (work / "learn").iterdir()) / 1e6
    print(f"work folder {work}; corpora made in {time.perf_counter() - started:.0f} s")
    print(f"learning corpus: {args.sites:,} sites x {args.pages} pages, {learn_mb:.0f} MB")

    cleaner = [sys.executable, "-m", "cleaner"]
    learned = work / "learned"
    if not learned.exists():
        seconds, memory = run([*cleaner, "learn", str(work / "learn"), "-o", str(learned)], env)
        print(f"cleaner learn: {seconds:.0f} s, peak {memory} MiB")
    files = list(learned.glob("*.toml"))
    learned_mb = sum(path.stat().st_size for path in files) / 1e6
    print(f"learned: {len(files):,} files, {learned_mb:.0f} MB of TOML")

    empty = work / "empty.jsonl"
    empty.write_bytes(b"")
    base = [*cleaner, "corpus", "--workers", "1", "-o"]
    plain = [*base, str(work / "out-a.jsonl"), str(apply)]
    templated = [*base, str(work / "out-b.jsonl"), str(apply), "--rules", str(learned)]
    plain_start = [*base, str(work / "out-c.jsonl"), str(empty)]
    templated_start = [*base, str(work / "out-d.jsonl"), str(empty), "--rules", str(learned)]

    shutil.rmtree(work / "cache", ignore_errors=True)
    cold, cold_memory = run(templated_start, env)  # builds the table from the files, caches it
    print(
        f"start-up with the templates, empty cache (table built from {len(files):,} files): {cold:.1f} s, peak {cold_memory} MiB"
    )
    run(plain, env)  # warm the hyperscan cache and the page cache
    times: dict[str, list[float]] = {"plain": [], "templated": [], "plain start": [], "templated start": []}
    memory: dict[str, int] = {}
    commands = {
        "plain": plain,
        "templated": templated,
        "plain start": plain_start,
        "templated start": templated_start,
    }
    for _ in range(args.rounds):
        for name, command in commands.items():
            seconds, peak = run(command, env)
            times[name].append(seconds)
            memory[name] = max(memory.get(name, 0), peak)

    print(f"corpus to clean: {mb:.0f} MB, {inserted:,} template lines in it")
    print(f"{'run (1 worker)':44} {'s per round':>30} {'peak MiB':>9}")
    for name, values in times.items():
        print(f"{name:44} {' '.join(f'{value:7.2f}' for value in values):>30} {memory[name]:9d}")
    ratios = [b / a for a, b in zip(times["plain"], times["templated"], strict=True)]
    cleaning = [
        (b - bs) / (a - as_)
        for a, b, as_, bs in zip(
            times["plain"], times["templated"], times["plain start"], times["templated start"], strict=True
        )
    ]
    print(
        f"time with / without templates, whole runs: {' '.join(f'{r:.3f}' for r in ratios)} (median {statistics.median(ratios):.3f})"
    )
    print(
        f"the same without each run's start-up: {' '.join(f'{r:.3f}' for r in cleaning)} (median {statistics.median(cleaning):.3f})"
    )
    load = [b - a for a, b in zip(times["plain start"], times["templated start"], strict=True)]
    print(
        f"loading the templates (cached table): {statistics.median(load):.2f} s; memory: +{memory['templated start'] - memory['plain start']} MiB"
    )
    run([*templated, "--removed-output", str(work / "removed.jsonl")], env)
    plain_s, templated_s = interleaved(apply, learned, args.rounds, env)
    print(
        f"in one process, document by document: Cleaner.clean {plain_s:.2f} s without, {templated_s:.2f} s"
        f" with the templates: {templated_s / plain_s:.3f}x"
    )
    own, other = count_removals(work / "removed.jsonl")
    print(
        f"removed by learned rules: {own:,} template lines of the page's site (of {inserted:,} put in;"
        f" built-in rules take some first), {other:,} other lines"
    )


if __name__ == "__main__":
    main()
