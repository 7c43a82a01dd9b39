"""Properties of cleaning that hold for every text: restore, subsequence, idempotence.

Texts are built from boilerplate fragments mixed with prose (plain random text rarely
matches a rule), joined by random line endings, sometimes with undecodable bytes.
"""

from __future__ import annotations

import os

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, RuleSet, clean, find_removals, restore
from cleaner.dedup import fold, keys, keys_of_lines
from cleaner.io import decode_document
from cleaner.matchers import split_lines

BOILERPLATE = [
    "Advertisement",
    "Gavriil Grigorov/Reuters",
    "REUTERS/Stephane Mahe",
    "Photo: Jane Doe, AP",
    "Read more: Another story worth your time",
    "Related Stories",
    "More from Example Media",
    "Sign up for our newsletter",
    "Share",
    "Facebook Twitter Email",
    "Follow us on Twitter",
    "© 2026 Example Inc. All rights reserved.",
    "We use cookies to improve your experience.",
    "Continue reading the main story",
]
PROSE = [
    "The council voted on Thursday to raise fares for the first time in six years.",
    "Riders said the increase would hurt workers who commute from the suburbs every day.",
    "A farewell ceremony at the airport, June 19, 2024, drew a large crowd of officials.",
    "More than 200 people attended the meeting.",
    "Share prices fell on Friday after the report.",
    "1 cup flour",
    "",
    "   ",
]
ENDINGS = ["\n", "\r\n", "\r"]

lines = st.one_of(st.sampled_from(BOILERPLATE), st.sampled_from(PROSE), st.text(max_size=40))
documents = st.builds(
    lambda parts, endings, final: "".join(p + e for p, e in zip(parts, endings, strict=False)) + final,
    st.lists(lines, max_size=30),
    st.lists(st.sampled_from(ENDINGS), min_size=30, max_size=30),
    st.sampled_from(["", "Last line without an ending", "Advertisement"]),
)
CLEANER = Cleaner(profile="page")
# CI runs a few hundred examples per property; set CLEANER_FUZZ_EXAMPLES for a long campaign.
EXAMPLES = int(os.environ.get("CLEANER_FUZZ_EXAMPLES", "300"))


def kept_lines_are_a_subsequence(text: str, kept: str) -> bool:
    remaining = iter(split_lines(text))
    return all(any(line == candidate for candidate in remaining) for line in split_lines(kept))


@settings(max_examples=EXAMPLES, deadline=None)
@given(documents)
@example("Caption of a photo of the harbour at night.\r\nCaption of a photo of the harbour at night.\r\n")
@example("\n\nAdvertisement\n\n\nText.")
@example("Advertisement")
@example("")
def test_cleaning_keeps_every_promise(text: str) -> None:
    result = CLEANER.clean(text)
    assert restore(result.text, result.removals) == text
    assert kept_lines_are_a_subsequence(text, result.text)
    assert all(a.end <= b.start for a, b in zip(result.removals, result.removals[1:], strict=False))
    assert all(0 <= r.start < r.end <= len(text) and text[r.start : r.end] == r.text for r in result.removals)
    assert CLEANER.clean(result.text).removals == ()


@settings(max_examples=EXAMPLES, deadline=None)
@given(documents)
def test_an_empty_rule_set_changes_nothing(text: str) -> None:
    result = clean(text, rules=RuleSet(()))
    assert result.removals == () and result.text == text


@settings(max_examples=EXAMPLES, deadline=None)
@given(documents, st.binary(max_size=8), st.sampled_from([b"", b"\xef\xbb\xbf"]))
def test_bytes_survive_decoding_cleaning_and_encoding(text: str, junk: bytes, bom: bytes) -> None:
    data = bom + (text.encode() + junk).replace(b"\x00", b"")  # NUL marks a binary file
    document = decode_document(data, "doc")
    result = CLEANER.clean(document.text)
    assert document.encode(restore(result.text, result.removals)) == data
    if not result.removals:
        assert document.encode(result.text) == data


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PROSE[:3]), min_size=2, max_size=10))
def test_duplicates_keep_the_first_copy(sentences: list[str]) -> None:
    text = "".join(sentence + "\n" for sentence in sentences)
    duplicate_rules = Cleaner().rules.select(select=["DUP"])
    (rule,) = duplicate_rules
    removals = find_removals(text, duplicate_rules)
    first_lines: dict[str, int] = {}
    for number, sentence in enumerate(sentences, 1):
        first_lines.setdefault(sentence, number)
    for removal in removals:
        sentence = removal.text.rstrip("\n")
        assert removal.duplicate_of == first_lines[sentence] < removal.first_line
    # A line that comes back more than max_copies times is recurring content, kept; so is
    # a sentence said again alone (no copy next to it) more than 3 lines after its first copy.
    copies = {number for number, sentence in enumerate(sentences, 1) if first_lines[sentence] < number}
    expected = sum(
        1
        for number, sentence in enumerate(sentences, 1)
        if number in copies
        and sentences.count(sentence) <= rule.max_copies
        and not (number - first_lines[sentence] - 1 > 3 and not {number - 1, number + 1} & copies)
    )
    assert len(removals) == expected


LINE_CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r")


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(LINE_CHARACTERS, max_size=80), max_size=8))
@example(["Photo: Reuters / AP -- the mayor speaks at the harbour on Tuesday"])
@example(["... --- !!! ??? *** ... --- !!! ??? *** a short end", "Ab", "  !!  "])
def test_blocking_keys_of_many_lines_are_those_of_each_line_folded_whole(lines: list[str]) -> None:
    # The deduplicator keys lines in bulk from their ends; a near copy is only found when
    # its keys are those of the folded line, so the two must never differ.
    heads, tails = keys_of_lines(lines)
    for line, head, tail in zip(lines, heads, tails, strict=True):
        folded = fold(line)
        expected = keys(folded) if folded else None
        assert (None if head is None else (head, tail)) == expected
