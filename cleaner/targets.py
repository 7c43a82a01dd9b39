"""Where a run may write: never onto what it reads, and never through a link.

Every path a command writes (cleaned copies, corpus outputs, the audit trail, the
statistics, a baseline, learned rule files) is checked against every path it reads
before the first byte is written. An output may not be an input, lie inside a folder
being read, or resolve through a symbolic link to either, and two outputs may not be
the same file: each case is an `UnsafeOutput` naming both paths.

Paths are compared as the system resolves them (``os.path.realpath``), so ``./a``,
``a/../a`` and a link to ``a`` are all ``a``. A hard link to an input is no danger:
outputs are renamed into place, which replaces the link and leaves the input as it was.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from cleaner.errors import DocumentError
from cleaner.io import kind_of, replaceable_status

STANDARD_STREAM = "-"  # standard input or output: never a file on disk


class UnsafeOutput(DocumentError):
    """An output path would overwrite an input, land in a folder being read, or be written twice."""


def real_path(path: Path) -> Path:
    """``path`` with every symbolic link and ``..`` resolved (it need not exist)."""
    return Path(os.path.realpath(path))


def through_link(path: Path, real: Path) -> str:
    """A note for messages when ``path`` reaches ``real`` only by following a link."""
    return " (through a symbolic link)" if Path(os.path.abspath(path)) != real else ""


class ReadPaths:
    """The files and folders a run reads, resolved once, to check its outputs against.

    >>> reads = ReadPaths([Path("/usr")])
    >>> reads.check([("-o", Path("/tmp/out"))])
    >>> reads.check([("-o", Path("/usr/out"))])
    Traceback (most recent call last):
    cleaner.targets.UnsafeOutput: -o /usr/out: lies inside /usr, a folder being read; choose a path outside it
    """

    def __init__(self, paths: Iterable[Path]) -> None:
        self.files: dict[Path, Path] = {}
        self.folders: dict[Path, Path] = {}
        for path in paths:
            if str(path) == STANDARD_STREAM:
                continue
            real = real_path(path)
            (self.folders if os.path.isdir(real) else self.files).setdefault(real, path)

    def check(self, writes: Iterable[tuple[str, Path]]) -> None:
        """Raise `UnsafeOutput` for the first output that is read, lies in a folder read, or repeats.

        ``writes`` are ``(role, path)`` pairs, the role being how the user named the
        output (``-o``, ``--stats-json``): messages start with both.
        """
        written: dict[Path, tuple[str, Path]] = {}
        for role, path in writes:
            if str(path) == STANDARD_STREAM:
                continue
            real = real_path(path)
            name = f"{role} {path}"
            if real in self.files:
                raise UnsafeOutput(
                    f"{name}: is an input ({self.files[real]}){through_link(path, real)}; choose another path"
                )
            for folder in (real, *real.parents):
                if folder in self.folders:
                    raise UnsafeOutput(
                        f"{name}: lies inside {self.folders[folder]}, a folder being read"
                        f"{through_link(path, real)}; choose a path outside it"
                    )
            if real in written:
                other_role, other = written[real]
                raise UnsafeOutput(f"{name}: is also {other_role} {other}; give each output its own path")
            written[real] = (role, path)


def check_replaceable(writes: Iterable[tuple[str, Path]]) -> None:
    """Refuse, before the run, output files that exist and are not regular files.

    A link, a folder, a named pipe, a device or a socket is never replaced (see
    `cleaner.io.replaceable_status`); the writers check again when they write.
    """
    for role, path in writes:
        if str(path) == STANDARD_STREAM:
            continue
        try:
            replaceable_status(path)
        except DocumentError as error:
            raise UnsafeOutput(f"{role} {error}") from None


def check_copy_target(folder: Path, target: Path, role: str = "-o") -> None:
    """Refuse a copy under ``folder`` that would go through a link or replace what is not a file.

    Every entry between ``folder`` and ``target`` that exists must be a real folder (a
    link there would send the copy elsewhere), and ``target``, if it exists, a regular
    file. ``folder`` itself may be a link: the user named it.
    """
    relative = target.relative_to(folder)
    current = folder
    for part in relative.parts:
        current = current / part
        try:
            status = os.lstat(current)
        except FileNotFoundError:
            return  # nothing further down exists yet
        except OSError as error:
            raise UnsafeOutput(
                f"{role} {target}: cannot check {current}: {error.strerror or error}"
            ) from None
        if stat.S_ISLNK(status.st_mode):
            raise UnsafeOutput(
                f"{role} {target}: not written: {current} is a symbolic link inside the output folder;"
                " remove it or choose another folder"
            )
        last = current == target
        if not last and not stat.S_ISDIR(status.st_mode):
            raise UnsafeOutput(f"{role} {target}: not written: {current} is not a folder")
        if last and not stat.S_ISREG(status.st_mode):
            raise UnsafeOutput(
                f"{role} {target}: not written: it is {kind_of(status.st_mode)}, not a regular file"
            )
