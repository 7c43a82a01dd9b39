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

Hyperscan does not get the patterns as written: bounded repeats of Unicode classes
make its compiler take minutes. It gets each pattern's `skeleton`, which keeps the
literal words and widens the rest, and still never misses a line the pattern matches.

Compiling a database takes a second or more, so it is cached on disk, keyed by the
rules' fingerprint and the hyperscan version, and loaded in a few milliseconds next
time; a scanner also keeps the databases it built, so each worker process builds or
loads its own once.
"""

from __future__ import annotations

import hashlib
import os
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from cleaner.literals import RISKY
from cleaner.matchers import LineScanner, View
from cleaner.rules import Rule, fingerprint_rules

CACHE_FORMAT = "4"  # bump when `skeleton` changes: the cache holds compiled skeletons


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
    """One database and the rules it holds; ``regex_rules`` are those hyperscan refused."""

    rules: tuple[Rule, ...]
    database: Any = None
    ids: tuple[str, ...] = ()
    regex_rules: tuple[Rule, ...] = field(default=())


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
        if len(data) != len(text) and RISKY.search(text):
            return self.fallback.candidate_lines(rules, view)
        found: dict[str, list[int]] = {rule_id: [] for rule_id in compiled.ids}
        if compiled.database is not None and data:
            ends: list[tuple[int, int]] = []
            compiled.database.scan(data, match_event_handler=record_end, context=ends)
            ends.sort()
            line = 0
            previous = 0
            ids = compiled.ids
            for end, number in ends:
                line += data.count(b"\n", previous, end)
                previous = end
                lines = found[ids[number]]
                if not lines or lines[-1] != line:
                    lines.append(line)
        if compiled.regex_rules:
            found.update(self.fallback.candidate_lines(compiled.regex_rules, view))
        return found

    def database_for(self, rules: Sequence[Rule]) -> Compiled:
        """The database for these rules: kept from before, loaded from disk, or built."""
        key = tuple(map(id, rules))
        compiled = self.compiled.get(key)
        if compiled is None:
            pattern_rules = tuple(rule for rule in rules if rule.pattern is not None)
            compiled = self.load_or_build(pattern_rules)
            self.compiled[key] = compiled
        return compiled

    def load_or_build(self, rules: tuple[Rule, ...]) -> Compiled:
        """Load the database from the disk cache, or build it (and cache it).

        A cache file holds the ids of the rules hyperscan refused on its first line,
        then the serialized database.
        """
        path = self.cache_path(rules)
        if self.use_cache and path.is_file():
            try:
                header, data = path.read_bytes().split(b"\n", 1)
                refused_ids = set(header.decode().split(",")) - {""}
                accepted = tuple(rule for rule in rules if rule.id not in refused_ids)
                refused = tuple(rule for rule in rules if rule.id in refused_ids)
                database = self.load(data) if accepted else None
                return Compiled(rules, database, tuple(rule.id for rule in accepted), refused)
            except (ValueError, UnicodeDecodeError, self.hyperscan.error):
                pass  # a damaged file, or another hyperscan build or platform: rebuild
        accepted, refused, database = self.split_compilable(rules)
        if self.use_cache:
            header = ",".join(rule.id for rule in refused).encode() + b"\n"
            write_cache(path, header + (self.hyperscan.dumpb(database) if database is not None else b""))
        return Compiled(rules, database, tuple(rule.id for rule in accepted), refused)

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
            wide = skeleton(rule.pattern.pattern, caseless)
            if wide is None:
                raise hs.error(f"{rule.id}: no skeleton")
            expressions.append(wide.encode("utf-8"))
            flags.append(hs.HS_FLAG_UTF8 | hs.HS_FLAG_MULTILINE | (hs.HS_FLAG_CASELESS if caseless else 0))
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


class Unwidenable(Exception):
    """A construct `skeleton` cannot widen safely."""


ZERO_WIDTH_ESCAPES = "bBmM<>"  # not \A or \G: they pin a match to the whole text, as regex scans it
CLASS_ESCAPES = "dDwWsShHvVN"
NAMED_ESCAPES = "pPN"


def skeleton(pattern: str, caseless: bool) -> str | None:
    """A wider version of a `regex` pattern that hyperscan compiles fast, or None.

    Every character class and class escape (``[...]``, ``\\p{L}``, ``\\s``...) becomes
    ``.``, every bounded repeat ``{m,n}`` becomes ``*`` or ``+``, and zero-width
    assertions (``\\b``, lookarounds) are dropped: what is left is the literal skeleton
    that makes multi-pattern scanning fast. On a single line (no ``\\n``), the wider
    pattern matches wherever the original does, ending at the same place, so it never
    proposes too few lines. Constructs it cannot widen safely (back references, inline
    flags, nested sets) give None, and the rule is left to regex.

    >>> skeleton(r"^[\\[(]?\\s*(?:Photo|Image)\\s*:\\s*\\S.{0,100}$", False)
    '^.?.*(?:Photo|Image).*:.*..*$'
    """
    out: list[str] = []
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
            atom, position = skeleton_atom(pattern, position, here)
            if pattern[start] == "(" and atom == "(?:":
                scopes.append(here)
            elif pattern[start] == ")" and len(scopes) > 1:
                scopes.pop()
            if here and not caseless and len(atom) == 1 and atom.isascii() and atom.isalpha():
                atom = f"[{atom.lower()}{atom.upper()}]"  # caseless in scope only
            out.append(atom)
    except Unwidenable:
        return None
    return "".join(out)


def skeleton_atom(pattern: str, i: int, caseless: bool) -> tuple[str, int]:
    """The widened piece of ``pattern`` starting at ``i``, and where the next piece starts."""
    c = pattern[i]
    if c == "\\":
        return skeleton_escape(pattern, i, caseless)
    if c == "[":
        end = class_end(pattern, i)
        if end is None:
            raise Unwidenable
        return ".", end
    if c == "(":
        return skeleton_group(pattern, i)
    if c in "*+?":
        return skip_lazy(pattern, c, i + 1)
    if c == "{":
        bounds = repeat_bounds(pattern, i)
        if bounds is None:
            return literal(c, caseless), i + 1
        low, end = bounds
        return skip_lazy(pattern, "*" if low == 0 else "+", end)
    if c in "^$|.)":
        return c, i + 1
    return literal(c, caseless), i + 1


def skeleton_escape(pattern: str, i: int, caseless: bool) -> tuple[str, int]:
    """The widened form of the escape at ``i``."""
    if i + 1 >= len(pattern):
        raise Unwidenable
    e = pattern[i + 1]
    if e in NAMED_ESCAPES and pattern.startswith("{", i + 2):
        close = pattern.find("}", i + 3)
        if close < 0:
            raise Unwidenable
        return ".", close + 1
    if e == "X":
        return "(?:.+)", i + 2  # a grapheme: one or more code points
    if e in CLASS_ESCAPES or e in "trfae0":
        return ".", i + 2
    if e in ZERO_WIDTH_ESCAPES:
        return "", i + 2
    if e == "n":
        return "\\n", i + 2
    if e in "123456789" and not pattern[i + 2 : i + 3].isdigit():
        return "(?:.*)", i + 2  # a back reference matches some text: any text is wider
    if e.isalnum():
        raise Unwidenable  # \x and \u escapes, and escapes we do not know
    return literal(e, caseless), i + 2


def skeleton_group(pattern: str, i: int) -> tuple[str, int]:
    """The widened opening of the group at ``i`` (a lookaround is dropped whole)."""
    if pattern.startswith(("(?=", "(?!", "(?<=", "(?<!"), i):
        end = group_end(pattern, i)
        if end is None:
            raise Unwidenable
        return "", end
    if pattern.startswith(("(?:", "(?>"), i):
        return "(?:", i + 3
    if pattern.startswith(("(?P<", "(?<"), i):
        return "(?:", pattern.index(">", i) + 1
    if pattern.startswith("(?", i):
        raise Unwidenable  # inline flags and other extensions
    return "(?:", i + 1


def repeat_bounds(pattern: str, i: int) -> tuple[int, int] | None:
    """The lower bound of the ``{m,n}`` repeat at ``i`` and where it ends; None if it is a literal brace."""
    close = pattern.find("}", i)
    if close < 0:
        return None
    parts = pattern[i + 1 : close].split(",")
    if len(parts) > 2 or not all(part.strip().isdigit() or not part.strip() for part in parts):
        return None
    low = parts[0].strip()
    return (int(low) if low else 0), close + 1


def skip_lazy(pattern: str, quantifier: str, i: int) -> tuple[str, int]:
    """A quantifier, skipping a lazy or possessive mark after it (same or fewer matches than greedy)."""
    if i < len(pattern) and pattern[i] in "?+":
        i += 1
    return quantifier, i


def literal(c: str, caseless: bool) -> str:
    """A literal character for hyperscan; a cased non-ASCII one in a caseless pattern widens to ``.``."""
    if c.isascii():
        return c if c.isalnum() or c in " _-,:;'\"/<>=!@#%&~`" else "\\" + c
    if caseless and c.lower() != c.upper():
        return "."
    return c


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


def record_end(number: int, start: int, end: int, flags: int, ends: list[tuple[int, int]]) -> None:
    """Hyperscan's match callback: note where a match of pattern ``number`` ends."""
    ends.append((end, number))


def write_cache(path: Path, data: bytes) -> None:
    """Write a cache file atomically; a cache that cannot be written is simply not kept."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    except OSError:
        Path(temporary).unlink(missing_ok=True)


def default_scanner() -> LineScanner | HyperscanScanner:
    """Hyperscan where it is installed, else the fast pure-regex `LineScanner`."""
    return HyperscanScanner() if hyperscan_available() else LineScanner()
