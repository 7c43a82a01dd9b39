"""Rule files, configurations and baselines come only from regular files of bounded size: a
named pipe, /dev/zero or an oversized file gives an error naming it, never a hang or a run
out of memory (each case runs under a time bound)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cleaner.smallfiles import SettingsFileError, read_settings_text
from tests.hostile.support import run_cleaner

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "doc.txt").write_text("Text.\nAdvertisement\n")
    os.mkfifo(tmp_path / "pipe.toml")
    os.mkfifo(tmp_path / "pipe.json")
    return tmp_path


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--rules", "/dev/zero"], "/dev/zero: not a regular file"),
        (["--rules", "pipe.toml"], "pipe.toml: not a regular file"),
        (["--baseline", "pipe.json"], "pipe.json: not a regular file"),
        (["--config", "pipe.toml"], "pipe.toml: not a regular file"),
    ],
    ids=["rules-dev-zero", "rules-fifo", "baseline-fifo", "config-fifo"],
)
def test_special_files_named_on_the_command_line(project, args, message):
    isolated = "--no-baseline" if "--config" in args else "--isolated"
    run = run_cleaner(["check", isolated, *args, "doc.txt"], project, timeout=30)
    assert run.code == 2 and message in run.stderr


@pytest.mark.parametrize("target", ["/dev/zero", "pipe.toml"])
def test_special_files_named_in_pyproject(project, target):
    """What a repository's pre-commit run reads: the rules its pyproject.toml names."""
    (project / "pyproject.toml").write_text(f'[tool.cleaner]\nrules = ["{target}"]\n')
    run = run_cleaner(["check", "doc.txt"], project, timeout=30)
    assert run.code == 2 and f"{target}: not a regular file" in run.stderr


def test_a_pipe_among_the_rule_files_of_a_folder(project):
    rules = project / "rules"
    rules.mkdir()
    os.mkfifo(rules / "more.toml")
    run = run_cleaner(["check", "--isolated", "--rules", "rules", "doc.txt"], project, timeout=30)
    assert run.code == 2 and "more.toml: not a regular file" in run.stderr


def test_a_pipe_in_the_folder_learn_writes_to(project):
    """learn reads the ids already there: a pipe among them is passed over, not waited on."""
    learned = project / "learned"
    learned.mkdir()
    os.mkfifo(learned / "old.toml")
    page = '{{"url": "https://a.example/{n}", "text": "Menu line\\nStory {n}.\\n"}}\n'
    records = "".join(page.format(n=n) for n in range(6))
    (project / "in.jsonl").write_text(records)
    run = run_cleaner(["learn", "in.jsonl", "-o", "learned"], project, timeout=30)
    assert run.code == 0, run.stderr
    assert "Menu line" in (learned / "a.example.toml").read_text()


def test_an_oversized_settings_file(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * 2000 + b"\n")
    with pytest.raises(SettingsFileError, match="big.toml: larger than 1,000 bytes"):
        read_settings_text(big, limit=1000)
    assert read_settings_text(big, limit=5000).startswith("# x")
