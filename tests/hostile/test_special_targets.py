"""Only regular files are ever replaced.

An atomic write renames a new file over the old one; over a named pipe, a device, a
socket or a folder that would swap the special file for a regular one (``--stats-json``
naming a copy of ``/dev/null`` left a regular file in its place). Each kind is refused
with exit 2 naming it, and it is still what it was afterwards.
"""

from __future__ import annotations

import os
import socket
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from cleaner.errors import DocumentError
from cleaner.io import write_atomically
from cleaner.records import write_records
from tests.hostile.support import run_cleaner

RECORD = b'{"id":1,"text":"Body.\\nAdvertisement\\n"}\n'
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def make_fifo(path: Path) -> None:
    os.mkfifo(path)


def make_device(path: Path) -> None:
    if not IS_ROOT:
        pytest.skip("creating a device node needs root")
    null = os.stat("/dev/null")
    os.mknod(path, stat.S_IFCHR | 0o666, null.st_rdev)  # a copy of /dev/null


def make_folder(path: Path) -> None:
    path.mkdir()


@contextmanager
def bound_socket(path: Path) -> Iterator[None]:
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        yield
    finally:
        server.close()


def make_socket(path: Path) -> None:
    with bound_socket(path):
        pass  # the socket file stays after close


KINDS: dict[str, tuple[Callable[[Path], None], str, Callable[[int], bool]]] = {
    "fifo": (make_fifo, "a named pipe", stat.S_ISFIFO),
    "device": (make_device, "a character device", stat.S_ISCHR),
    "socket": (make_socket, "a socket", stat.S_ISSOCK),
    "folder": (make_folder, "a folder", stat.S_ISDIR),
}


@pytest.fixture(params=KINDS.values(), ids=KINDS.keys())
def special(request, tmp_path) -> tuple[Path, str, Callable[[int], bool]]:
    make, kind, test = request.param
    path = tmp_path / "special"
    make(path)
    return path, kind, test


def test_write_atomically_replaces_only_regular_files(special):
    path, kind, is_kind = special
    with pytest.raises(DocumentError, match=f"special: not written: it is {kind}, not a regular file"):
        write_atomically(path, b"data")
    assert is_kind(os.lstat(path).st_mode)
    assert sorted(os.listdir(path.parent)) == ["special"], "no temporary file left"


@pytest.mark.parametrize("option", ["--stats-json", "--removed-output", "-o"])
def test_corpus_refuses_a_special_file_as_any_output_before_the_run(tmp_path, special, option):
    path, kind, is_kind = special
    path = path.rename(tmp_path / "special.jsonl")
    (tmp_path / "in.jsonl").write_bytes(RECORD)
    extra = [option, path.name] if option != "-o" else []
    output = path.name if option == "-o" else "out.jsonl"
    run = run_cleaner(["corpus", "in.jsonl", "-o", output, "--workers", "1", *extra], tmp_path)
    if kind == "a folder" and option == "-o":  # a folder named by -o is where the output goes
        assert run.code == 0 and (path / "in.jsonl").is_file(), run.stderr
        return
    assert run.code == 2, run.stderr
    assert f"{option} special.jsonl: not written: it is {kind}, not a regular file" in run.stderr
    assert is_kind(os.lstat(path).st_mode)
    assert sorted(os.listdir(tmp_path)) == ["in.jsonl", "special.jsonl"], "nothing was written"


def test_the_record_writer_refuses_a_special_file(special):
    path, kind, is_kind = special
    target = path.rename(path.with_name("special.jsonl"))  # the format is told by the suffix
    with pytest.raises(DocumentError, match=f"special.jsonl: not written: it is {kind}"):
        write_records(target, [{"text": "x"}])
    assert is_kind(os.lstat(target).st_mode)
    assert os.listdir(target.parent) == ["special.jsonl"], "no temporary file left"


def test_clean_refuses_a_special_file_where_a_copy_would_go(tmp_path, special):
    path, kind, is_kind = special
    (tmp_path / "G").mkdir()
    (tmp_path / "G" / "special").write_bytes(b"Intro.\nAdvertisement\n")
    (tmp_path / "G" / "b.txt").write_bytes(b"Intro.\nAdvertisement\n")
    (tmp_path / "OUT").mkdir()
    path.rename(tmp_path / "OUT" / "special")
    run = run_cleaner(["clean", "G", "-o", "OUT"], tmp_path)
    assert run.code == 2, run.stderr
    assert f"-o OUT/special: not written: it is {kind}, not a regular file" in run.stderr
    assert is_kind(os.lstat(tmp_path / "OUT" / "special").st_mode)
    assert os.listdir(tmp_path / "OUT") == ["special"], "no other copy was written first"
