"""Documents on disk: discovery in sorted order, byte-exact decoding, atomic writes.

Decoding keeps everything needed to write the same bytes back: the byte-order mark,
the encoding (UTF-8, or UTF-16 when a UTF-16 BOM says so), and undecodable bytes, which
ride through as lone surrogates (``surrogateescape``). Line endings are left in the
text as they are.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from cleaner.errors import DocumentError

BOMS = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)
SNIFF_BYTES = 8192


class BinaryDocument(DocumentError):
    """The file holds a NUL byte in its first bytes, so it is not a text document."""


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded text and how to encode it back to the exact same bytes."""

    name: str
    text: str
    encoding: str = "utf-8"
    bom: bytes = b""

    def encode(self, text: str) -> bytes:
        """Encode ``text`` as this document was encoded (same BOM, same encoding)."""
        return self.bom + text.encode(self.encoding, "surrogateescape")


def decode_document(data: bytes, name: str) -> Document:
    """Decode bytes without losing any of them; raise `BinaryDocument` for binary data.

    >>> decode_document(b"\\xef\\xbb\\xbfa\\r\\n\\xff", "x").text
    'a\\r\\n\\udcff'
    """
    for bom, encoding in BOMS:
        if data.startswith(bom):
            if encoding == "utf-8":
                return Document(name, data[len(bom) :].decode("utf-8", "surrogateescape"), encoding, bom)
            try:
                return Document(name, data[len(bom) :].decode(encoding), encoding, bom)
            except UnicodeDecodeError as error:
                raise DocumentError(f"{name}: not valid {encoding.upper()} at byte {error.start}") from None
    if b"\x00" in data[:SNIFF_BYTES]:
        raise BinaryDocument(f"{name}: skipped, binary file (holds a NUL byte)")
    return Document(name, data.decode("utf-8", "surrogateescape"))


def read_document(path: Path) -> Document:
    """Read and decode a file; errors name the file."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise DocumentError(f"{path}: cannot read: {error.strerror or error}") from None
    return decode_document(data, str(path))


def write_atomically(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that it is either fully old or fully new.

    Writes a temporary file in the same folder, flushes and fsyncs it, gives it the
    original's mode, then renames it over the original. On any failure the original is
    untouched, the temporary file is removed, and a `DocumentError` names the file.
    """
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else None
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    except OSError as error:
        raise DocumentError(f"{path}: cannot write: {error.strerror or error}") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            raise DocumentError(f"{path}: cannot write: {error.strerror or error}; the file is unchanged") from None
        raise


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and files under folders named, in sorted order, each once.

    Hidden files and folders (a leading dot) inside a folder are left out, and links to
    folders are not followed, so a folder that loops through links ends.
    """
    seen: set[Path] = set()
    for path in paths:
        if path.is_dir() and not path.is_symlink():
            found = walk(path)
        else:
            found = iter([path])
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file


def walk(folder: Path) -> Iterator[Path]:
    """Regular files below ``folder`` in sorted order, without hidden entries or folder links."""
    for root, folders, files in os.walk(folder, followlinks=False):
        folders[:] = sorted(name for name in folders if not name.startswith("."))
        for name in sorted(files):
            if not name.startswith("."):
                yield Path(root) / name
