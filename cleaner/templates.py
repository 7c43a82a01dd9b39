"""Site templates: learned lines that apply to their own site, found by a look-up per line.

A template rule (``kind = "template"`` in a rule file, as `cleaner learn` writes them)
lists the lines a site repeats on its pages, as text, with their counts. A line is
compared after folding (`fold_line`: case, white space and digits), so a template line
needs no pattern: it is a key. The lines of every template rule are compiled into one
`TemplateTable` that keeps, per site, the folded lines as one UTF-8 blob with offsets
(a few bytes a line beyond its text, no Python object per line). A document whose site
has template lines gets them as a small dict, once per site (`TemplateTable.find_lines`);
a document whose site has none pays one dict look-up, so the templates of 100,000
sites cost nothing to the documents of other sites, and no pattern is scanned for them.

Reading 100,000 rule files takes minutes (TOML is parsed in Python), so the compiled
lines of each template-only file are kept on disk (`TemplateCache`), with the file's
size, modification time and inode: a file that changes (a person deleted a line) is
read again, alone, and the table follows; the others come from the cache.
"""

from __future__ import annotations

import hashlib
import marshal
import re
import string
import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import regex

from cleaner.smallfiles import write_cache

SPACES = re.compile(r"\s+")
DIGITS = re.compile(r"\d+")
CACHE_FORMAT = "1"
MEMO_SITES = 4096  # sites whose look-up dict is kept; more are made again when met
# Lines this much longer than a site's longest template line are not compared: to fold
# down to a template line, more than half of such a line would be runs of white space
# or digits. Comparing them would cost every long line of every page a fold.
LENGTH_FACTOR = 2
LENGTH_SLACK = 20
ASCII = frozenset(map(chr, range(128)))
NON_ASCII = "\x7f"  # a line whose first character sorts after this one starts with a non-ASCII character


# Pages hold no-break and thin spaces (&nbsp;) and invisible marks (zero-width spaces,
# soft hyphens, a byte order mark), and extractors keep them: rules read the spaces as
# spaces and the marks as nothing, so "Weitere\xa0Artikel" reads "Weitere Artikel". Only
# the marks web text holds, each looked for in every text that is not ASCII: the
# ideographic space is left out, as `str.strip` takes it off a line's ends and looking for
# it in a text of two-byte characters costs ten times as much as for the others.
PLAIN_SPACING = {
    "\xa0": " ",  # no-break space
    "\u202f": " ",  # narrow no-break space (French punctuation)
    "\u2009": " ",  # thin space
    "\u200b": "",  # zero-width space
    "\xad": "",  # soft hyphen
    "\ufeff": "",  # byte order mark, or a zero-width no-break space
}
BULLET_STARTS = frozenset("*•·▪◦+o")
BULLET = regex.compile(r"^(?:[*•·▪◦+]|o(?=\s+\p{Lu}))\s+")
FIRST_CHARACTER = itemgetter(slice(None, 1))


def line_content(line: str) -> str:
    """What rules see of a line: no surrounding white space, no leading list bullet, odd
    spaces as plain ones (`PLAIN_SPACING`).

    Page-to-text converters mark every list item (menus, link lists) with "* ", "• ",
    "+ " or "o " (nested lists); rules judge the item itself, and so do template lines.
    Dashes are kept: they also open quotes and labels.

    >>> line_content("   * Share\\xa0on Facebook\\n")
    'Share on Facebook'
    """
    content = line.strip()
    if not content.isascii():
        content = plain_spacing(content).strip()
    return without_bullet(content)


def without_bullet(content: str) -> str:
    """A stripped line without its leading list bullet, if it has one."""
    if content[:1] in BULLET_STARTS:  # most lines: no regex call
        return BULLET.sub("", content)
    return content


def line_contents(lines: list[str], text: str) -> tuple[str, ...]:
    """`line_content` of every line of ``text``, in C loops when no line opens with a
    bullet's mark; odd spaces are looked for once, in the whole text.

    >>> lines = [" Home\\n", "• Share\\n", "\\ufeffNews\\xa0feed"]
    >>> line_contents(lines, "".join(lines))
    ('Home', 'Share', 'News feed')
    """
    stripped = list(map(str.strip, lines))
    if not text.isascii():
        for mark in marks_in(text):  # most texts hold none
            plain = PLAIN_SPACING[mark]
            stripped = [content.replace(mark, plain).strip() for content in stripped]
    if BULLET_STARTS.isdisjoint(map(FIRST_CHARACTER, stripped)):
        return tuple(stripped)
    # The odd spaces are plain already: only the bullets are left to take off.
    return tuple(without_bullet(content) if content[:1] in BULLET_STARTS else content for content in stripped)


def marks_in(text: str) -> list[str]:
    """The odd spaces and invisible marks (`PLAIN_SPACING`) that ``text`` holds, each
    looked for in the whole text (``str.__contains__`` runs in C)."""
    return [mark for mark in PLAIN_SPACING if mark in text]


def plain_spacing(text: str) -> str:
    """``text`` with its odd spaces as spaces and its invisible marks left out.

    >>> plain_spacing("Weitere\\xa0Arti\\xadkel")
    'Weitere Artikel'
    """
    for mark in marks_in(text):
        text = text.replace(mark, PLAIN_SPACING[mark])
    return text


def fold_line(line: str) -> str:
    """The form lines are compared in: lower case, white space runs as one space, digit runs as 0.

    >>> fold_line("  Updated 3 hours  ago\\r\\n") == fold_line("updated 15 Hours ago")
    True
    >>> fold_line("Updated 3 hours ago")
    'updated 0 hours ago'
    """
    return SPACES.sub(" ", DIGITS.sub("0", line.strip().lower()))


def fold_stripped(line: str) -> str:
    """`fold_line` of a line already stripped, in fewer steps (``str.split`` runs in C)."""
    return " ".join(DIGITS.sub("0", line.lower()).split())


def template_key(line: str) -> str:
    """What a template line is looked up by: its content (`line_content`: no list bullet),
    folded. A line counted with a bullet matches its item under any other bullet, or none.

    >>> template_key("• Updated 3 hours ago") == template_key("updated 15 HOURS ago\\n")
    True
    """
    return fold_stripped(line_content(line))


# scheme://host[:port] then the path, query, fragment or the end; anything else (a user,
# an IPv6 address, white space or a control character to strip, a "%": urlsplit lowers
# only what comes before it, as in an IPv6 zone) goes to urlsplit.
PLAIN_HOST = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://([A-Za-z0-9._~!$&'()*+,;=-]+)(?::[0-9]*)?(?=[/?#]|\Z)")


def site_of(record: Mapping[str, object], group_by: str | None) -> str:
    """The site of a record: the ``group_by`` field, else the host of ``url``, else ``""``.

    ``group_by=""`` puts every record in one group (``""``).

    >>> site_of({"url": "https://News.Example.com:443/a/b"}, None)
    'news.example.com'
    >>> site_of({"source": "wire"}, "source"), site_of({}, None), site_of({"url": "https://a.b/"}, "")
    ('wire', '', '')
    """
    if group_by == "":
        return ""
    if group_by is not None:
        value = record.get(group_by)
        return "" if value is None else str(value)
    url = record.get("url")
    if isinstance(url, str):
        plain = PLAIN_HOST.match(url)
        if plain is not None:  # most URLs: what urlsplit would find, a tenth of its time
            return plain.group(1).lower()
        try:
            return urlsplit(url.strip()).hostname or ""
        except ValueError:
            return ""
    return ""


def folder_site(name: str) -> str | None:
    """The site of a file when none is given: the name of its folder (crawls are stored as
    ``site/page``); None for a file without one.

    >>> folder_site("crawl/www.example.com/page-1.txt"), folder_site("page.txt"), folder_site("<stdin>")
    ('www.example.com', None, None)
    """
    return Path(name).parent.name or None


class TemplateRule(NamedTuple):
    """One template rule as its file gives it, without its lines (the table holds those).

    ``sites`` empty: the lines apply to every document. ``documents``: how many documents
    of its site the lines were counted in (None when not given).
    """

    id: str
    name: str
    category: str
    reason: str
    source: str
    sites: tuple[str, ...]
    documents: int | None
    profiles: tuple[str, ...]
    enabled: bool
    aliases: tuple[str, ...]
    description: str

    def names(self) -> tuple[str, ...]:
        """The id, the aliases and the name: everything --select can refer to it by."""
        return (self.id, *self.aliases, self.name)


class TemplateLine(NamedTuple):
    """One line of a template rule: its text as learned, and in how many documents (0: not given)."""

    text: str
    documents: int = 0


@dataclass(frozen=True, slots=True)
class Segment:
    """The template rules of one file, compiled: each rule's lines, folded, one after another.

    ``lines[n]`` is how many lines rule ``n`` has; ``texts`` holds every folded line in
    UTF-8, the n-th ending at ``ends[n]``; ``counts[n]`` is its document count.
    """

    rules: tuple[TemplateRule, ...] = ()
    lines: array[int] = field(default_factory=lambda: array("I"))
    counts: array[int] = field(default_factory=lambda: array("I"))
    texts: bytes = b""
    ends: array[int] = field(default_factory=lambda: array("Q"))

    @classmethod
    def of(cls, rules: Iterable[tuple[TemplateRule, Sequence[TemplateLine]]]) -> Segment:
        """Compile rules and their lines (folding each line once)."""
        kept: list[TemplateRule] = []
        lines = array("I")
        counts = array("I")
        ends = array("Q")
        texts = bytearray()
        for rule, rule_lines in rules:
            kept.append(rule)
            lines.append(len(rule_lines))
            for line in rule_lines:
                texts += template_key(line.text).encode("utf-8", "surrogatepass")
                ends.append(len(texts))
                counts.append(line.documents)
        return cls(tuple(kept), lines, counts, bytes(texts), ends)

    def dump(self) -> tuple[Any, ...]:
        """The segment as plain values `marshal` writes."""
        rules = [tuple(rule) for rule in self.rules]
        return (rules, self.lines.tobytes(), self.counts.tobytes(), self.texts, self.ends.tobytes())

    @classmethod
    def load(cls, dumped: Any) -> Segment:
        """A segment from `dump`'s values (``ValueError`` or ``TypeError`` when they are damaged)."""
        rules, lines, counts, texts, ends = dumped
        segment = cls(
            tuple(TemplateRule._make(rule) for rule in rules),
            array("I", lines),
            array("I", counts),
            texts,
            array("Q", ends),
        )
        if len(segment.lines) != len(segment.rules) or sum(segment.lines) != len(segment.ends):
            raise ValueError("inconsistent template segment")
        return segment


@dataclass(frozen=True, slots=True)
class Prepared:
    """What the look-up needs for one site: its folded lines (to entry numbers), the longest
    line worth folding, and that length for lines starting with each ASCII character a
    line may start with to fold to one of them (a line starting with another ASCII
    character, or blank, is passed over)."""

    entries: dict[str, int]
    limit: int
    limits: dict[str, int]


class TemplateTable:
    """The template lines of many rules and sites, for a look-up per line (see the module docstring).

    Rules keep their order; rule ``n``'s lines are entries ``starts[n]`` to
    ``starts[n + 1]``. A table pickles whole (a Ray worker may have no cache on its disk),
    without its memo of prepared sites.
    """

    def __init__(self, segments: Sequence[Segment] = ()) -> None:
        rules: list[TemplateRule] = []
        starts = array("Q", [0])
        counts = array("I")
        ends = array("Q")
        texts: list[bytes] = []
        size = 0
        for segment in segments:
            rules.extend(segment.rules)
            for lines in segment.lines:
                starts.append(starts[-1] + lines)
            counts.extend(segment.counts)
            ends.extend(map(size.__add__, segment.ends))
            texts.append(segment.texts)
            size += len(segment.texts)
        self.rules = tuple(rules)
        self.starts = starts
        self.counts = counts
        self.ends = ends
        self.texts = b"".join(texts)
        self.index_sites()

    def index_sites(self) -> None:
        """Which rules apply to each site (most sites: one rule, kept as a plain int)."""
        self.site_rule: dict[str, int] = {}
        self.more_site_rules: dict[str, tuple[int, ...]] = {}
        everywhere = []
        for number, rule in enumerate(self.rules):
            if not rule.sites:
                everywhere.append(number)
            for site in rule.sites:
                first = self.site_rule.setdefault(site, number)
                if first != number:
                    self.more_site_rules[site] = (*self.more_site_rules.get(site, (first,)), number)
        self.everywhere = tuple(everywhere)
        self.memo: dict[str | None, Prepared | None] = {}

    def __getstate__(self) -> dict[str, Any]:
        return {"rules": self.rules, "starts": self.starts, "counts": self.counts, "ends": self.ends,
                "texts": self.texts}  # fmt: skip

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            setattr(self, name, value)
        self.index_sites()

    def __len__(self) -> int:
        return len(self.rules)

    def __bool__(self) -> bool:
        return bool(self.rules)

    @property
    def line_count(self) -> int:
        """How many template lines the table holds."""
        return len(self.counts)

    def fingerprint(self) -> str:
        """A digest of what decides what the table removes."""
        digest = hashlib.sha256(self.texts)
        digest.update(self.starts.tobytes())
        digest.update(repr([(rule.id, rule.sites) for rule in self.rules]).encode("utf-8", "surrogatepass"))
        return digest.hexdigest()[:16]

    def get(self, key: str) -> TemplateRule | None:
        """The rule with this id, alias or name."""
        return next((rule for rule in self.rules if key in rule.names()), None)

    def lines_of(self, rule_id: str) -> int:
        """How many lines the rule with this id holds (0 for no such rule)."""
        for number, rule in enumerate(self.rules):
            if rule.id == rule_id:
                return self.starts[number + 1] - self.starts[number]
        return 0

    def keep(self, wanted: Sequence[bool]) -> TemplateTable:
        """The table with only the rules whose flag in ``wanted`` is set (itself when all are)."""
        if all(wanted):
            return self
        segment_rules = []
        for number, (rule, chosen) in enumerate(zip(self.rules, wanted, strict=True)):
            if chosen:
                entries = range(self.starts[number], self.starts[number + 1])
                segment_rules.append((rule, [TemplateLine(self.text(e), self.counts[e]) for e in entries]))
        return TemplateTable([Segment.of(segment_rules)])  # folding a folded line changes nothing

    def text(self, entry: int) -> str:
        """The folded text of an entry."""
        start = self.ends[entry - 1] if entry else 0
        return self.texts[start : self.ends[entry]].decode("utf-8", "surrogatepass")

    def rule_of(self, entry: int) -> tuple[TemplateRule, int]:
        """The rule an entry belongs to, and the entry's document count."""
        return self.rules[bisect_right(self.starts, entry) - 1], self.counts[entry]

    def rules_for(self, site: str | None) -> tuple[int, ...]:
        """The rules that apply to a document of ``site`` (None: the unscoped ones only)."""
        if site is None:
            return self.everywhere
        more = self.more_site_rules.get(site)
        if more is not None:
            return (*more, *self.everywhere)
        first = self.site_rule.get(site)
        return self.everywhere if first is None else (first, *self.everywhere)

    def prepared(self, site: str | None) -> Prepared | None:
        """The look-up for ``site``, made on first use; None when no line applies to it."""
        if site in self.memo:
            return self.memo[site]
        entries: dict[str, int] = {}
        for number in self.rules_for(site):
            for entry in range(self.starts[number], self.starts[number + 1]):
                entries.setdefault(self.text(entry), entry)
        prepared = None
        if entries:
            limits: dict[str, int] = {}
            for text in entries:
                longest = LENGTH_FACTOR * len(text) + LENGTH_SLACK
                for character in first_characters(text[:1]):
                    limits[character] = max(longest, limits.get(character, 0))
            limit = LENGTH_FACTOR * max(map(len, entries)) + LENGTH_SLACK
            prepared = Prepared(entries, limit, limits)
        if len(self.memo) >= MEMO_SITES:
            self.memo.clear()
        self.memo[site] = prepared
        return prepared

    def find_lines(self, site: str | None, contents: Sequence[str]) -> dict[int, int]:
        """The lines (by index) of a document of ``site`` that fold to one of its template
        lines, with the entry each matches; ``contents`` are the lines as rules see them
        (`line_contents`).

        Only lines that may fold to one are folded: a line whose first character (ASCII)
        no template line starts with, or that is much longer than the template lines that
        start like it (see `LENGTH_FACTOR`), is passed over by a set look-up and a
        comparison. A line already in its folded form but for its case (most template
        lines: no digit, single spaces) is found without folding.
        """
        prepared = self.prepared(site)
        if prepared is None:
            return {}
        limit, limits, entries = prepared.limit, prepared.limits, prepared.entries
        found = {}
        maybe = [
            i
            for i, line in enumerate(contents)
            if (line[:1] in limits or line[:1] > NON_ASCII) and len(line) <= limit
        ]
        for index in maybe:
            line = contents[index]
            if len(line) > limits.get(line[:1], limit):
                continue
            entry = entries.get(line.lower())  # equal to a folded line: its own folded form
            if entry is None:
                entry = entries.get(fold_stripped(line))
            if entry is not None:
                found[index] = entry
        return found


@cache
def first_characters(folded_start: str) -> frozenset[str]:
    """The ASCII characters a line folding to a line that starts with ``folded_start`` can start
    with (non-ASCII characters are never ruled out).

    >>> sorted(first_characters("h")), len(first_characters("0")), first_characters("©")
    (['H', 'h'], 10, frozenset())
    """
    if folded_start == "0":
        return frozenset(string.digits)
    return frozenset({folded_start, folded_start.upper()} & ASCII)


EMPTY_TABLE = TemplateTable()


def file_signature(path: Path) -> tuple[int, int, int] | None:
    """What tells a changed file from the one cached: size, modification time (ns) and inode."""
    try:
        status = path.stat()
    except OSError:
        return None
    return (status.st_size, status.st_mtime_ns, status.st_ino)


class TemplateCache:
    """The compiled template lines of template-only rule files, kept on disk between runs.

    One cache file per set of rule paths (as given: a folder stays one key however its
    files change), holding for each file its signature (`file_signature`) and its
    `Segment`. Written atomically; a damaged or foreign file is ignored and rebuilt.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_for(self, roots: Sequence[Path]) -> Path:
        """The cache file for rule files read from ``roots``."""
        names = "\0".join(str(root.resolve()) for root in roots)
        key = f"{CACHE_FORMAT}:{sys.version}:{names}".encode("utf-8", "surrogatepass")
        return self.folder / f"templates-{hashlib.sha256(key).hexdigest()[:24]}.bin"

    def read(self, roots: Sequence[Path]) -> dict[str, tuple[tuple[int, int, int], Segment]]:
        """The files cached for ``roots``, by path: their signature and segment."""
        try:
            data = marshal.loads(self.path_for(roots).read_bytes())
            if data[0] != CACHE_FORMAT:
                return {}
            return {path: (tuple(signature), Segment.load(dumped)) for path, signature, dumped in data[1]}
        except (OSError, EOFError, ValueError, TypeError, IndexError):
            return {}

    def write(self, roots: Sequence[Path], files: Mapping[str, tuple[tuple[int, int, int], Segment]]) -> None:
        """Keep ``files`` as the cache for ``roots``; a cache that cannot be written is not kept."""
        entries = [(path, signature, segment.dump()) for path, (signature, segment) in files.items()]
        try:
            data = marshal.dumps((CACHE_FORMAT, entries))
        except ValueError:
            return
        write_cache(self.path_for(roots), data)
