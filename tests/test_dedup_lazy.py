"""The deduplicator that folds lazily finds exactly what folding every line finds."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from cleaner import load_rules
from cleaner.dedup import find_duplicates, fold, keys
from cleaner.matchers import View
from cleaner.rules import Rule

RULE = next(rule for rule in load_rules(check_examples=False) if rule.kind == "duplicate")


def reference_duplicates(rule: Rule, view: View, skip: set[int]) -> Iterator[tuple[int, int]]:
    """The first implementation: fold every line, then hash and compare within buckets."""
    min_words = rule.min_words if rule.min_words is not None else 6
    length_floor = rule.threshold / (200 - rule.threshold)
    first_seen: dict[str, int] = {}
    folded_by_position: dict[int, str] = {}
    buckets: dict[str, list[int]] = {}
    for position, content in enumerate(view.contents):
        if position in skip or len(content.split()) < min_words:
            continue
        folded = fold(content)
        if not folded:
            continue
        original = first_seen.get(folded)
        if original is None and rule.threshold < 100:
            for key in keys(folded):
                for other in buckets.get(key, [])[-rule.max_candidates :]:
                    if original is not None and other >= original:
                        continue
                    other_folded = folded_by_position[other]
                    shorter, longer = sorted((len(folded), len(other_folded)))
                    if shorter < longer * length_floor:
                        continue
                    if (
                        fuzz.ratio(folded, other_folded, processor=None, score_cutoff=rule.threshold)
                        >= rule.threshold
                    ):
                        original = other
        if original is not None:
            yield position, original
            continue
        first_seen[folded] = position
        folded_by_position[position] = folded
        for key in keys(folded):
            buckets.setdefault(key, []).append(position)


BASE = [
    "The harbour plan was approved by the council on Tuesday evening after a long debate.",
    "Residents said they had not been consulted about the new road through the park.",
    "“The council has listened,” said the mayor — adding that work starts in March.",
    "A B C D E F",
    "-- -- -- -- -- -- --",
    "Ünïcode wörds in a sentence that is long enough to count here.",
]


@st.composite
def variants(draw: st.DrawFn) -> str:
    line = draw(st.sampled_from(BASE))
    change = draw(st.sampled_from(["same", "case", "punct", "edit", "prefix", "suffix"]))
    if change == "case":
        return line.upper()
    if change == "punct":
        return line.replace(" ", " , ")
    if change == "edit":
        at = draw(st.integers(0, len(line) - 1))
        return line[:at] + draw(st.sampled_from(["x", "", "yy"])) + line[at + 1 :]
    if change == "prefix":
        return draw(st.sampled_from(["Photo: ", "», ", "x "])) + line
    if change == "suffix":
        return line + draw(st.sampled_from([" (AP)", ".", " more words at the end"]))
    return line


@settings(max_examples=300, deadline=None)
@given(
    lines=st.lists(variants() | st.text(max_size=60), max_size=40),
    skip=st.sets(st.integers(0, 40), max_size=5),
)
@example(lines=[BASE[0], BASE[0].upper(), BASE[0] + "."], skip=set())
@example(  # an exact copy of a line that has left its bucket's recent candidates
    lines=[f"The harbour plan was approved, item {n} of the list of many" for n in range(80)]
    + ["The harbour plan was approved, item 3 of the list of many"],
    skip={5},
)
def test_lazy_folding_finds_the_same_duplicates(lines: list[str], skip: set[int]):
    view = View(tuple(range(len(lines))), tuple(line.strip() for line in lines))
    assert list(find_duplicates(RULE, view, skip)) == list(reference_duplicates(RULE, view, skip))
