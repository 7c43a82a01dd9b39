"""A baseline accepts today's removals by content hash; later runs report and fix only new ones."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cleaner import clean
from cleaner.baseline import Baseline, read_baseline
from cleaner.cli import app
from cleaner.errors import ConfigError

OLD = "Story.\nAdvertisement\nMore story.\nGavriil Grigorov/Reuters\n"
NEW = "Story.\n\nNew opening line.\nAdvertisement\nMore story.\nGavriil Grigorov/Reuters\nAdvertisement\n"

runner = CliRunner()


def check(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", "--isolated", "--output-format", "concise", *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(OLD)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_write_baseline_then_only_new_removals_are_reported(corpus: Path) -> None:
    code, _, err = check("docs", "--write-baseline")
    assert code == 0
    assert "Wrote 2 accepted removals" in err
    data = json.loads((corpus / "cleaner-baseline.json").read_text())
    assert [(e["path"], e["rule_id"], e["count"]) for e in data["entries"]] == [
        ("docs/a.txt", "ADS001", 1),
        ("docs/a.txt", "CRD001", 1),
    ]
    assert check("docs") == (0, "", "1 file checked, nothing to remove\n")
    # Lines moved and one more copy of an accepted line: only the copy is new.
    (corpus / "docs" / "a.txt").write_text(NEW)
    code, out, _ = check("docs")
    assert (code, out) == (1, "docs/a.txt:7: ADS001 Advertising label left where an ad was\n")
    code, out, _ = check("docs", "--no-baseline")
    assert len(out.splitlines()) == 3


def test_fix_keeps_accepted_lines(corpus: Path) -> None:
    check("docs", "--write-baseline")
    (corpus / "docs" / "a.txt").write_text(NEW)
    code, _, err = check("docs", "--fix")
    assert code == 0
    assert "Fixing docs/a.txt" in err
    assert (corpus / "docs" / "a.txt").read_text() == NEW.removesuffix("Advertisement\n")


def test_writing_for_one_file_keeps_the_entries_of_others(corpus: Path) -> None:
    (corpus / "docs" / "b.txt").write_text("Text.\nSponsored\n")
    check("docs", "--write-baseline")
    (corpus / "docs" / "a.txt").write_text("Nothing now.\n")
    check("docs/a.txt", "--write-baseline")
    entries = read_baseline(corpus / "cleaner-baseline.json").entries
    assert {path for path, _, _ in entries} == {"docs/b.txt"}


def test_the_baseline_file_is_not_checked_and_a_bad_one_is_an_error(corpus: Path) -> None:
    check(".", "--write-baseline")
    assert check(".")[0] == 0
    (corpus / "cleaner-baseline.json").write_text('{"version": 1, "entries": [{"path": 3}]}')
    code, _, err = check(".")
    assert code == 2
    assert "cleaner-baseline.json: entries[1]: needs path, rule_id, hash" in err
    with pytest.raises(ConfigError, match="not a readable baseline"):
        (corpus / "broken.json").write_text("{")
        read_baseline(corpus / "broken.json")


def test_filter_counts_copies(tmp_path: Path) -> None:
    text = "Advertisement\nText.\nAdvertisement\n"
    result = clean(text)
    assert len(result.removals) == 2
    one = Baseline(tmp_path).record([("x.txt", clean("Advertisement\nText.\n"))])
    assert [r.first_line for r in one.filter("x.txt", result).removals] == [3]
    assert one.filter("y.txt", result) == result


def test_write_baseline_refuses_fix(corpus: Path) -> None:
    code, _, err = check("docs", "--write-baseline", "--fix")
    assert code == 2
    assert "cannot be used with --fix" in err
    assert (corpus / "docs" / "a.txt").read_text() == OLD
