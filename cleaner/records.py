"""Streams of records on disk: JSONL (plain, ``.gz``, ``.zst``) and Parquet, read and written lazily.

Reading yields ``(number, record)`` pairs one at a time, where ``number`` is the 1-based
line number in a JSONL file or the 1-based row number in a Parquet file, so memory stays
bounded by one record (JSONL) or one row batch (Parquet) whatever the file's size.
Writing goes to a temporary name beside the target and is renamed over it only when
complete, so an interrupted run never leaves a file that looks finished.

>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> write_records(folder / "a.jsonl", [{"id": 1, "text": "Hi."}])
1
>>> list(read_records(folder / "a.jsonl"))
[(1, {'id': 1, 'text': 'Hi.'})]

JSON is parsed and written with ``orjson``; the few inputs it refuses or would change
(lone surrogates, integers beyond 64 bits, ``NaN``) go through the standard library so
no value is altered. Compressed JSONL needs ``zstandard`` for ``.zst``; Parquet needs
``pyarrow`` (the ``parquet`` extra).
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import importlib
import io
import json
import os
import sys
import tempfile
import zlib
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import orjson

from cleaner.about import install_hint
from cleaner.errors import DocumentError
from cleaner.io import replaceable_status, sync_folder, temporary_prefix

JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst")
PARQUET_SUFFIXES = (".parquet",)
STANDARD_STREAM = "-"  # the name of standard input or output, which carry JSONL
PARQUET_BATCH_ROWS = 1024
GZIP_LEVEL = 6
GZIP_MEMBER_BYTES = 4 * 1024 * 1024
BIG_FLOAT = float(2**63)


def record_format(path: Path | str) -> str:
    """``"jsonl"`` or ``"parquet"``, from the file name; `DocumentError` for anything else.
    ``-`` (standard input or output) is JSONL.

    >>> record_format("shard-0001.jsonl.zst"), record_format("x.parquet"), record_format("-")
    ('jsonl', 'parquet', 'jsonl')
    """
    name = str(path).lower()
    if name == STANDARD_STREAM or name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    if name.endswith(PARQUET_SUFFIXES):
        return "parquet"
    raise DocumentError(f"{path}: unknown record format; name it .jsonl, .jsonl.gz, .jsonl.zst or .parquet")


def compression(path: Path | str) -> str | None:
    """``"gzip"``, ``"zstd"`` or None, from the file name."""
    name = str(path).lower()
    if name.endswith(".gz"):
        return "gzip"
    if name.endswith(".zst"):
        return "zstd"
    return None


# --- JSON ---------------------------------------------------------------------------


def parse_json_line(line: bytes, path: Path | str, number: int) -> dict[str, Any]:
    """Parse one JSONL line into a dict; `DocumentError` naming file and line otherwise.

    A value nested too deeply for the parsers (orjson stops at 1,024 levels, the standard
    library at Python's recursion limit) is an error of its line, like malformed JSON.
    """
    try:
        value = orjson.loads(line)
        if has_big_float(value):  # orjson turns integers beyond 64 bits into floats
            value = json.loads(line)
    except orjson.JSONDecodeError as error:
        try:  # lone surrogates and NaN are refused by orjson but are valid input for us
            value = json.loads(line)
        except (ValueError, UnicodeDecodeError):
            raise DocumentError(f"{path}:{number}: malformed JSON: {error}") from None
        except RecursionError:
            raise DocumentError(f"{path}:{number}: JSON nested too deeply to read") from None
    except RecursionError:
        raise DocumentError(f"{path}:{number}: JSON nested too deeply to read") from None
    if not isinstance(value, dict):
        raise DocumentError(f"{path}:{number}: expected a JSON object, found {type(value).__name__}")
    return value


def has_big_float(value: Any) -> bool:
    """Whether a parsed value holds a float too large for a 64-bit integer (see `parse_json_line`).

    It keeps its own stack rather than recursing, so any depth orjson reads is fine.

    >>> has_big_float({"a": [1, {"b": 1e30}]}), has_big_float([[[[2.5]]]])
    (True, False)
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, float):
            if abs(item) >= BIG_FLOAT:
                return True
        elif isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def decoding_errors() -> tuple[type[BaseException], ...]:
    """The errors a damaged compressed stream raises while it is read: gzip's (``zlib.error``,
    ``EOFError`` when it is cut short, `gzip.BadGzipFile`), and zstandard's, which subclass
    neither `OSError` nor `ValueError`."""
    errors: tuple[type[BaseException], ...] = (OSError, ValueError, EOFError, zlib.error)
    zstandard = sys.modules.get("zstandard")  # imported by whoever opened a .zst stream
    return errors + ((zstandard.ZstdError,) if zstandard is not None else ())


def describe_read_error(error: BaseException) -> str:
    """What went wrong reading a (compressed) file, in a few words."""
    if isinstance(error, EOFError):
        return "cannot decompress: the stream ends early (a truncated file?)"
    if isinstance(error, OSError) and not isinstance(error, gzip.BadGzipFile):
        return f"cannot read: {error.strerror or error}"
    return f"cannot decompress: {error}"


def dump_json_line(record: dict[str, Any]) -> bytes:
    """One record as a compact JSON line ending in ``\\n``; keys keep their order.

    >>> dump_json_line({"b": 1, "a": "é"})
    b'{"b":1,"a":"\\xc3\\xa9"}\\n'
    """
    try:
        return orjson.dumps(record, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # lone surrogates, integers beyond 64 bits, nesting past 255 levels
        try:
            return (json.dumps(record, separators=(",", ":")) + "\n").encode()
        except RecursionError:
            raise DocumentError("JSON nested too deeply to write back") from None


# --- Reading --------------------------------------------------------------------------


def open_binary(path: Path | str) -> IO[bytes]:
    """Open a file for reading bytes, decompressed through gzip or zstd by its name."""
    kind = compression(path)
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == "zstd":
        zstandard = import_optional("zstandard", "zstd", path)
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(open(path, "rb")))
    return open(path, "rb")


def import_optional(module: str, extra: str, path: Path | str) -> Any:
    """Import an optional dependency, or raise a `DocumentError` saying which extra installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise DocumentError(f"{path}: needs {module}: {install_hint(extra)}") from None


def read_jsonl_lines(path: Path | str) -> Iterator[tuple[int, bytes]]:
    """Each non-blank line of a JSONL file as raw bytes, with its 1-based line number."""
    number = 0
    try:
        with open_binary(path) as handle:
            for number, line in enumerate(handle, 1):
                if line.strip():
                    yield number, line
    except decoding_errors() as error:
        where = f"{path}:{number + 1}" if number else f"{path}"
        raise DocumentError(f"{where}: {describe_read_error(error)}") from None


def read_records(
    path: Path | str, *, on_error: Callable[[DocumentError], None] | None = None
) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each record of a JSONL or Parquet file, lazily, with its line (or row) number.

    A malformed line raises `DocumentError` naming file and line; with ``on_error``, the
    error is passed to it instead and reading goes on with the next line. Blank JSONL
    lines are not records and are passed over.
    """
    if record_format(path) == "parquet":
        yield from read_parquet(path)
        return
    for number, line in read_jsonl_lines(path):
        try:
            record = parse_json_line(line, path, number)
        except DocumentError as error:
            if on_error is None:
                raise
            on_error(error)
            continue
        yield number, record


def read_parquet(path: Path | str) -> Iterator[tuple[int, dict[str, Any]]]:
    """Each row of a Parquet file as a dict, one row batch in memory at a time."""
    parquet = import_optional("pyarrow.parquet", "parquet", path)
    try:
        reader = parquet.ParquetFile(path)
        number = 0
        for batch in reader.iter_batches(batch_size=PARQUET_BATCH_ROWS):
            for record in batch.to_pylist():
                number += 1
                yield number, record
    except (OSError, ValueError) as error:  # pyarrow.ArrowException subclasses these
        raise DocumentError(f"{path}: cannot read Parquet: {error}") from None


def parquet_schema(path: Path | str) -> Any:
    """The Arrow schema of a Parquet file, to write records back with the same types."""
    parquet = import_optional("pyarrow.parquet", "parquet", path)
    try:
        return parquet.read_schema(path)
    except (OSError, ValueError) as error:
        raise DocumentError(f"{path}: cannot read Parquet: {error}") from None


# --- Writing --------------------------------------------------------------------------


class RecordWriter:
    """Write records to ``path`` through a temporary file, renamed over ``path`` on `close`.

    Use it as a context manager: leaving the block normally commits the file; an
    exception (or `abort`) removes the temporary file and leaves ``path`` as it was.
    Only a regular file is replaced (see `cleaner.io.replaceable_status`).
    For Parquet, pass the input's ``schema`` to keep its column types.
    """

    def __init__(self, path: Path | str, *, schema: Any = None) -> None:
        self.path = Path(path)
        self.format = record_format(self.path)
        self.schema = schema
        self.count = 0
        self.pending: list[dict[str, Any]] = []
        self.parquet_writer: Any = None
        replaceable_status(self.path)  # a link, folder, pipe or device is refused before any write
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            descriptor, temporary = tempfile.mkstemp(
                dir=self.path.parent, prefix=temporary_prefix(self.path), suffix=".tmp"
            )
        except OSError as error:
            raise DocumentError(f"{self.path}: cannot write: {error.strerror or error}") from None
        os.close(descriptor)
        self.temporary = Path(temporary)
        # mkstemp makes the file private; give it the mode a plain open() would.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(self.temporary, 0o666 & ~umask)
        self.handle: IO[bytes] | None = None
        self.raw: IO[bytes] | None = None
        if self.format == "jsonl":
            raw: IO[bytes] = self.guard(lambda: open(self.temporary, "wb"))  # noqa: SIM115
            self.raw = raw
            self.handle = self.guard(lambda: compress_into(self.path, raw))

    def guard(self, action: Callable[[], Any]) -> Any:
        """Run a write action; on failure remove the temporary file and raise `DocumentError`."""
        try:
            return action()
        except (OSError, ValueError, TypeError) as error:  # pyarrow's errors subclass these
            self.abort()
            message = getattr(error, "strerror", None) or error
            raise DocumentError(f"{self.path}: cannot write: {message}; nothing was written") from None

    def write(self, record: dict[str, Any]) -> None:
        """Append one record."""
        self.count += 1
        if self.handle is not None:
            data = dump_json_line(record)
            self.guard(lambda: self.handle.write(data))  # type: ignore[union-attr]
            return
        self.pending.append(record)
        if len(self.pending) >= PARQUET_BATCH_ROWS:
            self.flush_parquet()

    def write_jsonl(self, data: bytes, count: int) -> None:
        """Append ``count`` records already serialized as JSON lines (the fast path for JSONL)."""
        if self.handle is None:
            raise ValueError("write_jsonl needs a JSONL target")
        self.count += count
        self.guard(lambda: self.handle.write(data))  # type: ignore[union-attr]

    def write_gzip_member(self, member: bytes, count: int) -> None:
        """Append ``count`` records already serialized and compressed as one gzip member (`gzip_member`)."""
        if not isinstance(self.handle, GzipMembers):
            raise ValueError("write_gzip_member needs a .gz JSONL target")
        self.count += count
        self.guard(lambda: self.handle.write_member(member))

    def write_table(self, table: Any) -> None:
        """Append an Arrow table of records (the fast path for Parquet)."""
        if self.format != "parquet":
            raise ValueError("write_table needs a Parquet target")
        self.flush_parquet()
        parquet = import_optional("pyarrow.parquet", "parquet", self.path)

        def write() -> None:
            if self.parquet_writer is None:
                self.schema = self.schema if self.schema is not None else table.schema
                self.parquet_writer = parquet.ParquetWriter(self.temporary, self.schema)
            self.parquet_writer.write_table(table.cast(self.schema) if table.schema != self.schema else table)

        self.guard(write)
        self.count += table.num_rows

    def flush_parquet(self) -> None:
        """Write the pending records as one Parquet row group."""
        if not self.pending:
            return
        pyarrow = import_optional("pyarrow", "parquet", self.path)
        parquet = import_optional("pyarrow.parquet", "parquet", self.path)

        def write() -> None:
            table = pyarrow.Table.from_pylist(self.pending, schema=self.schema)
            if self.parquet_writer is None:
                self.schema = table.schema
                self.parquet_writer = parquet.ParquetWriter(self.temporary, table.schema)
            self.parquet_writer.write_table(table)

        self.guard(write)
        self.pending = []

    def close(self) -> None:
        """Finish the file and rename it over ``path``."""
        if self.format == "parquet":
            self.flush_parquet()
            if self.parquet_writer is None:  # no records: still a valid, empty file
                self.flush_empty_parquet()
            self.guard(self.parquet_writer.close)
        else:
            assert self.handle is not None and self.raw is not None
            self.guard(self.handle.close)
            self.guard(self.raw.close)
        # Flushed to disk before the rename: after a crash the file is absent or whole.
        self.guard(lambda: sync_file(self.temporary))
        try:  # again: a link or a pipe may have been put there meanwhile
            replaceable_status(self.path)
        except DocumentError:
            self.abort()
            raise
        self.guard(lambda: os.replace(self.temporary, self.path))
        sync_folder(self.path.parent)

    def flush_empty_parquet(self) -> None:
        """Create a Parquet file with no rows (with the given schema, if any)."""
        pyarrow = import_optional("pyarrow", "parquet", self.path)
        parquet = import_optional("pyarrow.parquet", "parquet", self.path)
        schema = self.schema if self.schema is not None else pyarrow.schema([])
        self.parquet_writer = self.guard(lambda: parquet.ParquetWriter(self.temporary, schema))

    def abort(self) -> None:
        """Drop everything written so far; ``path`` stays as it was."""
        for closer in (self.handle, self.raw, self.parquet_writer):
            try:
                if closer is not None:
                    closer.close()
            except (OSError, ValueError):
                pass
        self.handle = self.raw = self.parquet_writer = None
        self.temporary.unlink(missing_ok=True)

    def __enter__(self) -> RecordWriter:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if kind is None:
            self.close()
        else:
            self.abort()


class StandardOutputWriter:
    """Write JSON lines to standard output as they come (the output named ``-``).

    A stream cannot be renamed into place when it is complete: a run that fails or is
    interrupted leaves there what it wrote before, and its exit status says so. When
    the reader goes away (``| head``), the run stops with a `DocumentError`.
    """

    def __init__(self, stream: IO[bytes] | None = None) -> None:
        self.stream = stream if stream is not None else sys.stdout.buffer
        self.count = 0

    def write_jsonl(self, data: bytes, count: int) -> None:
        """Append ``count`` records already serialized as JSON lines."""
        self.count += count
        self.guard(lambda: write_all(self.stream, data))

    def close(self) -> None:
        """Flush what is written."""
        self.guard(self.stream.flush)

    def abort(self) -> None:
        """Flush what is written: it cannot be taken back."""
        with contextlib.suppress(OSError, ValueError):
            self.stream.flush()

    def guard(self, action: Callable[[], Any]) -> None:
        """Run a write action; a closed or failing stream raises `DocumentError`."""
        try:
            action()
        except BrokenPipeError:
            # Python would report the unflushed rest again at exit: send it nowhere.
            with contextlib.suppress(OSError, ValueError):
                os.dup2(os.open(os.devnull, os.O_WRONLY), self.stream.fileno())
            raise DocumentError("standard output: closed by the program reading it") from None
        except OSError as error:
            raise DocumentError(f"standard output: cannot write: {error.strerror or error}") from None


def write_all(stream: IO[bytes], data: bytes) -> None:
    """Write all of ``data``: unbuffered (``python -u``), a pipe can take part of it."""
    view = memoryview(data)
    while view:
        written = stream.write(view)
        if written is None:  # a non-blocking stream that is full
            raise BlockingIOError(errno.EAGAIN, "the stream takes no more for now (non-blocking)")
        view = view[written:]


def sync_file(path: Path) -> None:
    """fsync a closed file's data (an fsync on any descriptor of the file will do)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def compress_into(path: Path, raw: IO[bytes]) -> IO[bytes]:
    """A writer into ``raw`` that compresses as ``path``'s name says (closing it leaves ``raw`` open)."""
    kind = compression(path)
    if kind == "gzip":
        return GzipMembers(raw)  # type: ignore[return-value]
    if kind == "zstd":
        zstandard = import_optional("zstandard", "zstd", path)
        return zstandard.ZstdCompressor().stream_writer(raw, closefd=False)  # type: ignore[no-any-return]
    return raw  # closed twice on commit, which a file allows


def gzip_member(data: bytes) -> bytes:
    """``data`` compressed as one gzip member.

    mtime=0 and no file name in the header: the same records give the same bytes. Level
    6, as the gzip tool's default: on article JSONL, level 9 took 1.5 times as long for a
    file 0.5% smaller.
    """
    return gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0)


class GzipMembers:
    """A gzip file written as a series of members, each compressed on its own.

    A gzip file may hold several members one after another (RFC 1952), and gzip readers
    (the gzip tool, zcat, Python's gzip module) read them as one stream. So members
    compressed apart, in worker processes, can be written one after another
    (`write_member`); what is written with `write` is gathered into members of about
    `GZIP_MEMBER_BYTES`. A file with no data still gets one empty member: a valid gzip
    file.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.pending: list[bytes] = []
        self.pending_bytes = 0
        self.members = 0

    def write(self, data: bytes) -> int:
        """Add ``data`` to the member being gathered."""
        self.pending.append(data)
        self.pending_bytes += len(data)
        if self.pending_bytes >= GZIP_MEMBER_BYTES:
            self.end_member()
        return len(data)

    def write_member(self, member: bytes) -> None:
        """Append a member compressed elsewhere (`gzip_member`), after what was written so far."""
        self.end_member()
        self.raw.write(member)
        self.members += 1

    def end_member(self) -> None:
        """Compress and write what was gathered, as one member."""
        if self.pending:
            self.raw.write(gzip_member(b"".join(self.pending)))
            self.members += 1
            self.pending = []
            self.pending_bytes = 0

    def close(self) -> None:
        """Write the last member (leaving ``raw`` open)."""
        self.end_member()
        if not self.members:
            self.raw.write(gzip_member(b""))
            self.members += 1


def write_records(path: Path | str, records: Iterable[dict[str, Any]], *, schema: Any = None) -> int:
    """Write all ``records`` to ``path`` atomically; return how many were written."""
    with RecordWriter(path, schema=schema) as writer:
        for record in records:
            writer.write(record)
    return writer.count
