"""No built-in rule can backtrack badly: a static check of every pattern, and a timing of
every rule on the shapes real extractors produce.

The timing bound is generous on purpose (a shared 2-core machine and CI are noisy): a
pattern that backtracks badly on these lines takes hundreds of milliseconds or runs into
its time limit, while every built-in rule takes well under a millisecond or two. A line
over the bound is timed again, and its best time counts, so a pause of the machine does
not fail the test; a slow pattern is slow every time.
"""

from __future__ import annotations

import time
import tomllib
from dataclasses import replace

import pytest
import regex

from cleaner import Cleaner, load_rules
from cleaner.backtracking import Unanalysable, describe_backtracking, find_backtracking, rule_findings
from cleaner.fastscan import HyperscanScanner, hyperscan_available
from cleaner.learn import LearnDocument, learn, plan_rule_files
from cleaner.matchers import LineScanner, RegexScanner, View, confirm_line
from tests.hostile.shapes import shaped_lines

BUILTIN = load_rules(check_examples=False)
PATTERN_RULES = [rule for rule in BUILTIN if rule.pattern is not None]
BOUND_MS = 50.0  # the worst confirmation of any rule on any shape, best of RETRIES timings
RETRIES = 3
# The issue's line, a byline padded by a whole-page extractor's layout, and the shape that
# hung: the padding between two columns of one line.
BYLINE_PADDED = "By Barry Willis" + " " * 700
BYLINE_COLUMNS = "By Barry Willis" + " " * 700 + "x"


def test_every_builtin_pattern_is_read_by_the_check():
    for rule in PATTERN_RULES:
        try:
            rule_findings(rule)
        except Unanalysable as error:
            pytest.fail(f"{rule.id}: {error}")


def test_no_builtin_rule_has_an_unexplained_finding():
    assert describe_backtracking(BUILTIN) == []


def test_every_backtracking_explanation_explains_a_finding():
    """An explanation left on a rule that no longer needs it would hide the next real finding."""
    for rule in PATTERN_RULES:
        if rule.backtracking_ok:
            assert rule_findings(rule), f"{rule.id}: backtracking_ok explains nothing; remove it"


@pytest.mark.parametrize(
    ("pattern", "max_chars", "kind", "constructs"),
    [
        # SGN006 as it was: the issue's hang.
        (
            r"^By\s+\p{Lu}\w+(?:\s*[|,]?\s*(?:Updated|Posted)?\s*[^\n]{0,40}\d[^\n]{0,30})?$",
            None,
            "overlapping",
            (r"\s*", r"\s*", r"\s*", r"[^\n]{0,40}"),
        ),
        (r"^(?:\w+\s?)+$", 80, "nested", (r"(?:\w+\s?)+",)),
        (r"^[\s\d]*\d+ comments$", None, "overlapping", (r"[\s\d]*", r"\d+")),
        (r"\d+\s*x", None, "overlapping", ("(every start)", r"\d+")),  # unanchored: every start tries
        (r"^a(?=[^\n]*b[^\n]*c)", None, "overlapping", (r"[^\n]*", r"[^\n]*")),  # inside a lookahead too
    ],
)
def test_the_check_finds_known_bad_shapes(pattern, max_chars, kind, constructs):
    findings = find_backtracking(pattern, max_chars)
    assert any(f.kind == kind and f.constructs == constructs for f in findings), findings


@pytest.mark.parametrize(
    ("pattern", "max_chars"),
    [
        (r"^By\s+\p{Lu}\w+(?:\s*(?:[|,]\s*)?(?:(?:Updated|Posted)\s*)?[^\n]{0,40}\d[^\n]{0,30})?$", 200),
        (r"^Tags\s*:\s*+[^\n.!?]{1,300}$", None),  # possessive: gives nothing back
        (r"^(?>\s*)\s*x$", None),  # atomic: the same
        (r"^(?:Home|News)(?:\s*[|/]\s*(?:Home|News))*$", None),  # a separator between items
        (r"^[^\n]{0,300}\(Photo\)$", None),  # one bounded quantifier: linear
        (r"^[\s\d]*\d+ comments$", 80),  # max_chars bounds the line: 80 x 80 ways
    ],
)
def test_the_check_passes_safe_shapes(pattern, max_chars):
    assert find_backtracking(pattern, max_chars) == ()


def test_learned_files_hold_lines_to_look_up_not_patterns(tmp_path):
    """What `cleaner learn` writes is checked by nobody else before it runs on a corpus: its
    lines are looked up after folding, so there is no pattern to backtrack."""
    lines = ("Updated 3 hours ago (c) A.B.", "Share   on 12 sites", "Read more »»")
    pages = [LearnDocument(str(n), "a.example", "\n".join([*lines, f"Story {n}."]) + "\n") for n in range(6)]
    plans = plan_rule_files(learn([lambda: pages]), tmp_path)
    rules = [rule for plan in plans for rule in tomllib.loads(plan.text)["rule"]]
    assert rules and all(rule["kind"] == "template" and "pattern" not in rule for rule in rules)
    assert {line["line"] for rule in rules for line in rule["lines"]} >= set(lines)


def worst_confirmation(rule, lines):
    """The slowest line for ``rule`` (best of `RETRIES` timings when over the bound), in ms."""
    worst = (0.0, "")
    for label, line in lines:
        view = View((0,), (line.strip(),))
        best = float("inf")
        for _ in range(RETRIES):
            started = time.perf_counter()
            confirm_line(rule, view, 0)
            best = min(best, (time.perf_counter() - started) * 1000)
            view = View((0,), (line.strip(),))  # a fresh cache: time the pattern, not the cache
            if best <= BOUND_MS:
                break
        worst = max(worst, (best, label))
    return worst


@pytest.mark.slow
@pytest.mark.parametrize("rule", PATTERN_RULES, ids=lambda rule: rule.id)
def test_every_rule_confirms_extractor_shapes_within_the_bound(rule):
    # A timeout past the bound fails here as slowness, not as an error of the rule.
    rule = replace(rule, timeout=max(1.0, 4 * BOUND_MS / 1000))
    milliseconds, label = worst_confirmation(rule, shaped_lines(rule))
    assert milliseconds <= BOUND_MS, f"{rule.id} took {milliseconds:.1f} ms on shape {label}"


SCANNERS = [RegexScanner, LineScanner] + ([HyperscanScanner] if hyperscan_available() else [])


@pytest.mark.parametrize("scanner", SCANNERS, ids=lambda scanner: scanner.__name__)
def test_the_issue_byline_in_columns_is_cleaned_in_milliseconds(scanner):
    cleaner = Cleaner(BUILTIN, profile="page", scanner=scanner())
    page = f"{BYLINE_PADDED}\n{BYLINE_COLUMNS}\n" + "\n" * 2000 + "Text of the story.\n" * 3
    cleaner.clean(page)  # the first call builds what the scanner keeps
    started = time.perf_counter()
    result = cleaner.clean(page)
    assert (time.perf_counter() - started) * 1000 <= BOUND_MS * 4, "one page of a few lines"
    # The padded byline goes whole, padding and all; the line of two columns is no byline.
    assert [(r.rule_id, r.text) for r in result.removals if "Barry" in r.text] == [
        ("SGN006", BYLINE_PADDED + "\n")
    ]
    assert BYLINE_COLUMNS in result.text and result.text.count("Text of the story.") == 3


def test_a_guard_keeps_the_pattern_off_a_long_line():
    """The guard, not the time limit, turns a padded line away: the pattern never runs."""
    rule = next(rule for rule in BUILTIN if rule.id == "SGN006")
    assert rule.max_chars is not None
    runaway = replace(rule, pattern=regex.compile(r"^(?:\s*)*x$"), timeout=0.05)
    assert confirm_line(runaway, View((0,), (BYLINE_COLUMNS,)), 0) is False
