"""Find the lines each rule claims: one small function per rule kind.

Matching runs in two stages, kept apart so the first can be swapped for a faster
multi-pattern engine: a `Scanner` proposes candidate lines for each rule, then
`confirm_line` checks each candidate against the rule's own pattern, on that line alone,
under the rule's time limit. The functions here only say which lines a rule claims; the
pipeline decides precedence and keeps the records.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Protocol

import regex

from cleaner.errors import RuleTimeout
from cleaner.rules import Rule

LINE_PIECE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
WORD = regex.compile(r"\S+")
# No boilerplate line is this long. Longer lines stay out of the shared scan and are
# proposed to every rule instead, where the word and length guards reject them cheaply:
# a 200 MB single-line document must not cost a full regex scan per rule.
LONG_LINE = 10_000


def count_words(content: str, limit: int | None = None) -> int:
    """How many white-space separated words ``content`` has; past `LONG_LINE` characters,
    counting stops at ``limit + 1`` (enough for any guard that compares with ``limit``).

    >>> count_words("a b  c"), count_words("w " * LONG_LINE, limit=2)
    (3, 3)
    """
    if limit is None or len(content) <= LONG_LINE:
        return len(content.split())
    count = 0
    for _ in WORD.finditer(content):
        count += 1
        if count > limit:
            break
    return count


def split_lines(text: str) -> list[str]:
    """Split text into lines that keep their own endings (``\\n``, ``\\r\\n`` or ``\\r``).

    >>> split_lines("a\\r\\nb\\rc\\n\\nd")
    ['a\\r\\n', 'b\\r', 'c\\n', '\\n', 'd']
    """
    if "\r" not in text:
        pieces = text.split("\n")
        lines = [piece + "\n" for piece in pieces[:-1]]
        if pieces[-1]:
            lines.append(pieces[-1])
        return lines
    return LINE_PIECE.findall(text)


@dataclass(frozen=True, slots=True)
class View:
    """The lines still kept at one pass of the pipeline, as parallel sequences.

    ``index`` maps a view position to its 0-based line in the original; ``contents``
    holds each line stripped of surrounding white space and its ending.
    """

    index: tuple[int, ...]
    contents: tuple[str, ...]
    name: str = "<text>"

    def __len__(self) -> int:
        return len(self.contents)

    def is_blank(self, position: int) -> bool:
        """Whether the line at ``position`` holds only white space."""
        return not self.contents[position]

    def words(self, position: int, limit: int | None = None) -> int:
        """How many white-space separated words the line at ``position`` has (see `count_words`)."""
        return count_words(self.contents[position], limit)

    def scan_text(self) -> tuple[str, list[int]]:
        """All contents joined by ``\\n``, and where each line starts in that text."""
        starts = []
        offset = 0
        for content in self.contents:
            starts.append(offset)
            offset += len(content) + 1
        return "\n".join(self.contents), starts


class Scanner(Protocol):
    """Proposes, for each rule with a pattern, the view positions that may match it.

    It may propose too many lines (they are confirmed) but never too few.
    """

    def candidate_lines(self, rules: Sequence[Rule], view: View) -> dict[str, list[int]]:
        """Candidate positions by rule id."""
        ...


class RegexScanner:
    """The reference scanner: each rule's pattern over the whole view in one call."""

    def candidate_lines(self, rules: Sequence[Rule], view: View) -> dict[str, list[int]]:
        """Candidate positions by rule id, from matches starting anywhere in a line."""
        long_lines = {position for position, content in enumerate(view.contents) if len(content) > LONG_LINE}
        if long_lines:
            view = replace(view, contents=tuple("" if len(c) > LONG_LINE else c for c in view.contents))
        text, starts = view.scan_text()
        found: dict[str, list[int]] = {}
        for rule in rules:
            if rule.pattern is None:
                continue
            positions: set[int] = set()
            try:
                for match in rule.pattern.finditer(text, overlapped=True, timeout=rule.timeout):
                    positions.add(bisect_right(starts, match.start()) - 1)
            except TimeoutError:
                raise RuleTimeout(rule.id, view.name, rule.timeout) from None
            found[rule.id] = sorted(positions | long_lines)
        return found


class LineScanner:
    """The fast pure-regex scanner: the rule's pattern over only the lines its guards admit.

    The guards (``max_words``, ``min_words``, ``max_chars``, ``position``) are cheap and
    turn away most lines. A few admitted lines are all proposed (`confirm_line` checks
    each alone); many are joined and scanned in one call, as `RegexScanner` scans the
    whole view, which is faster than one call per line and proposes the same lines.
    """

    def candidate_lines(self, rules: Sequence[Rule], view: View) -> dict[str, list[int]]:
        """Candidate positions by rule id: the lines each rule's guards admit."""
        total = len(view)
        words: list[int] | None = None
        found: dict[str, list[int]] = {}
        for rule in rules:
            if rule.pattern is None:
                continue
            positions: Iterable[int] = range(total)
            if rule.position is not None:
                position = rule.position
                positions = [p for p in positions if position.admits(p, total)]
            if rule.max_chars is not None:
                limit = rule.max_chars
                contents = view.contents
                positions = [p for p in positions if len(contents[p]) <= limit]
            if rule.max_words is not None or rule.min_words is not None:
                if words is None:
                    # Counting stops early on very long lines: a 200 MB line costs no full split.
                    cap = max(max(r.max_words or 0, r.min_words or 0) for r in rules)
                    words = [
                        len(c.split()) if len(c) <= LONG_LINE else count_words(c, cap) for c in view.contents
                    ]
                low = rule.min_words if rule.min_words is not None else 0
                high = rule.max_words if rule.max_words is not None else total + sum(words)
                positions = [p for p in positions if low <= words[p] <= high]
            positions = list(positions)
            found[rule.id] = positions if len(positions) < JOIN_FROM else scan_lines(rule, view, positions)
        return found


JOIN_FROM = 8  # admitted lines from which one joined scan beats a search per line


def scan_lines(rule: Rule, view: View, positions: list[int]) -> list[int]:
    """The positions, among ``positions``, where a match of the rule's pattern starts."""
    assert rule.pattern is not None
    contents = view.contents
    starts = []
    offset = 0
    for position in positions:
        starts.append(offset)
        offset += len(contents[position]) + 1
    text = "\n".join(contents[position] for position in positions)
    hits: set[int] = set()
    try:
        for match in rule.pattern.finditer(text, overlapped=True, timeout=rule.timeout):
            hits.add(positions[bisect_right(starts, match.start()) - 1])
    except TimeoutError:
        raise RuleTimeout(rule.id, view.name, rule.timeout) from None
    return sorted(hits)


def confirm_line(rule: Rule, view: View, position: int) -> bool:
    """Whether the rule's pattern matches the line alone and its guards admit it."""
    content = view.contents[position]
    if rule.max_chars is not None and len(content) > rule.max_chars:
        return False
    # split() with a limit stops counting words past the bound that decides.
    if rule.max_words is not None and len(content.split(None, rule.max_words)) > rule.max_words:
        return False
    if rule.min_words is not None and len(content.split(None, rule.min_words - 1)) < rule.min_words:
        return False
    if rule.position is not None and not rule.position.admits(position, len(view)):
        return False
    assert rule.pattern is not None
    try:
        return rule.pattern.search(content, timeout=rule.timeout) is not None
    except TimeoutError:
        raise RuleTimeout(rule.id, view.name, rule.timeout) from None


def match_line_rule(rule: Rule, view: View, candidates: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Each confirmed candidate line, as a one-line span ``(first, last)``."""
    for position in candidates:
        if confirm_line(rule, view, position):
            yield position, position


def match_block_rule(rule: Rule, view: View, candidates: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Each block that starts at a confirmed line, as a span ``(first, last)``.

    Blocks do not nest: a start line inside an earlier block of the same rule is skipped.
    """
    covered_until = -1
    for position in candidates:
        if position <= covered_until or not confirm_line(rule, view, position):
            continue
        last = block_end(rule, view, position)
        covered_until = last
        yield position, last


def block_end(rule: Rule, view: View, start: int) -> int:
    """The last position of the block that starts at ``start``, by the rule's extent."""
    total = len(view)
    if rule.extent == "end":
        return total - 1
    if rule.extent == "lines":
        assert rule.max_lines is not None
        return min(total - 1, start + max(rule.max_lines, 1) - 1)
    if rule.extent == "blank":
        last = start
        while last + 1 < total and not view.is_blank(last + 1):
            last += 1
        return last
    # "teasers": short lines (blank lines between them allowed) up to the first long one.
    last = start
    position = start + 1
    limit = total if rule.max_lines is None else min(total, start + rule.max_lines)
    while position < limit:
        if not view.is_blank(position):
            if view.words(position, limit=rule.teaser_max_words) > rule.teaser_max_words:
                break
            last = position
        position += 1
    return last
