"""The corpus runner: records in order, fields kept, clear errors, atomic output, same result for any N."""

from __future__ import annotations

import gzip
import os
import subprocess
import sys
import zlib
from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from cleaner import Cleaner, clean_batch, corpus, load_rules
from cleaner.cli import app
from cleaner.corpus import CorpusOptions, clean_corpus
from cleaner.errors import DocumentError
from cleaner.records import parquet_schema, read_records, write_records

ARTICLE = "A real sentence about the harbour and the town council.\n\nAdvertisement\n\nMore prose here.\n"
CLEAN = "A real sentence about the harbour and the town council.\n\nMore prose here.\n"


def make_records(count: int) -> list[dict[str, object]]:
    records: list[dict[str, object]] = []
    for n in range(count):
        text = ARTICLE.replace("harbour", f"harbour {n}") if n % 3 else f"Plain text number {n}.\n"
        records.append({"id": f"doc-{n}", "text": text, "meta": {"n": n, "tags": ["x", str(n)]}})
    return records


@pytest.fixture(scope="module")
def cleaner() -> Cleaner:
    return Cleaner()


def test_records_keep_order_and_fields_and_only_the_text_changes(tmp_path: Path, cleaner: Cleaner):
    records = make_records(30)
    write_records(tmp_path / "in.jsonl", records)
    stats = clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner)
    out = [record for _, record in read_records(tmp_path / "out.jsonl")]
    assert out == [{**r, "text": cleaner.clean(str(r["text"])).text} for r in records]
    assert stats.documents == 30 and stats.changed == 20 and stats.removals["ADS001"] == 20


def test_records_are_written_back_byte_for_byte_but_the_new_text(tmp_path: Path, cleaner: Cleaner):
    line = b'{ "text" : "Nothing to strip.\\n",  "n": 1.50, "id": "\\u00e9" }\n'
    (tmp_path / "in.jsonl").write_bytes(line + b'{"id": 2, "text": "Advertisement\\nNews.\\n"}')
    clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner)
    assert (tmp_path / "out.jsonl").read_bytes() == line + b'{"id": 2, "text": "News.\\n"}\n'


def test_output_is_identical_whatever_the_number_of_workers_and_chunks(
    tmp_path: Path, cleaner: Cleaner, monkeypatch: pytest.MonkeyPatch
):
    write_records(tmp_path / "in.jsonl", make_records(400))
    outputs = []
    for workers, chunk, start in ((1, 1 << 22, ""), (1, 2000, ""), (2, 2000, "fork"), (2, 2000, "spawn")):
        if start == "fork" and sys.platform != "linux":
            continue
        monkeypatch.setattr(corpus, "worker_start_method", lambda sources, start=start: start)
        target = tmp_path / f"out-{workers}-{chunk}-{start}.jsonl"
        audit = tmp_path / f"audit-{workers}-{chunk}-{start}.jsonl"
        stats = clean_corpus(
            [tmp_path / "in.jsonl"], target, cleaner, workers=workers, chunk_bytes=chunk, removed_output=audit
        )
        outputs.append((target.read_bytes(), audit.read_bytes(), stats.to_dict()["rules"], stats.documents))
    assert all(output == outputs[0] for output in outputs[1:])


def test_one_worker_reads_each_chunk_of_a_plain_file_once(
    tmp_path: Path, cleaner: Cleaner, monkeypatch: pytest.MonkeyPatch
):
    # The planner reads every block to find whole lines; cleaning in this process, the
    # chunk keeps those bytes instead of being read again from its byte range.
    write_records(tmp_path / "in.jsonl", make_records(100))

    def read_again(path: str, start: int, end: int) -> bytes:
        raise AssertionError(f"{path}: bytes {start}-{end} read twice")

    monkeypatch.setattr(corpus, "read_range", read_again)
    clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner, chunk_bytes=2000)
    expected = [{**r, "text": cleaner.clean(str(r["text"])).text} for r in make_records(100)]
    assert [record for _, record in read_records(tmp_path / "out.jsonl")] == expected


WHICH_START = """
import sys, threading
from pathlib import Path
from cleaner.corpus import worker_start_method
print(worker_start_method([Path("in.jsonl")]), worker_start_method([Path("in.parquet")]), end=" ")
threading.Thread(target=threading.Event().wait, args=(5,), daemon=True).start()
print(worker_start_method([Path("in.jsonl")]))
"""


@pytest.mark.skipif(sys.platform != "linux", reason="workers are forked on Linux only")
def test_workers_are_forked_only_from_a_single_thread_and_without_parquet():
    # A fresh interpreter: the test process itself may run threads of other tests' libraries.
    run = subprocess.run([sys.executable, "-c", WHICH_START], capture_output=True, text=True, check=True)
    assert run.stdout.split() == ["fork", "spawn", "spawn"]


def gzip_members(data: bytes) -> list[bytes]:
    """The decompressed contents of each member of a gzip file, in order."""
    members = []
    while data:
        reader = zlib.decompressobj(wbits=31)  # one gzip member
        members.append(reader.decompress(data))
        assert reader.eof, "a member is cut short"
        data = reader.unused_data
    return members


def test_gzip_output_is_compressed_chunk_by_chunk_in_the_workers(tmp_path: Path, cleaner: Cleaner):
    # Each chunk comes back from its worker as a gzip member of its own: compression runs on
    # every core, where the parent compressing the whole output alone was the bottleneck.
    write_records(tmp_path / "in.jsonl", make_records(400))
    outputs = []
    for workers in (1, 2):
        target = tmp_path / f"out-{workers}.jsonl.gz"
        clean_corpus([tmp_path / "in.jsonl"], target, cleaner, workers=workers, chunk_bytes=2000)
        outputs.append(target.read_bytes())
    clean_corpus([tmp_path / "in.jsonl"], tmp_path / "plain.jsonl", cleaner, chunk_bytes=2000)
    members = gzip_members(outputs[0])
    assert outputs[0] == outputs[1]  # the same bytes whatever the number of workers
    assert len(members) > 10 and all(members)
    assert b"".join(members) == gzip.decompress(outputs[0]) == (tmp_path / "plain.jsonl").read_bytes()


def test_a_gzip_output_without_records_is_a_valid_empty_gzip_file(tmp_path: Path, cleaner: Cleaner):
    write_records(tmp_path / "in.jsonl", [{"text": "Advertisement\n"}])
    options = CorpusOptions(drop_empty=True)
    clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl.gz", cleaner, options, workers=2)
    assert gzip.decompress((tmp_path / "out.jsonl.gz").read_bytes()) == b""


def test_a_folder_of_shards_gives_a_folder_of_shards(tmp_path: Path, cleaner: Cleaner):
    pytest.importorskip("pyarrow")
    shards = tmp_path / "in"
    for name in ("a.jsonl.gz", "b.jsonl.zst", "sub/c.parquet", "d.jsonl"):
        write_records(shards / name, make_records(12))
    (shards / "_SUCCESS").write_text("")  # not a record file: passed over
    stats = clean_corpus([shards], tmp_path / "out", cleaner, workers=1, chunk_bytes=500)
    expected = [{**r, "text": cleaner.clean(str(r["text"])).text} for r in make_records(12)]
    for name in ("a.jsonl.gz", "b.jsonl.zst", "sub/c.parquet", "d.jsonl"):
        assert [record for _, record in read_records(tmp_path / "out" / name)] == expected, name
    assert not (tmp_path / "out" / "_SUCCESS").exists()
    assert stats.files == 4 and stats.documents == 48


def test_parquet_keeps_the_schema_and_drops_empty_texts(tmp_path: Path, cleaner: Cleaner):
    pytest.importorskip("pyarrow")

    write_records(
        tmp_path / "in.parquet", [{"id": 1, "text": "Advertisement\n"}, {"id": 2, "text": "Kept.\n"}]
    )
    options = CorpusOptions(drop_empty=True)
    stats = clean_corpus([tmp_path / "in.parquet"], tmp_path / "out.parquet", cleaner, options)
    assert [r for _, r in read_records(tmp_path / "out.parquet")] == [{"id": 2, "text": "Kept.\n"}]
    assert parquet_schema(tmp_path / "out.parquet") == parquet_schema(tmp_path / "in.parquet")
    assert stats.dropped_empty == 1 and stats.written == 1


def test_empty_texts_stay_unless_dropped(tmp_path: Path, cleaner: Cleaner):
    write_records(tmp_path / "in.jsonl", [{"text": ""}, {"text": "Advertisement\n"}, {"text": "Kept.\n"}])
    clean_corpus([tmp_path / "in.jsonl"], tmp_path / "keep.jsonl", cleaner)
    assert [r["text"] for _, r in read_records(tmp_path / "keep.jsonl")] == ["", "", "Kept.\n"]
    clean_corpus([tmp_path / "in.jsonl"], tmp_path / "drop.jsonl", cleaner, CorpusOptions(drop_empty=True))
    assert [r["text"] for _, r in read_records(tmp_path / "drop.jsonl")] == ["Kept.\n"]


BAD_LINES = (
    b'{"id": 1, "text": "ok\\n"}\n{"id": 2, "text": \n{"id": 3}\n{"id": 4, "text": 5}\n'
    b'{"id": 5, "text": "ok\\n"}\n'
)


def test_a_bad_record_stops_the_run_naming_file_and_line_and_leaves_no_output(
    tmp_path: Path, cleaner: Cleaner
):
    (tmp_path / "in.jsonl").write_bytes(BAD_LINES)
    with pytest.raises(DocumentError, match=r"in\.jsonl:2: malformed JSON"):
        clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner, chunk_bytes=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


def test_skip_leaves_bad_records_out_and_lists_them(tmp_path: Path, cleaner: Cleaner):
    (tmp_path / "in.jsonl").write_bytes(BAD_LINES)
    stats = clean_corpus(
        [tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner, CorpusOptions(on_error="skip")
    )
    assert [r["id"] for _, r in read_records(tmp_path / "out.jsonl")] == [1, 5]
    assert [problem.split(": ", 1)[0] for problem in stats.skipped] == [
        f"{tmp_path}/in.jsonl:{n}" for n in (2, 3, 4)
    ]
    assert "no field 'text'" in stats.skipped[1] and "is int, not a string" in stats.skipped[2]


def slow_rules(tmp_path: Path):
    # The lookahead is what backtracks; hyperscan (when installed) drops it and proposes the line.
    (tmp_path / "slow.toml").write_text(
        """
[[rule]]
id = "SLW001"
name = "slow.backtracking"
kind = "line"
category = "test"
reason = "A pattern that backtracks for ever on a long run of a"
pattern = '''^(a|aa)+(?!b).$'''
timeout = 0.01
examples.remove = ["aac"]
examples.keep = ["b"]
"""
    )
    return load_rules([tmp_path / "slow.toml"], check_examples=False)


def test_a_rule_timeout_keeps_the_text_unchanged_and_counts_it_unless_told_to_stop(tmp_path: Path):
    cleaner = Cleaner(slow_rules(tmp_path), profile=None)
    slow = "a" * 60 + "b\n"
    write_records(tmp_path / "in.jsonl", [{"text": "aac\n"}, {"text": slow}])
    for options in (CorpusOptions(), CorpusOptions(on_error="skip")):
        stats = clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner, options)
        assert [r["text"] for _, r in read_records(tmp_path / "out.jsonl")] == ["", slow]
        assert len(stats.timeouts) == 1 and "in.jsonl:2: rule SLW001" in stats.timeouts[0]
        assert stats.to_dict()["timeout_rules"] == {"SLW001": 1}
    with pytest.raises(DocumentError, match=r"in\.jsonl:2: rule SLW001 ran past its time limit"):
        clean_corpus(
            [tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner, CorpusOptions(on_timeout="stop")
        )


def test_audit_trail_names_each_changed_document_and_its_removals(tmp_path: Path, cleaner: Cleaner):
    write_records(tmp_path / "in.jsonl", [{"id": "a", "text": "Fine.\n"}, {"id": "b", "text": ARTICLE}])
    clean_corpus(
        [tmp_path / "in.jsonl"], tmp_path / "out.jsonl", cleaner, removed_output=tmp_path / "audit.jsonl"
    )
    audit = [orjson.loads(line) for line in (tmp_path / "audit.jsonl").read_bytes().splitlines()]
    assert audit == [
        {
            "id": "b",
            "removals": [{"rule": "ADS001", "first_line": 3, "last_line": 4, "text": "Advertisement\n\n"}],
        }
    ]


def test_refuses_to_overwrite_an_input_or_change_the_format(tmp_path: Path, cleaner: Cleaner):
    write_records(tmp_path / "in.jsonl", [{"text": "x"}])
    with pytest.raises(DocumentError, match="is an input"):
        clean_corpus([tmp_path / "in.jsonl"], tmp_path / "in.jsonl", cleaner)
    with pytest.raises(DocumentError, match="must have the format"):
        clean_corpus([tmp_path / "in.jsonl"], tmp_path / "out.parquet", cleaner)


def test_cli_corpus_writes_output_statistics_and_reports_errors(tmp_path: Path):
    with gzip.open(tmp_path / "in.jsonl.gz", "wb") as handle:
        handle.write(b"".join(orjson.dumps(r) + b"\n" for r in make_records(9)))
    runner = CliRunner()
    args = ["corpus", str(tmp_path / "in.jsonl.gz"), "-o", str(tmp_path / "out.jsonl.gz"), "--workers", "1"]
    result = runner.invoke(app, [*args, "--stats-json", str(tmp_path / "stats.json")])
    assert result.exit_code == 0, result.output
    stats = orjson.loads((tmp_path / "stats.json").read_bytes())
    assert (
        stats["documents"] == 9
        and stats["documents_changed"] == 6
        and stats["rules"]["ADS001"]["removals"] == 6
    )
    (tmp_path / "bad.jsonl").write_bytes(b"{oops\n")
    result = runner.invoke(app, ["corpus", str(tmp_path / "bad.jsonl"), "-o", str(tmp_path / "o.jsonl")])
    assert result.exit_code == 2 and "bad.jsonl:1: malformed JSON" in result.output


def test_clean_batch_cleans_a_column_and_counts_removals():
    batch = {"id": [1, 2, 3], "text": [ARTICLE, "Plain.\n", None]}
    out = clean_batch(batch)
    assert out["id"] == [1, 2, 3]
    assert out["text"] == [CLEAN, "Plain.\n", None]
    assert out["cleaner_removals"] == [1, 0, 0]
    assert out["cleaner_removed_chars"] == [len("Advertisement\n\n"), 0, 0]


def test_clean_batch_takes_an_arrow_table():
    pyarrow = pytest.importorskip("pyarrow")
    out = clean_batch(pyarrow.table({"id": [1, 2], "text": [ARTICLE, None]}))
    assert out == {
        "id": [1, 2],
        "text": [CLEAN, None],
        "cleaner_removals": [1, 0],
        "cleaner_removed_chars": [15, 0],
    }


def test_cli_engine_regex_gives_the_same_output(tmp_path: Path):
    write_records(tmp_path / "in.jsonl", make_records(30))
    runner = CliRunner()
    for name, extra in (("fast", []), ("regex", ["--engine-regex"])):
        args = ["corpus", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / f"{name}.jsonl"), "--workers", "1"]
        assert runner.invoke(app, [*args, *extra]).exit_code == 0
    assert (tmp_path / "fast.jsonl").read_bytes() == (tmp_path / "regex.jsonl").read_bytes()


def test_corpus_follows_the_configuration_file(tmp_path: Path):
    write_records(tmp_path / "in.jsonl", make_records(3))
    (tmp_path / "cleaner.toml").write_text('ignore = ["ADS"]\n')
    args = ["corpus", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "out.jsonl"), "--workers", "1"]
    assert CliRunner().invoke(app, [*args, "--config", str(tmp_path / "cleaner.toml")]).exit_code == 0
    assert [r["text"] for _, r in read_records(tmp_path / "out.jsonl")][1] == ARTICLE.replace(
        "harbour", "harbour 1"
    )
    assert CliRunner().invoke(app, [*args, "--isolated"]).exit_code == 0
    assert [r["text"] for _, r in read_records(tmp_path / "out.jsonl")][1] == CLEAN.replace(
        "harbour", "harbour 1"
    )


def run_corpus(*args: str, stdin: bytes = b"", cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    """``cleaner corpus`` in a real process, with real standard streams."""
    command = [sys.executable, "-m", "cleaner", "corpus", *args]
    return subprocess.run(command, input=stdin, capture_output=True, cwd=cwd, timeout=120, check=False)


def test_standard_input_and_output_carry_the_records_a_file_would(tmp_path: Path):
    write_records(tmp_path / "in.jsonl", make_records(300))
    data = (tmp_path / "in.jsonl").read_bytes()
    assert run_corpus("in.jsonl", "-o", "file.jsonl", "--workers", "1", cwd=tmp_path).returncode == 0
    expected = (tmp_path / "file.jsonl").read_bytes()
    for stdin in (data, gzip.compress(data)):  # compressed input is told from its first bytes
        run = run_corpus(
            "-", "-o", "-", "--workers", "2", "--removed-output", "audit.jsonl", stdin=stdin, cwd=tmp_path
        )
        assert run.returncode == 0, run.stderr
        assert run.stdout == expected  # the records only: the statistics go to standard error
        assert b"ADS001" in run.stderr
        assert (tmp_path / "audit.jsonl").read_bytes().count(b"\n") == 200
    run = run_corpus("in.jsonl", "-o", "-", "--workers", "2", cwd=tmp_path)
    assert run.returncode == 0 and run.stdout == expected


def test_a_bad_record_on_standard_input_is_named_by_its_line():
    result = CliRunner().invoke(app, ["corpus", "-", "-o", "-"], input=b'{"text": "Fine.\\n"}\n{oops\n')
    assert result.exit_code == 2
    assert "<stdin>:2: malformed JSON" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "in.jsonl", "-o", "out"], "standard input must be the only input"),
        (["folder", "-o", "-"], "standard output takes the records of one input file"),
        (["in.jsonl", "-o", "-", "--removed-output", "-"], "cannot both go to standard output"),
        (["in.parquet", "-o", "-"], "must have the format of its input"),
        (["-", "-o", "folder"], "name the output file for standard input"),
    ],
)
def test_standard_streams_are_refused_where_they_cannot_work(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "folder").mkdir()
    write_records(tmp_path / "in.jsonl", make_records(3))
    write_records(tmp_path / "folder" / "a.jsonl", make_records(3))
    (tmp_path / "in.parquet").write_bytes(b"PAR1")  # refused before it is read
    result = CliRunner().invoke(app, ["corpus", *args], input=b"")
    assert result.exit_code == 2 and message in result.output, result.output
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("unbuffered", ["", "1"], ids=["buffered", "python -u"])
def test_a_reader_that_stops_early_ends_the_run_with_a_message(tmp_path: Path, unbuffered: str):
    # Unbuffered, a write to a pipe whose reader left takes part of the data and says
    # nothing; only the next write fails, so the writer must go on until all is written.
    write_records(tmp_path / "in.jsonl", make_records(3000))  # far more than a pipe holds
    command = [sys.executable, "-m", "cleaner", "corpus", "in.jsonl", "-o", "-", "--workers", "2"]
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    env["PYTHONUNBUFFERED"] = unbuffered  # empty: not set
    with subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        assert process.stdout.read(100)  # like `| head -c 100`
        process.stdout.close()
        stderr = process.stderr.read().decode()
        assert process.wait(timeout=60) == 2
    assert "standard output: closed by the program reading it" in stderr
    assert "Traceback" not in stderr
