"""Every ``check --output-format`` parses as what it claims to be, and the exit-code flags act as in ruff."""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

from cleaner import Removal, clean, restore
from cleaner.cli import app
from cleaner.render import JSON_SCHEMA_VERSION, REPORT_SCHEMA

SARIF_SCHEMA = Path(__file__).resolve().parent / "sarif" / "sarif-schema-2.1.0.json"
DOC = (
    "Real text of the story.\r\nAdvertisement\r\nMore real text, 100% of it.\r\nGavriil Grigorov/Reuters\r\n"
)
CLEAN = "Nothing to take out here.\nJust prose.\n"
# ::warning file=...,line=N,endLine=N,title=...::message, with no raw newline anywhere
GITHUB_LINE = re.compile(r"::warning file=([^,:]+),line=(\d+),endLine=(\d+),title=([^,:]+)::([^\r\n]+)")

runner = CliRunner()


@pytest.fixture
def docs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "a, b.txt").write_bytes(DOC.encode())
    (tmp_path / "clean.txt").write_text(CLEAN)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--isolated", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_follows_the_documented_schema_and_restores_the_input(docs: Path) -> None:
    code, out, _ = check(".", "--output-format", "json")
    assert code == 1
    reports = json.loads(out)
    jsonschema.Draft202012Validator.check_schema(REPORT_SCHEMA)
    for report in reports:
        jsonschema.validate(report, REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert [(r["path"], r["changed"], r["version"]) for r in reports] == [
        ("a, b.txt", True, JSON_SCHEMA_VERSION),
        ("clean.txt", False, JSON_SCHEMA_VERSION),
    ]
    expected = clean(DOC)
    assert reports[0]["removals"] == [asdict(removal) for removal in expected.removals]
    removals = [Removal(**fields) for fields in reports[0]["removals"]]
    assert restore(expected.text, removals) == DOC


def test_json_lines_is_one_report_per_document(docs: Path) -> None:
    code, out, _ = check(".", "--output-format", "json-lines")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    for line in lines:
        jsonschema.validate(json.loads(line), REPORT_SCHEMA, cls=jsonschema.Draft202012Validator)
    assert [r["rule_id"] for r in json.loads(lines[0])["removals"]] == ["ADS001", "CRD001"]


def test_github_annotations_follow_the_workflow_command_syntax(docs: Path) -> None:
    code, out, _ = check(".", "--output-format", "github")
    assert code == 1
    lines = out.splitlines()
    matches = [GITHUB_LINE.fullmatch(line) for line in lines]
    assert all(matches), lines
    assert [m.groups()[:4] for m in matches if m] == [
        ("a%2C b.txt", "2", "2", "ADS001 ads.advertisement-label"),
        ("a%2C b.txt", "4", "4", "CRD001 credits.name-slash-agency"),
    ]


def test_sarif_validates_against_the_sarif_2_1_0_schema(docs: Path) -> None:
    code, out, _ = check(".", "--output-format", "sarif")
    assert code == 1
    log = json.loads(out)
    schema = json.loads(SARIF_SCHEMA.read_text())
    jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)
    run = log["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    results = run["results"]
    assert [r["ruleId"] for r in results] == ["ADS001", "CRD001"]
    for result in results:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "a%2C%20b.txt"
    assert results[1]["locations"][0]["physicalLocation"]["region"]["startLine"] == 4
    # The schema is strict enough to catch a broken log.
    del results[0]["message"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(log, schema, cls=jsonschema.Draft4Validator)


def test_sarif_with_nothing_found_is_still_valid(docs: Path) -> None:
    code, out, _ = check("clean.txt", "--output-format", "sarif")
    assert code == 0
    jsonschema.validate(json.loads(out), json.loads(SARIF_SCHEMA.read_text()), cls=jsonschema.Draft4Validator)


def test_full_shows_each_removal_between_context_lines(docs: Path) -> None:
    code, out, err = check("a, b.txt")
    assert code == 1
    assert out.splitlines()[:4] == [
        "a, b.txt:2: ADS001 Advertising label left where an ad was",
        "  1 | Real text of the story.",
        "  2 - Advertisement",
        "  3 | More real text, 100% of it.",
    ]
    assert "Removals by rule" in err


def test_concise_is_one_line_per_removal(docs: Path) -> None:
    _, out, _ = check(".", "--output-format", "concise")
    assert out.splitlines() == [
        "a, b.txt:2: ADS001 Advertising label left where an ad was",
        "a, b.txt:4: CRD001 Photo credit: a name, a slash and a news or photo agency",
    ]


def test_statistics_print_counts_instead_of_removals(docs: Path) -> None:
    code, out, _ = check(".", "--statistics")
    assert code == 1
    assert out.splitlines() == [
        "1\tADS001\tAdvertising label left where an ad was",
        "1\tCRD001\tPhoto credit: a name, a slash and a news or photo agency",
    ]
    _, out, _ = check(".", "--statistics", "--output-format", "json")
    assert [(row["code"], row["count"]) for row in json.loads(out)] == [("ADS001", 1), ("CRD001", 1)]


def test_exit_zero_still_reports(docs: Path) -> None:
    code, out, _ = check(".", "--exit-zero", "--output-format", "concise")
    assert code == 0
    assert len(out.splitlines()) == 2


def test_fix_exits_0_and_exit_non_zero_on_fix_exits_1(docs: Path, tmp_path: Path) -> None:
    code, out, err = check(".", "--fix")
    assert (code, out) == (0, "")
    assert "Fixing a, b.txt" in err
    assert (tmp_path / "a, b.txt").read_bytes() == clean(DOC).text.encode()
    assert check(".", "--fix", "--exit-non-zero-on-fix") == (0, "", "2 files checked, nothing to remove\n")
    (tmp_path / "a, b.txt").write_bytes(DOC.encode())
    code, out, err = check(
        ".", "--fix", "--exit-non-zero-on-fix", "--show-fixes", "--output-format", "concise"
    )
    assert code == 1
    assert "Fixing a, b.txt" in err
    assert out.splitlines() == [
        "a, b.txt:2: ADS001 Advertising label left where an ad was",
        "a, b.txt:4: CRD001 Photo credit: a name, a slash and a news or photo agency",
    ]


def test_machine_formats_keep_stdout_clean_when_fixing(docs: Path) -> None:
    code, out, err = check(".", "--fix", "--show-fixes", "--output-format", "json")
    assert code == 0
    assert [report["path"] for report in json.loads(out)] == ["a, b.txt", "clean.txt"]
    assert "Fixing a, b.txt" in err


BAD_BYTES = b"Story.\nCaf\xe9 au lait and more words to make it long.\nCaf\xe9 au lait and more words to make it long.\n"


@pytest.mark.parametrize("output_format", ["full", "concise", "json", "json-lines", "github", "sarif"])
def test_undecodable_bytes_never_break_the_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, output_format: str
) -> None:
    (tmp_path / "bad.txt").write_bytes(BAD_BYTES)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["check", "--isolated", "bad.txt", "--output-format", output_format])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    if output_format in ("json", "json-lines", "sarif"):
        result.stdout_bytes.decode("utf-8")  # valid UTF-8, the bad byte escaped
    if output_format == "json":
        report = json.loads(result.stdout_bytes)[0]
        removals = [Removal(**fields) for fields in report["removals"]]
        text = BAD_BYTES.decode("utf-8", "surrogateescape")
        kept = clean(text).text
        assert restore(kept, removals).encode("utf-8", "surrogateescape") == BAD_BYTES
    if output_format == "concise":
        assert result.stdout_bytes == b"bad.txt:3: DUP001 Repeats an earlier line of the document (line 2)\n"
    if output_format == "full":
        assert b"  3 - Caf\\udce9 au lait" in result.stdout_bytes  # escaped, as diff and JSON show it
