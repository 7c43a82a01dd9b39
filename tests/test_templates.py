"""Site templates: a site's learned lines apply to its own documents only, found by a look-up.

The corpus: three sites. ``shop.example`` puts "Home" and "Contact Us" on every page;
``homes.example`` writes about houses, and "Home" is a heading of its own articles on a few
pages; ``news.example`` has a template of its own. After `cleaner learn` and a corpus run,
"Home" is gone from the shop's pages and kept on the others.
"""

from __future__ import annotations

import json
import pickle
import random
import tomllib
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from typer.testing import CliRunner

from cleaner import Cleaner, load_rules
from cleaner.cli import app
from cleaner.errors import RuleFileError
from cleaner.records import read_records, write_records
from cleaner.rules import read_rules
from cleaner.templates import (
    Segment,
    TemplateLine,
    TemplateRule,
    TemplateTable,
    line_contents,
    site_of,
    template_key,
)

STORIES = ["rain", "snow", "fog", "wind", "hail", "sun", "frost", "storm", "heat", "dew", "mist", "ice"]
TEMPLATES = {
    "shop.example": ["Home", "Contact Us", "Free delivery on orders over 50 euros"],
    "news.example": ["Subscribe to the Morning Brief", "Updated {n} hours ago"],
    "homes.example": [],
}


def page(site: str, number: int, rng: random.Random) -> str:
    """A page of ``site``: its template lines around a short story of its own."""
    story = f"A story about {STORIES[number % len(STORIES)]} number {number} and {rng.randrange(10**6)}."
    name = "".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(3)).title()
    body = [story, f"{name} said it went on for days."]
    if site == "homes.example" and number % 4 == 0:  # real content: a heading of its own
        body = ["Home", *body]
    template = [line.format(n=rng.randrange(1, 24)) for line in TEMPLATES[site]]
    return "\n".join([*template[:1], *body, *template[1:]]) + "\n"


@pytest.fixture(scope="module")
def records() -> list[dict[str, object]]:
    rng = random.Random(3)
    made = []
    for number in range(12):
        for site in TEMPLATES:
            made.append(
                {
                    "id": f"{site}/{number}",
                    "url": f"https://{site}/story/{number}",
                    "source": site.split(".")[0],
                    "date": f"2024-{1 + number // 4:02d}-15",
                    "text": page(site, number, rng),
                }
            )
    return made


@pytest.fixture(autouse=True)
def own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test with a cache folder of its own, so what it tests is what it cached."""
    monkeypatch.setenv("CLEANER_CACHE_DIR", str(tmp_path / "cache"))


def learn_and_apply(tmp_path: Path, records: list[dict[str, object]], *extra: str) -> dict[str, list[str]]:
    """Learn from the records, apply the learned folder with ``cleaner corpus``: the lines
    removed from each record, by id."""
    write_records(tmp_path / "pages.jsonl", records)
    runner = CliRunner()
    learned = tmp_path / "learned"
    if not learned.exists():
        run = runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(learned)])
        assert run.exit_code == 0, run.output
    audit = tmp_path / "removed.jsonl"
    args = ["corpus", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "clean.jsonl"), "--workers", "1"]
    args += ["--rules", str(learned), "--no-default-rules", "--removed-output", str(audit), *extra]
    run = runner.invoke(app, args)
    assert run.exit_code == 0, run.output
    return {
        record["id"]: [removal["text"].strip() for removal in record["removals"]]
        for _, record in read_records(audit)
    }


def test_a_template_line_of_one_site_is_removed_on_that_site_only(tmp_path, records):
    removed = learn_and_apply(tmp_path, records)
    for record in records:
        site = str(record["id"]).split("/")[0]
        keys = {template_key(line.format(n=1)) for line in TEMPLATES[site]}
        expected = [line for line in str(record["text"]).splitlines() if template_key(line) in keys]
        assert removed.get(str(record["id"]), []) == expected, record["id"]
    homes_with_heading = [
        r for r in records if str(r["id"]).startswith("homes.") and "Home\n" in str(r["text"])
    ]
    assert homes_with_heading and all(str(r["id"]) not in removed for r in homes_with_heading)
    assert all("Home" in removed[f"shop.example/{n}"] for n in range(12))


def test_a_removal_names_the_template_rule_its_site_and_the_line_counts(tmp_path, records):
    write_records(tmp_path / "pages.jsonl", records)
    assert (
        CliRunner().invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "l")]).exit_code
        == 0
    )
    rules = load_rules([tmp_path / "l"])
    shop = Cleaner(rules, profile="page").clean("Home\nA story.\n", site="shop.example").removals[0]
    assert (shop.rule_name, shop.category) == ("learned.shop.example", "template")
    assert shop.reason == "Template line of shop.example: in 12 of its 12 documents (100%)"
    assert rules.get(shop.rule_id).sites == ("shop.example",)  # type: ignore[union-attr]
    assert Cleaner(rules).clean("Home\nA story.\n", site="homes.example").removals == ()
    assert Cleaner(rules).clean("Home\nA story.\n").removals == ()  # no site: scoped lines stay


def test_check_takes_the_site_from_the_folder_or_from_site(tmp_path, records):
    write_records(tmp_path / "pages.jsonl", records)
    runner = CliRunner()
    assert (
        runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "l")]).exit_code == 0
    )
    for folder in ("shop.example", "homes.example"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "page.txt").write_text("Home\nA story about a house.\n")
    common = [
        "check",
        "--isolated",
        "--no-default-rules",
        "--rules",
        str(tmp_path / "l"),
        "--output-format",
        "json",
    ]
    by_folder = runner.invoke(app, [*common, str(tmp_path / "shop.example"), str(tmp_path / "homes.example")])
    reports = {
        Path(report["path"]).parent.name: report["removals"] for report in json.loads(by_folder.stdout)
    }
    assert [r["text"] for r in reports["shop.example"]] == ["Home\n"] and reports["homes.example"] == []
    forced = runner.invoke(app, [*common, "--site", "homes.example", str(tmp_path / "shop.example")])
    assert forced.exit_code == 0 and json.loads(forced.stdout)[0]["removals"] == []


def test_deleting_a_line_from_a_learned_file_makes_the_table_follow(tmp_path, records, monkeypatch):
    before = learn_and_apply(tmp_path, records)
    assert all("Home" in before[f"shop.example/{n}"] for n in range(12))
    shop = tmp_path / "learned" / "shop.example.toml"
    text = shop.read_text()
    assert sum(line.startswith('  { line = "Home"') for line in text.splitlines()) == 1
    shop.write_text(
        "".join(line for line in text.splitlines(True) if not line.startswith('  { line = "Home"'))
    )
    # Only the edited file is read again; the others come from the cache.
    import cleaner.rules  # noqa: PLC0415

    parsed: list[Path] = []
    read = cleaner.rules.read_rule_file
    monkeypatch.setattr(
        cleaner.rules, "read_rule_file", lambda path, *a: parsed.append(path) or read(path, *a)
    )
    rules = load_rules([tmp_path / "learned"])
    assert parsed == [shop]
    assert rules.templates.line_count == sum(map(len, TEMPLATES.values())) - 1
    monkeypatch.undo()
    after = learn_and_apply(tmp_path, records)
    for number in range(12):
        assert after[f"shop.example/{number}"] == [
            line for line in before[f"shop.example/{number}"] if line != "Home"
        ]
        assert after[f"news.example/{number}"] == before[f"news.example/{number}"]


def test_an_unchanged_folder_loads_from_the_cache_without_reading_a_file(tmp_path, records, monkeypatch):
    learn_and_apply(tmp_path, records)
    import cleaner.rules  # noqa: PLC0415

    monkeypatch.setattr(cleaner.rules, "read_rule_file", lambda *a: pytest.fail("a cached file was parsed"))
    rules = load_rules([tmp_path / "learned"])
    assert sorted(rule.name for rule in rules.templates.rules) == [
        "learned.news.example",
        "learned.shop.example",
    ]


def test_group_by_names_the_site_field(tmp_path, records):
    write_records(tmp_path / "pages.jsonl", records)
    run = CliRunner().invoke(
        app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "learned"), "--group-by", "source"]
    )
    assert run.exit_code == 0, run.output
    by_host = learn_and_apply(tmp_path, records)  # the learned sites are "shop", not hosts
    assert by_host == {}
    by_source = learn_and_apply(tmp_path, records, "--group-by", "source")
    assert all("Home" in by_source[f"shop.example/{n}"] for n in range(12))


def test_rules_can_be_selected_listed_and_explained(tmp_path, records):
    write_records(tmp_path / "pages.jsonl", records)
    runner = CliRunner()
    assert (
        runner.invoke(app, ["learn", str(tmp_path / "pages.jsonl"), "-o", str(tmp_path / "l")]).exit_code == 0
    )
    rules = load_rules([tmp_path / "l"])
    shop_id = rules.get("learned.shop.example").id  # type: ignore[union-attr]
    kept = Cleaner(rules, ignore=[shop_id]).rules.templates
    assert [rule.name for rule in kept.rules] == ["learned.news.example"]
    assert kept.line_count == len(TEMPLATES["news.example"])
    assert Cleaner(rules, ignore=[shop_id]).clean("Home\n", site="shop.example").removals == ()
    listing = runner.invoke(
        app, ["rules", "--isolated", "--no-default-rules", "--rules", str(tmp_path / "l")]
    )
    assert "learned.shop.example" in listing.stdout and "template" in listing.stdout
    explained = runner.invoke(app, ["rule", shop_id, "--isolated", "--rules", str(tmp_path / "l")])
    assert explained.exit_code == 0 and "Sites: shop.example" in explained.stdout
    assert "Lines: 3" in explained.stdout


def test_learn_reports_each_line_month_by_month_and_learns_again_from_a_month_on(tmp_path, records):
    redesigned = [dict(record) for record in records]
    for record in redesigned:  # from March on, the news site's brief is gone
        if str(record["id"]).startswith("news.") and str(record["date"]) >= "2024-03":
            record["text"] = str(record["text"]).replace("Subscribe to the Morning Brief\n", "")
    write_records(tmp_path / "pages.jsonl", redesigned)
    runner = CliRunner()
    args = ["learn", str(tmp_path / "pages.jsonl"), "--date-field", "date", "--explain"]
    run = runner.invoke(app, [*args, "-o", str(tmp_path / "all")])
    assert run.exit_code == 0, run.output
    assert "by month: 2024-01 4/4 (100%), 2024-02 4/4 (100%), 2024-03 0/4 (0%)" in run.stdout
    recent = runner.invoke(app, [*args, "-o", str(tmp_path / "all"), "--since", "2024-03", "--min-docs", "3"])
    assert recent.exit_code == 0, recent.output
    news = tomllib.loads((tmp_path / "all" / "news.example.since-2024-03.toml").read_text())["rule"][0]
    assert news["documents"] == 4 and news["lines"] and news["name"] == "learned.news.example.since-2024-03"
    assert all("Subscribe" not in line["line"] for line in news["lines"])
    # beside the file learned from every month, whose lines the older pages still need
    rules = load_rules([tmp_path / "all"])
    assert rules.get("learned.news.example") and rules.get("learned.news.example.since-2024-03")
    old_page = Cleaner(rules).clean("Subscribe to the Morning Brief\nA story.\n", site="news.example")
    assert [removal.rule_name for removal in old_page.removals] == ["learned.news.example"]
    bad = runner.invoke(app, [*args, "-o", str(tmp_path / "x"), "--since", "March"])
    assert bad.exit_code == 2 and "--since takes a month (YYYY-MM)" in bad.output


def test_a_date_that_is_not_one_names_the_record(tmp_path):
    write_records(tmp_path / "in.jsonl", [{"text": "Menu\n", "date": "yesterday"}])
    run = CliRunner().invoke(
        app, ["learn", str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "o"), "--date-field", "date"]
    )
    assert run.exit_code == 2 and "in.jsonl:1: the record's 'date' is 'yesterday', not a date" in run.output


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_a_bad_template_rule_is_reported_at_its_file_rule_and_field(tmp_path):
    path = write(
        tmp_path / "bad.toml",
        '[[rule]]\nid = "LRN001"\nname = "learned.a"\nkind = "template"\ncategory = "template"\n'
        'reason = "r"\nsites = [""]\ndocuments = 0\nlines = [\n  { line = "  " },\n  { text = "Home" },\n'
        '  { line = "Home", documents = "many" },\n]\n',
    )
    with pytest.raises(RuleFileError) as error:
        read_rules([path])
    message = str(error.value)
    for expected in (
        "LRN001.sites: must not hold an empty string",
        "LRN001.documents: must be a whole number >= 1",
        "LRN001.lines[1].line: must be a string holding more than white space",
        "LRN001.lines[2].text: unknown field",
        "LRN001.lines[3].documents: must be a whole number >= 1",
    ):
        assert f"{path}:" in message and expected in message, expected


def test_an_id_used_by_a_template_rule_and_another_rule_is_a_clash(tmp_path):
    template = '[[rule]]\nid = "LRN001"\nname = "learned.a"\nkind = "template"\ncategory = "t"\nreason = "r"\nlines = [{ line = "Home" }]\n'
    line = '[[rule]]\nid = "LRN001"\nname = "mine.b"\nkind = "line"\ncategory = "t"\nreason = "r"\npattern = "^x$"\n'
    with pytest.raises(RuleFileError, match="'LRN001' is already used by"):
        read_rules([write(tmp_path / "a.toml", template), write(tmp_path / "b.toml", line)])


def test_a_rule_scoped_to_sites_applies_to_their_documents_only(tmp_path):
    rule = (
        '[[rule]]\nid = "MY001"\nname = "my.home"\nkind = "line"\ncategory = "nav"\nreason = "menu"\n'
        'sites = ["shop.example", "store.example"]\npattern = "^Home$"\n'
        'examples.remove = ["Home\\n"]\nexamples.keep = ["Homes for sale\\n"]\n'
    )
    rules = load_rules(
        [write(tmp_path / "my.toml", rule)], check_examples=True
    )  # examples run on shop.example
    cleaner = Cleaner(rules, select=["MY"])
    assert [r.text for r in cleaner.clean("Home\nStory.\n", site="store.example").removals] == ["Home\n"]
    assert cleaner.clean("Home\nStory.\n", site="homes.example").removals == ()
    assert cleaner.clean("Home\nStory.\n").removals == ()


def test_the_table_pickles_whole(records):
    table = TemplateTable([Segment.of([(rule("shop.example"), [TemplateLine("Home", 3)])])])
    again = pickle.loads(pickle.dumps(table))
    assert again.find_lines("shop.example", ("Home", "Story")) == {0: 0}
    assert again.rule_of(0) == (rule("shop.example"), 3)


def rule(*sites: str) -> TemplateRule:
    return TemplateRule("LRN001", "learned.x", "template", "r", "f:1", sites, 10, ("article",), True, (), "")


FRAGMENTS = ["Home", "HOME", "home page", "Updated 3 hours ago", "updated  12 HOURS ago", "• Home", "Ⅻ",
             "İstanbul 1", "a\u00a0b", "© 2024 Shop", "x" * 40, "", "   ", "٣ days", "kelvin", "\u212aelvin"]  # fmt: skip


@given(
    st.lists(st.sampled_from(FRAGMENTS), max_size=4),
    st.lists(st.lists(st.sampled_from(FRAGMENTS), min_size=1, max_size=3).map(" ".join), max_size=30),
)
@example(
    ["kelvin"], ["\u212aelvin"]
)  # the Kelvin sign lower-cases to "k": a non-ASCII start is never ruled out
@example(["Home"], ["  home  ", "HOME", "Home" + " " * 30 + "x"])
@example(["home page"], ["Home" + " " * 29 + "page", "Home" + " " * 31 + "page", "home page 1"])
def test_the_look_up_finds_what_folding_every_line_finds(template, document):
    table = TemplateTable(
        [Segment.of([(rule("a.example"), [TemplateLine(t) for t in template if t.strip()])])]
    )
    lines = [line + "\n" for line in document]
    contents = line_contents(lines, "".join(lines))
    keys = {template_key(t): n for n, t in enumerate(t for t in template if t.strip())}
    prepared = table.prepared("a.example")

    def compared(content: str) -> bool:  # lines far longer than the template lines are not
        return prepared is not None and len(content) <= prepared.limits.get(content[:1], prepared.limit)

    expected = {
        index: keys[template_key(content)]
        for index, content in enumerate(contents)
        if template_key(content) in keys and compared(content)
    }
    found = table.find_lines("a.example", contents)
    assert {index: table.text(entry) for index, entry in found.items()} == {
        index: table.text(entry) for index, entry in expected.items()
    }
    assert table.find_lines("b.example", contents) == {}


URL_PIECES = ["https://", "http://", "HTTP://", "//", "a", "B", ".example", ":443", ":", "@", "user", "/", "?q", "#f",
              "[::1]", " ", "\t", "\n", "%41", "ü", "\\"]  # fmt: skip


@given(st.lists(st.sampled_from(URL_PIECES), max_size=8).map("".join))
@example("https://News.Example.com:443/a/b")
@example("http://a.b\n")
@example("https://%41HTTP://")
def test_the_host_of_a_url_is_what_urlsplit_finds(url):
    from urllib.parse import urlsplit  # noqa: PLC0415

    try:
        expected = urlsplit(url.strip()).hostname or ""
    except ValueError:
        expected = ""
    assert site_of({"url": url}, None) == expected
