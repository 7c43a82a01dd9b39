"""The hooks in ``.pre-commit-hooks.yaml`` work under the real ``pre-commit try-repo``.

pre-commit builds a virtual environment and pip-installs this project into it, so these
tests take a while: about ten seconds for each try-repo run (try-repo installs into a
fresh store every time) and for the release-tag run. The README's ``repo: local`` form
runs the installed ``cleaner`` and needs no install.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner.render import make_console, show_progress

pytest.importorskip("pre_commit")

ROOT = Path(__file__).resolve().parent.parent
# What pip needs to install the hooks: the same files as a release.
HOOK_REPO_FILES = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "cleaner", "rules")
BOILERPLATE = "A story about rivers.\n\nAdvertisement\n\nThe river rose by two metres overnight.\nGavriil Grigorov/Reuters\n"
CLEANED = "A story about rivers.\n\nThe river rose by two metres overnight.\n"
CLEAN = "Nothing but prose here.\nAnd a second line of it.\n"
LICENSE = "Copyright 2024 Somebody. All rights reserved.\nAdvertisement\n"
OPTION_LIKE = "--exclude=*.txt"  # a file name pre-commit passes like any other (issue 17)
README = (ROOT / "README.md").read_text(encoding="utf-8")


def assert_short_and_ends_with_the_fix(output: str) -> None:
    """A hook's report: one line per removal, no table, and last the command that fixes."""
    assert "Removals by rule" not in output and "┏" not in output
    last = output.strip().splitlines()[-1]
    assert " To remove them: cleaner check --fix " in last, output


def git(folder: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-c",
            "user.name=test",
            "-c",
            "user.email=test@example.invalid",
            "-c",
            "commit.gpgsign=false",
            *args,
        ],
        cwd=folder,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def hook_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of this checkout, committed in a git repository of its own.

    try-repo on the checkout itself would depend on its git state (uncommitted changes
    become a temporary commit, and a worktree or sdist may not be a repository at all).
    """
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in HOOK_REPO_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, repo / name)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "hooks under test")
    return repo


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("pre-commit-home")


def try_repo(hook_repo: Path, home: Path, folder: Path, hook: str | None) -> subprocess.CompletedProcess[str]:
    """``pre-commit try-repo HOOK_REPO [HOOK] --all-files`` in ``folder``."""
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    env.pop("PRE_COMMIT", None)
    hooks = [hook] if hook else []
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pre_commit",
            "try-repo",
            str(hook_repo),
            *hooks,
            "--all-files",
            "--color",
            "never",
        ],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_check_fails_on_boilerplate_and_fix_cleans_it(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    (docs / "articles" / "story.txt").write_text(BOILERPLATE)
    (docs / "articles" / "calm.txt").write_text(CLEAN)
    (docs / "LICENSE.txt").write_text(LICENSE)
    (docs / "notes.md").write_text(BOILERPLATE)
    (docs / OPTION_LIKE).write_text(BOILERPLATE)  # must be checked, not read as an option
    git(docs, "init", "-q")
    git(docs, "add", "-A")

    checked = try_repo(hook_repo, pre_commit_home, docs, "cleaner-check")
    assert checked.returncode == 1, checked.stdout + checked.stderr
    assert "articles/story.txt:3-4: ADS001" in checked.stdout
    assert f"{OPTION_LIKE}:3-4: ADS001" in checked.stdout
    assert "calm.txt" not in checked.stdout.replace("calm.txt:", "")
    assert "LICENSE" not in checked.stdout and "notes.md" not in checked.stdout
    assert "\x1b[" not in checked.stdout  # no colour under pre-commit
    assert_short_and_ends_with_the_fix(checked.stdout)

    fixed = try_repo(hook_repo, pre_commit_home, docs, "cleaner-fix")
    assert fixed.returncode == 1, fixed.stdout + fixed.stderr
    assert "Fixing articles/story.txt" in fixed.stdout
    assert f"Fixing {OPTION_LIKE}" in fixed.stdout
    assert "Fixing articles/calm.txt" not in fixed.stdout
    assert (docs / "articles" / "story.txt").read_text() == CLEANED
    assert (docs / "LICENSE.txt").read_text() == LICENSE
    assert (docs / "notes.md").read_text() == BOILERPLATE

    # Both hooks in one run (each try-repo installs afresh, so runs are kept few).
    again = try_repo(hook_repo, pre_commit_home, docs, None)
    assert again.returncode == 0, again.stdout + again.stderr
    assert again.stdout.count("Passed") == 2


def test_no_colour_and_no_progress_under_pre_commit() -> None:
    console = make_console(environ={"PRE_COMMIT": "1"}, force_terminal=True)
    assert console.color_system is None
    assert not show_progress(console, {"PRE_COMMIT": "1"})
    assert show_progress(make_console(environ={}, force_terminal=True), {})


def test_the_readmes_local_configuration_works_as_pasted(tmp_path: Path) -> None:
    """``repo: local`` runs the installed ``cleaner``; no environment to build, so it is quick."""
    block = re.search(r"^```yaml\n(repos:\n  - repo: local\n.*?)^```$", README, re.DOTALL | re.MULTILINE)
    assert block is not None, "the README shows no repo: local configuration"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / ".pre-commit-config.yaml").write_text(block.group(1))
    (docs / "story.txt").write_text(BOILERPLATE)
    (docs / "calm.txt").write_text(CLEAN)
    (docs / OPTION_LIKE).write_text(BOILERPLATE)
    git(docs, "init", "-q")
    git(docs, "add", "-A")
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "home"),
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",  # the installed cleaner
    }
    env.pop("PRE_COMMIT", None)

    def run() -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
            cwd=docs, env=env, capture_output=True, text=True, timeout=300, check=False,
        )  # fmt: skip

    found = run()
    assert found.returncode == 1, found.stdout + found.stderr
    assert "story.txt:3-4: ADS001" in found.stdout and f"{OPTION_LIKE}:3-4: ADS001" in found.stdout
    assert "calm.txt:" not in found.stdout
    assert_short_and_ends_with_the_fix(found.stdout)
    subprocess.run(
        ["cleaner", "check", "--fix", "--", "story.txt", OPTION_LIKE], cwd=docs, env=env, check=False
    )
    assert (docs / OPTION_LIKE).read_text() == CLEANED
    git(docs, "add", "-A")
    passed = run()
    assert passed.returncode == 0, passed.stdout + passed.stderr


def test_the_readmes_remote_configuration_works_with_the_release_tag(
    hook_repo: Path, pre_commit_home: Path, tmp_path: Path
) -> None:
    """The README's second form, with its placeholder filled in: the tag it names installs the hooks."""
    block = re.search(
        r"^```yaml\n(repos:\n  - repo: REPOSITORY-URL.*?)^```$", README, re.DOTALL | re.MULTILINE
    )
    assert block is not None, "the README shows no remote configuration"
    rev = re.search(r"rev: (\S+)", block.group(1))
    assert rev is not None
    git(hook_repo, "tag", "-f", rev.group(1))  # the lead tags the release on main
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / ".pre-commit-config.yaml").write_text(block.group(1).replace("REPOSITORY-URL", str(hook_repo)))
    (docs / "story.txt").write_text(BOILERPLATE)
    git(docs, "init", "-q")
    git(docs, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(pre_commit_home)}
    env.pop("PRE_COMMIT", None)
    found = subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=docs, env=env, capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    assert found.returncode == 1, found.stdout + found.stderr
    assert "story.txt:3-4: ADS001" in found.stdout
