"""`cleaner corpus` workers and the parent that started them: a parent killed outright takes
its workers with it (also when the records come from standard input), and a worker killed
outright (as the out-of-memory killer does) is an error naming the input, not a traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest

from cleaner.corpus import Task, worker_died
from tests.hostile.support import STRICT_ENV
from tests.hostile.test_corpus_reliability import wait_for_file, write_corpus

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="reads the process tree from /proc")


def children(pid: int) -> list[int]:
    """The processes ``pid`` started (its workers), from /proc."""
    found: list[int] = []
    for task in os.listdir(f"/proc/{pid}/task"):
        found += [int(child) for child in Path(f"/proc/{pid}/task/{task}/children").read_text().split()]
    return found


def alive(pid: int) -> bool:
    """Whether ``pid`` still runs (a zombie waiting for PID 1 to reap it has ended)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def start_corpus(tmp_path: Path) -> tuple[subprocess.Popen[bytes], list[int]]:
    """A two-worker corpus run well under way, and its workers."""
    source = tmp_path / "in.jsonl"
    write_corpus(source, 2_000, repeat=40)  # about 60 MB: several seconds of work
    output = tmp_path / "out"
    output.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "corpus", str(source), "-o", str(output / "clean.jsonl"),
         "--workers", "2"],
        env={**STRICT_ENV, "PYTHONFAULTHANDLER": "1"},  # a dump of every thread if it hangs
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
        cwd=tmp_path,
    )  # fmt: skip
    wait_for_file(output, ".tmp", process, timeout=60)
    deadline = time.monotonic() + 30
    while len(workers := children(process.pid)) < 2:
        assert time.monotonic() < deadline, "the workers did not start"
        time.sleep(0.05)
    return process, workers


def test_workers_die_with_a_parent_killed_outright(tmp_path):
    """Records come on standard input, slower than the workers clean them, so the workers
    wait for the next chunk when the parent is killed (as ``kill -9`` of a pipeline would)."""
    source = tmp_path / "in.jsonl"
    write_corpus(source, 2_000, repeat=8)  # about 12 MB: several chunks
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "corpus", "-", "-o", str(tmp_path / "out.jsonl"), "--workers", "2"],
        env=STRICT_ENV,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
    )
    assert process.stdin is not None
    process.stdin.write(source.read_bytes())  # the stream stays open: more might come
    process.stdin.flush()
    deadline = time.monotonic() + 60
    while len(workers := children(process.pid)) < 2 or any(
        Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "R" for pid in workers
    ):  # until both workers wait for work
        assert time.monotonic() < deadline, "the workers did not start, or never waited"
        time.sleep(0.1)
    process.kill()
    process.wait(timeout=10)
    process.stdin.close()
    deadline = time.monotonic() + 10
    while any(alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = [pid for pid in workers if alive(pid)]
    for pid in left:  # do not leave them running after a failure
        os.kill(pid, signal.SIGKILL)
    assert not left, "workers outlived their parent"


def test_a_worker_killed_outright_is_an_error_naming_the_input(tmp_path):
    process, workers = start_corpus(tmp_path)
    os.kill(workers[0], signal.SIGKILL)
    try:
        _, stderr = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGABRT)
        _, stderr = process.communicate(timeout=10)
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("the run did not end after a worker died" + stderr.decode())
    message = stderr.decode()
    assert process.returncode == 2, message
    assert "Traceback" not in message
    assert f"{tmp_path / 'in.jsonl'}: a worker process died while cleaning the records from line " in message
    assert "killed by SIGKILL" in message
    assert sorted(os.listdir(tmp_path / "out")) == [], "no output may look finished"


class ReapedByThePool:
    """A worker process whose exit status only the pool's own thread can read: a wait
    from the runner loses the race for it and learns nothing (as ``waitpid`` does when
    another thread has just taken the status)."""

    def __init__(self) -> None:
        self.exitcode: int | None = None

    def join(self, timeout: float | None = None) -> None:
        """Return without the status, as the losing waiter does."""


def test_the_killed_worker_is_named_when_the_pools_thread_reaps_the_workers():
    killed, ended = ReapedByThePool(), ReapedByThePool()

    def end_the_workers() -> None:  # what the pool's thread does when a worker dies
        time.sleep(0.2)  # ending the other worker takes a moment
        killed.exitcode, ended.exitcode = -signal.SIGKILL, -signal.SIGTERM

    manager = threading.Thread(target=end_the_workers)
    manager.start()
    pool = SimpleNamespace(_executor_manager_thread=manager)
    task = Task(file_index=0, path="in.jsonl", first_number=41)
    message = str(worker_died(pool, {1: killed, 2: ended}, task))  # type: ignore[arg-type]
    assert message.startswith("in.jsonl: a worker process died while cleaning the records from line 41 on")
    assert "killed by SIGKILL" in message, "the worker the pool ended is not the one that died"
