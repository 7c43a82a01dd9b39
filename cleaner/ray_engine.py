"""Run the corpus cleaner on a Ray cluster: Ray Data reads, ``map_batches`` cleans, we write.

Needs the ``ray`` extra (``pip install 'boilerplate-cleaner[ray]'``). JSONL files are read
as bytes with ``ray.data.read_binary_files`` and cut into lines at ``\\n`` only
(`split_lines`), so each line reaches the cleaner with its exact bytes and its line number;
Parquet is read with ``ray.data.read_parquet``. Each batch is cleaned on the cluster by
the same functions the local engine uses (`clean_jsonl_lines` and `clean_table`), so
records come out byte for byte the same (``\\r\\n``, a BOM, and the other fields of a
changed record included); the driver streams the results, in input order, into the same
output files as the local engine (temporary names, renamed when complete), with the same
audit trail and statistics.

One difference from the local engine: a problem in a Parquet row is reported as
``file:?`` with the row's position in its batch (Ray Data does not keep row numbers).
Ray's text reader is not used: it decodes each file and splits it with
``str.splitlines``, which also cuts at U+2028, U+0085 and other separators that JSON
allows unescaped inside strings, and drops the ``\\r`` of ``\\r\\n``.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cleaner.corpus import (
    ChunkResult,
    CorpusOptions,
    CorpusStats,
    Job,
    check_outputs,
    clean_jsonl_lines,
    clean_table,
    plan_outputs,
)
from cleaner.errors import DocumentError
from cleaner.pipeline import Cleaner
from cleaner.records import (
    STANDARD_STREAM,
    RecordWriter,
    compression,
    gzip_member,
    import_optional,
    parquet_schema,
    record_format,
)

BATCH_ROWS = 1024
STATS_COLUMN = "__cleaner_stats"
AUDIT_COLUMN = "__cleaner_audit"
PATH_COLUMN = "path"
NUMBER_COLUMN = "number"
LINE_COLUMN = "line"
KEEP_COLUMN = "__cleaner_keep"


def start_ray(address: str | None) -> Any:
    """Connect to the cluster at ``address``, or start a local Ray; quiet its logging."""
    ray = import_optional("ray", "ray", "--engine ray")
    if not ray.is_initialized():
        ray.init(address=address, include_dashboard=False, logging_level=logging.WARNING, log_to_driver=False)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True  # records keep their order
    context.enable_progress_bars = False
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    return ray


def split_lines(row: dict[str, Any]) -> list[dict[str, Any]]:
    """The ``flat_map`` function for a JSONL file read whole: one row per line, with its
    path, 1-based number and exact bytes (without the ``\\n``)."""
    lines = bytes(row["bytes"]).split(b"\n")
    if lines and not lines[-1]:
        lines.pop()
    path = str(row[PATH_COLUMN])
    return [
        {PATH_COLUMN: path, NUMBER_COLUMN: number, LINE_COLUMN: line} for number, line in enumerate(lines, 1)
    ]


def jsonl_batch_cleaner(
    job: Job, gzip_sources: frozenset[str]
) -> Callable[[dict[str, Any]], dict[str, list[Any]]]:
    """The ``map_batches`` function for JSONL lines (`split_lines`): one output row per run
    of consecutive lines of one file in the batch.

    Records of the files in ``gzip_sources`` (whose output is gzip) come out compressed,
    as one gzip member: the cluster compresses them, not the driver alone.
    """

    def clean_lines(batch: dict[str, Any]) -> dict[str, list[Any]]:
        paths = [str(path) for path in batch[PATH_COLUMN]]
        numbers = [int(number) for number in batch[NUMBER_COLUMN]]
        lines = [bytes(line) for line in batch[LINE_COLUMN]]
        out: dict[str, list[Any]] = {
            "path": [],
            "data": [],
            "records": [],
            AUDIT_COLUMN: [],
            STATS_COLUMN: [],
        }
        start = 0
        while start < len(lines):  # a batch may straddle two files
            end = start + 1
            while end < len(lines) and paths[end] == paths[start] and numbers[end] == numbers[end - 1] + 1:
                end += 1
            result = clean_jsonl_lines(job, paths[start], lines[start:end], numbers[start])
            out["path"].append(paths[start])
            if paths[start] in gzip_sources and result.data:
                result.data = gzip_member(result.data)
            out["data"].append(result.data)
            out["records"].append(result.records)
            out[AUDIT_COLUMN].append(result.audit)
            out[STATS_COLUMN].append(pickle.dumps((result.stats, result.error)))
            start = end
        return out

    return clean_lines


def table_batch_cleaner(job: Job) -> Callable[[Any], Any]:
    """The ``map_batches`` function for Parquet rows: the cleaned rows, with the statistics
    of each run of rows from one file on its first row (a dummy row, not kept, when every
    row of the run was dropped)."""

    def clean_rows(table: Any) -> Any:
        pyarrow = import_optional("pyarrow", "parquet", "--engine ray")
        paths = table.column(PATH_COLUMN).to_pylist()
        pieces = []
        start = 0
        while start < len(paths):
            end = start
            while end < len(paths) and paths[end] == paths[start]:
                end += 1
            run = table.slice(start, end - start)
            result: ChunkResult = clean_table(job, f"{paths[start]}:?", run.drop_columns([PATH_COLUMN]), 1)
            pieces.append(mark_run(pyarrow, run, result, paths[start]))
            start = end
        return pyarrow.concat_tables(pieces) if pieces else table

    return clean_rows


def mark_run(pyarrow: Any, run: Any, result: ChunkResult, path: str) -> Any:
    """The cleaned rows of one run with the path, statistics, audit and keep columns added."""
    blob = pickle.dumps((result.stats, result.error))
    cleaned = result.table
    keep = True
    if cleaned is None or cleaned.num_rows == 0:
        data = run.drop_columns([PATH_COLUMN])
        cleaned = pyarrow.table([pyarrow.nulls(1, field.type) for field in data.schema], schema=data.schema)
        keep = False
    rows = cleaned.num_rows
    columns = {
        PATH_COLUMN: pyarrow.array([path] * rows, pyarrow.string()),
        STATS_COLUMN: pyarrow.array([blob] + [None] * (rows - 1), pyarrow.binary()),
        AUDIT_COLUMN: pyarrow.array([result.audit] + [None] * (rows - 1), pyarrow.binary()),
        KEEP_COLUMN: pyarrow.array([keep] * rows, pyarrow.bool_()),
    }
    for name, values in columns.items():
        cleaned = cleaned.append_column(name, values)
    return cleaned


def clean_corpus_ray(
    inputs: Sequence[Path],
    output: Path,
    cleaner: Cleaner,
    options: CorpusOptions | None = None,
    *,
    address: str | None = None,
    removed_output: Path | None = None,
    also_written: Sequence[tuple[str, Path]] = (),
) -> CorpusStats:
    """Clean every record of ``inputs`` into ``output`` on Ray; see the module's docstring.

    Outputs are checked against the inputs first, as by `cleaner.corpus.clean_corpus`."""
    options = options if options is not None else CorpusOptions()
    if STANDARD_STREAM in {str(path) for path in [*inputs, output]}:
        raise DocumentError(
            "--engine ray reads and writes files: name them instead of - (standard input or output)"
        )
    pairs = plan_outputs(inputs, output)
    check_outputs(inputs, pairs, output, removed_output, also_written)
    formats = {record_format(source) for source, _ in pairs}
    if len(formats) > 1:
        raise DocumentError("--engine ray: give inputs of one format (all JSONL or all Parquet)")
    if removed_output is not None:
        options = replace(options, audit=True)
    ray = start_ray(address)
    job = Job(cleaner, options)
    sources = [str(source.resolve()) for source, _ in pairs]
    targets = {str(source.resolve()): target for source, target in pairs}
    if formats == {"parquet"}:
        dataset = ray.data.read_parquet(sources, include_paths=True).map_batches(
            table_batch_cleaner(job), batch_format="pyarrow", batch_size=BATCH_ROWS
        )
    else:
        gzip_sources = frozenset(
            str(source.resolve()) for source, target in pairs if compression(target) == "gzip"
        )
        dataset = (
            ray.data.read_binary_files(sources, include_paths=True)
            .flat_map(split_lines)
            .map_batches(jsonl_batch_cleaner(job, gzip_sources), batch_format="numpy", batch_size=BATCH_ROWS)
        )
    return write_results(dataset, pairs, targets, removed_output, parquet=formats == {"parquet"})


def write_results(
    dataset: Any,
    pairs: list[tuple[Path, Path]],
    targets: dict[str, Path],
    removed_output: Path | None,
    *,
    parquet: bool,
) -> CorpusStats:
    """Stream the cleaned batches, in order, into the output files, the audit trail and the statistics."""
    stats = CorpusStats(files=len(pairs))
    writers: dict[str, RecordWriter] = {}
    audit = RecordWriter(removed_output) if removed_output is not None else None
    try:
        for batch in dataset.iter_batches(batch_format="pyarrow" if parquet else "numpy", batch_size=None):
            merge_batch(batch, stats, writers, targets, audit, parquet=parquet)
        for source, target in pairs:  # inputs with no records still get their (empty) output
            key = str(source.resolve())
            if key not in writers:
                writers[key] = RecordWriter(target, schema=parquet_schema(source) if parquet else None)
        for writer in writers.values():
            writer.close()
        if audit is not None:
            audit.close()
    except BaseException:
        for unfinished in [*writers.values(), audit]:
            if unfinished is not None:
                unfinished.abort()
        raise
    return stats


def merge_batch(
    batch: Any,
    stats: CorpusStats,
    writers: dict[str, RecordWriter],
    targets: dict[str, Path],
    audit: RecordWriter | None,
    *,
    parquet: bool,
) -> None:
    """Add one batch of results: raise its error, write its records, count its statistics."""
    if parquet:
        entries = parquet_entries(batch)
    else:
        entries = [
            (str(path), data, [blob], [audit_data] if audit_data else [])
            for path, data, blob, audit_data in zip(
                batch["path"], batch["data"], batch[STATS_COLUMN], batch[AUDIT_COLUMN], strict=True
            )
        ]
    for path, records, blobs, audits in entries:
        written = 0
        for blob in blobs:
            chunk_stats, error = pickle.loads(blob)
            if error is not None:
                raise DocumentError(error)
            stats.merge(chunk_stats)
            written += chunk_stats.written
        if path is None:
            continue
        writer = writers.get(path)
        if writer is None:
            source = Path(path)
            writer = writers[path] = RecordWriter(
                targets[path], schema=parquet_schema(source) if parquet else None
            )
        if parquet and records is not None and records.num_rows:
            writer.write_table(records)
        elif not parquet and records and compression(targets[path]) == "gzip":
            writer.write_gzip_member(bytes(records), written)  # compressed on the cluster
        elif not parquet and records:
            data = bytes(records)
            writer.write_jsonl(data, data.count(b"\n"))
        if audit is not None:
            for audit_data in audits:
                audit.write_jsonl(bytes(audit_data), bytes(audit_data).count(b"\n"))


def parquet_entries(batch: Any) -> list[tuple[str, Any, list[bytes], list[bytes]]]:
    """Split a batch of cleaned Parquet rows into runs of one file: records, statistics, audit."""
    entries = []
    paths = batch.column(PATH_COLUMN).to_pylist()
    start = 0
    while start < len(paths):
        end = start
        while end < len(paths) and paths[end] == paths[start]:
            end += 1
        run = batch.slice(start, end - start)
        blobs = [blob for blob in run.column(STATS_COLUMN).to_pylist() if blob is not None]
        audits = [blob for blob in run.column(AUDIT_COLUMN).to_pylist() if blob]
        records = run.filter(run.column(KEEP_COLUMN))
        records = records.drop_columns([PATH_COLUMN, STATS_COLUMN, AUDIT_COLUMN, KEEP_COLUMN])
        entries.append((paths[start], records, blobs, audits))
        start = end
    return entries
