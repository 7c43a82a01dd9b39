"""Reading and writing record streams: formats, laziness, clear errors, atomic writes."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from cleaner.errors import DocumentError
from cleaner.records import (
    RecordWriter,
    dump_json_line,
    gzip_member,
    parquet_schema,
    read_records,
    record_format,
    write_records,
)

RECORDS = [
    {"id": "a", "text": "First line.\nAdvertisement\n", "meta": {"n": [1, 2.5, None, True]}},
    {"id": "b", "text": "", "extra": "é ✓ \u2028"},
    {"id": "c", "text": "Line with CRLF\r\nand more\r\n"},
]


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz", ".jsonl.zst"])
def test_jsonl_round_trip_keeps_records_and_order(tmp_path: Path, suffix: str):
    path = tmp_path / f"shard{suffix}"
    assert write_records(path, RECORDS) == 3
    assert list(read_records(path)) == [(1, RECORDS[0]), (2, RECORDS[1]), (3, RECORDS[2])]


def test_parquet_round_trip_keeps_records_order_and_schema(tmp_path: Path):
    pytest.importorskip("pyarrow")
    rows = [{"id": f"r{n}", "text": f"text {n}\n", "score": n / 3} for n in range(2500)]
    path = tmp_path / "shard.parquet"
    write_records(path, rows)
    assert [record for _, record in read_records(path)] == rows
    copy = tmp_path / "copy.parquet"
    write_records(copy, (record for _, record in read_records(path)), schema=parquet_schema(path))
    assert parquet_schema(copy) == parquet_schema(path)


def test_empty_parquet_file_is_valid(tmp_path: Path):
    pytest.importorskip("pyarrow")
    path = tmp_path / "empty.parquet"
    assert write_records(path, []) == 0
    assert list(read_records(path)) == []


def test_reading_is_lazy(tmp_path: Path):
    path = tmp_path / "lazy.jsonl"
    path.write_bytes(b'{"text": "ok"}\nnot json\n')
    records = read_records(path)
    assert next(records) == (1, {"text": "ok"})  # the bad second line is not parsed yet
    with pytest.raises(DocumentError, match=r"lazy\.jsonl:2: malformed JSON"):
        next(records)


def test_malformed_line_names_file_and_line_and_can_be_skipped(tmp_path: Path):
    path = tmp_path / "bad.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b'{"text": "a"}\n\n{"text": \n[1, 2]\n{"text": "b"}\n')
    with pytest.raises(DocumentError, match=r"bad\.jsonl\.gz:3: malformed JSON"):
        list(read_records(path))
    errors: list[str] = []
    records = list(read_records(path, on_error=lambda error: errors.append(str(error))))
    assert records == [(1, {"text": "a"}), (5, {"text": "b"})]  # the blank line 2 is no record
    assert errors[0].startswith(f"{path}:3: malformed JSON")
    assert errors[1] == f"{path}:4: expected a JSON object, found list"


def test_values_orjson_would_refuse_or_change_pass_through(tmp_path: Path):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(b'{"big": 123456789012345678901234567890, "s": "\\udcff", "text": "x"}\n')
    ((_, record),) = read_records(path)
    assert record == {"big": 123456789012345678901234567890, "s": "\udcff", "text": "x"}
    copy = tmp_path / "copy.jsonl"
    write_records(copy, [record])
    assert list(read_records(copy)) == [(1, record)]


def test_gzip_output_is_deterministic(tmp_path: Path):
    write_records(tmp_path / "one.jsonl.gz", RECORDS)
    write_records(tmp_path / "two.jsonl.gz", RECORDS)
    assert (tmp_path / "one.jsonl.gz").read_bytes() == (tmp_path / "two.jsonl.gz").read_bytes()


def test_gzip_members_written_apart_read_as_one_stream(tmp_path: Path):
    with RecordWriter(tmp_path / "out.jsonl.gz") as writer:
        writer.write(RECORDS[0])
        writer.write_gzip_member(gzip_member(dump_json_line(RECORDS[1])), 1)
        writer.write_jsonl(b"".join(map(dump_json_line, RECORDS[2:])), len(RECORDS) - 2)
    assert [record for _, record in read_records(tmp_path / "out.jsonl.gz")] == RECORDS
    with RecordWriter(tmp_path / "empty.jsonl.gz"):
        pass
    assert gzip.decompress((tmp_path / "empty.jsonl.gz").read_bytes()) == b""
    with RecordWriter(tmp_path / "plain.jsonl") as writer, pytest.raises(ValueError, match="gz JSONL target"):
        writer.write_gzip_member(gzip_member(b""), 0)


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.zst", ".parquet"])
def test_interrupted_write_leaves_the_target_untouched(tmp_path: Path, suffix: str):
    if suffix == ".parquet":
        pytest.importorskip("pyarrow")
    path = tmp_path / f"out{suffix}"
    write_records(path, RECORDS[:1])
    before = path.read_bytes()
    with pytest.raises(KeyboardInterrupt), RecordWriter(path) as writer:
        for record in RECORDS:
            writer.write(record)
        raise KeyboardInterrupt
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [path.name]  # no temporary file left


def test_unknown_format_is_a_clear_error(tmp_path: Path):
    with pytest.raises(DocumentError, match=r"data\.csv: unknown record format"):
        record_format(tmp_path / "data.csv")


def test_missing_file_is_a_clear_error(tmp_path: Path):
    with pytest.raises(DocumentError, match=r"nope\.jsonl: cannot read"):
        list(read_records(tmp_path / "nope.jsonl"))


def test_corrupt_gzip_is_a_clear_error(tmp_path: Path):
    path = tmp_path / "broken.jsonl.gz"
    path.write_bytes(b"not gzip at all\n")
    with pytest.raises(DocumentError, match=r"broken\.jsonl\.gz: cannot decompress"):
        list(read_records(path))
