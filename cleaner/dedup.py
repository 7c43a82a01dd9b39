"""Find lines that repeat an earlier line of the same document, exactly or nearly.

Lines are compared after folding case, punctuation and white space. Exact repeats are
found by hash; near repeats (rapidfuzz ratio at or above the rule's threshold) only
among earlier kept lines that share a key (their first or last characters), and
at most the last ``max_candidates`` of those per key, so the cost stays near-linear
in the number of lines: there is never an n x n comparison.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex
from rapidfuzz import fuzz, process

from cleaner.matchers import View
from cleaner.rules import Rule

NOT_WORD = regex.compile(r"[\W_]+")
KEY_LENGTH = 12


def fold(content: str) -> str:
    """Lower-case words joined by single spaces, without punctuation.

    >>> fold("  Photo:  Reuters / AP -- ")
    'photo reuters ap'
    """
    return NOT_WORD.sub(" ", content.casefold()).strip()


def find_duplicates(rule: Rule, view: View, skip: set[int]) -> Iterator[tuple[int, int]]:
    """Yield ``(position, kept_position)`` for each line that repeats an earlier one.

    Lines in ``skip`` (already claimed by other rules) are neither removed nor kept as
    originals. Only lines of at least ``rule.min_words`` words count: repeated short
    lines are often table rows or list items, which are content.
    """
    min_words = rule.min_words if rule.min_words is not None else 6
    fuzzy = rule.threshold < 100
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
        if original is None and fuzzy:
            original = find_near_copy(rule, folded, folded_by_position, buckets)
        if original is not None:
            yield position, original
            continue
        first_seen[folded] = position
        folded_by_position[position] = folded
        for key in keys(folded):
            buckets.setdefault(key, []).append(position)


def keys(folded: str) -> tuple[str, str]:
    """Blocking keys: near copies almost always share their start or their end."""
    return "<" + folded[:KEY_LENGTH], ">" + folded[-KEY_LENGTH:]


def find_near_copy(
    rule: Rule,
    folded: str,
    folded_by_position: dict[int, str],
    buckets: dict[str, list[int]],
) -> int | None:
    """The kept line, among the recent ones sharing a key, that ``folded`` repeats most closely."""
    candidates: dict[int, str] = {}
    for key in keys(folded):
        for other in buckets.get(key, ())[-rule.max_candidates :]:
            candidates[other] = folded_by_position[other]
    if not candidates:
        return None
    best = process.extractOne(
        folded, candidates, scorer=fuzz.ratio, processor=None, score_cutoff=rule.threshold
    )
    return None if best is None else int(best[2])
