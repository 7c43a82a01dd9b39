"""The engine's rules of the game: rule kinds, guards, precedence and blank lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import Cleaner, CleanResult, Removal, RuleSet, find_removals, load_rules, restore
from cleaner.errors import RuleFileError

HEADER = """
[[rule]]
id = "TST{number:03d}"
name = "test.rule-{number}"
category = "{category}"
reason = "test rule {number}"
examples.remove = ["{remove}"]
examples.keep = ["Plain text."]
"""


def rules_from(tmp_path: Path, *bodies: str) -> RuleSet:
    text = ""
    for number, body in enumerate(bodies, 1):
        lines = dict(line.split(" = ", 1) for line in body.strip().splitlines())
        category = lines.pop("category", '"promo"').strip('"')
        remove = lines.pop("remove", '"X"').strip('"')
        text += HEADER.format(number=number, category=category, remove=remove)
        text += "".join(f"{key} = {value}\n" for key, value in lines.items())
    path = tmp_path / "test.toml"
    path.write_text(text)
    return load_rules([path], check_examples=False)


def removed(text: str, rules: RuleSet) -> list[tuple[str, int, int]]:
    return [(r.rule_id, r.first_line, r.last_line) for r in find_removals(text, rules)]


def test_block_extents(tmp_path: Path):
    text = "Body.\n\nSTART\na\nb\n\nStory goes on with a long line of many words in it, more than five\nc\n"
    for extent, extra, expected in [
        ("blank", "", (3, 6)),  # the blank line after the block is surplus and goes with it
        ("lines", "max_lines = 2", (3, 4)),
        ("end", "", (2, 8)),
        ("teasers", "teaser_max_words = 5", (3, 6)),
    ]:
        body = f'kind = "block"\npattern = \'^START$\'\nextent = "{extent}"\n{extra}'
        assert removed(text, rules_from(tmp_path, body)) == [("TST001", *expected)], extent


def test_a_teaser_block_runs_over_a_long_headline_in_title_case(tmp_path: Path):
    # It stops at a long line in sentence case: a paragraph.
    headline = "Osun Economic Summit Is An Indication That This Government Is Committed To Making"
    headline += " Lives Better For All Its People"
    line = "the council said on Monday that the new library would open in the spring of next year"
    body = "kind = \"block\"\npattern = '^RECENT$'\nextent = \"teasers\"\nteaser_max_words = 16"
    text = f"Body.\nRECENT\nGAC Motors to visit Lagos\n{headline}\nCourt admits the footage\n{line}\nEnd\n"
    assert removed(text, rules_from(tmp_path, body)) == [("TST001", 2, 5)]


def test_a_teaser_block_reaches_as_far_with_blank_lines_between_its_teasers(tmp_path: Path):
    # max_lines counts the header and its teasers, not the blank lines an extractor adds.
    body = "kind = \"block\"\npattern = '^RECENT$'\nextent = \"teasers\"\nmax_lines = 4"
    teasers = ["GAC Motors to visit Lagos", "Court admits the footage", "Rain on the way", "More rain"]
    compact = "Body.\nRECENT\n" + "\n".join(teasers) + "\n"
    spaced = "Body.\n\nRECENT\n\n" + "\n\n".join(teasers) + "\n"
    assert removed(compact, rules_from(tmp_path, body)) == [("TST001", 2, 5)]
    # the same three teasers, and the blank line after the last goes with them
    assert removed(spaced, rules_from(tmp_path, body)) == [("TST001", 3, 10)]


def test_position_guard_limits_where_a_line_rule_applies(tmp_path: Path):
    rules = rules_from(tmp_path, 'kind = "line"\npattern = \'^X$\'\nposition = "last 2 lines"')
    assert removed("X\na\nb\nc\nX\n", rules) == [("TST001", 5, 5)]
    rules = rules_from(tmp_path, 'kind = "line"\npattern = \'^X$\'\nposition = "first 20%"')
    assert removed("X\na\nb\nc\nX\n", rules) == [("TST001", 1, 1)]


def test_word_and_length_guards(tmp_path: Path):
    rules = rules_from(tmp_path, "kind = \"line\"\npattern = '^Share'\nmax_words = 3\nmax_chars = 20")
    assert removed(
        "Share this\nShare prices rose again today\nShare it with all your friends now\n", rules
    ) == [("TST001", 1, 1)]


def test_next_to_needs_a_neighbour_removed_by_the_named_category(tmp_path: Path):
    duplicate = 'kind = "duplicate"\ncategory = "duplicate"\nmin_words = 3'
    credit = r"""kind = "line"
pattern = '^\p{Lu}\w+ \p{Lu}\w+/\p{Lu}\w+$'
next_to = ["duplicate"]"""
    rules = rules_from(tmp_path, duplicate, credit)
    text = "A caption of a photo here.\nA caption of a photo here.\nJane Roe/Outlet\n\nJohn Doe/Elsewhere\n"
    assert removed(text, rules) == [("TST001", 2, 2), ("TST002", 3, 3)]



def test_next_to_side_looks_one_way_over_blank_lines(tmp_path: Path):
    header = 'kind = "line"\ncategory = "about"\npattern = \'^About Jane Doe$\''
    text_under = 'kind = "line"\npattern = \'^\\S\'\nnext_to = ["about"]\nnext_to_side = "above"'
    rules = rules_from(tmp_path, header, text_under)
    text = "The story ends here.\n\nAbout Jane Doe\n\nJane writes about rivers.\nMore text.\n"
    assert removed(text, rules) == [("TST001", 3, 4), ("TST002", 5, 5)]
    either = rules_from(tmp_path, header, text_under.replace('"above"', '"either"'))
    assert removed("The story ends here.\nAbout Jane Doe\n", either) == [("TST002", 1, 1), ("TST001", 2, 2)]


def test_next_to_either_side_looks_over_blank_lines(tmp_path: Path):
    # html-text and inscriptis put a blank line between every two lines of a form
    required = 'kind = "line"\ncategory = "comments"\npattern = \'^(?:Name|E-Mail) \\*$\''
    bare = 'kind = "line"\npattern = \'^Website$\'\nnext_to = ["comments"]'
    rules = rules_from(tmp_path, required, bare)
    form = "The story ends here.\n\nName *\n\nE-Mail *\n\nWebsite\n\nMore text.\n"
    assert ("TST002", 7, 8) in removed(form, rules)
    alone = "The story ends here.\n\nWebsite\n\nThe site went live on Monday.\n"
    assert removed(alone, rules) == []


def test_next_to_side_needs_next_to_and_a_known_side(tmp_path: Path):
    with pytest.raises(RuleFileError, match="next_to_side: says where next_to's neighbour lies"):
        rules_from(tmp_path, 'kind = "line"\npattern = \'^X$\'\nnext_to_side = "above"')
    with pytest.raises(RuleFileError, match="next_to_side: must be one of either, above, below"):
        rules_from(tmp_path, 'kind = "line"\npattern = \'^X$\'\nnext_to = ["ad"]\nnext_to_side = "up"')

HEADLINES = "Teaser One Here\nTeaser Two Here\n\nTeaser Three Here\n"
BETWEEN_REMOVALS = (
    "kind = \"line\"\npattern = '^(?:Ad|Stamp)$'",
    "kind = \"run\"\nmin_lines = 3\npattern = '^Teaser \\w+ Here$'\nbetween_removals = true",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # between two removed lines: the run goes (and the blank line inside it)
        (f"Body.\nAd\n{HEADLINES}\nAd\nEnd.\n", [("TST001", 2, 2), ("TST002", 3, 6), ("TST001", 8, 8)]),
        # a removed line inside the run does not break it
        (
            "Body.\nAd\nTeaser One Here\nStamp\nTeaser Two Here\nTeaser Three Here\nAd\nEnd.\n",
            [("TST001", 2, 2), ("TST002", 3, 3), ("TST001", 4, 4), ("TST002", 5, 6), ("TST001", 7, 7)],
        ),
        # kept text on one side: a list of the article's own
        (f"Body.\nAd\n{HEADLINES}End.\n", [("TST001", 2, 2)]),
        (f"Body.\n{HEADLINES}Ad\nEnd.\n", [("TST001", 6, 6)]),
        # the text's start or end is not a removal
        (f"{HEADLINES}Ad\nEnd.\n", [("TST001", 5, 5)]),
        # too short a run
        ("Body.\nAd\nTeaser One Here\nTeaser Two Here\nAd\nEnd.\n", [("TST001", 2, 2), ("TST001", 5, 5)]),
    ],
)
def test_between_removals_needs_removed_lines_on_both_sides(tmp_path: Path, text: str, expected: list):
    rules = rules_from(tmp_path, *BETWEEN_REMOVALS)
    assert removed(text, rules) == expected
    result = CleanResult(text, find_removals(text, rules))
    assert find_removals(result.text, rules) == ()  # cleaning again removes nothing more


def test_between_removals_counts_lines_removed_in_an_earlier_pass(tmp_path: Path):
    # The footer is the last line only once "Ad" below it is gone (first pass); it goes in the
    # second, and the run, looked at once the others have settled, lies between removals made
    # in different passes.
    footer = 'kind = "line"\npattern = \'^Footer$\'\nposition = "last 1 lines"'
    rules = rules_from(tmp_path, *BETWEEN_REMOVALS, footer)
    text = f"Body.\nAd\n{HEADLINES}Footer\nAd\n"
    assert removed(text, rules) == [("TST001", 2, 2), ("TST002", 3, 6), ("TST003", 7, 7), ("TST001", 8, 8)]
    assert removed(CleanResult(text, find_removals(text, rules)).text, rules) == []


def test_between_removals_on_a_line_rule_takes_each_line_between_removals(tmp_path: Path):
    ad = "kind = \"line\"\npattern = '^Ad$'"
    line = "kind = \"line\"\npattern = '^Teaser$'\nbetween_removals = true"
    rules = rules_from(tmp_path, ad, line)
    text = "Body.\nAd\nTeaser\nAd\nText.\nTeaser\nAd\nEnd.\n"
    assert removed(text, rules) == [("TST001", 2, 2), ("TST002", 3, 3), ("TST001", 4, 4), ("TST001", 7, 7)]


STAMPED_PAIR = (
    "kind = \"line\"\npattern = '^Ad$'",
    "kind = \"line\"\npattern = '^\\d+H ago$'",
    "kind = \"run\"\nmin_lines = 2\nmax_lines = 2\npattern = '^Teaser \\w+$'\n"
    "between_removals = true\nbetween_rules = [\"TST002\"]",
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a pair between two stamps goes; so does each pair of a list, its stamps between them
        (
            "Body.\n1H ago\nTeaser a\nTeaser b\n2H ago\nEnd.\n",
            [("TST002", 2, 2), ("TST003", 3, 4), ("TST002", 5, 5)],
        ),
        (
            "Body.\n1H ago\nTeaser a\nTeaser b\n2H ago\nTeaser c\nTeaser d\n3H ago\nEnd.\n",
            [("TST002", 2, 2), ("TST003", 3, 4), ("TST002", 5, 5), ("TST003", 6, 7), ("TST002", 8, 8)],
        ),
        # blank lines between the stamps and the pair
        (
            "Body.\n1H ago\n\nTeaser a\nTeaser b\n\n2H ago\nEnd.\n",
            [("TST002", 2, 2), ("TST003", 4, 6), ("TST002", 7, 7)],
        ),
        # between removals of another rule, or a stamp on one side only: kept
        ("Body.\nAd\nTeaser a\nTeaser b\nAd\nEnd.\n", [("TST001", 2, 2), ("TST001", 5, 5)]),
        ("Body.\nAd\nTeaser a\nTeaser b\n2H ago\nEnd.\n", [("TST001", 2, 2), ("TST002", 5, 5)]),
        # three lines between stamps: longer than max_lines, kept
        (
            "Body.\n1H ago\nTeaser a\nTeaser b\nTeaser c\n2H ago\nEnd.\n",
            [("TST002", 2, 2), ("TST002", 6, 6)],
        ),
    ],
)
def test_between_rules_counts_only_the_named_rules_removals(tmp_path: Path, text: str, expected: list):
    rules = rules_from(tmp_path, *STAMPED_PAIR)
    assert removed(text, rules) == expected
    assert find_removals(CleanResult(text, find_removals(text, rules)).text, rules) == ()


def test_max_lines_leaves_a_longer_run(tmp_path: Path):
    menu = "kind = \"run\"\nmin_lines = 2\nmax_lines = 3\npattern = '^Item \\w+$'"
    rules = rules_from(tmp_path, menu)
    assert removed("Body.\nItem a\nItem b\nItem c\nText.\nItem d\nItem e\nItem f\nItem g\nEnd.\n", rules) == [
        ("TST001", 2, 4)
    ]


def test_between_rules_needs_between_removals_and_rule_ids(tmp_path: Path):
    with pytest.raises(RuleFileError, match="between_rules: narrows between_removals, which must be true"):
        rules_from(tmp_path, 'kind = "line"\npattern = \'^X$\'\nbetween_rules = ["PGE002"]')
    with pytest.raises(RuleFileError, match="between_rules: must list rule ids"):
        rules_from(
            tmp_path, 'kind = "line"\npattern = \'^X$\'\nbetween_removals = true\nbetween_rules = ["stamps"]'
        )
    with pytest.raises(RuleFileError, match="max_lines: must be at least min_lines"):
        rules_from(tmp_path, 'kind = "run"\npattern = \'^X$\'\nmin_lines = 3\nmax_lines = 2')


def test_between_removals_cannot_be_combined_with_next_to(tmp_path: Path):
    with pytest.raises(RuleFileError, match="between_removals: cannot be combined with next_to"):
        rules_from(tmp_path, 'kind = "line"\npattern = \'^X$\'\nbetween_removals = true\nnext_to = ["ad"]')
    with pytest.raises(RuleFileError, match="between_removals: must be true or false"):
        rules_from(tmp_path, "kind = \"line\"\npattern = '^X$'\nbetween_removals = 1")
    with pytest.raises(RuleFileError, match="between_removals: is for line and run rules, not block rules"):
        rules_from(tmp_path, "kind = \"block\"\npattern = '^X$'\nbetween_removals = true")


def test_block_rules_take_precedence_over_line_rules(tmp_path: Path):
    block = r"""kind = "block"
pattern = '^More from \w+$'
extent = "end"
"""
    line = "kind = \"line\"\npattern = '^Ad$'"
    rules = rules_from(tmp_path, line, block)
    assert removed("Text.\nAd\nMore from Us\nAd\n", rules) == [("TST001", 2, 2), ("TST002", 3, 4)]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("a\n\nAd\n\nb\n", "a\n\nb\n"),  # one of the two blank lines around it goes
        ("Ad\n\n\nb\n", "b\n"),  # at the start, the blank lines after it go
        ("a\n\nAd\n\n", "a\n"),  # followed only by blank lines: those and the ones before go
        ("a\r\n\r\nAd\r\n\r\nb", "a\r\n\r\nb"),  # line endings kept as they are
        ("a\rAd\n\nb\n", "a\rb\n"),  # a lone CR never joins a following blank line
        ("a\n\n\nb\n", "a\n\n\nb\n"),  # no removal: blank lines stay as they are
    ],
)
def test_blank_lines_left_by_a_removal(tmp_path: Path, text: str, kept: str):
    rules = rules_from(tmp_path, "kind = \"line\"\npattern = '^Ad$'")
    result = CleanResult(text, find_removals(text, rules))
    assert result.text == kept
    assert restore(result.text, result.removals) == text


def test_clean_result_rejects_overlapping_or_wrong_removals():
    first = Removal(0, 2, 1, 1, "X001", "x.a", "ad", "r", "a\n")
    overlapping = Removal(1, 3, 1, 2, "X001", "x.a", "ad", "r", "\nb")
    with pytest.raises(ValueError, match="overlaps"):
        CleanResult("a\nb\n", (first, overlapping))
    with pytest.raises(ValueError, match="does not match"):
        CleanResult("a\nb\n", (Removal(0, 2, 1, 1, "X001", "x.a", "ad", "r", "b\n"),))
    with pytest.raises(ValueError, match="out of bounds"):
        CleanResult("a\n", (Removal(0, 9, 1, 1, "X001", "x.a", "ad", "r", "a\n"),))


def test_a_whole_article_on_one_line_is_left_alone():
    text = "Sign up for our newsletter " + "and the article goes on for many sentences. " * 80
    result = CleanResult(text, find_removals(text, load_rules(check_examples=False)))
    assert result.text == text


@pytest.mark.parametrize(
    "junk",
    [
        "|\xa0\xa0Weitere\xa0Artikel\xa0zum\xa0Thema |",  # no-break spaces from &nbsp;
        "Read\u202fmore",  # a narrow no-break space
        "Adver\xadtisement",  # a soft hyphen
        "\ufeffAdvertisement",  # a byte order mark, as files joined into one keep it
        "Sign\u200bup for our newsletter",  # a zero-width space
    ],
)
def test_rules_read_odd_spaces_as_spaces_and_keep_their_bytes(junk: str):
    first = "Die\xa0Regierung hat am Montag ein neues Gesetz beschlossen, das im Frühjahr gilt.\n"
    last = "Der Bundestag stimmte mit großer Mehrheit für den Entwurf der Ministerin.\n"
    text = first + junk + "\n" + last
    result = Cleaner(profile="article").clean(text)
    assert [(r.first_line, r.last_line) for r in result.removals] == [(2, 2)]
    assert result.text == first + last  # the kept line's no-break space is still there
