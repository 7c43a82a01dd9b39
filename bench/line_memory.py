"""Memory per line: peak resident memory of ``cleaner corpus`` on one record of N lines.

A worker holds one record at a time, so the longest record decides its memory. This
writes a JSONL file of one record whose text has ``--lines`` lines of one kind, runs
``cleaner corpus --workers 1`` on it in a fresh process (peak resident set size from
``os.wait4``), and the same on a record of one line; the difference over N is the cost
of a line, on top of the text itself (given apart, in bytes per line).

Kinds of line:

- ``empty``: ``\\n`` only (30 million of them are 30 MB: the case of issue 17);
- ``short``: a distinct word per line (``w123``), the shortest lines with content;
- ``prose``: the lines of the article texts of ``../shared/data/aeb-dev/dev.jsonl``,
  one after another, again and again (one giant page of real lines).

    python bench/line_memory.py                                # 3 million lines of each kind
    python bench/line_memory.py --kinds empty --lines 30000000  # the issue's record
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
DATA_CANDIDATES = [
    base / "shared" / "data" / "aeb-dev" / "dev.jsonl" for base in (ROOT.parent, ROOT.parent.parent)
]
DATA = next((path for path in DATA_CANDIDATES if path.is_file()), DATA_CANDIDATES[0])


def prose_lines() -> list[str]:
    """The lines of the dev set's reference article texts, in order."""
    lines: list[str] = []
    for raw in DATA.read_bytes().splitlines():
        lines += orjson.loads(raw)["truth"].split("\n")
    return lines


def text_of(kind: str, count: int) -> str:
    """A text of ``count`` lines of ``kind``."""
    if kind == "empty":
        return "\n" * count
    if kind == "short":
        return "".join(f"w{number}\n" for number in range(count))
    source = prose_lines()
    repeats = -(-count // len(source))
    return "\n".join((source * repeats)[:count]) + "\n"


def peak_of_run(text: str, folder: Path) -> tuple[float, int]:
    """Seconds and peak resident bytes of ``cleaner corpus`` on one record holding ``text``."""
    source = folder / "in.jsonl"
    source.write_bytes(orjson.dumps({"id": 1, "text": text}) + b"\n")
    command = [sys.executable, "-m", "cleaner", "corpus", str(source), "-o", str(folder / "out.jsonl"),
               "--workers", "1", "--isolated"]  # fmt: skip
    errors = folder / "stderr.txt"
    started = time.perf_counter()
    with errors.open("wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    if status:
        sys.exit(f"cleaner failed:\n{errors.read_text()[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024  # KiB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=3_000_000)
    parser.add_argument("--kinds", nargs="+", default=["empty", "short", "prose"])
    args = parser.parse_args()
    print("| kind | lines | text MB | seconds | peak MiB | bytes per line (text aside) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for kind in args.kinds:
        with tempfile.TemporaryDirectory(prefix="cleaner-line-memory-") as scratch:
            folder = Path(scratch)
            _, base = peak_of_run("One line.\n", folder)
            text = text_of(kind, args.lines)
            size = len(text.encode())
            seconds, peak = peak_of_run(text, folder)
            del text
            per_line = (peak - base - size) / args.lines
            print(
                f"| {kind} | {args.lines:,} | {size / 1e6:.0f} | {seconds:.1f} | {peak / 2**20:.0f} "
                f"| {per_line:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
