"""In-place writing that cannot lose data, proven by injecting the faults.

Each fault (full disk, permission refused, interruption) is raised at one step of
`write_atomically`: the original keeps every byte, no temporary file is left, and the
error names the file.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner.io
from cleaner.cli import app
from cleaner.errors import DocumentError
from cleaner.io import write_atomically

OLD = b"Text.\r\nAdvertisement\r\nMore.\r\n"
NEW = b"Text.\r\nMore.\r\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def fails_with(code: int):  # type: ignore[no-untyped-def]
    """A stand-in for an os call that fails the way the system would."""

    def fail(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise OSError(code, os.strerror(code))

    return fail


class FullDiskHandle:
    """A file handle that writes half of what it is given, then finds the disk full."""

    def __init__(self, handle):  # type: ignore[no-untyped-def]
        self.handle = handle

    def __enter__(self):  # type: ignore[no-untyped-def]
        return self

    def __exit__(self, *exc):  # type: ignore[no-untyped-def]
        self.handle.close()

    def write(self, data: bytes) -> int:
        self.handle.write(data[: len(data) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


FAULTS = {
    "write-enospc": (
        "fdopen",
        lambda real: lambda *a, **k: FullDiskHandle(real(*a, **k)),
        "No space left on device",
    ),
    "fsync-enospc": ("fsync", lambda real: fails_with(errno.ENOSPC), "No space left on device"),
    "fsync-eio": ("fsync", lambda real: fails_with(errno.EIO), "Input/output error"),
    "chmod-eperm": ("chmod", lambda real: fails_with(errno.EPERM), "Operation not permitted"),
    "replace-eacces": ("replace", lambda real: fails_with(errno.EACCES), "Permission denied"),
    "replace-enospc": ("replace", lambda real: fails_with(errno.ENOSPC), "No space left on device"),
}


@pytest.mark.parametrize(("function", "make_fault", "reason"), FAULTS.values(), ids=FAULTS.keys())
def test_failed_write_leaves_the_original_untouched(tmp_path, monkeypatch, function, make_fault, reason):
    path = tmp_path / "doc.txt"
    path.write_bytes(OLD)
    monkeypatch.setattr(os, function, make_fault(getattr(os, function)))
    with pytest.raises(DocumentError) as raised:
        write_atomically(path, NEW)
    assert str(raised.value) == f"{path}: cannot write: {reason}; the file is unchanged"
    assert path.read_bytes() == OLD
    assert os.listdir(tmp_path) == ["doc.txt"], "no temporary file left"


def test_folder_that_refuses_a_new_file(tmp_path, monkeypatch):
    """mkstemp fails (a read-only folder, as root would not see it): nothing is touched."""
    path = tmp_path / "doc.txt"
    path.write_bytes(OLD)
    monkeypatch.setattr(os, "open", fails_with(errno.EACCES))
    with pytest.raises(
        DocumentError, match=r"doc\.txt: cannot write: Permission denied; the file is unchanged"
    ):
        write_atomically(path, NEW)
    monkeypatch.undo()
    assert path.read_bytes() == OLD and os.listdir(tmp_path) == ["doc.txt"]


def test_fix_reports_a_full_disk_and_goes_on(tmp_path, monkeypatch):
    first, second = tmp_path / "a.txt", tmp_path / "b.txt"
    first.write_bytes(OLD)
    second.write_bytes(OLD)
    real_replace = os.replace

    def full_for_first(source, target):  # type: ignore[no-untyped-def]
        if Path(target).name == "a.txt":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", full_for_first)
    result = CliRunner().invoke(app, ["check", "--fix", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{first}: cannot write: No space left on device; the file is unchanged" in result.output
    assert first.read_bytes() == OLD and second.read_bytes() == NEW
    assert sorted(os.listdir(tmp_path)) == ["a.txt", "b.txt"]


def test_interruption_mid_write_removes_the_temporary_file(tmp_path, monkeypatch):
    path = tmp_path / "doc.txt"
    path.write_bytes(OLD)

    def interrupted(_descriptor: int) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomically(path, NEW)
    assert path.read_bytes() == OLD and os.listdir(tmp_path) == ["doc.txt"]


@pytest.mark.parametrize("other_thread", [False, True], ids=["alone", "beside-a-thread"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_real_signal_during_the_write_waits_for_the_rename(tmp_path, monkeypatch, signum, other_thread):
    """The signal arrives between write and fsync; it is delivered once the file is whole.

    With another thread in the process (Arrow's thread pools, a caller's own), the system
    may hand the signal to that thread; it must wait all the same.
    """
    done = threading.Event()
    if other_thread:
        threading.Thread(target=done.wait, daemon=True).start()
    path = tmp_path / "doc.txt"
    path.write_bytes(OLD)
    real_fsync = os.fsync

    def signal_then_fsync(descriptor: int) -> None:
        os.kill(os.getpid(), signum)
        real_fsync(descriptor)

    def stop(_signum, _frame):  # type: ignore[no-untyped-def]
        raise KeyboardInterrupt

    previous = signal.signal(signum, stop)
    try:
        monkeypatch.setattr(os, "fsync", signal_then_fsync)
        with pytest.raises(KeyboardInterrupt):
            write_atomically(path, NEW)
    finally:
        signal.signal(signum, previous)
        done.set()
    assert path.read_bytes() == NEW, "the file is fully written before the interruption lands"
    assert os.listdir(tmp_path) == ["doc.txt"]


def test_mode_is_kept(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(OLD)
    path.chmod(0o640)
    write_atomically(path, NEW)
    assert (path.read_bytes(), stat.S_IMODE(path.stat().st_mode)) == (NEW, 0o640)


@pytest.mark.skipif(not IS_ROOT, reason="only root can give a file to another owner")
def test_owner_is_kept(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(OLD)
    os.chown(path, 1234, 5678)
    write_atomically(path, NEW)
    assert (path.stat().st_uid, path.stat().st_gid) == (1234, 5678)


def test_new_file_follows_the_umask(tmp_path):
    umask = os.umask(0o027)
    try:
        write_atomically(tmp_path / "new.txt", NEW)
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


def test_never_writes_through_a_symbolic_link(tmp_path):
    target = tmp_path / "target.txt"
    target.write_bytes(OLD)
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    with pytest.raises(DocumentError, match=r"link\.txt: not rewritten: it is a symbolic link"):
        write_atomically(link, NEW)
    assert target.read_bytes() == OLD and link.is_symlink()


def test_refuses_a_file_that_changed_since_it_was_read(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(OLD)
    stamp = cleaner.io.read_document(path).stamp
    path.write_bytes(OLD + b"new line\n")
    with pytest.raises(DocumentError, match="changed since it was read"):
        write_atomically(path, NEW, expect=stamp)
    assert path.read_bytes() == OLD + b"new line\n"
