"""The committed reference docs are what ``python -m cleaner.docs`` generates (they cannot drift)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import load_rules
from cleaner.docs import generated_files, main, stale_files
from cleaner.rules import builtin_rules_dir

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_committed_docs_match_the_generator() -> None:
    assert stale_files(DOCS) == [], "docs/ is out of date: run `python -m cleaner.docs` and commit the result"


def test_every_rule_and_command_is_documented() -> None:
    files = generated_files()
    for rule in load_rules([builtin_rules_dir()], check_examples=False):
        assert f"## {rule.id} {rule.name}\n" in files["rules.md"]
        for example in rule.examples.remove:
            assert example.splitlines()[0].replace("`", "'") in files["rules.md"]
    for command in ("check", "diff", "clean", "rules", "rule", "corpus", "learn"):
        assert f"## cleaner {command}\n" in files["cli.md"]
    assert "--output-format FORMAT" in files["cli.md"]


def test_check_mode_reports_a_stale_file(tmp_path: Path) -> None:
    assert main([str(tmp_path)]) == 0
    assert main(["--check", str(tmp_path)]) == 0
    (tmp_path / "rules.md").write_text("edited by hand\n")
    assert main(["--check", str(tmp_path)]) == 1


def test_an_option_is_not_taken_for_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # "--help" prints the usage; it used to write the docs into a folder named "--help".
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        main(["--help"])
    assert stop.value.code == 0
    assert "usage: python -m cleaner.docs" in capsys.readouterr().out
    assert list(tmp_path.iterdir()) == []
