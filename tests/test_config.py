"""Configuration files: found by walking up, validated key by key, and overridden by flags."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app
from cleaner.config import Options, find_config, resolve_settings
from cleaner.errors import ConfigError

DOC = "Real text of the story.\nAdvertisement\nMore real text.\nGavriil Grigorov/Reuters\nThe end of it.\n"
NEAR = (
    "Officials hand out masks to schoolchildren amid the thick smog today.\n"
    "Text between.\n"
    "Officials hand out masks to school children amid the thick smog today!\n"
)
USER_RULE = """
[[rule]]
id = "XMP001"
name = "house.footer"
kind = "line"
category = "template"
reason = "House footer"
pattern = '''^House footer line$'''
examples.remove = ["House footer line"]
examples.keep = ["A house with a footer line."]
"""

runner = CliRunner()


def run(*args: str) -> tuple[int, str]:
    """Exit code, and stdout (the findings) or, on a usage or config error, stderr."""
    result = runner.invoke(app, ["check", "--output-format", "concise", *args])
    return result.exit_code, result.stdout if result.exit_code < 2 else result.stderr


def rule_ids(output: str) -> list[str]:
    return [line.split(": ")[1].split()[0] for line in output.splitlines() if ": " in line and line[0] != " "]


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "doc.txt").write_text(DOC)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_no_configuration_uses_the_article_profile(project: Path) -> None:
    code, output = run("doc.txt")
    assert code == 1
    assert rule_ids(output) == ["ADS001", "CRD001"]


def test_pyproject_table_is_found_by_walking_up(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "pyproject.toml").write_text('[tool.cleaner]\nselect = ["CRD"]\n')
    (project / "deep" / "er").mkdir(parents=True)
    monkeypatch.chdir(project / "deep" / "er")
    code, output = run("../../doc.txt")
    assert code == 1
    assert rule_ids(output) == ["CRD001"]


def test_cleaner_toml_wins_and_a_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.cleaner]\nselect = ["CRD"]\n')
    inner = tmp_path / "inner"
    inner.mkdir()
    (inner / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert find_config(inner) == tmp_path / "pyproject.toml"
    (tmp_path / "cleaner.toml").write_text('select = ["ADS"]\n')
    assert find_config(inner) == tmp_path / "cleaner.toml"


def test_a_bad_key_names_the_file_and_the_key_and_exits_2(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.cleaner]\nextend_select = ["DUP"]\nprofile = "blog"\n')
    code, output = run("doc.txt")
    assert code == 2
    assert (
        "pyproject.toml: tool.cleaner.extend_select: unknown key 'extend_select'; did you mean 'extend-select'?"
        in output
    )
    assert "pyproject.toml: tool.cleaner.profile: unknown profile 'blog'" in output
    assert "Traceback" not in output


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('select = "ADS"\n', "cleaner.toml: select: must be a list of strings"),
        ('select = ["NOPE"]\n', "cleaner.toml: select: no rule matches 'NOPE'"),
        (
            "[rule-settings.NOPE001]\nthreshold = 95\n",
            "cleaner.toml: rule-settings.NOPE001: no rule named 'NOPE001'",
        ),
        ("[rule-settings.DUP001]\nspeed = 1\n", "cleaner.toml: rule-settings.DUP001.speed: unknown setting"),
        (
            "[rule-settings.DUP001]\nmin_words = 2.5\n",
            "cleaner.toml: rule-settings.DUP001.min_words: must be a whole number",
        ),
        (
            '[per-file-ignores]\n"*.txt" = ["ZZZ"]\n',
            "cleaner.toml: per-file-ignores.*.txt: no rule matches 'ZZZ'",
        ),
        ('rules = ["missing"]\n', "cleaner.toml: rules: "),
        ("select = [\n", "cleaner.toml:1: invalid TOML"),
        (
            '[tool.cleaner]\nprofile = "page"\n',
            "cleaner.toml: tool: in cleaner.toml, options go at the top level",
        ),
    ],
)
def test_each_bad_value_is_reported_with_its_key(project: Path, content: str, message: str) -> None:
    (project / "cleaner.toml").write_text(content)
    code, output = run("doc.txt")
    assert code == 2
    assert message in output.replace("\n", " ")


def test_flags_override_the_file_in_layers(project: Path) -> None:
    (project / "cleaner.toml").write_text('select = ["CRD"]\nextend-select = ["ADS"]\n')
    assert rule_ids(run("doc.txt")[1]) == ["ADS001", "CRD001"]
    assert rule_ids(run("doc.txt", "--ignore", "ADS")[1]) == ["CRD001"]
    assert rule_ids(run("doc.txt", "--select", "ADS001")[1]) == ["ADS001"]
    assert rule_ids(run("doc.txt", "--profile", "page")[1]) == ["ADS001", "CRD001"]


def test_isolated_and_config_flags(project: Path) -> None:
    (project / "cleaner.toml").write_text('select = ["CRD"]\n')
    (project / "other.toml").write_text('select = ["ADS"]\n')
    assert rule_ids(run("doc.txt", "--isolated")[1]) == ["ADS001", "CRD001"]
    assert rule_ids(run("doc.txt", "--config", "other.toml")[1]) == ["ADS001"]
    code, output = run("doc.txt", "--config", "nowhere.toml")
    assert code == 2
    assert "--config: nowhere.toml: no such file" in output


def test_rule_folders_are_relative_to_the_config_file(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (project / "house").mkdir()
    (project / "house" / "footer.toml").write_text(USER_RULE)
    (project / "cleaner.toml").write_text('rules = ["house"]\nselect = ["XMP"]\n')
    (project / "sub").mkdir()
    (project / "sub" / "page.txt").write_text("Story.\nHouse footer line\n")
    monkeypatch.chdir(project / "sub")
    code, output = run("page.txt")
    assert code == 1
    assert rule_ids(output) == ["XMP001"]


def test_exclude_globs_leave_files_out(project: Path) -> None:
    (project / "drafts").mkdir()
    (project / "drafts" / "d.txt").write_text(DOC)
    (project / "keep.md").write_text(DOC)
    (project / "cleaner.toml").write_text('exclude = ["drafts", "*.md"]\n')
    _, output = run(".")
    assert {line.split(":")[0] for line in output.splitlines() if ":" in line} == {"doc.txt"}
    _, output = run(".", "--exclude", "doc.txt")
    assert {line.split(":")[0] for line in output.splitlines() if ":" in line} == {"drafts/d.txt", "keep.md"}


def test_rule_settings_change_the_duplicate_threshold(project: Path) -> None:
    (project / "near.txt").write_text(NEAR)
    assert rule_ids(run("near.txt")[1]) == ["DUP001"]
    (project / "cleaner.toml").write_text("[rule-settings.DUP001]\nthreshold = 99.5\n")
    code, output = run("near.txt")
    assert (code, output) == (0, "")


def test_per_file_ignores(project: Path) -> None:
    (project / "feeds").mkdir()
    (project / "feeds" / "f.txt").write_text(DOC)
    (project / "cleaner.toml").write_text('[per-file-ignores]\n"feeds/*" = ["ads"]\n')
    _, output = run(".")
    assert [line.split(": ", 1) for line in output.splitlines()] == [
        ["doc.txt:2", "ADS001 Advertising label left where an ad was"],
        ["doc.txt:4", "CRD001 Photo credit: a name, a slash and a news or photo agency"],
        ["feeds/f.txt:4", "CRD001 Photo credit: a name, a slash and a news or photo agency"],
    ]


def test_library_resolution_raises_config_error(tmp_path: Path) -> None:
    (tmp_path / "cleaner.toml").write_text('colour = "never"\n')
    with pytest.raises(ConfigError, match=r"cleaner\.toml: colour: unknown key 'colour'"):
        resolve_settings(Options(), tmp_path)
    settings = resolve_settings(Options(isolated=True), tmp_path)
    assert settings.config.path is None
    assert settings.clean(DOC).counts() == {"ADS001": 1, "CRD001": 1}
