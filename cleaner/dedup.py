"""Find lines that repeat an earlier line of the same document, exactly or nearly.

Lines are compared after folding case, punctuation and white space. Exact repeats are
found by hash; near repeats (rapidfuzz ratio at or above the rule's threshold) only
among earlier kept lines that share a key (their first or last characters) and have a
similar length, and at most ``max_candidates`` of those, so the cost stays near-linear
in the number of lines: there is never an n x n comparison.

Folding a long line is the costly step, and most lines have no earlier line sharing a
key, so a line's keys are first taken from its folded ends alone (`line_keys`), and the
whole line is folded only when an earlier kept line shares one of its keys.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import regex
from rapidfuzz import fuzz

from cleaner.matchers import View
from cleaner.rules import Rule

NOT_WORD = regex.compile(r"[\W_]+")
KEY_LENGTH = 12
END_CHARS = 32  # characters folded at each end of a line for its keys


def fold(content: str) -> str:
    """Lower-case words joined by single spaces, without punctuation.

    >>> fold("  Photo:  Reuters / AP -- ")
    'photo reuters ap'
    """
    return NOT_WORD.sub(" ", content.casefold()).strip()


def find_duplicates(
    rule: Rule, view: View, skip: set[int], folds: dict[str, dict[int, Any]] | None = None
) -> Iterator[tuple[int, int]]:
    """Yield ``(position, kept_position)`` for each line that repeats an earlier one.

    Lines in ``skip`` (already claimed by other rules) are neither removed nor kept as
    originals. Only lines of at least ``rule.min_words`` words count: repeated short
    lines are often table rows or list items, which are content. ``folds`` keeps each
    original line's keys and folded form from one pass to the next, so a second pass
    over the same document does not fold its lines again.
    """
    folds = folds if folds is not None else {}
    lines = LineFolds(view, folds.setdefault("keys", {}), folds.setdefault("folded", {}))
    min_words = rule.min_words if rule.min_words is not None else 6
    fuzzy = rule.threshold < 100
    # Two strings can reach the ratio threshold only when their lengths are this close.
    length_floor = rule.threshold / (200 - rule.threshold)
    first_seen: dict[str, int] = {}
    buckets: dict[str, list[int]] = {}
    registered: dict[str, int] = {}  # how many of a bucket's lines are in first_seen
    index = view.index
    cached_keys = lines.cached_keys
    for position in range(len(view)):
        if position in skip:
            continue
        line_keys_ = cached_keys.get(index[position])  # inlined: this loop runs for every line
        if line_keys_ is None:
            line_keys_ = lines.keys(position, min_words)
        if not line_keys_:
            continue
        head, tail = line_keys_
        if head not in buckets and tail not in buckets:  # no kept line shares a key: no copy
            buckets[head] = [position]
            buckets[tail] = [position]
            continue
        folded = lines.folded(position)
        # An exact copy shares the head key: put that bucket's kept lines in first_seen.
        bucket = buckets.get(head, [])
        for other in bucket[registered.get(head, 0) :]:
            first_seen.setdefault(lines.folded(other), other)
        registered[head] = len(bucket)
        original = first_seen.get(folded)
        if original is None and fuzzy:
            original = find_near_copy(rule, folded, lines, buckets, line_keys_, length_floor)
        if original is not None:
            yield position, original
            continue
        first_seen[folded] = position
        for key in line_keys_:
            buckets.setdefault(key, []).append(position)


class LineFolds:
    """The keys and folded forms of a view's lines, computed once each, when first needed."""

    def __init__(self, view: View, keys: dict[int, tuple[str, ...]], folded: dict[int, str]) -> None:
        self.view = view
        self.cached_keys = keys
        self.cached_folded = folded

    def folded(self, position: int) -> str:
        """The folded form of the line at ``position``."""
        index = self.view.index[position]
        folded = self.cached_folded.get(index)
        if folded is None:
            folded = self.cached_folded[index] = fold(self.view.contents[position])
        return folded

    def keys(self, position: int, min_words: int) -> tuple[str, ...]:
        """The line's two blocking keys, or ``()`` when it is too short or folds to nothing."""
        index = self.view.index[position]
        found = self.cached_keys.get(index)
        if found is None:
            content = self.view.contents[position]
            # split() with a limit stops counting words once there are enough.
            if len(content.split(None, min_words - 1)) < min_words:
                found = ()
            else:
                found = line_keys(content) or (keys(self.folded(position)) if self.folded(position) else ())
            self.cached_keys[index] = found
        return found


def line_keys(content: str) -> tuple[str, str] | None:
    """The keys of a line from its folded ends alone, or None when an end is too short to tell.

    Folding works character by character and turns each run of non-word characters into
    one space, so the fold of a line's first characters is the start of its fold, and
    likewise for the end: when each folded end holds at least `KEY_LENGTH` characters,
    the keys are those of the whole folded line.

    >>> line_keys("Photo: Reuters / AP -- the mayor speaks at the harbour on Tuesday") == keys(
    ...     fold("Photo: Reuters / AP -- the mayor speaks at the harbour on Tuesday"))
    True
    """
    head = fold(content[:END_CHARS])
    tail = fold(content[-END_CHARS:]) if len(content) > END_CHARS else head
    if len(head) < KEY_LENGTH or len(tail) < KEY_LENGTH:
        return None
    return "<" + head[:KEY_LENGTH], ">" + tail[-KEY_LENGTH:]


def keys(folded: str) -> tuple[str, str]:
    """Blocking keys: near copies almost always share their start or their end."""
    return "<" + folded[:KEY_LENGTH], ">" + folded[-KEY_LENGTH:]


def find_near_copy(
    rule: Rule,
    folded: str,
    lines: LineFolds,
    buckets: dict[str, list[int]],
    line_keys_: tuple[str, ...],
    length_floor: float,
) -> int | None:
    """The earliest kept line, among the recent ones sharing a key, that ``folded`` nearly repeats."""
    best: int | None = None
    for key in line_keys_:
        for other in buckets.get(key, [])[-rule.max_candidates :]:
            if best is not None and other >= best:
                continue
            other_folded = lines.folded(other)
            shorter, longer = sorted((len(folded), len(other_folded)))
            if shorter < longer * length_floor:
                continue
            score = fuzz.ratio(folded, other_folded, processor=None, score_cutoff=rule.threshold)
            if score >= rule.threshold:
                best = other
    return best
