"""Find lines that repeat an earlier line of the same document, exactly or nearly.

Lines are compared after folding case, punctuation and white space. Exact repeats are
found by hash; near repeats (rapidfuzz ratio at or above the rule's threshold) only
among earlier kept lines that share a key (their first or last characters) and have a
similar length, and at most ``max_candidates`` of those, so the cost stays near-linear
in the number of lines: there is never an n x n comparison.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex
from rapidfuzz import fuzz

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


def find_duplicates(
    rule: Rule, view: View, skip: set[int], folds: dict[int, str] | None = None
) -> Iterator[tuple[int, int]]:
    """Yield ``(position, kept_position)`` for each line that repeats an earlier one.

    Lines in ``skip`` (already claimed by other rules) are neither removed nor kept as
    originals. Only lines of at least ``rule.min_words`` words count: repeated short
    lines are often table rows or list items, which are content. ``folds`` keeps each
    original line's folded form (empty when too short) from one pass to the next, so a
    second pass over the same document does not fold its lines again.
    """
    if folds is None:
        folds = {}
    min_words = rule.min_words if rule.min_words is not None else 6
    fuzzy = rule.threshold < 100
    # Two strings can reach the ratio threshold only when their lengths are this close.
    length_floor = rule.threshold / (200 - rule.threshold)
    first_seen: dict[str, int] = {}
    folded_by_position: dict[int, str] = {}
    buckets: dict[str, list[int]] = {}
    index = view.index
    for position, content in enumerate(view.contents):
        if position in skip:
            continue
        folded = folds.get(index[position])
        if folded is None:
            # split() with a limit stops counting words once there are enough.
            folded = fold(content) if len(content.split(None, min_words - 1)) >= min_words else ""
            folds[index[position]] = folded
        if not folded:
            continue
        original = first_seen.get(folded)
        if original is None and fuzzy:
            original = find_near_copy(rule, folded, folded_by_position, buckets, length_floor)
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
    length_floor: float,
) -> int | None:
    """The earliest kept line, among the recent ones sharing a key, that ``folded`` nearly repeats."""
    best: int | None = None
    for key in keys(folded):
        for other in buckets.get(key, [])[-rule.max_candidates :]:
            if best is not None and other >= best:
                continue
            other_folded = folded_by_position[other]
            shorter, longer = sorted((len(folded), len(other_folded)))
            if shorter < longer * length_floor:
                continue
            score = fuzz.ratio(folded, other_folded, processor=None, score_cutoff=rule.threshold)
            if score >= rule.threshold:
                best = other
    return best
