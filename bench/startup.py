"""Benchmark: how long the ``cleaner`` command takes to start (not a test).

Times whole processes of the installed script, next to a floor (``python -c pass``)
and to ``import typer`` alone, in rounds that take each command in turn, so that the
machine's load falls on all of them alike; prints the fastest run of each (the one
least disturbed by other work) and the median. Runs read compiled bytecode, as an
installed package does.

    python bench/startup.py [--runs 20] [--source OTHER-CHECKOUT]

``--source`` also times ``python -m cleaner`` from another checkout's source (an older
commit, say: ``git worktree add /tmp/old COMMIT``), in the same rounds, to compare two
versions under the same load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "samples" / "quiet-library.txt"
PYDANTIC = "import typer\ntry:\n    import typer._adapters\nexcept ImportError:\n    pass"


def commands(source: Path | None) -> dict[str, list[str]]:
    """What is timed, by label; with ``source``, that checkout's commands too."""
    script = [str(Path(sys.executable).with_name("cleaner"))]
    timed = {
        "python -c pass (floor)": [sys.executable, "-c", "pass"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        # Typer 0.29 and later check option values with pydantic: this is what that costs.
        "python -c 'import typer._adapters' (pydantic)": [sys.executable, "-c", PYDANTIC],
    }
    versions = {"": script}
    if source is not None:  # python -m cleaner, with the other checkout first on the path
        versions[f"[{source.name}] "] = [
            "env",
            f"PYTHONPATH={source.resolve()}",
            sys.executable,
            "-m",
            "cleaner",
        ]
    for prefix, command in versions.items():
        timed |= {
            f"{prefix}cleaner --version": [*command, "--version"],
            f"{prefix}cleaner --help": [*command, "--help"],
            f"{prefix}cleaner check --help": [*command, "check", "--help"],
            f"{prefix}cleaner check samples/{SAMPLE.name}": [*command, "check", str(SAMPLE)],
        }
    return timed


def time_once(command: list[str], folder: str) -> float:
    """Seconds one run takes, start to exit (run in ``folder``: ``python -m`` looks there first)."""
    start = time.perf_counter()
    subprocess.run(command, cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20, help="rounds (default 20)")
    parser.add_argument("--source", type=Path, help="also time python -m cleaner from this checkout")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as cache:
        os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
        os.environ["PYTHONPYCACHEPREFIX"] = cache
        timed = commands(args.source)
        for command in timed.values():  # the first run of each writes its bytecode
            time_once(command, cache)
        runs: dict[str, list[float]] = {label: [] for label in timed}
        for _ in range(args.runs):
            for label, command in timed.items():
                runs[label].append(time_once(command, cache))
    floor = min(runs["python -c pass (floor)"])
    print(f"{'command':58} {'fastest':>9} {'median':>9} {'fastest - floor':>16}")
    for label, seconds in runs.items():
        fastest = min(seconds)
        print(
            f"{label:58} {fastest * 1000:7.0f} ms {statistics.median(seconds) * 1000:6.0f} ms"
            f" {(fastest - floor) * 1000:13.0f} ms"
        )


if __name__ == "__main__":
    main()
