"""Read rule files (TOML), validate every field, compile the patterns, return a `RuleSet`.

A rule file holds one family of rules as a list of ``[[rule]]`` tables; see the README
for the format. Every problem in every file is collected and raised at once as a
`RuleFileError`, before any document is touched.

Kinds: ``line`` (each matching line), ``block`` (a matching start line and the lines its
``extent`` takes: to the next blank line, over teaser lines, a fixed number of lines, or
to the end, where ``max_lines`` makes a longer tail count as no block at all), ``run``
(a run of at least ``min_lines`` matching lines with only blank lines between them: one
such line alone is kept, many in a row are a menu or a link list) and ``duplicate``
(lines that repeat an earlier line) and ``template`` (a site's learned lines, given as text:
see `cleaner.templates`). Blocks and runs stop before the first line of
running prose (`cleaner.matchers.is_prose`); ``crosses = "thread"`` lets a comment
section's block take its comments' sentences while they keep a thread's shape, and
``crosses = "teasers"`` a list of stories take the one-line summaries under its headlines.

``sites`` scopes a rule: it then applies only to documents of those sites (URL hosts,
or values of the field that ``--group-by`` names).

Guards narrow which lines a pattern may claim: ``max_words``, ``min_words``,
``max_chars`` (a rule about short lines says so: its pattern then never runs on a long,
padded line), ``position`` ("first 20%", "last 10 lines"), ``next_to`` (the nearest
non-blank line above or below already claimed by one of these categories;
``next_to_side = "above"`` or ``"below"``: that side only), ``between_removals =
true`` (line and run rules: the nearest non-blank line on each side of the match was
removed by another rule, looked at once the others have settled; ``between_rules =
["PGE002", ...]`` counts only those rules' removals), ``max_lines`` (run rules: a longer
run is left) and ``outside_text = N``: the line lies
before the first or after the last line of running text, a line of at least N words
that ends like a sentence, or of 20N words (the head and tail of a whole page: menus,
footers). ``skip_prose = true`` (line rules): a line of running prose is never claimed,
for a phrase that can sit inside a real sentence. ``spare_lists = true`` (run rules): a
run within the running text whose items often read as facts is the article's own list,
and stays (`cleaner.matchers.is_article_list`). ``backtracking_ok`` explains a
finding of `cleaner.backtracking` that is harmless.

The built-in rules' patterns are compiled on first use (`LazyPattern`); a user's rule
files are compiled as they are read.
"""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any, TypeAlias

import regex

from cleaner.errors import RuleFileError
from cleaner.smallfiles import SettingsFileError, describe_toml_error, parse_nested, read_settings_text
from cleaner.templates import (
    EMPTY_TABLE,
    Segment,
    TemplateCache,
    TemplateLine,
    TemplateRule,
    TemplateTable,
    file_signature,
)

KINDS = ("line", "block", "run", "duplicate", "template")
EXTENTS = ("blank", "teasers", "lines", "end")
CROSSES = ("thread", "teasers")  # which lines of prose a block may take (none unless named)
NEXT_TO_SIDES = ("either", "above", "below")  # where the removed neighbour of a next_to rule lies
PROFILES = ("article", "page")
DEFAULT_TIMEOUT = 2.0

COMMON_FIELDS = {
    "id", "name", "kind", "category", "reason", "description", "profiles", "enabled",
    "aliases", "examples", "timeout", "sites",
}  # fmt: skip
GUARD_FIELDS = {
    "pattern", "ignore_case", "max_words", "min_words", "max_chars", "position", "next_to",
    "next_to_side", "between_removals", "between_rules", "outside_text", "backtracking_ok",
}  # fmt: skip
FIELDS_BY_KIND = {
    "line": COMMON_FIELDS | GUARD_FIELDS | {"skip_prose"},
    "block": COMMON_FIELDS | GUARD_FIELDS | {"extent", "max_lines", "teaser_max_words", "crosses"},
    "run": COMMON_FIELDS | GUARD_FIELDS | {"min_lines", "max_lines", "spare_lists"},
    "duplicate": COMMON_FIELDS | {"min_words", "threshold", "max_candidates", "max_copies"},
    "template": COMMON_FIELDS - {"examples", "timeout"} | {"documents", "lines"},
}
ID_SHAPE = regex.compile(r"[A-Z]{2,5}[0-9]{3}")
NAME_SHAPE = regex.compile(r"[a-z0-9-]+(?:\.[a-z0-9-]+)+")
POSITION_SHAPE = regex.compile(r"(first|last) (\d+(?:\.\d+)?)(%| lines?)")


@dataclass(frozen=True, slots=True)
class Position:
    """Where in the document a line must sit: the first or last part, in % or lines."""

    side: str
    amount: float
    in_percent: bool

    def admits(self, index: int, total: int) -> bool:
        """Whether the line at 0-based ``index`` of ``total`` lines lies in the region."""
        size = total * self.amount / 100 if self.in_percent else self.amount
        if self.side == "first":
            return index < size
        return index >= total - size

    def __str__(self) -> str:
        unit = "%" if self.in_percent else " lines"
        return f"{self.side} {self.amount:g}{unit}"


@dataclass(frozen=True, slots=True)
class Examples:
    """Documents the rule must remove something from, and documents it must leave alone."""

    remove: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()


class LazyPattern:
    """A `regex` pattern compiled the first time it is used.

    The built-in rules' patterns are compiled whole by the test suite; a run needs only
    those of the rules that meet a candidate line (and hyperscan confirms many of those
    itself), while compiling all of them took most of ``cleaner check FILE``'s start-up
    once the rules spoke many languages. ``pattern`` and ``flags`` are there at once, as
    on a compiled pattern, for the scanners and the checks that read the source.

    >>> lazy = LazyPattern("^Ad$", regex.MULTILINE, "rules/ads.toml:4: ADS001")
    >>> lazy.search("Ad") is not None, lazy == LazyPattern("^Ad$", regex.MULTILINE, "elsewhere")
    (True, True)
    """

    __slots__ = ("_compiled", "flags", "pattern", "where")

    def __init__(self, pattern: str, flags: int, where: str) -> None:
        self.pattern = pattern
        self.flags = flags
        self.where = where  # "file:line: ID", for the error a broken pattern gives
        self._compiled: regex.Pattern[str] | None = None

    def compiled(self) -> regex.Pattern[str]:
        """The compiled pattern (compiled now if this is its first use)."""
        if self._compiled is None:
            try:
                self._compiled = regex.compile(self.pattern, self.flags)
            except regex.error as error:
                raise RuleFileError([f"{self.where}.pattern: {error}"]) from None
        return self._compiled

    def search(self, string: str, *args: Any, **kwargs: Any) -> regex.Match[str] | None:
        """`regex.Pattern.search` on the compiled pattern."""
        return self.compiled().search(string, *args, **kwargs)

    def finditer(self, string: str, *args: Any, **kwargs: Any) -> Iterator[regex.Match[str]]:
        """`regex.Pattern.finditer` on the compiled pattern."""
        return self.compiled().finditer(string, *args, **kwargs)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, LazyPattern):
            return NotImplemented
        return (self.pattern, self.flags) == (other.pattern, other.flags)

    def __hash__(self) -> int:
        return hash((self.pattern, self.flags))

    def __reduce__(self) -> tuple[Any, ...]:  # a worker process compiles its own copy, when it needs it
        return (LazyPattern, (self.pattern, self.flags, self.where))

    def __repr__(self) -> str:
        return f"LazyPattern({self.pattern!r}, {self.flags!r})"


Pattern: TypeAlias = "regex.Pattern[str] | LazyPattern"


@dataclass(frozen=True, slots=True)
class Rule:
    """One validated rule, with its (compiled or `LazyPattern`) pattern and where it was defined."""

    id: str
    name: str
    kind: str
    category: str
    reason: str
    source: str
    description: str = ""
    profiles: tuple[str, ...] = PROFILES
    enabled: bool = True
    aliases: tuple[str, ...] = ()
    pattern: Pattern | None = None
    max_words: int | None = None
    min_words: int | None = None
    max_chars: int | None = None
    position: Position | None = None
    next_to: tuple[str, ...] = ()
    next_to_side: str = "either"  # "above"/"below": only that side, over blank lines
    between_removals: bool = False
    between_rules: tuple[str, ...] = ()  # with between_removals: only these rules' removals count
    outside_text: int | None = None
    min_lines: int = 2
    extent: str = "blank"
    max_lines: int | None = None
    teaser_max_words: int = 20
    crosses: str | None = None
    skip_prose: bool = False
    spare_lists: bool = False
    threshold: float = 90.0
    max_candidates: int = 32
    max_copies: int = 2
    timeout: float = DEFAULT_TIMEOUT
    backtracking_ok: str = ""  # why a finding of `cleaner.backtracking` is harmless here
    examples: Examples = field(default_factory=Examples)
    sites: tuple[str, ...] = ()  # empty: every site
    field_lines: tuple[tuple[str, int], ...] = field(default=(), compare=False, repr=False)

    def names(self) -> tuple[str, ...]:
        """The id, the aliases and the name: everything --select can refer to it by."""
        return (self.id, *self.aliases, self.name)

    @property
    def one_side(self) -> bool:
        """Whether a ``next_to`` guard looks on one side only (see `scanned`)."""
        return bool(self.next_to) and self.next_to_side != "either"

    @property
    def scanned(self) -> bool:
        """Whether the scanner proposes the rule's lines. A rule whose lines lie beside
        other rules' removals (``between_rules``, a one-sided ``next_to``) is not scanned:
        its candidates are the lines beside those removals."""
        return not self.between_rules and not self.one_side

    @property
    def needs_neighbours(self) -> bool:
        """Whether a guard (``next_to``, ``between_removals``) reads other rules' removals around a match."""
        return bool(self.next_to or self.between_removals)

    def where(self, field_name: str) -> str:
        """``file:line`` of a field of the rule (of the rule itself when the line is not known).

        >>> Rule("X001", "x.y", "line", "c", "r", "a.toml:3", field_lines=(("pattern", 9),)).where("pattern")
        'a.toml:9'
        """
        line = line_of(dict(self.field_lines), field_name)
        if line is None:
            return self.source
        return f"{self.source.rsplit(':', 1)[0]}:{line}"


Chooser = Callable[[tuple[str, ...], bool, tuple[str, ...]], bool]  # (names, enabled, profiles) -> kept


@dataclass(frozen=True, slots=True)
class RuleSet:
    """An immutable, ordered selection of rules; pass it around, never keep it global.

    Template rules (``kind = "template"``) are not in ``rules``: their lines are compiled
    into ``templates``, a `TemplateTable` (there may be 100,000 of them; each is a
    `Rule` only when asked for by `get` or `template_rules`).
    """

    rules: tuple[Rule, ...]
    fingerprint: str = ""
    templates: TemplateTable = EMPTY_TABLE

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, key: str) -> Rule | None:
        """Find a rule by id, alias or name (a template rule too)."""
        for rule in self.rules:
            if key in rule.names():
                return rule
        template = self.templates.get(key) if self.templates else None
        return None if template is None else template_as_rule(template)

    def template_rules(self) -> Iterator[Rule]:
        """Each template rule, as a `Rule` without its lines (for listing and explaining)."""
        return map(template_as_rule, self.templates.rules)

    def choose(self, keep: Chooser) -> RuleSet:
        """The rules (template rules included) for which ``keep(names, enabled, profiles)`` holds."""
        chosen = [rule for rule in self.rules if keep(rule.names(), rule.enabled, rule.profiles)]
        templates = self.templates
        if templates:
            templates = templates.keep([keep(t.names(), t.enabled, t.profiles) for t in templates.rules])
        return RuleSet(tuple(chosen), fingerprint_rules(chosen), templates)

    def select(
        self,
        *,
        profile: str | None = "article",
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> RuleSet:
        """Choose rules as ruff does: by profile, then ``select``, ``extend_select``, ``ignore``.

        A selector matches an id, an id prefix, an alias or a dotted name (or its prefix).
        With no ``select``, the rules enabled for ``profile`` are chosen; ``profile=None``
        keeps every rule that is on by default.
        """

        def keep(names: tuple[str, ...], enabled: bool, profiles: tuple[str, ...]) -> bool:
            if select:
                chosen = names_match(names, select)
            else:
                chosen = enabled and (profile is None or profile in profiles)
            return (chosen or names_match(names, extend_select)) and not names_match(names, ignore)

        return self.choose(keep)

    def with_settings(self, settings: dict[str, dict[str, Any]]) -> RuleSet:
        """Override numeric settings per rule id, e.g. ``{"DUP001": {"threshold": 95}}``."""
        allowed = {
            "threshold",
            "min_words",
            "max_words",
            "max_chars",
            "max_candidates",
            "max_copies",
            "timeout",
        }
        problems = []
        rules = list(self.rules)
        for key, values in settings.items():
            rule = next((rule for rule in self.rules if key in rule.names()), None)
            if rule is None:
                problems.append(f"rule settings: no rule named {key!r}")
                continue
            unknown = sorted(set(values) - allowed)
            if unknown:
                problems.append(f"rule settings for {rule.id}: unknown setting {unknown[0]!r}")
                continue
            rules[rules.index(rule)] = replace(rule, **values)
        if problems:
            raise RuleFileError(problems)
        return RuleSet(tuple(rules), fingerprint_rules(rules), self.templates)


def template_as_rule(template: TemplateRule) -> Rule:
    """A template rule as a `Rule` (no pattern; its lines stay in the table)."""
    return Rule(
        id=template.id,
        name=template.name,
        kind="template",
        category=template.category,
        reason=template.reason,
        source=template.source,
        description=template.description,
        profiles=template.profiles,
        enabled=template.enabled,
        aliases=template.aliases,
        sites=template.sites,
    )


def matches_any(rule: Rule, selectors: Iterable[str]) -> bool:
    """Whether any selector names the rule: ``ALL``, an id or alias or their prefix, a dotted name or its prefix.

    >>> rule = Rule("CRD001", "credits.agency-suffix", "line", "credit", "r", "f:1")
    >>> [matches_any(rule, [s]) for s in ("CRD", "CRD001", "credits", "credits.agency", "PRM")]
    [True, True, True, False, False]
    """
    return names_match(rule.names(), selectors)


def names_match(names: tuple[str, ...], selectors: Iterable[str]) -> bool:
    """`matches_any` for a rule known by ``names``: its id, its aliases, then its dotted name."""
    name = names[-1]
    for selector in selectors:
        if selector == "ALL" or any(key.startswith(selector) for key in names[:-1]):
            return True
        if name == selector or name.startswith(selector + "."):
            return True
    return False


def fingerprint_rules(rules: Iterable[Rule]) -> str:
    """A digest of everything that decides what the rules remove (for on-disk caches)."""
    digest = hashlib.sha256()
    for rule in rules:
        pattern = rule.pattern.pattern if rule.pattern is not None else ""
        digest.update(repr((rule.id, rule.kind, pattern, rule.pattern.flags if rule.pattern else 0)).encode())
    return digest.hexdigest()[:16]


def builtin_rules_dir() -> Path:
    """The folder of built-in rule files: inside the installed wheel, else the checkout's."""
    shipped = Path(str(resources.files("cleaner"))) / "rules"
    return shipped if shipped.is_dir() else Path(__file__).resolve().parent.parent / "rules"


def rule_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their ``*.toml`` files, recursively, in sorted order."""
    files = []
    for path in paths:
        if path.is_dir():
            # by parts: the order of comparing the paths, without the cost (100,000 learned files)
            files.extend(sorted(path.rglob("*.toml"), key=lambda found: found.parts))
        else:
            files.append(path)
    return files


def read_rules(paths: Iterable[Path | str] | None = None, *, cache: TemplateCache | None = None) -> RuleSet:
    """Read, validate and compile rule files (the built-ins when ``paths`` is None).

    Raises `RuleFileError` listing every problem in every file: unreadable files, bad
    TOML, unknown or missing fields, bad values, patterns that do not compile, and ids,
    aliases or names used twice. Examples are checked by `cleaner.pipeline.load_rules`,
    which needs the engine to run them.

    With a ``cache``, a file holding only template rules is read from it when it has not
    changed since it was cached (see `TemplateCache`); the cache is updated when it did.
    """
    roots = [builtin_rules_dir()] if paths is None else [Path(p) for p in paths]
    cached = cache.read(roots) if cache is not None else {}
    keep: dict[str, tuple[tuple[int, int, int], Segment]] = {}
    problems: list[str] = []
    rules: list[Rule] = []
    segments: list[Segment] = []
    for path in rule_files(roots):
        signature = file_signature(path)
        key = str(path.absolute())  # the same file from any working folder
        hit = cached.get(key)
        if hit is not None and hit[0] == signature:
            segments.append(hit[1])
            keep[key] = hit
            continue
        templates: list[tuple[TemplateRule, tuple[TemplateLine, ...]]] = []
        before = len(problems)
        found = read_rule_file(path, problems, templates)
        rules.extend(found)
        if templates:
            segments.append(Segment.of(templates))
            if not found and len(problems) == before and signature is not None:
                keep[key] = (signature, segments[-1])
    table = TemplateTable(segments)
    seen: dict[str, str] = {}
    for names, source in [
        *((r.names(), r.source) for r in rules),
        *((t.names(), t.source) for t in table.rules),
    ]:
        for key in names:
            if key in seen:
                problems.append(f"{source}: {names[0]}.id: {key!r} is already used by {seen[key]}")
            seen[key] = source
    if problems:
        raise RuleFileError(problems)
    if cache is not None and keep != cached:
        cache.write(roots, keep)
    return RuleSet(tuple(rules), fingerprint_rules(rules), table)


def read_rule_file(
    path: Path,
    problems: list[str],
    templates: list[tuple[TemplateRule, tuple[TemplateLine, ...]]] | None = None,
) -> list[Rule]:
    """Parse one rule file; append its problems to ``problems`` and return the good rules.

    Template rules go to ``templates`` with their lines (left out when it is None).
    """
    try:
        source_text = read_settings_text(path)
        data = parse_nested(tomllib.loads, source_text, path)
    except SettingsFileError as error:
        problems.append(str(error))
        return []
    except tomllib.TOMLDecodeError as error:
        problems.append(describe_toml_error(path, error, source_text))
        return []
    unknown_top = sorted(set(data) - {"rule"})
    if unknown_top:
        problems.append(f"{path}: unknown top-level key {unknown_top[0]!r}; rules go in [[rule]] tables")
    tables = data.get("rule", [])
    if not isinstance(tables, list):
        problems.append(f"{path}: 'rule' must be an array of tables ([[rule]])")
        return []
    places = field_lines(source_text)
    if len(places) != len(tables):  # tables written some other way: name the table, not its line
        places = [{} for _ in tables]
    rules = []
    lazy = is_builtin(path)
    for number, (table, lines) in enumerate(zip(tables, places, strict=True), 1):
        rule = build_rule(table, path, lines, number, problems, lazy=lazy)
        if rule is None:
            continue
        if rule.kind != "template":
            rules.append(rule)
        elif templates is not None:
            templates.append(template_of(rule, table))
    return rules


def template_of(rule: Rule, table: dict[str, Any]) -> tuple[TemplateRule, tuple[TemplateLine, ...]]:
    """A validated template rule (see `build_rule`) as the table keeps it, and its lines."""
    documents = table.get("documents")
    lines = tuple(TemplateLine(item["line"], item.get("documents", 0)) for item in table["lines"])
    template = TemplateRule(
        rule.id, rule.name, rule.category, rule.reason, rule.source, rule.sites, documents,
        rule.profiles, rule.enabled, rule.aliases, rule.description,
    )  # fmt: skip
    return template, lines


BARE_OR_QUOTED = r"""(?:[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')"""
KEY_LINE = regex.compile(rf"\s*({BARE_OR_QUOTED}(?:\s*\.\s*{BARE_OR_QUOTED})*)\s*=\s*(.*)")
TABLE_LINE = regex.compile(r"\s*\[\s*([A-Za-z0-9_.\s-]+?)\s*\]\s*(?:#.*)?")
RULE_HEADER = regex.compile(r"\s*\[\[\s*rule\s*\]\]\s*(?:#.*)?")
OTHER_TABLE = "\0"  # a prefix no field has: keys under a table that is not part of a rule


def field_lines(source_text: str) -> list[dict[str, int]]:
    """For each ``[[rule]]`` table of a rule file, in order, the line of each field (``""``: the header).

    One pass over the file, for messages only: keys are found at the start of lines
    outside multi-line strings, and a field written in a ``[rule.examples]`` sub-table is
    found as ``examples.remove``.

    >>> field_lines("[[rule]]\\nid = 'A'\\ndescription = '''x\\npattern = no'''\\npattern = '^a$'\\n")
    [{'': 1, 'id': 2, 'description': 3, 'pattern': 5}]
    """
    tables: list[dict[str, int]] = []
    prefix = ""
    closing = ""  # the delimiter of the multi-line string being read, if any
    for number, line in enumerate(source_text.splitlines(), 1):
        if closing:
            if closing in line:
                closing = ""
            continue
        if RULE_HEADER.fullmatch(line):
            tables.append({"": number})
            prefix = ""
            continue
        header = TABLE_LINE.fullmatch(line)
        if header is not None:
            name = "".join(header.group(1).split())
            prefix = name[len("rule.") :] + "." if name.startswith("rule.") else OTHER_TABLE
            continue
        key = KEY_LINE.match(line)
        if key is None or not tables or prefix == OTHER_TABLE:
            continue
        name = ".".join(part.strip().strip("\"'") for part in key.group(1).split("."))
        tables[-1].setdefault(prefix + name, number)
        value = key.group(2)
        for delimiter in ('"""', "'''"):
            if value.startswith(delimiter) and value.count(delimiter) == 1:
                closing = delimiter
    return tables


def line_of(lines: dict[str, int], field_name: str) -> int | None:
    """The line of a field (else of the field it is part of, else of the rule), for messages."""
    parts = field_name.split(".")
    for end in range(len(parts), 0, -1):
        found = lines.get(".".join(parts[:end]))
        if found is not None:
            return found
    return lines.get("id", lines.get(""))


def build_rule(
    table: Any, path: Path, lines: dict[str, int], number: int, problems: list[str], *, lazy: bool = False
) -> Rule | None:
    """Validate one ``[[rule]]`` table and build its `Rule`, or record why not.

    ``lines`` gives the line of each field (see `field_lines`): a problem is reported
    at the line of its field; the rule's ``source`` is the line of its id. ``lazy``:
    leave the pattern to compile on first use (a built-in file; see `LazyPattern`).
    """
    if not isinstance(table, dict):
        problems.append(f"{path}: rule #{number} is not a table")
        return None
    rule_id = table.get("id")
    source = f"{path}:{line_of(lines, 'id') or 1}"
    who = rule_id if isinstance(rule_id, str) else f"rule #{number}"
    before = len(problems)

    def fail(field_name: str, message: str) -> None:
        line = line_of(lines, field_name)
        problems.append(f"{path}{'' if line is None else f':{line}'}: {who}.{field_name}: {message}")

    kind = table.get("kind")
    if kind not in KINDS:
        fail("kind", f"must be one of {', '.join(KINDS)}, not {kind!r}")
        return None
    for name in sorted(set(table) - FIELDS_BY_KIND[kind]):
        fail(name, f"unknown field for a {kind} rule")
    required = [
        "id",
        "name",
        "category",
        "reason",
        *{"duplicate": [], "template": ["lines"]}.get(kind, ["pattern"]),
    ]
    for name in required:
        if name not in table:
            fail(name, "missing")
    for name in ("id", "name", "category", "reason", "description", "pattern", "backtracking_ok"):
        if name in table and not isinstance(table[name], str):
            fail(name, "must be a string")
    if problems[before:]:
        return None

    if not ID_SHAPE.fullmatch(table["id"]):
        fail("id", "must be 2-5 capital letters and 3 digits, like CRD001")
    if not NAME_SHAPE.fullmatch(table["name"]):
        fail("name", "must be dotted lower-case words, like credits.agency-suffix")
    if "\n" in table["reason"].strip():
        fail("reason", "must be one line")
    if "backtracking_ok" in table and not table["backtracking_ok"].strip():
        fail("backtracking_ok", "must say why the pattern cannot backtrack badly")

    values: dict[str, Any] = {}
    values["profiles"] = read_string_list(table, "profiles", fail, allowed=PROFILES) or PROFILES
    values["aliases"] = read_string_list(table, "aliases", fail)
    values["next_to"] = read_string_list(table, "next_to", fail)
    values["between_rules"] = read_string_list(table, "between_rules", fail)
    if any(not ID_SHAPE.fullmatch(rule_id) for rule_id in values["between_rules"]):
        fail("between_rules", "must list rule ids, like PGE002")
    if values["between_rules"] and table.get("between_removals") is not True:
        fail("between_rules", "narrows between_removals, which must be true")
    values["sites"] = read_string_list(table, "sites", fail)
    if any(not site for site in values["sites"]):
        fail("sites", "must not hold an empty string; leave the field out for every site")
    if kind == "template":
        read_template_fields(table, fail)
    counts = (
        "max_words", "min_words", "max_chars", "max_lines", "teaser_max_words",
        "max_candidates", "max_copies",
    )  # fmt: skip
    for name in counts:
        if name in table:
            value = table[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                fail(name, "must be a whole number >= 0")
            else:
                values[name] = value
    for name, low, high in (("threshold", 0, 100), ("timeout", 0.001, 600)):
        if name in table:
            value = table[name]
            if not isinstance(value, int | float) or isinstance(value, bool) or not low <= value <= high:
                fail(name, f"must be a number from {low} to {high}")
            else:
                values[name] = float(value)
    for name in ("enabled", "skip_prose", "between_removals", "spare_lists"):
        if name in table:
            if not isinstance(table[name], bool):
                fail(name, "must be true or false")
            else:
                values[name] = table[name]
    if "position" in table:
        values["position"] = read_position(table["position"], fail)
    for name, low in (("outside_text", 1), ("min_lines", 2)):
        if name in table:
            value = table[name]
            if not isinstance(value, int) or isinstance(value, bool) or value < low:
                fail(name, f"must be a whole number >= {low}")
            else:
                values[name] = value
    if "next_to_side" in table:
        if table["next_to_side"] not in NEXT_TO_SIDES:
            choices = ", ".join(NEXT_TO_SIDES)
            fail("next_to_side", f"must be one of {choices}, not {table['next_to_side']!r}")
        elif not values["next_to"]:
            fail("next_to_side", "says where next_to's neighbour lies; next_to must name categories")
        else:
            values["next_to_side"] = table["next_to_side"]
    if table.get("between_removals") is True and "next_to" in table:
        fail("between_removals", "cannot be combined with next_to; use one of them")
    if table.get("between_removals") is True and kind not in ("line", "run"):
        fail("between_removals", f"is for line and run rules, not {kind} rules")
    if kind == "run" and "min_lines" not in table:
        fail("min_lines", "is required for a run rule (how many matching lines in a row)")
    if kind == "run" and "max_lines" in values and values["max_lines"] < values.get("min_lines", 2):
        fail("max_lines", "must be at least min_lines")
    if kind == "block":
        extent = table.get("extent", "blank")
        if extent not in EXTENTS:
            fail("extent", f"must be one of {', '.join(EXTENTS)}, not {extent!r}")
        values["extent"] = extent
        if extent == "lines" and "max_lines" not in table:
            fail("max_lines", "is required when extent is 'lines'")
        if "crosses" in table:
            if table["crosses"] not in CROSSES:
                fail("crosses", f"must be one of {', '.join(CROSSES)}, not {table['crosses']!r}")
            else:
                values["crosses"] = table["crosses"]
    if "pattern" in table:
        where = f"{path}:{line_of(lines, 'pattern') or 1}: {who}" if lazy else None
        values["pattern"] = compile_pattern(table["pattern"], table.get("ignore_case", False), fail, where)
    if "ignore_case" in table and not isinstance(table["ignore_case"], bool):
        fail("ignore_case", "must be true or false")
    if kind != "template":
        values["examples"] = read_examples(table.get("examples", {}), fail, required=is_builtin(path))

    if problems[before:]:
        return None
    return Rule(
        id=table["id"],
        name=table["name"],
        kind=kind,
        category=table["category"],
        reason=table["reason"].strip(),
        description=table.get("description", "").strip(),
        backtracking_ok=" ".join(table.get("backtracking_ok", "").split()),
        source=source,
        field_lines=tuple((key, line) for key, line in lines.items() if key.startswith("examples")),
        **values,
    )


def read_template_fields(table: dict[str, Any], fail: Any) -> None:
    """Check the fields of a template rule: ``documents`` and ``lines``, each line an inline
    table ``{ line = "...", documents = N, seen_in = ["id", ...] }`` (only ``line`` required)."""
    if "documents" in table and not is_count(table["documents"], 1):
        fail("documents", "must be a whole number >= 1 (the documents of its site the lines were counted in)")
    lines = table["lines"]
    if not isinstance(lines, list):
        fail("lines", 'must be a list of { line = "..." } tables')
        return
    for number, item in enumerate(lines, 1):
        where = f"lines[{number}]"
        if not isinstance(item, dict):
            fail(where, 'must be a table like { line = "Subscribe to our newsletter" }')
            continue
        for name in sorted(set(item) - {"line", "documents", "seen_in"}):
            fail(f"{where}.{name}", "unknown field; use line, documents and seen_in")
        text = item.get("line")
        if not isinstance(text, str) or not text.strip():
            fail(f"{where}.line", "must be a string holding more than white space")
        elif "\n" in text.strip() or "\r" in text.strip():
            fail(f"{where}.line", "must be one line")
        if "documents" in item and not is_count(item["documents"], 1):
            fail(f"{where}.documents", "must be a whole number >= 1")
        seen_in = item.get("seen_in", [])
        if not isinstance(seen_in, list) or not all(isinstance(doc, str) for doc in seen_in):
            fail(f"{where}.seen_in", "must be a list of document ids")


def is_count(value: Any, low: int) -> bool:
    """Whether ``value`` is a whole number (not a bool) of at least ``low``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def read_string_list(
    table: dict[str, Any], name: str, fail: Any, allowed: Sequence[str] = ()
) -> tuple[str, ...]:
    """A list of strings from the table (empty when absent), checked against ``allowed``."""
    value = table.get(name, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        fail(name, "must be a list of strings")
        return ()
    for item in value:
        if allowed and item not in allowed:
            fail(name, f"unknown value {item!r}; expected one of {', '.join(allowed)}")
    return tuple(value)


def read_position(value: Any, fail: Any) -> Position | None:
    """Parse ``"first 20%"``, ``"last 40%"`` or ``"last 10 lines"``."""
    match = POSITION_SHAPE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        fail("position", f"must look like 'last 40%' or 'first 10 lines', not {value!r}")
        return None
    side, amount, unit = match.groups()
    return Position(side, float(amount), unit == "%")


MAX_PATTERN_CHARS = 100_000
# regex prepares a search for a pattern's literal text in time that grows with the cube of
# its length, in C that neither its time limit nor Ctrl-C can stop (measured: 500
# characters 0.05 s, 1,000 0.36 s, 4,000 21 s), so longer literals are refused.
MAX_LITERAL_CHARS = 500
CLASS_ESCAPES = frozenset("sSdDwWpPXhHvVNR")  # escapes that match more than one character
ZERO_WIDTH_ESCAPES = frozenset("bBAZzGmMK")
QUANTIFIER = regex.compile(r"\{(\d*)(?:,(\d*))?\}")
GROUP_OPENING = regex.compile(r"\((?:\?(?:P?<[=!]?|[=!]|[a-zA-Z^-]*[:>)]?))?")


def longest_literal(source: str) -> int:
    """At least the length of the longest run of fixed characters in a pattern, as regex reads it.

    Errs on the long side: anything that may join two literals (a non-capturing group,
    an anchor, a quantifier on a group) is taken to join them.

    >>> longest_literal("^Read more: " + "a" * 20 + "$"), longest_literal(r"^(?:Share|Tweet)\\s+this\\.?$")
    (31, 5)
    """
    longest = run = 0
    position = 0
    previous = ""
    while position < len(source):
        character = source[position]
        step = 1
        if character == "\\":
            following = source[position + 1 : position + 2]
            step = 2
            if following in CLASS_ESCAPES:
                run = 0
            elif following not in ZERO_WIDTH_ESCAPES:
                run += 1
        elif character in "|.":
            run = 0
        elif character in "*+?":
            if previous != ")":
                run = 0
        elif character == "{":
            quantifier = QUANTIFIER.match(source, position)
            if quantifier is None:
                run += 1
            else:
                step = quantifier.end() - position
                low, high = quantifier.group(1), quantifier.group(2)
                if not (low == "1" and high in (None, "1")):
                    run = 0
        elif character == "[":
            end = source.find("]", position + 2)
            body = source[position + 1 : end] if end != -1 else ""
            step = end - position + 1 if end != -1 else len(source) - position
            run = run + 1 if len(body) == 1 or (len(body) == 2 and body[0] == "\\") else 0
        elif character == "(":
            opening = GROUP_OPENING.match(source, position)
            step = opening.end() - position
            if not opening.group().endswith((":", ">", ")")) or opening.group().startswith(("(?<", "(?P")):
                run = 0  # a capturing group or a look-around stands apart
        elif character not in ")^$":
            run += 1
        longest = max(longest, run)
        previous = character
        position += step
    return longest


def compile_pattern(
    source: str, ignore_case: Any, fail: Any, lazy_where: str | None = None
) -> Pattern | None:
    """Compile a line pattern for whole-document scanning (multi-line mode).

    With ``lazy_where`` (a built-in rule's "file:line: ID") the pattern is a `LazyPattern`,
    compiled on first use.
    """
    if "\\Z" in source or "\\z" in source:
        fail("pattern", "use $ for the end of the line; \\Z and \\z are not supported")
        return None
    if len(source) > MAX_PATTERN_CHARS:
        fail("pattern", f"is {len(source):,} characters long; at most {MAX_PATTERN_CHARS:,} are taken")
        return None
    # A built-in pattern is held to this by the test suite: reading every one at each
    # start-up took a third of the time to load the rules.
    literal = 0 if lazy_where is not None else longest_literal(source)
    if literal > MAX_LITERAL_CHARS:
        fail(
            "pattern",
            f"holds about {literal:,} fixed characters in a row; regex would take minutes to prepare "
            f"their search, so at most {MAX_LITERAL_CHARS} are taken: match a run of one character "
            "as a{N}, or put part of the text in a group (...)",
        )
        return None
    flags = regex.MULTILINE | (regex.IGNORECASE if ignore_case is True else 0)
    if lazy_where is not None:
        return LazyPattern(source, flags, lazy_where)
    try:
        return regex.compile(source, flags)
    except regex.error as error:
        fail("pattern", f"{error}")
        return None


def read_examples(value: Any, fail: Any, *, required: bool) -> Examples:
    """Read ``examples = { remove = [...], keep = [...] }``.

    Both lists are required of a built-in rule; a user's rule may leave either out
    (the command line warns about it: see `missing_examples`).
    """
    if not isinstance(value, dict):
        fail("examples", "must be a table with 'remove' and 'keep' lists")
        return Examples()
    for name in sorted(set(value) - {"remove", "keep"}):
        fail(f"examples.{name}", "unknown field; use 'remove' and 'keep'")
    lists = {}
    for name in ("remove", "keep"):
        items = value.get(name)
        if items is None and not required:
            items = []
        elif not isinstance(items, list) or not items or not all(isinstance(item, str) for item in items):
            fail(f"examples.{name}", "must be a non-empty list of strings")
            items = []
        lists[name] = tuple(items)
    return Examples(remove=lists["remove"], keep=lists["keep"])


def is_builtin(path: Path) -> bool:
    """Whether a rule file is one of the built-in ones (which must have examples)."""
    return path.resolve().parent == builtin_rules_dir().resolve()


def missing_examples(rule: Rule) -> str | None:
    """A warning for a rule without examples of both kinds, or None.

    >>> missing_examples(Rule("MY001", "my.rule", "line", "ad", "r", "my.toml:3")).split(";")[0]
    'my.toml:3: MY001: warning: no examples.remove and no examples.keep'
    """
    lists = {"remove": rule.examples.remove, "keep": rule.examples.keep}
    missing = [f"examples.{name}" for name, examples in lists.items() if not examples]
    if not missing:
        return None
    return (
        f"{rule.source}: {rule.id}: warning: no {' and no '.join(missing)}; "
        "examples are checked each time the file loads, so a pattern that misses its lines "
        "or takes real text is caught before it cleans anything"
    )
