"""Helpers for the hostile-input suite: run the real command in a subprocess, with a
time bound, and snapshot every file so a test can prove which bytes changed."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pytest

from cleaner.rules import Rule


def example_lines(rules: Iterable[Rule]) -> list[str]:
    """Every one-line example of the rules, kept or removed: boilerplate and its look-alikes."""
    return sorted(
        {
            example.strip()
            for rule in rules
            for example in rule.examples.remove + rule.examples.keep
            if "\n" not in example.strip()
        }
    )


# Strict output encoding: the harshest realistic terminal (undecodable input bytes
# must still print, not crash the stream with a traceback).
STRICT_ENV = {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "COLUMNS": "200"}


@dataclass(frozen=True)
class Run:
    """The outcome of one command run."""

    code: int
    stdout: str
    stderr: str


def run_cleaner(args: list[str], cwd: Path, *, timeout: float = 60, stdin: bytes | None = None) -> Run:
    """Run ``python -m cleaner ARGS`` in ``cwd``; fail the test if it outlives ``timeout`` seconds."""
    try:
        done = subprocess.run(
            [sys.executable, "-m", "cleaner", *args],
            cwd=cwd,
            env=STRICT_ENV,
            input=stdin,
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"cleaner {' '.join(args)} did not finish within {timeout} s (a hang)")
    run = Run(done.returncode, done.stdout.decode("utf-8", "replace"), done.stderr.decode("utf-8", "replace"))
    assert "Traceback" not in run.stderr, run.stderr
    return run


def snapshot(root: Path) -> dict[str, tuple[bytes | str, int]]:
    """Every entry under ``root`` (links not followed): its bytes (or link target) and mode."""
    found: dict[str, tuple[bytes | str, int]] = {}
    for folder, folders, files in os.walk(root, followlinks=False):
        for name in files + folders:
            path = Path(folder) / name
            status = path.lstat()
            if path.is_symlink():
                found[str(path.relative_to(root))] = (os.readlink(path), status.st_mode)
            elif path.is_file():
                found[str(path.relative_to(root))] = (path.read_bytes(), status.st_mode)
    return found


def assert_only_changed(
    before: dict[str, tuple[bytes | str, int]],
    after: dict[str, tuple[bytes | str, int]],
    expected: dict[str, bytes],
) -> None:
    """Files in ``expected`` hold exactly those bytes now; every other entry kept every byte and its mode."""
    for name, content in expected.items():
        assert after[name][0] == content, f"{name} does not hold the expected bytes"
        assert after[name][1] == before[name][1], f"{name} lost its mode"
    unchanged = {name: value for name, value in before.items() if name not in expected}
    assert {name: after.get(name) for name in unchanged} == unchanged
    assert not [name for name in after if name not in before], f"stray files: {set(after) - set(before)}"
