"""The quality bench: its metric definitions, its reading of the three record shapes, and
its comparison of two runs. Small fixtures only (no shared data sets needed)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from cleaner import CleanResult, Removal

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
DATA = ROOT / "tests" / "data"
AEB = DATA / "quality-fixture.jsonl"  # truth text, plain JSONL
DRAGNET = DATA / "quality-dragnet.jsonl.gz"  # truth text and Dragnet's other fields, gzip
SNIPPETS = DATA / "quality-snippets.jsonl.gz"  # with / without snippets, gzip
FIXTURES = [str(AEB), str(DRAGNET), str(SNIPPETS)]


@pytest.fixture(scope="module")
def quality():
    sys.path.insert(0, str(BENCH))
    try:
        return importlib.import_module("quality")
    finally:
        sys.path.remove(str(BENCH))


def cut(text: str, rules: dict[int, str]) -> CleanResult:
    """A result that removes the given (1-based) lines of ``text``, each by its rule id."""
    lines = text.splitlines(keepends=True)
    starts = [sum(map(len, lines[:n])) for n in range(len(lines) + 1)]
    removals = tuple(
        Removal(starts[n - 1], starts[n], n, n, rule, rule.lower(), "test", "test", lines[n - 1])
        for n, rule in sorted(rules.items())
    )
    return CleanResult(text, removals)


PROSE = "The harbour bridge reopened to traffic on Thursday after six months of repairs to its deck."
TWICE = "Engineers said the work had finished two weeks ahead of schedule and well under budget."
ONCE = "The mayor thanked the crews who had worked through the winter nights to get the job done."
HEADLINE = "Harbour bridge reopens to traffic after six months of repairs to its deck and its cables"
JUNK = "Subscribe today and you will get unlimited access to all of our award winning journalism."


def test_prose_lost_counts_a_removed_truth_sentence_and_nothing_else(quality):
    truth = "\n".join([HEADLINE, PROSE, TWICE, ONCE, TWICE])
    text = "\n".join([HEADLINE, PROSE, JUNK, "Advertisement", TWICE, ONCE, ONCE, TWICE]) + "\n"
    # Removed: a headline of the truth (no sentence end), a truth sentence, a junk
    # sentence, a junk line, a repeated sentence the truth has once (the other copy is
    # kept) and one the truth has twice (the page really repeats it).
    result = cut(text, {1: "HDL", 2: "GONE", 3: "JNK", 4: "ADS", 7: "DUPKEPT", 8: "DUPLOST"})
    judge = quality.TruthJudge(truth)
    before = quality.shingle_counts(text)
    outcome = judge.measure((before, quality.score(judge.truth, before)), result, "JNK")
    assert outcome.lost == [("GONE", PROSE), ("DUPLOST", TWICE)]
    counts = {rule: (t.lines, t.in_truth, t.prose_lost) for rule, t in outcome.rules.items()}
    assert counts == {
        "HDL": (1, 1, 0),
        "GONE": (1, 1, 1),
        "JNK": (1, 0, 0),
        "ADS": (1, 0, 0),
        "DUPKEPT": (1, 1, 0),
        "DUPLOST": (1, 1, 1),
    }
    assert outcome.sample == [("JNK", "junk", JUNK)]
    assert outcome.after.recall < outcome.before.recall


def test_a_short_line_is_in_the_truth_only_as_a_whole_truth_line(quality):
    judge = quality.TruthJudge("By Jane Doe\nThe bridge reopened on Thursday.")
    text = "By Jane Doe\nJane Doe\nThe bridge reopened on Thursday.\n"
    before = quality.shingle_counts(text)
    outcome = judge.measure((before, quality.score(judge.truth, before)), cut(text, {1: "A", 2: "B"}), None)
    assert (outcome.rules["A"].in_truth, outcome.rules["B"].in_truth) == (1, 0)


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        (PROSE, True),
        (HEADLINE, False),  # no sentence end
        ("Too short to be prose, though it ends like one.", False),  # 10 words
        ('He said the council would vote on the plan again at its meeting next "Tuesday."', True),
        ("Read more about the bridge | the harbour | the cables | the deck | the city | the port.", True),
    ],
)
def test_prose_line_definition(quality, line, prose):
    assert quality.is_prose(line) is prose


MARKET = "Der Wochenmarkt zieht im Sommer auf den Rathausplatz um und öffnet jeden Samstag ab sieben Uhr."


def test_snippet_shares_count_snippets_found_before_cleaning(quality):
    text = f"Menü\n{MARKET}\nDie Stände bieten Obst,\nGemüse und Blumen.\nAdvertisement\nShare this article\n"
    judge = quality.SnippetJudge(
        ["Der Wochenmarkt zieht   im\nSommer", "Obst, Gemüse und Blumen.", "Nicht auf der Seite"],
        ["Advertisement", "Share this article", "Auch nicht da"],
    )
    outcome = judge.measure(text, cut(text, {1: "NAV", 2: "CUT", 5: "ADS"}), "CUT")
    s = outcome.snippets
    # The absent snippets count in the totals only; the one across a line break is found.
    assert (s.with_total, s.with_before, s.with_after, s.with_kept) == (3, 2, 1, 1)
    assert (s.without_total, s.without_before, s.without_after, s.without_removed) == (3, 2, 1, 1)
    assert outcome.lost == [("CUT", MARKET)]
    counts = {rule: (t.lines, t.in_truth, t.without, t.prose_lost) for rule, t in outcome.rules.items()}
    assert counts == {"NAV": (1, 0, 0, 0), "CUT": (1, 1, 0, 1), "ADS": (1, 0, 1, 0)}
    assert outcome.sample == [("CUT", "LOST with", MARKET)]
    group = quality.Group("snippets")
    group.add(outcome)
    figures = group.figures()
    assert (figures["with_kept"], figures["without_removed"]) == (0.5, 0.5)
    # Micro figures over all snippets: after cleaning 1 with and 1 without are found.
    assert figures["after"]["precision"] == 0.5 and figures["after"]["recall"] == pytest.approx(1 / 3)
    assert figures["prose_lost_documents"] == 1


def test_a_with_snippet_kept_elsewhere_is_not_lost(quality):
    text = f"{MARKET}\nMore text here.\n{MARKET}\n"
    judge = quality.SnippetJudge([MARKET], [])
    outcome = judge.measure(text, cut(text, {3: "DUP"}), None)
    assert outcome.lost == [] and outcome.rules["DUP"].in_truth == 1
    assert outcome.snippets.with_kept == 1


def run_main(quality, capsys, *args: str) -> str:
    assert quality.main([*FIXTURES, "--jobs", "1", *args]) == 0
    return capsys.readouterr().out


def test_three_record_shapes_both_profiles_json_and_markdown(quality, capsys, tmp_path):
    saved, markdown = tmp_path / "run.json", tmp_path / "quality.md"
    options = ["--json", str(saved), "--markdown", str(markdown), "--show-removed", "ADS001", "5"]
    out = run_main(quality, capsys, *options)
    report = json.loads(saved.read_text(encoding="utf-8"))
    assert {name: s["kind"] for name, s in report["sets"].items()} == {
        "quality-fixture.jsonl": "truth",
        "quality-dragnet.jsonl.gz": "truth",
        "quality-snippets.jsonl.gz": "snippets",
    }
    for name, by_profile in report["results"].items():
        assert list(by_profile) == ["article", "page"]
        row = by_profile["article"]["trafilatura"]
        assert row["documents"] == 2 and row["prose_lost_documents"] == 0
        # The fixtures' "Advertisement" lines are junk (or a without snippet) and go.
        ads = report["rules"][name]["article"]["trafilatura"]["ADS001"]
        assert (ads["removals"], ads["in_truth"], ads["prose_lost"]) == (1, 0, 0)
    snippets = report["results"]["quality-snippets.jsonl.gz"]["article"]["trafilatura"]
    assert snippets["snippets"]["with_before"] == 3  # one of them runs across a line break
    assert snippets["with_kept"] == 1.0 and snippets["without_removed"] == 1.0
    dragnet = report["results"]["quality-dragnet.jsonl.gz"]["article"]
    assert dragnet["justext"]["documents"] == 1  # a null output is skipped, an empty one counts
    assert "| rule | quality-fixture.jsonl removals |" in out
    assert "ADS001 [without]: Advertisement" in out
    text = markdown.read_text(encoding="utf-8")
    assert "### quality-snippets.jsonl.gz, `page` profile" in text and "| with kept |" in text


def test_snippet_figures_are_also_given_per_language_of_the_page(quality, capsys, tmp_path):
    saved, markdown = tmp_path / "run.json", tmp_path / "quality.md"
    run_main(quality, capsys, "--json", str(saved), "--markdown", str(markdown))
    report = json.loads(saved.read_text(encoding="utf-8"))
    by_language = report["languages"]["quality-snippets.jsonl.gz"]["article"]["trafilatura"]
    whole = report["results"]["quality-snippets.jsonl.gz"]["article"]["trafilatura"]["snippets"]
    assert list(by_language) == ["de", "en"]  # one page each; more pages come first
    assert sum(row["with_before"] for row in by_language.values()) == whole["with_before"]
    assert by_language["de"]["documents"] == 1 and by_language["de"]["without_removed"] == 1.0
    assert set(report["languages"]) == {"quality-snippets.jsonl.gz"}  # truth sets have none
    text = markdown.read_text(encoding="utf-8")
    assert "### quality-snippets.jsonl.gz, by language of the page" in text
    assert "| de | 1 | 100.0% (2) |" in text


def test_compare_reports_changed_figures_rules_and_lost_lines(quality, capsys, tmp_path):
    saved = tmp_path / "old.json"
    run_main(quality, capsys, "--json", str(saved))
    old = json.loads(saved.read_text(encoding="utf-8"))
    unchanged = run_main(quality, capsys, "--brief", "--compare", str(saved))
    assert "No figure changed." in unchanged and "No rule's counts changed." in unchanged
    row = old["results"]["quality-fixture.jsonl"]["article"]["trafilatura"]
    row["after"]["f1"] -= 0.25
    old["rules"]["quality-snippets.jsonl.gz"]["article"]["trafilatura"]["ADS001"]["removals"] = 3
    place = {"set": "quality-fixture.jsonl", "profile": "article", "extractor": "trafilatura"}
    old["lost"].append(
        place | {"id": "fixture-1", "rule": "PRM999", "line": "A sentence the old rules took."}
    )
    saved.write_text(json.dumps(old), encoding="utf-8")
    out = run_main(quality, capsys, "--brief", "--compare", str(saved))
    assert f"| quality-fixture.jsonl | article | trafilatura | F1 | {row['after']['f1']:.4f} |" in out
    assert "| quality-snippets.jsonl.gz | article | ADS001 | 3 → 1 |" in out
    assert "0 newly lost, 1 no longer lost" in out


def test_compare_lists_newly_lost_lines(quality):
    place = {"set": "aeb", "profile": "page", "extractor": "html-text", "id": "doc-1", "rule": "PGE001"}
    old = {"sets": {"aeb": {}}, "profiles": ["page"], "results": {}, "rules": {"aeb": {"page": {}}}}
    old["lost"] = []
    new = old | {"lost": [place | {"line": "A real sentence that went."}]}
    out = "\n".join(quality.compare(old, new, (), (), 5))
    assert "1 newly lost, 0 no longer lost" in out
    assert "doc-1 html-text PGE001: A real sentence that went." in out


def test_rule_counts_in_the_report_are_the_tally_fields(quality):
    import quality_tables  # noqa: PLC0415 (put on the path by the bench)

    assert quality.TALLY_FIELDS == quality_tables.COUNTS


def test_metric_follows_the_data_readme(quality):
    truth = quality.shingle_counts("one two three four five")
    assert sum(truth.values()) == 2  # two 4-token shingles
    assert quality.shingle_counts("just two") == {("just", "two"): 1}  # short text: one shingle
    score = quality.score(truth, quality.shingle_counts("one two, three four! extra"))
    assert (score.precision, score.recall) == (0.5, 0.5)
    assert quality.score(truth, quality.shingle_counts("")).precision is None  # left out of the mean
    summary = quality.summarize([quality.Score(1.0, 0.5), quality.Score(None, 0.5)])
    assert (summary.precision, summary.recall) == (1.0, 0.5)


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH / "quality.py"), *args],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT / "tests",
    )


def test_script_runs_with_a_pool_and_reports_bad_input_clearly(tmp_path):
    completed = run_script(*FIXTURES, "--jobs", "2", "--profile", "article", "--set", "aeb")
    assert completed.returncode != 0 and "either PATH arguments or --set" in completed.stderr
    completed = run_script(*FIXTURES, "--jobs", "2", "--profile", "page", "--json")
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["profiles"] == ["page"]
    missing = run_script(str(DATA / "nope.jsonl"))
    assert missing.returncode != 0 and "nope.jsonl: no such file" in missing.stderr
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "truth": "x", "outputs": {}}\n{"id": "b", "outputs": {}}\n', encoding="utf-8")
    broken = run_script(str(bad))
    assert broken.returncode != 0 and "bad.jsonl:2: a record needs a 'truth' string" in broken.stderr


def test_half_measures_the_sites_of_one_half_and_the_halves_make_the_whole(quality, capsys, tmp_path):
    # Two pages on each of four sites; the ids differ from page to page.
    pages = [
        {"id": f"{host}-{page}", "url": f"https://{host}/story-{page}", "truth": PROSE,
         "outputs": {"trafilatura": f"{PROSE}\nAdvertisement\n"}}
        for host in ("b.com", "c.com", "d.com", "e.com") for page in (1, 2)
    ]  # fmt: skip
    source = tmp_path / "sites.jsonl"
    source.write_text("".join(json.dumps(page) + "\n" for page in pages), encoding="utf-8")
    measured = {}
    for half in ("A", "B"):
        saved = tmp_path / f"{half}.json"
        assert quality.main([str(source), "--jobs", "1", "--half", half, "--json", str(saved)]) == 0
        report = json.loads(saved.read_text(encoding="utf-8"))
        assert report["half"] == half
        measured[half] = report["sets"]["sites.jsonl"]["documents"]
    capsys.readouterr()
    assert measured["A"] > 0 and measured["B"] > 0
    assert measured["A"] + measured["B"] == len(pages)
    # A site's pages fall in one half, whatever their ids; without a URL, the site hash
    # that starts a Dragnet or TE id keeps them together.
    for host in ("b.com", "c.com", "d.com", "e.com"):
        of_host = [page for page in pages if page["url"].startswith(f"https://{host}/")]
        assert len({quality.half_of(page) for page in of_host}) == 1
    hashes = ("3fbf0c2e", "46256240", "0e5bc9e2", "20f7e755")
    for site in hashes:
        ids = (f"{site}-1", f"{site}-77", f"{site}-x.de")
        assert len({quality.half_of({"id": page, "url": ""}) for page in ids}) == 1
    assert len({quality.half_of({"id": f"{site}-1"}) for site in hashes}) == 2
    # A half compared with a run of other pages would show their differences as changes.
    with pytest.raises(SystemExit, match="that run measured half A; compare runs of the same pages"):
        quality.main([str(source), "--jobs", "1", "--half", "B", "--compare", str(tmp_path / "A.json")])
    with pytest.raises(SystemExit, match="that run measured half A"):
        quality.main([str(source), "--jobs", "1", "--compare", str(tmp_path / "A.json")])
