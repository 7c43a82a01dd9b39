"""Structural rule mechanisms: runs of lines, the head and tail of running text, capped
to-the-end blocks, list bullets, the duplicate guards, and the page profile end to end."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, RuleFileError, clean, find_removals, load_rules, restore

MENU = "Home\nWorld\nBusiness\nSport\nTech\nContact us\n"
ARTICLE = (
    "The council voted on Monday to build a new library in the old market hall.\n"
    "Work starts in spring, and the doors should open before the end of next year.\n"
)


def write_rules(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "extra.toml"
    path.write_text(body, encoding="utf-8")
    return path


RUN_RULE = """
[[rule]]
id = "TST001"
name = "extra.menu"
kind = "run"
category = "navigation"
reason = "menu"
min_lines = 3
max_words = 3
pattern = '''^[^.!?\\n]+$'''
examples.remove = ["A.\\nHome\\nNews\\nSport\\n"]
examples.keep = ["A.\\nHome\\nNews\\n"]
"""


def test_a_run_rule_claims_only_runs_of_min_lines(tmp_path):
    rules = load_rules([write_rules(tmp_path, RUN_RULE)])
    text = "Home\n\nNews\nSport\nA sentence that breaks the run.\nAbout\nContact\n"
    removals = find_removals(text, rules)
    assert [(r.first_line, r.last_line) for r in removals] == [(1, 4)]  # blank line inside the run
    assert restore(clean(text, rules=rules).text, removals) == text


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (RUN_RULE.replace("min_lines = 3\n", ""), "min_lines: is required for a run rule"),
        (RUN_RULE.replace("min_lines = 3", "min_lines = 1"), "min_lines: must be a whole number >= 2"),
        (
            RUN_RULE.replace("min_lines = 3", "min_lines = 3\noutside_text = 0"),
            "outside_text: must be a whole number >= 1",
        ),
        (RUN_RULE.replace('kind = "run"', 'kind = "line"'), "min_lines: unknown field for a line rule"),
    ],
)
def test_run_and_outside_text_fields_are_validated(tmp_path, body, message):
    with pytest.raises(RuleFileError, match=message):
        load_rules([write_rules(tmp_path, body)])


def test_page_head_and_tail_go_and_the_article_stays():
    text = MENU + ARTICLE + "About us\nPrivacy\n"
    result = Cleaner(profile="page").clean(text)
    assert result.text == ARTICLE


def test_page_rules_leave_a_text_without_running_text_alone():
    text = "Ingredients\n2 eggs\n1 cup flour\n"
    assert Cleaner(profile="page").clean(text).removals == ()


def test_article_profile_keeps_the_headline_and_short_lists():
    text = "New library for the old market hall\n" + ARTICLE + "You will need:\nA card\nA pen\n"
    assert Cleaner(profile="article").clean(text).removals == ()


def test_list_bullets_are_ignored_when_matching_but_kept_in_the_output():
    text = ARTICLE + "* Share on Facebook\n"
    result = clean(text)
    assert result.text == ARTICLE
    assert result.removals[0].text == "* Share on Facebook\n"


def test_a_to_the_end_block_longer_than_max_lines_is_not_claimed():
    links = "".join(f"Menu link {n}\n" for n in range(50))
    text = ARTICLE * 3 + "More from Example News\n" + links + ARTICLE
    assert not [r for r in clean(text).removals if r.rule_id == "PRM001"]
    short = ARTICLE * 3 + "More from Example News\nTeaser one\nTeaser two\n"
    assert [r.rule_id for r in clean(short).removals] == ["PRM001"]


def test_duplicate_guards_keep_recurring_lines_list_items_and_data():
    question = "What inspired you to start cooking at home?\n"
    recurring = (question + "An answer.\n") * 3
    assert clean(recurring).removals == ()
    prices = "Buy it from the maker's shop for $139\nBuy it from the maker's shop for $169\n"
    assert clean(prices).removals == ()
    twice = (
        "A farewell ceremony at the airport, June 19.\nText.\nA farewell ceremony at the airport, June 19.\n"
    )
    assert [r.rule_id for r in clean(twice).removals] == ["DUP001"]
    # Two commands that differ in one value are two commands; the same one twice is a copy.
    commands = "netsh interface tcp set global autotuninglevel=disabled\nText.\n"
    commands += "netsh interface tcp set global autotuninglevel=normal\n"
    assert clean(commands).removals == ()
    assert [r.rule_id for r in clean(commands + commands).removals] == ["DUP001"] * 2


def test_lines_too_short_to_be_judged_make_no_line_a_candidate_copy():
    # The deduplicator compares only lines of min_words words or more: a menu item that
    # shares its first letters with a sentence must not send the sentence to be compared.
    from cleaner.dedup import lines_that_may_repeat  # noqa: PLC0415
    from cleaner.matchers import View  # noqa: PLC0415

    rule = next(rule for rule in load_rules(check_examples=False) if rule.id == "DUP001")
    contents = (
        "Share this story",
        "Share this story with a friend who follows the harbour works",
        "The harbour wall will be finished before the winter storms",
        "The harbour wall will be finished before the winter storms",
    )
    view = View(tuple(range(len(contents))), contents)
    assert lines_that_may_repeat(rule, view) == frozenset({2, 3})
    assert set(view.cache.keys) == {2, 3}


FRAGMENTS = [
    "Home", "World", "Sport", "Contact us", "Privacy Policy | Terms of Use", "13 hours ago",
    "Share on Facebook", "* Tweet", "By Jane Doe", "Related Stories", "Top Rated Comments",
    "We use cookies to improve your experience on our site.", "Advertisement", "",
    "The council voted on Monday to build a new library in the old market hall.",
    "Work starts in spring, and the doors should open before the end of next year.",
    "A farewell ceremony at the airport in the capital, June 19, 2024.",
]  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=30), st.sampled_from(["article", "page"]))
def test_both_profiles_restore_exactly_and_are_idempotent(lines, profile):
    text = "\n".join(lines) + "\n"
    cleaner = Cleaner(profile=profile)
    result = cleaner.clean(text)
    assert restore(result.text, result.removals) == text
    assert cleaner.clean(result.text).removals == ()


def test_rules_listing_prints_reasons_with_brackets_as_text():
    from typer.testing import CliRunner  # noqa: PLC0415

    from cleaner.cli import app  # noqa: PLC0415

    result = CliRunner().invoke(app, ["rules"])
    assert result.exit_code == 0, result.output
    assert "MRK001" in result.output  # its reason holds "[/button]", which rich must not parse


def test_running_text_bounds_are_found_once_per_view(monkeypatch):
    from cleaner import matchers  # noqa: PLC0415

    calls = []
    real = matchers.text_bounds

    def counting(view, min_words):
        calls.append(min_words)
        return real(view, min_words)

    monkeypatch.setattr(matchers, "text_bounds", counting)
    rule = Cleaner(profile="page").rules.get("PGE001")
    lines = MENU.splitlines() + ARTICLE.splitlines()
    view = matchers.View(tuple(range(len(lines))), tuple(lines))
    claimed = list(matchers.match_line_rule(rule, view, range(len(lines))))
    assert claimed == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (5, 5)]
    assert calls == [8]
