"""Turn a `CleanResult` into something to read: a rich diff, a unified diff, or JSON.

Nothing here decides what to remove; it only shows the removals it is given.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cleaner.about import version
from cleaner.baseline import content_hash
from cleaner.escaping import escape_controls, escape_undecodable, escape_unprintable
from cleaner.matchers import split_lines
from cleaner.model import CleanResult, Removal
from cleaner.rules import Rule

if TYPE_CHECKING:
    from cleaner.corpus import CorpusStats

JSON_SCHEMA_VERSION = 1
CONTEXT_LINES = 3


@dataclass(frozen=True, slots=True)
class Hunk:
    """A stretch of original lines (0-based, inclusive) holding removals and their context."""

    first: int
    last: int


def line_owners(result: CleanResult, total_lines: int) -> list[Removal | None]:
    """For each original line, the removal that takes it, or None."""
    owners: list[Removal | None] = [None] * total_lines
    for removal in result.removals:
        for index in range(removal.first_line - 1, removal.last_line):
            owners[index] = removal
    return owners


def find_hunks(owners: list[Removal | None], context: int = CONTEXT_LINES) -> list[Hunk]:
    """Group removed lines and ``context`` lines around them; close groups merge."""
    hunks: list[Hunk] = []
    for index, owner in enumerate(owners):
        if owner is None:
            continue
        first, last = max(0, index - context), min(len(owners) - 1, index + context)
        if hunks and first <= hunks[-1].last + 1:
            hunks[-1] = Hunk(hunks[-1].first, max(last, hunks[-1].last))
        else:
            hunks.append(Hunk(first, last))
    return hunks


def plural(count: int, word: str, words: str | None = None) -> str:
    """A count and its noun, singular or plural, with thousands separated.

    >>> plural(1, "removal"), plural(1200, "line"), plural(2, "match", "matches")
    ('1 removal', '1,200 lines', '2 matches')
    """
    return f"{count:,} {word if count == 1 else words or word + 's'}"


def format_duration(seconds: float) -> str:
    """A duration a person reads at a glance.

    >>> format_duration(0.0372), format_duration(4.25), format_duration(3725)
    ('37 ms', '4.2 s', '1 h 2 min')
    """
    if seconds < 1:
        return f"{seconds * 1000:.0f} ms"
    if seconds < 60:
        return f"{seconds:.1f} s"
    minutes, rest = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {rest} s"
    return f"{minutes // 60} h {minutes % 60} min"


def render_unified_diff(name: str, result: CleanResult, context: int = CONTEXT_LINES) -> str:
    """A plain unified diff from the original to the kept text, built from the removals.

    >>> from cleaner import clean
    >>> print(render_unified_diff("a.txt", clean("Text.\\nAdvertisement\\n")), end="")
    --- a/a.txt
    +++ b/a.txt
    @@ -1,2 +1,1 @@
     Text.
    -Advertisement
    """
    if not result.removals:
        return ""
    lines = split_lines(result.original)
    owners = line_owners(result, len(lines))
    shown = escape_controls(name)  # a name may not drive the terminal; undecodable bytes stay for patch
    out = [f"--- a/{shown}\n", f"+++ b/{shown}\n"]
    removed_before = 0
    position = 0
    for hunk in find_hunks(owners, context):
        removed_before += sum(1 for owner in owners[position : hunk.first] if owner is not None)
        position = hunk.last + 1
        old_count = hunk.last - hunk.first + 1
        removed_here = sum(1 for owner in owners[hunk.first : hunk.last + 1] if owner is not None)
        new_count = old_count - removed_here
        new_start = hunk.first + 1 - removed_before if new_count else hunk.first - removed_before
        out.append(f"@@ -{hunk.first + 1},{old_count} +{new_start},{new_count} @@\n")
        removed_before += removed_here
        for index in range(hunk.first, hunk.last + 1):
            line = lines[index]
            out.append(("-" if owners[index] is not None else " ") + line)
            if not line.endswith(("\n", "\r")):
                out.append("\n\\ No newline at end of file\n")
    return "".join(out)


def describe(removal: Removal) -> str:
    """The reason for a removal, with the kept copy for a duplicate."""
    if removal.duplicate_of is not None:
        return f"{removal.reason} (line {removal.duplicate_of})"
    return removal.reason


def line_range(removal: Removal) -> str:
    """``4`` or ``16-31``."""
    if removal.first_line == removal.last_line:
        return str(removal.first_line)
    return f"{removal.first_line}-{removal.last_line}"


def render_concise(name: str, result: CleanResult) -> Iterator[str]:
    """One line per removal: ``path:line: RULE-ID reason``."""
    for removal in result.removals:
        yield f"{name}:{line_range(removal)}: {removal.rule_id} {describe(removal)}"


def removal_to_dict(removal: Removal) -> dict[str, Any]:
    """A removal as a JSON-ready mapping with the same fields as `Removal`."""
    return asdict(removal)


def result_to_dict(name: str, result: CleanResult) -> dict[str, Any]:
    """A document's report as a JSON-ready mapping (schema version in ``version``)."""
    return {
        "version": JSON_SCHEMA_VERSION,
        "path": name,
        "changed": result.changed,
        "removed_chars": result.removed_chars(),
        "removals": [removal_to_dict(removal) for removal in result.removals],
    }


def render_rich_diff(
    name: str, result: CleanResult, context: int = CONTEXT_LINES, *, wrap: bool = False
) -> RenderableType:
    """The review view: removed lines in context, labelled with rule and reason, unchanged stretches folded.

    With ``wrap`` (on a terminal), a line longer than the screen wraps beside its line
    number, so the gutter stays readable; otherwise each line is printed whole, as one
    line of output (for pipes, ``grep`` and files).
    """
    parts: list[RenderableType] = [Text(f"━━ {escape_unprintable(name)}", style="bold")]
    if not result.removals:
        parts.append(Text("   nothing to remove", style="green"))
        return Group(*parts)
    lines = split_lines(result.original)
    owners = line_owners(result, len(lines))
    width = len(str(len(lines)))
    shown_until = 0
    rows: list[tuple[str, str, str, str]] = []  # number, mark, content, style

    def flush() -> None:
        if rows:
            parts.append(gutter_rows(rows, wrap))
            rows.clear()

    for hunk in find_hunks(owners, context):
        if hunk.first > shown_until:
            flush()
            parts.append(Text(f"   ⋮ {plural(hunk.first - shown_until, 'unchanged line')}", style="dim"))
        current: Removal | None = None
        for index in range(hunk.first, hunk.last + 1):
            owner = owners[index]
            if owner is not None and owner is not current:
                flush()
                plural_s = "s" if owner.last_line > owner.first_line else ""
                label = (
                    f"   ▼ {owner.rule_id} {owner.rule_name} [{owner.category}] "
                    f"line{plural_s} {line_range(owner)}: {describe(owner)}"
                )
                parts.append(Text(label, style="bold yellow"))
            current = owner
            content = escape_undecodable(lines[index].rstrip("\r\n"))
            number = str(index + 1).rjust(width)
            rows.append((number, " " if owner is None else "-", content, "dim" if owner is None else "red"))
        shown_until = hunk.last + 1
    flush()
    if shown_until < len(lines):
        parts.append(Text(f"   ⋮ {plural(len(lines) - shown_until, 'unchanged line')}", style="dim"))
    counts = ", ".join(f"{rule} ×{count}" for rule, count in sorted(result.counts().items()))
    removed_lines = sum(r.last_line - r.first_line + 1 for r in result.removals)
    summary = (
        f"   {plural(len(result.removals), 'removal')}, {plural(removed_lines, 'line')}, "
        f"{plural(result.removed_chars(), 'character')} ({counts})"
    )
    parts.append(Text(summary, style="cyan"))
    return Group(*parts)


def gutter_rows(rows: list[tuple[str, str, str, str]], wrap: bool) -> RenderableType:
    """Numbered lines: a grid whose last column wraps (``wrap``), or one Text line each."""
    if not wrap:
        return Group(
            *(Text(f"{number} {mark} {content}", style=style) for number, mark, content, style in rows)
        )
    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(overflow="fold")
    for number, mark, content, style in rows:
        grid.add_row(number, mark, Text(content), style=style)
    return grid


class Tally:
    """Removals and characters per rule over a run, added up one result at a time."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.chars: Counter[str] = Counter()
        self.reasons: dict[str, str] = {}
        self.documents = 0
        self.changed = 0
        self.changed_names: list[str] = []

    def add(self, result: CleanResult, name: str | None = None) -> None:
        """Count one document's removals (and remember its name if it changed)."""
        self.documents += 1
        self.changed += result.changed
        if result.changed and name is not None:
            self.changed_names.append(name)
        for removal in result.removals:
            self.counts[removal.rule_id] += 1
            self.chars[removal.rule_id] += removal.end - removal.start
            self.reasons[removal.rule_id] = removal.reason

    def summary(self) -> str:
        """One line for the end of a run.

        >>> Tally().summary()
        '0 files checked, nothing to remove'
        """
        if not self.counts:
            return f"{plural(self.documents, 'file')} checked, nothing to remove"
        removals = sum(self.counts.values())
        return f"{plural(removals, 'removal')} in {self.changed} of {plural(self.documents, 'file')}"

    def table(self) -> Table:
        """The per-rule table shown at the end of a run."""
        table = Table(
            title=f"Removals by rule ({self.changed} of {plural(self.documents, 'document')} changed)",
            title_justify="left",
        )
        table.add_column("rule")
        table.add_column("removals", justify="right")
        table.add_column("characters", justify="right")
        table.add_column("reason")
        for rule_id in sorted(self.counts):
            reason = Text(self.reasons[rule_id])  # Text: a reason may hold [brackets]
            table.add_row(rule_id, str(self.counts[rule_id]), str(self.chars[rule_id]), reason)
        table.add_row(
            "total", str(sum(self.counts.values())), str(sum(self.chars.values())), "", style="bold"
        )
        return table


def render_columns(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> str:
    """Rows in aligned columns under a header; nothing is cut, and the last column is not padded.

    Long text stays whole: a terminal wraps the line, a pipe or ``grep`` gets it in one.

    >>> print(render_columns(("id", "reason"), [("ADS001", "Advertising label"), ("X1", "Other")]), end="")
    id      reason
    ADS001  Advertising label
    X1      Other
    """
    table = [header, *rows]
    widths = [max(len(row[column]) for row in table) for column in range(len(header) - 1)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[-1]])
        for row in table
    ]
    return "".join(line.rstrip() + "\n" for line in lines)


def under_pre_commit(environ: Mapping[str, str] | None = None) -> bool:
    """Whether pre-commit runs us (it sets ``PRE_COMMIT=1``): its log wants plain text.

    >>> under_pre_commit({"PRE_COMMIT": "1"}), under_pre_commit({})
    (True, False)
    """
    return (os.environ if environ is None else environ).get("PRE_COMMIT") == "1"


def make_console(
    *, stderr: bool = False, record: bool = False, environ: Mapping[str, str] | None = None, **options: Any
) -> Console:
    """A console that honours NO_COLOR, and drops colour off a terminal and under pre-commit.

    pre-commit may hand a hook a pseudo-terminal, so a terminal alone does not mean a person.
    """
    plain = under_pre_commit(environ)
    return Console(
        stderr=stderr,
        record=record,
        highlight=False,
        soft_wrap=True,
        emoji=False,  # "doc.txt:100:" would otherwise print as "doc.txt💯"
        color_system=None if plain else "auto",
        **options,
    )


def show_progress(console: Console, environ: Mapping[str, str] | None = None) -> bool:
    """Whether a progress bar may be drawn: on a terminal, and not under pre-commit."""
    return console.is_terminal and not console.is_dumb_terminal and not under_pre_commit(environ)


# ---------------------------------------------------------------------------------------
# Output formats of ``cleaner check``: full, concise, json, json-lines, github, sarif.

OUTPUT_FORMATS = ("full", "concise", "json", "json-lines", "github", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
FULL_CONTEXT_LINES = 1
FULL_MAX_LINES = 6

# The JSON Schema of one document's report (``json`` is a list of these, ``json-lines``
# one per line). Bump JSON_SCHEMA_VERSION on any change a reader could notice.
REPORT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": f"cleaner report, version {JSON_SCHEMA_VERSION}",
    "description": "What `cleaner check` found in one document: every removal with its rule and reason.",
    "type": "object",
    "additionalProperties": False,
    "required": ["version", "path", "changed", "removed_chars", "removals"],
    "properties": {
        "version": {"const": JSON_SCHEMA_VERSION, "description": "Version of this schema."},
        "path": {"type": "string", "description": "The document, as named on the command line or found under it."},
        "changed": {"type": "boolean", "description": "Whether anything would be (or was) removed."},
        "removed_chars": {"type": "integer", "minimum": 0, "description": "Characters removed in all."},
        "removals": {
            "type": "array",
            "description": "The removals, sorted and disjoint; the same fields as `cleaner.Removal`.",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": [
                    "start", "end", "first_line", "last_line", "rule_id", "rule_name",
                    "category", "reason", "text", "duplicate_of",
                ],
                "properties": {
                    "start": {"type": "integer", "minimum": 0, "description": "Offset of the first removed character."},
                    "end": {"type": "integer", "minimum": 1, "description": "Offset just past the last removed character."},
                    "first_line": {"type": "integer", "minimum": 1, "description": "First removed line (1-based)."},
                    "last_line": {"type": "integer", "minimum": 1, "description": "Last removed line (inclusive)."},
                    "rule_id": {"type": "string", "description": "The rule's stable id, like CRD001."},
                    "rule_name": {"type": "string", "description": "The rule's dotted name."},
                    "category": {"type": "string", "description": "The kind of boilerplate, like credit or ad."},
                    "reason": {"type": "string", "description": "Why the rule removes such lines (one line)."},
                    "text": {"type": "string", "description": "The removed text, line endings included."},
                    "duplicate_of": {
                        "type": ["integer", "null"],
                        "description": "For a duplicate, the line of the copy that was kept; else null.",
                    },
                },
            },
        },
    },
}  # fmt: skip


def render_full(name: str, result: CleanResult, context: int = FULL_CONTEXT_LINES) -> Iterator[str]:
    """Each removal as ``path:line: RULE reason`` and its lines, marked ``-``, between context lines."""
    lines = split_lines(result.original)
    width = len(str(len(lines)))
    for header, removal in zip(render_concise(name, result), result.removals, strict=True):
        yield header
        first, last = removal.first_line - 1, removal.last_line - 1
        shown = [*range(max(0, first - context), first), *range(first, min(last + 1, first + FULL_MAX_LINES))]
        for index in shown:
            mark = "-" if index >= first else "|"
            yield f"  {str(index + 1).rjust(width)} {mark} {lines[index].rstrip(chr(13) + chr(10))}"
        if last + 1 > first + FULL_MAX_LINES:
            yield f"  {' ' * width} ⋮ {plural(last + 1 - first - FULL_MAX_LINES, 'more removed line')}"
        for index in range(last + 1, min(len(lines), last + 1 + context)):
            yield f"  {str(index + 1).rjust(width)} | {lines[index].rstrip(chr(13) + chr(10))}"
        yield ""


def escape_github(value: str, *, property_value: bool = False) -> str:
    """Escape a workflow-command value (``%``, CR, LF; also ``:`` and ``,`` in properties).

    >>> escape_github("a:b,c%\\n", property_value=True)
    'a%3Ab%2Cc%25%0A'
    """
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if property_value:
        value = value.replace(":", "%3A").replace(",", "%2C")
    return value


def render_github(name: str, result: CleanResult) -> Iterator[str]:
    """GitHub Actions workflow commands, one ``::warning`` annotation per removal.

    >>> from cleaner import clean
    >>> print(*render_github("a.txt", clean("Text.\\nAdvertisement\\n")))
    ::warning file=a.txt,line=2,endLine=2,title=ADS001 ads.advertisement-label::Advertising label left where an ad was
    """
    path = escape_github(name, property_value=True)
    for removal in result.removals:
        title = escape_github(f"{removal.rule_id} {removal.rule_name}", property_value=True)
        yield (
            f"::warning file={path},line={removal.first_line},endLine={removal.last_line},"
            f"title={title}::{escape_github(describe(removal))}"
        )


def sarif_uri(name: str) -> str:
    """A document name as a SARIF artifact URI: relative paths stay relative, percent-encoded."""
    path = PurePath(name)
    if path.is_absolute():
        return Path(path).as_uri()
    return quote(path.as_posix())


def sarif_rule(rule: Rule) -> dict[str, Any]:
    """A rule as a SARIF ``reportingDescriptor``."""
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": rule.name,
        "shortDescription": {"text": rule.reason},
        "defaultConfiguration": {"level": "warning"},
        "properties": {"category": rule.category, "kind": rule.kind},
    }
    if rule.description:
        descriptor["fullDescription"] = {"text": " ".join(rule.description.split())}
    return descriptor


def sarif_result(name: str, removal: Removal, rule_index: int | None) -> dict[str, Any]:
    """A removal as a SARIF ``result``."""
    result: dict[str, Any] = {"ruleId": removal.rule_id}
    if rule_index is not None:
        result["ruleIndex"] = rule_index
    result["level"] = "warning"
    result["message"] = {"text": describe(removal)}
    region = {
        "startLine": removal.first_line,
        "endLine": removal.last_line,
        "snippet": {"text": removal.text},
    }
    result["locations"] = [
        {"physicalLocation": {"artifactLocation": {"uri": sarif_uri(name)}, "region": region}}
    ]
    result["partialFingerprints"] = {"cleanerContent/v1": content_hash(removal)}
    return result


def to_json(value: Any, *, indent: int | None = None) -> str:
    """JSON text that is valid UTF-8 even for undecodable input bytes.

    Such bytes ride through decoding as lone surrogates; they are written as ``\\udcXX``
    escapes, which read back to the same surrogates, so ``restore`` stays exact.

    >>> to_json({"text": "caf\\udce9"})
    '{"text": "caf\\\\udce9"}'
    """
    return escape_undecodable(json.dumps(value, indent=indent, ensure_ascii=False))


class FindingsRenderer:
    """Render documents' removals in one output format, one document at a time.

    Line formats (full, concise, json-lines, github) give their text as each document
    comes; json and sarif collect and give one document at the end.

    >>> from cleaner import clean
    >>> renderer = FindingsRenderer("concise")
    >>> renderer.document("a.txt", clean("Text.\\nAdvertisement\\n"))
    'a.txt:2: ADS001 Advertising label left where an ad was\\n'
    """

    def __init__(self, output_format: str, rules: Iterable[Rule] = ()) -> None:
        if output_format not in OUTPUT_FORMATS:
            raise ValueError(f"unknown output format {output_format!r}")
        self.format = output_format
        self.rules = list(rules)
        self.rule_index = {rule.id: index for index, rule in enumerate(self.rules)}
        self.reports: list[dict[str, Any]] = []
        self.results: list[dict[str, Any]] = []

    def document(self, name: str, result: CleanResult) -> str:
        """The text to write now for one document (empty for none)."""
        lines: Iterable[str]
        if self.format == "json":
            self.reports.append(result_to_dict(name, result))
            return ""
        if self.format == "sarif":
            self.results += [sarif_result(name, r, self.rule_index.get(r.rule_id)) for r in result.removals]
            return ""
        if self.format == "json-lines":
            lines = [to_json(result_to_dict(name, result))]
        elif self.format == "full":
            lines = render_full(escape_unprintable(name), result)
        elif self.format == "github":
            lines = render_github(name, result)  # escaped its own way, which GitHub reads back
        else:
            lines = render_concise(escape_unprintable(name), result)
        return escape_undecodable("".join(line + "\n" for line in lines))

    def finish(self) -> str:
        """The text to write after the last document (the json list, the SARIF log)."""
        if self.format == "json":
            return to_json(self.reports, indent=2) + "\n"
        if self.format == "sarif":
            return to_json(self.sarif_log(), indent=2) + "\n"
        return ""

    def sarif_log(self) -> dict[str, Any]:
        """The whole SARIF 2.1.0 log: one run, the rules in use, every result."""
        driver = {
            "name": "cleaner",
            "version": version(),
            "rules": [sarif_rule(rule) for rule in self.rules],
        }
        return {
            "$schema": SARIF_SCHEMA,
            "version": "2.1.0",
            "runs": [{"tool": {"driver": driver}, "results": self.results}],
        }


def render_statistics(tally: Tally, output_format: str) -> str:
    """Removals per rule, as ``ruff --statistics`` prints them (JSON for the JSON formats)."""
    rows = [
        {
            "code": rule_id,
            "count": tally.counts[rule_id],
            "characters": tally.chars[rule_id],
            "reason": tally.reasons[rule_id],
        }
        for rule_id in sorted(tally.counts, key=lambda rule_id: (-tally.counts[rule_id], rule_id))
    ]
    if output_format in ("json", "json-lines", "sarif"):
        return json.dumps(rows, indent=2, ensure_ascii=False) + "\n"
    width = max((len(str(row["count"])) for row in rows), default=1)
    return "".join(f"{str(row['count']).rjust(width)}\t{row['code']}\t{row['reason']}\n" for row in rows)


def render_corpus_stats(stats: CorpusStats) -> Table:
    """The table shown at the end of ``cleaner corpus``: totals, then removals per rule."""
    seconds = max(stats.seconds, 1e-9)
    table = Table(
        title=(
            f"{plural(stats.documents, 'document')} in {plural(stats.files, 'file')}, "
            f"{stats.changed:,} changed, {stats.written:,} written, {stats.dropped_empty:,} dropped empty, "
            f"{len(stats.skipped):,} skipped, {len(stats.timeouts):,} timed out; "
            f"text {stats.bytes_in:,} -> {plural(stats.bytes_out, 'byte')} "
            f"in {format_duration(stats.seconds)} ({stats.bytes_in / seconds / 1e6:.1f} MB/s)"
        ),
        title_justify="left",
    )
    for column, justify in (
        ("rule", "left"),
        ("removals", "right"),
        ("characters", "right"),
        ("reason", "left"),
    ):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for rule_id in sorted(stats.removals):
        table.add_row(
            rule_id,
            f"{stats.removals[rule_id]:,}",
            f"{stats.characters[rule_id]:,}",
            Text(stats.reasons[rule_id]),
        )
    table.add_row(
        "total", f"{sum(stats.removals.values()):,}", f"{sum(stats.characters.values()):,}", "", style="bold"
    )
    return table
