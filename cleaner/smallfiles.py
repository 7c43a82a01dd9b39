"""Read the small files that steer a run (rule files, configurations and baselines), and
write the caches built from them.

They are read only from regular files of at most `MAX_SETTINGS_BYTES`, opened without
blocking: a named pipe, ``/dev/zero`` or a file that grows while it is read gives an
error naming it, never a hang or a run out of memory. Parsers of nested data (TOML,
JSON) recurse, so a file nested thousands of levels deep is an error too
(`parse_nested`), not a `RecursionError`.
"""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

MAX_SETTINGS_BYTES = 128 * 1024 * 1024
T = TypeVar("T")


class SettingsFileError(Exception):
    """A settings file cannot be read as text; the message names the file and says why."""


def read_settings_text(path: Path, *, limit: int = MAX_SETTINGS_BYTES) -> str:
    """The UTF-8 text of a regular file of at most ``limit`` bytes, else `SettingsFileError`.

    >>> read_settings_text(Path("/dev/null"))
    Traceback (most recent call last):
    ...
    cleaner.smallfiles.SettingsFileError: /dev/null: not a regular file (a pipe, device or socket)
    """
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise SettingsFileError(f"{path}: cannot read: {error.strerror or error}") from None
    with os.fdopen(descriptor, "rb") as handle:
        status = os.fstat(descriptor)
        if stat.S_ISDIR(status.st_mode):
            raise SettingsFileError(f"{path}: is a folder, not a file")
        if not stat.S_ISREG(status.st_mode):
            raise SettingsFileError(f"{path}: not a regular file (a pipe, device or socket)")
        try:
            data = handle.read(limit + 1)  # a file may grow after fstat: never read past the cap
        except OSError as error:
            raise SettingsFileError(f"{path}: cannot read: {error.strerror or error}") from None
    if len(data) > limit:
        size = f"{limit // 2**20} MiB" if limit % 2**20 == 0 else f"{limit:,} bytes"
        raise SettingsFileError(f"{path}: larger than {size}; is it the right file?")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise SettingsFileError(f"{path}: not UTF-8 text") from None


def parse_nested(parse: Callable[[str], T], text: str, path: Path) -> T:
    """``parse(text)``, with nesting too deep for the parser reported as `SettingsFileError`."""
    try:
        return parse(text)
    except RecursionError:
        raise SettingsFileError(f"{path}: nested too deeply to read") from None


TOML_PLACE = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")
TOML_END = " (at end of document)"


def describe_toml_error(path: Path, error: ValueError, text: str) -> str:
    """``PATH:LINE: invalid TOML: WHAT (column N)`` from a `tomllib.TOMLDecodeError` on ``text``.

    >>> import tomllib
    >>> try:
    ...     tomllib.loads("a = 1\\nb = = 2\\n")
    ... except tomllib.TOMLDecodeError as error:
    ...     print(describe_toml_error(Path("x.toml"), error, ""))
    x.toml:2: invalid TOML: Invalid value (column 5)
    """
    message = str(error)
    if message.endswith(TOML_END):
        last_line = max(1, len(text.splitlines()))
        return f"{path}:{last_line}: invalid TOML: {message[: -len(TOML_END)]} (at the end of the file)"
    place = TOML_PLACE.search(message)
    if place is None:
        return f"{path}: invalid TOML: {message}"
    line, column = place.groups()
    return f"{path}:{line}: invalid TOML: {message[: place.start()]} (column {column})"


def write_cache(path: Path, data: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)
