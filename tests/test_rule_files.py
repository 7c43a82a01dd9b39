"""The built-in rule files lint themselves, and every rule's examples run as a test."""

from __future__ import annotations

import pickle

import pytest

from cleaner import RuleFileError, RuleSet, find_removals, load_rules
from cleaner.pipeline import rules_for_examples
from cleaner.rules import MAX_LITERAL_CHARS, LazyPattern, builtin_rules_dir, longest_literal

BUILTIN = load_rules(check_examples=False)


def example_cases(which: str) -> list[object]:
    cases = []
    for rule in BUILTIN:
        examples = rule.examples.remove if which == "remove" else rule.examples.keep
        for number, text in enumerate(examples, 1):
            cases.append(pytest.param(rule, text, id=f"{rule.id}-{number}"))
    return cases


@pytest.mark.parametrize(("rule", "text"), example_cases("remove"))
def test_rule_removes_its_positive_examples(rule, text):
    removals = [r for r in find_removals(text, rules_for_examples(rule, BUILTIN)) if r.rule_id == rule.id]
    assert removals, f"{rule.id} should remove something from {text!r}"
    if "\n" not in text.rstrip("\n"):
        assert removals[0].text == text, "a one-line example must be removed whole"


@pytest.mark.parametrize(("rule", "text"), example_cases("keep"))
def test_rule_keeps_its_negative_examples(rule, text):
    assert [r for r in find_removals(text, rules_for_examples(rule, BUILTIN)) if r.rule_id == rule.id] == []


def test_every_rule_has_both_kinds_of_example_and_a_reason():
    for rule in BUILTIN:
        assert rule.examples.remove and rule.examples.keep, rule.id
        assert rule.reason and "\n" not in rule.reason, rule.id


def test_ids_are_unique_and_families_match_their_files():
    ids = [rule.id for rule in BUILTIN]
    assert len(ids) == len(set(ids))
    for rule in BUILTIN:
        file_stem = rule.source.split(":")[0].rsplit("/", 1)[-1].removesuffix(".toml")
        assert rule.name.split(".")[0] == file_stem, (
            f"{rule.id} is named {rule.name} but lives in {file_stem}.toml"
        )


def test_builtin_rules_load_with_examples_checked():
    assert len(load_rules([builtin_rules_dir()], check_examples=True)) == len(BUILTIN)


def test_builtin_patterns_compile_on_first_use():
    rules = load_rules(check_examples=False)
    patterns = [rule.pattern for rule in rules if rule.pattern is not None]
    assert all(isinstance(pattern, LazyPattern) for pattern in patterns)
    assert all(pattern._compiled is None for pattern in patterns)  # loading compiled none of them
    first = patterns[0]
    first.search("")
    assert first._compiled is not None
    assert pickle.loads(pickle.dumps(first)) == first


def test_builtin_patterns_hold_no_run_of_fixed_characters_too_long_to_prepare():
    # Loading checks a user's pattern for this; the built-in ones are checked here instead.
    for rule in BUILTIN:
        if rule.pattern is not None:
            assert longest_literal(rule.pattern.pattern) <= MAX_LITERAL_CHARS, rule.id


def test_a_broken_builtin_pattern_is_a_rule_file_error_naming_the_rule():
    pattern = LazyPattern("(unclosed", 0, "rules/ads.toml:7: ADS999")
    with pytest.raises(RuleFileError, match=r"ads\.toml:7: ADS999\.pattern: missing \)"):
        pattern.search("text")


def test_a_users_rule_file_is_compiled_as_it_loads(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(
        '[[rule]]\nid = "USR001"\nname = "mine.broken"\nkind = "line"\ncategory = "x"\n'
        'reason = "r"\npattern = "(unclosed"\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleFileError, match=r"USR001\.pattern"):
        load_rules([path], check_examples=False)
