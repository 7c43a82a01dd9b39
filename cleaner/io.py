"""Documents on disk: discovery in sorted order, byte-exact decoding, atomic writes.

Decoding keeps everything needed to write the same bytes back: the byte-order mark,
the encoding (UTF-8, or UTF-16 when a UTF-16 BOM says so), and undecodable bytes, which
ride through as lone surrogates (``surrogateescape``). Line endings are left in the
text as they are.
"""

from __future__ import annotations

import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
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


class NotRegularFile(DocumentError):
    """The path is a pipe, a device or a socket: reading it could block or never end."""


@dataclass(frozen=True, slots=True)
class Document:
    """A decoded text and how to encode it back to the exact same bytes.

    ``stamp`` identifies the file version that was read (see `file_stamp`), so a
    rewrite can refuse to replace a file that changed in the meantime.
    """

    name: str
    text: str
    encoding: str = "utf-8"
    bom: bytes = b""
    stamp: tuple[int, ...] | None = None

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


def file_stamp(status: os.stat_result) -> tuple[int, ...]:
    """What changes when a file is rewritten or replaced: device, inode, size, times."""
    return (status.st_dev, status.st_ino, status.st_size, status.st_mtime_ns, status.st_ctime_ns)


def read_document(path: Path) -> Document:
    """Read and decode a file; errors name the file.

    A file that changes while it is read (its size or times differ before and after)
    raises `DocumentError` rather than yielding a torn mix of two versions.
    """
    try:
        # Non-blocking open: opening a named pipe would otherwise wait for a writer.
        with open(path, "rb", opener=open_without_blocking) as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode):
                raise NotRegularFile(f"{path}: skipped, not a regular file (a pipe, device or socket)")
            before = file_stamp(status)
            data = handle.read()
            after = file_stamp(os.fstat(handle.fileno()))
    except OSError as error:
        raise DocumentError(f"{path}: cannot read: {error.strerror or error}") from None
    if before != after or len(data) != after[2]:
        raise DocumentError(f"{path}: changed while being read; left as it is, run again once it is stable")
    return replace(decode_document(data, str(path)), stamp=after)


def temporary_prefix(path: Path) -> str:
    """A hidden name for a temporary file beside ``path``, short enough for any file name.

    >>> temporary_prefix(Path("a/" + "n" * 250 + ".txt"))[:4], len(temporary_prefix(Path("n" * 250)))
    ('.nnn', 82)
    """
    return f".{path.name[:80]}."  # the whole name plus mkstemp's part could pass 255 bytes


def open_without_blocking(path: str, flags: int) -> int:
    """An ``open`` opener adding ``O_NONBLOCK`` (where it exists); harmless on regular files."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def write_atomically(path: Path, data: bytes, *, expect: tuple[int, ...] | None = None) -> None:
    """Replace ``path`` with ``data`` so that it is either fully old or fully new.

    Writes a temporary file in the same folder, flushes and fsyncs it, gives it the
    original's mode, owner (where allowed) and extended attributes, then renames it over
    the original and fsyncs the folder. It replaces only a regular file: never a symbolic
    link, a folder, a pipe, a device or a socket (see `replaceable_status`). With ``expect`` (a
    `file_stamp`) it refuses to replace a file that changed since it was read. SIGINT
    and SIGTERM are held back from the first byte written to the rename, so an
    interruption never leaves a temporary file behind. On any failure the original is
    untouched, the temporary file is removed, and a `DocumentError` names the file.
    """
    with held_signals():
        write_held(path, data, expect)


def write_held(path: Path, data: bytes, expect: tuple[int, ...] | None) -> None:
    """The body of `write_atomically`, run with interrupting signals held."""
    status = replaceable_status(path)
    if expect is not None and (status is None or file_stamp(status) != expect):
        raise DocumentError(f"{path}: not rewritten: it changed since it was read; run again")
    if status is not None and is_read_only(path, status):
        raise DocumentError(f"{path}: not rewritten: the file is read-only; make it writable to fix it")
    try:
        prefix = temporary_prefix(path)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=prefix, suffix=".tmp")
    except OSError as error:
        reason = error.strerror or error
        raise DocumentError(f"{path}: cannot write: {reason}; the file is unchanged") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, stat.S_IMODE(status.st_mode) if status is not None else new_file_mode())
        if status is not None:
            keep_owner(temporary, status)
            keep_extended_attributes(path, temporary)
        replaceable_status(path)  # again: a pipe or link put there meanwhile is not replaced either
        os.replace(temporary, path)
    except BaseException as error:
        Path(temporary).unlink(missing_ok=True)
        if isinstance(error, OSError):
            reason = error.strerror or error
            raise DocumentError(f"{path}: cannot write: {reason}; the file is unchanged") from None
        raise
    sync_folder(path.parent)


def replaceable_status(path: Path) -> os.stat_result | None:
    """The status of the file ``path`` before it is replaced; None if there is none.

    Only a regular file is replaced: a symbolic link (the write would not go where the
    link points), a folder, a pipe, a device or a socket raise `DocumentError`, so
    ``--stats-json /dev/null`` or a FIFO is never swapped for a regular file.
    """
    try:
        status = os.lstat(path)
    except FileNotFoundError:
        return None
    except OSError as error:
        raise DocumentError(f"{path}: cannot write: {error.strerror or error}") from None
    if stat.S_ISLNK(status.st_mode):
        raise DocumentError(f"{path}: not rewritten: it is a symbolic link")
    if not stat.S_ISREG(status.st_mode):
        raise DocumentError(f"{path}: not written: it is {kind_of(status.st_mode)}, not a regular file")
    return status


def kind_of(mode: int) -> str:
    """What a file system entry is, for messages.

    >>> kind_of(stat.S_IFIFO), kind_of(stat.S_IFDIR)
    ('a named pipe', 'a folder')
    """
    kinds = (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISFIFO, "a named pipe"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
    )
    return next((name for test, name in kinds if test(mode)), "not a regular file")


def keep_extended_attributes(path: Path, temporary: str) -> None:
    """Give the temporary file the original's extended attributes (tags, ACLs, security labels).

    A file system that supports none (or a system without them) is no error, nor an
    attribute it will not let anyone set (``ENOTSUP``); any other attribute that can be
    read but not written back raises `DocumentError`, and the original is left as it
    was rather than rewritten without it.
    """
    if not hasattr(os, "listxattr"):
        return
    try:
        names = os.listxattr(path, follow_symlinks=False)
    except OSError:
        return  # not supported here: there is nothing to keep
    for name in names:
        try:
            os.setxattr(temporary, name, os.getxattr(path, name, follow_symlinks=False))
        except OSError as error:
            if error.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
                continue
            raise DocumentError(
                f"{path}: not rewritten: cannot keep its extended attribute {name}: {error.strerror or error}"
            ) from None


def is_read_only(path: Path, status: os.stat_result) -> bool:
    """Whether the file refuses writing: no write permission for us, or no write bit at all.

    The rename would succeed anyway (it needs only the folder), and root may write
    anything, so a file whose mode grants no write to anyone is respected as read-only.
    """
    return not os.access(path, os.W_OK) or not status.st_mode & 0o222


HELD_SIGNALS = (signal.SIGINT, signal.SIGTERM)


@contextmanager
def held_signals() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back (on POSIX, in the main thread) until the block ends.

    Blocking them in this thread is not enough: the system hands a signal to any thread
    that does not block it (Arrow's thread pools, a caller's own threads), and Python
    then runs the handler in the main thread at once. So the handlers are swapped too,
    for one that only notes the signal; the noted signals are raised again at the end,
    to the handlers in place before. The block stays too: a process forked inside the
    hold starts with both signals held until it sets its own handlers.
    """
    can_hold = hasattr(signal, "pthread_sigmask") and threading.current_thread() is threading.main_thread()
    if not can_hold:
        yield
        return
    arrived: list[int] = []

    def note(signum: int, _frame: object) -> None:
        arrived.append(signum)

    # A handler set outside Python reads as None and cannot be put back: leave it alone.
    handlers = {signum: signal.getsignal(signum) for signum in HELD_SIGNALS}
    swapped = {signum: handler for signum, handler in handlers.items() if handler is not None}
    previous_mask = signal.pthread_sigmask(signal.SIG_BLOCK, HELD_SIGNALS)
    for signum in swapped:
        signal.signal(signum, note)
    try:
        yield
    finally:
        for signum, handler in swapped.items():
            signal.signal(signum, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, previous_mask)
        for number in dict.fromkeys(arrived):  # each signal once, as the system keeps one pending
            signal.raise_signal(number)


def new_file_mode() -> int:
    """The mode a new file gets under the current umask (mkstemp alone gives 0600)."""
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


def keep_owner(temporary: str, status: os.stat_result) -> None:
    """Give the temporary file the original's owner and group, where the system allows it."""
    if hasattr(os, "chown") and (status.st_uid, status.st_gid) != (os.getuid(), os.getgid()):
        with suppress(OSError):
            os.chown(temporary, status.st_uid, status.st_gid)


def sync_folder(folder: Path) -> None:
    """Make the rename durable: fsync the folder, where the system supports it."""
    with suppress(OSError, AttributeError):
        descriptor = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


def discover(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named, and files under folders named, in sorted order, each once.

    A folder named (or a link to one) is walked. Inside it, hidden files and folders (a
    leading dot) are left out, and links to folders are yielded but not followed, so a
    folder that loops through links ends; a sub-folder that cannot be listed is yielded
    too. The caller reports both (see `files.clean_file`) rather than skipping them
    silently.
    """
    seen: set[Path] = set()
    for path in paths:
        found = walk(path) if is_folder(path) else iter([path])
        for file in found:
            if file not in seen:
                seen.add(file)
                yield file


def is_folder(path: Path) -> bool:
    """Whether ``path`` is a folder (or a link to one); False when it cannot be told."""
    try:
        return path.is_dir()
    except OSError:  # the caller reports the path when it fails to read it
        return False


def walk(folder: Path) -> Iterator[Path]:
    """Files below ``folder`` in sorted order, plus folder links and folders that cannot be listed.

    Each folder's files come first, then its sub-folders, depth first, in sorted order.
    The walk keeps its own stack rather than recursing (as ``os.walk`` does in Python
    3.11), so a folder nested thousands of levels deep raises no `RecursionError`.
    """
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as scan:
                entries = list(scan)
        except OSError:
            yield current  # reported by the caller as a folder it cannot list
            continue
        names, folders = [], []
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                is_subfolder = entry.is_dir(follow_symlinks=False)
            except OSError:
                is_subfolder = False
            (folders if is_subfolder else names).append(entry.name)
        for name in sorted(names):
            yield current / name
        stack.extend(current / name for name in sorted(folders, reverse=True))
