"""A real SIGINT or SIGTERM sent to a real ``cleaner check --fix`` over a thousand files:
every file is either as it was or fully cleaned, and no temporary file is left."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest

from cleaner import clean
from tests.hostile.support import STRICT_ENV

FILES = 1000
PARAGRAPH = "The council met on Tuesday to discuss the budget for the coming year, line {n}.\n"


def template(variant: int) -> str:
    """A document of some size with boilerplate to remove (one of ten variants)."""
    body = "".join(PARAGRAPH.format(n=n) for n in range(300 + variant))
    tail = "Sign up for our newsletter\n"
    return f"Advertisement\r\n{body}Share this article\nPhoto: Jane Doe/Reuters\n{body}{tail}"


def wait_for_fixes(process: subprocess.Popen[bytes], count: int, timeout: float) -> list[str]:
    """Read stderr until ``count`` files were fixed (or the process ends); return the lines read."""
    assert process.stderr is not None
    lines: list[str] = []
    deadline = time.monotonic() + timeout
    while sum(line.startswith("Fixing") for line in lines) < count:
        if time.monotonic() > deadline:
            process.kill()
            pytest.fail("cleaner did not start fixing files in time")
        line = process.stderr.readline().decode()
        if not line:
            break
        lines.append(line)
    return lines


@pytest.mark.usefixtures("default_interrupt")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_interrupted_fix_leaves_every_file_whole(tmp_path, signum):
    originals = {variant: template(variant).encode() for variant in range(10)}
    cleaned = {variant: clean(template(variant)).text.encode() for variant in range(10)}
    docs = tmp_path / "docs"
    docs.mkdir()
    for number in range(FILES):
        (docs / f"doc{number:04}.txt").write_bytes(originals[number % 10])
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cleaner",
            "check",
            "--fix",
            "--show-fixes",
            "--output-format",
            "concise",
            "docs",
        ],
        cwd=tmp_path,
        env=STRICT_ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    read = wait_for_fixes(process, 50, timeout=60)
    process.send_signal(signum)
    try:
        rest = process.communicate(timeout=30)[1].decode()
    except subprocess.TimeoutExpired:
        process.kill()
        pytest.fail("cleaner did not stop within 30 s of the signal")
    stderr = "".join(read) + rest
    assert "Traceback" not in stderr
    assert process.returncode == 128 + signum, stderr
    assert f"interrupted by {signal.Signals(signum).name}" in stderr
    names = sorted(path.name for path in docs.iterdir())
    assert names == [f"doc{number:04}.txt" for number in range(FILES)], "no temporary file left"
    states = []
    for number, name in enumerate(names):
        content = (docs / name).read_bytes()
        assert content in (originals[number % 10], cleaned[number % 10]), (
            f"{name} is neither original nor cleaned"
        )
        states.append(content == cleaned[number % 10])
    assert 50 <= sum(states) < FILES, "the signal landed mid-run"
    assert states == sorted(states, reverse=True), "files are fixed in sorted order, none skipped"
