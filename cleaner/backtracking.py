"""Find where a rule's pattern may backtrack badly: nested or overlapping quantifiers.

`regex` is a backtracking engine. On a line that does not match, it tries every way the
pattern's quantifiers can share out the line before it gives up, and some patterns have
very many ways:

- *overlapping quantifiers*: ``\\s*[|,]?\\s*`` followed by ``[^\\n]{0,40}`` can each take
  any part of one run of spaces; on a run of n spaces that is about n³ ways, and a
  whole-page extractor pads lines with thousands of spaces;
- *nested quantifiers*: ``(?:\\s*,?\\s*\\w+)+`` can cut one run of letters into
  iterations in exponentially many ways.

`find_backtracking` reads a pattern into a small tree and, for each kind of character
(one representative of each set of characters the pattern's classes cannot tell apart),
follows the longest chain of quantifiers that can all take their share of one run of
that character. A chain's cost is the product of what each quantifier can take: its
upper bound, or the line's length (``max_chars`` when the rule has it, else
`UNGUARDED_LENGTH`); an unanchored pattern adds the search's own try at every start.
A chain costing more than `STEP_LIMIT` is a finding, and so is a quantifier whose body
can match one run in two ways. Lookarounds count as the work they do where they stand;
``\\b`` and other assertions are taken as always true (which can only add findings).

The check is conservative: it reports a chain even where what follows the chain can
never fail (then nothing backtracks). A rule file explains such a finding with
``backtracking_ok = "why"``; `cleaner rules --check` then passes it.

>>> for finding in find_backtracking(r"^By \\w+\\s*,?\\s*$", None):
...     print(finding)
quantifiers '\\s*', '\\s*' can share one run of ' ' (about 1e+10 steps on a line of 100,000 characters)
>>> find_backtracking(r"^By \\w+\\s*,?\\s*$", 200)  # max_chars = 200: 200 x 200 ways at most
()
>>> sorted({f.kind for f in find_backtracking(r"^(?:a|ab|\\w+)+$", None)})
['nested', 'overlapping']
"""

from __future__ import annotations

import string
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from cleaner.literals import quantifier_at
from cleaner.rules import Rule

UNGUARDED_LENGTH = 100_000  # the length assumed for a line when the rule has no max_chars
STEP_LIMIT = 1_000_000  # ways a chain may cost: a few milliseconds of regex's time at most
UNROLLED = 8  # a repeat bounded at this or below is read as that many copies, not as a loop
# Characters the analysis tries: ASCII, and one of each kind of non-ASCII character that a
# pattern's classes commonly tell apart (spaces, letters of each case, digits, punctuation).
ALPHABET = tuple(
    dict.fromkeys(
        string.printable.replace("\r", "").replace("\n", "").replace("\x0b", "").replace("\x0c", "")
        + "\u00a0\u2003\u3000éÉßдДα中٣²’”«»·•–—…‹›→←ºª\u200b"  # noqa: RUF001 (quotes, dashes)
    )
)
ZERO_WIDTH = "bBAZzGmMK"  # \K too: it moves the match's start, consumes nothing
CLASS_ESCAPES = "dDwWsShHvVXRN"
CONTROL = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}


class Unanalysable(Exception):
    """A construct the analysis does not read (the pattern is then reported as unread)."""


@dataclass(frozen=True, slots=True)
class Finding:
    """One way a pattern may backtrack badly.

    ``kind`` is "nested" (a quantifier whose body can match one run in two ways:
    exponential) or "overlapping" (quantifiers in a row that can share one run: a
    polynomial of high degree); ``constructs`` are the quantifiers as written,
    ``character`` the character whose run they share, ``steps`` the estimated ways.
    """

    kind: str
    constructs: tuple[str, ...]
    character: str
    steps: float
    length: int

    def __str__(self) -> str:
        names = ", ".join(f"'{construct}'" for construct in self.constructs)
        if self.kind == "nested":
            return f"nested quantifier {names} can match one run of {self.character!r} in many ways"
        return (
            f"quantifiers {names} can share one run of {self.character!r} "
            f"(about {self.steps:.0e} steps on a line of {self.length:,} characters)"
        )


# --- Reading a pattern into a tree -------------------------------------------------------
# Nodes are tuples: ("char", source, flags) | ("empty",) | ("anchor",) | ("look", node)
# | ("seq", nodes) | ("alt", nodes) | ("rep", node, low, high, source) | ("atomic", node).

Node = tuple[Any, ...]
EMPTY: Node = ("empty",)


class Reader:
    """A recursive reading of a `regex` pattern (the subset rule files use, and more)."""

    def __init__(self, pattern: str, flags: int) -> None:
        self.pattern = pattern
        self.position = 0
        self.flags = [flags & regex.IGNORECASE]

    def peek(self, offset: int = 0) -> str:
        at = self.position + offset
        return self.pattern[at] if at < len(self.pattern) else ""

    def alternation(self) -> Node:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.position += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else ("alt", tuple(branches))

    def sequence(self) -> Node:
        items = []
        while self.peek() not in ("", "|", ")"):
            start = self.position
            items.append(self.quantified(self.atom(), start))
        return items[0] if len(items) == 1 else ("seq", tuple(items))

    def quantified(self, node: Node, start: int) -> Node:
        while (found := quantifier_at(self.pattern, self.position)) is not None:
            low, high, self.position = found
            possessive = self.peek() == "+"
            if self.peek() in ("?", "+"):  # lazy tries the same ways in another order
                self.position += 1
            source = self.pattern[start : self.position]
            if high is not None and high <= UNROLLED and not possessive:  # as that many copies
                optional = ("alt", (node, EMPTY))
                copies = (node,) * low + (optional,) * (high - low)
                node = ("seq", copies) if copies else EMPTY
                continue
            node = ("rep", node, low, high, source)
            if possessive:  # it gives nothing back: one way, whatever it took
                node = ("atomic", node)
        return node

    def atom(self) -> Node:
        character = self.peek()
        if character == "(":
            return self.group()
        if character == "[":
            return self.char(self.class_end())
        if character == "\\":
            return self.escape()
        self.position += 1
        if character in ("^", "$"):
            return ("anchor",) if character == "^" else EMPTY
        if character == ".":
            return ("char", "[^\\n]", 0)
        return ("char", regex.escape(character), self.flags[-1])

    def char(self, end: int) -> Node:
        source = self.pattern[self.position : end]
        self.position = end
        return ("char", source, self.flags[-1])

    def class_end(self) -> int:
        """Where the class opening here ends (past its ``]``), nested sets and POSIX classes included."""
        i = self.position + 1
        if self.pattern[i : i + 1] == "^":
            i += 1
        if self.pattern[i : i + 1] == "]":
            i += 1
        depth = 1
        while i < len(self.pattern):
            c = self.pattern[i]
            if c == "\\":
                i += 2
                continue
            if self.pattern.startswith("[:", i):
                close = self.pattern.find(":]", i + 2)
                if close > 0:
                    i = close + 2
                    continue
            if c == "[":
                depth += 1
            elif c == "]":
                depth -= 1
                if depth == 0:
                    return i + 1
            i += 1
        raise Unanalysable("an unclosed character class")

    def escape(self) -> Node:
        start = self.position
        letter = self.peek(1)
        if not letter:
            raise Unanalysable("a pattern ending in a backslash")
        self.position += 2
        if letter == "A":
            return ("anchor",)
        if letter in ZERO_WIDTH:
            return EMPTY
        if letter in "pPN" and self.peek() == "{":
            self.position = self.pattern.index("}", self.position) + 1
        elif letter in "pP":
            self.position += 1
        elif letter == "x":
            self.position = (
                (self.pattern.index("}", self.position) + 1) if self.peek() == "{" else self.position + 2
            )
        elif letter in "uU":
            self.position += 4 if letter == "u" else 8
        elif letter.isdigit() or letter == "g":  # a back reference: some run of the line
            if letter == "g":
                self.position = self.pattern.index(">", self.position) + 1
            else:
                while self.peek().isdigit():
                    self.position += 1
            source = self.pattern[start : self.position]
            return ("rep", ("char", "[^\\n]", 0), 0, None, source)
        elif letter.isalpha() and letter not in CLASS_ESCAPES and letter not in CONTROL:
            raise Unanalysable(f"the escape \\{letter}")
        return ("char", self.pattern[start : self.position], self.flags[-1])

    def group(self) -> Node:
        pattern, start = self.pattern, self.position
        if pattern.startswith("(*", start):
            raise Unanalysable("a backtracking verb")
        for opener in ("(?<=", "(?<!", "(?=", "(?!"):
            if pattern.startswith(opener, start):
                self.position = start + len(opener)
                return ("look", self.closed())
        if pattern.startswith("(?#", start):
            self.position = pattern.index(")", start) + 1
            return EMPTY
        if pattern.startswith("(?>", start):
            self.position = start + 3
            return ("atomic", self.closed())
        if pattern.startswith("(?:", start):
            self.position = start + 3
            return self.closed()
        if pattern.startswith(("(?P<", "(?<"), start):
            self.position = pattern.index(">", start) + 1
            return self.closed()
        if pattern.startswith("(?", start):
            return self.flags_group()
        self.position = start + 1
        return self.closed()

    def flags_group(self) -> Node:
        end = self.position + 2
        while end < len(self.pattern) and (self.pattern[end].isalpha() or self.pattern[end] in "-0123456789"):
            end += 1
        letters = self.pattern[self.position + 2 : end]
        if "x" in letters or end >= len(self.pattern) or self.pattern[end] not in ":)":
            raise Unanalysable("verbose mode or an unknown group")
        on = letters.split("-")[0]
        caseless = regex.IGNORECASE if "i" in on else 0 if "i" in letters else self.flags[-1]
        self.position = end + 1
        if self.pattern[end] == ")":  # (?i) to the end of the enclosing group
            self.flags[-1] = caseless
            return EMPTY
        self.flags.append(caseless)
        try:
            return self.closed()
        finally:
            self.flags.pop()

    def closed(self) -> Node:
        self.flags.append(self.flags[-1])
        try:
            inner = self.alternation()
        finally:
            self.flags.pop()
        if self.peek() != ")":
            raise Unanalysable("an unbalanced group")
        self.position += 1
        return inner


@lru_cache(maxsize=8192)
def members(source: str, flags: int) -> frozenset[str]:
    """The characters of `ALPHABET` that the class or escape ``source`` matches."""
    compiled = regex.compile(source, flags)
    return frozenset(character for character in ALPHABET if compiled.fullmatch(character))


# --- Following runs of one character through the tree ------------------------------------
# A chain is a tuple of (construct, bound) pairs: quantifiers that share one run.
Chain = tuple[tuple[str, int | None], ...]


@dataclass(frozen=True, slots=True)
class Runs:
    """What a node does with a run of one character x.

    ``whole``: the costliest chain when the node matches nothing but x's (None: it
    cannot); ``head`` a chain from the node's start into it, ``tail`` one from inside it
    to its end, ``inner`` the costliest anywhere in it; ``ways``: in how many ways
    (0, 1, 2 = many) it matches a non-empty run of x's, ``empty``: whether it matches
    the empty string there.
    """

    whole: Chain | None
    head: Chain
    tail: Chain
    inner: Chain
    ways: int
    empty: bool


class Follower:
    """Follows runs of one character through a pattern's tree.

    ``touched`` holds, by node identity, the characters each node's classes match and
    whether it can match the empty string (`touched_characters`): a node that cannot
    take the character is settled without reading it.
    """

    def __init__(self, character: str, length: int, touched: dict[int, tuple[frozenset[str], bool]]) -> None:
        self.character = character
        self.length = length
        self.touched = touched
        self.nested: list[str] = []
        self.memo: dict[int, tuple[Node, Runs]] = {}  # by node identity: a subtree is read once

    def cost(self, chain: Chain) -> float:
        total = 1.0
        for _, bound in chain:
            total *= self.length if bound is None else min(bound, self.length)
        return total

    def costliest(self, *chains: Chain | None) -> Chain:
        return max((c for c in chains if c is not None), key=self.cost, default=())

    def runs(self, node: Node) -> Runs:
        known = self.memo.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        characters, nullable = self.touched[id(node)]
        if self.character not in characters:
            found = Runs((), (), (), (), 0, True) if nullable else Runs(None, (), (), (), 0, False)
        else:
            found = self.node_runs(node)
        self.memo[id(node)] = (node, found)
        return found

    def node_runs(self, node: Node) -> Runs:
        kind = node[0]
        if kind == "char":
            inside = self.character in members(node[1], node[2])
            return Runs(() if inside else None, (), (), (), int(inside), False)
        if kind in ("empty", "anchor"):
            return Runs((), (), (), (), 0, True)
        if kind == "look":
            body = self.runs(node[1])
            return Runs((), body.head, (), body.inner, 0, True)
        if kind == "atomic":  # matched once, never tried again in another way
            body = self.runs(node[1])
            return Runs(body.whole and (), (), (), body.inner, min(body.ways, 1), body.empty)
        if kind == "seq":
            return self.sequence([self.runs(item) for item in node[1]])
        if kind == "alt":
            return self.either([self.runs(branch) for branch in node[1]])
        return self.repeat(node)

    def sequence(self, parts: list[Runs]) -> Runs:
        result = parts[0]
        for part in parts[1:]:
            a, b = result, part
            whole = a.whole + b.whole if a.whole is not None and b.whole is not None else None
            head = self.costliest(a.head, a.whole + b.head if a.whole is not None else None)
            tail = self.costliest(b.tail, a.tail + b.whole if b.whole is not None else None)
            inner = self.costliest(a.inner, b.inner, a.tail + b.head)
            ways = min(2, a.ways * (b.ways + b.empty) + a.empty * b.ways)
            result = Runs(whole, head, tail, inner, ways, a.empty and b.empty)
        return result

    def either(self, parts: list[Runs]) -> Runs:
        wholes = [part.whole for part in parts if part.whole is not None]
        return Runs(
            self.costliest(*wholes) if wholes else None,
            self.costliest(*(part.head for part in parts)),
            self.costliest(*(part.tail for part in parts)),
            self.costliest(*(part.inner for part in parts)),
            min(2, sum(part.ways for part in parts)),
            any(part.empty for part in parts),
        )

    def repeat(self, node: Node) -> Runs:
        _, body_node, low, high, source = node
        body = self.runs(body_node)
        if body.ways >= 2:
            self.nested.append(source)
        if body.ways:
            loop: Chain = ((source, high),)
            whole: Chain | None = loop
            head = self.costliest(loop + body.head)
            tail = self.costliest(body.tail + loop)
            inner = self.costliest(body.inner, body.tail + loop + body.head)
            return Runs(whole, head, tail, inner, 2, low == 0 or body.empty)
        whole = () if low == 0 or body.empty else None
        return Runs(
            whole,
            body.head,
            body.tail,
            self.costliest(body.inner, body.tail + body.head),
            0,
            low == 0 or body.empty,
        )


def anchored(node: Node) -> bool:
    """Whether every match of the node starts at ``^`` (or ``\\A``): one start per line."""
    kind = node[0]
    if kind == "anchor":
        return True
    if kind == "seq":
        return anchored(node[1][0])
    if kind == "alt":
        return all(anchored(branch) for branch in node[1])
    return False


def read_pattern(pattern: str, flags: int = 0) -> Node:
    """The tree of a pattern; raises `Unanalysable` for what the reading does not know."""
    reader = Reader(pattern, flags)
    try:
        node = reader.alternation()
    except (IndexError, ValueError, regex.error) as error:
        raise Unanalysable(f"unread syntax ({error})") from None
    if reader.position != len(pattern):
        raise Unanalysable("an unbalanced group")
    if not anchored(node):  # the search tries every start: a quantifier of its own
        node = ("seq", (("rep", ("char", "[^\\n]", 0), 0, None, "(every start)"), node))
    return node


@lru_cache(maxsize=1024)
def find_backtracking(pattern: str, max_chars: int | None, flags: int = 0) -> tuple[Finding, ...]:
    """Where ``pattern`` may backtrack badly on a line of up to ``max_chars`` characters.

    Raises `Unanalysable` for a pattern the reading does not know (verbose mode, back
    references, backtracking verbs).
    """
    tree = read_pattern(pattern, flags)
    length = max_chars if max_chars is not None else UNGUARDED_LENGTH
    findings: dict[tuple[str, ...], Finding] = {}
    touched: dict[int, tuple[frozenset[str], bool]] = {}
    touched_characters(tree, touched)
    for character in representatives(tree):
        follower = Follower(character, length, touched)
        runs = follower.runs(tree)
        for source in follower.nested:
            findings.setdefault(
                ("nested", source), Finding("nested", (source,), character, float("inf"), length)
            )
        chain = follower.costliest(runs.inner, runs.head, runs.tail, runs.whole)
        steps = follower.cost(chain)
        if steps > STEP_LIMIT:
            constructs = tuple(source for source, _ in chain)
            key = ("overlapping", *constructs)
            if key not in findings or findings[key].steps < steps:
                findings[key] = Finding("overlapping", constructs, character, steps, length)
    return tuple(findings.values())


def touched_characters(
    node: Node, found: dict[int, tuple[frozenset[str], bool]]
) -> tuple[frozenset[str], bool]:
    """The characters a node's classes match and whether it matches the empty string, for
    it and each node below it (kept in ``found`` by node identity)."""
    kind = node[0]
    if kind == "char":
        result = (members(node[1], node[2]), False)
    elif kind in ("empty", "anchor"):
        result = (frozenset(), True)
    elif kind in ("seq", "alt"):
        parts = [touched_characters(child, found) for child in node[1]]
        nullable = all(p[1] for p in parts) if kind == "seq" else any(p[1] for p in parts)
        result = (frozenset().union(*(p[0] for p in parts)), nullable)
    elif kind == "look":
        result = (touched_characters(node[1], found)[0], True)
    elif kind == "atomic":
        result = touched_characters(node[1], found)
    else:
        characters, nullable = touched_characters(node[1], found)
        result = (characters, nullable or node[2] == 0)
    found[id(node)] = result
    return result


def representatives(tree: Node) -> list[str]:
    """One character of `ALPHABET` for each set of characters the tree's classes cannot tell apart."""
    classes: list[frozenset[str]] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if node[0] == "char":
            classes.append(members(node[1], node[2]))
        elif node[0] in ("seq", "alt"):
            stack.extend(node[1])
        elif node[0] in ("rep", "look", "atomic"):
            stack.append(node[1])
    kinds: dict[tuple[bool, ...], str] = {}
    for character in ALPHABET:
        kinds.setdefault(tuple(character in members_ for members_ in classes), character)
    return list(kinds.values())


def rule_findings(rule: Rule) -> tuple[Finding, ...]:
    """The findings for a rule's pattern, on lines of up to its ``max_chars``.

    Raises `Unanalysable` for a pattern the reading does not know.
    """
    if rule.pattern is None:
        return ()
    return find_backtracking(rule.pattern.pattern, rule.max_chars, int(rule.pattern.flags))


def describe_backtracking(rules: Iterable[Rule]) -> list[str]:
    """A line for each finding a rule does not explain with ``backtracking_ok``, naming the
    rule, where it is defined and the construct, with what to do about it."""
    notes = []
    for rule in rules:
        if rule.backtracking_ok or rule.pattern is None:
            continue
        try:
            findings = rule_findings(rule)
        except Unanalysable as error:
            notes.append(f"{rule.source}: {rule.id}.pattern: not checked for backtracking: {error}")
            continue
        for finding in findings:
            advice = (
                "add max_chars" if rule.max_chars is None and finding.kind == "overlapping" else "rewrite it"
            )
            notes.append(
                f"{rule.source}: {rule.id}.pattern: {finding}; {advice}, or say why it is harmless"
                " with backtracking_ok"
            )
    return notes
