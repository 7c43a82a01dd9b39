"""The literals a pattern needs: every line it matches holds one of them, casefolded."""

from __future__ import annotations

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleaner import load_rules, matchers
from cleaner.literals import holds_risky, required_literals
from cleaner.matchers import LineScanner, LiteralFinder, View
from cleaner.rules import Rule

BUILTIN = [rule for rule in load_rules(check_examples=False) if rule.pattern is not None]
WORDS = ["ad", "Read more", "photo", "Über", "straße", "ΣΟΦΙΑ", "e-mail", "(c)", "x.y"]


@st.composite
def patterns(draw: st.DrawFn, depth: int = 0) -> str:
    """Patterns made of the constructs the reader follows, nested a little."""
    atoms = [
        st.sampled_from(WORDS).map(regex.escape),
        st.sampled_from(
            [r"\s*", r"\d+", r"[A-Za-z]", r"[^\n]{0,5}", r".", r"\b", "^", "$", r"\w+", r"\.", r"\x41", r"\<"]
        ),
    ]
    if depth < 2:
        inner = patterns(depth + 1)
        atoms += [
            st.lists(inner, min_size=2, max_size=3).map(lambda branches: "(?:" + "|".join(branches) + ")"),
            inner.map(lambda body: f"(?:{body})?"),
            inner.map(lambda body: f"(?:{body})+"),
            inner.map(lambda body: f"(?:{body}){{2,3}}"),
            inner.map(lambda body: f"(?=[^\\n]*{body})"),
            inner.map(lambda body: f"(?!{body})"),
            inner.map(lambda body: f"(?i:{body})"),
        ]
    return "".join(draw(st.lists(st.one_of(atoms), min_size=1, max_size=4)))


lines = st.lists(
    st.sampled_from(
        [*WORDS, " ", "AD", "READ MORE", "STRASSE", "σοφια", "über", "1", "é", "x", "<", "\u017f", "K"]
    ),
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(pattern=patterns(), line=lines, caseless=st.booleans())
def test_every_line_a_pattern_matches_holds_one_of_its_literals(pattern: str, line: str, caseless: bool):
    literals = required_literals(pattern, False)
    compiled = regex.compile(pattern, regex.IGNORECASE if caseless else 0)
    if literals is None or holds_risky(line) or not compiled.search(line):
        return
    assert any(literal in line.casefold() for literal in literals), (pattern, line, literals)


@pytest.mark.parametrize("rule", BUILTIN, ids=lambda rule: rule.id)
def test_the_built_in_rules_examples_hold_their_literals(rule):
    assert rule.pattern is not None
    literals = required_literals(rule.pattern.pattern, False)
    if literals is None:
        return
    for text in rule.examples.remove + rule.examples.keep:
        for line in text.splitlines():
            if rule.pattern.search(line.strip()):
                assert any(literal in line.casefold() for literal in literals), (line, sorted(literals))


def test_most_built_in_rules_have_literals():
    # Only the structural rules (any short line, any line outside the text) have none; the
    # rules whose lines are found beside other rules' removals are not scanned for at all.
    scanned = [rule for rule in BUILTIN if rule.scanned]
    without = {rule.id for rule in scanned if required_literals(rule.pattern.pattern, False) is None}
    assert len(without) <= 4, without


def test_what_it_cannot_read_gives_no_literals():
    assert required_literals(r"(\w+) \1", False) is None  # a back reference
    assert required_literals(r"[[a-z]--[aeiou]]x", False) is None  # a nested set
    assert required_literals(r"(?x) a d", False) is None  # verbose mode
    assert required_literals("advert", True) is None  # the rule's own verbose flag
    assert required_literals(r"\d+", False) is None  # nothing literal at all
    assert required_literals(r"(?:advert){e<=1}", False) is None  # fuzzy: "adbert" matches too
    assert required_literals(r"a(?R)?b", False) is None  # recursion, not flags
    assert required_literals(r"ab+(*PRUNE)c", False) is None  # a backtracking verb, not a group


def test_literals_come_from_alternations_lookaheads_and_repeats():
    assert required_literals(r"^(?:Photo|Image):", False) == {"photo:", "image:"}
    assert required_literals(r"^(?=[^\n]*cookies?)[^\n]*$", False) == {"cookie"}
    assert required_literals(r"(?:ab){2,}", False) == {"ab"}
    assert required_literals(r"\<span\>", False) == {"<span>"}  # in regex, \< is the character <
    assert required_literals(r"ab\pLcd", False) in ({"ab"}, {"cd"})  # \pL: one letter, not "l"
    assert required_literals(r"Stra(?i:SSE)", False) == {"strasse"}


def test_the_scanner_runs_a_pattern_only_on_lines_holding_a_literal(monkeypatch: pytest.MonkeyPatch):
    scanned: list[list[int]] = []
    original = matchers.scan_lines
    monkeypatch.setattr(
        matchers,
        "scan_lines",
        lambda rule, view, positions: scanned.append(positions) or original(rule, view, positions),
    )
    rule = next(rule for rule in BUILTIN if rule.id == "ADS001")
    contents = tuple(f"Line {n} of the menu" if n % 3 else "ADVERTISEMENT" for n in range(30))
    found = LineScanner().candidate_lines([rule], View(tuple(range(30)), contents))
    assert found["ADS001"] == list(range(0, 30, 3))
    assert all(position % 3 == 0 for positions in scanned for position in positions)


def test_the_finder_gives_the_lines_holding_a_literal_of_each_rule_casefolded():
    more = Rule("X001", "x.more", "line", "nav", "r", "f:1", pattern=regex.compile("(?:Read|Show) MORE"))
    street = Rule("X002", "x.street", "line", "nav", "r", "f:1", pattern=regex.compile("STRASSE"))
    finder = LiteralFinder([more, street])
    contents = ("Read more here", "nothing", "read MORE and Read More", "", "Hauptstraße 5", "show more")
    assert finder.lines_holding(View(tuple(range(len(contents))), contents)) == {
        "X001": {0, 2, 5},
        "X002": {4},
    }
    assert finder.lines_holding(View((0, 1), ("\u212a", "read more"))) is None  # risky: no test
