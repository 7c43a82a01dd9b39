"""The README's examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from cleaner.config import Options, resolve_settings

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text()


def test_the_tool_cleaner_example_is_a_valid_configuration(tmp_path: Path) -> None:
    block = re.search(r"```toml\n(\[tool\.cleaner\].*?)```", README, re.DOTALL)
    assert block is not None
    (tmp_path / "pyproject.toml").write_text(block.group(1))
    (tmp_path / "cleaner-rules").mkdir()
    settings = resolve_settings(Options(), tmp_path)
    ids = {rule.id for rule in settings.rules}
    assert "SHR001" in ids and "LGL002" not in ids
    assert settings.all_rules.get("DUP001").threshold == 95  # type: ignore[union-attr]
    assert settings.ignored_for(tmp_path / "feeds" / "x.txt") == ("CRD",)


def test_the_pre_commit_example_names_the_hooks_this_repository_defines() -> None:
    defined = {hook["id"] for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())}
    assert defined == {"cleaner-check", "cleaner-fix"}
    block = re.search(r"```yaml\n(repos:.*?)```", README, re.DOTALL)
    assert block is not None
    config = yaml.safe_load(block.group(1))
    assert {hook["id"] for hook in config["repos"][0]["hooks"]} <= defined
