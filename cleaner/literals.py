"""The literal strings a rule's pattern needs: a cheap test that rules most lines out.

`required_literals` reads a `regex` pattern and finds strings, casefolded, at least one
of which every line it matches holds (casefolded). Looking for strings is much faster
than running a pattern (`cleaner.matchers.LiteralFinder` looks for those of every rule
in one pass), so the pure-regex scanner runs a rule's pattern only on the lines that
hold one of its literals.

Everything is casefolded, whatever the pattern's flags: a line that matches holds the
literal in some case, so its casefolded text holds the casefolded literal. This holds
for the case folding `regex` uses except for a few characters that fold onto ASCII
letters (`holds_risky`): a text holding one is scanned without this test.

The reading is conservative: a construct it does not know (verbose mode, conditionals,
nested sets) gives no literals, and the rule's pattern then runs on every line.

>>> sorted(required_literals(r"^(?:Read|See) (?:more|also)\\b", False))
['read also', 'read more', 'see also', 'see more']
>>> required_literals(r"^\\d+$", False) is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

# Characters that regex's case-insensitive matching may equate with an ASCII letter while
# casefolding (and hyperscan) does not: the long s, the Kelvin sign, the dotted and dotless i.
RISKY = "\u017f\u212a\u0130\u0131"
MAX_STRINGS = 64  # an exact set with more strings than this is not followed further
SELECTIVE = 6  # a string this long is rare enough in text
ZERO_WIDTH_ESCAPES = "bBAZzGmM"  # in regex, \< and \> are the characters < and >
CLASS_ESCAPES = "dDwWsShHvVXRNpP"
CONTROL_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f", "v": "\v", "a": "\a", "e": "\x1b"}


def holds_risky(text: str) -> bool:
    """Whether ``text`` holds one of the `RISKY` characters (four ``in`` tests beat a regex scan).

    >>> holds_risky("Kelvin: \u212a"), holds_risky("plain")
    (True, False)
    """
    return any(character in text for character in RISKY)


SIMPLE_REPEATS = {"*": (0, None), "+": (1, None), "?": (0, 1)}


def quantifier_at(pattern: str, position: int) -> tuple[int, int | None, int] | None:
    """The bounds of the quantifier (``*``, ``+``, ``?`` or ``{m,n}``) at ``position`` and
    where it ends, before any lazy or possessive mark; None when there is none.

    >>> quantifier_at("a+?", 1), quantifier_at("a{2,3}", 1), quantifier_at("ab", 1)
    ((1, None, 2), (2, 3, 6), None)
    """
    simple = SIMPLE_REPEATS.get(pattern[position : position + 1])
    if simple is not None:
        return simple[0], simple[1], position + 1
    if pattern.startswith("{", position):
        return repeat_bounds(pattern, position)
    return None


def repeat_bounds(pattern: str, position: int) -> tuple[int, int | None, int] | None:
    """The bounds of the ``{m,n}`` repeat at ``position`` (None: no upper bound) and where it
    ends; None when regex reads the brace as a character.

    Only digits and one comma count, as in regex: ``{}``, ``{x}`` and ``{ 1,2}`` are text.

    >>> repeat_bounds("a{2,}", 1), repeat_bounds("a{,3}", 1)
    ((2, None, 5), (0, 3, 5))
    >>> repeat_bounds("a{ 1}", 1), repeat_bounds("a{}", 1)
    (None, None)
    """
    close = pattern.find("}", position)
    if close < 0:
        return None
    parts = pattern[position + 1 : close].split(",")
    if len(parts) > 2 or not all(part.isdigit() or not part for part in parts) or parts == [""]:
        return None
    low = int(parts[0]) if parts[0] else 0
    high = low if len(parts) == 1 else int(parts[1]) if parts[1] else None
    return low, high, close + 1


def is_fuzzy_constraint(pattern: str, position: int) -> bool:
    """Whether the ``{`` at ``position`` may open a fuzzy-matching constraint, as in ``(?:foo){e<=1}``.

    regex then matches text that need not hold the piece's letters. A brace that is not
    a repeat and holds a comparison is taken as one (a literal brace of that shape only
    costs the pattern its literals or its skeleton).
    """
    close = pattern.find("}", position)
    return close >= 0 and any(operator in pattern[position + 1 : close] for operator in "<=>")


INLINE_FLAGS = set("abefilmprsuwxLV01-")  # regex's inline flag letters, and the - that turns some off


class Unreadable(Exception):
    """A construct `required_literals` does not read."""


@dataclass(frozen=True, slots=True)
class Piece:
    """What is known of a piece of a pattern.

    ``exact``: every string the piece can match, when there are few; ``required``:
    strings one of which the line holds wherever the piece matches (None: unknown).
    """

    exact: frozenset[str] | None
    required: frozenset[str] | None


ANY_CHARACTER = Piece(None, None)
EMPTY = Piece(frozenset({""}), None)


@lru_cache(maxsize=4096)
def required_literals(pattern: str, verbose: bool) -> frozenset[str] | None:
    """Casefolded strings one of which every line that ``pattern`` matches holds, or None.

    None means no such strings are known (or the pattern's syntax is not read here).
    """
    if verbose:
        return None
    reader = PatternReader(pattern)
    try:
        piece = reader.alternation()
        if reader.position != len(pattern):
            raise Unreadable
    except (Unreadable, IndexError, ValueError):
        return None
    found = strongest([piece.required, piece.exact])
    return None if found is None else shortest_only(found)


def shortest_only(strings: frozenset[str]) -> frozenset[str]:
    """The strings that hold none of the others: a line holding a longer one holds the shorter.

    >>> sorted(shortest_only(frozenset({"ad", "ads", "advert", "sponsored"})))
    ['ad', 'sponsored']
    """
    return frozenset(s for s in strings if not any(t != s and t in s for t in strings))


def strongest(choices: Iterable[frozenset[str] | None]) -> frozenset[str] | None:
    """The most selective requirement: the one whose shortest string is longest.

    Past `SELECTIVE` characters, length matters less than having few strings to look for.
    """
    best: frozenset[str] | None = None
    best_score = (0, 0)
    for choice in choices:
        if not choice:
            continue
        score = (min(*map(len, choice), SELECTIVE), -len(choice))
        if score[0] > 0 and (best is None or score > best_score):
            best, best_score = choice, score
    return best


def either(pieces: list[Piece]) -> Piece:
    """An alternation: any of the pieces."""
    exact: frozenset[str] | None = None
    if all(piece.exact is not None for piece in pieces):
        exact = frozenset().union(*(piece.exact or () for piece in pieces))
        if len(exact) > MAX_STRINGS:
            exact = None
    needs = [strongest([piece.required, piece.exact]) for piece in pieces]
    required = None if any(need is None for need in needs) else frozenset().union(*needs)  # type: ignore[arg-type]
    return Piece(exact, required)


def sequence(pieces: list[Piece]) -> Piece:
    """A concatenation: exact strings joined while they stay few; the strongest requirement."""
    choices: list[frozenset[str] | None] = []
    run: frozenset[str] | None = frozenset({""})
    all_exact = True
    for piece in pieces:
        choices.append(piece.required)
        if piece.exact is not None and run is not None and len(run) * len(piece.exact) <= MAX_STRINGS:
            run = frozenset(a + b for a in run for b in piece.exact)
            continue
        all_exact = False
        choices.append(run)
        run = piece.exact if piece.exact is not None else frozenset({""})
    choices.append(run)
    return Piece(run if all_exact else None, strongest(choices))


def repeated(piece: Piece, low: int, high: int | None) -> Piece:
    """A piece repeated ``low`` to ``high`` times (None: no upper bound)."""
    if low == 0:
        if high == 1 and piece.exact is not None:
            return Piece(piece.exact | {""}, None)
        return EMPTY if high == 0 else Piece(None, None)
    if low == high == 1:
        return piece
    return Piece(None, strongest([piece.required, piece.exact]))


class PatternReader:
    """A recursive reading of a `regex` pattern into `Piece` values."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.position = 0

    def peek(self) -> str:
        return self.pattern[self.position] if self.position < len(self.pattern) else ""

    def alternation(self) -> Piece:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.position += 1
            branches.append(self.sequence())
        return branches[0] if len(branches) == 1 else either(branches)

    def sequence(self) -> Piece:
        pieces = []
        while self.peek() not in ("", "|", ")"):
            pieces.append(self.quantified(self.atom()))
        return sequence(pieces)

    def quantified(self, piece: Piece) -> Piece:
        while (found := quantifier_at(self.pattern, self.position)) is not None:
            low, high, self.position = found
            if self.peek() in ("?", "+"):  # lazy or possessive: the same strings
                self.position += 1
            piece = repeated(piece, low, high)
        return piece

    def atom(self) -> Piece:
        character = self.peek()
        if character == "(":
            return self.group()
        if character == "[":
            self.skip_class()
            return ANY_CHARACTER
        if character == "\\":
            return self.escape()
        if character == "{" and is_fuzzy_constraint(self.pattern, self.position):
            raise Unreadable
        self.position += 1
        if character == ".":
            return ANY_CHARACTER
        if character in ("^", "$"):
            return EMPTY
        return literal(character)

    def group(self) -> Piece:
        pattern, start = self.pattern, self.position
        if pattern.startswith("(*", start):
            raise Unreadable  # a backtracking verb such as (*PRUNE): not a group
        if pattern.startswith(("(?=", "(?<="), start):
            self.position = pattern.index("=", start) + 1
            inner = self.closed()
            return Piece(frozenset({""}), strongest([inner.required, inner.exact]))  # the line holds it
        if pattern.startswith(("(?!", "(?<!"), start):
            self.position = pattern.index("!", start) + 1
            self.closed()
            return EMPTY
        if pattern.startswith(("(?:", "(?>"), start):
            self.position = start + 3
        elif pattern.startswith(("(?P<", "(?<"), start):
            self.position = pattern.index(">", start) + 1
        elif pattern.startswith("(?#", start):
            self.position = pattern.index(")", start) + 1
            return EMPTY
        elif pattern.startswith("(?", start):
            return self.flags_group()
        else:
            self.position = start + 1
        return self.closed()

    def flags_group(self) -> Piece:
        """``(?flags)`` or ``(?flags:...)``: case flags change nothing here, verbose mode does."""
        end = self.position + 2
        while end < len(self.pattern) and (self.pattern[end].isalpha() or self.pattern[end] in "-0123456789"):
            end += 1
        flags = self.pattern[self.position + 2 : end]
        if not flags or not set(flags) <= INLINE_FLAGS or "x" in flags or self.pattern[end] not in ":)":
            raise Unreadable  # verbose mode, or not flags at all: (?R), (?P=name)...
        self.position = end + 1
        return EMPTY if self.pattern[end] == ")" else self.closed()

    def closed(self) -> Piece:
        inner = self.alternation()
        if self.peek() != ")":
            raise Unreadable
        self.position += 1
        return inner

    def escape(self) -> Piece:
        letter = self.pattern[self.position + 1]
        self.position += 2
        if letter in CONTROL_ESCAPES:
            return literal(CONTROL_ESCAPES[letter])
        if letter in ZERO_WIDTH_ESCAPES:
            return EMPTY
        if letter in CLASS_ESCAPES:
            if letter in "pPN" and self.peek() == "{":
                self.position = self.pattern.index("}", self.position) + 1
            elif letter in "pP":
                self.position += 1  # a one-letter property: \pL
            return ANY_CHARACTER
        if letter == "x":
            if self.peek() == "{":
                close = self.pattern.index("}", self.position)
                code, self.position = self.pattern[self.position + 1 : close], close + 1
            else:
                code, self.position = self.pattern[self.position : self.position + 2], self.position + 2
            return literal(chr(int(code, 16)))
        if letter in ("u", "U"):
            width = 4 if letter == "u" else 8
            code = self.pattern[self.position : self.position + width]
            self.position += width
            return literal(chr(int(code, 16)))
        if letter.isdigit():
            raise Unreadable  # back references and octal escapes
        if letter.isalnum():
            raise Unreadable
        return literal(letter)

    def skip_class(self) -> None:
        """Move past a character class; a nested set (regex V1) is not read."""
        position = self.position + 1
        if self.pattern[position] == "^":
            position += 1
        if self.pattern[position] == "]":
            position += 1
        while self.pattern[position] != "]":
            if self.pattern[position] == "\\":
                position += 1
            elif self.pattern[position] == "[":
                raise Unreadable
            position += 1
        self.position = position + 1


def literal(character: str) -> Piece:
    """One character, casefolded."""
    folded = frozenset({character.casefold()})
    return Piece(folded, folded)
