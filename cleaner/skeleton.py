"""The skeleton of a `regex` pattern: a wider pattern that hyperscan compiles fast.

Hyperscan does not get the rules' patterns as written: bounded repeats of Unicode
classes make its compiler take minutes. It gets each pattern's `skeleton`, which keeps
the literal words and the character classes it can spell exactly (literal characters,
ranges, ``\\s`` and ``\\d`` with regex's Unicode meaning, and their negations), widens
the rest, and still never misses a line the pattern matches. Keeping classes exact keeps
the skeleton selective: a skeleton that matches nearly every line leaves the confirming
to regex, line by line.

Case is spelled out (``[aA]``) rather than left to hyperscan's caseless mode, which
missed matches after earlier lines in UTF-8 multi-line mode (hyperscan 5.4).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import regex

from cleaner.literals import is_fuzzy_constraint, repeat_bounds


class Unwidenable(Exception):
    """A construct `skeleton` cannot widen safely."""


ZERO_WIDTH_ESCAPES = "bBmM"  # not \A or \G (they pin a match to the whole text), nor \< \> (characters)
CLASS_ESCAPES = "dDwWsShHvVN"
EXACT_ESCAPES = "sSdD"  # class escapes spelled as explicit sets of code points
NAMED_ESCAPES = "pPN"
KEPT_LOWER_BOUND = 3  # a larger one costs hyperscan's compiler too much on wide classes


def skeleton(pattern: str, caseless: bool) -> str | None:
    """A wider version of a `regex` pattern that hyperscan compiles fast, or None.

    Character classes and the escapes ``\\s``, ``\\S``, ``\\d``, ``\\D`` are kept as
    explicit sets (see `skeleton_class`); the other class escapes (``\\w``, ``\\p{L}``...)
    and the classes hyperscan cannot spell the same become ``.``, every bounded repeat
    ``{m,n}`` becomes ``*``, ``+`` or, for m up to `KEPT_LOWER_BOUND`, ``{m,}``, and
    zero-width assertions (``\\b``, lookarounds) are dropped. On a single line (no
    ``\\n``), the wider pattern matches wherever the original does, ending at the same
    place, so it never proposes too few lines. A leading run of "any character but a
    few" from the start of the line is dropped (`without_line_prefix`): the match still
    ends where it did.
    Constructs it cannot widen safely (back references, inline flags, nested sets) give
    None, and the rule is left to regex.

    >>> print(skeleton(r"^[\\[(]?\\w+: [^\\n]{0,100}$", False))
    ^[\\(\\[]?.+: [^\\n]*$
    """
    found = skeleton_exactness(pattern, caseless)
    return None if found is None else found[0]


def skeleton_exactness(pattern: str, caseless: bool) -> tuple[str, bool] | None:
    """The `skeleton` of a pattern, and whether it is exact; None if there is none.

    An exact skeleton widened nothing: on a single line it matches wherever the pattern
    does and nowhere else, and no match of it can span two lines. A line where hyperscan
    finds it then needs no confirming by regex.

    >>> skeleton_exactness(r"^(?:Advertisement|Sponsored)\\s*$", True)[1]
    True
    >>> skeleton_exactness(r"^Ad\\b", True)[1]  # \\b is dropped: wider
    False
    """
    out: list[str] = []
    exact = True
    position = 0
    scopes = [caseless]  # caseless or not, per open group: (?i:...) scopes it
    try:
        while position < len(pattern):
            if pattern.startswith("(?i:", position):
                out.append("(?:")
                scopes.append(True)
                position += 4
                continue
            start, here = position, scopes[-1]
            atom, position, kept = skeleton_atom(pattern, position, here)
            exact = exact and kept
            if pattern[start] == "(" and atom == "(?:":
                scopes.append(here)
            elif pattern[start] == ")" and len(scopes) > 1:
                scopes.pop()
            if here and len(atom) == 1 and atom.isascii() and atom.isalpha():
                atom = f"[{atom.lower()}{atom.upper()}]"  # both cases spelled: see the module docstring
            out.append(atom)
    except Unwidenable:
        return None
    text, prefix_exact = without_line_prefix("".join(out))
    return text, exact and prefix_exact


# "Anything from the start of the line": a line holds a match of ``^[^\n]*X`` where it
# holds one of ``X``, ending at the same place. Hyperscan runs such a prefix from every
# line start through the line, byte by byte: without it, ``X`` is a literal it finds fast.
LINE_PREFIX = "^[^\\n]*"
UNBOUNDED = ("*", "+", "{")  # ``{m,}``: the skeleton keeps no upper bound on a wide class


def without_line_prefix(skeleton_text: str) -> tuple[str, bool]:
    """The skeleton without a leading run of a class that stops at line ends, and whether
    it is as exact as before.

    ``^[^\\n]*X`` becomes ``X`` exactly. ``^[^\\n.!?]*X`` or ``^.+X`` becomes ``X`` too,
    which is wider (``X`` after a full stop, or at the line's start): regex confirms.
    The prefix stays when what follows does not stand on its own.

    >>> without_line_prefix(r"^[^\\n]*\\(Photo\\)$")
    ('\\\\(Photo\\\\)$', True)
    >>> without_line_prefix(r"^[^\\n\\.]*read more$")
    ('read more$', False)
    """
    if not skeleton_text.startswith("^["):
        if not skeleton_text.startswith("^."):
            return skeleton_text, True
        end = 2
    else:
        end = class_end(skeleton_text, 1) or 0
        if not skeleton_text.startswith("[^", 1) or "\\n" not in skeleton_text[1:end]:
            return skeleton_text, True  # the class may match a line end, or is not wide
    if not skeleton_text.startswith(UNBOUNDED, end):
        return skeleton_text, True
    prefix_end = end + 1 if skeleton_text[end] != "{" else skeleton_text.index("}", end) + 1
    rest = skeleton_text[prefix_end:]
    if not rest or rest[0] in "*+?{|)$":
        return skeleton_text, True
    return rest, skeleton_text[:prefix_end] == LINE_PREFIX


# A piece of a skeleton: its text, where the next piece of the pattern starts, and
# whether the piece matches exactly what the pattern's piece matches on a line.
Atom = tuple[str, int, bool]


def skeleton_atom(pattern: str, i: int, caseless: bool) -> Atom:
    """The widened piece of ``pattern`` starting at ``i``.

    ``caseless`` tells whether this piece is matched ignoring case.
    """
    c = pattern[i]
    if c == "\\":
        return skeleton_escape(pattern, i, caseless)
    if c == "[":
        return skeleton_class(pattern, i, caseless)
    if c == "(":
        return skeleton_group(pattern, i)
    if c in "*+?":
        return skip_lazy(pattern, c, i + 1, exact=True)
    if c == "{":
        bounds = repeat_bounds(pattern, i)
        if bounds is None:
            if is_fuzzy_constraint(pattern, i):
                raise Unwidenable  # fuzzy matching: the text need not hold the letters
            return literal(c, caseless), i + 1, True
        low, high, end = bounds
        # {0,} and {1,} are * and +; a small lower bound is kept ("two items or more" must
        # not become "one or more": on a page that turns every menu line into a candidate);
        # any other bound is widened.
        if low <= 1 or low > KEPT_LOWER_BOUND:
            quantifier = "*" if low == 0 else "+"
            return skip_lazy(pattern, quantifier, end, exact=low <= 1 and high is None)
        return skip_lazy(pattern, f"{{{low},}}", end, exact=high is None)
    if c in "^$|.)":
        return c, i + 1, True
    return literal(c, caseless), i + 1, True


def skeleton_escape(pattern: str, i: int, caseless: bool) -> Atom:
    """The widened form of the escape at ``i``."""
    if i + 1 >= len(pattern):
        raise Unwidenable
    e = pattern[i + 1]
    if e in NAMED_ESCAPES and pattern.startswith("{", i + 2):
        close = pattern.find("}", i + 3)
        if close < 0:
            raise Unwidenable
        return ".", close + 1, False
    if e == "X":
        return "(?:.+)", i + 2, False  # a grapheme: one or more code points
    if e in EXACT_ESCAPES:  # no cased characters in them: case does not matter
        spelled, exact = spell_class(escape_members(e.lower()), negated=e.isupper())
        return spelled, i + 2, exact
    if e in CLASS_ESCAPES or e in "trfae0":
        return ".", i + 2, False
    if e in ZERO_WIDTH_ESCAPES:
        return "", i + 2, False
    if e == "n":
        return "\\n", i + 2, False  # not exact: a match could span two lines
    if e in "123456789" and not pattern[i + 2 : i + 3].isdigit():
        return "(?:.*)", i + 2, False  # a back reference matches some text: any text is wider
    if e.isalnum():
        raise Unwidenable  # \x and \u escapes, and escapes we do not know
    return literal(e, caseless), i + 2, True


def skeleton_group(pattern: str, i: int) -> Atom:
    """The widened opening of the group at ``i`` (a lookaround is dropped whole)."""
    if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
        end = group_end(pattern, i)
        if end is None:
            raise Unwidenable
        return "", end, False
    if pattern.startswith("(?:", i):
        return "(?:", i + 3, True
    if pattern.startswith("(?>", i):
        return "(?:", i + 3, False  # an atomic group can fail where a plain one matches
    if pattern.startswith(("(?P<", "(?<"), i):
        return "(?:", pattern.index(">", i) + 1, True
    if pattern.startswith(("(?", "(*"), i):
        raise Unwidenable  # inline flags, backtracking verbs and other extensions
    return "(?:", i + 1, True


def skip_lazy(pattern: str, quantifier: str, i: int, *, exact: bool) -> Atom:
    """A quantifier, skipping a lazy or possessive mark after it (same or fewer matches than greedy).

    A lazy repeat matches wherever a greedy one does; a possessive one may not.
    """
    if i < len(pattern) and pattern[i] in "?+":
        return quantifier, i + 1, exact and pattern[i] == "?"
    return quantifier, i, exact


def literal(c: str, caseless: bool) -> str:
    """A literal character for hyperscan.

    A cased non-ASCII one in a caseless piece becomes the class of the characters regex
    equates with it (an ASCII letter gets its two cases in `skeleton`).
    """
    if c.isascii():
        return c if c.isalnum() or c in " _-,:;'\"/<>=!@#%&~`" else "\\" + c
    if caseless and c.lower() != c.upper():
        # A handful of characters: spelled exactly, never widened.
        return spell_class(matched_code_points(regex.escape(c), regex.IGNORECASE), negated=False)[0]
    return c


# Character classes. A set of code points is a sorted tuple of disjoint (first, last)
# ranges, so that ``\S`` (a million code points) stays a handful of pairs.
CodePoints = tuple[tuple[int, int], ...]
UNICODE = ((0, 0x10FFFF),)
SURROGATES = ((0xD800, 0xDFFF),)
ASCII = ((0, 0x7F),)
# A class with more non-ASCII ranges than this is widened to this many: \s (8 ranges)
# and classes built on it stay exact; \d (69 ranges) would add a second to each compile.
MAX_EXACT_NON_ASCII_RANGES = 16
NOT_ON_A_LINE = ((0x0A, 0x0A), *SURROGATES)  # a scanned line is valid UTF-8 without \n
SET_OPERATORS = ("--", "&&", "||", "~~")  # regex V1 set operations: not spelled exactly
SIMPLE_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "f": "\f"}


def skeleton_class(pattern: str, i: int, caseless: bool) -> Atom:
    """The class ``[...]`` at ``i`` as a hyperscan class matching the same line characters, or ``.``.

    In a caseless piece a class holding a cased non-ASCII character widens to ``.``
    (regex folds case by Unicode), and ASCII letters get both cases spelled out.
    """
    end = class_end(pattern, i)
    if end is None:
        raise Unwidenable
    negated = pattern.startswith("^", i + 1)
    members = class_members(pattern[i + 1 + negated : end - 1])
    if members is None:
        return ".", end, False
    if caseless:
        if holds_cased_non_ascii(members):
            return ".", end, False
        members = with_both_cases(members)
    spelled, exact = spell_class(members, negated)
    return spelled, end, exact


def class_members(body: str) -> CodePoints | None:
    """The code points a class body (between its brackets) lists, or None if not all are plain.

    Plain members are literal characters, ranges of them, escaped punctuation, ``\\n``,
    ``\\t``, ``\\r``, ``\\f``, and ``\\s``, ``\\S``, ``\\d``, ``\\D``.
    """
    if any(operator in body for operator in SET_OPERATORS):
        return None
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(body):
        item, i = class_item(body, i)
        if item is None:
            return None
        if body.startswith("-", i) and i + 1 < len(body):  # a range, unless the - comes last
            last, i = class_item(body, i + 1)
            if last is None or not (is_single(item) and is_single(last)) or last[0][0] < item[0][0]:
                return None
            item = ((item[0][0], last[0][0]),)
        found.extend(item)
    return merged(found)


def class_item(body: str, i: int) -> tuple[CodePoints | None, int]:
    """The code points of the one class member at ``i`` (None if not plain), and where the next starts."""
    if body[i] != "\\":
        return ((ord(body[i]), ord(body[i])),), i + 1
    e = body[i + 1]
    if e in EXACT_ESCAPES:
        members = escape_members(e.lower())
        return (complement(members) if e.isupper() else members), i + 2
    if e in SIMPLE_ESCAPES:
        e = SIMPLE_ESCAPES[e]
    elif e.isalnum():
        return None, i + 2  # \w, \p{..}, \x41...: not spelled exactly
    return ((ord(e), ord(e)),), i + 2


def is_single(members: CodePoints) -> bool:
    """Whether ``members`` is one code point (a possible end of a range)."""
    return len(members) == 1 and members[0][0] == members[0][1]


def escape_members(letter: str) -> CodePoints:
    """The code points regex's ``\\s`` or ``\\d`` matches (Unicode White_Space, Nd).

    Hyperscan's own ``\\s`` and ``\\d`` are ASCII only, hence the explicit sets.
    """
    return matched_code_points(f"\\{letter}")


@functools.cache
def matched_code_points(pattern: str, flags: int = 0) -> CodePoints:
    """The code points a one-character `regex` pattern matches, from a scan of them all (a few ms)."""
    found = regex.finditer(pattern, every_character(), flags)
    return merged((match.start(), match.start()) for match in found)


@functools.lru_cache(maxsize=1)
def every_character() -> str:
    """Every code point in order (4 MB, built in about 0.1 s), for `matched_code_points` to scan."""
    return "".join(map(chr, range(0x110000)))


def holds_cased_non_ascii(members: CodePoints) -> bool:
    """Whether some member beyond ASCII has two cases (stops at the first one found)."""
    return any(
        chr(code).lower() != chr(code).upper()
        for first, last in members
        for code in range(max(first, 0x80), last + 1)
    )


def with_both_cases(members: CodePoints) -> CodePoints:
    """``members`` with the other case of each ASCII letter among them."""
    swapped = [
        (ord(chr(code).swapcase()),) * 2
        for first, last in members
        for code in range(first, min(last, 0x7F) + 1)
        if chr(code).isalpha()
    ]
    return merged([*members, *swapped])


def spell_class(members: CodePoints, negated: bool) -> tuple[str, bool]:
    """A class for both hyperscan and regex matching what ``[members]`` (or ``[^members]``) matches
    on a line, or more; and whether it matches exactly that.

    ``\\n`` and surrogates are left out of the set: a scanned line holds neither, and
    leaving ``\\n`` out keeps a match on its line, as ``.`` does. A set with many
    scattered non-ASCII ranges (``\\d``) is widened to fewer ranges (`coarsened`),
    which is much faster to compile. A set holding most of Unicode is spelled as the
    complement of the rest.
    """
    matched = complement(members) if negated else members
    beyond_ascii = subtract(matched, ASCII)
    exact = len(beyond_ascii) <= MAX_EXACT_NON_ASCII_RANGES
    if not exact:
        within_ascii = subtract(matched, complement(ASCII))
        matched = merged([*within_ascii, *coarsened(beyond_ascii, MAX_EXACT_NON_ASCII_RANGES)])
    on_a_line = subtract(matched, NOT_ON_A_LINE)
    if not on_a_line:  # only [\n]: kept, and a match with it spans two lines
        return "[" + spell_members(matched) + "]", False
    if count(on_a_line) > count(UNICODE) // 2:
        return "[^" + spell_members(subtract(complement(on_a_line), SURROGATES)) + "]", exact
    return "[" + spell_members(on_a_line) + "]", exact


def coarsened(members: CodePoints, limit: int) -> CodePoints:
    """``members`` widened to at most ``limit`` ranges by filling the narrowest gaps between them.

    The widest gaps stay out: for ``\\d``, whole scripts without digits (Cyrillic, the
    CJK ideographs, Hangul), whose lines would otherwise all be candidates.

    >>> coarsened(((1, 2), (4, 5), (100, 101)), 2)
    ((1, 5), (100, 101))
    """
    if len(members) <= limit:
        return members
    gap_after = sorted(range(len(members) - 1), key=lambda i: members[i + 1][0] - members[i][1])
    open_gaps = set(gap_after[len(members) - limit :])  # the limit - 1 widest
    out = [members[0]]
    for i in range(1, len(members)):
        if i - 1 in open_gaps:
            out.append(members[i])
        else:
            out[-1] = (out[-1][0], members[i][1])
    return tuple(out)


def spell_members(members: CodePoints) -> str:
    """The inside of a class listing ``members``: single characters and ranges."""
    parts = []
    for first, last in members:
        if first == last:
            parts.append(spell_code(first))
        elif last == first + 1:
            parts.append(spell_code(first) + spell_code(last))
        else:
            parts.append(spell_code(first) + "-" + spell_code(last))
    return "".join(parts)


def spell_code(code: int) -> str:
    """One class member read the same by hyperscan and regex.

    ASCII punctuation is escaped (so ``]``, ``\\``, ``^``, ``-`` and ``[:`` mean
    themselves), control and invisible Latin-1 characters use ``\\xHH``, and the rest is
    written as itself: regex has no ``\\x{...}`` and hyperscan no ``\\uHHHH``.
    """
    c = chr(code)
    if c == "\n":
        return "\\n"
    if c.isascii() and c.isalnum():
        return c
    if c.isascii() and c.isprintable():
        return "\\" + c
    if code <= 0xFF and not c.isprintable():
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:
        raise Unwidenable  # a lone surrogate cannot be written in UTF-8
    return c


def merged(ranges: Iterable[tuple[int, int]]) -> CodePoints:
    """Ranges sorted, with overlapping and touching ones joined."""
    out: list[tuple[int, int]] = []
    for first, last in sorted(ranges):
        if out and first <= out[-1][1] + 1:
            out[-1] = (out[-1][0], max(out[-1][1], last))
        else:
            out.append((first, last))
    return tuple(out)


def complement(members: CodePoints) -> CodePoints:
    """Every code point not in ``members``."""
    out = []
    start = 0
    for first, last in members:
        if first > start:
            out.append((start, first - 1))
        start = last + 1
    if start <= UNICODE[0][1]:
        out.append((start, UNICODE[0][1]))
    return tuple(out)


def subtract(members: CodePoints, removed: CodePoints) -> CodePoints:
    """The code points of ``members`` not in ``removed``."""
    return complement(merged([*complement(members), *removed]))


def count(members: CodePoints) -> int:
    """How many code points ``members`` holds."""
    return sum(last - first + 1 for first, last in members)


def class_end(pattern: str, start: int) -> int | None:
    """Where the character class opening at ``start`` ends (just past its ``]``), or None."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern):
        if pattern[i] == "\\":
            i += 2
            continue
        if pattern[i] == "[":
            return None  # nested sets (regex V1): leave the rule to regex
        if pattern[i] == "]":
            return i + 1
        i += 1
    return None


def group_end(pattern: str, start: int) -> int | None:
    """Where the group opening at ``start`` ends (just past its ``)``), or None."""
    depth = 0
    i = start
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            i += 2
            continue
        if c == "[":
            end = class_end(pattern, i)
            if end is None:
                return None
            i = end
            continue
        if c == "(":
            depth += 1
        elif c == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None
