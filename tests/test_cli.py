"""The command line, as a user runs it: exit codes, messages, files written or not."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner.cli import app

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "gzero-article.txt"
SEED_KEPT = Path(__file__).resolve().parent / "golden" / "gzero-article.txt.kept"
runner = CliRunner()


def run(*args: str, input: bytes | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_check_lists_each_removal_with_rule_id_and_exits_1():
    result = run("check", str(SEED), "--output-format", "concise")
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert f"{SEED}:4: DUP001 Repeats an earlier line of the document (line 3)" in lines
    assert any(line.startswith(f"{SEED}:5: CRD001 ") for line in lines)
    assert any(line.startswith(f"{SEED}:16-31: PRM001 ") for line in lines)


def test_check_on_clean_text_exits_0(tmp_path: Path):
    clean_copy = tmp_path / "clean.txt"
    shutil.copy(SEED_KEPT, clean_copy)
    assert run("check", str(clean_copy)).exit_code == 0


def test_fix_rewrites_to_the_expected_bytes_then_changes_nothing(tmp_path: Path):
    copy = tmp_path / "seed.txt"
    shutil.copy(SEED, copy)
    copy.chmod(0o640)
    first = run("check", "--fix", str(copy))
    assert first.exit_code == 0
    assert f"Fixing {copy}" in first.stderr
    assert copy.read_bytes() == SEED_KEPT.read_bytes()
    assert copy.stat().st_mode & 0o777 == 0o640
    mtime = copy.stat().st_mtime_ns
    second = run("check", "--fix", str(copy))
    assert second.exit_code == 0 and "Fixing" not in second.stderr
    assert copy.stat().st_mtime_ns == mtime
    assert list(tmp_path.iterdir()) == [copy], "no temporary file left behind"


def test_check_without_fix_writes_nothing(tmp_path: Path):
    copy = tmp_path / "seed.txt"
    shutil.copy(SEED, copy)
    run("check", str(copy))
    assert copy.read_bytes() == SEED.read_bytes()


def test_clean_prints_the_expected_bytes_from_a_file_and_from_stdin():
    assert run("clean", str(SEED)).stdout_bytes == SEED_KEPT.read_bytes()
    assert run("clean", "-", input=SEED.read_bytes()).stdout_bytes == SEED_KEPT.read_bytes()


def test_clean_to_a_folder_keeps_relative_paths(tmp_path: Path):
    out = tmp_path / "out"
    result = run("clean", str(ROOT / "samples"), "-o", str(out))
    assert result.exit_code == 0
    assert (out / "gzero-article.txt").read_bytes() == SEED_KEPT.read_bytes()
    assert sorted(p.name for p in out.iterdir()) == sorted(p.name for p in (ROOT / "samples").iterdir())


def test_diff_shows_rule_id_reason_and_folds_unchanged_lines():
    result = run("diff", str(SEED))
    assert result.exit_code == 0  # a view; `check` is the one that fails
    assert "DUP001" in result.stdout and "Repeats an earlier line of the document (line 3)" in result.stdout
    assert "PRM001" in result.stdout and "lines 16-31" in result.stdout
    assert "unchanged lines" in result.stdout
    assert "\x1b[" not in result.stdout, "no colour when stdout is not a terminal"


def test_check_diff_prints_a_unified_diff():
    result = run("check", "--diff", str(SEED))
    assert result.stdout.startswith(f"--- a/{SEED}\n+++ b/{SEED}\n@@ -1,")
    assert "\n-Gavriil Grigorov/Reuters\n" in result.stdout


def test_json_output_has_the_removal_fields():
    result = run("check", "--output-format", "json", str(SEED))
    report = json.loads(result.stdout)
    removal = report[0]["removals"][0]
    assert set(removal) >= {
        "start",
        "end",
        "first_line",
        "last_line",
        "rule_id",
        "category",
        "reason",
        "text",
    }
    assert removal["duplicate_of"] == 3


def test_select_and_ignore_by_id_prefix_and_name():
    only_credits = run("check", "--select", "CRD", "--output-format", "concise", str(SEED))
    # Without the promo block rule, the credits inside the promo section are found too.
    assert {line.split()[1] for line in only_credits.stdout.splitlines()} == {"CRD001", "CRD002"}
    without = run("check", "--ignore", "promo", "--ignore", "DUP001", "--output-format", "concise", str(SEED))
    assert {line.split()[1] for line in without.stdout.splitlines()} == {"CRD001", "CRD002"}
    unknown = run("check", "--select", "NOPE", str(SEED))
    assert unknown.exit_code == 2 and "no rule matches 'NOPE'" in unknown.stderr


def test_rules_lists_and_rule_explains():
    listing = run("rules")
    assert listing.exit_code == 0 and "CRD001" in listing.stdout and "PRM001" in listing.stdout
    explained = run("rule", "CRD001")
    assert explained.exit_code == 0 and "Gavriil Grigorov/Reuters" in explained.stdout
    assert run("rule", "XYZ999").exit_code == 2


def test_binary_files_are_skipped_with_a_message(tmp_path: Path):
    (tmp_path / "image.bin").write_bytes(b"\x89PNG\x00\x00binary")
    result = run("check", str(tmp_path))
    assert result.exit_code == 0
    assert "image.bin: skipped, binary file" in result.stderr


def test_missing_file_is_an_error_naming_it(tmp_path: Path):
    result = run("check", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2 and "nope.txt: no such file" in result.stderr


def test_undecodable_bytes_are_kept_exactly(tmp_path: Path):
    path = tmp_path / "latin1.txt"
    data = "Caf\xe9 au lait.\nAdvertisement\nFin.".encode("latin-1")
    path.write_bytes(data)
    assert run("check", "--fix", str(path)).exit_code == 0
    assert path.read_bytes() == "Caf\xe9 au lait.\nFin.".encode("latin-1")


def bad_rule(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.toml"
    path.write_text(body)
    return path


GOOD = """
[[rule]]
id = "MY001"
name = "mine.promo"
kind = "line"
category = "promo"
reason = "Our promo line"
pattern = '^Buy now$'
examples.remove = ["Buy now"]
examples.keep = ["Buy now or later, the ad said."]
"""


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[[rule]\nid=", "mine.toml:1: invalid TOML"),
        (GOOD.replace("'^Buy now$'", "'^(Buy now$'"), "mine.toml:8: MY001.pattern: missing )"),
        (
            GOOD.replace('reason = "Our promo line"', 'reason = "Our promo line"\ncolour = "red"'),
            "MY001.colour: unknown field",
        ),
        (GOOD + GOOD, "MY001.id: 'MY001' is already used"),
        (
            GOOD.replace('examples.keep = ["Buy now or later, the ad said."]', 'examples.keep = ["Buy now"]'),
            "MY001.examples.keep[1]",
        ),
        (GOOD.replace('category = "promo"\n', ""), "MY001.category: missing"),
        (GOOD.replace('id = "MY001"', 'id = "my-1"'), "my-1.id: must be"),
    ],
    ids=[
        "bad-toml",
        "bad-regex",
        "unknown-field",
        "duplicate-id",
        "failing-example",
        "missing-field",
        "bad-id",
    ],
)
def test_malformed_rule_files_exit_2_naming_file_rule_and_field(tmp_path: Path, body: str, expected: str):
    result = run("check", "--rules", str(bad_rule(tmp_path, body)), str(SEED))
    assert result.exit_code == 2
    assert expected in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


TEASER_PAIR = """
[[rule]]
id = "MY002"
name = "mine.teaser-pair"
kind = "line"
category = "promo"
reason = "A teaser between two time stamps"
pattern = '^Teaser'
between_removals = true
between_rules = ["{named}"]
"""


def test_between_rules_naming_no_rule_is_an_error_and_a_built_in_one_is_not(tmp_path: Path):
    unknown = run("check", "--rules", str(bad_rule(tmp_path, TEASER_PAIR.format(named="PGE020"))), str(SEED))
    assert unknown.exit_code == 2
    assert "MY002.between_rules: no rule has the id 'PGE020'" in unknown.stderr
    built_in = run("check", "--rules", str(bad_rule(tmp_path, TEASER_PAIR.format(named="PGE002"))), str(SEED))
    assert built_in.exit_code == 1, built_in.stderr


def test_all_problems_are_reported_at_once(tmp_path: Path):
    body = GOOD.replace("'^Buy now$'", "'^(Buy now$'") + GOOD.replace("MY001", "MY002").replace(
        'kind = "line"', 'kind = "lines"'
    )
    result = run("check", "--rules", str(bad_rule(tmp_path, body)), str(SEED))
    assert "MY001.pattern" in result.stderr and "MY002.kind" in result.stderr


def test_user_rules_apply_and_can_drop_the_builtins(tmp_path: Path):
    doc = tmp_path / "doc.txt"
    doc.write_text("Buy now\nAdvertisement\nText.\n")
    result = run(
        "check",
        "--no-default-rules",
        "--rules",
        str(bad_rule(tmp_path, GOOD)),
        "--output-format",
        "concise",
        str(doc),
    )
    assert result.stdout.splitlines() == [f"{doc}:1: MY001 Our promo line"]


def test_a_runaway_pattern_stops_with_a_clear_error(tmp_path: Path):
    runaway = GOOD.replace("'^Buy now$'", "'^(?:\\w|\\w\\w)+$'").replace(
        'examples.remove = ["Buy now"]', 'examples.remove = ["Buynow"]'
    )
    runaway = runaway.replace('reason = "Our promo line"', 'reason = "Our promo line"\ntimeout = 0.2')
    doc = tmp_path / "doc.txt"
    doc.write_text("ab" * 40 + "!\n")
    result = run("check", "--rules", str(bad_rule(tmp_path, runaway)), str(doc))
    assert result.exit_code == 2
    assert f"{doc}: rule MY001 ran past its time limit" in result.stderr


def test_installed_script_runs_as_a_subprocess():
    command = [sys.executable, "-m", "cleaner", "check", "--output-format", "concise", str(SEED)]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert completed.returncode == 1
    assert "DUP001" in completed.stdout


def test_rules_check_warns_about_a_pattern_that_may_backtrack_without_refusing_it(tmp_path: Path):
    risky = GOOD.replace("'^Buy now$'", "'^Buy\\s*,?\\s*now$'").replace(
        'examples.remove = ["Buy now"]', 'examples.remove = ["Buy , now"]'
    )
    result = run("rules", "--check", str(bad_rule(tmp_path, risky)))
    assert result.exit_code == 0
    assert "MY001.pattern: quantifiers '\\s*', '\\s*' can share one run of ' '" in result.stderr
    assert "add max_chars" in result.stderr and "1 backtracking warning\n" in result.stderr
    explained = risky.replace("kind = \"line\"", 'kind = "line"\nbacktracking_ok = "tried on padded lines"')
    result = run("rules", "--check", str(bad_rule(tmp_path, explained)))
    assert result.exit_code == 0 and "0 backtracking warnings" in result.stderr
    guarded = risky.replace("kind = \"line\"", 'kind = "line"\nmax_chars = 100')
    assert "0 backtracking warnings" in run("rules", "--check", str(bad_rule(tmp_path, guarded))).stderr


def test_rules_check_exits_2_on_a_rule_file_problem(tmp_path: Path):
    failing = GOOD.replace('examples.keep = ["Buy now or later, the ad said."]', 'examples.keep = ["Buy now"]')
    result = run("rules", "--check", str(bad_rule(tmp_path, failing)))
    assert result.exit_code == 2 and "MY001.examples.keep[1]" in result.stderr
