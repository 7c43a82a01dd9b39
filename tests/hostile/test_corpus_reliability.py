"""`cleaner corpus` under stress: real signals (output absent or complete), a runaway
rule under ``--on-error skip`` and ``stop``, and the same bytes whatever the number of
workers."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from cleaner import Cleaner, load_rules
from cleaner.corpus import CorpusOptions, clean_corpus
from tests.hostile.support import STRICT_ENV, example_lines, run_cleaner
from tests.hostile.test_rules_stress import RUNAWAY

RULES = load_rules(check_examples=False)
FRAGMENTS = example_lines(RULES)
WORDS = [
    "the",
    "minister",
    "said",
    "council",
    "water",
    "market",
    "city",
    "school",
    "people",
    "year",
    "report",
    "é",
    "ñ",
    "東京",
    "مرحبا",
]


def make_text(chooser: random.Random) -> str:
    """A document mixing prose, boilerplate fragments, repeats, blank lines and random endings."""
    lines: list[str] = []
    for _ in range(chooser.randint(0, 30)):
        pick = chooser.random()
        if pick < 0.3:
            lines.append(chooser.choice(FRAGMENTS))
        elif pick < 0.4 and lines:
            lines.append(chooser.choice(lines))
        elif pick < 0.5:
            lines.append("")
        else:
            lines.append(
                " ".join(chooser.choice(WORDS) for _ in range(chooser.randint(1, 20))).capitalize() + "."
            )
    return "".join(line + chooser.choice(["\n", "\n", "\r\n", "\r"]) for line in lines)


def write_corpus(path: Path, count: int, seed: int = 7, repeat: int = 1) -> None:
    """``count`` generated records, written ``repeat`` times over (new ids): a big file, cheaply."""
    chooser = random.Random(seed)
    texts = [make_text(chooser) for _ in range(count)]
    with path.open("w", encoding="utf-8") as handle:
        for round_ in range(repeat):
            for number, text in enumerate(texts, round_ * count):
                handle.write(json.dumps({"id": number, "text": text, "extra": [number, None]}) + "\n")


def wait_for_file(folder: Path, suffix: str, process: subprocess.Popen[bytes], timeout: float) -> None:
    """Wait until ``folder`` holds a file ending in ``suffix`` (the run is under way)."""
    deadline = time.monotonic() + timeout
    while not (folder.exists() and any(name.endswith(suffix) for name in os.listdir(folder))):
        assert process.poll() is None, "the run ended before the signal could land"
        assert time.monotonic() < deadline, f"no {suffix} file appeared in {timeout} s"
        time.sleep(0.02)


def reference_output(source: Path, folder: Path) -> bytes:
    """What an uninterrupted run writes for ``source`` (one worker, in this process)."""
    target = folder / f"reference-{source.name}"
    clean_corpus([source], target, Cleaner(RULES), CorpusOptions(), workers=1)
    return target.read_bytes()


@pytest.mark.usefixtures("default_interrupt")
@pytest.mark.parametrize(
    ("signum", "whole_group"),
    [(signal.SIGINT, False), (signal.SIGTERM, False), (signal.SIGINT, True)],
    ids=["SIGINT", "SIGTERM", "ctrl-c-to-process-group"],
)
def test_interrupted_corpus_leaves_output_absent_or_complete(tmp_path, signum, whole_group):
    source = tmp_path / "in.jsonl"
    write_corpus(source, 2_000, repeat=40)  # about 60 MB
    output = tmp_path / "out"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cleaner",
            "corpus",
            str(source),
            "-o",
            str(output / "clean.jsonl"),
            "--removed-output",
            str(output / "removed.jsonl"),
            "--workers",
            "2",
        ],
        env=STRICT_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    wait_for_file(output, ".tmp", process, timeout=60)  # the first chunk is being written
    if whole_group:
        os.killpg(process.pid, signum)
    else:
        process.send_signal(signum)
    try:
        stderr = process.communicate(timeout=30)[1].decode()
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        pytest.fail("cleaner corpus did not stop within 30 s of the signal")
    assert "Traceback" not in stderr
    assert process.returncode == 128 + signum, stderr
    assert f"interrupted by {signal.Signals(signum).name}" in stderr
    left = sorted(path.name for path in output.iterdir()) if output.exists() else []
    assert not [name for name in left if name.endswith(".tmp")], f"temporary files left: {left}"
    if "clean.jsonl" in left:  # finished just before the signal: then it must be whole
        assert (output / "clean.jsonl").read_bytes() == reference_output(source, tmp_path)


@pytest.mark.usefixtures("default_interrupt")
def test_interrupted_corpus_of_several_files_finishes_each_or_leaves_it_absent(tmp_path):
    inputs = tmp_path / "in"
    inputs.mkdir()
    for number in range(6):
        write_corpus(inputs / f"part{number}.jsonl", 1_000, seed=number, repeat=8)
    output = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "corpus", str(inputs), "-o", str(output), "--workers", "1"],
        env=STRICT_ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_for_file(output, ".jsonl", process, timeout=60)  # the first output file is finished
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=30)[1].decode()
    assert process.returncode == 130 and "Traceback" not in stderr
    left = sorted(os.listdir(output))
    assert not [name for name in left if name.endswith(".tmp")], left
    assert 1 <= len(left) < 6, left
    for name in left:
        assert (output / name).read_bytes() == reference_output(inputs / name, tmp_path), (
            f"{name} is not whole"
        )


def test_a_run_started_with_ctrl_c_ignored_keeps_ignoring_it(tmp_path):
    # As under nohup, or a shell's background job: Ctrl-C is not meant for this run.
    source = tmp_path / "in.jsonl"
    write_corpus(source, 2_000, repeat=10)
    output = tmp_path / "out"
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)  # the child inherits it
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "cleaner", "corpus", str(source), "-o", str(output / "clean.jsonl")],
            env=STRICT_ENV,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
    finally:
        signal.signal(signal.SIGINT, previous)
    wait_for_file(output, ".tmp", process, timeout=60)
    process.send_signal(signal.SIGINT)
    stderr = process.communicate(timeout=60)[1].decode()
    assert process.returncode == 0, stderr
    assert (output / "clean.jsonl").read_bytes() == reference_output(source, tmp_path)


def write_runaway_corpus(tmp_path: Path) -> bytes:
    (tmp_path / "runaway.toml").write_text(RUNAWAY)
    slow = json.dumps({"id": "b", "text": "Text.\n" + "a" * 40 + "\nAdvertisement\n", "n": 1}) + "\n"
    lines = [
        json.dumps({"id": "a", "text": "Text.\nAdvertisement\n"}) + "\n",
        slow,
        json.dumps({"id": "c", "text": "More.\nAdvertisement\n"}) + "\n",
    ]
    (tmp_path / "in.jsonl").write_text("".join(lines))
    return slow.encode()


TIMEOUT_MESSAGE = (
    "in.jsonl:2: rule USR001 ran past its time limit of 0.5 s; "
    "fix its pattern or leave it out with --ignore USR001; the text was kept unchanged"
)


@pytest.mark.parametrize(("on_error", "workers"), [([], "1"), ([], "2"), (["--on-error", "skip"], "2")])
def test_runaway_rule_keeps_that_document_and_goes_on(tmp_path, on_error, workers):
    """By default, and under skip: one page must not cost the run."""
    slow = write_runaway_corpus(tmp_path)
    run = run_cleaner(
        ["corpus", "in.jsonl", "-o", "out.jsonl", "--rules", "runaway.toml", *on_error]
        + ["--stats-json", "stats.json", "--workers", workers],
        tmp_path,
        timeout=60,
    )
    assert run.code == 0, run.stderr
    assert TIMEOUT_MESSAGE in run.stderr and "1 timed out" in run.stderr
    out = (tmp_path / "out.jsonl").read_bytes().splitlines(keepends=True)
    assert out[1] == slow, "the document the rule choked on is written back byte for byte"
    assert [json.loads(line)["text"] for line in (out[0], out[2])] == ["Text.\n", "More.\n"]
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert (stats["documents"], stats["timeouts"], stats["timeout_records"]) == (3, 1, [TIMEOUT_MESSAGE])
    assert stats["timeout_rules"] == {"USR001": 1}


def test_runaway_rule_under_stop_ends_the_run_without_output(tmp_path):
    write_runaway_corpus(tmp_path)
    run = run_cleaner(
        ["corpus", "in.jsonl", "-o", "out/clean.jsonl", "--rules", "runaway.toml"]
        + ["--on-error", "stop", "--workers", "1"],
        tmp_path,
        timeout=60,
    )
    assert run.code == 2
    assert "in.jsonl:2: rule USR001 ran past its time limit of 0.5 s" in run.stderr
    assert "kept unchanged" not in run.stderr
    assert not (tmp_path / "out").exists() or os.listdir(tmp_path / "out") == []


@pytest.mark.slow
def test_a_runaway_rule_on_one_of_ten_thousand_records_costs_only_that_record(tmp_path):
    (tmp_path / "runaway.toml").write_text(RUNAWAY)
    records = [{"id": n, "text": f"Story {n} begins.\nAdvertisement\nIt ends.\n"} for n in range(10_000)]
    records[6_789]["text"] = "Story 6789 begins.\n" + "a" * 40 + "\nAdvertisement\n"
    (tmp_path / "in.jsonl").write_text("".join(json.dumps(record) + "\n" for record in records))
    run = run_cleaner(
        ["corpus", "in.jsonl", "-o", "out.jsonl", "--rules", "runaway.toml", "--stats-json", "stats.json"]
        + ["--workers", "2"],
        tmp_path,
        timeout=180,
    )
    assert run.code == 0, run.stderr
    assert "in.jsonl:6790: rule USR001 ran past its time limit" in run.stderr
    out = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert [record["id"] for record in out] == list(range(10_000))
    assert out[6_789]["text"] == records[6_789]["text"], "kept unchanged, Advertisement and all"
    cleaned = [record["text"] for n, record in enumerate(out) if n != 6_789]
    assert cleaned == [f"Story {n} begins.\nIt ends.\n" for n in range(10_000) if n != 6_789]
    stats = json.loads((tmp_path / "stats.json").read_text())
    assert (stats["documents"], stats["documents_changed"], stats["timeouts"]) == (10_000, 9_999, 1)
    assert stats["timeout_rules"] == {"USR001": 1}


def test_same_bytes_whatever_the_number_of_workers(tmp_path):
    source = tmp_path / "in.jsonl"
    write_corpus(source, 1_200, seed=11)
    cleaner = Cleaner(RULES)
    runs = {}
    for workers in (1, 2, 3):
        folder = tmp_path / f"w{workers}"
        stats = clean_corpus(
            [source],
            folder / "out.jsonl",
            cleaner,
            CorpusOptions(),
            workers=workers,
            removed_output=folder / "removed.jsonl",
            chunk_bytes=16 * 1024,
        )
        summary = stats.to_dict()
        summary.pop("seconds")
        runs[workers] = (
            (folder / "out.jsonl").read_bytes(),
            (folder / "removed.jsonl").read_bytes(),
            summary,
        )
    assert runs[1] == runs[2] == runs[3]
    originals = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines()]
    cleaned = [json.loads(line) for line in runs[1][0].decode().splitlines()]
    assert [record["text"] for record in cleaned] == [
        cleaner.clean(record["text"]).text for record in originals
    ]
    assert [(r["id"], r["extra"]) for r in cleaned] == [(r["id"], r["extra"]) for r in originals]
