"""Outputs that land on inputs: every command refuses, with exit 2 naming both paths,
before it writes anything.

No output (``clean -o``, ``corpus -o``, ``--removed-output``, ``--stats-json``, a
baseline, learned rule files) may be an input, lie inside a folder being read, or
resolve through a symbolic link to either; two outputs may not be one file; and a copy
is never written through a link inside the output folder. Each test snapshots the
whole tree and proves that not one byte changed.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Cleaner
from cleaner.corpus import clean_corpus
from cleaner.errors import DocumentError
from cleaner.ray_engine import clean_corpus_ray
from tests.hostile.support import assert_only_changed, run_cleaner, snapshot

AD = b"Intro.\nAdvertisement\nMore.\n"
PRECIOUS = b"PRECIOUS\n"
RECORD = b'{"id":1,"text":"Body.\\nAdvertisement\\n"}\n'


def refused(tmp_path: Path, args: list[str], *names: str) -> None:
    """Run ``cleaner ARGS``: exit 2, every name in the message, and no byte of the tree changed."""
    before = snapshot(tmp_path)
    run = run_cleaner(args, tmp_path, timeout=60)
    assert run.code == 2, (run.code, run.stderr)
    for name in names:
        assert name in run.stderr, run.stderr
    assert_only_changed(before, snapshot(tmp_path), {})


def folder(tmp_path: Path) -> Path:
    """G/a.txt to clean and G/sub/a.txt, a file that must survive."""
    (tmp_path / "G" / "sub").mkdir(parents=True)
    (tmp_path / "G" / "a.txt").write_bytes(AD)
    (tmp_path / "G" / "sub" / "a.txt").write_bytes(PRECIOUS)
    return tmp_path / "G"


# --- clean FOLDER -o OUT ----------------------------------------------------------------


def test_clean_refuses_an_output_folder_inside_the_folder_it_reads(tmp_path):
    # On main this exited 0 with G/sub/a.txt overwritten by the cleaned G/a.txt.
    folder(tmp_path)
    refused(tmp_path, ["clean", "G", "-o", "G/sub"], "-o G/sub: lies inside G, a folder being read")


def test_clean_does_not_feed_on_its_own_output(tmp_path):
    # On main the walk found the copies it had just written and nested folder after folder.
    (tmp_path / "F" / "sub").mkdir(parents=True)
    (tmp_path / "F" / "a.txt").write_bytes(AD)
    refused(tmp_path, ["clean", "F", "-o", "F/sub/out"], "-o F/sub/out", "lies inside F")


def test_clean_refuses_to_write_a_copy_over_its_input(tmp_path):
    (tmp_path / "a.txt").write_bytes(AD)
    refused(tmp_path, ["clean", "a.txt", "-o", "."], "-o a.txt: is an input (a.txt)")


def test_clean_refuses_an_output_folder_above_the_input_where_copies_would_land_on_inputs(tmp_path):
    # G/sub/sub/a.txt would be copied to G/sub/a.txt, a file being read.
    (tmp_path / "G" / "sub" / "sub").mkdir(parents=True)
    (tmp_path / "G" / "sub" / "a.txt").write_bytes(PRECIOUS)
    (tmp_path / "G" / "sub" / "sub" / "a.txt").write_bytes(AD)
    refused(tmp_path, ["clean", "G/sub", "-o", "G"], "-o G/sub/a.txt: is an input (G/sub/a.txt)")


def test_clean_refuses_a_copy_onto_a_file_read_through_a_link(tmp_path):
    # G/link.txt is read as an input; it is OUT/a.txt, where the copy of G/a.txt would go.
    folder(tmp_path)
    (tmp_path / "OUT").mkdir()
    (tmp_path / "OUT" / "a.txt").write_bytes(AD)
    (tmp_path / "G" / "link.txt").symlink_to(tmp_path / "OUT" / "a.txt")
    refused(tmp_path, ["clean", "G", "-o", "OUT"], "-o OUT/a.txt: is an input (G/link.txt)")


@pytest.mark.parametrize("link", ["sub", "a.txt"])
def test_clean_never_writes_through_a_link_inside_the_output_folder(tmp_path, link):
    # A link in OUT sent the copy into the link's target (a folder), or stopped the run
    # half way (a file) after other copies were written.
    folder(tmp_path)
    (tmp_path / "G" / "b.txt").write_bytes(AD)
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "sub").mkdir(parents=True)
    (elsewhere / "sub" / "a.txt").write_bytes(PRECIOUS)
    (elsewhere / "a.txt").write_bytes(PRECIOUS)
    (tmp_path / "OUT").mkdir()
    (tmp_path / "OUT" / link).symlink_to(elsewhere / link)
    refused(tmp_path, ["clean", "G", "-o", "OUT"], f"OUT/{link} is a symbolic link inside the output folder")


def test_clean_from_standard_input_refuses_an_output_folder(tmp_path):
    # On main -o was silently ignored and the text went to standard output.
    run = run_cleaner(["clean", "-", "-o", "OUT"], tmp_path, stdin=AD)
    assert run.code == 2 and run.stdout == ""
    assert "-o OUT: standard input is cleaned to standard output" in run.stderr
    assert not (tmp_path / "OUT").exists()


# --- corpus --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--stats-json", "in.jsonl"], "--stats-json in.jsonl: is an input (in.jsonl)"),
        (["--removed-output", "in.jsonl"], "--removed-output in.jsonl: is an input (in.jsonl)"),
        (["--removed-output", "out.jsonl"], "--removed-output out.jsonl: is also -o out.jsonl"),
        (["--stats-json", "out.jsonl"], "--stats-json out.jsonl: is also -o out.jsonl"),
        (
            ["--removed-output", "a.json", "--stats-json", "a.json"],
            "--stats-json a.json: is also --removed-output a.json",
        ),
        (
            ["--stats-json", "link.json"],
            "--stats-json link.json: is an input (in.jsonl) (through a symbolic link)",
        ),
    ],
    ids=[
        "stats-on-input",
        "audit-on-input",
        "audit-on-output",
        "stats-on-output",
        "stats-on-audit",
        "stats-link",
    ],
)
def test_corpus_refuses_side_outputs_on_inputs_or_on_each_other(tmp_path, extra, message):
    # On main --stats-json in.jsonl replaced the corpus with the statistics (exit 0).
    (tmp_path / "in.jsonl").write_bytes(RECORD)
    (tmp_path / "link.json").symlink_to(tmp_path / "in.jsonl")
    refused(tmp_path, ["corpus", "in.jsonl", "-o", "out.jsonl", "--workers", "1", *extra], message)


def test_corpus_refuses_outputs_inside_the_folder_it_reads(tmp_path):
    (tmp_path / "D").mkdir()
    (tmp_path / "D" / "a.jsonl").write_bytes(RECORD)
    refused(tmp_path, ["corpus", "D", "-o", "D/clean", "--workers", "1"], "-o D/clean: lies inside D")
    refused(
        tmp_path,
        ["corpus", "D", "-o", "clean", "--stats-json", "D/stats.json", "--workers", "1"],
        "--stats-json D/stats.json: lies inside D, a folder being read",
    )


def test_corpus_never_writes_through_a_link_inside_the_output_folder(tmp_path):
    (tmp_path / "D" / "sub").mkdir(parents=True)
    (tmp_path / "D" / "sub" / "a.jsonl").write_bytes(RECORD)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "OUT").mkdir()
    (tmp_path / "OUT" / "sub").symlink_to(tmp_path / "elsewhere")
    refused(tmp_path, ["corpus", "D", "-o", "OUT", "--workers", "1"], "OUT/sub is a symbolic link")


def test_the_library_checks_the_callers_files_too(tmp_path):
    (tmp_path / "in.jsonl").write_bytes(RECORD)
    for run in (clean_corpus, clean_corpus_ray):  # the Ray engine refuses before it starts Ray
        with pytest.raises(DocumentError, match=r"--stats-json .*in\.jsonl: is an input"):
            run(
                [tmp_path / "in.jsonl"],
                tmp_path / "out.jsonl",
                Cleaner(),
                also_written=[("--stats-json", tmp_path / "in.jsonl")],
            )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["in.jsonl"]


# --- learn and baselines -------------------------------------------------------------------


def test_learn_refuses_to_write_rules_inside_the_folder_it_reads(tmp_path):
    pages = tmp_path / "pages"
    pages.mkdir()
    for number in range(6):
        (pages / f"p{number}.txt").write_text(
            f"Story {number} about the river and the council vote on the plan.\n"
            "Follow us on Mastodon for the latest harbour news\n"
            f"Another sentence {number} with its own detail.\n"
        )
    refused(tmp_path, ["learn", "pages", "-o", "pages/rules"], "-o pages/rules: lies inside pages")


def test_write_baseline_never_overwrites_a_file_named_to_be_checked(tmp_path):
    # The baseline is passed over when files are found, so naming it as one of them
    # once meant it was silently overwritten, never checked.
    (tmp_path / "doc.json").write_text(json.dumps({"version": 1, "entries": []}))
    refused(
        tmp_path,
        ["check", "--write-baseline", "--baseline", "doc.json", "doc.json"],
        "--baseline doc.json: is an input (doc.json)",
    )


def test_a_baseline_inside_the_folder_checked_is_still_allowed(tmp_path):
    # The usual layout: cleaner-baseline.json at the root of the repository checked.
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_bytes(AD)
    run = run_cleaner(["check", "--write-baseline", "."], tmp_path)
    assert run.code == 0, run.stderr
    assert json.loads((tmp_path / "cleaner-baseline.json").read_text())["entries"]
