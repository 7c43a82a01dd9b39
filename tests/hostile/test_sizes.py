"""Big hostile documents, generated at test time in a temporary folder.

Each runs the real command with a generous time bound (it catches a hang or a
quadratic blow-up, it is not a benchmark) and checks the exact bytes left behind.
Marked ``slow`` (a few seconds each); deselect with ``-m "not slow"`` while iterating.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.hostile.support import run_cleaner

pytestmark = pytest.mark.slow

SENTENCE = "The minister said the market for water in the city will grow next year."


def file_digest(path: Path) -> tuple[int, str]:
    """Size and SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


def test_200_mb_single_line(tmp_path):
    """A 200 MB line after an ad label: the label goes, the line keeps every byte."""
    chunk = ("lorem ipsum dolor sit amet, consectetur adipiscing elit. " * 1000).encode()
    expected = hashlib.sha256()
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.write(b"Advertisement\n")
        size = 0
        while size < 200_000_000:
            handle.write(chunk)
            expected.update(chunk)
            size += len(chunk)
    run = run_cleaner(["check", "--fix", "--show-fixes", "huge.txt"], tmp_path, timeout=120)
    assert run.code == 0, run.stderr
    assert "huge.txt:1: ADS001" in run.stdout and "Fixing huge.txt" in run.stderr
    assert file_digest(path) == (size, expected.hexdigest())
    assert [p.name for p in tmp_path.iterdir()] == ["huge.txt"]


def test_one_million_short_lines(tmp_path):
    lines = [b"Advertisement\n" if i % 50 == 0 else b"Line %d of the text.\n" % i for i in range(1_000_000)]
    path = tmp_path / "long.txt"
    path.write_bytes(b"".join(lines))
    run = run_cleaner(
        ["check", "--fix", "--show-fixes", "--output-format", "concise", "long.txt"], tmp_path, timeout=240
    )
    assert run.code == 0, run.stderr
    assert run.stdout.count("ADS001") == 20_000
    assert path.read_bytes() == b"".join(line for line in lines if line != b"Advertisement\n")


def test_100_000_identical_lines(tmp_path):
    """A line that comes back more than the rule's max_copies times is recurring content: kept."""
    path = tmp_path / "same.txt"
    path.write_text(f"{SENTENCE}\n" * 100_000)
    run = run_cleaner(["check", "--fix", "--output-format", "concise", "same.txt"], tmp_path, timeout=120)
    assert run.code == 0, run.stderr
    assert path.read_text() == f"{SENTENCE}\n" * 100_000


def test_50_000_pairs_of_identical_lines(tmp_path):
    """Exact repeats at scale: every second copy goes, every first stays, in order."""
    lines = [f"{SENTENCE} Item {i}.\n" for i in range(50_000)]
    path = tmp_path / "pairs.txt"
    path.write_text("".join(lines + lines))
    run = run_cleaner(
        ["check", "--fix", "--show-fixes", "--output-format", "concise", "pairs.txt"], tmp_path, timeout=120
    )
    assert run.code == 0, run.stderr
    assert run.stdout.count("DUP001") == 50_000
    assert path.read_text() == "".join(lines)


def test_100_000_near_identical_lines(tmp_path):
    """The deduplicator's worst case: every line shares its start and end with every other."""
    words = ["".join(chr(97 + (i // 26**k) % 26) for k in range(4)) for i in range(100_000)]
    lines = [f"The minister said the market for water in {word} will grow next year.\n" for word in words]
    path = tmp_path / "near.txt"
    path.write_text("".join(lines))
    run = run_cleaner(["check", "--fix", "--output-format", "concise", "near.txt"], tmp_path, timeout=120)
    assert run.code == 0, run.stderr
    # They all nearly repeat the first line, far more often than max_copies: content, kept.
    assert path.read_text() == "".join(lines)
