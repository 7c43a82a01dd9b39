"""Run the rules over a text until nothing changes, and return the `CleanResult`.

Each pass looks at the lines still kept (a `View`) and lets the rules claim lines in a
fixed order of precedence; a line belongs to the first rule that claims it:

1. block rules, then run rules, in rule-file order;
2. line rules, in rule-file order;
3. template lines of the document's site (`cleaner.templates`: a look-up per line, beside
   the scan; each removal names its template rule and the line's counts);
4. the duplicate rule (lines already claimed are neither removed nor kept as originals);
5. rules guarded by ``next_to``, which see the claims of steps 1-4.

A rule with ``sites`` applies only to documents of those sites; the others, everywhere.

Rules guarded by ``between_removals`` wait until the others claim nothing more; then a
pass of their own looks for their matches between lines the others removed, and if
they claim anything, the others go again. A rule that names the rules it must lie
between (``between_rules``) is not scanned: its candidates are the lines below those
rules' removals, and its pass is skipped while they have removed nothing.

A removal that leaves two blank lines side by side takes the second with it, one at the
start of the document takes the blank lines after it, and one followed only by blank
lines takes those and the blank lines before it (a cleaned text does not end in blank
lines a removal left there). A blank ``\n`` line that a removal would join to a line
ending in a lone ``\r`` goes too, so every kept line stays a line of the original.

Passes repeat until one claims nothing, because a single pass is not idempotent (a
removal can move another line into a rule's reach); each pass sees exactly what a
fresh run on its input would see, so cleaning the result again removes nothing more.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate, compress
from pathlib import Path

from cleaner.dedup import find_duplicates
from cleaner.errors import RuleFileError
from cleaner.fastscan import default_cache_dir, default_scanner
from cleaner.matchers import (
    Bounds,
    LineScanner,
    Scanner,
    View,
    confirm_line,
    match_block_rule,
    match_line_rule,
    match_run_rule,
    next_filled,
    run_fits,
    split_lines,
)
from cleaner.model import CleanResult, Removal
from cleaner.rules import Rule, RuleSet, read_rules
from cleaner.templates import TemplateCache, TemplateTable, line_contents


@dataclass(frozen=True, slots=True)
class TemplateOrigin:
    """What a removal by a template line names: its rule, and a reason with the line's counts.

    Lighter than a `Rule`: a corpus with the templates of 100,000 sites makes one per
    line it removes (a few hundred thousand, kept only while they are reused).
    """

    id: str
    name: str
    category: str
    reason: str


MAX_RUN_LOOKED_AT = 50  # lines a ``between_rules`` run rule without ``max_lines`` looks at


class Removed:
    """The lines removed so far, by original line index, for the ``between_rules`` guard."""

    def __init__(self, owners: dict[int, Claim], contents: Sequence[str]) -> None:
        self.owners = owners  # shared with `find_removals`, which adds each pass's claims
        self.contents = contents
        self.claims: dict[str, list[Claim]] = {}  # by rule id

    def note(self, claims: Iterable[Claim]) -> None:
        """Remember a pass's claims (their lines are in ``owners`` too)."""
        for claim in claims:
            self.claims.setdefault(claim.rule.id, []).append(claim)

    def by_any(self, rule_ids: Sequence[str]) -> bool:
        """Whether one of these rules has removed a line yet (most pages: none)."""
        return any(rule_id in self.claims for rule_id in rule_ids)

    def may_hold(self, rules: Sequence[Rule]) -> bool:
        """Whether a ``between_removals`` rule may find a match: one without ``between_rules``
        may wherever lines were removed, one with them only once those rules removed one."""
        return any(not rule.between_rules or self.by_any(rule.between_rules) for rule in rules)

    def after(self, rule: Rule, view: View) -> list[int]:
        """The candidates of a ``between_rules`` rule: the positions of the non-blank lines
        of the view from each line those rules removed down to the next removed line (at
        most ``max_lines`` + 1 of them: a longer run is not taken)."""
        cap = (rule.max_lines or MAX_RUN_LOOKED_AT) + 1
        positions: set[int] = set()
        claimed = (claim for rule_id in rule.between_rules for claim in self.claims.get(rule_id, ()))
        for line in (line for claim in claimed for line in claim.lines if self.owners.get(line) is claim):
            if not self.contents[line]:
                continue
            position = bisect_left(view.index, line)  # the first line of the view below it
            taken = 0
            while position < len(view) and taken < cap:
                if not view.is_blank(position):  # as a scanner, which never proposes a blank line
                    positions.add(position)
                    taken += 1
                if position + 1 < len(view) and view.index[position + 1] != view.index[position] + 1:
                    break  # a removed line comes next
                position += 1
        return sorted(positions)

    def remover(self, index: int, step: int) -> Rule | TemplateOrigin | None:
        """The rule that removed the nearest non-blank line from ``index`` looking up (-1)
        or down (1); None when that line is kept, or there is none."""
        index = next_filled(self.contents, index, step)
        claim = None if index is None else self.owners.get(index)
        return None if claim is None else claim.rule


@dataclass(eq=False, slots=True)
class Claim:
    """The lines one rule claimed in one pass (by original line index)."""

    rule: Rule | TemplateOrigin
    duplicate_of: int | None = None
    lines: list[int] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Plan:
    """The rules of a `RuleSet` in the order a pass applies them (see the module docstring)."""

    # The rules the scanner proposes lines for: every pattern rule but those guarded by
    # ``between_rules``, whose lines are found beside those rules' removals (`Removed.after`),
    # and those with a one-sided ``next_to``, found beside their categories' claims.
    pattern_rules: tuple[Rule, ...]
    plain: tuple[Rule, ...]  # block rules, then run rules, then line rules
    duplicate: tuple[Rule, ...]
    guarded: tuple[Rule, ...]  # rules with a ``next_to`` guard
    between: tuple[Rule, ...] = ()  # rules with a ``between_removals`` guard: a phase of their own
    templates: TemplateTable | None = None  # None: no template rule
    scoped: bool = False  # whether any rule names its sites
    template_rules: dict[int, TemplateOrigin] = field(default_factory=dict, compare=False)  # by entry

    # Each pattern rule's (group, order, rule): groups 0 plain, 1 guarded, 2 between.
    places: dict[str, tuple[int, int, Rule]] = field(default_factory=dict, compare=False)

    @classmethod
    def of(cls, rules: RuleSet) -> Plan:
        """The plan for ``rules``."""
        pattern_rules = tuple(rule for rule in rules if rule.pattern is not None)
        plain = [rule for rule in pattern_rules if not rule.needs_neighbours]
        ordered = (
            tuple(rule for kind in ("block", "run", "line") for rule in plain if rule.kind == kind),
            tuple(rule for rule in pattern_rules if rule.next_to),
            tuple(rule for rule in pattern_rules if rule.between_removals),
        )
        places = {rule.id: (group, order, rule) for group, rules_of_group in enumerate(ordered)
                  for order, rule in enumerate(rules_of_group)}  # fmt: skip
        return cls(
            tuple(rule for rule in pattern_rules if rule.scanned),
            ordered[0],
            tuple(rule for rule in rules if rule.kind == "duplicate"),
            ordered[1],
            ordered[2],
            rules.templates or None,
            any(rule.sites for rule in rules),
            places=places,
        )

    def proposed(self, candidates: dict[str, list[int]], site: str | None = None) -> Plan:
        """This plan without the pattern rules that have no candidate line in a document
        (``candidates`` may leave such a rule out), nor those scoped to other sites than ``site``.

        A document has candidates for a few of a hundred rules or more: the plan is made
        from those few, put back in order, not by asking every rule.
        """
        places = self.places
        found = sorted(
            [places[rule_id] for rule_id, lines in candidates.items() if lines and rule_id in places]
            + [places[rule.id] for rule in (*self.guarded, *self.between) if not rule.scanned]
        )
        groups: tuple[list[Rule], list[Rule], list[Rule]] = ([], [], [])
        for group, _, rule in found:
            if not self.scoped or applies(rule, site):
                groups[group].append(rule)
        duplicate = self.duplicate
        if self.scoped:
            duplicate = tuple(rule for rule in duplicate if applies(rule, site))
        return Plan(
            self.pattern_rules,
            tuple(groups[0]),
            duplicate,
            tuple(groups[1]),
            tuple(groups[2]),
            templates=self.templates,
            template_rules=self.template_rules,
        )

    def phases(self) -> tuple[Plan, Plan | None]:
        """The plan without its ``between_removals`` rules, and a plan of those alone (None
        when it has none): the second runs only once the first claims nothing more."""
        if not self.between:
            return self, None
        return replace(self, between=()), Plan(self.pattern_rules, (), (), (), self.between)

    def template_lines(self, site: str | None, contents: tuple[str, ...]) -> dict[int, int]:
        """The lines of a document of ``site`` that are template lines of its site, with the
        table entry each matches (`template_rule` gives what its removal names)."""
        if self.templates is None:
            return {}
        return self.templates.find_lines(site, contents)

    def template_rule(self, entry: int) -> TemplateOrigin:
        """What a removal by template entry ``entry`` names (made once per entry while kept)."""
        rule = self.template_rules.get(entry)
        if rule is None:
            assert self.templates is not None
            template, count = self.templates.rule_of(entry)
            reason = template.reason
            if count and template.documents:
                reason += (
                    f": in {count} of its {template.documents} documents ({count / template.documents:.0%})"
                )
            elif count:
                reason += f": in {count} documents"
            rule = TemplateOrigin(template.id, template.name, template.category, reason)
            if len(self.template_rules) >= TEMPLATE_RULES_KEPT:
                self.template_rules.clear()
            self.template_rules[entry] = rule
        return rule


TEMPLATE_RULES_KEPT = 1 << 16


def applies(rule: Rule, site: str | None) -> bool:
    """Whether a rule applies to a document of ``site``: it names no site, or that one."""
    return not rule.sites or site in rule.sites


def find_removals(
    text: str,
    rules: RuleSet,
    *,
    name: str = "<text>",
    scanner: Scanner | None = None,
    plan: Plan | None = None,
    site: str | None = None,
) -> tuple[Removal, ...]:
    """The sorted, disjoint removals the rules make from ``text``, a document of ``site``.

    ``plan`` is ``Plan.of(rules)``, which a caller cleaning many texts makes once.
    """
    lines = split_lines(text)
    plan = plan or Plan.of(rules)
    owners: dict[int, Claim] = {}
    contents = line_contents(lines, text)
    whole = View(range(len(lines)), contents, name)
    # Proposals depend on each line alone (see `Scanner`): one scan serves every pass.
    candidates = (scanner or LineScanner()).candidate_lines(plan.pattern_rules, whole)
    templates = plan.template_lines(site, contents)  # so do template lines: one look-up
    plan = plan.proposed(candidates, site)  # most rules have no candidate in most documents
    settle, between = plan.phases()
    view = whole
    phase = settle
    removed = Removed(owners, contents)
    while True:
        claims = run_pass(phase, view, candidates, lines, templates, removed)
        if not claims:
            if between is None or phase is between or not removed.may_hold(between.between):
                break
            phase = between  # the others have settled: the rules that read their removals
            continue
        phase = settle
        for claim in claims:
            for index in claim.lines:
                owners[index] = claim
        removed.note(claims)
        if templates:  # the template lines taken are out of every later view
            templates = {index: origin for index, origin in templates.items() if index not in owners}
        if revoke_orphaned_duplicates(owners):
            view = whole.narrow(index for index in range(len(lines)) if index not in owners)
        else:
            view = view.narrow(position for position, index in enumerate(view.index) if index not in owners)
    return build_removals(lines, owners)


def revoke_orphaned_duplicates(owners: dict[int, Claim]) -> bool:
    """Give back each duplicate whose kept copy a later pass removed; True if any was.

    A duplicate is removed only because an earlier copy stays. When a later pass takes
    that copy (a block that grew into reach, say), removing both would lose the line,
    so the duplicate returns to the document and the next pass judges it afresh.
    """
    orphans = {
        id(claim): claim
        for claim in owners.values()
        if claim.duplicate_of is not None and claim.duplicate_of - 1 in owners
    }
    for claim in orphans.values():
        for index in claim.lines:
            del owners[index]
    return bool(orphans)


def run_pass(
    plan: Plan,
    view: View,
    candidates: dict[str, list[int]],
    lines: list[str],
    templates: dict[int, int] | None = None,
    removed: Removed | None = None,
) -> list[Claim]:
    """The claims of one pass over ``view`` (of the original ``lines``), blank-line surplus included.

    ``candidates`` are the scanner's proposals by original line number; ``templates`` the
    template lines, by original line number, with their table entries.
    """
    owner, claims = claim_lines(
        plan, view, positions_in(view, candidates, len(lines)), len(lines), templates, removed
    )
    if not claims:
        return []
    absorb_blank_lines(view, owner)
    keep_lone_cr_apart(view, owner, lines)
    for position, claim_of_line in enumerate(owner):
        if claim_of_line is not None:
            claim_of_line.lines.append(view.index[position])
    return claims


def claim_lines(
    plan: Plan,
    view: View,
    in_view: Callable[[Rule], list[int]],
    total: int,
    templates: dict[int, int] | None = None,
    removed: Removed | None = None,
) -> tuple[list[Claim | None], list[Claim]]:
    """The claim owning each position of the view (None: kept), and the claims, by precedence.

    ``total`` is the number of lines of the whole text the view is part of; ``removed``
    tells which rule removed a line's nearest neighbour (for ``between_rules``).
    """
    owner: list[Claim | None] = [None] * len(view)
    claims: list[Claim] = []

    def claim(rule: Rule | TemplateOrigin, first: int, last: int, duplicate_of: int | None = None) -> None:
        positions = [p for p in range(first, last + 1) if owner[p] is None]
        if positions:
            new = Claim(rule, duplicate_of)
            claims.append(new)
            for position in positions:
                owner[position] = new

    for rule in plan.plain:
        for first, last in match_spans(rule, view, in_view(rule)):
            claim(rule, first, last)
    for position, entry in template_positions(view, templates):
        if owner[position] is None:  # what its removal names is made only for a line it takes
            claim(plan.template_rule(entry), position, position)
    kept_originals: set[int] = set()
    for rule in plan.duplicate:
        taken = {p for p, o in enumerate(owner) if o is not None}
        for position, original in find_duplicates(rule, view, taken):
            claim(rule, position, position, view.index[original] + 1)
            kept_originals.add(original)
    for rule in (*plan.between, *plan.guarded):
        if rule.between_rules:
            if removed is None or not removed.by_any(rule.between_rules):
                continue  # the rules it must lie between have removed nothing
            candidates = removed.after(rule, view)
        elif rule.one_side:
            candidates = beside_claims(rule, view, owner, claims)
        else:
            candidates = in_view(rule)
        if not candidates:
            continue  # most passes of most documents
        for first, last in guarded_spans(
            rule, view, owner, candidates, total=total, kept_originals=kept_originals, removed=removed
        ):
            claim(rule, first, last)
    return owner, claims


def template_positions(view: View, templates: dict[int, int] | None) -> list[tuple[int, int]]:
    """The positions in ``view`` of the template lines (by original line), with their entries."""
    if not templates:
        return []
    index = view.index
    if isinstance(index, range):  # the whole document: positions are line numbers
        return sorted(templates.items())
    found = []
    for line in sorted(templates):  # a view keeps the original order: find each by bisection
        position = bisect_left(index, line)
        if position < len(index) and index[position] == line:
            found.append((position, templates[line]))
    return found


def positions_in(view: View, candidates: dict[str, list[int]], total: int) -> Callable[[Rule], list[int]]:
    """A function giving a rule's candidate lines as positions in ``view`` (of ``total`` lines), in order."""
    if len(view) == total:
        return lambda rule: candidates[rule.id]  # every line is in view: positions are line numbers
    position_of: dict[int, int] = {}  # made on first use: a pass of unscanned rules needs none

    def in_view(rule: Rule) -> list[int]:
        if not position_of:
            position_of.update((line, position) for position, line in enumerate(view.index))
        return [position_of[line] for line in candidates[rule.id] if line in position_of]

    return in_view


def match_spans(rule: Rule, view: View, candidates: Sequence[int]) -> Iterable[tuple[int, int]]:
    """The spans a rule claims among its candidates."""
    if rule.kind == "block":
        return match_block_rule(rule, view, candidates)
    if rule.kind == "run":
        return match_run_rule(rule, view, candidates)
    return match_line_rule(rule, view, candidates)


def guarded_spans(
    rule: Rule,
    view: View,
    owner: list[Claim | None],
    candidates: Sequence[int],
    *,
    total: int,
    kept_originals: set[int],
    removed: Removed | None = None,
) -> Iterable[tuple[int, int]]:
    """The spans of a rule guarded by ``between_removals`` or ``next_to`` that its guard admits."""
    if rule.between_removals:
        spans = spans_between_removals(rule, view, candidates, total)
        if not rule.between_rules:
            return spans
        return (span for span in spans if between_named_rules(rule, view, span, removed))
    return (
        (first, last)
        for first, last in match_spans(rule, view, candidates)
        if first not in kept_originals and is_next_to(rule, view, owner, first, last)
    )


def beside_claims(rule: Rule, view: View, owner: list[Claim | None], claims: list[Claim]) -> list[int]:
    """The candidates of a rule with a one-sided ``next_to``: not scanned for, they are the
    nearest non-blank unclaimed line beside each line that its categories claimed."""
    if not any(claim.rule.category in rule.next_to for claim in claims):
        return []  # most documents: no line of the view is read
    step = 1 if rule.next_to_side == "above" else -1  # from the claimed line to the candidate
    found = set()
    for position, claim in enumerate(owner):
        if claim is None or claim.rule.category not in rule.next_to:
            continue
        candidate = position + step
        while 0 <= candidate < len(owner) and owner[candidate] is None and view.is_blank(candidate):
            candidate += step
        if 0 <= candidate < len(owner) and owner[candidate] is None:
            found.add(candidate)
    return sorted(found)


def is_next_to(rule: Rule, view: View, owner: list[Claim | None], first: int, last: int) -> bool:
    """Whether the nearest non-blank line above or below the span is claimed by one of the
    rule's ``next_to`` categories; with ``next_to_side`` "above" or "below", on that side
    only (a header over a blank line and its paragraph). A blank line never parts two
    lines of one box: extractors put one between every two lines of a form."""
    steps = {"either": (-1, 1), "above": (-1,), "below": (1,)}[rule.next_to_side]
    for step in steps:
        position = first - 1 if step < 0 else last + 1
        while 0 <= position < len(owner) and owner[position] is None and view.is_blank(position):
            position += step
        if 0 <= position < len(owner):
            neighbour = owner[position]
            if neighbour is not None and neighbour.rule.category in rule.next_to:
                return True
    return False


def between_named_rules(
    rule: Rule, view: View, span: tuple[int, int], removed: Removed | None
) -> bool:
    """Whether the nearest non-blank line above the span and the nearest below were both
    removed by rules that ``rule.between_rules`` names (a teaser between two time stamps,
    not between any two removals)."""
    if removed is None:
        return False
    named = rule.between_rules
    above = removed.remover(view.index[span[0]], -1)
    below = removed.remover(view.index[span[1]], 1)
    return getattr(above, "id", None) in named and getattr(below, "id", None) in named


def spans_between_removals(
    rule: Rule, view: View, candidates: Sequence[int], total: int
) -> Iterator[tuple[int, int]]:
    """The rule's spans that lie between removed lines (``total``: lines of the whole text).

    Called once the other rules have settled: a removed line is one missing from the
    view, seen as a jump in its line numbers. A run may hold such gaps (a teaser's time
    stamp, removed, does not break it) and blank lines, and is kept only when the nearest
    non-blank line above it and the nearest below were removed. A run of lines that looks
    like teasers sits between other boilerplate; the same lines between kept paragraphs
    are a list of the article's own.

    Only the candidates are visited (with the positions of the non-blank lines, found in
    C), and a run rule confirms its lines only where enough candidates lie together with
    a removal beside them: most lines of most texts are never read.
    """
    if len(view) == total:
        return  # nothing removed: nothing is between removals
    gaps = Gaps(view, total)
    bounds: Bounds = {}
    if rule.kind != "run":  # each line on its own
        for position in candidates:
            rank = gaps.rank(position)
            between = gaps.removed_before(rank) and gaps.removed_after(rank)
            if between and confirm_line(rule, view, position, bounds):
                yield position, position
        return
    for group in gaps.groups(candidates):  # ranks of candidates with only blank lines between
        if len(group) < rule.min_lines or not gaps.holds_a_removal(group):
            continue
        run: list[int] = []  # ranks of confirmed lines; a line that fails ends the run
        for rank in [*group, -1]:  # -1: the end of the group
            # Under ``between_rules`` a removed line ends the run too: each piece lies
            # between two removals, which those rules must have made.
            ends = rank >= 0 and run and rule.between_rules
            if ends and gaps.apart(gaps.nonblank[run[-1]], gaps.nonblank[rank]):
                if run_fits(rule, run) and gaps.removed_before(run[0]):  # removed lines lie after it
                    yield gaps.nonblank[run[0]], gaps.nonblank[run[-1]]
                run = []
            if rank >= 0 and confirm_line(rule, view, gaps.nonblank[rank], bounds):
                run.append(rank)
                continue
            if run_fits(rule, run) and gaps.removed_before(run[0]) and gaps.removed_after(run[-1]):
                yield gaps.nonblank[run[0]], gaps.nonblank[run[-1]]
            run = []


class Gaps:
    """Where a view's non-blank lines are, and whether removed lines lie between them.

    Non-blank lines are numbered by ``rank``; two lines of the view have removed lines
    between them when their line numbers in the text differ more than their positions.
    """

    def __init__(self, view: View, total: int) -> None:
        self.index = view.index
        self.size = len(view)
        self.total = total  # lines in the whole text
        self.nonblank = list(compress(range(len(view)), view.contents))

    def rank(self, position: int) -> int:
        """The rank of the non-blank line at ``position``."""
        return bisect_left(self.nonblank, position)

    def apart(self, first: int, second: int) -> bool:
        """Whether removed lines lie between view positions ``first`` < ``second``."""
        return self.index[second] - self.index[first] != second - first

    def removed_before(self, rank: int) -> bool:
        """Whether the nearest non-blank line above the line of ``rank`` is a removed one."""
        position = self.nonblank[rank]
        if rank == 0:  # removed lines before it, if its line number is ahead of its position
            return self.index[position] > position
        return self.apart(self.nonblank[rank - 1], position)

    def removed_after(self, rank: int) -> bool:
        """Whether the nearest non-blank line below the line of ``rank`` is a removed one."""
        position = self.nonblank[rank]
        if rank == len(self.nonblank) - 1:
            return self.total - 1 - self.index[position] != self.size - 1 - position
        return self.apart(position, self.nonblank[rank + 1])

    def groups(self, candidates: Sequence[int]) -> Iterator[list[int]]:
        """The candidates' ranks, in runs of consecutive non-blank lines."""
        group: list[int] = []
        for position in candidates:
            rank = self.rank(position)
            if group and rank != group[-1] + 1:
                yield group
                group = []
            group.append(rank)
        if group:
            yield group

    def holds_a_removal(self, group: list[int]) -> bool:
        """Whether removed lines lie beside the group or inside it: with none, no run in it
        lies between removals, and its lines need not be confirmed."""
        inside = self.apart(self.nonblank[group[0]], self.nonblank[group[-1]])
        return inside or (self.removed_before(group[0]) and self.removed_after(group[-1]))


def absorb_blank_lines(view: View, owner: list[Claim | None]) -> None:
    """Give each run of claimed lines the blank lines its removal would leave in surplus."""
    total = len(view)
    position = 0
    while position < total:
        if owner[position] is None:
            position += 1
            continue
        first = position
        while position < total and owner[position] is not None:
            position += 1
        last = position - 1
        while position < total and owner[position] is None and view.is_blank(position):
            position += 1
        if position == total:  # only blank lines follow the run: they go, and those before it
            for blank in range(last + 1, total):
                owner[blank] = owner[last]
            before = first - 1
            while before >= 0 and owner[before] is None and view.is_blank(before):
                owner[before] = owner[first]
                before -= 1
        elif first == 0:  # the run starts the document: leading blank lines go
            for blank in range(last + 1, position):
                owner[blank] = owner[last]
        elif view.is_blank(first - 1) and position > last + 1:  # a blank line on each side
            owner[last + 1] = owner[last]


def keep_lone_cr_apart(view: View, owner: list[Claim | None], lines: list[str]) -> None:
    """Take a blank ``\n`` line that a removal would join to a line ending in a lone ``\r``.

    Kept as they are, the two would read as one ``\r\n`` line break, and a line of the
    kept text would no longer be a line of the original.
    """
    previous_kept: int | None = None
    for position in range(len(view)):
        if owner[position] is not None:
            continue
        if (
            previous_kept is not None
            and position > previous_kept + 1
            and lines[view.index[previous_kept]].endswith("\r")
            and lines[view.index[position]] == "\n"
        ):
            owner[position] = owner[position - 1]
            continue
        previous_kept = position


def build_removals(lines: list[str], owners: dict[int, Claim]) -> tuple[Removal, ...]:
    """One `Removal` per stretch of consecutive original lines owned by the same claim.

    Only the owned lines are visited: most documents have none, or a few.
    """
    if not owners:
        return ()
    offsets = [0, *accumulate(map(len, lines))]  # where each line starts
    removals = []
    stretch: list[int] = []
    for index in sorted(owners):
        if stretch and (index != stretch[-1] + 1 or owners[index] is not owners[stretch[0]]):
            removals.append(make_removal(owners[stretch[0]], lines, offsets, stretch))
            stretch = []
        stretch.append(index)
    removals.append(make_removal(owners[stretch[0]], lines, offsets, stretch))
    return tuple(removals)


def make_removal(claim: Claim, lines: list[str], offsets: list[int], stretch: list[int]) -> Removal:
    """A `Removal` for ``claim`` of the consecutive original lines in ``stretch`` (0-based),
    where ``offsets`` says where each line starts."""
    first_line, last_line = stretch[0], stretch[-1]
    text = "".join(lines[first_line : last_line + 1])
    rule = claim.rule
    return Removal(
        start=offsets[first_line],
        end=offsets[last_line + 1],
        first_line=first_line + 1,
        last_line=last_line + 1,
        rule_id=rule.id,
        rule_name=rule.name,
        category=rule.category,
        reason=rule.reason,
        text=text,
        duplicate_of=claim.duplicate_of,
    )


def load_rules(paths: Iterable[Path | str] | None = None, *, check_examples: bool = True) -> RuleSet:
    """Load rule files (the built-ins when ``paths`` is None) and, by default, check their examples.

    Raises `RuleFileError` with every problem at once; see `cleaner.rules.read_rules`.
    Template-only files are read through the on-disk cache (`cleaner.templates.TemplateCache`).
    """
    rules = read_rules(paths, cache=TemplateCache(default_cache_dir()))
    if check_examples:
        problems = check_rule_examples(rules)
        if problems:
            raise RuleFileError(problems)
    return rules


def rules_for_examples(rule: Rule, rules: Iterable[Rule]) -> RuleSet:
    """The rules a rule's examples run with: the rule alone, or, when a guard reads other
    rules' removals, the rule and the rules it reads (``next_to``: those of the categories
    it names; ``between_removals``: all of ``rules``).
    """
    if not rule.needs_neighbours:
        return RuleSet((rule,))
    if rule.between_removals:
        return RuleSet(tuple(rules))
    return RuleSet(tuple(other for other in rules if other is rule or other.category in rule.next_to))


def check_rule_examples(rules: Iterable[Rule]) -> list[str]:
    """Run each rule on its examples (with the rules its guards need); describe every example
    it gets wrong.

    A rule must remove something from each ``remove`` example (a one-line example
    whole) and nothing from each ``keep`` example; other rules' removals do not count. A rule
    scoped to sites runs as on its first.
    """
    problems = []
    rules = tuple(rules)
    for rule in rules:
        alone = rules_for_examples(rule, rules)
        site = rule.sites[0] if rule.sites else None
        for number, text in enumerate(rule.examples.remove, 1):
            removals = [r for r in find_removals(text, alone, site=site) if r.rule_id == rule.id]
            one_line = "\n" not in text.rstrip("\r\n")
            if not removals or (one_line and removals[0].text != text):
                what = "does not remove" if removals else "removes nothing from"
                problems.append(
                    f"{rule.where('examples.remove')}: {rule.id}.examples.remove[{number}]: "
                    f"the rule {what} {text[:60]!r}"
                )
        for number, text in enumerate(rule.examples.keep, 1):
            if any(r.rule_id == rule.id for r in find_removals(text, alone, site=site)):
                problems.append(
                    f"{rule.where('examples.keep')}: {rule.id}.examples.keep[{number}]: "
                    f"the rule removes something from {text[:60]!r}"
                )
    return problems


class Cleaner:
    """Rules loaded, selected and compiled once: the hot path for many documents.

    >>> Cleaner().clean("Advertisement\\nReal text.\\n").text
    'Real text.\\n'
    """

    def __init__(
        self,
        rules: RuleSet | None = None,
        *,
        profile: str | None = "article",
        select: Sequence[str] = (),
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
        scanner: Scanner | None = None,
    ) -> None:
        all_rules = rules if rules is not None else load_rules(check_examples=False)
        self.rules = all_rules.select(
            profile=profile, select=select, ignore=ignore, extend_select=extend_select
        )
        self.scanner = scanner if scanner is not None else default_scanner()
        self.plan = Plan.of(self.rules)

    def clean(self, text: str, *, name: str = "<text>", site: str | None = None) -> CleanResult:
        """Clean one text of ``site`` (for rules scoped to sites and template lines); ``name``
        labels the document in errors."""
        removals = find_removals(text, self.rules, name=name, scanner=self.scanner, plan=self.plan, site=site)
        return CleanResult(text, removals)

    @property
    def needs_site(self) -> bool:
        """Whether the site of a document can change what is removed from it."""
        return self.plan.templates is not None or self.plan.scoped


@lru_cache(maxsize=4)
def default_cleaner(profile: str) -> Cleaner:
    """The built-in rules for ``profile``, loaded once per process (they never change)."""
    return Cleaner(profile=profile)


def clean(
    text: str, *, profile: str = "article", rules: RuleSet | None = None, site: str | None = None
) -> CleanResult:
    """Clean one text (of ``site``) with the built-in rules of ``profile``, or with ``rules`` as given.

    ``rules`` is used as it is (already selected); pass ``RuleSet(())`` to remove nothing.
    """
    if rules is None:
        return default_cleaner(profile).clean(text, site=site)
    return CleanResult(text, find_removals(text, rules, site=site))
