"""The README works as written: every Python snippet and every ``cleaner`` command in it runs.

Commands run in a scratch folder holding what they name: the samples, the rule file the
README shows, and small JSONL shards and a crawl made here. Install commands are left
out (the CI script runs the test command; a test cannot install).
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

from cleaner.config import Options, resolve_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]


def blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```$", README, re.DOTALL | re.MULTILINE)


def cleaner_commands() -> list[str]:
    """Each ``cleaner`` command of the shell blocks (a pipeline whole), install steps left out."""
    commands = []
    for block in blocks("sh"):
        for line in block.splitlines():
            for step in line.split(" && "):
                if step.startswith("cleaner ") or " | cleaner " in step:
                    commands.append(step.strip())
    return commands


def test_the_readme_reads_in_five_minutes() -> None:
    assert len(README.splitlines()) <= 250
    for lab_note in ("2-core machine shared", "the project's", "issue notes", "../shared", "OWNER"):
        assert lab_note not in README


def test_the_readme_names_the_distribution_and_the_test_command_ci_runs() -> None:
    assert "pip install -e '.[test,ray]' && python -m pytest -q" in README
    assert (
        "python -m pip install --quiet -e '.[test,ray]' && python -m pytest -q"
        in (ROOT / ".ci" / "run").read_text()
    )
    assert "pip install 'boilerplate-cleaner[zstd]'" in README


def test_the_tool_cleaner_example_is_a_valid_configuration(tmp_path: Path) -> None:
    block = next(block for block in blocks("toml") if block.startswith("[tool.cleaner]"))
    (tmp_path / "pyproject.toml").write_text(block)
    (tmp_path / "cleaner-rules").mkdir()
    settings = resolve_settings(Options(), tmp_path)
    ids = {rule.id for rule in settings.rules}
    assert "SHR001" in ids and "LGL002" not in ids
    assert settings.all_rules.get("DUP001").threshold == 95  # type: ignore[union-attr]
    assert settings.ignored_for(tmp_path / "feeds" / "x.txt") == ("CRD",)


def test_the_remote_pre_commit_example_names_real_hooks_and_this_release() -> None:
    defined = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert defined == {"cleaner-check", "cleaner-fix"}
    configs = [yaml.safe_load(block) for block in blocks("yaml")]
    remote = next(config["repos"][0] for config in configs if config["repos"][0]["repo"] != "local")
    assert remote["rev"] == f"v{VERSION}"
    assert {hook["id"] for hook in remote["hooks"]} <= defined
    local = next(config["repos"][0] for config in configs if config["repos"][0]["repo"] == "local")
    hooks = {hook["id"]: hook for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert local["hooks"][0]["entry"] == hooks["cleaner-check"]["entry"]  # the same command as the hook


def test_every_python_snippet_runs_as_pasted(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    snippets = blocks("python")
    assert snippets
    for snippet in snippets:
        exec(compile(snippet, "README.md", "exec"), {})  # the README's own code
    assert "CRD001" in capsys.readouterr().out


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A folder with what the README's commands name."""
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    rule_file = next(block for block in blocks("toml") if block.startswith("[[rule]]"))
    (tmp_path / "sponsor.toml").write_text(rule_file)
    records = [
        {"id": f"r{n}", "text": f"Story number {n} is told here.\nAdvertisement\nIt ends well.\n"}
        for n in range(4)
    ]
    (tmp_path / "shards").mkdir()
    with gzip.open(tmp_path / "shards" / "part-1.jsonl.gz", "wt") as part:
        part.writelines(json.dumps(record) + "\n" for record in records[:2])
    (tmp_path / "shards" / "part-2.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records[2:]))
    template = "Get the Example Weekly newsletter in your inbox every Friday"
    pages = [
        {
            "id": f"p{n}",
            "url": f"https://www.example.com/story-{n}",
            "text": f"A report on topic {n}, with words of its own.\n{template}\nMore about topic {n}.\n",
        }
        for n in range(5)
    ]
    (tmp_path / "crawl.jsonl").write_text("".join(json.dumps(page) + "\n" for page in pages))
    (tmp_path / "crawl-page.txt").write_text(f"Another report.\n{template}\nThe end of it.\n")
    return tmp_path


def test_every_cleaner_command_runs_as_written(scratch: Path) -> None:
    commands = cleaner_commands()
    assert len(commands) >= 8, commands
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    for command in commands:
        run = subprocess.run(
            ["bash", "-o", "pipefail", "-c", command],
            cwd=scratch,
            env=env,
            capture_output=True,
            timeout=300,
            check=False,
        )
        allowed = {0, 1} if command.startswith("cleaner check ") else {0}
        assert run.returncode in allowed, f"{command}\n{run.stderr.decode()}"
        assert b"Traceback" not in run.stderr, command
    # What the commands were for:
    assert sorted(path.name for path in (scratch / "clean").iterdir()) == ["part-1.jsonl.gz", "part-2.jsonl"]
    assert gzip.decompress((scratch / "part-1.clean.jsonl.gz").read_bytes()).count(b"Advertisement") == 0
    learned = "".join(path.read_text() for path in (scratch / "learned").glob("*.toml"))
    assert "Example Weekly" in learned
