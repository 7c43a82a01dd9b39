"""Turn a `CleanResult` into something to read: a rich diff, a unified diff, or JSON.

Nothing here decides what to remove; it only shows the removals it is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cleaner.corpus import CorpusStats
from cleaner.matchers import split_lines
from cleaner.model import CleanResult, Removal

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
    out = [f"--- a/{name}\n", f"+++ b/{name}\n"]
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


def render_rich_diff(name: str, result: CleanResult, context: int = CONTEXT_LINES) -> RenderableType:
    """The review view: removed lines in context, labelled with rule and reason, unchanged stretches folded."""
    parts: list[RenderableType] = [Text(f"━━ {name}", style="bold")]
    if not result.removals:
        parts.append(Text("   nothing to remove", style="green"))
        return Group(*parts)
    lines = split_lines(result.original)
    owners = line_owners(result, len(lines))
    width = len(str(len(lines)))
    shown_until = 0
    for hunk in find_hunks(owners, context):
        if hunk.first > shown_until:
            parts.append(Text(f"   ⋮ {hunk.first - shown_until} unchanged lines", style="dim"))
        current: Removal | None = None
        for index in range(hunk.first, hunk.last + 1):
            owner = owners[index]
            if owner is not None and owner is not current:
                plural = "s" if owner.last_line > owner.first_line else ""
                label = (
                    f"   ▼ {owner.rule_id} {owner.rule_name} [{owner.category}] "
                    f"line{plural} {line_range(owner)}: {describe(owner)}"
                )
                parts.append(Text(label, style="bold yellow"))
            current = owner
            content = lines[index].rstrip("\r\n")
            number = str(index + 1).rjust(width)
            if owner is None:
                parts.append(Text(f"{number}   {content}", style="dim"))
            else:
                parts.append(Text(f"{number} - {content}", style="red"))
        shown_until = hunk.last + 1
    if shown_until < len(lines):
        parts.append(Text(f"   ⋮ {len(lines) - shown_until} unchanged lines", style="dim"))
    counts = ", ".join(f"{rule} ×{count}" for rule, count in sorted(result.counts().items()))
    summary = (
        f"   {len(result.removals)} removals, {sum(r.last_line - r.first_line + 1 for r in result.removals)} lines, "
        f"{result.removed_chars()} characters ({counts})"
    )
    parts.append(Text(summary, style="cyan"))
    return Group(*parts)


class Tally:
    """Removals and characters per rule over a run, added up one result at a time."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.chars: Counter[str] = Counter()
        self.reasons: dict[str, str] = {}
        self.documents = 0
        self.changed = 0

    def add(self, result: CleanResult) -> None:
        """Count one document's removals."""
        self.documents += 1
        self.changed += result.changed
        for removal in result.removals:
            self.counts[removal.rule_id] += 1
            self.chars[removal.rule_id] += removal.end - removal.start
            self.reasons[removal.rule_id] = removal.reason

    def table(self) -> Table:
        """The per-rule table shown at the end of a run."""
        table = Table(title=f"Removals by rule ({self.changed} of {self.documents} documents changed)",
                      title_justify="left")
        table.add_column("rule")
        table.add_column("removals", justify="right")
        table.add_column("characters", justify="right")
        table.add_column("reason")
        for rule_id in sorted(self.counts):
            table.add_row(rule_id, str(self.counts[rule_id]), str(self.chars[rule_id]), self.reasons[rule_id])
        table.add_row("total", str(sum(self.counts.values())), str(sum(self.chars.values())), "", style="bold")
        return table


def make_console(*, stderr: bool = False, record: bool = False) -> Console:
    """A console that honours NO_COLOR and drops colour when not writing to a terminal."""
    return Console(stderr=stderr, record=record, highlight=False, soft_wrap=True)


def render_corpus_stats(stats: CorpusStats) -> Table:
    """The table shown at the end of ``cleaner corpus``: totals, then removals per rule."""
    seconds = max(stats.seconds, 1e-9)
    table = Table(
        title=(
            f"{stats.documents} documents in {stats.files} file(s), {stats.changed} changed, "
            f"{stats.written} written, {stats.dropped_empty} dropped empty, {len(stats.skipped)} skipped, "
            f"{len(stats.timeouts)} timed out; text {stats.bytes_in:,} -> {stats.bytes_out:,} bytes "
            f"in {stats.seconds:.1f} s ({stats.bytes_in / seconds / 1e6:.1f} MB/s)"
        ),
        title_justify="left",
    )
    for column, justify in (("rule", "left"), ("removals", "right"), ("characters", "right"), ("reason", "left")):
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for rule_id in sorted(stats.removals):
        table.add_row(rule_id, f"{stats.removals[rule_id]:,}", f"{stats.characters[rule_id]:,}", stats.reasons[rule_id])
    table.add_row(
        "total", f"{sum(stats.removals.values()):,}", f"{sum(stats.characters.values()):,}", "", style="bold"
    )
    return table
