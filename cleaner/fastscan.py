"""A `Scanner` that finds candidate lines for all rules in one pass with hyperscan.

Hyperscan (an optional dependency) compiles every rule's pattern into one database and
scans a whole document once for all of them. It reports where matches end; the line
holding each match's end is a candidate. That is never too few: a pattern that matches
a line alone matches the same stretch in the joined document, so its end is reported.
Candidates are then confirmed by the rule's own `regex` pattern, with its time limit,
as with `RegexScanner`, so the output is identical whichever scanner runs.

A pattern hyperscan cannot compile (lookarounds, back references, a pattern that matches
the empty string) is scanned by `regex` for that rule alone. A document hyperscan could
read differently from `regex` (undecodable bytes kept as lone surrogates, or one of the
few characters whose case folding the two engines may not share) is scanned by `regex`
whole.

Hyperscan does not get the patterns as written but their `cleaner.skeleton`: wider
patterns it compiles in seconds, which never miss a line the pattern matches.

A pattern that matches most lines of a page is not scanned: hyperscan would report
each line, one Python call each, which costs more than the scan. `LINE_FINDERS` finds
its lines instead, in C loops over the lines, saying exactly what the pattern says:
``^\\S`` ("every line of the page's head and tail") holds on every non-blank line, as a
stripped line starts with a character regex does not call white space; the short-line
run rule's pattern holds on a line that does not end like a sentence (`open_ended`).

Compiling a database takes a second or more, so it is cached on disk, keyed by the
rules' fingerprint and the hyperscan version, and loaded in a few milliseconds next
time; a scanner also keeps the databases it built, so each worker process builds or
loads its own once.
"""

from __future__ import annotations

import hashlib
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import compress, repeat
from operator import gt, itemgetter
from pathlib import Path
from typing import Any

import regex

from cleaner.literals import holds_risky
from cleaner.matchers import CLOSING_MARKS, SENTENCE_STOPS, LineScanner, View
from cleaner.rules import Rule, fingerprint_rules
from cleaner.skeleton import class_end, skeleton, skeleton_exactness
from cleaner.smallfiles import write_cache

CACHE_FORMAT = "14"  # bump when `skeleton` changes: the cache holds compiled skeletons
DATABASE_RULES = 1000  # patterns per hyperscan database
# Patterns that match a line as soon as it holds a character (lines are stripped).
ANY_CHARACTER_PATTERNS = frozenset({r"^\S", r"\S", r"^.", r"."})
# A line whose last character before any closing quotes or brackets is no sentence stop,
# or a line of closers only: a menu item, for the short-line run rule (NAV001).
OPEN_END_PATTERN = r"""^(?:[^\n]*[^.!?…。！？"'”’“»«›‹)\]」』）》\n]["'”’“»«›‹)\]」』）》]*|["'”’“»«›‹)\]」』）》]+)$"""
STOPS = frozenset(SENTENCE_STOPS)
LAST_CHARACTER = itemgetter(slice(-1, None))  # "" for an empty string


def non_blank(contents: Sequence[str]) -> list[int]:
    """The positions of the stripped lines that hold a character."""
    return list(compress(range(len(contents)), contents))


def open_ended(contents: Sequence[str]) -> list[int]:
    """The positions of the stripped lines `OPEN_END_PATTERN` matches: not blank, and no
    sentence stop before their closing quotes and brackets (a line of closers only counts).

    >>> open_ended(["Contact us", "The end.", "„Gut.“", "»", ""])
    [0, 3]
    """
    stops = map(STOPS.__contains__, map(LAST_CHARACTER, map(str.rstrip, contents, repeat(CLOSING_MARKS))))
    # A line holds a character and no stop ends it: True > False, and nothing else.
    return list(compress(range(len(contents)), map(gt, map(bool, contents), stops)))


# The patterns whose lines are found without hyperscan (see the module docstring); each
# finder says exactly what its pattern says of a stripped line.
LineFinder = Callable[[Sequence[str]], list[int]]
LINE_FINDERS: dict[str, LineFinder] = {
    **dict.fromkeys(ANY_CHARACTER_PATTERNS, non_blank),
    OPEN_END_PATTERN: open_ended,
}


def hyperscan_available() -> bool:
    """Whether the hyperscan package can be imported on this platform."""
    try:
        import hyperscan  # noqa: F401, PLC0415
    except ImportError:
        return False
    return True


def default_cache_dir() -> Path:
    """Where compiled databases are kept: ``$CLEANER_CACHE_DIR``, else the user cache folder."""
    if os.environ.get("CLEANER_CACHE_DIR"):
        return Path(os.environ["CLEANER_CACHE_DIR"])
    if sys.platform == "win32":
        base = Path(os.environ.get("LOCALAPPDATA", Path.home() / "AppData" / "Local"))
    elif sys.platform == "darwin":
        base = Path.home() / "Library" / "Caches"
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "cleaner"


@dataclass(slots=True)
class Compiled:
    """One database and the rules it holds; ``regex_rules`` are those hyperscan refused.

    ``exact_ids`` are the rules whose skeleton is exact: a line where hyperscan finds
    one is a line where the rule's pattern matches. ``found_apart`` are the rules left
    out of the database, with the `LINE_FINDERS` entry that finds their lines.
    """

    rules: tuple[Rule, ...]
    database: Any = None
    ids: tuple[str, ...] = ()
    regex_rules: tuple[Rule, ...] = field(default=())
    exact_ids: frozenset[str] = frozenset()
    found_apart: tuple[tuple[str, LineFinder], ...] = ()
    more: tuple[Compiled, ...] = ()  # the next databases, when the rules are too many for one


class HyperscanScanner:
    """Candidate lines for every rule from one hyperscan scan per document and pass.

    ``cache_dir=None`` uses `default_cache_dir`; pass ``use_cache=False`` to build in
    memory only. The scanner pickles without its databases, so a worker process loads
    them from the disk cache rather than receiving them. One scanner serves one thread
    at a time (hyperscan's scratch space is per database); give each thread its own.
    """

    def __init__(self, cache_dir: Path | None = None, *, use_cache: bool = True) -> None:
        import hyperscan  # noqa: PLC0415 (optional dependency)

        self.hyperscan = hyperscan
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.use_cache = use_cache
        self.compiled: dict[tuple[int, ...], Compiled] = {}
        self.latest: tuple[Sequence[Rule], Compiled] | None = None
        self.fallback = LineScanner()

    def __getstate__(self) -> dict[str, Any]:
        return {"cache_dir": self.cache_dir, "use_cache": self.use_cache}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["cache_dir"], use_cache=state["use_cache"])  # type: ignore[misc]

    def candidate_lines(self, rules: Sequence[Rule], view: View) -> dict[str, list[int]]:
        """Candidate positions by rule id (see the module's docstring)."""
        compiled = self.database_for(rules)
        text = "\n".join(view.contents)
        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:  # lone surrogates: not valid UTF-8 for hyperscan
            return self.fallback.candidate_lines(rules, view)
        if len(data) != len(text) and holds_risky(text):
            return self.fallback.candidate_lines(rules, view)
        found: dict[str, list[int]] = {}  # most rules have no candidate in most texts
        for rule_id, finder in compiled.found_apart:
            positions = finder(view.contents)
            found[rule_id] = positions
            # Each is a match (see the module docstring): confirm_line need not ask regex.
            original_lines = map(view.index.__getitem__, positions)
            view.cache.matches.update(zip(zip(repeat(rule_id), original_lines), repeat(True)))
        for part in (compiled, *compiled.more):
            if part.database is not None and data:
                line = 0
                previous = 0
                ids = part.ids
                for end, number in match_ends(part.database, data):
                    line += data.count(b"\n", previous, end)
                    previous = end
                    lines = found.get(ids[number])
                    if lines is None:
                        found[ids[number]] = [line]
                    elif lines[-1] != line:
                        lines.append(line)
                remember_matches(view, part.exact_ids, found)
            if part.regex_rules:
                found.update(self.fallback.candidate_lines(part.regex_rules, view))
        return found

    def database_for(self, rules: Sequence[Rule]) -> Compiled:
        """The database for these rules: kept from before, loaded from disk, or built."""
        latest = self.latest
        if latest is not None and latest[0] is rules:  # the plan's own tuple, document after document
            return latest[1]
        key = tuple(map(id, rules))
        compiled = self.compiled.get(key)
        if compiled is None:
            pattern_rules = tuple(rule for rule in rules if rule.pattern is not None)
            scanned = tuple(rule for rule in pattern_rules if line_finder(rule) is None)
            # Hyperscan's compile time grows faster than the number of patterns (1,000 of
            # them: 1.3 s; 4,000: 17 s), so a big rule set gets several databases.
            starts = range(0, len(scanned), DATABASE_RULES)
            parts = [self.load_or_build(scanned[start : start + DATABASE_RULES]) for start in starts]
            parts = parts or [self.load_or_build(())]
            compiled = parts[0]
            compiled.more = tuple(parts[1:])
            compiled.found_apart = tuple(
                (rule.id, finder) for rule in pattern_rules if (finder := line_finder(rule)) is not None
            )
            self.compiled[key] = compiled
        self.latest = (rules, compiled)
        return compiled

    def load_or_build(self, rules: tuple[Rule, ...]) -> Compiled:
        """Load the database from the disk cache, or build it (and cache it).

        A cache file holds the ids of the rules hyperscan refused on its first line, those
        of the rules with an exact skeleton on its second, then the serialized database.
        """
        path = self.cache_path(rules)
        if self.use_cache and path.is_file():
            try:
                refused_line, exact_line, data = path.read_bytes().split(b"\n", 2)
                refused_ids = set(refused_line.decode().split(",")) - {""}
                exact_ids = frozenset(exact_line.decode().split(",")) - {""}
                accepted = tuple(rule for rule in rules if rule.id not in refused_ids)
                refused = tuple(rule for rule in rules if rule.id in refused_ids)
                database = self.load(data) if accepted else None
                return Compiled(rules, database, tuple(rule.id for rule in accepted), refused, exact_ids)
            except (ValueError, UnicodeDecodeError, self.hyperscan.error):
                pass  # a damaged file, or another hyperscan build or platform: rebuild
        accepted, refused, database = self.split_compilable(rules)
        exact_ids = frozenset(rule.id for rule in accepted if has_exact_skeleton(rule))
        if self.use_cache:
            header = ",".join(rule.id for rule in refused) + "\n" + ",".join(sorted(exact_ids)) + "\n"
            dump = self.hyperscan.dumpb(database) if database is not None else b""
            write_cache(path, header.encode() + dump)
        return Compiled(rules, database, tuple(rule.id for rule in accepted), refused, exact_ids)

    def load(self, data: bytes) -> Any:
        """A database from its serialized bytes, with the scratch space a scan needs."""
        database = self.hyperscan.loadb(data, self.hyperscan.HS_MODE_BLOCK)
        database.scratch = self.hyperscan.Scratch(database)
        return database

    def split_compilable(self, rules: tuple[Rule, ...]) -> tuple[tuple[Rule, ...], tuple[Rule, ...], Any]:
        """The rules hyperscan compiles, those it refuses (left to regex), and the database."""
        if not rules:
            return (), (), None
        try:
            return rules, (), self.build(rules)
        except self.hyperscan.error:
            pass
        accepted = []
        refused = []
        for rule in rules:
            try:
                self.build((rule,))
            except self.hyperscan.error:
                refused.append(rule)
            else:
                accepted.append(rule)
        return tuple(accepted), tuple(refused), self.build(tuple(accepted)) if accepted else None

    def build(self, rules: tuple[Rule, ...]) -> Any:
        """Compile one block-mode database of the rules' skeleton patterns."""
        hs = self.hyperscan
        expressions = []
        flags = []
        for rule in rules:
            assert rule.pattern is not None
            caseless = bool(rule.pattern.flags & regex.IGNORECASE)
            expression = hyperscan_expression(rule.pattern.pattern, caseless)
            if expression is None:
                raise hs.error(f"{rule.id}: no skeleton")
            expressions.append(expression.encode("utf-8"))
            # Never HS_FLAG_CASELESS: with UTF8 and MULTILINE, hyperscan 5.4 misses some
            # matches that follow earlier lines; the skeleton spells both cases instead.
            flags.append(hs.HS_FLAG_UTF8 | hs.HS_FLAG_MULTILINE)
        database = hs.Database(mode=hs.HS_MODE_BLOCK)
        database.compile(
            expressions=expressions, ids=list(range(len(rules))), elements=len(rules), flags=flags
        )
        return database

    def cache_path(self, rules: tuple[Rule, ...]) -> Path:
        """The cache file for these rules under this hyperscan version."""
        version = getattr(self.hyperscan, "__version__", "?")
        key = f"{CACHE_FORMAT}:{version}:{sys.platform}:{fingerprint_rules(rules)}"
        return self.cache_dir / f"hyperscan-{hashlib.sha256(key.encode()).hexdigest()[:24]}.db"


def line_finder(rule: Rule) -> LineFinder | None:
    """What finds the lines of the rule's pattern without hyperscan (`LINE_FINDERS`), or None.

    >>> from cleaner.rules import Rule
    >>> line_finder(Rule("X001", "x.any", "line", "x", "r", "f:1", pattern=regex.compile(r"^\\S"))).__name__
    'non_blank'
    """
    return None if rule.pattern is None else LINE_FINDERS.get(rule.pattern.pattern)


def has_exact_skeleton(rule: Rule) -> bool:
    """Whether the rule's skeleton is exact (see `skeleton_exactness`)."""
    assert rule.pattern is not None
    found = skeleton_exactness(rule.pattern.pattern, bool(rule.pattern.flags & regex.IGNORECASE))
    return found is not None and found[1]


def remember_matches(view: View, exact_ids: frozenset[str], found: dict[str, list[int]]) -> None:
    """Note in the view's cache that the rules with an exact skeleton match their candidate lines.

    `confirm_line` then checks only their guards: running regex on such a line would
    only say yes again.
    """
    matches = view.cache.matches
    index = view.index
    for rule_id, positions in found.items():
        if rule_id in exact_ids:
            for position in positions:
                matches[(rule_id, index[position])] = True


def hyperscan_expression(pattern: str, caseless: bool) -> str | None:
    """What hyperscan is given for a rule's pattern: its `skeleton`, `newline_anchored`;
    None if the pattern has no skeleton."""
    wide = skeleton(pattern, caseless)
    return None if wide is None else newline_anchored(wide)


def newline_anchored(skeleton_text: str) -> str:
    """The skeleton with each line-start anchor ``^`` spelled as the newline before the line.

    The text is scanned with a newline in front (`match_ends`), so every line starts
    after one and the two match the same lines, ending at the same place. A newline is
    a byte hyperscan can look for with the phrase after it, where ``^`` is a check
    after each hit of the phrase: the scan of the built-in rules cost about a tenth less.

    >>> print(newline_anchored(r"^(?:Ad|[^^]x\\^)$"))
    \\n(?:Ad|[^^]x\\^)$
    """
    out = []
    position = 0
    while position < len(skeleton_text):
        character = skeleton_text[position]
        if character == "\\":
            end = position + 2
        elif character == "[":
            end = class_end(skeleton_text, position) or len(skeleton_text)
        else:
            end = position + 1
        out.append("\\n" if character == "^" else skeleton_text[position:end])
        position = end
    return "".join(out)


# Hyperscan 5.4 misses some matches that end in the last bytes of the buffer it scans
# (a class at the start or end of a line, in a buffer of 17 bytes or more). A tail of
# empty lines keeps every line of the text away from the end; nothing matches in it
# that counts, as no skeleton matches an empty line.
SAFE_TAIL = b"\n" * 64


def match_ends(database: Any, data: bytes) -> list[tuple[int, int]]:
    """Where each match of each pattern ends in ``data``, as sorted ``(end, number)`` pairs.

    The scan puts a newline in front of ``data``, the one `newline_anchored` patterns
    expect before the first line.
    """
    ends: list[tuple[int, int]] = []
    database.scan(b"".join((b"\n", data, SAFE_TAIL)), match_event_handler=record_end, context=ends)
    ends.sort()
    limit = len(data) + 1
    return [(end - 1, number) for end, number in ends if end <= limit]


def record_end(number: int, start: int, end: int, flags: int, ends: list[tuple[int, int]]) -> None:
    """Hyperscan's match callback: note where a match of pattern ``number`` ends."""
    ends.append((end, number))


def default_scanner() -> LineScanner | HyperscanScanner:
    """Hyperscan where it is installed, else the fast pure-regex `LineScanner`."""
    return HyperscanScanner() if hyperscan_available() else LineScanner()
