"""Hostile file systems: links, loops, missing permissions, files that change under us.

Tests run as root in CI, and root reads and writes anything, so a permission denial is
simulated by injecting the error where the library opens or lists; a real ``chmod``
variant runs too when the suite is not root.
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import cleaner.io
from cleaner.cli import app
from cleaner.pipeline import Cleaner
from tests.hostile.support import assert_only_changed, run_cleaner, snapshot

AD = b"Text.\nAdvertisement\nMore.\n"
CLEANED = b"Text.\nMore.\n"
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


def test_symlink_is_read_but_never_written(tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_bytes(AD)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "link.txt").symlink_to(outside)
    before = snapshot(tmp_path)
    check = run_cleaner(["check", "docs"], tmp_path, timeout=30)
    assert check.code == 1 and "docs/link.txt:2: ADS001" in check.stdout
    fix = run_cleaner(["check", "--fix", "docs"], tmp_path, timeout=30)
    assert fix.code == 1, "a removal left in place must not exit 0"
    assert "docs/link.txt: not rewritten: it is a symbolic link" in fix.stderr
    assert_only_changed(before, snapshot(tmp_path), {})
    assert (docs / "link.txt").is_symlink()


def test_folder_that_loops_through_links_ends(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "sub" / "a.txt").write_bytes(AD)
    (docs / "loop").symlink_to(docs)
    (docs / "sub" / "back").symlink_to(Path(".."))
    before = snapshot(tmp_path)
    run = run_cleaner(["check", "--fix", "docs"], tmp_path, timeout=30)
    assert run.code == 0, run.stderr
    assert "docs/loop: skipped, a link to a folder" in run.stderr
    assert "docs/sub/back: skipped, a link to a folder" in run.stderr
    assert_only_changed(before, snapshot(tmp_path), {"docs/sub/a.txt": CLEANED})


def test_link_cycle_named_on_the_command_line(tmp_path):
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    run = run_cleaner(["check", "a"], tmp_path, timeout=30)
    assert run.code == 2
    assert "a: cannot read: Too many levels of symbolic links" in run.stderr


def test_link_to_a_folder_named_on_the_command_line_is_walked(tmp_path):
    real = tmp_path / "real"
    real.mkdir()
    (real / "a.txt").write_bytes(AD)
    (tmp_path / "named").symlink_to(real)
    run = run_cleaner(["check", "--fix", "named"], tmp_path, timeout=30)
    assert run.code == 0 and "Fixing named/a.txt" in run.stderr
    assert (real / "a.txt").read_bytes() == CLEANED


def test_read_only_file_is_not_rewritten_under_fix(tmp_path):
    path = tmp_path / "ro.txt"
    path.write_bytes(AD)
    path.chmod(0o444)
    before = snapshot(tmp_path)
    run = run_cleaner(["check", "--fix", "ro.txt"], tmp_path, timeout=30)
    assert run.code == 2
    assert "ro.txt: not rewritten: the file is read-only; make it writable to fix it" in run.stderr
    assert_only_changed(before, snapshot(tmp_path), {})


def test_missing_path_is_an_error_naming_it(tmp_path):
    run = run_cleaner(["check", "nowhere.txt"], tmp_path, timeout=30)
    assert run.code == 2 and "nowhere.txt: no such file or folder" in run.stderr


def deny(target: Path, real):  # type: ignore[no-untyped-def]
    """A stand-in for ``open`` / ``os.scandir`` that refuses ``target``, as a non-root user would be."""

    def guarded(path, *args, **kwargs):  # type: ignore[no-untyped-def]
        if Path(path) == target:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *args, **kwargs)

    return guarded


def test_unreadable_file_is_reported_and_the_run_goes_on(tmp_path, monkeypatch):
    secret, other = tmp_path / "secret.txt", tmp_path / "other.txt"
    secret.write_bytes(AD)
    other.write_bytes(AD)
    monkeypatch.setattr(cleaner.io, "open", deny(secret, open), raising=False)
    before = snapshot(tmp_path)
    result = CliRunner().invoke(app, ["check", "--fix", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{secret}: cannot read: Permission denied" in result.output
    assert_only_changed(before, snapshot(tmp_path), {"other.txt": CLEANED})


@pytest.mark.skipif(IS_ROOT, reason="root reads a file whatever its mode; the test above simulates it")
def test_unreadable_file_for_real(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(AD)
    secret.chmod(0)
    run = run_cleaner(["check", "secret.txt"], tmp_path, timeout=30)
    assert run.code == 2 and "secret.txt: cannot read: Permission denied" in run.stderr


def test_unlistable_folder_is_reported_not_skipped(tmp_path, monkeypatch):
    hidden = tmp_path / "locked"
    hidden.mkdir()
    (hidden / "a.txt").write_bytes(AD)
    (tmp_path / "b.txt").write_bytes(AD)
    monkeypatch.setattr(os, "scandir", deny(hidden, os.scandir))
    monkeypatch.setattr(os, "listdir", deny(hidden, os.listdir))
    result = CliRunner().invoke(app, ["check", str(tmp_path)])
    assert result.exit_code == 2
    assert f"{hidden}: cannot list folder: Permission denied" in result.output
    assert f"{tmp_path / 'b.txt'}:2: ADS001" in result.output


def test_file_that_changes_while_being_read_is_left_alone(tmp_path, monkeypatch):
    path = tmp_path / "growing.txt"
    path.write_bytes(AD)
    real_open = open

    class AppendedMidRead:
        """A file handle whose file grows (another program appends) while it is read."""

        def __init__(self, handle):  # type: ignore[no-untyped-def]
            self.handle = handle

        def __enter__(self):  # type: ignore[no-untyped-def]
            return self

        def __exit__(self, *exc):  # type: ignore[no-untyped-def]
            self.handle.close()

        def fileno(self) -> int:
            return self.handle.fileno()

        def read(self) -> bytes:
            data = self.handle.read(5)
            with real_open(self.handle.name, "ab") as writer:
                writer.write(b"Appended by someone else.\n")
            return data + self.handle.read()

    monkeypatch.setattr(
        cleaner.io, "open", lambda *a, **k: AppendedMidRead(real_open(*a, **k)), raising=False
    )
    result = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert result.exit_code == 2
    assert f"{path}: changed while being read; left as it is" in result.output
    assert path.read_bytes() == AD + b"Appended by someone else.\n"


def test_file_that_changes_between_read_and_rewrite_keeps_the_new_bytes(tmp_path, monkeypatch):
    path = tmp_path / "edited.txt"
    path.write_bytes(AD)
    edited = b"Someone saved a new version.\nAdvertisement\n"
    real_clean = Cleaner.clean

    def clean_while_edited(self, text, *, name="<text>", site=None):  # type: ignore[no-untyped-def]
        path.write_bytes(edited)  # an editor saves while we clean
        return real_clean(self, text, name=name, site=site)

    monkeypatch.setattr(Cleaner, "clean", clean_while_edited)
    result = CliRunner().invoke(app, ["check", "--fix", str(path)])
    assert result.exit_code == 2
    assert f"{path}: not rewritten: it changed since it was read; run again" in result.output
    assert path.read_bytes() == edited
    assert [p.name for p in tmp_path.iterdir()] == ["edited.txt"], "no temporary file left"


def test_path_that_cannot_be_looked_at_is_an_error_not_a_traceback(tmp_path, monkeypatch):
    """stat() refused (a parent folder we may not enter): Path.exists() raises in Python 3.11."""
    hidden, other = tmp_path / "hidden.txt", tmp_path / "other.txt"
    hidden.write_bytes(AD)
    other.write_bytes(AD)
    real_stat = Path.stat

    def refuse(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        if self == hidden:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_stat(self, *args, **kwargs)

    monkeypatch.setattr(Path, "stat", refuse)
    result = CliRunner().invoke(app, ["check", str(hidden), str(other)])
    assert result.exit_code == 2
    assert f"{hidden}: cannot read: Permission denied" in result.output
    assert f"{other}:2: ADS001" in result.output


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_pipes_and_devices_are_skipped_not_read_forever(tmp_path):
    """A named pipe in a folder would block the open; /dev/zero would never end."""
    docs = tmp_path / "docs"
    docs.mkdir()
    os.mkfifo(docs / "pipe")
    (docs / "a.txt").write_bytes(AD)
    run = run_cleaner(["check", "--fix", "docs", "/dev/zero"], tmp_path, timeout=30)
    assert run.code == 0, run.stderr
    assert "docs/pipe: skipped, not a regular file (a pipe, device or socket)" in run.stderr
    assert "/dev/zero: skipped, not a regular file" in run.stderr
    assert (docs / "a.txt").read_bytes() == CLEANED


def test_a_file_name_of_the_longest_length_can_be_fixed(tmp_path):
    """The temporary file's name must fit too: a 255-byte name plus a suffix would not."""
    name = "n" * 251 + ".txt"
    (tmp_path / name).write_bytes(AD)
    run = run_cleaner(["check", "--fix", name], tmp_path, timeout=30)
    assert run.code == 0, run.stderr
    assert (tmp_path / name).read_bytes() == CLEANED
    assert os.listdir(tmp_path) == [name]


def test_a_folder_nested_1100_levels_deep_is_walked(tmp_path, monkeypatch):
    """Python 3.11's os.walk recurses and raised RecursionError here."""
    monkeypatch.chdir(tmp_path)
    os.mkdir("docs")
    os.chdir("docs")
    for _ in range(1100):  # one level at a time: pathlib's mkdir(parents=True) recurses too
        os.mkdir("d")
        os.chdir("d")
    Path("a.txt").write_bytes(AD)
    deepest = tmp_path.joinpath("docs", *["d"] * 1100)
    try:
        run = run_cleaner(["check", "--fix", "docs"], tmp_path, timeout=60)
        assert run.code == 0, run.stderr[-500:]
        assert (deepest / "a.txt").read_bytes() == CLEANED
    finally:
        remove_deep_tree(deepest, levels=1100)


def remove_deep_tree(deepest: Path, levels: int) -> None:
    """Remove the nested folders bottom-up without recursion (shutil.rmtree recurses in 3.11,
    and pytest would fail to clean this temporary folder later)."""
    os.chdir(deepest)
    for name in os.listdir("."):
        os.unlink(name)
    for _ in range(levels):
        os.chdir("..")
        os.rmdir("d")
