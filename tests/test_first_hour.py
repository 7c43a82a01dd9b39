"""What a new user meets in the first hour: messages, summaries, streams, exit codes."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from cleaner import Cleaner, clean, cli
from cleaner.cli import app
from cleaner.corpus import CorpusStats
from cleaner.render import render_rich_diff

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "samples" / "gzero-article.txt"
CLEAN_SAMPLE = ROOT / "samples" / "quiet-library.txt"
runner = CliRunner()


def run(*args: str, input: bytes | None = None):
    return runner.invoke(app, list(args), input=input, catch_exceptions=False)


def test_select_takes_commas_as_ruff_does() -> None:
    result = run("check", "--select", "CRD001,DUP001", "--output-format", "concise", str(SEED))
    assert {line.split()[1] for line in result.stdout.splitlines()} == {"CRD001", "DUP001"}
    both = run("check", "--select", "CRD001", "--select", "DUP001", "--output-format", "concise", str(SEED))
    assert both.stdout == result.stdout


@pytest.mark.parametrize(
    ("option", "typo", "meant"),
    [("--select", "CRD01", "CRD001"), ("--select", "crd001", "CRD001"), ("--ignore", "promos", "promo")],
)
def test_an_unknown_rule_gets_a_suggestion(option: str, typo: str, meant: str) -> None:
    result = run("check", option, typo, str(SEED))
    assert result.exit_code == 2
    assert f"{option}: no rule matches {typo!r}; did you mean {meant!r}?" in result.stderr


def test_diff_is_a_view_and_exits_0_while_check_exits_1() -> None:
    assert run("diff", str(SEED)).exit_code == 0
    assert run("check", str(SEED)).exit_code == 1


def test_nothing_found_still_says_so_in_one_line() -> None:
    checked = run("check", str(CLEAN_SAMPLE), str(ROOT / "tests" / "golden" / "gzero-article.txt.kept"))
    assert checked.exit_code == 0
    assert checked.stdout == ""
    assert checked.stderr == "2 files checked, nothing to remove\n"
    viewed = run("diff", str(CLEAN_SAMPLE))
    assert viewed.stderr == "1 file checked, nothing to remove\n"


def test_a_report_ends_with_a_summary_and_the_command_that_fixes() -> None:
    result = run("check", "--output-format", "concise", str(SEED))
    last = result.stderr.splitlines()[-1]
    fix, review = f"cleaner check --fix {SEED}", f"cleaner diff {SEED}"
    assert last == f"3 removals in 1 of 1 file. To remove them: {fix} (review first: {review})"


def test_results_go_to_stdout_and_everything_about_the_run_to_stderr() -> None:
    for command in (["check"], ["check", "--output-format", "json"], ["diff"]):
        result = run(*command, str(SEED))
        assert "Removals by rule" not in result.stdout
        assert "DUP001" in result.stdout
    assert "Removals by rule" in run("diff", str(SEED)).stderr
    report = json.loads(run("check", "--output-format", "json", str(SEED)).stdout)  # stdout is pure JSON
    assert report[0]["path"] == str(SEED)


def test_counts_are_spelled_with_their_plurals() -> None:
    text = "Real text of the story.\nAdvertisement\nOne.\nTwo more.\nThree more words.\nFour.\n"
    view = Console(file=io.StringIO(), width=200, color_system=None)
    view.print(render_rich_diff("a.txt", clean(text)))
    shown = view.file.getvalue()  # type: ignore[attr-defined]
    assert "1 removal, 1 line, 14 characters" in shown
    assert "⋮ 1 unchanged line\n" in shown
    assert "1 removals" not in shown and "1 lines" not in shown


def test_the_gutter_survives_wrapping_on_a_terminal() -> None:
    long_line = "word " * 30 + "Reuters"
    text = f"Story text.\n{long_line}\nAdvertisement\n"
    screen = Console(file=io.StringIO(), width=50, force_terminal=True, color_system=None)
    screen.print(render_rich_diff("a.txt", Cleaner().clean(text), wrap=True))
    lines = screen.file.getvalue().splitlines()  # type: ignore[attr-defined]
    wrapped = [line for line in lines if "word" in line]
    assert len(wrapped) > 2 and wrapped[0].startswith("2   word")
    assert all(line.startswith("    word") for line in wrapped[1:]), lines  # under the text, not the number


def test_undecodable_bytes_are_escaped_alike_in_check_and_diff(tmp_path: Path) -> None:
    path = tmp_path / "doc.txt"
    path.write_bytes(b"Text here.\nPhoto: J\xe9r\xf4me Smith/Reuters\nMore.\n")
    checked, viewed = run("check", str(path)), run("diff", str(path))
    assert "Photo: J\\udce9r\\udcf4me Smith/Reuters" in checked.stdout
    assert "Photo: J\\udce9r\\udcf4me Smith/Reuters" in viewed.stdout
    patch = run("check", "--diff", str(path)).stdout_bytes  # a patch keeps the bytes, so it applies
    assert b"-Photo: J\xe9r\xf4me Smith/Reuters\n" in patch


def test_rules_lists_whole_names_and_reasons_at_any_width() -> None:
    result = runner.invoke(app, ["rules"], env={"COLUMNS": "60"})
    assert "…" not in result.stdout
    line = next(line for line in result.stdout.splitlines() if line.startswith("CMT001 "))
    assert "comments.section-to-end" in line and line.endswith("and everything after it")


def test_a_users_rule_may_leave_out_examples_with_a_warning(tmp_path: Path) -> None:
    rules = tmp_path / "mine.toml"
    rules.write_text(
        '[[rule]]\nid = "MY001"\nname = "mine.sponsor"\nkind = "line"\ncategory = "ad"\n'
        "reason = \"Sponsor line\"\npattern = '^Sponsored by .+$'\n"
    )
    document = tmp_path / "doc.txt"
    document.write_text("Story.\nSponsored by Acme\n")
    result = run(
        "check", "--rules", str(rules), "--select", "MY001", "--output-format", "concise", str(document)
    )
    assert result.exit_code == 1
    assert "MY001 Sponsor line" in result.stdout
    assert f"{rules}:2: MY001: warning: no examples.remove and no examples.keep;" in result.stderr


def test_a_built_in_rule_without_examples_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cleaner import rules  # noqa: PLC0415

    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "ads.toml").write_text(
        '[[rule]]\nid = "ADS001"\nname = "ads.label"\nkind = "line"\ncategory = "ad"\n'
        "reason = \"Ad label\"\npattern = '^Advertisement$'\n"
    )
    monkeypatch.setattr(rules, "builtin_rules_dir", lambda: folder)
    with pytest.raises(rules.RuleFileError, match=r"examples\.remove: must be a non-empty list"):
        rules.read_rules()


def test_the_progress_bar_shows_the_total_and_the_time(monkeypatch: pytest.MonkeyPatch) -> None:
    screen = Console(file=io.StringIO(), width=150, force_terminal=True, color_system=None)
    monkeypatch.setattr(cli, "err", screen)
    with cli.corpus_progress() as update:
        assert update is not None
        update(CorpusStats(documents=120), 5_000_000, 20_000_000)
    shown = screen.file.getvalue()  # type: ignore[attr-defined]
    assert "120 documents" in shown and "5.0/20.0 MB" in shown and "0:00:0" in shown


def test_a_durations_reads_in_the_unit_that_fits() -> None:
    from cleaner.render import render_corpus_stats  # noqa: PLC0415

    screen = Console(file=io.StringIO(), width=300, color_system=None)
    screen.print(render_corpus_stats(CorpusStats(files=1, documents=1, bytes_in=3000, seconds=0.004)))
    title = screen.file.getvalue()  # type: ignore[attr-defined]
    assert "1 document in 1 file," in title and "in 4 ms" in title and "0.0 s" not in title
