"""Find the lines each rule claims: one small function per rule kind.

Matching runs in two stages, kept apart so the first can be swapped for a faster
multi-pattern engine: a `Scanner` proposes candidate lines for each rule, then
`confirm_line` checks each candidate against the rule's own pattern, on that line alone,
under the rule's time limit. The functions here only say which lines a rule claims; the
pipeline decides precedence and keeps the records.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate
from typing import Any, Protocol

import ahocorasick
import regex

from cleaner.errors import RuleTimeout
from cleaner.letters import is_greeting, is_sign_off, is_signature
from cleaner.literals import holds_risky, required_literals
from cleaner.rules import Rule

LINE_PIECE = regex.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+")
WORD = regex.compile(r"\S+")
# No boilerplate line is this long. Longer lines stay out of the shared scan and are
# proposed to every rule instead, where the word and length guards reject them cheaply:
# a 200 MB single-line document must not cost a full regex scan per rule.
LONG_LINE = 10_000
MAX_WORD_GUARD = 10_000  # no word guard compares with more words than this
SCAN_CHUNK_CHARS = 1 << 18
VERBOSE = int(regex.VERBOSE)  # a plain int: ``flags & VERBOSE`` then costs no enum arithmetic


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


# A line this many times longer than a running-text line is a whole article joined on one line.
JOINED_ARTICLE_FACTOR = 20
# What may close a sentence after its stop: quotes and guillemets of the languages we see
# (German closes with “ or «), brackets, and the CJK closing brackets.
CLOSING_MARKS = "\"'”’“»«›‹)]」』）》"  # noqa: RUF001 (the quotes are the point)
CLOSERS = CLOSING_MARKS.replace("]", "\\]")  # the same, inside a regex character class
SENTENCE_STOPS = ".!?…。！？"  # noqa: RUF001 (full-width stops)
Bounds = dict[int, tuple[int, int] | None]


def ends_like_sentence(content: str) -> bool:
    """Whether the line ends with a sentence's stop, perhaps followed by closing quotes or
    brackets ("... he said.”"). Read from the line's end: a search for a stop at the end
    of a long paragraph would read the whole paragraph.

    >>> ends_like_sentence("He left.”"), ends_like_sentence("Home"), ends_like_sentence("»")
    (True, False, False)
    """
    stripped = content.rstrip(CLOSING_MARKS)
    return stripped != "" and stripped[-1] in SENTENCE_STOPS


# Running prose (`is_prose`): what blocks and runs stop at, and what some line rules never claim.
PROSE_MIN_WORDS = 8
PROSE_LOWER_SHARE = 0.4  # of the words that start with a letter, at least this share start lower-case
WEAK_END_MIN_WORDS = 12  # a shorter line ending in ? ! or … is a teaser headline (asked, cried or cut off)
LONG_PROSE_WORDS = 20  # a line this long with a sentence break inside may end without a stop
CJK_PROSE_CHARS = 20  # Chinese and Japanese write no spaces: characters count instead of words
# A sentence end, then what people put after it: emoji, emoticons, hashtags; or the
# news agency or the author that signs a report, in brackets: "... nicht besonders“. (mz)",
# "(dpa)", "(Galileo Galilei)". Two words at most, and no point: "(fiala.de)" is a link;
# the stop ends a word in lower case ("... e.V. (DGVM)" is a name and its initials).
PROSE_END = regex.compile(
    rf"(?:(\.\.\.|[.!?…。！？])[{CLOSERS}]*(?:\s*(?:[\p{{So}}\p{{Sk}}\p{{Mn}}\p{{Cf}}]|[:;]-?[()DPp]|<3|\#\w+))*"  # noqa: RUF001
    rf"|(?<=[\p{{Ll}}\p{{N}}{CLOSERS}])[.!?…][{CLOSERS}]*\s\(\p{{L}}[\p{{L}}&-]*(?:\s\p{{L}}[\p{{L}}&-]*)?\))$"  # noqa: RUF001
)
CUT_OFF_ENDS = ("...", "…")  # what a site puts where it cuts a teaser short
WEAK_ENDS = frozenset(("?", "!", *CUT_OFF_ENDS))
# A stop after a lower-case letter or a digit, then a capital: one sentence ends and another begins.
SENTENCE_BREAK = regex.compile(rf"[\p{{Ll}}\p{{N}}{CLOSERS}][.!?…]+[{CLOSERS}]*\s+[\"'“‘„«(]*\p{{Lu}}")  # noqa: RUF001
CJK = regex.compile(r"[\p{Han}\p{Hiragana}\p{Katakana}]")
CJK_LAST = frozenset("。！？」』）》”’\"")  # noqa: RUF001 (what a CJK sentence can end with)
PROSE_MIN_CHARS = 2 * PROSE_MIN_WORDS - 1  # the fewest characters that hold PROSE_MIN_WORDS words
LONG_PROSE_CHARS = 2 * LONG_PROSE_WORDS - 1


def split_lines(text: str) -> list[str]:
    """Split text into lines that keep their own endings (``\\n``, ``\\r\\n`` or ``\\r``).

    >>> split_lines("a\\r\\nb\\rc\\n\\nd")
    ['a\\r\\n', 'b\\r', 'c\\n', '\\n', 'd']
    """
    if "\r" not in text:
        if not any(boundary in text for boundary in OTHER_LINE_BOUNDARIES):
            return text.splitlines(keepends=True)  # one string per line, made in C
        pieces = text.split("\n")
        lines = [piece + "\n" for piece in pieces[:-1]]
        if pieces[-1]:
            lines.append(pieces[-1])
        return lines
    return LINE_PIECE.findall(text)


# Characters `str.splitlines` also ends a line at; cleaner ends lines at \n, \r\n and \r only.
OTHER_LINE_BOUNDARIES = ("\v", "\f", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029")


@dataclass(slots=True)
class LineCache:
    """What is known of one document's lines, by original line number.

    It holds what depends on a line alone, and the deduplicator's lines that may repeat
    (found on the whole document), so every view of the document shares it: nothing is
    computed twice when passes repeat.
    """

    words: dict[int, int] = field(default_factory=dict)
    matches: dict[tuple[str, int], bool] = field(default_factory=dict)  # by rule id and line
    keys: dict[int, tuple[str, str] | None] = field(default_factory=dict)  # the deduplicator's
    folds: dict[int, str] = field(default_factory=dict)  # the deduplicator's
    may_repeat: dict[str, frozenset[int]] = field(default_factory=dict)  # the deduplicator's, by rule id
    prose: dict[int, bool] = field(default_factory=dict)  # `is_prose`, asked only where a block grows
    running: dict[int, dict[int, int]] = field(default_factory=dict)  # `stretch_characters`, by word count
    notices: list[int] | None = None  # `rights_notices`, found on the first view that asks


@dataclass(frozen=True)
class View:
    """The lines still kept at one pass of the pipeline, as parallel sequences.

    ``index`` maps a view position to its 0-based line in the original; ``contents``
    holds each line stripped of surrounding white space and its ending. A line's word
    count and whether a rule's pattern matches it are computed when first asked for and
    kept in ``cache``, which the narrower views of later passes share (`narrow`).
    """

    index: Sequence[int]  # a range for the whole document: no int object per line
    contents: tuple[str, ...]
    name: str = "<text>"
    cache: LineCache = field(default_factory=LineCache, compare=False, repr=False)

    def __len__(self) -> int:
        return len(self.contents)

    def is_blank(self, position: int) -> bool:
        """Whether the line at ``position`` holds only white space."""
        return not self.contents[position]

    def narrow(self, positions: Iterable[int]) -> View:
        """The view of the lines at ``positions`` only, sharing this view's caches."""
        kept = tuple(positions)
        index = tuple(self.index[p] for p in kept)
        contents = tuple(self.contents[p] for p in kept)
        return View(index, contents, self.name, self.cache)

    def words(self, position: int) -> int:
        """How many white-space separated words the line at ``position`` has; on a line
        past `LONG_LINE` characters, counting stops past `MAX_WORD_GUARD`, more than any
        guard compares with."""
        line = self.index[position]
        count = self.cache.words.get(line)
        if count is None:
            count = self.cache.words[line] = count_words(self.contents[position], MAX_WORD_GUARD)
        return count

    def text_span(self, min_words: int) -> tuple[int, int] | None:
        """`text_bounds` of this view, found once per word count: the rules of one pass
        that ask for it (`outside_text`, `spare_lists`) share it."""
        spans = self.spans
        if min_words not in spans:
            spans[min_words] = text_bounds(self, min_words)
        return spans[min_words]

    @cached_property
    def spans(self) -> dict[int, tuple[int, int] | None]:
        """The running-text spans found in this view so far, by word count (`text_span`)."""
        return {}

    def article_span(self, min_words: int) -> tuple[int, int] | None:
        """`text_span`, when the running text there is the page's article (`holds_article`);
        None when there is no running text, or too little of it to be an article."""
        articles = self.articles
        if min_words not in articles:
            span = self.text_span(min_words)
            articles[min_words] = span if span is not None and holds_article(self, *span, min_words) else None
        return articles[min_words]

    @cached_property
    def articles(self) -> dict[int, tuple[int, int] | None]:
        """The article spans found in this view so far, by word count (`article_span`)."""
        return {}

    @cached_property
    def filled(self) -> tuple[int, ...]:
        """How many lines up to and including each position are not blank."""
        return tuple(accumulate(map(bool, self.contents)))

    @cached_property
    def word_counts(self) -> tuple[int, ...]:
        """Each line's number of words (see `words`)."""
        return tuple(map(self.words, range(len(self.contents))))


class Scanner(Protocol):
    """Proposes, for each rule with a pattern, the view positions that may match it.

    It may propose too many lines (they are confirmed) but never too few. Whether a
    line is proposed must depend on that line alone, not on its place or neighbours:
    the pipeline scans a document once and reuses the proposals in later passes.
    """

    def candidate_lines(self, rules: Sequence[Rule], view: View) -> dict[str, list[int]]:
        """Candidate positions by rule id; a rule with none may be left out."""
        ...


class RegexScanner:
    """The reference scanner: each rule's pattern over all lines at once, chunk by chunk."""

    def candidate_lines(self, rules: Sequence[Rule], view: View) -> dict[str, list[int]]:
        """Candidate positions by rule id, from matches starting anywhere in a line.

        Lines longer than `LONG_LINE` stay out of the scan and are proposed to every rule.
        """
        short = [position for position, content in enumerate(view.contents) if len(content) <= LONG_LINE]
        long_lines = sorted(set(range(len(view))) - set(short))
        return {
            rule.id: sorted(scan_lines(rule, view, short) + long_lines)
            for rule in rules
            if rule.pattern is not None
        }


class LineScanner:
    """The fast pure-regex scanner: the rule's pattern over only the lines that may match.

    Two cheap tests turn most lines away first: the guards on the line itself
    (``max_words``, ``min_words``, ``max_chars``; ``position`` is left to `confirm_line`,
    as a line's place changes from pass to pass), and the literals the pattern needs
    (`required_literals`), looked for in the casefolded text by a `LiteralFinder`. A few
    lines left are all proposed (`confirm_line` checks each alone); many are joined and
    scanned in one call, as `RegexScanner` scans the whole view, which is faster than
    one call per line and proposes the same lines.
    """

    def __init__(self) -> None:
        self.finders: dict[int, LiteralFinder] = {}  # by the rules' id: callers pass the same rules again

    def __getstate__(self) -> dict[str, Any]:
        return {}  # a worker process builds its own finders

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]

    def candidate_lines(self, rules: Sequence[Rule], view: View) -> dict[str, list[int]]:
        """Candidate positions by rule id: the lines each rule's guards and literals admit."""
        finder = self.finders.get(id(rules))
        if finder is None or finder.rules is not rules:
            if len(self.finders) >= MAX_FINDERS:
                self.finders.clear()
            finder = self.finders[id(rules)] = LiteralFinder(rules)
        holding = finder.lines_holding(view)
        if holding is None:  # a risky text: no literal test
            return {rule.id: self.guarded_candidates(rule, view, {}) for rule in finder.pattern_rules}
        found: dict[str, list[int]] = {rule_id: [] for rule_id in finder.with_literals}
        for rule_id, lines in holding.items():  # the few rules with a literal in the text
            rule = finder.with_literals[rule_id]
            guards = (rule.max_chars, rule.min_words, rule.max_words)
            positions = sorted(position for position in lines if admits(view, guards, position))
            found[rule_id] = positions if len(positions) < JOIN_FROM else scan_lines(rule, view, positions)
        admitted: dict[Guards, list[int]] = {}  # rules with the same guards share the work
        for rule in finder.without_literals:
            found[rule.id] = self.guarded_candidates(rule, view, admitted)
        return found

    @staticmethod
    def guarded_candidates(rule: Rule, view: View, admitted: dict[Guards, list[int]]) -> list[int]:
        """The candidates of a rule without a literal test: the lines its guards admit, scanned
        by its pattern when they are many (``admitted`` keeps the lines by guards)."""
        guards = (rule.max_chars, rule.min_words, rule.max_words)
        if guards not in admitted:
            admitted[guards] = admitted_lines(view, guards)
        positions = admitted[guards]
        return positions if len(positions) < JOIN_FROM else scan_lines(rule, view, positions)


Guards = tuple[int | None, int | None, int | None]  # max_chars, min_words, max_words


def admitted_lines(view: View, guards: Guards) -> list[int]:
    """The positions whose line the guards on the line itself admit."""
    max_chars, min_words, max_words = guards
    positions = list(range(len(view)))
    if max_chars is not None:
        contents = view.contents
        positions = [p for p in positions if len(contents[p]) <= max_chars]
    if min_words is not None:
        words = view.word_counts
        positions = [p for p in positions if words[p] >= min_words]
    if max_words is not None:
        words = view.word_counts
        positions = [p for p in positions if words[p] <= max_words]
    return positions


def admits(view: View, guards: Guards, position: int) -> bool:
    """Whether the guards on the line itself admit the line at ``position``."""
    max_chars, min_words, max_words = guards
    if max_chars is not None and len(view.contents[position]) > max_chars:
        return False
    if min_words is not None and view.words(position) < min_words:
        return False
    return max_words is None or view.words(position) <= max_words


class LiteralFinder:
    """Finds, in one pass over a text, the lines holding a literal each rule needs.

    The literals of all the rules (`required_literals`, casefolded) go into one
    Aho-Corasick automaton (pyahocorasick, in C), which reports every place where any
    of them occurs: one pass over the text instead of one ``str.find`` per literal.
    Rules whose pattern needs no literal (``without_literals``) get no such test.
    """

    def __init__(self, rules: Sequence[Rule]) -> None:
        self.rules = rules
        self.pattern_rules = [rule for rule in rules if rule.pattern is not None]
        self.with_literals: dict[str, Rule] = {}  # by id
        self.without_literals: list[Rule] = []
        needed_by: dict[str, list[str]] = {}  # each literal, with the rules that need it
        for rule in self.pattern_rules:
            assert rule.pattern is not None
            literals = required_literals(rule.pattern.pattern, bool(rule.pattern.flags & VERBOSE))
            if literals is None:
                self.without_literals.append(rule)
                continue
            self.with_literals[rule.id] = rule
            for literal in sorted(literals):
                if "\n" not in literal:  # in no single line: the rule proposes no line for it
                    needed_by.setdefault(literal, []).append(rule.id)
        self.automaton = ahocorasick.Automaton()
        for literal, rule_ids in needed_by.items():
            self.automaton.add_word(literal, (len(literal), tuple(rule_ids)))
        if needed_by:
            self.automaton.make_automaton()

    def lines_holding(self, view: View) -> dict[str, set[int]] | None:
        """By rule id, the positions whose line holds one of the rule's literals; None for a risky text.

        A text holding one of the characters whose case folding the engines may not share
        (`holds_risky`) gets no literal test: casefolding could hide a match there.
        """
        text = "\n".join(view.contents)
        if holds_risky(text):
            return None
        found: dict[str, set[int]] = {}
        if not self.automaton:  # no literals at all
            return found
        folded = text.casefold()  # keeps line breaks and makes none
        starts = [0, *accumulate(len(line) + 1 for line in folded.split("\n"))]
        for end, (length, rule_ids) in self.automaton.iter(folded):
            line = bisect_right(starts, end - length + 1) - 1
            for rule_id in rule_ids:
                found.setdefault(rule_id, set()).add(line)
        return found


MAX_FINDERS = 8  # rule sets a scanner keeps a finder for
JOIN_FROM = 8  # admitted lines from which one joined scan beats a search per line


def scan_lines(rule: Rule, view: View, positions: list[int]) -> list[int]:
    """The positions, among ``positions``, where a match of the rule's pattern starts.

    The lines are joined and scanned in chunks of about `SCAN_CHUNK_CHARS`: one call per
    chunk beats one per line, and the rule's time limit stays about the rule, not about
    the document's length.
    """
    assert rule.pattern is not None
    contents = view.contents
    hits: list[int] = []
    # Blank lines stay out of the joined text: a run of them would be one long run of
    # white space for a pattern's \s to backtrack over, across lines no match can use.
    blank = [position for position in positions if not contents[position]]
    if blank:
        positions = [position for position in positions if contents[position]]
        if matches_blank(rule):
            hits.extend(blank)
    for chunk in chunk_positions(contents, positions):
        starts = []
        offset = 0
        for position in chunk:
            starts.append(offset)
            offset += len(contents[position]) + 1
        text = "\n".join(contents[position] for position in chunk)
        found: set[int] = set()
        try:
            for match in rule.pattern.finditer(text, overlapped=True, timeout=rule.timeout):
                found.add(chunk[bisect_right(starts, match.start()) - 1])
        except TimeoutError:
            raise RuleTimeout(rule.id, view.name, rule.timeout) from None
        hits.extend(sorted(found))
    return sorted(hits) if blank else hits


def matches_blank(rule: Rule) -> bool:
    """Whether the rule's pattern matches an empty line (then every blank line is a candidate)."""
    assert rule.pattern is not None
    try:
        return rule.pattern.search("", timeout=rule.timeout) is not None
    except TimeoutError:
        return True  # confirm_line will say


def chunk_positions(contents: Sequence[str], positions: list[int]) -> Iterator[list[int]]:
    """``positions`` in consecutive groups whose lines hold about `SCAN_CHUNK_CHARS` characters."""
    chunk: list[int] = []
    size = 0
    for position in positions:
        chunk.append(position)
        size += len(contents[position]) + 1
        if size >= SCAN_CHUNK_CHARS:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def text_bounds(view: View, min_words: int) -> tuple[int, int] | None:
    """The first and last positions of running text (`is_running_text`), the last one
    within the article's stretch (`article_end`), each widened over the lead lines next
    to it (`is_lead`).

    A page's article often opens with a standfirst and closes with a line or two that
    end without a stop (a sentence cut by a link, a list of demands): such sentence-case
    lines right before the first or after the last line of running text are read as
    part of the article. A menu item, a title-case headline, a date or a byline ends
    the widening. A letter's greeting above the text and its sign-off below it are the
    text's own (`cleaner.letters`), and so is the line a closing colon introduces, or a
    short sentence under it that leads in to a link (`is_lead_in`). Below the text, a
    list of facts or notes right after its last line (a product's specifications:
    `widen_over_facts`) is the article's too, and so are the rest of a sentence wrapped
    onto the next line (`widen_over_wrap`), a list of sources under its heading
    (`widen_over_sources`) and the attribution of a post it quotes last
    (`widen_over_attribution`).

    >>> lines = ("Home", "Council to build a new library downtown", "It was a cold day, and the river rose.")
    >>> view = View((0, 1, 2, 3, 4), (*lines, "Ok.", "Footer"))
    >>> text_bounds(view, 8)
    (1, 2)
    """
    # Looked for from each end (`article_end` then reads the lines between).
    # A short question alone among the menus is a teaser's headline (`is_lone_question`).
    first = next(
        (
            p
            for p in range(len(view))
            if is_running_text(view, p, min_words) and not is_lone_question(view, p, min_words, 1)
        ),
        None,
    )
    if first is None:
        return None
    last = next(
        p
        for p in range(len(view) - 1, first - 1, -1)
        if is_running_text(view, p, min_words) and not is_lone_question(view, p, min_words, -1)
    )
    running = stretch_lines(view, first, last, min_words)  # read once for both tests below
    last = article_end(view, first, last, running)
    running = [line for line in running if line[0] <= last]
    notice = rights_notice(view, first, last, running)
    if notice is not None:  # the article's last running text above it
        last = max(position for position, characters in running if position < notice and characters)
    top = widen_over_greeting(view, widen_over_leads(view, first, -1, gap=LEAD_GAP))
    bottom = widen_over_leads(view, last, 1)
    # A text does not end on a colon: what it introduces is its own; nor on a sentence
    # that leads in to a link ("Das Konzeptpapier finden Sie hier:").
    below = next_filled(view.contents, bottom, 1)
    if below is not None and (view.contents[bottom][-1] == ":" or is_lead_in(view, below)):
        bottom = below
    bottom = widen_over_facts(view, widen_over_sign_off(view, widen_over_attribution(view, bottom)))
    bottom = widen_over_sources(view, widen_over_wrap(view, bottom))
    return top, bottom if notice is None else min(bottom, notice - 1)


# The page's rights notice ("© 2019 CBS Interactive Inc. All Rights Reserved.") closes
# its article: running text below it is the site's (teasers of other stories with their
# summaries, its disclaimers, the rules of its comments), when at least `NOTICE_SHARE` of
# the page's running text lies above it. A notice names its rights; a picture's credit
# ("© 2012 Jessica Jones.") does not, and the article may go on under it.
RIGHTS_NOTICE = regex.compile(
    r"all rights reserved|alle rechte vorbehalten|tous droits réservés|todos los derechos reservados"
    r"|tutti i diritti riservati|todos os direitos reservados|alle rechten voorbehouden"
    r"|wszelkie prawa zastrzeżone|版权所有|版權所有|無断転載|무단 ?전재",
    regex.IGNORECASE,
)
NOTICE_SHARE = 0.5
COPYRIGHT_MARKS = ("©", "ⓒ", "Ⓒ", "opyright", "OPYRIGHT")  # a notice holds one of them (Korean sites write ⓒ)


def rights_notice(view: View, first: int, last: int, running: list[tuple[int, int]]) -> int | None:
    """The position of the rights notice (`is_rights_notice`, on a line with a copyright sign
    or word) between ``first`` and ``last``, the first and last lines of running text,
    with at least `NOTICE_SHARE` of the running text between them (``running``:
    `stretch_lines`) above it; None when there is none. A page with more than one
    notice there holds syndicated stories, each under its own ("Copyright 2019 The
    Associated Press. All rights reserved."): no one of them closes the page's text.

    >>> story = [f"Paragraph {n} of the story goes on for a while and then it ends." for n in range(4)]
    >>> notice = "© 2019 Example News. All rights reserved."
    >>> teasers = ("Other story", "Its summary is a sentence that ends like this.")
    >>> view = View(range(7), (*story, notice, *teasers))
    >>> rights_notice(view, 0, 6, stretch_lines(view, 0, 6, 8))
    4
    >>> view = View(range(7), (story[0], notice, *story[1:], *teasers))
    >>> rights_notice(view, 0, 6, stretch_lines(view, 0, 6, 8)) is None
    True
    """
    notices = []
    for line in rights_notices(view):
        position = bisect_left(view.index, line)
        if first < position < last and view.index[position] == line:  # in this view, between the two
            notices.append(position)
    if len(notices) != 1:
        return None
    above = sum(characters for at, characters in running if at < notices[0])
    return notices[0] if above >= NOTICE_SHARE * sum(characters for _, characters in running) else None


def rights_notices(view: View) -> list[int]:
    """The original line numbers of the document's rights notices (`is_rights_notice`, on
    a line with a copyright sign or word), found once: each pass's view narrows the first
    one's, and asks again."""
    cache = view.cache
    if cache.notices is None:
        # The marks are looked for in the whole text at once: a page has thousands of lines
        # and few notices, and a look in each line cost 2% of the page profile's instructions.
        contents = view.contents
        text = "\n".join(contents)
        lines = set()
        for mark in COPYRIGHT_MARKS:
            found = text.find(mark)
            while found >= 0:
                lines.add(text.count("\n", 0, found))
                end = text.find("\n", found)
                found = -1 if end < 0 else text.find(mark, end)
        cache.notices = sorted(view.index[p] for p in lines if is_rights_notice(contents[p]))
    return cache.notices


def is_rights_notice(content: str) -> bool:
    """Whether a line that holds a copyright mark names the site's rights
    (`RIGHTS_NOTICE`) as a notice does: opening with the mark, or not written as prose. An
    article about copyright may quote the phrase in a sentence.

    >>> is_rights_notice("© 2019 Example News. All rights reserved.")
    True
    >>> is_rights_notice("The licences sit between copyright (all rights reserved) and the public domain.")
    False
    """
    if RIGHTS_NOTICE.search(content) is None:
        return False
    opening = content.lstrip(" |*•·-–—")[:9].lower()  # noqa: RUF001 (dashes a list may open with)
    return opening.startswith(("©", "ⓒ", "(c)", "copyright")) or not is_prose(content)


# Running text further below the article than this many lines with no sentence, when
# the article holds at least `ARTICLE_STRETCH_SHARE` of the page's running text (by
# characters), is the page's footer: an "about us" blurb, teasers' summaries, a notice.
# A footer says little: more running text than `FOOTER_CHARACTERS` down there (some
# thousand words) is more of the page's content, such as a long thread of comments.
FOOTER_GAP = 15
ARTICLE_STRETCH_SHARE = 0.85
FOOTER_CHARACTERS = 6000


def article_end(view: View, first: int, last: int, running: list[tuple[int, int]]) -> int:
    """The last line of the article's running text, given the first and the last line of
    running text on the page, and the lines between that belong to its stretches
    (``running``: `stretch_lines`).

    The page's running text falls into stretches, each more than `FOOTER_GAP` lines
    with no sentence away from the next. When one stretch holds at least
    `ARTICLE_STRETCH_SHARE` of it, that stretch is the article, and the few sentences
    far below it belong to the page's footer: teasers of other stories with their
    summaries, the site's "about us" line, a notice on comments or cookies; more than
    `FOOTER_CHARACTERS` of them is more content (a long thread of comments). The article
    ends with its stretch, unless that ends on a colon, or the line under it is a short
    sentence that does (`is_lead_in`): what it introduces (a long list of offers, a
    table) is its own, and the page is read as before. A page whose text is spread over
    many stretches (a catalogue, a portfolio, a page of sections) has no such stretch,
    and keeps its last line too. A long line that starts in lower case goes on with a
    sentence the line above began: in a hard-wrapped text most lines end mid-sentence,
    and such lines keep the stretch together.

    >>> article = [f"Paragraph {n} of the story goes on for a while and then it ends." for n in range(9)]
    >>> menu = [f"Link {n}" for n in range(20)]
    >>> view = View(range(30), (*article, *menu, "We are a small team that writes about the city."))
    >>> article_end(view, 0, 29, stretch_lines(view, 0, 29, 8))
    8
    >>> offers = "Here are the offers of the week:"
    >>> view = View(range(30), (*article[:-1], offers, *menu, view.contents[-1]))
    >>> article_end(view, 0, 29, stretch_lines(view, 0, 29, 8))
    29
    """
    contents = view.contents
    if last - first <= FOOTER_GAP + 1:
        return last  # too short to hold a gap
    filled = view.filled
    stretches: list[list[int]] = []  # [first, last, characters] of each stretch
    previous = -1
    for position, characters in running:
        if stretches and filled[position] - filled[previous] - 1 <= FOOTER_GAP:
            stretches[-1][1] = position
            stretches[-1][2] += characters
        else:
            stretches.append([position, position, characters])
        previous = position
    if len(stretches) == 1:
        return last
    article = max(stretches, key=lambda stretch: stretch[2])
    if article[2] < ARTICLE_STRETCH_SHARE * sum(stretch[2] for stretch in stretches):
        return last
    if sum(stretch[2] for stretch in stretches if stretch[0] > article[1]) > FOOTER_CHARACTERS:
        return last  # too much to be a footer
    end = article[1]
    below = next_filled(contents, end, 1)
    if contents[end][-1] == ":" or (below is not None and is_lead_in(view, below)):
        return last  # it leads in to what follows: a list of offers, a table
    return end


def stretch_lines(view: View, first: int, last: int, min_words: int) -> list[tuple[int, int]]:
    """Each line from ``first`` to ``last`` that belongs to a stretch of running text, with
    the characters it brings (`stretch_characters`). Each pass asks again: the answers are
    kept by line in the view's cache."""
    # Only a line long enough, not turned away by `is_running_text`'s first test (no stop
    # at its end), or a wrapped line (lower case first), is asked: the rest are gaps,
    # counted by `filled`. The test is written out in both: each is asked of every line.
    contents, index = view.contents, view.index
    shortest = min(2 * min_words - 1, CJK_PROSE_CHARS)
    longest = 2 * JOINED_ARTICLE_FACTOR * min_words - 1
    known = view.cache.running.setdefault(min_words, {})
    found = []
    for position in range(first, last + 1):
        line = contents[position]
        if len(line) >= shortest and (
            not line[-1].isalnum() or line[0].islower() or "#" in line or len(line) >= longest
        ):
            characters = known.get(index[position])
            if characters is None:
                characters = known[index[position]] = stretch_characters(view, position, min_words)
            if characters >= 0:
                found.append((position, characters))
    return found


def stretch_characters(view: View, position: int, min_words: int) -> int:
    """What the line brings to a stretch of running text (`article_end`): its characters
    if it is running text, none if it goes on with a sentence of a hard-wrapped text
    (`min_words` words or more, starting in lower case), -1 if it is neither."""
    content = view.contents[position]
    if is_running_text(view, position, min_words):
        return len(content)
    return 0 if content[0].islower() and view.words(position) >= min_words else -1


# A page holds an article when its running prose fills at least this share of its
# characters (characters, not words: Chinese and Japanese write no spaces).
ARTICLE_SHARE = 0.05


def holds_article(view: View, first: int, last: int, min_words: int) -> bool:
    """Whether the lines between ``first`` and ``last`` that are running text and prose
    (`is_running_text`, `is_prose_line`) fill at least `ARTICLE_SHARE` of the page's
    characters.

    A page of results, lyrics, a curriculum or a catalogue holds a few lines that end
    like a sentence ("Donations could be done via the link below."), and thousands of
    short lines that are its content. Bounds drawn around those few lines would take the
    content for the page's head and tail, and its lists for menus: below the share, the
    page rules leave the page alone (a line of junk kept costs less than content lost).

    >>> results = tuple(f"{rank}. Runner {rank}, 13,{rank}0 sec" for rank in range(1, 60))
    >>> note = "Results of the relay, Saturday 19 May, in the city stadium."
    >>> view = View(range(61), (note, *results, "Home"))
    >>> holds_article(view, 0, 0, 8), holds_article(view.narrow(range(10)), 0, 0, 8)
    (False, True)
    """
    # Read from the first line of running text on: an article reaches the share within
    # its first paragraphs, and the rest of the page is not read. A paragraph is long: only
    # a shorter line is asked whether it is prose (a row of results is not), which costs more.
    needed = ARTICLE_SHARE * sum(map(len, view.contents))
    found = 0
    for position in range(first, last + 1):
        if is_running_text(view, position, min_words) and (
            view.words(position) >= LONG_PROSE_WORDS or is_prose_line(view, position)
        ):
            found += len(view.contents[position])
            if found >= needed:
                return True
    return False


# A question of fewer words than this opens (or closes) the article only when more running
# text lies within `EDGE_REACH` lines on the article's side: a teaser's headline among the
# menus ("Is some of Calif.'s $9.3 billion in unclaimed assets yours?") stands alone.
LONE_QUESTION_WORDS = 12
EDGE_REACH = 5
QUESTION_END = regex.compile(rf"[?？][{CLOSERS}]*$")  # noqa: RUF001 (the full-width mark)


def is_lone_question(view: View, position: int, min_words: int, step: int) -> bool:
    """Whether a line of running text is a short question with no more running text
    within `EDGE_REACH` lines past it (``step`` 1 down, -1 up): it cannot open (or close)
    the article.

    >>> menu = ("Is your town among the best places to live?", "News", "Sport", "Travel", "Video", "Radio")
    >>> view = View(range(7), (*menu, "The council voted on Monday to build a new library."))
    >>> is_lone_question(view, 0, 8, 1), is_lone_question(view, 6, 8, 1)
    (True, False)
    >>> is_lone_question(View(range(3), ("Is your town among the best places to live?", "", "It is, the town council said in its report on Monday.")), 0, 8, 1)
    False
    """
    if view.words(position) >= LONE_QUESTION_WORDS or QUESTION_END.search(view.contents[position]) is None:
        return False
    seen = 0
    position += step
    while 0 <= position < len(view) and seen < EDGE_REACH:
        if not view.is_blank(position):
            if is_running_text(view, position, min_words):
                return False
            seen += 1
        position += step
    return True


def is_running_text(view: View, position: int, min_words: int) -> bool:
    """Whether the line has ``min_words``+ words and ends like a sentence (emoji,
    hashtags or the agency's sign, "(dpa)", may follow the stop: `PROSE_END`), or is a
    joined article, or is Chinese or Japanese prose (`is_cjk_prose`: no spaces to count
    words by). A paragraph that leads in to a list or a link ends on a colon: with
    `LONG_PROSE_WORDS` words and a sentence break inside, it is running text too.

    A long line that only holds a sentence break is not enough here: cookie banners and
    footer notices end in a link ("... you agree to our terms. Accept Read More"). Nor is
    a line of fewer than `WEAK_END_MIN_WORDS` words that ends in an ellipsis: a teaser the
    site cut short ("Students step in to save classmates trapped in vi...") is no
    sentence's end, and in a list of other stories it would stretch the article to it.

    >>> view = View(range(2), ("Students step in to save classmates trapped in the campus vi...", "It was a cold day in May."))
    >>> is_running_text(view, 0, 5), is_running_text(view, 1, 5)
    (False, True)
    """
    content = view.contents[position]
    # Most lines of a page end in a letter or a digit, with no stop, and are too short
    # to be a joined article: no need to count their words.
    joined = 2 * JOINED_ARTICLE_FACTOR * min_words - 1  # characters of that many words
    if content[-1:].isalnum() and "#" not in content and len(content) < joined:
        return False
    words = view.words(position)
    if words >= min_words:
        if words >= JOINED_ARTICLE_FACTOR * min_words:
            return True
        if ends_like_sentence(content):
            return words >= WEAK_END_MIN_WORDS or not content.endswith(CUT_OFF_ENDS)
        # After the stop come emoji (not ASCII), an emoticon's bracket or hashtags: most lines have none.
        last = content[-1]
        if last == ":" and words >= LONG_PROSE_WORDS and SENTENCE_BREAK.search(content) is not None:
            return True
        return ("#" in content or last in "()" or not last.isascii()) and PROSE_END.search(content) is not None
    if words >= PROSE_MIN_WORDS:
        return False
    return len(content) >= CJK_PROSE_CHARS and content[-1] in CJK_LAST and is_cjk_prose(content)


LEAD_MIN_WORDS = 6
# Above the article, a byline, a date or a share button may stand between the standfirst
# and the first paragraph: up to this many such lines are crossed, once, to reach a
# standfirst of `STANDFIRST_WORDS` words or more (most headlines are shorter; a longer one
# kept is a line of junk, a standfirst lost a sentence), or one that ends in a colon (a
# headline never does).
LEAD_GAP = 3
STANDFIRST_WORDS = 14
# A byline block (the authors, their handles, the date, the share buttons) may be longer:
# when one of the lines crossed opens a byline ("By", "by:", "Von", "Par"...), up to this
# many are crossed.
BYLINE_GAP = 8
BYLINE_OPENER = regex.compile(
    r"(?:[Bb]y|BY|[Vv]on|[Pp]ar|[Pp]or|[Dd]oor|[Pp]rzez)(?::|\s|$)|(?:Autor|Autorin|Text|Texte):"
)


def widen_over_leads(view: View, edge: int, step: int, gap: int = 0) -> int:
    """``edge`` moved by ``step`` (-1 up, 1 down) over the lead lines next to it, blank
    lines between them allowed.

    With ``gap``, the widening may cross once up to ``gap`` lines that are no lead
    (a byline, a date, "Share") when the line beyond them is a standfirst
    (`is_lead` with `STANDFIRST_WORDS` words): those lines are kept with the article.
    When a byline opens among them ("By", "Jane Doe", "@janedoe", "1 October 2020"),
    up to `BYLINE_GAP` are crossed. A headline, a menu or a teaser list above the
    article has no such line right after a few short ones, and the widening still
    stops there.
    """
    position = edge + step
    while 0 <= position < len(view):
        if not view.is_blank(position):
            if not is_lead(view, position):
                beyond = crossed_gap(view, position, step, gap) if gap else None
                if beyond is None:
                    break
                gap, position = 0, beyond
            edge = position
        position += step
    return edge


def crossed_gap(view: View, position: int, step: int, gap: int) -> int | None:
    """The standfirst's position past at most ``gap`` lines that are no lead (or
    `BYLINE_GAP`, when one of them opens a byline), from ``position`` on (None when
    there is none)."""
    crossed = 0
    byline = False
    while 0 <= position < len(view):
        if not view.is_blank(position):
            if is_lead(view, position):
                content = view.contents[position]
                # A picture's caption carries its credit ("... © Reuters"); a standfirst does not.
                standfirst = view.words(position) >= STANDFIRST_WORDS or content.endswith(":")
                near = crossed <= gap or byline
                return position if standfirst and near and "©" not in content else None
            crossed += 1
            byline = byline or BYLINE_OPENER.match(view.contents[position]) is not None
            if crossed > max(gap, BYLINE_GAP):
                return None
        position += step
    return None


# Below the text, at least this many lines in a row that read as facts (`is_content_item`)
# are a specification sheet the article ends with; three are as often "Tag: ...",
# "Related: ..." lines under a story.
TAIL_FACTS = 4


def widen_over_facts(view: View, edge: int) -> int:
    """``edge`` (the article's last line) moved down over the lines after it that read as
    facts or leads, blank lines between them allowed, when `TAIL_FACTS` or more come in a
    row: "Farbe: grün", "Penetration: 220 – 250", "Lieferbar: 125 ml, 450 ml". Else, over
    a list of items (`widen_over_items`).

    >>> facts = ("Farbe: grün", "", "Basisöl: Mineralöl", "Penetration: 220", "Lieferbar: 125 ml")
    >>> view = View(range(7), ("It keeps bearings running for years.", *facts, "Impressum"))
    >>> widen_over_facts(view, 0), widen_over_facts(view.narrow([0, 1, 3, 6]), 0)
    (5, 0)
    """
    position = edge + 1
    facts = 0
    last = edge
    while position < len(view):
        if not view.is_blank(position):
            if not (is_fact(view, position) or is_lead(view, position)):
                break
            facts += 1
            last = position
        position += 1
    return last if facts >= TAIL_FACTS else widen_over_items(view, edge)


def widen_over_wrap(view: View, edge: int) -> int:
    """``edge`` (the article's last line) moved down over the lines right under it (no
    blank line between) that go on with its sentence: it ends without a stop, and they
    open in lower case, as an extractor breaks a long line ("... Chapter from the book",
    "entitled Beautiful Code, OReilly.").

    >>> view = View(range(3), ("2. Chapter from the book", "entitled Beautiful Code.", "Home"))
    >>> widen_over_wrap(view, 0)
    1
    """
    contents = view.contents
    position = edge + 1
    while (
        position < len(view)
        and contents[position][:1].islower()
        and contents[position - 1][-1:] not in SENTENCE_STOPS
    ):
        position += 1
    return position - 1


# The heading of the text's own list of sources or references: "Quellen:", "4 References",
# "Literaturverzeichnis", "Bibliografía". What it lists belongs to the text above it.
SOURCES_HEADER = regex.compile(
    r"^(?:\d{1,2}\.?\s)?(?:References|Sources|Notes|Footnotes|Bibliography|Works cited|Further reading"
    r"|Quellen|Quellenangaben|Literatur|Literaturverzeichnis|Einzelnachweise|Anmerkungen|Fußnoten"
    r"|Références|Notes et références|Bibliographie|Referencias|Fuentes|Notas|Bibliografía"
    r"|Riferimenti|Fonti|Note|Bibliografia|Referências|Bronnen|Literatuur|Voetnoten|Przypisy|Źródła"
    r"|参考文献|参考资料|出典|참고 문헌)\s?[:：]?$"
)
# A reference under that heading: a few words of a title or a citation, or a link.
REFERENCE_WORDS = 3
REFERENCE_LINK = regex.compile(r"https?://|www\.|\b(?:1[89]|20)\d\d\b")
MAX_REFERENCES = 30  # a longer list with no blank line in it is no article's sources


def widen_over_sources(view: View, edge: int) -> int:
    """``edge`` (the article's last line) moved down over the list of sources right under
    it: a heading that names it (`SOURCES_HEADER`), then the references up to the next
    blank line (at most `MAX_REFERENCES`), each a few words long or holding a link or a
    year. A menu item that happens to read "Literatur" heads a list of labels, and is
    left to the page's tail.

    >>> refs = ("4 References", "", "Emacspeak At Twenty, Looking Back.", "Beautiful Code, O'Reilly, 2007.")
    >>> view = View(range(7), ("The advice module made it all possible.", *refs, "", "Posted by T. V. Raman"))
    >>> widen_over_sources(view, 0)
    4
    >>> menu = View(range(4), ("The advice module made it all possible.", "Literatur", "Metadaten", "OPAC"))
    >>> widen_over_sources(menu, 0)
    0
    """
    contents = view.contents
    header = next_filled(contents, edge, 1)
    if header is None or SOURCES_HEADER.match(contents[header]) is None:
        return edge
    first = next_filled(contents, header, 1)
    if first is None:
        return edge
    position = first
    while position < len(view) and not view.is_blank(position):
        if not (view.words(position) >= REFERENCE_WORDS or REFERENCE_LINK.search(contents[position])):
            return edge
        if position - first == MAX_REFERENCES:
            return edge
        position += 1
    return position - 1


def widen_over_items(view: View, edge: int) -> int:
    """``edge`` (the article's last line) moved down over the list of items right under
    it, blank lines between them allowed, when each item is two facts or more (`is_fact`)
    under a title line, and `TAIL_FACTS` facts come in all. The article introduced the
    list in a sentence ("Here, a few favorites"): "Actress Grace Gummer", "Roots: Daughter
    of Meryl Streep", "Role: Meskada". A list of other stories has one fact to a headline
    at most ("14h 261"), and ends the widening.

    >>> items = ("Actress Ann Lee", "Roots: Daughter of a painter", "Role: Meskada")
    >>> items += ("Actress Eva Cole", "Roots: Niece of a singer", "Role: Goats")
    >>> view = View(range(8), ("Here are a few favorites, all on Netflix now.", *items, "Footer"))
    >>> widen_over_items(view, 0), widen_over_items(view.narrow([0, 1, 2, 4, 5, 7]), 0)
    (6, 0)
    """
    contents = view.contents
    position = next_filled(contents, edge, 1)
    last = edge
    facts = 0
    while position is not None:
        if not is_fact(view, position):  # the item's title
            position = next_filled(contents, position, 1)
        found = 0
        end = last
        while position is not None and is_fact(view, position):
            found += 1
            end = position
            position = next_filled(contents, position, 1)
        if found < 2:
            break
        facts += found
        last = end
    return last if facts >= TAIL_FACTS else edge


def is_fact(view: View, position: int) -> bool:
    """Whether the line reads as a fact (`is_content_item`, not code) or a note (`is_note`).
    Not code: under a page's last sentence, that is its scripts and styles."""
    return is_content_item(view, position, code=False) or is_note(view, position)


# A note under the article: "Jürgen Richter, 2012, S. 281 ↩" (its link back to the text),
# "[2] Joint Commission ...", or a numbered reference long enough not to be a menu's item
# ("3. Jürgen Richter, Schaber, in Floss (Hrsg.) ...": `LEAD_MIN_WORDS` words).
NOTE_BACK_LINK = "↩"
NOTE_MARK = regex.compile(r"\[\d{1,3}\]\s|(\d{1,3})\.\s")


def is_note(view: View, position: int) -> bool:
    """Whether the line is one of the article's notes or references (`NOTE_MARK`)."""
    content = view.contents[position]
    if content.endswith(NOTE_BACK_LINK):
        return True
    mark = NOTE_MARK.match(content)
    return mark is not None and (mark.group(1) is None or view.words(position) >= LEAD_MIN_WORDS)


def widen_over_greeting(view: View, edge: int) -> int:
    """``edge`` (the article's first line) moved up to the letter's greeting right above
    it (`letters.is_greeting`: "Liebe Besucher_in,"), if there is one."""
    above = next_filled(view.contents, edge, -1)
    return above if above is not None and opens_letter(view, above) else edge


def widen_over_sign_off(view: View, edge: int) -> int:
    """``edge`` (the article's last line) moved down over the letter's sign-off right
    under it and the name under that (`letters.is_sign_off`, `signed_end`: "Viele Grüße",
    "Astrid")."""
    below = next_filled(view.contents, edge, 1)
    if below is None or not is_sign_off(view.contents[below]):
        return edge
    return signed_end(view, below)


# An embedded post's attribution, under its text: "— Jane Doe (@janedoe) May 4, 2022".
POST_ATTRIBUTION = regex.compile(r"[—–-]\s?[^\n]{1,80}\(@\w{1,30}\)\s[^\n]{3,30}")  # noqa: RUF001 (the dashes)


def widen_over_attribution(view: View, edge: int) -> int:
    """``edge`` (the article's last line) moved down over the attribution of a post the
    article quotes there (`POST_ATTRIBUTION`): the quoted post is the article's, and so is
    the line that says whose it is.

    >>> post = "It was a cold day in May, the senator wrote."
    >>> view = View(range(3), (post, "— Jane Doe (@janedoe) May 4, 2022", "Home"))
    >>> widen_over_attribution(view, 0)
    1
    """
    below = next_filled(view.contents, edge, 1)
    return below if below is not None and POST_ATTRIBUTION.fullmatch(view.contents[below]) else edge


def signed_end(view: View, position: int) -> int:
    """The name under the sign-off at ``position`` if one follows (`letters.is_signature`),
    else the sign-off itself."""
    name = next_filled(view.contents, position, 1)
    return name if name is not None and is_signature(view.contents[name]) else position


# A sentence that leads in to what follows has this many words or more: "Das Konzeptpapier
# finden Sie hier:"; the labels of a promo or a share bar are shorter ("Lesen Sie auch:",
# "Folgen Sie uns auf:"). Four measured no better, and kept more share-bar labels.
LEAD_IN_WORDS = 5


def is_lead_in(view: View, position: int) -> bool:
    """Whether the line is a short sentence that ends on a colon, the way a text leads in
    to a link or a list: `LEAD_IN_WORDS` words or more, in sentence case (longer ones are
    `is_running_text`). Under the text's last line it is the text's own; the line it
    introduces is judged on its own.

    >>> view = View(range(3), ("Lesen Sie dazu auch die Pressemitteilungen:", "Lesen Sie auch:", "Mehr Aktuelle News Aus Der Region:"))
    >>> [is_lead_in(view, p) for p in range(3)]
    [True, False, False]
    """
    content = view.contents[position]
    return content[-1] == ":" and LEAD_IN_WORDS <= view.words(position) < LONG_PROSE_WORDS and has_sentence_case(content)


def next_filled(contents: Sequence[str], position: int, step: int) -> int | None:
    """The first line past ``position`` (``step`` 1 down, -1 up) that is not blank, or None."""
    position += step
    while 0 <= position < len(contents):
        if contents[position]:
            return position
        position += step
    return None


def is_lead(view: View, position: int) -> bool:
    """Whether the line reads as a sentence without its stop: `LEAD_MIN_WORDS` words or
    more, written in sentence case (`has_sentence_case`), like a standfirst."""
    return view.words(position) >= LEAD_MIN_WORDS and has_sentence_case(view.contents[position])


def has_sentence_case(content: str) -> bool:
    """Whether at least `PROSE_LOWER_SHARE` of the words that start with a letter start
    lower-case (a script without case passes; capitals only, or no letters, do not).

    >>> has_sentence_case("Council to build a new library downtown"), has_sentence_case("Council To Build New Library")
    (True, False)
    """
    lower = cased = uncased = 0
    for word in content.split(None, MAX_WORD_GUARD):
        for character in word:
            if character.isalpha():
                if character.islower():
                    lower += 1
                elif character.isupper():
                    cased += 1
                else:
                    uncased += 1
                break
    cased += lower
    if cased <= uncased:
        return uncased > 0
    return lower >= PROSE_LOWER_SHARE * cased


def is_prose(content: str, words: int | None = None) -> bool:
    """Whether a line is running prose: sentences someone wrote, not a label, a headline,
    a menu item or a credit. ``words`` is the line's word count, if known.

    A line is prose when it has `PROSE_MIN_WORDS` words or more, ends like a sentence
    (a stop, then perhaps closing quotes or brackets, emoji, emoticons or hashtags, or
    the agency or author that signs it in brackets: `PROSE_END`), and at least
    `PROSE_LOWER_SHARE` of its words that start with a letter start lower-case,
    which tells a sentence from a title-case headline while German, with its capital
    nouns, still passes. The exceptions, each a lookalike of prose or of a label:

    - a line that ends in a question mark, an exclamation mark or an ellipsis needs
      `WEAK_END_MIN_WORDS` words: teaser headlines ask, cry out, or are cut off by the
      site ("Is this the end of the petrol car?", "Students trapped in campus siege...");
    - a line of `LONG_PROSE_WORDS` words with a sentence break inside is prose whatever
      its end (a paragraph that ends in a link, a colon or a cut-off word);
    - a line with no lower-case letter (a sentence in capitals), or written mostly in
      a script without case (Arabic, Hebrew, Korean, Hindi), has no case to judge: its
      words and its end decide;
    - Chinese and Japanese write no spaces: `CJK_PROSE_CHARS` of their characters and a
      sentence end make prose.

    A comment, a caption or a list item written as a full sentence is prose by its shape;
    whether a rule may still take it is the rule's business (see `block_end`).

    >>> is_prose("The council voted on Monday to build a new library downtown.")
    True
    >>> is_prose("Is This The End Of The Road For The Petrol Car?")
    False
    >>> is_prose("Demonstrators march through the centre of Paris on Saturday (AP Photo/Jean Roux)")
    False
    """
    if words is None:
        words = count_words(content, MAX_WORD_GUARD)
    if words < PROSE_MIN_WORDS:
        return len(content) >= CJK_PROSE_CHARS and is_cjk_prose(content)
    end = PROSE_END.search(content)
    if end is None or (end.group(1) in WEAK_ENDS and words < WEAK_END_MIN_WORDS):
        if words < LONG_PROSE_WORDS or SENTENCE_BREAK.search(content) is None:
            return False
    if has_sentence_case(content):  # or a script without case (Arabic, Hebrew, Korean, Hindi...)
        return True
    # Capitals only: no case to judge (title case has lower-case letters, none in front).
    return any(character.isupper() for character in content) and not any(c.islower() for c in content)


def is_cjk_prose(content: str) -> bool:
    """Whether a line of few spaces is Chinese or Japanese prose: `CJK_PROSE_CHARS` of
    their characters and a sentence end."""
    ends = ends_like_sentence(content) or CJK_BYLINE_END.search(content) is not None
    return ends and len(CJK.findall(content)) >= CJK_PROSE_CHARS


# A Chinese report's last sentence signed in brackets: "...英雄的城！（评论员 罗博 萧海川）".
CJK_BYLINE_END = regex.compile(r"[。！？][（(][^（）()]{1,20}[）)]$")  # noqa: RUF001 (full-width marks)


def is_prose_line(view: View, position: int) -> bool:
    """`is_prose` for the line at ``position``, kept in the view's cache.

    Most lines a block or a run crosses are short: they are turned away by their length
    and word count alone, which costs less than keeping the answer.
    """
    content = view.contents[position]
    size = len(content)
    if size < PROSE_MIN_CHARS:
        return False
    if size < LONG_PROSE_CHARS and content[-1].isalnum() and "#" not in content:
        return False  # no stop at its end, and too short to do without one
    words = view.words(position)
    if words < PROSE_MIN_WORDS:
        return size >= CJK_PROSE_CHARS and content[-1] in CJK_LAST and is_cjk_prose(content)
    line = view.index[position]
    found = view.cache.prose.get(line)
    if found is None:
        found = view.cache.prose[line] = is_prose(content, words)
    return found


def outside_text(rule: Rule, view: View, position: int, bounds: Bounds) -> bool:
    """Whether the line lies before the first or after the last line of running text.

    ``bounds`` caches `text_bounds` per word count for one view. A page with no article
    (`View.article_span`: no running text, or too little of it) has no head or tail:
    nothing is outside it.
    """
    span = running_text_span(rule, view, bounds)
    return span is not None and not span[0] <= position <= span[1]


def running_text_span(rule: Rule, view: View, bounds: Bounds) -> tuple[int, int] | None:
    """The rule's `text_bounds` in this view when they hold an article (`View.article_span`),
    found once per word count (``bounds`` keeps them)."""
    assert rule.outside_text is not None
    if rule.outside_text not in bounds:
        bounds[rule.outside_text] = view.article_span(rule.outside_text)
    return bounds[rule.outside_text]


def confirm_line(rule: Rule, view: View, position: int, bounds: Bounds | None = None) -> bool:
    """Whether the rule's pattern matches the line alone and its guards admit it.

    Pass the same ``bounds`` dict for every line of one view, so the running-text span
    of an ``outside_text`` guard is found once per view, not once per line.
    """
    content = view.contents[position]
    if rule.max_chars is not None and len(content) > rule.max_chars:
        return False
    if rule.max_words is not None or rule.min_words is not None:
        words = view.words(position)
        if rule.max_words is not None and words > rule.max_words:
            return False
        if rule.min_words is not None and words < rule.min_words:
            return False
    if rule.position is not None and not rule.position.admits(position, len(view)):
        return False
    cache = {} if bounds is None else bounds  # not `bounds or {}`: an empty cache is falsy
    if rule.outside_text is not None and not outside_text(rule, view, position, cache):
        return False
    key = (rule.id, view.index[position])
    found = view.cache.matches.get(key)
    if found is None:
        assert rule.pattern is not None
        try:
            found = rule.pattern.search(content, timeout=rule.timeout) is not None
        except TimeoutError:
            raise RuleTimeout(rule.id, view.name, rule.timeout) from None
        view.cache.matches[key] = found
    return found and not (rule.skip_prose and is_prose_line(view, position))


def outside_text_only(rule: Rule, view: View, candidates: Sequence[int], bounds: Bounds) -> Sequence[int]:
    """The sorted ``candidates`` an ``outside_text`` guard may admit, cut out in two slices.

    On a whole page most lines lie within the running text; dropping them here spares
    a confirmation each (`confirm_line` still checks the guard on those left).
    """
    if rule.outside_text is None:
        return candidates
    span = running_text_span(rule, view, bounds)
    if span is None:
        return ()
    return [*candidates[: bisect_left(candidates, span[0])], *candidates[bisect_right(candidates, span[1]) :]]


def match_line_rule(rule: Rule, view: View, candidates: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Each confirmed candidate line, as a one-line span ``(first, last)``."""
    bounds: Bounds = {}
    for position in outside_text_only(rule, view, candidates, bounds):
        if confirm_line(rule, view, position, bounds):
            yield position, position


def match_run_rule(rule: Rule, view: View, candidates: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Each run of at least ``rule.min_lines`` confirmed lines, with only blank lines between them.

    A line of running prose (`is_prose`) is never part of a run, even when the pattern
    matches it: it ends the run before it.

    >>> import regex
    >>> menu = regex.compile("^[A-Za-z]+$")
    >>> rule = Rule("X001", "x.menu", "run", "nav", "r", "f:1", pattern=menu, min_lines=3)
    >>> view = View(tuple(range(6)), ("Home", "News", "", "Sport", "A sentence here.", "Alone"))
    >>> list(match_run_rule(rule, view, [0, 1, 3, 5]))
    [(0, 3)]
    """
    bounds: Bounds = {}
    run: list[int] = []
    # Under a word guard too low for prose, only a CJK line (few spaces) can be prose.
    may_be_prose = rule.max_words is None or rule.max_words >= PROSE_MIN_WORDS
    contents = view.contents
    closing = -1  # the last line of a letter's sign-off (`closing_end`)
    for position in outside_text_only(rule, view, candidates, bounds):
        if not confirm_line(rule, view, position, bounds):
            continue
        if (may_be_prose or contents[position][-1:] in CJK_LAST) and is_prose_line(view, position):
            continue  # a line of prose is no menu item: as a line between, it ends the run
        # Most lines of a run come right after the one before: nothing between to look at.
        if run and position > run[-1] + 1 and any(contents[p] for p in range(run[-1] + 1, position)):
            if len(run) >= rule.min_lines and (span := run_span(rule, view, run)):  # most are shorter
                yield span
            run = []
        # A letter's sign-off under its text is the text's own, and so is the name under
        # it: like prose, they end a run; so does a sentence that leads in to a list under
        # a paragraph. Asked only where a run would start (it follows a sentence), so the
        # lines inside a run cost nothing more.
        if not run:
            if position <= closing or (closing := closing_end(view, position)) >= 0:
                continue
            if contents[position][-1:] == ":" and leads_in_from_prose(view, position):
                continue
        run.append(position)
    if len(run) >= rule.min_lines and (span := run_span(rule, view, run)):
        yield span


def leads_in_from_prose(view: View, position: int) -> bool:
    """Whether the line leads in (`is_lead_in`) right under a line of prose: the
    paragraph's last sentence, not a menu's first item ("Lesen Sie dazu auch die
    Pressemitteilungen:" above a list of links)."""
    if not is_lead_in(view, position):
        return False
    above = next_filled(view.contents, position, -1)
    return above is not None and is_prose_line(view, above)


def run_span(rule: Rule, view: View, run: list[int]) -> tuple[int, int] | None:
    """The span a finished run removes, if it is long enough and no article's list: a
    letter's greeting at its end (`opens_letter`) is the text's own and stays."""
    if run and opens_letter(view, run[-1]):
        run = run[:-1]
    if run_fits(rule, run) and not spared_list(rule, view, run):
        return run[0], run[-1]
    return None


def opens_letter(view: View, position: int) -> bool:
    """Whether the line is a letter's greeting right above a line of prose
    (`letters.is_greeting`: "Liebe Martina,")."""
    content = view.contents[position]
    if content[-1:] != "," or not is_greeting(content, view.words(position)):
        return False
    below = next_filled(view.contents, position, 1)
    return below is not None and is_prose_line(view, below)


def closing_end(view: View, position: int) -> int:
    """Where the letter's sign-off at ``position`` ends when it closes a text (right under
    a line that ends like a sentence): the sign-off, or the name under it
    (`signed_end`). -1 when the line closes no text. See `cleaner.letters`.

    >>> view = View(range(3), ("Das ist eine sehr schicke Tasche, und sie passt zu allem.", "Viele Grüße", "Astrid"))
    >>> closing_end(view, 1), closing_end(view.narrow([1, 2]), 0)
    (2, -1)
    """
    if not is_sign_off(view.contents[position]):  # most lines
        return -1
    above = next_filled(view.contents, position, -1)
    return signed_end(view, position) if above is not None and ends_sentence(view, above) else -1


def ends_sentence(view: View, position: int) -> bool:
    """Whether the line ends like a sentence ("Viel Glück!") or is prose."""
    return ends_like_sentence(view.contents[position]) or is_prose_line(view, position)


def run_fits(rule: Rule, run: Sequence[int]) -> bool:
    """Whether a run is long enough for ``rule`` (``min_lines``) and not too long (``max_lines``)."""
    return len(run) >= rule.min_lines and (rule.max_lines is None or len(run) <= rule.max_lines)


# An article's own list (`is_article_list`): this share of its items read as content...
LIST_ITEM_SHARE = 0.4
# ...and it lies within the running text, lines of this many words that end like a sentence.
LIST_TEXT_WORDS = 8
# A label, a colon, then its value: "Gewicht: 1,2 kg", "Prep time: 15 min", "Earcuff: Zoeca".
KEY_VALUE_ITEM = regex.compile(r"^[^:]{2,40}:\s+\S")
# A line of code or a shell command: "filename=$1", "cert = /etc/ssl/cert.pem", "done;",
# "./run.sh -s $line", "#!/bin/bash". Menus hold none of these characters.
CODE_ITEM = regex.compile(r"[=$`{};]|^\./|^#!")
# A quantity, then what it counts: "250 g flour", "2 Eier", "1½ cups", "3 łyżki"; not a
# zero-padded rank ("01 Geiger, K."): a table of standings in a sidebar.
QUANTITY_ITEM = regex.compile(r"^(?:(?!0\d)\d+(?:[.,/]\d+)?\s*[½¼¾⅓⅔]?|[½¼¾⅓⅔])\s*\p{L}")
# The two headers of a review's box of pros and cons, each alone on its line ("Vorteile"
# and "Nachteile", "Pros:" and "Cons:"): its items are capitalised labels, like a menu's.
PROS_HEADER = regex.compile(
    r"(?i)^(?:pros?|the good|what we liked?|vorteile|pluspunkte|avantages|points forts"
    r"|ventajas|vantaggi|pregi|vantagens|prós|voordelen|pluspunten|zalety|plusy)\s?:?$"
)
CONS_HEADER = regex.compile(
    r"(?i)^(?:cons|the bad|what we (?:didn't|did not|don't) like|nachteile|minuspunkte|contra"
    r"|kontra|inconvénients|points faibles|desventajas|contras|svantaggi|difetti"
    r"|desvantagens|nadelen|minpunten|wady|minusy)\s?:?$"
)


def spared_list(rule: Rule, view: View, run: list[int]) -> bool:
    """Whether a run of ``rule`` is left alone as an article's own list (``spare_lists``
    rules only; see `is_article_list`)."""
    return rule.spare_lists and is_article_list(view, run)


def is_article_list(view: View, run: list[int]) -> bool:
    """Whether the run's lines are a list that belongs to the article: it reaches in
    between the first and the last line of the page's running text (`text_bounds`), and
    at least `LIST_ITEM_SHARE` of its items read as content (`is_content_item`,
    `is_wrapped_phrase`), or it holds a review's box of pros and cons
    (`holds_pros_and_cons`), or it lists the sources of the paragraph above it
    (`lists_sources`). Its lines outside the running text, if any, are left to the page's
    head-and-tail rule.

    A menu or a link list is made of labels: "Home", "Rezepte", "Contact us". The lists
    an article holds carry facts (specifications, a recipe's ingredients): "key: value"
    pairs, quantities, or phrases that go on in lower case. Menus sit at the head and the
    tail of a page; a list between its paragraphs that reads like facts is the article's.
    A page whose few sentences are no article (`View.article_span`: a table of results,
    a song's lyrics) may be made of nothing but lists: each of them may be its content,
    and stays. A page with no sentence at all is read as before: its runs are menus (a
    page of links; sparing them kept more junk than content on the dev sets).

    >>> items = ("Zutaten:", "250 g Mehl", "2 Eier", "Salz", "100 ml Milch", "Backzeit: 15 min", "Home")
    >>> first, last = "Scones keep well for two days in a tin.", "Knead the dough for a minute, then cut it."
    >>> view = View(range(9), (first, *items, last))
    >>> is_article_list(view, [2, 3, 4, 5, 6, 7])
    True
    >>> is_article_list(view, [1, 4, 7])
    False
    """
    span = view.text_span(LIST_TEXT_WORDS)  # found once per view: most runs stop here
    if span is None:
        return False
    if view.article_span(LIST_TEXT_WORDS) is None:
        return True  # no article to tell the page's own lists from its menus by
    if not (span[0] < run[-1] and run[0] < span[1]):
        return False
    if holds_pros_and_cons(view, run) or lists_sources(view, run):
        return True
    needed = LIST_ITEM_SHARE * len(run)
    content = 0
    for read, position in enumerate(run, 1):
        content += is_content_item(view, position) or is_wrapped_phrase(view, position)
        if content >= needed:
            return True
        if content + len(run) - read < needed:
            return False  # a menu: too few facts even if every item left were one
    return content >= needed


# Words a label never ends on: a line that ends on one goes on in the next ("Display mit",
# "Hintergrundbeleuchtung"), a phrase an extractor wrapped, not two menu items.
OPEN_ENDINGS = frozenset(
    "and or of the a an to with for und oder mit für der die das den dem des ein eine einer einem"
    " von zu zur zum et ou du le la les un une pour avec y o del el los las para con por e di"
    " della il per en van het een met voor i oraz w na dla".split()
)


def is_wrapped_phrase(view: View, position: int) -> bool:
    """Whether the line ends on a word no label ends on (`OPEN_ENDINGS`), or the line above
    it does: one phrase the extractor wrapped over two lines.

    >>> view = View(range(5), ("Display mit", "Hintergrundbeleuchtung", "Home", "EN DE", "Kontakt"))
    >>> [is_wrapped_phrase(view, p) for p in range(5)]
    [True, True, False, False, False]
    """
    above = next_filled(view.contents, position, -1)
    return ends_open(view, position) or (above is not None and ends_open(view, above))


def ends_open(view: View, position: int) -> bool:
    """Whether a line of two or more words ends on one of `OPEN_ENDINGS`, in lower case
    ("EN DE" is a language switch)."""
    words = view.contents[position].rsplit(None, 1)
    return len(words) == 2 and words[1] in OPEN_ENDINGS


def lists_sources(view: View, run: list[int]) -> bool:
    """Whether the run opens with the heading of a list of sources (`SOURCES_HEADER`) right
    under a paragraph: "Quellen:" and the links a text cites.

    >>> text = "Die Würde des Tieres steht bis heute in keinem deutschen Gesetz, anders als in der Schweiz."
    >>> view = View(range(4), (text, "Quellen:", "Duden", "https://de.wikipedia.org/wiki/Tierwürde"))
    >>> lists_sources(view, [1, 2, 3]), lists_sources(view, [2, 3])
    (True, False)
    """
    if SOURCES_HEADER.match(view.contents[run[0]]) is None:
        return False
    above = next_filled(view.contents, run[0], -1)
    return above is not None and is_running_text(view, above, LIST_TEXT_WORDS)


def holds_pros_and_cons(view: View, run: list[int]) -> bool:
    """Whether the run holds both headers of a review's box of pros and cons.

    >>> view = View(range(5), ("Vorteile", "Niedriger Preis", "Gut gebaut", "Nachteile", "Laut"))
    >>> holds_pros_and_cons(view, [0, 1, 2, 3, 4]), holds_pros_and_cons(view, [0, 1, 2])
    (True, False)
    """
    contents = view.contents
    return any(PROS_HEADER.match(contents[position]) for position in run) and any(
        CONS_HEADER.match(contents[position]) for position in run
    )


def is_content_item(view: View, position: int, code: bool = True) -> bool:
    """Whether a short line reads as a fact, not a label: a "key: value" pair, a line
    of code or the label ending in a colon right above one (unless ``code`` is false),
    a quantity and what it counts, or two or more words that go on in lower case.

    >>> command = "netsh int tcp set global autotuninglevel=disabled"
    >>> view = View(range(4), ("Autotuning deaktivieren:", command, "Teilen:", "Facebook"))
    >>> is_content_item(view, 0), is_content_item(view, 2)
    (True, False)
    """
    content = view.contents[position]
    # The cheap tests first: most menu items hold no colon and start with a capital.
    if ":" in content and KEY_VALUE_ITEM.match(content) is not None:
        return True
    if code and CODE_ITEM.search(content) is not None:
        return True
    if code and content[-1] == ":":  # the label a how-to puts above a command
        below = next_filled(view.contents, position, 1)
        if below is not None and CODE_ITEM.search(view.contents[below]) is not None:
            return True
    first = content[0]
    if first.isupper() or view.words(position) < 2:
        return False
    return first.islower() or QUANTITY_ITEM.match(content) is not None


def match_block_rule(rule: Rule, view: View, candidates: Sequence[int]) -> Iterator[tuple[int, int]]:
    """Each block that starts at a confirmed line, as a span ``(first, last)``.

    Blocks do not nest: a start line inside an earlier block of the same rule is skipped.
    With ``extent = "end"``, ``max_lines`` caps the block: a longer tail is not claimed
    (counted to the end, before `block_end` stops it at prose).
    """
    covered_until = -1
    bounds: Bounds = {}
    for position in outside_text_only(rule, view, candidates, bounds):
        if position <= covered_until or not confirm_line(rule, view, position, bounds):
            continue
        capped = rule.extent == "end" and rule.max_lines is not None
        if capped and too_long(view, position, len(view) - 1, rule.max_lines or 0):
            continue
        last = block_end(rule, view, position)
        covered_until = last
        yield position, last


def too_long(view: View, first: int, last: int, max_lines: int) -> bool:
    """Whether the span holds more than ``max_lines`` non-blank lines.

    A section that runs to the end is claimed only when it is no longer than a promo or
    comment box can be: a longer tail is more than such a box (a whole page's menus
    and the article after them), and is left alone rather than cut short.
    """
    count = 0
    for position in range(first, last + 1):
        if not view.is_blank(position):
            count += 1
            if count > max_lines:
                return True
    return False


def block_end(rule: Rule, view: View, start: int) -> int:
    """The last position of the block that starts at ``start``: its extent, cut before
    the first line of running prose the rule may not take.

    A block is written for the boilerplate under its header: teasers, menus, a comment
    thread. It never takes a line of running prose (`is_prose`) it was not written for,
    and ends before the first one, wherever its extent would have ended. A rule with
    ``crosses = "thread"`` (a comment section) or ``crosses = "teasers"`` (a list of
    other stories) takes the comments' or the teasers' sentences (`may_cross`).

    >>> import regex
    >>> header = regex.compile("^Related$")
    >>> rule = Rule("X002", "x.related", "block", "promo", "r", "f:1", pattern=header, extent="end")
    >>> view = View(tuple(range(4)), ("Related", "A headline", "The council voted on Monday to build a library.", "Footer"))
    >>> block_end(rule, view, 0)
    1
    """
    last = extent_end(rule, view, start)
    kept = start  # the block's last non-blank line so far
    contents = view.contents
    closes_article: bool | None = None  # found at the first line of prose, once per block
    for position in range(start + 1, last + 1):
        content = contents[position]
        if len(content) < PROSE_MIN_CHARS:  # blank, or too short for prose: no call needed
            if content:
                kept = position
            continue
        if is_prose_line(view, position):
            if closes_article is None:
                closes_article = rule.crosses == "thread" and prose_above(view, start) >= ARTICLE_ABOVE
                if closes_article:
                    return last  # a thread under an article: it may take all the prose after it
            if not may_cross(rule, view, start, kept, position, closes_article):
                return kept
        kept = position
    return last


def may_cross(rule: Rule, view: View, start: int, previous: int, position: int, closes_article: bool) -> bool:
    """Whether the block of ``rule`` that starts at ``start`` may take the prose line at
    ``position`` (``previous`` is the block's last non-blank line before it): never,
    unless the rule names the prose it was written for. ``closes_article`` says whether
    `ARTICLE_ABOVE` lines of prose come before the header (`prose_above`).

    A comment section's comments and a list's teaser summaries (and the captions of its
    pictures) are prose, and they are what those rules remove. What tells them from an
    article is the shape: they are a paragraph or two between the lines that introduce
    them (a headline, a credit, an author, a date, "Reply"), while an article runs on in
    long paragraphs. A block with ``crosses`` set takes prose until `starts_article`.

    With ``crosses = "teasers"``, a line of more than `TEASER_MAX_WORDS` words is no
    summary or caption but an article's paragraph, even the last one alone.

    With ``crosses = "thread"``, the header's place decides first. Under an article
    (`ARTICLE_ABOVE` lines of prose before it) it opens the thread for sure, and
    everything after it may go, however long the comments. With no article above, it may
    be a stray link ("1 Comment" by the byline of a whole page), and a comment comes
    after the lines that introduce it: prose right under the header is an article's.
    """
    if rule.crosses is None:
        return False
    if rule.crosses == "thread":
        if closes_article:
            return True
        if previous == start:
            return False
    elif view.words(position) > TEASER_MAX_WORDS:
        return False
    return not starts_article(view, position)


ARTICLE_ABOVE = 3  # lines of prose above a comment header: it closes an article
TEASER_MAX_WORDS = 60  # a teaser's summary or a picture's caption is no longer than this
ARTICLE_STRETCH = 3  # lines in a row that end like a sentence...
PARAGRAPH_WORDS = 25  # ...and average this many words: an article's paragraphs


def starts_article(view: View, position: int) -> bool:
    """Whether the line at ``position`` starts an article's paragraphs: it and the next
    non-blank lines, `ARTICLE_STRETCH` of them, each end like a sentence, and they average
    `PARAGRAPH_WORDS` words or more.

    >>> paragraph = "The council voted on Monday to build a new library in the old market hall."
    >>> long = " ".join([paragraph, paragraph])
    >>> starts_article(View((0, 1, 2), (long, "", long)), 0)
    False
    >>> starts_article(View((0, 1, 2), (long, paragraph, long)), 0)
    True
    """
    words = 0
    stretch = 0
    for later in range(position, len(view)):
        if view.is_blank(later):
            continue
        if not ends_like_sentence(view.contents[later]):
            return False
        words += view.words(later)
        stretch += 1
        if stretch == ARTICLE_STRETCH:
            return words >= PARAGRAPH_WORDS * ARTICLE_STRETCH
    return False


def prose_above(view: View, position: int) -> int:
    """How many lines of prose come before ``position``, counted up to `ARTICLE_ABOVE`."""
    count = 0
    for earlier in range(position - 1, -1, -1):
        if is_prose_line(view, earlier):
            count += 1
            if count == ARTICLE_ABOVE:
                break
    return count


def extent_end(rule: Rule, view: View, start: int) -> int:
    """The last position the rule's extent reaches from ``start``, before any prose stop."""
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
    # "teasers": short lines (blank lines between them allowed) up to the first long one
    # written in sentence case; a long headline in title case ("Osun Economic Summit Is An
    # Indication That This Gov't Is Committed to Making Lives Better") is one more teaser.
    # ``max_lines`` counts the lines that hold text, so that a list reaches as far whether or
    # not the extractor put blank lines between its items.
    last = start
    position = start + 1
    room = total if rule.max_lines is None else rule.max_lines - 1
    while position < total and room > 0:
        if not view.is_blank(position):
            if view.words(position) > rule.teaser_max_words and has_sentence_case(view.contents[position]):
                break
            last = position
            room -= 1
        position += 1
    return last
