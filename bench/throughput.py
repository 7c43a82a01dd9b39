"""Throughput and memory of ``cleaner corpus``, as ratios to a floor, in one run.

Builds JSONL corpora by sampling and varying the texts of ``../shared/data/aeb-dev/dev.jsonl``
(article texts from article extractors; whole-page texts from html-text and inscriptis),
then times whole processes:

- the floor: the same JSONL read with orjson, each text split into lines and joined,
  written back;
- ``cleaner corpus`` with 1 and 2 workers, each profile on its kind of text, the same
  for article text written to ``.jsonl.gz``, and the pure-regex fallback
  (``--engine-regex``);
- the peak resident memory of each (the largest single process);
- peak memory at ``--size`` MB against ``--scale`` times that (flatness);
- the deduplicator's cost per line at 5,000 lines against 100 lines.

Run from the repository root:  python bench/throughput.py --size 100
Speed and memory are not tested in the suite (a shared machine is too noisy for timed
tests); this prints the figures for the README and the issue.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
# ../shared beside the checkout (or beside the folder of worktrees).
DATA_CANDIDATES = [
    base / "shared" / "data" / "aeb-dev" / "dev.jsonl" for base in (ROOT.parent, ROOT.parent.parent)
]
DATA = next((path for path in DATA_CANDIDATES if path.is_file()), DATA_CANDIDATES[0])
ARTICLE_EXTRACTORS = ("trafilatura", "readability_js", "goose3", "newspaper", "rs_trafilatura")
PAGE_EXTRACTORS = ("html-text", "inscriptis")
FLOOR = """
import sys, orjson
with open(sys.argv[1], "rb") as source, open(sys.argv[2], "wb") as target:
    for line in source:
        record = orjson.loads(line)
        record["text"] = "\\n".join(record["text"].split("\\n"))
        target.write(orjson.dumps(record) + b"\\n")
"""


def texts_of(kind: tuple[str, ...]) -> list[str]:
    """The non-empty outputs of the given extractors in the dev set."""
    found = []
    for line in DATA.read_bytes().splitlines():
        record = orjson.loads(line)
        for extractor, text in record["outputs"].items():
            if extractor in kind and isinstance(text, str) and text.strip():
                found.append(text)
    return found


def vary(text: str, rng: random.Random) -> str:
    """A variant of a text: some paragraphs dropped or swapped with a neighbour, numbers changed."""
    lines = text.split("\n")
    if len(lines) > 4:
        for _ in range(max(1, len(lines) // 20)):
            i = rng.randrange(len(lines) - 1)
            lines[i], lines[i + 1] = lines[i + 1], lines[i]
        lines = [line for line in lines if rng.random() > 0.05 or not line]
    return "\n".join(lines).replace("2019", str(rng.randrange(1990, 2030)))


def build(path: Path, texts: list[str], megabytes: float, seed: int) -> None:
    """Write about ``megabytes`` MB of varied records to ``path``."""
    rng = random.Random(seed)
    size = 0
    number = 0
    with path.open("wb") as handle:
        while size < megabytes * 1e6:
            record = {"id": f"doc-{number}", "text": vary(rng.choice(texts), rng), "source": "aeb-dev"}
            line = orjson.dumps(record) + b"\n"
            handle.write(line)
            size += len(line)
            number += 1


def run(command: list[str]) -> tuple[float, int]:
    """Run a command; return its wall time in seconds and its peak memory in MiB."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status != 0:
        sys.exit(
            f"failed ({status}): {' '.join(command)}\n{process.stderr.read().decode() if process.stderr else ''}"
        )
    return elapsed, usage.ru_maxrss // 1024


def corpus(source: Path, target: Path, profile: str, workers: int, *extra: str) -> list[str]:
    """The ``cleaner corpus`` command line for one run."""
    return [
        sys.executable,
        "-m",
        "cleaner",
        "corpus",
        str(source),
        "-o",
        str(target),
        "--profile",
        profile,
        "--workers",
        str(workers),
        *extra,
    ]


def start_up_seconds(work: Path) -> float:
    """The wall time of ``cleaner corpus`` on an empty file: imports, rules, argument parsing."""
    empty = work / "empty.jsonl"
    empty.write_bytes(b"")
    return min(run(corpus(empty, work / "empty-out.jsonl", "article", 1))[0] for _ in range(3))


def print_worker_ratios(rows: list[tuple], kinds: list[str], start_up: float) -> None:
    """2 workers against 1 per kind of text, as run and without the start-up both pay."""
    seconds = {row[0]: row[2] for row in rows}
    for kind in kinds:
        one = seconds[f"cleaner corpus --profile {kind}, 1 worker(s)"]
        two = seconds[f"cleaner corpus --profile {kind}, 2 worker(s)"]
        without = (one - start_up) / (two - start_up)
        print(f"2 workers / 1 worker ({kind}): {one / two:.2f}x; {without:.2f}x without the start-up")
    print(f"start-up (least of 3 runs on an empty corpus; every run pays it alone): {start_up:.2f} s")


BURN = "sum(i * i for i in range(30_000_000))"


def parallel_ceiling() -> float:
    """How much faster two CPU-bound processes finish than the same two run one after the other.

    On a shared machine this is what 2 workers can gain at best, measured in the same run.
    """
    started = time.perf_counter()
    for _ in range(2):
        subprocess.run([sys.executable, "-c", BURN], check=True)
    serial = time.perf_counter() - started
    started = time.perf_counter()
    processes = [subprocess.Popen([sys.executable, "-c", BURN]) for _ in range(2)]
    for process in processes:
        process.wait()
    return serial / (time.perf_counter() - started)


def dedup_cost_per_line() -> tuple[float, float]:
    """Microseconds per line of the deduplicator for documents of 100 and of 5,000 lines."""
    from cleaner import load_rules  # noqa: PLC0415
    from cleaner.dedup import find_duplicates  # noqa: PLC0415
    from cleaner.matchers import View  # noqa: PLC0415

    rule = next(r for r in load_rules(check_examples=False) if r.kind == "duplicate")
    rng = random.Random(7)
    words = [line.split() for text in texts_of(ARTICLE_EXTRACTORS)[:200] for line in text.split("\n")]
    pool = [" ".join(w) for w in words if len(w) >= 8]
    costs = []
    for count in (100, 5000):
        lines = [rng.choice(pool) if rng.random() < 0.9 else pool[0] for _ in range(count)]
        repeats = max(1, 20000 // count)
        views = [View(tuple(range(count)), tuple(lines)) for _ in range(repeats)]  # a view caches
        started = time.perf_counter()
        for view in views:
            list(find_duplicates(rule, view, set()))
        costs.append((time.perf_counter() - started) / repeats / count * 1e6)
    return costs[0], costs[1]


def keep_bytecode(folder: Path) -> None:
    """Let every run below read compiled bytecode, as an installed package does.

    pip compiles a package's modules when it installs it; a machine that sets
    PYTHONDONTWRITEBYTECODE would make each run compile cleaner's modules from source
    again (about 35 ms of start-up here). The first run writes the bytecode to ``folder``.
    """
    os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
    os.environ["PYTHONPYCACHEPREFIX"] = str(folder)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=float, default=100, help="MB of each corpus (default 100)")
    parser.add_argument(
        "--scale", type=float, default=10, help="the big corpus for memory flatness is this many times --size"
    )
    parser.add_argument(
        "--regex-size", type=float, default=None, help="MB for the slow pure-regex run (default --size)"
    )
    parser.add_argument(
        "--work", type=Path, default=None, help="folder for the corpora (default: a temporary one)"
    )
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="cleaner-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    keep_bytecode(work / "pycache")
    corpora = {
        "article": work / "article.jsonl",
        "page": work / "page.jsonl",
    }
    build(corpora["article"], texts_of(ARTICLE_EXTRACTORS), args.size, 1)
    build(corpora["page"], texts_of(PAGE_EXTRACTORS), args.size, 2)
    regex_source = work / "article-regex.jsonl"
    build(regex_source, texts_of(ARTICLE_EXTRACTORS), args.regex_size or args.size, 3)
    big = work / "article-big.jsonl"
    build(big, texts_of(ARTICLE_EXTRACTORS), args.size * args.scale, 4)
    out = work / "out.jsonl"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "cleaner",
            "corpus",
            str(corpora["article"]),
            "-o",
            str(out),
            "--workers",
            "1",
        ],
        check=True,
        capture_output=True,
    )  # warm the hyperscan cache

    rows = []
    floors = {}
    for kind, source in corpora.items():
        mb = source.stat().st_size / 1e6
        seconds, memory = run([sys.executable, "-c", FLOOR, str(source), str(out)])
        floors[kind] = mb / seconds
        rows.append((f"floor ({kind} text)", mb, seconds, memory, floors[kind], None))
        for workers in (1, 2):
            seconds, memory = run(corpus(source, out, kind, workers))
            rows.append(
                (
                    f"cleaner corpus --profile {kind}, {workers} worker(s)",
                    mb,
                    seconds,
                    memory,
                    mb / seconds,
                    kind,
                )
            )
    mb = corpora["article"].stat().st_size / 1e6
    for workers in (1, 2):
        seconds, memory = run(corpus(corpora["article"], work / "out.jsonl.gz", "article", workers))
        rows.append(
            (
                f"cleaner corpus --profile article, {workers} worker(s), .jsonl.gz out",
                mb,
                seconds,
                memory,
                mb / seconds,
                "article",
            )
        )
    mb = regex_source.stat().st_size / 1e6
    seconds, memory = run(corpus(regex_source, out, "article", 1, "--engine-regex"))
    rows.append(
        (
            "cleaner corpus --profile article --engine-regex, 1 worker",
            mb,
            seconds,
            memory,
            mb / seconds,
            "article",
        )
    )
    mb = big.stat().st_size / 1e6
    seconds, big_memory = run(corpus(big, out, "article", 1))
    rows.append(
        (
            "cleaner corpus --profile article, 1 worker, big corpus",
            mb,
            seconds,
            big_memory,
            mb / seconds,
            "article",
        )
    )

    print(f"corpora in {work}; python {sys.version.split()[0]}; {os.cpu_count()} CPUs")
    print(f"{'run':62} {'MB':>7} {'s':>7} {'MiB peak':>8} {'MB/s':>7} {'of floor':>8}")
    for name, mb, seconds, memory, speed, kind in rows:
        ratio = f"{speed / floors[kind]:.1%}" if kind else ""
        print(f"{name:62} {mb:7.1f} {seconds:7.1f} {memory:8d} {speed:7.2f} {ratio:>8}")
    print_worker_ratios(rows, list(corpora), start_up_seconds(work))
    print(
        f"parallel ceiling of this machine now (2 CPU-bound processes vs one after the other): {parallel_ceiling():.2f}x"
    )
    small_memory = next(
        memory for name, _, _, memory, _, _ in rows if name == "cleaner corpus --profile article, 1 worker(s)"
    )
    print(
        f"peak memory, {args.scale:g}x corpus / 1x corpus: {big_memory / small_memory:.2f}x ({big_memory} vs {small_memory} MiB)"
    )
    small, large = dedup_cost_per_line()
    print(
        f"dedup cost per line: {small:.1f} us at 100 lines, {large:.1f} us at 5,000 lines ({large / small:.2f}x)"
    )


if __name__ == "__main__":
    main()
