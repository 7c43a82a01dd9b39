"""Clean a corpus of records (JSONL or Parquet) on all cores, streaming, in order.

The work is cut into chunks: byte ranges of a plain JSONL file (which each worker reads
itself), blocks of lines of a compressed JSONL file (decompressed by the parent, sent
as raw bytes, never parsed there), or row groups of a Parquet file. Worker processes
each hold their own `Cleaner` and turn a chunk into output bytes (or an Arrow table), an
audit trail and statistics; the parent writes the results in input order, so the output
is the same whatever the number of workers, and at most two chunks per worker are in
flight, so memory stays flat whatever the corpus size.

Records keep every field and their order; only the text field changes. A record the
rules leave alone is written back byte for byte as it was read; in a record they change,
the new text is spliced into the line in place of the old (`cleaner.jsonsplice`), so
every other byte stays as it was too: numbers beyond a double (``1e400``, 20-digit
decimals), ``NaN``, duplicate keys, escapes, spacing, a byte-order mark, ``\r\n``. Each output file is
written to a temporary name and renamed when complete.

Problems with a record (malformed JSON, no text field, a text that is not a string) stop
the run with an error naming file and line, or with ``on_error="skip"`` leave the record
out and list it in the statistics. A rule that runs past its time limit on one text
leaves that text unchanged and lists it, with the rule, in the statistics, and the run
goes on (``on_timeout="keep"``, the default: one page must not cost a run of millions);
``on_timeout="stop"`` stops the run there instead.

When the rules hold template lines or rules scoped to sites, each record's site is the
host of its ``url`` field, or the value of the field ``group_by`` names
(`cleaner.templates.site_of`); otherwise no site is read.
"""

from __future__ import annotations

import contextlib
import ctypes
import gzip
import io
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, BinaryIO

import orjson

from cleaner.errors import CleanerError, DocumentError, RuleTimeout
from cleaner.io import discover, held_signals
from cleaner.jsonsplice import replace_string_field
from cleaner.model import CleanResult
from cleaner.pipeline import Cleaner, default_cleaner
from cleaner.records import (
    STANDARD_STREAM,
    RecordWriter,
    StandardOutputWriter,
    compression,
    decoding_errors,
    describe_read_error,
    dump_json_line,
    gzip_member,
    import_optional,
    parquet_schema,
    parse_json_line,
    record_format,
)
from cleaner.targets import ReadPaths, check_copy_target, check_replaceable
from cleaner.templates import site_of

CHUNK_BYTES = 2 * 1024 * 1024
STANDARD_INPUT = "<stdin>"  # how errors name the input ``-``
GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
IN_FLIGHT_PER_WORKER = 2
MANAGER_JOIN_SECONDS = 5  # the pool's thread ends once its workers are gone; never wait forever
ON_ERROR = ("stop", "skip")
ON_TIMEOUT = ("keep", "stop")
Writer = RecordWriter | StandardOutputWriter


@dataclass(frozen=True, slots=True)
class CorpusOptions:
    """How records are read, cleaned and written (everything but the rules).

    ``group_by`` names the field holding a record's site (None: the host of ``url``).
    """

    text_field: str = "text"
    id_field: str = "id"
    drop_empty: bool = False
    on_error: str = "stop"
    audit: bool = False
    on_timeout: str = "keep"
    group_by: str | None = None


@dataclass(slots=True)
class CorpusStats:
    """What a run did, added up chunk by chunk (see `to_dict` for the fields)."""

    documents: int = 0
    changed: int = 0
    written: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    dropped_empty: int = 0
    removals: Counter[str] = field(default_factory=Counter)
    characters: Counter[str] = field(default_factory=Counter)
    reasons: dict[str, str] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    timeouts: list[str] = field(default_factory=list)
    timeout_rules: Counter[str] = field(default_factory=Counter)  # documents kept, by the rule that timed out
    files: int = 0
    seconds: float = 0.0

    def add_result(self, result: CleanResult) -> None:
        """Count one cleaned text's removals."""
        self.changed += result.changed
        for removal in result.removals:
            self.removals[removal.rule_id] += 1
            self.characters[removal.rule_id] += removal.end - removal.start
            self.reasons[removal.rule_id] = removal.reason

    def merge(self, other: CorpusStats) -> None:
        """Add another chunk's statistics to these."""
        self.documents += other.documents
        self.changed += other.changed
        self.written += other.written
        self.bytes_in += other.bytes_in
        self.bytes_out += other.bytes_out
        self.dropped_empty += other.dropped_empty
        self.removals.update(other.removals)
        self.characters.update(other.characters)
        self.reasons.update(other.reasons)
        self.skipped.extend(other.skipped)
        self.timeouts.extend(other.timeouts)
        self.timeout_rules.update(other.timeout_rules)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary with a stable key order (rules sorted by id)."""
        return {
            "documents": self.documents,
            "documents_changed": self.changed,
            "documents_written": self.written,
            "dropped_empty": self.dropped_empty,
            "text_bytes_in": self.bytes_in,
            "text_bytes_out": self.bytes_out,
            "files": self.files,
            "seconds": round(self.seconds, 3),
            "rules": {
                rule_id: {
                    "removals": self.removals[rule_id],
                    "characters": self.characters[rule_id],
                    "reason": self.reasons.get(rule_id, ""),
                }
                for rule_id in sorted(self.removals)
            },
            "skipped": len(self.skipped),
            "skipped_records": self.skipped,
            "timeouts": len(self.timeouts),
            "timeout_records": self.timeouts,
            "timeout_rules": {rule_id: self.timeout_rules[rule_id] for rule_id in sorted(self.timeout_rules)},
        }


@dataclass(frozen=True, slots=True)
class Job:
    """Everything a worker needs: the rules (compiled in each process) and the options.

    ``gzip_files`` are the input files (by index) whose output is gzip: a worker
    compresses its chunks of those itself, so compression runs on every core, not in
    the parent alone.
    """

    cleaner: Cleaner
    options: CorpusOptions
    gzip_files: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class Task:
    """One chunk of one input file: a byte range, raw lines, or a Parquet row group."""

    file_index: int
    path: str
    first_number: int
    start: int = 0
    end: int = 0
    data: bytes | None = None
    row_group: int | None = None
    disk_bytes: int = 0


@dataclass(slots=True)
class ChunkResult:
    """What a worker made of one chunk, for the parent to write in order."""

    file_index: int
    stats: CorpusStats
    data: bytes = b""  # JSON lines, or one gzip member of them (``gzipped``)
    gzipped: bool = False
    table: Any = None
    audit: bytes = b""
    records: int = 0
    error: str | None = None
    disk_bytes: int = 0


# --- Cleaning records (runs in the workers) ---------------------------------------------


def utf8_size(text: str) -> int:
    """The size of ``text`` in UTF-8 bytes, without encoding it when it is ASCII."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


class RecordProblem(CleanerError):
    """One record cannot be cleaned (it is skipped under ``on_error="skip"``)."""


def check_text(record: dict[str, Any], text_field: str, where: str) -> str:
    """The record's text, or a `RecordProblem` saying why there is none."""
    try:
        text = record[text_field]
    except KeyError:
        raise RecordProblem(f"{where}: no field {text_field!r} (choose another with --text-field)") from None
    if not isinstance(text, str):
        raise RecordProblem(f"{where}: field {text_field!r} is {type(text).__name__}, not a string")
    return text


def clean_text(
    job: Job, text: str, where: str, stats: CorpusStats, site: str | None = None
) -> CleanResult | None:
    """Clean one text (of ``site``); None when a rule timed out and the text is kept unchanged
    (``on_timeout="keep"``)."""
    stats.documents += 1
    size = utf8_size(text)
    stats.bytes_in += size
    try:
        result = job.cleaner.clean(text, name=where, site=site)
    except RuleTimeout as error:
        if job.options.on_timeout == "stop":
            raise
        stats.timeouts.append(f"{error}; the text was kept unchanged")
        stats.timeout_rules[error.rule_id] += 1
        stats.bytes_out += size
        return None
    stats.add_result(result)
    stats.bytes_out += utf8_size(result.text) if result.changed else size  # most texts: no second count
    return result


def audit_line(record_id: Any, result: CleanResult) -> bytes:
    """One line of the audit trail: the document's id and what was removed from it."""
    removals = [
        {"rule": r.rule_id, "first_line": r.first_line, "last_line": r.last_line, "text": r.text}
        for r in result.removals
    ]
    return dump_json_line({"id": record_id, "removals": removals})


def clean_jsonl_lines(job: Job, path: str, lines: Sequence[bytes], first_number: int) -> ChunkResult:
    """Clean consecutive JSONL lines (without their ``\\n``) numbered from ``first_number``."""
    options = job.options
    stats = CorpusStats()
    out: list[bytes] = []
    audit: list[bytes] = []
    written = 0
    needs_site = job.cleaner.needs_site
    for offset, line in enumerate(lines):
        if not line.strip():
            continue
        where = f"{path}:{first_number + offset}"
        try:
            record = parse_json_line(line, path, first_number + offset)
            text = check_text(record, options.text_field, where)
            site = site_of(record, options.group_by) or None if needs_site else None
            result = clean_text(job, text, where, stats, site)
        except (DocumentError, RecordProblem) as problem:
            if options.on_error != "skip":
                return ChunkResult(0, stats, error=str(problem))
            stats.skipped.append(str(problem))
            continue
        except RuleTimeout as error:
            return ChunkResult(0, stats, error=str(error))
        kept = text if result is None else result.text
        if options.drop_empty and not kept.strip():
            stats.dropped_empty += 1
            continue
        written_line = line
        if result is not None and result.changed:
            # Spliced, not serialized again: the other fields keep every byte.
            spliced = replace_string_field(line, options.text_field, kept)
            if spliced is None:
                lost = f"{where}: cannot find {options.text_field!r} in the line to write the cleaned text"
                if options.on_error != "skip":
                    return ChunkResult(0, stats, error=lost)
                stats.skipped.append(lost)
                continue
            written_line = spliced
            if options.audit:
                audit.append(audit_line(record.get(options.id_field, where), result))
        out.append(written_line if written_line.endswith(b"\n") else written_line + b"\n")
        written += 1
    stats.written = written
    return ChunkResult(0, stats, b"".join(out), audit=b"".join(audit), records=written)


def clean_table(job: Job, path: str, table: Any, first_number: int) -> ChunkResult:
    """Clean the text column of an Arrow table (a Parquet row group) whose first row is ``first_number``."""
    pyarrow = import_optional("pyarrow", "parquet", path)
    options = job.options
    stats = CorpusStats()
    names = table.column_names
    if options.text_field not in names:
        problem = f"{path}: no column {options.text_field!r} (choose another with --text-field)"
        if options.on_error != "skip":
            return ChunkResult(0, stats, error=problem)
        stats.skipped.extend(f"{path}:{first_number + n}: {problem}" for n in range(table.num_rows))
        return ChunkResult(0, stats, table=table.slice(0, 0))
    texts = column_values(table.column(options.text_field))
    ids = column_values(table.column(options.id_field)) if options.id_field in names else None
    sites = row_sites(table, options.group_by) if job.cleaner.needs_site else [None] * len(texts)
    cleaned: list[Any] = []
    keep: list[bool] = []
    audit: list[bytes] = []
    for offset, text in enumerate(texts):
        where = f"{path}:{first_number + offset}"
        try:
            if isinstance(text, UnreadableValue):
                raise RecordProblem(f"{where}: field {options.text_field!r}: {text.problem}")
            if not isinstance(text, str):
                raise RecordProblem(
                    f"{where}: field {options.text_field!r} is {type(text).__name__}, not a string"
                )
            result = clean_text(job, text, where, stats, sites[offset])
        except RecordProblem as problem:
            if options.on_error != "skip":
                return ChunkResult(0, stats, error=str(problem))
            stats.skipped.append(str(problem))
            cleaned.append(None if isinstance(text, UnreadableValue) else text)
            keep.append(False)
            continue
        except RuleTimeout as error:
            return ChunkResult(0, stats, error=str(error))
        kept = text if result is None else result.text
        if result is not None and result.changed and options.audit:
            record_id = ids[offset] if ids is not None else where
            audit.append(audit_line(where if isinstance(record_id, UnreadableValue) else record_id, result))
        dropped = options.drop_empty and not kept.strip()
        stats.dropped_empty += dropped
        cleaned.append(kept)
        keep.append(not dropped)
    position = names.index(options.text_field)
    column = pyarrow.array(cleaned, type=table.schema.field(position).type)
    table = table.set_column(position, table.schema.field(position), column)
    if not all(keep):
        table = table.filter(pyarrow.array(keep))
    stats.written = table.num_rows
    return ChunkResult(0, stats, table=table, audit=b"".join(audit), records=table.num_rows)


def row_sites(table: Any, group_by: str | None) -> list[str | None]:
    """The site of each row of an Arrow table (see `site_of`; None for a row without one)."""
    field_name = "url" if group_by is None else group_by
    if group_by == "" or field_name not in table.column_names:
        return [None] * table.num_rows
    values = column_values(table.column(field_name))
    return [
        None if isinstance(value, UnreadableValue) else site_of({field_name: value}, group_by) or None
        for value in values
    ]


@dataclass(frozen=True, slots=True)
class UnreadableValue:
    """A value of a Parquet column that cannot be read (text that is not UTF-8), and why."""

    problem: str


def column_values(column: Any) -> list[Any]:
    """The values of an Arrow column as Python objects; a value that cannot be converted
    (a string column holding bytes that are not UTF-8) becomes an `UnreadableValue`."""
    try:
        return column.to_pylist()  # type: ignore[no-any-return]
    except (UnicodeDecodeError, ValueError):
        pass
    values: list[Any] = []
    for scalar in column:  # the slow way, only for a column that holds a bad value
        try:
            values.append(scalar.as_py())
        except (UnicodeDecodeError, ValueError) as error:
            values.append(UnreadableValue(f"cannot read: {error}"))
    return values


def run_task(job: Job, task: Task) -> ChunkResult:
    """Read one chunk (unless the parent sent it) and clean it."""
    if task.row_group is not None:
        parquet = import_optional("pyarrow.parquet", "parquet", task.path)
        try:
            table = parquet.ParquetFile(task.path).read_row_group(task.row_group)
        except (OSError, ValueError) as error:
            result = ChunkResult(0, CorpusStats(), error=f"{task.path}: cannot read Parquet: {error}")
        else:
            result = clean_table(job, task.path, table, task.first_number)
    else:
        data = task.data if task.data is not None else read_range(task.path, task.start, task.end)
        lines = data.split(b"\n")
        if lines and not lines[-1]:
            lines.pop()
        result = clean_jsonl_lines(job, task.path, lines, task.first_number)
        if task.file_index in job.gzip_files and result.data:
            result.data = gzip_member(result.data)
            result.gzipped = True
    result.file_index = task.file_index
    result.disk_bytes = task.disk_bytes
    return result


def read_range(path: str, start: int, end: int) -> bytes:
    """Bytes ``start:end`` of a file."""
    try:
        with open(path, "rb") as handle:
            handle.seek(start)
            return handle.read(end - start)
    except OSError as error:
        raise DocumentError(f"{path}: cannot read: {error.strerror or error}") from None


# Each worker process keeps its own Job, set once by `start_worker` (process state, not
# library state: the parent passes the rules in, and they die with the process).
WORKER_JOB: list[Job] = []


def start_worker(job: Job, parent: int) -> None:
    """Process-pool initializer: keep this process's Job, leave interruptions to the parent,
    and die with the parent (process ``parent``).

    Workers start with SIGINT and SIGTERM held (the parent holds them while it starts
    them). Ctrl-C reaches the whole process group, but only the parent acts on it: it
    terminates the workers (SIGTERM), so a worker ignores SIGINT and lets SIGTERM through.
    A forked worker inherits the parent's handlers, so SIGTERM gets its default back.
    A parent killed outright (SIGKILL) cannot stop its workers: see `die_with_parent`.
    """
    WORKER_JOB[:] = [job]
    die_with_parent(parent)
    if hasattr(signal, "pthread_sigmask"):
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT, signal.SIGTERM})


PR_SET_PDEATHSIG = 1  # from <sys/prctl.h>
PARENT_CHECK_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """End this process when process ``parent`` (which started it) ends, however it ends.

    Left alone, a worker whose parent was killed would wait forever on the pipe of tasks,
    under PID 1. On Linux the kernel sends SIGKILL when the parent dies (``prctl``'s
    parent-death signal); elsewhere a watchdog thread checks every second whether the
    parent is gone (the worker is then handed to another parent).
    """
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
        if armed:
            if os.getppid() != parent:  # the parent died before the signal was set
                os._exit(1)
            return
    threading.Thread(target=watch_parent, args=(parent,), name="watch-parent", daemon=True).start()


def watch_parent(parent: int) -> None:
    """Exit the process as soon as its parent is no longer ``parent``."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def run_worker_task(task: Task) -> ChunkResult:
    """Run one task in a worker process with its Job."""
    try:
        return run_task(WORKER_JOB[0], task)
    except DocumentError as error:
        return ChunkResult(task.file_index, CorpusStats(), error=str(error))


# --- Planning chunks (runs in the parent) -----------------------------------------------


def plan_tasks(
    files: Sequence[Path], chunk_bytes: int = CHUNK_BYTES, *, workers_read: bool = True
) -> Iterator[Task]:
    """The chunks of every input file, in order; each file gives at least one task.

    With ``workers_read``, a chunk of a plain JSONL file is a byte range that the worker
    reads itself; without (one worker, in this process), it carries the bytes the
    planner read anyway, so they are not read twice.
    """
    for index, path in enumerate(files):
        if record_format(path) == "parquet":
            yield from plan_parquet(index, path)
        else:
            yield from plan_jsonl(index, path, chunk_bytes, workers_read=workers_read)


def plan_jsonl(index: int, path: Path, chunk_bytes: int, *, workers_read: bool = True) -> Iterator[Task]:
    """Blocks of whole lines: byte ranges for plain files that the workers read, else
    bytes (compressed files, standard input (``-``), or cleaning in this process)."""
    from_stdin = str(path) == STANDARD_STREAM
    name = STANDARD_INPUT if from_stdin else str(path)
    try:
        if from_stdin:
            yield from plan_blocks(index, name, standard_input(), chunk_bytes, ranges=False, raw=None)
            return
        kind = compression(path)
        with open(path, "rb") as raw, decompress(kind, raw, path) as handle:
            ranges = kind is None and workers_read
            yield from plan_blocks(index, name, handle, chunk_bytes, ranges=ranges, raw=raw)
    except decoding_errors() as error:  # opening, or a damaged stream found at its start
        raise DocumentError(f"{name}: {describe_read_error(error)}") from None


def plan_blocks(
    index: int, name: str, handle: BinaryIO, chunk_bytes: int, *, ranges: bool, raw: BinaryIO | None
) -> Iterator[Task]:
    """One task per block of whole lines read from ``handle``: its byte range when
    ``ranges`` (a plain file, which the workers read themselves), else its bytes.
    ``raw`` is the file under ``handle``, to count the bytes read from disk; a stream
    counts the bytes of each block."""
    number = 1
    offset = 0
    disk_offset = 0
    while True:
        try:
            block = handle.read(chunk_bytes)
            if block and not block.endswith(b"\n"):
                block += handle.readline()  # finish the last line
        except decoding_errors() as error:  # a damaged compressed stream
            where = f"from line {number} on" if number > 1 else "from its start"
            raise DocumentError(f"{name}: {describe_read_error(error)} ({where})") from None
        if not block and number > 1:
            return
        end = offset + len(block)
        if raw is None:
            disk_bytes = len(block)
        else:
            disk_bytes = raw.tell() - disk_offset
            disk_offset += disk_bytes
        yield Task(index, name, number, offset, end, None if ranges else block, None, disk_bytes)
        if not block:
            return
        number += block.count(b"\n")
        offset = end


def standard_input() -> BinaryIO:
    """Standard input, decompressed when it starts like a gzip or zstd stream."""
    stream = sys.stdin.buffer
    if not isinstance(stream, io.BufferedReader):  # a stand-in (as in tests) may not peek
        stream = io.BufferedReader(stream)
    head = stream.peek(4)[:4]
    if head.startswith(GZIP_MAGIC):
        return decompress("gzip", stream, STANDARD_INPUT)
    if head.startswith(ZSTD_MAGIC):
        return decompress("zstd", stream, STANDARD_INPUT)
    return stream


def decompress(kind: str | None, raw: BinaryIO, name: Path | str) -> BinaryIO:
    """A reader of ``raw`` decompressed by ``kind`` (closing it leaves ``raw`` to its owner)."""
    if kind == "gzip":
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "zstd":
        zstandard = import_optional("zstandard", "zstd", name)
        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, closefd=False))
    return contextlib.nullcontext(raw)  # type: ignore[return-value]


def plan_parquet(index: int, path: Path) -> Iterator[Task]:
    """One task per row group."""
    parquet = import_optional("pyarrow.parquet", "parquet", path)
    try:
        metadata = parquet.ParquetFile(path).metadata
    except (OSError, ValueError) as error:
        raise DocumentError(f"{path}: cannot read Parquet: {error}") from None
    number = 1
    size = path.stat().st_size
    for group in range(metadata.num_row_groups):
        rows = metadata.row_group(group).num_rows
        share = size * rows // max(metadata.num_rows, 1)
        yield Task(index, str(path), number, row_group=group, disk_bytes=share)
        number += rows
    if metadata.num_row_groups == 0:
        yield Task(index, str(path), 1, data=b"", disk_bytes=size)


def plan_outputs(inputs: Sequence[Path], output: Path) -> list[tuple[Path, Path]]:
    """Pair each input file with its output file.

    One input file gives the output file named (or a file of the same name inside it, if
    it is an existing folder); folders and several inputs give a folder of files with
    the same relative names. Files inside folders that are not JSONL or Parquet are
    passed over; a file named directly must be one. ``-`` names standard input (the only
    input, then) or standard output (for one input, JSONL).
    """
    streams = [path for path in inputs if str(path) == STANDARD_STREAM]
    if streams and len(inputs) > 1:
        raise DocumentError("-: standard input must be the only input")
    for path in inputs:
        if not streams and not path.exists():
            raise DocumentError(f"{path}: no such file or folder")
    to_stdout = str(output) == STANDARD_STREAM
    if len(inputs) == 1 and (streams or not inputs[0].is_dir()):
        record_format(inputs[0])
        if not to_stdout and output.is_dir():
            if streams:
                raise DocumentError(f"{output}: is a folder; name the output file for standard input")
            output = output / inputs[0].name
        pairs = [(inputs[0], output)]
    elif to_stdout:
        raise DocumentError(
            "-: standard output takes the records of one input file, not of a folder or several"
        )
    else:
        pairs = []
        for root in inputs:
            for path in discover([root]):
                if root.is_dir():
                    try:
                        record_format(path)
                    except DocumentError:
                        continue
                relative = path.relative_to(root) if root.is_dir() else Path(path.name)
                pairs.append((path, output / relative))
    check_pairs(pairs)
    return pairs


def check_audit_target(output: Path, removed_output: Path | None) -> None:
    """Refuse to send the audit trail where the records go: standard output."""
    if str(output) == STANDARD_STREAM and str(removed_output) == STANDARD_STREAM:
        raise DocumentError("-: the records and the audit trail cannot both go to standard output")


def check_outputs(
    inputs: Sequence[Path],
    pairs: Sequence[tuple[Path, Path]],
    output: Path,
    removed_output: Path | None,
    also_written: Sequence[tuple[str, Path]] = (),
) -> None:
    """Refuse, before anything is written, any output that is an input, lies inside a
    folder being read, resolves through a link to either, or is named twice, and any
    output file that exists but is not a regular file (see `cleaner.targets`).
    ``also_written`` are other files the caller writes, as ``(option, path)``: the
    statistics of ``--stats-json``."""
    reads = ReadPaths([*inputs, *(source for source, _ in pairs)])
    targets = [target for _, target in pairs]
    files = [("-o", target) for target in targets]
    if removed_output is not None:
        files.append(("--removed-output", removed_output))
    files += also_written
    reads.check([("-o", output), *files] if output not in targets else files)
    check_replaceable(files)
    if output not in targets:  # a folder of outputs: none is written through a link in it
        for target in targets:
            check_copy_target(output, target)


def check_pairs(pairs: list[tuple[Path, Path]]) -> None:
    """Refuse pairs that would collide or change the format (`check_outputs` does the rest)."""
    seen: dict[Path, Path] = {}
    for source, target in pairs:
        if target in seen:
            raise DocumentError(f"{target}: both {seen[target]} and {source} would be written there")
        seen[target] = source
        if record_format(source) != record_format(target):
            raise DocumentError(
                f"{target}: must have the format of its input {source} ({record_format(source)})"
            )


# --- Running (the parent) ---------------------------------------------------------------


def default_workers() -> int:
    """All the cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_start_method(sources: Sequence[Path]) -> str:
    """How worker processes start: "fork" where that is safe, else "spawn".

    A forked worker starts at once, with the parent's rules already compiled; a spawned
    one imports cleaner and compiles them again before it helps (2 workers gave their
    first chunk 0.22 s after they were asked when spawned, 0.10 s when forked).
    Forking copies only the calling thread, so a lock another thread held would stay
    held in the child: it is safe on Linux when this process runs a single thread
    (counted by the system, so threads of C libraries count too) and reads no Parquet,
    whose Arrow library starts thread pools of its own. Elsewhere (macOS, where system
    libraries do not survive a fork, and Windows) workers are spawned.
    """
    if sys.platform != "linux" or any(record_format(source) == "parquet" for source in sources):
        return "spawn"
    try:
        threads = len(os.listdir("/proc/self/task"))
    except OSError:
        return "spawn"
    return "fork" if threads == 1 else "spawn"


def run_tasks(
    job: Job, tasks: Iterator[Task], workers: int, start_method: str = "spawn"
) -> Iterator[ChunkResult]:
    """Results in task order: in this process for one worker, else in a process pool
    whose workers start by ``start_method`` (see `worker_start_method`)."""
    if workers <= 1:
        for task in tasks:
            yield run_task(job, task)
        return
    context = multiprocessing.get_context(start_method)
    with held_signals():  # an interruption inside multiprocessing's set-up leaves debris and noise
        pool = ProcessPoolExecutor(
            workers, mp_context=context, initializer=start_worker, initargs=(job, os.getpid())
        )
    pending: deque[tuple[Task, Future[ChunkResult]]] = deque()
    started: dict[int, Any] = {}  # the worker processes by pid, to tell how one ended
    try:
        for task in tasks:
            # submit() may start a worker; a signal in mid-start would leave it half-born,
            # printing a traceback, so signals wait until it is up.
            with held_signals():
                try:
                    pending.append((task, pool.submit(run_worker_task, task)))
                except BrokenProcessPool:  # a worker died: the chunk it held is among those pending
                    raise worker_died(pool, started, pending[0][0] if pending else task) from None
            started.update(getattr(pool, "_processes", None) or {})
            if len(pending) >= workers * IN_FLIGHT_PER_WORKER:
                yield chunk_result(pool, started, *pending.popleft())
        while pending:
            yield chunk_result(pool, started, *pending.popleft())
    except BaseException:
        # Interrupted (or the run failed): the chunks still in the workers would be thrown
        # away, so stop the workers now instead of waiting up to two chunks each.
        stop_workers(pool)
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def chunk_result(
    pool: ProcessPoolExecutor, started: dict[int, Any], task: Task, future: Future[ChunkResult]
) -> ChunkResult:
    """The result of a chunk sent to the pool; `DocumentError` naming the chunk if a worker
    died (``started``: the pool's worker processes)."""
    try:
        return future.result()
    except BrokenProcessPool:
        raise worker_died(pool, started, task) from None


def worker_died(pool: ProcessPoolExecutor, started: dict[int, Any], task: Task) -> DocumentError:
    """The error for a pool whose worker died, naming the first chunk that was not done."""
    # The pool's own thread ends the other workers and waits for each. Waiting here at the
    # same time races it for a process's exit status: the loser reads none, and the worker
    # that was killed would go unnamed. So let that thread finish first.
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        manager.join(timeout=MANAGER_JOIN_SECONDS)
    for process in started.values():
        process.join(timeout=1)  # in case that thread did not end in time
    codes = [process.exitcode for process in started.values() if process.exitcode not in (None, 0)]
    killed = [code for code in codes if code != -signal.SIGTERM] or codes  # the pool ends the others
    how = describe_exit(killed[0]) if killed else "it ended abruptly"
    return DocumentError(
        f"{task.path}: a worker process died while cleaning the records from "
        f"{'row' if task.row_group is not None else 'line'} {task.first_number} on ({how}); "
        "nothing more was written. A record too big for memory? Try fewer --workers"
    )


def describe_exit(code: int) -> str:
    """How a process ended, from its exit code (negative: the signal that killed it).

    >>> describe_exit(-9), describe_exit(3)
    ('killed by SIGKILL, as the out-of-memory killer does', 'it exited with status 3')
    """
    if code >= 0:
        return f"it exited with status {code}"
    try:
        name = signal.Signals(-code).name
    except ValueError:
        name = f"signal {-code}"
    return f"killed by {name}" + (", as the out-of-memory killer does" if -code == signal.SIGKILL else "")


def stop_workers(pool: ProcessPoolExecutor) -> None:
    """Cancel what has not started and terminate the worker processes."""
    terminate = getattr(pool, "terminate_workers", None)  # Python 3.14+
    if terminate is not None:
        terminate()
        return
    # shutdown() forgets the processes and the pool's thread. The thread must be joined:
    # left running, it may close its wake-up pipe while Python's exit hook writes to
    # it, which prints a traceback.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    if manager is not None:
        manager.join(timeout=MANAGER_JOIN_SECONDS)


def check_options(options: CorpusOptions) -> None:
    """Refuse an ``on_error`` or ``on_timeout`` the runner does not know (a ValueError: a caller's bug)."""
    if options.on_error not in ON_ERROR:
        raise ValueError(f"on_error must be one of {ON_ERROR}")
    if options.on_timeout not in ON_TIMEOUT:
        raise ValueError(f"on_timeout must be one of {ON_TIMEOUT}")


def clean_corpus(
    inputs: Sequence[Path],
    output: Path,
    cleaner: Cleaner,
    options: CorpusOptions = CorpusOptions(),
    *,
    workers: int = 1,
    removed_output: Path | None = None,
    progress: Callable[[CorpusStats, int, int], None] | None = None,
    chunk_bytes: int = CHUNK_BYTES,
    also_written: Sequence[tuple[str, Path]] = (),
) -> CorpusStats:
    """Clean every record of ``inputs`` into ``output``; return the statistics.

    Raises `DocumentError` (bad input, a bad record under ``on_error="stop"``, or a rule
    timeout under ``on_timeout="stop"``); then no output file of the failed input looks finished.
    Before anything is written, every output (with ``also_written``, files the caller
    will write as ``(option, path)``) is checked against the inputs (`check_outputs`).
    ``progress`` is called after each chunk with the running statistics, how many bytes
    of the input files (as stored on disk) are done, and how many there are in all.
    """
    check_options(options)
    started = time.perf_counter()
    if options.audit is False and removed_output is not None:
        options = replace(options, audit=True)
    pairs = plan_outputs(inputs, output)
    check_audit_target(output, removed_output)
    check_outputs(inputs, pairs, output, removed_output, also_written)
    gzip_files = frozenset(index for index, (_, target) in enumerate(pairs) if compression(target) == "gzip")
    job = Job(cleaner, options, gzip_files)
    stats = CorpusStats(files=len(pairs))
    sources = [source for source, _ in pairs]
    all_bytes = sum(source.stat().st_size for source in sources if str(source) != STANDARD_STREAM)
    start_method = worker_start_method(sources)
    writer: Writer | None = None
    current = -1
    done_bytes = 0
    audit = open_writer(removed_output) if removed_output is not None else None
    try:  # from here on, an interruption removes the temporary files
        tasks = plan_tasks(sources, chunk_bytes, workers_read=workers > 1)
        for result in run_tasks(job, tasks, workers, start_method):
            if result.error is not None:
                raise DocumentError(result.error)
            while current < result.file_index:  # the next file: finish this one, start that one
                current += 1
                writer = next_writer(writer, pairs[current])
            assert writer is not None
            write_chunk(writer, result)
            if audit is not None and result.audit:
                audit.write_jsonl(result.audit, result.audit.count(b"\n"))
            stats.merge(result.stats)
            done_bytes += result.disk_bytes
            if progress is not None:
                progress(stats, done_bytes, all_bytes)
        if writer is not None:
            writer.close()
            writer = None
        if audit is not None:
            audit.close()
            audit = None
    finally:
        for unfinished in (writer, audit):
            if unfinished is not None:
                unfinished.abort()
    stats.seconds = time.perf_counter() - started
    return stats


def next_writer(writer: Writer | None, pair: tuple[Path, Path]) -> Writer:
    """Commit the finished output file (if any) and open the next one."""
    if writer is not None:
        writer.close()
    source, target = pair
    return open_writer(target, parquet_schema(source) if record_format(source) == "parquet" else None)


def open_writer(target: Path, schema: Any = None) -> Writer:
    """A writer of records to ``target``: a file, or standard output for ``-``."""
    return StandardOutputWriter() if str(target) == STANDARD_STREAM else RecordWriter(target, schema=schema)


def write_chunk(writer: Writer, result: ChunkResult) -> None:
    """Append one chunk's records to the output file."""
    if isinstance(writer, StandardOutputWriter):  # JSONL only (see `plan_outputs`)
        writer.write_jsonl(result.data, result.records)
    elif result.table is not None:
        writer.write_table(result.table)
    elif result.gzipped:
        writer.write_gzip_member(result.data, result.records)
    elif result.data:
        writer.write_jsonl(result.data, result.records)


# --- For other engines ------------------------------------------------------------------


def clean_batch(
    batch: dict[str, list[Any]],
    *,
    text_field: str = "text",
    profile: str = "article",
    cleaner: Cleaner | None = None,
) -> dict[str, list[Any]]:
    """Clean a batch of records given as columns, for ``datasets.map`` and Ray's ``map_batches``.

    Returns the same columns with ``text_field`` cleaned, plus ``cleaner_removals`` (how
    many stretches were removed from each text) and ``cleaner_removed_chars``. A value that is not a
    string (None, say) is left as it is with zero removals. ``cleaner`` overrides
    ``profile`` with rules of your own. Besides a dict of lists (or of NumPy arrays, or a
    pandas DataFrame), an Arrow table is taken (Ray's ``batch_format="pyarrow"``); the
    columns then come back as lists.

    >>> out = clean_batch({"id": [1, 2], "text": ["Advertisement\\nNews.\\n", "News."]})
    >>> out["text"], out["cleaner_removals"], out["cleaner_removed_chars"]
    (['News.\\n', 'News.'], [1, 0], [14, 0])
    """
    cleaner = cleaner if cleaner is not None else default_cleaner(profile)
    if hasattr(batch, "column_names") and hasattr(batch, "to_pydict"):  # an Arrow table or record batch
        batch = batch.to_pydict()
    if text_field not in batch:
        raise DocumentError(f"batch: no column {text_field!r}; columns are {', '.join(map(str, batch))}")
    texts: list[Any] = []
    counts: list[int] = []
    chars: list[int] = []
    for text in batch[text_field]:
        if not isinstance(text, str):
            texts.append(text)
            counts.append(0)
            chars.append(0)
            continue
        result = cleaner.clean(text)
        texts.append(result.text)
        counts.append(len(result.removals))
        chars.append(result.removed_chars())
    return {**batch, text_field: texts, "cleaner_removals": counts, "cleaner_removed_chars": chars}


def dumps_stats(stats: CorpusStats) -> bytes:
    """The statistics as indented JSON, for ``--stats-json``."""
    return orjson.dumps(stats.to_dict(), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
