"""Clean files on disk: read each, clean it, and rewrite it only when asked and changed.

This is the loop behind ``cleaner check``, ``diff`` and ``clean``; it raises nothing for
one bad file but reports it in its `FileOutcome`, so a run over a folder goes on and
names every file it could not handle.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from cleaner.errors import DocumentError
from cleaner.io import BinaryDocument, Document, NotRegularFile, read_document, write_atomically
from cleaner.model import CleanResult
from cleaner.targets import ReadPaths, check_copy_target


class TextCleaner(Protocol):
    """Anything that cleans one named text: a `Cleaner`, or a run's configured settings."""

    def clean(self, text: str, *, name: str = ...) -> CleanResult:
        """Clean ``text``; ``name`` (the file's path) labels it and may choose its rules."""
        ...


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """What happened to one file: its result, or why it was skipped or failed."""

    path: Path
    document: Document | None = None
    result: CleanResult | None = None
    skipped: str | None = None
    error: str | None = None
    fixed: bool = False


def clean_files(files: Iterable[Path], cleaner: TextCleaner, *, fix: bool = False) -> Iterator[FileOutcome]:
    """Clean each of ``files`` (as found by `io.discover`); with ``fix``, rewrite changed ones.

    A rule timeout (`RuleTimeout`) is not caught here: a runaway pattern stops the run.
    """
    for path in files:
        yield clean_file(path, cleaner, fix=fix)


def clean_file(path: Path, cleaner: TextCleaner, *, fix: bool = False) -> FileOutcome:
    """Clean one file; with ``fix``, rewrite it atomically if anything was removed."""
    try:
        if not path.exists() and not path.is_symlink():
            return FileOutcome(path, error=f"{path}: no such file or folder")
        if path.is_dir():
            return folder_outcome(path)
    except OSError as error:  # e.g. a folder on the way that we may not enter
        return FileOutcome(path, error=f"{path}: cannot read: {error.strerror or error}")
    try:
        document = read_document(path)
    except (BinaryDocument, NotRegularFile) as skip:
        return FileOutcome(path, skipped=str(skip))
    except DocumentError as error:
        return FileOutcome(path, error=str(error))
    result = cleaner.clean(document.text, name=str(path))
    if not (fix and result.changed):
        return FileOutcome(path, document, result)
    if path.is_symlink():
        return FileOutcome(path, document, result, skipped=f"{path}: not rewritten: it is a symbolic link")
    try:
        write_atomically(path, document.encode(result.text), expect=document.stamp)
    except DocumentError as error:
        return FileOutcome(path, document, result, error=str(error))
    return FileOutcome(path, document, result, fixed=True)


def folder_outcome(path: Path) -> FileOutcome:
    """A folder met where a file was expected: a link not followed, or a folder that cannot be listed."""
    if path.is_symlink():
        note = "skipped, a link to a folder (links inside folders are not followed)"
        return FileOutcome(path, skipped=f"{path}: {note}")
    try:
        os.listdir(path)
    except OSError as error:
        return FileOutcome(path, error=f"{path}: cannot list folder: {error.strerror or error}")
    return FileOutcome(path, error=f"{path}: is a folder")


def copy_target(path: Path, root: Path, output_folder: Path) -> Path:
    """Where the copy of ``path`` (found under ``root``) goes: its relative path under ``output_folder``."""
    return output_folder / (path.relative_to(root) if root.is_dir() else Path(path.name))


def check_copies(root: Path, files: Sequence[Path], output_folder: Path) -> None:
    """Refuse, before any copy is written, copies that would overwrite or feed the run.

    Raises `UnsafeOutput` when ``output_folder`` or a copy is one of ``files`` (or ``root``),
    lies inside ``root`` (the next run would clean the copies again, and this one might
    walk into them), or would be written through a symbolic link or over a folder,
    pipe or device inside ``output_folder``.
    """
    reads = ReadPaths([root, *files])
    reads.check([("-o", output_folder)])
    targets = [copy_target(path, root, output_folder) for path in files]
    reads.check(("-o", target) for target in targets)
    for target in targets:
        check_copy_target(output_folder, target)


def write_copy(outcome: FileOutcome, root: Path, output_folder: Path) -> Path:
    """Write the cleaned text of ``outcome`` under ``output_folder`` at its path relative to ``root``.

    Never through a symbolic link inside ``output_folder`` (checked again here, since
    `check_copies` ran before the first copy).
    """
    assert outcome.document is not None and outcome.result is not None
    target = copy_target(outcome.path, root, output_folder)
    check_copy_target(output_folder, target)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DocumentError(f"{target.parent}: cannot create folder: {error.strerror or error}") from None
    write_atomically(target, outcome.document.encode(outcome.result.text))
    return target
