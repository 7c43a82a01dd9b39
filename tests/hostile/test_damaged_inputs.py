"""Damaged or hostile data at the edges: compressed streams, JSON nesting, Parquet bytes, rule,
configuration and baseline files nested too deeply, a site name too long for a file name.
Each is an error naming the file (and line where there is one), exit 2, never a traceback;
under ``--on-error skip`` a bad record is skipped and counted, and the run goes on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from cleaner.records import has_big_float
from tests.hostile.support import run_cleaner

RECORD = b'{"id":1,"text":"Body.\\nAdvertisement\\n"}\n'


def corpus_and_learn(tmp_path: Path, name: str) -> list[str]:
    """The stderr of ``corpus`` (one and two workers) and ``learn`` on the input ``name``, each exit 2."""
    messages = []
    for args in (
        ["corpus", name, "-o", f"out-{name}", "--workers", "1"],
        ["corpus", name, "-o", f"out-{name}", "--workers", "2"],
        ["learn", name, "-o", "learned"],
    ):
        run = run_cleaner(args, tmp_path)
        assert run.code == 2, run.stderr
        messages.append(run.stderr)
    outputs = ("out-", ".out-", "learned")
    assert not [path.name for path in tmp_path.iterdir() if path.name.startswith(outputs)]
    return messages


def test_garbage_in_a_zstd_file(tmp_path):
    (tmp_path / "in.jsonl.zst").write_bytes(b"\x28\xb5\x2f\xfd" + b"garbage" * 100)
    for message in corpus_and_learn(tmp_path, "in.jsonl.zst"):
        assert message.startswith("in.jsonl.zst") and "cannot decompress: zstd decompress error" in message


def test_flipped_bytes_in_a_gzip_file(tmp_path):
    data = bytearray(gzip.compress(RECORD * 1000))
    for position in range(30, 60):
        data[position] ^= 0xFF
    (tmp_path / "in.jsonl.gz").write_bytes(bytes(data))
    for message in corpus_and_learn(tmp_path, "in.jsonl.gz"):
        assert message.startswith("in.jsonl.gz") and "cannot decompress" in message


def test_a_truncated_gzip_file(tmp_path):
    (tmp_path / "in.jsonl.gz").write_bytes(gzip.compress(RECORD * 1000)[:-40])
    corpus, _, learn = corpus_and_learn(tmp_path, "in.jsonl.gz")
    assert "in.jsonl.gz: cannot decompress: the stream ends early (a truncated file?)" in corpus
    assert "in.jsonl.gz:" in learn and "the stream ends early" in learn


def test_a_truncated_gzip_stream_on_standard_input(tmp_path):
    run = run_cleaner(["corpus", "-", "-o", "-"], tmp_path, stdin=gzip.compress(RECORD * 1000)[:-40])
    assert run.code == 2 and "<stdin>: cannot decompress: the stream ends early" in run.stderr


def nested(depth: int) -> bytes:
    return b'{"id":1,"text":"x\\n","a":' + b"[" * depth + b"]" * depth + b"}\n"


def test_json_nested_400_levels_is_a_record_like_any_other(tmp_path):
    """orjson reads it; the check for big integers used to recurse past Python's limit."""
    (tmp_path / "in.jsonl").write_bytes(RECORD + nested(400))
    run = run_cleaner(["corpus", "in.jsonl", "-o", "out.jsonl"], tmp_path)
    assert run.code == 0, run.stderr
    assert (tmp_path / "out.jsonl").read_bytes().splitlines()[1] == nested(400).rstrip()
    deep: list = []
    for _ in range(100_000):  # deeper than any recursion could go
        deep = [deep]
    assert not has_big_float(deep)


@pytest.mark.parametrize("on_error", ["stop", "skip"])
def test_json_nested_beyond_what_parsers_read(tmp_path, on_error):
    (tmp_path / "in.jsonl").write_bytes(RECORD + nested(5000) + RECORD)
    run = run_cleaner(["corpus", "in.jsonl", "-o", "out.jsonl", "--on-error", on_error], tmp_path)
    assert "in.jsonl:2: JSON nested too deeply to read" in run.stderr
    if on_error == "stop":
        assert run.code == 2 and not (tmp_path / "out.jsonl").exists()
    else:
        assert run.code == 0, run.stderr
        assert (tmp_path / "out.jsonl").read_bytes() == b'{"id":1,"text":"Body.\\n"}\n' * 2
    run = run_cleaner(["learn", "in.jsonl", "-o", "learned"], tmp_path)
    assert run.code == 2 and "in.jsonl:2: JSON nested too deeply to read" in run.stderr


def test_a_changed_record_nested_deeper_than_the_writers_go(tmp_path):
    """orjson writes 255 levels, the standard library fewer than 1,000: the new text is
    spliced into the line instead, and the rest of it kept byte for byte."""
    nesting = b"[" * 1000 + b"]" * 1000
    deep = b'{"id":2,"text":"Body.\\nAdvertisement\\n","a":' + nesting + b"}\n"
    (tmp_path / "in.jsonl").write_bytes(RECORD + deep)
    run = run_cleaner(["corpus", "in.jsonl", "-o", "out.jsonl"], tmp_path)
    assert run.code == 0, run.stderr
    assert (tmp_path / "out.jsonl").read_bytes() == (
        b'{"id":1,"text":"Body.\\n"}\n' + b'{"id":2,"text":"Body.\\n","a":' + nesting + b"}\n"
    )


def write_parquet_with_bad_text(path: Path) -> None:
    """Two rows; the second's text holds bytes that are not UTF-8 (patched into the page)."""
    pyarrow = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    table = pyarrow.table({"id": [1, 2], "text": ["Body.\nAdvertisement\n", "QQQQQQQQ"]})
    parquet.write_table(table, path, compression="none", use_dictionary=False, write_statistics=False)
    data = path.read_bytes()
    assert data.count(b"QQQQQQQQ") == 1
    path.write_bytes(data.replace(b"QQQQQQQQ", b"\xff\xfe\xff\xfeQQQQ"))


@pytest.mark.parametrize("on_error", ["stop", "skip"])
def test_parquet_text_that_is_not_utf8(tmp_path, on_error):
    write_parquet_with_bad_text(tmp_path / "in.parquet")
    run = run_cleaner(["corpus", "in.parquet", "-o", "out.parquet", "--on-error", on_error], tmp_path)
    assert "in.parquet:2: field 'text': cannot read: 'utf-8' codec can't decode" in run.stderr
    if on_error == "stop":
        assert run.code == 2 and not (tmp_path / "out.parquet").exists()
    else:
        assert run.code == 0, run.stderr
        parquet = pytest.importorskip("pyarrow.parquet")
        assert parquet.read_table(tmp_path / "out.parquet").to_pylist() == [{"id": 1, "text": "Body.\n"}]
        assert "1 skipped" in run.stderr


DEEP_TOML = "a = " + "[" * 100_000 + "]" * 100_000 + "\n"


def test_rule_file_nested_100_000_levels(tmp_path):
    (tmp_path / "deep.toml").write_text(DEEP_TOML)
    (tmp_path / "a.txt").write_text("Text.\n")
    run = run_cleaner(["check", "--rules", "deep.toml", "a.txt"], tmp_path)
    assert run.code == 2 and "deep.toml: nested too deeply to read" in run.stderr


@pytest.mark.parametrize("name", ["pyproject.toml", "cleaner.toml"])
def test_configuration_nested_100_000_levels(tmp_path, name):
    prefix = "[tool.cleaner]\n" if name == "pyproject.toml" else ""
    (tmp_path / name).write_text(prefix + "select = " + DEEP_TOML[4:])
    (tmp_path / "a.txt").write_text("Text.\n")
    run = run_cleaner(["check", "a.txt"], tmp_path)
    assert run.code == 2 and f"{tmp_path / name}: nested too deeply to read" in run.stderr


def test_baseline_nested_100_000_levels(tmp_path):
    (tmp_path / "base.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "a.txt").write_text("Text.\n")
    run = run_cleaner(["check", "--isolated", "--baseline", "base.json", "a.txt"], tmp_path)
    assert run.code == 2 and "base.json: nested too deeply to read" in run.stderr


def test_learn_on_a_site_name_too_long_for_a_file_name(tmp_path):
    host = ("a" * 60 + ".") * 3 + "a" * 56 + ".example.com"
    assert len(host) == 251
    with (tmp_path / "in.jsonl").open("w") as handle:
        for number in range(6):
            page = {"url": f"https://{host}/p{number}", "text": f"Menu of the site\nStory {number}.\n"}
            handle.write(json.dumps(page) + "\n")
    run = run_cleaner(["learn", "in.jsonl", "-o", "learned"], tmp_path)
    assert run.code == 0, run.stderr
    (written,) = (tmp_path / "learned").iterdir()
    assert written.name.startswith("a" * 60 + ".") and len(written.name) <= 130
    assert "Menu of the site" in written.read_text()
