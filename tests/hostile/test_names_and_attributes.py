"""File names that try to drive the terminal, and the metadata a rewrite must keep.

A name may hold an escape sequence, a carriage return or a newline: printed raw, it
could clear the screen, hide a line or forge a ``Fixing`` line. Every human-readable
output escapes them the way undecodable bytes are escaped (``\\x1b``, ``\\x0a``);
JSON keeps the name exact. And ``--fix`` keeps a file's extended attributes.
"""

from __future__ import annotations

import errno
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.errors import DocumentError
from cleaner.escaping import escape_unprintable
from cleaner.io import write_atomically
from tests.hostile.support import run_cleaner

AD = b"Text.\nAdvertisement\nMore.\n"
HOSTILE = "a\x1b[2J\nFixing b.txt\r\u202e.txt"
SHOWN = "a\\x1b[2J\\x0aFixing b.txt\\x0d\\u202e.txt"
RAW = ("\x1b", "\r", "\u202e", "\nFixing b.txt")


def hostile_file(tmp_path: Path) -> Path:
    path = tmp_path / "docs" / HOSTILE
    path.parent.mkdir()
    path.write_bytes(AD)
    return path


def assert_escaped(output: str) -> None:
    assert SHOWN in output, output
    for raw in RAW:
        assert raw not in output, f"{raw!r} printed raw"


@pytest.mark.parametrize(
    "args",
    [
        ["check", "docs"],
        ["check", "--output-format", "concise", "docs"],
        ["check", "--diff", "docs"],
        ["diff", "docs"],
        ["check", "--fix", "docs"],
    ],
    ids=["full", "concise", "unified-diff", "rich-diff", "fixing"],
)
def test_control_characters_in_names_print_escaped(tmp_path, args):
    hostile_file(tmp_path)
    run = run_cleaner(args, tmp_path)
    assert run.code in (0, 1), run.stderr
    assert_escaped(run.stdout + run.stderr)


def test_errors_naming_a_file_escape_it_too(tmp_path):
    path = hostile_file(tmp_path)
    path.write_bytes(b"\xff\xfe" + "Broken UTF-16".encode("utf-16-le")[:-1])  # truncated
    run = run_cleaner(["check", "docs"], tmp_path)
    assert run.code == 2
    assert_escaped(run.stderr)
    assert "not valid UTF-16-LE" in run.stderr


def test_json_keeps_the_name_exact(tmp_path):
    path = hostile_file(tmp_path)
    run = run_cleaner(["check", "--output-format", "json", "docs"], tmp_path)
    assert [report["path"] for report in json.loads(run.stdout)] == [str(path.relative_to(tmp_path))]


def test_undecodable_bytes_and_controls_share_one_convention():
    assert escape_unprintable("caf\udce9\x1b\u2028") == "caf\\udce9\\x1b\\u2028"
    assert escape_unprintable("Ünïcödé ok.txt") == "Ünïcödé ok.txt"


def test_fix_keeps_extended_attributes(tmp_path):
    path = tmp_path / "doc.txt"
    path.write_bytes(AD)
    try:
        os.setxattr(path, "user.origin", b"crawl-2024-05")
    except (AttributeError, OSError) as error:
        if isinstance(error, OSError) and error.errno not in (errno.ENOTSUP, errno.EOPNOTSUPP):
            raise
        pytest.skip("this file system keeps no user extended attributes")
    run = run_cleaner(["check", "--fix", "doc.txt"], tmp_path)
    assert run.code == 0, run.stderr
    assert path.read_bytes() == b"Text.\nMore.\n"
    assert os.getxattr(path, "user.origin") == b"crawl-2024-05"


def tagged(tmp_path: Path) -> Path:
    path = tmp_path / "doc.txt"
    path.write_bytes(AD)
    try:
        os.setxattr(path, "user.origin", b"crawl")
    except (AttributeError, OSError):
        pytest.skip("this file system keeps no user extended attributes")
    return path


def test_an_attribute_that_cannot_be_kept_stops_the_rewrite(tmp_path, monkeypatch):
    path = tagged(tmp_path)

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.EPERM, os.strerror(errno.EPERM))

    monkeypatch.setattr(os, "setxattr", refuse)
    with pytest.raises(DocumentError, match=r"cannot keep its extended attribute user\.origin"):
        write_atomically(path, b"Text.\n")
    assert path.read_bytes() == AD
    assert os.listdir(tmp_path) == ["doc.txt"], "no temporary file left"


def test_an_attribute_the_file_system_cannot_set_is_passed_over(tmp_path, monkeypatch):
    path = tagged(tmp_path)

    def unsupported(*_args: object, **_kwargs: object) -> None:
        raise OSError(errno.ENOTSUP, os.strerror(errno.ENOTSUP))

    monkeypatch.setattr(os, "setxattr", unsupported)
    write_atomically(path, b"Text.\n")
    assert path.read_bytes() == b"Text.\n"


def test_the_unified_diff_keeps_undecodable_bytes_for_patch(tmp_path, monkeypatch):
    # A Latin-1 name must still name its file in a patch; only the controls are escaped.
    name = "caf\udce9\x1b.txt"
    (tmp_path / name).write_bytes(AD)
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["check", "--diff", name])
    assert result.exit_code == 1
    assert b"--- a/caf\xe9\\x1b.txt\n" in result.stdout_bytes
