"""``--help`` reads the same under any Typer, and is what ``docs/cli.md`` shows.

The pages are rendered by the installed Typer (through ``CliRunner`` and the installed
script), so a Typer release that changed the help would fail here.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.docs import command_names
from cleaner.helptext import Param, render_rows

ROOT = Path(__file__).resolve().parent.parent
CLI_DOC = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
COMMANDS = ["", *command_names()]


def documented_page(command: str) -> str:
    title = " ".join(["cleaner", *command.split()])
    match = re.search(rf"^## {re.escape(title)}\n\n```text\n(.*?)```$", CLI_DOC, re.DOTALL | re.MULTILINE)
    assert match is not None, f"docs/cli.md has no page for {title!r}"
    return match.group(1)


def rendered_page(command: str, columns: int = 80) -> str:
    result = CliRunner().invoke(
        app, [*command.split(), "--help"], prog_name="cleaner", env={"COLUMNS": str(columns)}
    )
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_has_a_page() -> None:
    assert command_names() == ["check", "diff", "clean", "rules", "rule", "corpus", "learn"]


@pytest.mark.parametrize("command", COMMANDS)
def test_help_under_the_installed_typer_is_the_documented_page(command: str) -> None:
    assert rendered_page(command) == documented_page(command)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_has_no_typer_type_names_and_fits_the_width(command: str) -> None:
    for columns in (80, 60):
        page = rendered_page(command, columns)
        for clutter in ("<bool>", "<str>", "<list[", "<path>", "{paths}", "Value error", "\x1b["):
            assert clutter not in page
        assert max(len(line) for line in page.splitlines()) <= columns, page


def test_choices_and_defaults_are_never_cut() -> None:
    for columns in (80, 52, 40):
        page = rendered_page("check", columns)
        option = page[page.index("--output-format") : page.index("--statistics")]
        words = option.split()
        for value in ("full,", "concise,", "json,", "json-lines,", "github,", "sarif]"):
            assert value in words, (columns, option)
        assert "[default: full]" in " ".join(option.split())
        assert any("[default: full]" in line for line in option.splitlines()), option


def test_usage_lines_name_arguments_as_the_docs_do() -> None:
    assert "Usage: cleaner check [OPTIONS] PATHS...\n" in rendered_page("check")
    assert "Usage: cleaner rule [OPTIONS] RULE\n" in rendered_page("rule")
    assert "  -o, --output PATH" in rendered_page("corpus")


def test_a_wrong_choice_gets_a_plain_message_and_a_suggestion(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["check", "--output-format", "jsn", str(tmp_path)], prog_name="cleaner")
    assert result.exit_code == 2
    assert "Usage: cleaner check [OPTIONS] PATHS..." in result.output
    assert "'jsn' is not one of full, concise, json, json-lines, github, sarif; did you mean 'json'?" in (
        result.output
    )
    assert "Value error" not in result.output and "╭" not in result.output


def test_long_labels_put_their_help_on_the_next_line() -> None:
    rows = render_rows([("--a", "short"), ("--a-very-long-option-name-indeed VALUE", "help text")], 60)
    assert rows[0].startswith("  --a ") and rows[0].endswith(" short")
    assert rows[1] == "  --a-very-long-option-name-indeed VALUE"
    assert rows[2].strip() == "help text" and rows[2].startswith(" " * 8)


def test_a_param_shows_its_choices_default_and_requirement() -> None:
    param = Param(("--x",), "X", "Pick one.", "b", ("a", "b"), False, True, False, "Options")
    assert param.description().replace("\u00a0", " ") == (
        "Pick one. [possible values: a, b] [default: b] [required]"
    )


def test_the_installed_script_prints_the_documented_help_and_its_version() -> None:
    script = Path(sys.executable).with_name("cleaner")
    env = {**os.environ, "COLUMNS": "80"}
    shown = subprocess.run([script, "check", "--help"], capture_output=True, text=True, env=env, check=True)
    assert shown.stdout == documented_page("check")
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    printed = subprocess.run([script, "--version"], capture_output=True, text=True, check=True)
    assert printed.stdout == f"cleaner {version}\n"
