"""Find lines that repeat an earlier line of the same document, exactly or nearly.

Lines are compared after folding case, punctuation and white space. Exact repeats are
found by hash; near repeats (rapidfuzz ratio at or above the rule's threshold) only
among earlier kept lines that share a key (their first or last characters), and
at most the last ``max_candidates`` of those per key, so the cost stays near-linear
in the number of lines: there is never an n x n comparison.

Two guards keep repeated content: near copies must carry the same numbers ("Get it for
$139" and "Get it for $169" are two list items, not one line twice), and a line that
recurs more than ``max_copies`` times is a recurring part of the text (an interview's
repeated question, a menu's daily item), not a caption or teaser shown twice. Lines
holding three or more numbers are data (recipe quantities, scores, table rows) and are
never compared: a meal plan repeats its breakfast on purpose. Nor are lines that open
with a dash or a bullet: list items and quote attributions ("— Name (@handle) date")
repeat when two items or two quotes share them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

import regex
from rapidfuzz import fuzz, process

from cleaner.matchers import LONG_LINE, View, count_words
from cleaner.rules import Rule

NOT_WORD = regex.compile(r"[\W_]+")
NUMBER = regex.compile(r"\d+")
DATA_NUMBERS = 3
LIST_MARK = regex.compile(r"[-–—•*·]")  # noqa: RUF001 (the dashes are the point)
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
    lines are often table rows or list items, which are content. A group of copies
    larger than ``rule.max_copies`` is left alone.
    """
    pairs = list(find_copies(rule, view, skip))
    group_sizes = Counter(original for _, original in pairs)
    for position, original in pairs:
        if group_sizes[original] + 1 <= rule.max_copies:
            yield position, original


def find_copies(rule: Rule, view: View, skip: set[int]) -> Iterator[tuple[int, int]]:
    """Every ``(position, kept_position)`` pair of a line and the earlier line it repeats."""
    min_words = rule.min_words if rule.min_words is not None else 6
    fuzzy = rule.threshold < 100
    first_seen: dict[str, int] = {}
    folded_by_position: dict[int, str] = {}
    buckets: dict[str, list[int]] = {}
    for position, content in enumerate(view.contents):
        if position in skip or count_words(content, min_words) < min_words or LIST_MARK.match(content):
            continue
        # A very long line is compared exactly as it stands: folding and fuzzy matching
        # would cost seconds per line; such a repeat is then only left, never wrongly cut.
        long = len(content) > LONG_LINE
        folded = "\0" + content if long else fold(content)
        if not folded or (not long and len(NUMBER.findall(folded)) >= DATA_NUMBERS):
            continue
        original = first_seen.get(folded)
        if original is None and fuzzy and not long:
            original = find_near_copy(rule, folded, folded_by_position, buckets)
            if original is not None and not same_numbers(folded, folded_by_position[original]):
                original = None
        if original is not None:
            yield position, original
            continue
        first_seen[folded] = position
        if long:
            continue
        folded_by_position[position] = folded
        for key in keys(folded):
            buckets.setdefault(key, []).append(position)


def same_numbers(folded: str, other: str) -> bool:
    """Whether two folded lines carry the same numbers in the same order.

    >>> same_numbers("get it for 139", "get it for 169")
    False
    """
    return bool(NUMBER.findall(folded) == NUMBER.findall(other))


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
