"""Find lines that repeat an earlier line of the same document, exactly or nearly.

Lines are compared after folding case, punctuation and white space. Exact repeats are
found by hash; near repeats (rapidfuzz ratio at or above the rule's threshold) only
among earlier kept lines that share a key (their first or last characters), and
at most the last ``max_candidates`` of those per key, so the cost stays near-linear
in the number of lines: there is never an n x n comparison.

Two guards keep repeated content: near copies must carry the same numbers ("Get it for
$139" and "Get it for $169" are two list items, not one line twice), and a line that
recurs more than ``max_copies`` times is a recurring part of the text (an interview's
repeated question, a menu's daily item), not a caption or teaser shown twice; and a
sentence of running prose said again alone, or in other words, far from its first copy
is the page telling something twice (`is_told_again`), kept. Lines
holding three or more numbers are data (recipe quantities, scores, table rows) and are
never compared: a meal plan repeats its breakfast on purpose. Nor are lines that open
with a dash or a bullet: list items and quote attributions ("— Name (@handle) date")
repeat when two items or two quotes share them. A line of code is removed only as an
exact copy: two commands that differ in one value ("...autotuninglevel=disabled",
"...autotuninglevel=normal") are two commands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from itertools import chain
from operator import itemgetter, methodcaller

import regex
from rapidfuzz import fuzz, process
from rapidfuzz.utils import default_process

from cleaner.matchers import LONG_LINE, View, is_prose_line
from cleaner.rules import Rule

NUMBER = regex.compile(r"\d+")
# Code: an assignment or backticks (a price's "$", a sentence's ";" and a page template's
# braces are not).
CODE = regex.compile(r"[=`]")
DATA_NUMBERS = 3
LIST_MARKS = "-–—•*·"  # noqa: RUF001 (the dashes are the point)
KEY_LENGTH = 12
WORDY_CHARS = 10  # characters per word above which a line is keyed without counting its words
END_CHARS = 32  # characters folded at each end of a line for its keys
HEAD = itemgetter(slice(None, END_CHARS))
TAIL = itemgetter(slice(-END_CHARS, None))
NO_SPACES = methodcaller("replace", " ", "")
HEAD_KEY = itemgetter(slice(None, KEY_LENGTH))
TAIL_KEY = itemgetter(slice(-KEY_LENGTH, None))


def fold(content: str) -> str:
    """Lower-case words joined by single spaces, without punctuation.

    rapidfuzz's `default_process` lowers each character and blanks every one that is
    not a letter or a digit, in C; this joins what is left with single spaces.

    >>> fold("  Photo:  Reuters / AP -- ")
    'photo reuters ap'
    """
    return " ".join(default_process(content).split())


def find_duplicates(rule: Rule, view: View, skip: set[int]) -> Iterator[tuple[int, int]]:
    """Yield ``(position, kept_position)`` for each line that repeats an earlier one.

    Lines in ``skip`` (already claimed by other rules) are neither removed nor kept as
    originals. Only lines of at least ``rule.min_words`` words count: repeated short
    lines are often table rows or list items, which are content. A group of copies
    larger than ``rule.max_copies`` is left alone, and so is a sentence the page tells
    again far from its first copy (`is_told_again`).
    """
    found = list(find_copies(rule, view, skip))
    group_sizes = Counter(original for _, original, _ in found)
    copies = {position for position, _, _ in found}
    for position, original, near in found:
        if group_sizes[original] + 1 <= rule.max_copies and not is_told_again(
            view, original, position, skip, None if near else copies
        ):
            yield position, original


Copy = tuple[int, int, bool]  # a line's position, the position of the earlier line it repeats, near or exact


def find_copies(rule: Rule, view: View, skip: set[int]) -> Iterator[Copy]:
    """Every line that repeats an earlier one: ``(position, kept_position, near)``, where
    ``near`` tells a near copy from an exact one.

    Only lines that may repeat or be repeated (`lines_that_may_repeat`) are looked at:
    in most documents there are none, and the later passes then cost nothing here.
    Among them, the lines that share a key with another line still in view are judged
    and compared (`compare_lines`).
    """
    may_repeat = lines_that_may_repeat(rule, view)
    if not may_repeat:
        return
    min_words = rule.min_words if rule.min_words is not None else 6
    positions = [p for p, line in enumerate(view.index) if line in may_repeat and p not in skip]
    long_lines = [p for p in positions if len(view.contents[p]) > LONG_LINE]
    line_keys: dict[int, tuple[str, str]] = {}
    for position in positions:
        pair = view.cache.keys.get(view.index[position])
        if pair is not None:
            line_keys[position] = pair
    counts = Counter(chain.from_iterable(line_keys.values()))
    judged: dict[str, bool] = {}  # by content: a line that repeats is judged once

    def may_be_judged(content: str) -> bool:
        if content not in judged:
            judged[content] = has_words(content, min_words) and len(NUMBER.findall(content)) < DATA_NUMBERS
        return judged[content]

    shared = {
        position: pair
        for position, pair in line_keys.items()
        if (counts[pair[0]] > 1 or counts[pair[1]] > 1) and may_be_judged(view.contents[position])
    }
    yield from compare_lines(rule, view, shared)
    # A very long line is compared exactly as it stands: folding and fuzzy matching
    # would cost seconds per line; such a repeat is then only left, never wrongly cut.
    first_seen: dict[str, int] = {}
    for position in long_lines:
        if has_words(view.contents[position], min_words):
            original = first_seen.setdefault(view.contents[position], position)
            if original != position:
                yield position, original, False


def lines_that_may_repeat(rule: Rule, view: View) -> frozenset[int]:
    """The lines (by original number) that share a key with another line of the document.

    Found once per document, on the first view (the whole document) and kept in its
    cache: a later view holds fewer lines, so no other line can come to share a key.
    The keys of the lines found are kept in the cache too. A line that `find_copies`
    never judges (one that opens with a list mark, or holds fewer than
    ``rule.min_words`` words) is not keyed: its key could only make others look shared,
    and on whole pages most lines are menu items of a few words. Words are counted only
    in lines short enough to be in doubt; keying a long line of few words changes
    nothing but the time. A line past `LONG_LINE` characters counts when another line
    is the same.
    """
    found = view.cache.may_repeat.get(rule.id)
    if found is not None:
        return found
    min_words = rule.min_words if rule.min_words is not None else 6
    shortest = 2 * min_words - 1  # a shorter line cannot hold min_words words: no need to count them
    wordy = WORDY_CHARS * min_words  # a longer line nearly always does: counting would cost more
    contents = view.contents
    keyable = [
        position
        for position, content in enumerate(contents)
        if shortest <= len(content) <= LONG_LINE
        and content[:1] not in LIST_MARKS
        and (len(content) > wordy or has_words(content, min_words))
    ]
    long_lines: dict[str, list[int]] = {}
    if contents and max(map(len, contents)) > LONG_LINE:
        for position, content in enumerate(contents):
            if len(content) > LONG_LINE and content[:1] not in LIST_MARKS:
                long_lines.setdefault(content, []).append(view.index[position])
    heads, tails = keys_of_lines([contents[position] for position in keyable])
    head_counts = Counter(heads)
    tail_counts = Counter(tails)
    sharing: list[int] = []
    if len(head_counts) < len(heads) or len(tail_counts) < len(tails):  # most documents: no line shares a key
        for position, head, tail in zip(keyable, heads, tails, strict=True):
            if head is not None and tail is not None and (head_counts[head] > 1 or tail_counts[tail] > 1):
                line = view.index[position]
                view.cache.keys[line] = ("<" + head, ">" + tail)  # marked: a head never meets a tail
                sharing.append(line)
    found = frozenset(sharing + [line for same in long_lines.values() if len(same) > 1 for line in same])
    view.cache.may_repeat[rule.id] = found
    return found


def keys_of_lines(contents: list[str]) -> tuple[list[str | None], list[str | None]]:
    """The head and the tail blocking keys (see `keys`) of each line, None for a line that
    folds to nothing.

    Keys are made of letters and digits only, and `default_process` maps each character
    on its own, so the letters of a line's first `END_CHARS` characters start the
    letters of its fold, and likewise at the end. The keys of most lines thus come from
    folding their ends alone, in loops that run in C; a long line with too few letters
    at an end is folded whole.

    >>> line = "Photo: Reuters / AP -- the mayor speaks at the harbour on Tuesday"
    >>> heads, tails = keys_of_lines([line])
    >>> (heads[0], tails[0]) == keys(fold(line))
    True
    """
    heads: list[str | None] = list(map(HEAD_KEY, map(NO_SPACES, map(default_process, map(HEAD, contents)))))
    tails: list[str | None] = list(map(TAIL_KEY, map(NO_SPACES, map(default_process, map(TAIL, contents)))))
    for number, content in enumerate(contents):
        head, tail = heads[number], tails[number]
        if head is None or tail is None or (len(head) >= KEY_LENGTH and len(tail) >= KEY_LENGTH):
            continue
        if len(content) > END_CHARS:  # the ends held too few letters: fold the whole line
            head, tail = keys(fold(content))
        if not head:  # the line folds to nothing
            head = tail = None
        heads[number], tails[number] = head, tail
    return heads, tails


def has_words(content: str, count: int) -> bool:
    """Whether ``content`` holds at least ``count`` white-space separated words (splitting no further).

    >>> has_words("one two three", 3), has_words("one two", 3)
    (True, False)
    """
    return count <= 0 or len(content.split(None, count - 1)) >= count


def compare_lines(rule: Rule, view: View, line_keys: dict[int, tuple[str, str]]) -> Iterator[Copy]:
    """Every copy among the lines of ``line_keys`` (in order, all judged), with its blocking keys.

    Each line is compared with the earlier kept lines that share a key with it: an
    exact copy (same fold) first, else the closest near copy at or above the threshold.
    """
    fuzzy = rule.threshold < 100
    first_seen: dict[str, int] = {}
    folds = view.cache.folds  # by original line: later passes fold nothing twice
    folds_by_content: dict[str, str] = {}  # and a line that repeats is folded once
    index = view.index
    buckets: dict[str, list[int]] = {}
    registered: dict[str, int] = {}  # how many of a bucket's lines are in first_seen

    def folded_at(position: int) -> str:
        line = index[position]
        if line not in folds:
            content = view.contents[position]
            if content not in folds_by_content:
                folds_by_content[content] = fold(content)
            folds[line] = folds_by_content[content]
        return folds[line]

    for position, pair in line_keys.items():
        if pair[0] not in buckets and pair[1] not in buckets:  # no earlier line shares a key
            for key in pair:
                buckets.setdefault(key, []).append(position)
            continue
        folded = folded_at(position)
        # An exact copy shares the head key: its bucket's lines go into first_seen.
        head = buckets.get(pair[0], [])
        for other in head[registered.get(pair[0], 0) :]:
            first_seen.setdefault(folded_at(other), other)
        registered[pair[0]] = len(head)
        original = first_seen.get(folded)
        near = original is None
        if near and fuzzy and CODE.search(view.contents[position]) is None:
            original = find_near_copy(rule, folded, pair, folded_at, buckets)
            if original is not None and not same_numbers(folded, folded_at(original)):
                original = None
        if original is not None:
            yield position, original, near
            continue
        first_seen[folded] = position
        for key in pair:
            buckets.setdefault(key, []).append(position)


NEAR_COPY_REACH = 3  # lines between a sentence and a copy of it that may go


def is_told_again(view: View, original: int, position: int, skip: set[int], copies: set[int] | None) -> bool:
    """Whether the copy at ``position`` is a sentence the page tells again, not a line
    shown twice: it is running prose (`is_prose_line`), more than `NEAR_COPY_REACH` lines
    (non-blank, not in ``skip``) lie between it and ``original``, and, for an exact copy
    (``copies``: the positions of all copies; None for a near copy), neither line next
    to it is a copy too.

    A caption given twice (alt text and figure caption) sits next to its copy, and a
    page shown twice repeats whole blocks of lines. A sentence said again far from its
    first copy, alone or in other words, is what the page says twice: a closing line
    that repeats the opening one, a recipe card and its introduction, an article and the
    summary that quotes it. Deleting it would lose what the page really repeats.
    """
    if not is_prose_line(view, position) or not far_apart(view, original, position, skip):
        return False
    if copies is None:  # a near copy: told in other words
        return True
    return not any(neighbour in copies for neighbour in neighbours(view, position, skip))


def far_apart(view: View, original: int, position: int, skip: set[int]) -> bool:
    """Whether more than `NEAR_COPY_REACH` non-blank lines not in ``skip`` lie between the two."""
    between = 0
    for other in range(original + 1, position):
        if not view.is_blank(other) and other not in skip:
            between += 1
            if between > NEAR_COPY_REACH:
                return True
    return False


def neighbours(view: View, position: int, skip: set[int]) -> list[int]:
    """The non-blank lines right before and after ``position``, lines in ``skip`` passed over."""
    found = []
    for step in (-1, 1):
        other = position + step
        while 0 <= other < len(view) and (view.is_blank(other) or other in skip):
            other += step
        if 0 <= other < len(view):
            found.append(other)
    return found


def same_numbers(folded: str, other: str) -> bool:
    """Whether two folded lines carry the same numbers in the same order.

    >>> same_numbers("get it for 139", "get it for 169")
    False
    """
    return bool(NUMBER.findall(folded) == NUMBER.findall(other))


def keys(folded: str) -> tuple[str, str]:
    """The blocking keys of a folded line: its first and its last letters and digits.

    Near copies almost always share one of them.
    """
    letters = folded.replace(" ", "")
    return letters[:KEY_LENGTH], letters[-KEY_LENGTH:]


def find_near_copy(
    rule: Rule,
    folded: str,
    line_keys: tuple[str, str],
    folded_at: Callable[[int], str],
    buckets: dict[str, list[int]],
) -> int | None:
    """The kept line, among the recent ones sharing a key, that ``folded`` repeats most closely."""
    candidates: dict[int, str] = {}
    for key in line_keys:
        for other in buckets.get(key, ())[-rule.max_candidates :]:
            candidates[other] = folded_at(other)
    if not candidates:
        return None
    best = process.extractOne(
        folded, candidates, scorer=fuzz.ratio, processor=None, score_cutoff=rule.threshold
    )
    return None if best is None else int(best[2])
