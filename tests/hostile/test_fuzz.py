"""Property-based fuzzing: documents mixing prose with boilerplate fragments (from the
rule files' own examples), random line endings, random Unicode and random bytes.

Every promise is checked on each example: restore gives the input back, the kept text
is the input with whole lines taken out, cleaning again removes nothing, the result is
deterministic and the same on every scanner (hyperscan, line, regex), an empty
rule set changes nothing, a duplicate points at a kept copy, and
at the byte level no byte is lost or altered outside removed lines.

The number of examples comes from a settings profile chosen by ``CLEANER_FUZZ``:
``ci`` (the default, a few thousand in all) or ``long`` (200,000 in all, for a
campaign run by hand: ``CLEANER_FUZZ=long python -m pytest tests/hostile/test_fuzz.py``).
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from cleaner import Cleaner, RuleSet, clean, find_removals, load_rules, restore
from cleaner.io import BinaryDocument, decode_document
from cleaner.matchers import LineScanner, RegexScanner, split_lines
from tests.hostile.support import example_lines

PROFILES = {"ci": 500, "long": 40_000}
FUZZ = settings(
    max_examples=PROFILES[os.environ.get("CLEANER_FUZZ", "ci")],
    deadline=None,  # a shared 2-core machine is noisy; hangs are caught by the hostile suite
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("CLEANER_FUZZ", "ci") == "ci",  # CI sees the same examples every run
)

RULES = load_rules(check_examples=False)
CLEANERS = {profile: Cleaner(RULES, profile=profile) for profile in ("article", "page")}
# The same rules on the other scanners: every engine must give the same removals.
OTHER_ENGINES = {
    profile: [Cleaner(RULES, profile=profile, scanner=scanner) for scanner in (LineScanner(), RegexScanner())]
    for profile in ("article", "page")
}
FRAGMENTS = example_lines(RULES)
HEADERS = [
    "More from GZERO Media",
    "Related Stories",
    "You may also like",
    "Read more",
    "Advertisement",
    "Photo: Jane Doe/Reuters",
    "REUTERS/Stephane Mahe",
    "Share this article",
    "Sign up for our newsletter",
    "© 2024 Example Media Inc. All rights reserved.",
]
WORDS = [
    "the",
    "minister",
    "said",
    "council",
    "water",
    "market",
    "more",
    "from",
    "read",
    "share",
    "photo",
    "reuters",
    "sign",
    "up",
    "newsletter",
    "related",
    "stories",
    "advertisement",
    "copyright",
    "cookies",
    "é",
    "ñ",
    "東京",
    "مرحبا",
    "שלום",
]

prose = st.lists(st.sampled_from(WORDS), min_size=1, max_size=24).map(
    lambda words: " ".join(words).capitalize() + "."
)
raw_bytes = st.binary(max_size=30).map(lambda data: data.decode("utf-8", "surrogateescape"))
line_content = st.one_of(
    st.sampled_from(FRAGMENTS + HEADERS),
    prose,
    st.sampled_from(["", " ", "\t", "\u00a0", "\u2028", "\x0c", "\ufeff"]),
    st.text(max_size=40),
    raw_bytes,
)
ending = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """A document of lines with random endings; some lines repeat earlier ones (dedup)."""
    contents = draw(st.lists(line_content, max_size=40))
    for _ in range(draw(st.integers(0, 4))):
        if contents:
            copy = contents[draw(st.integers(0, len(contents) - 1))]
            contents.insert(draw(st.integers(0, len(contents))), copy)
    endings = [draw(ending) for _ in contents]
    if contents and draw(st.booleans()):
        endings[-1] = ""  # no final newline
    return "".join(content + end for content, end in zip(contents, endings, strict=True))


def line_starts(text: str) -> set[int]:
    """Offsets where a line starts, plus the end of the text."""
    offsets, position = {len(text)}, 0
    for line in split_lines(text):
        offsets.add(position)
        position += len(line)
    return offsets


def check_promises(text: str, profile: str) -> None:
    result = CLEANERS[profile].clean(text)
    event(f"removals: {min(len(result.removals), 3)}{'+' if len(result.removals) >= 3 else ''}")
    for kind in sorted({removal.category for removal in result.removals}):
        event(f"category: {kind}")
    assert restore(result.text, result.removals) == text
    boundaries = line_starts(text)
    previous_end = 0
    for removal in result.removals:
        assert previous_end <= removal.start < removal.end <= len(text)
        assert removal.start in boundaries and removal.end in boundaries, "whole lines only"
        assert removal.rule_id and removal.reason and removal.first_line <= removal.last_line
        if removal.duplicate_of is not None:
            kept_line = removal.duplicate_of
            assert kept_line < removal.first_line
            assert not any(r.first_line <= kept_line <= r.last_line for r in result.removals), (
                "the kept copy stays"
            )
        previous_end = removal.end
    assert CLEANERS[profile].clean(result.text).removals == (), "cleaning again removes nothing more"
    assert CLEANERS[profile].clean(text) == result, "deterministic"
    for other in OTHER_ENGINES[profile]:
        assert other.clean(text) == result, f"{type(other.scanner).__name__} disagrees"


@FUZZ
@given(documents())
@example("Text.\r\nAdvertisement\nMore.\rAdvertisement\r\nEnd.")
@example(
    "A farewell ceremony at the airport in Pyongyang, June 19.\r\n\n"
    "A farewell ceremony at the airport in Pyongyang, June 19.\r"
)
@example("Advertisement\r\n\n")
# Found by the long campaign: a later pass took the kept copy of a duplicate (a "More
# from" block came into reach), which removed both copies; the duplicate now returns.
@example(
    "(Image: © TNG Collaboration)\nAP/NORC found that most adults agree.\nAds were banned from the stadium.\n"
    "More from GZERO Media\n(Image: © TNG Collaboration)\n0 0 0 0 0 0\n(Image: © TNG Collaboration)\n"
    "0 0 0 0 0 0\n"
)
def test_article_profile_keeps_every_promise(text):
    check_promises(text, "article")


@FUZZ
@given(documents())
def test_page_profile_keeps_every_promise(text):
    check_promises(text, "page")


@FUZZ
@given(documents())
def test_kept_lines_are_a_subsequence_of_the_input_lines(text):
    result = clean(text)
    lines = split_lines(text)
    removed = {
        line for removal in result.removals for line in range(removal.first_line, removal.last_line + 1)
    }
    assert "".join(line for number, line in enumerate(lines, 1) if number not in removed) == result.text


@FUZZ
@given(documents())
def test_an_empty_rule_set_changes_nothing(text):
    assert find_removals(text, RuleSet(())) == ()


@st.composite
def byte_documents(draw: st.DrawFn) -> bytes:
    """Bytes: a document in some encoding with a BOM or not, spiked with random bytes."""
    text = draw(documents())
    encoding, bom = draw(
        st.sampled_from(
            [
                ("utf-8", b""),
                ("utf-8", b"\xef\xbb\xbf"),
                ("utf-16-le", b"\xff\xfe"),
                ("utf-16-be", b"\xfe\xff"),
            ]
        )
    )
    data = bom + text.encode(encoding, "surrogateescape" if encoding == "utf-8" else "surrogatepass")
    if encoding == "utf-8" and draw(st.booleans()):
        position = draw(st.integers(0, len(data)))
        data = data[:position] + draw(st.binary(max_size=8)) + data[position:]
    return data


@FUZZ
@given(byte_documents())
def test_no_byte_is_lost_or_altered(data):
    try:
        document = decode_document(data, "fuzz")
    except BinaryDocument:
        assert b"\x00" in data
        return
    except Exception as error:  # only a clear DocumentError for invalid UTF-16 is allowed
        assert type(error).__name__ == "DocumentError" and "not valid UTF-16" in str(error)
        return
    assert document.encode(document.text) == data, "decoding is lossless"
    result = CLEANERS["article"].clean(document.text)
    out = document.encode(result.text)
    assert document.encode(restore(result.text, result.removals)) == data
    removed_bytes = sum(len(document.encode(r.text)) - len(document.bom) for r in result.removals)
    assert len(out) + removed_bytes == len(data), "bytes out + bytes removed = bytes in"
