"""The ``cleaner`` command line: the only module that prints, reads argv or picks exit codes.

Exit codes: 0 nothing to remove (or all fixed), 1 removals found, 2 usage, config,
rule-file or file error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from enum import Enum
from functools import partial
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from cleaner.corpus import CorpusOptions, CorpusStats, clean_corpus, default_workers, dumps_stats
from cleaner.errors import CleanerError, DocumentError, RuleFileError
from cleaner.files import FileOutcome, clean_paths, write_copy
from cleaner.io import decode_document, write_atomically
from cleaner.matchers import LineScanner
from cleaner.pipeline import Cleaner
from cleaner.render import (
    Tally,
    make_console,
    render_corpus_stats,
    render_concise,
    render_rich_diff,
    render_unified_diff,
    result_to_dict,
)
from cleaner.rules import PROFILES, RuleSet, builtin_rules_dir, load_rules

app = typer.Typer(
    help="Strip boilerplate from scraped text, and show what was stripped and why.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals would be private corpus text
    add_completion=False,
)
out = make_console()
err = make_console(stderr=True)


class OutputFormat(str, Enum):
    """How ``check`` reports removals."""

    full = "full"
    concise = "concise"
    json = "json"


PathsArg = Annotated[list[Path], typer.Argument(help="Files or folders (walked in sorted order).")]
ProfileOpt = Annotated[str, typer.Option(help=f"Rule profile: {', '.join(PROFILES)}.")]
SelectOpt = Annotated[list[str], typer.Option("--select", help="Only these rules (id, id prefix or name).")]
IgnoreOpt = Annotated[list[str], typer.Option("--ignore", help="Leave out these rules (id, id prefix or name).")]
ExtendOpt = Annotated[list[str], typer.Option("--extend-select", help="Add these rules to the profile's.")]
RulesOpt = Annotated[list[Path], typer.Option("--rules", help="Extra rule file or folder (repeatable).")]
NoDefaultOpt = Annotated[bool, typer.Option("--no-default-rules", help="Do not load the built-in rules.")]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a diagnostic on stderr and exit."""
    err.print(message, markup=False)
    raise typer.Exit(code)


def load_all_rules(extra: list[Path], no_default: bool) -> RuleSet:
    """The built-in rules (unless dropped) and the user's rule files, all validated."""
    for path in extra:
        if not path.exists():
            fail(f"{path}: no such rule file or folder")
    builtin = [] if no_default else [builtin_rules_dir()]
    try:
        # Built-in examples run in the test suite; users' examples are checked here.
        user = load_rules(extra, check_examples=True) if extra else RuleSet(())
        base = load_rules(builtin, check_examples=False) if builtin else RuleSet(())
    except RuleFileError as error:
        fail("\n".join(error.problems) + f"\n{len(error.problems)} problem(s) in rule files; nothing was cleaned")
    return load_merged(base, user)


def load_merged(base: RuleSet, user: RuleSet) -> RuleSet:
    """Built-in and user rules together; an id used twice is an error."""
    known = {rule.id: rule for rule in base}
    clashes = [f"{rule.source}: {rule.id}.id: already used by {known[rule.id].source}" for rule in user if rule.id in known]
    if clashes:
        fail("\n".join(clashes))
    return RuleSet(base.rules + user.rules)


def make_cleaner(
    profile: str, select: list[str], ignore: list[str], extend_select: list[str], rules: list[Path], no_default: bool
) -> Cleaner:
    """Resolve the rule options into a ready `Cleaner`."""
    if profile not in PROFILES:
        fail(f"--profile: unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    ruleset = load_all_rules(rules, no_default)
    for selector in [*select, *ignore, *extend_select]:
        if selector != "ALL" and not ruleset.select(profile=None, select=[selector]).rules:
            fail(f"no rule matches {selector!r}; see `cleaner rules`")
    return Cleaner(ruleset, profile=profile, select=select, ignore=ignore, extend_select=extend_select)


def report_problem(outcome: FileOutcome) -> bool:
    """Print a skip or error note for one file on stderr; True if it was an error."""
    if outcome.skipped:
        err.print(outcome.skipped, markup=False, style="dim")
    if outcome.error:
        err.print(outcome.error, markup=False, style="red")
        return True
    return False


@app.command()
def check(
    paths: PathsArg,
    fix: Annotated[bool, typer.Option("--fix", help="Rewrite files in place (atomically).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a plain unified diff instead.")] = False,
    output_format: Annotated[OutputFormat, typer.Option("--output-format", help="full, concise or json.")] = OutputFormat.full,
    statistics: Annotated[bool, typer.Option("--statistics/--no-statistics", help="Show the per-rule table.")] = True,
    profile: ProfileOpt = "article",
    select: SelectOpt = [],  # noqa: B006 (typer reads defaults, never mutates them)
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
) -> None:
    """Report what would be removed, one line per removal; --fix rewrites the files."""
    cleaner = make_cleaner(profile, select, ignore, extend_select, rules, no_default_rules)
    tally = Tally()
    errors = False
    reports = []
    for outcome in run_guarded(clean_paths(paths, cleaner, fix=fix)):
        errors |= report_problem(outcome)
        if outcome.result is None:
            continue
        tally.add(outcome.result)
        name = str(outcome.path)
        if diff:
            out.print(render_unified_diff(name, outcome.result), end="", markup=False, highlight=False)
        elif output_format is OutputFormat.json:
            reports.append(result_to_dict(name, outcome.result))
        else:
            print_findings(name, outcome, full=output_format is OutputFormat.full)
        if outcome.fixed:
            err.print(f"Fixing {name}", markup=False)
    if output_format is OutputFormat.json and not diff:
        print(json.dumps(reports, indent=2, ensure_ascii=False))
    if statistics and tally.counts and output_format is not OutputFormat.json:
        err.print(tally.table())
    if errors:
        raise typer.Exit(2)
    raise typer.Exit(1 if tally.changed and not fix else 0)


def print_findings(name: str, outcome: FileOutcome, *, full: bool) -> None:
    """Print ``path:line: RULE reason`` per removal, with the removed text under it in full."""
    assert outcome.result is not None
    for line, removal in zip(render_concise(name, outcome.result), outcome.result.removals, strict=True):
        out.print(line, markup=False, highlight=False)
        if full:
            for removed in removal.text.splitlines()[:3]:
                out.print(f"    | {removed[:100]}", markup=False, highlight=False, style="dim")


@app.command()
def diff(
    paths: PathsArg,
    profile: ProfileOpt = "article",
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
) -> None:
    """Show, per document, each line that would be removed, in context, with its rule and reason."""
    cleaner = make_cleaner(profile, select, ignore, extend_select, rules, no_default_rules)
    tally = Tally()
    errors = False
    for outcome in run_guarded(clean_paths(paths, cleaner)):
        errors |= report_problem(outcome)
        if outcome.result is not None:
            tally.add(outcome.result)
            out.print(render_rich_diff(str(outcome.path), outcome.result))
            out.print()
    if tally.documents:
        out.print(tally.table())
    raise typer.Exit(2 if errors else 1 if tally.changed else 0)


@app.command()
def clean(
    path: Annotated[str, typer.Argument(help="A file, a folder (with -o), or - for standard input.")],
    output: Annotated[Path | None, typer.Option("-o", "--output", help="Write cleaned copies into this folder.")] = None,
    profile: ProfileOpt = "article",
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
) -> None:
    """Print the cleaned text (for pipes), or write cleaned copies with -o DIR."""
    cleaner = make_cleaner(profile, select, ignore, extend_select, rules, no_default_rules)
    if path == "-":
        guarded(lambda: clean_stdin(cleaner))
        return
    root = Path(path)
    if root.is_dir() and output is None:
        fail(f"{root}: is a folder; give -o DIR to write cleaned copies")
    errors = False
    for outcome in run_guarded(clean_paths([root], cleaner)):
        errors |= report_problem(outcome)
        if outcome.result is None or outcome.document is None:
            continue
        if output is None:
            sys.stdout.buffer.write(outcome.document.encode(outcome.result.text))
            sys.stdout.buffer.flush()
        else:
            try:
                write_copy(outcome, root, output)
            except DocumentError as error:
                errors |= report_problem(FileOutcome(outcome.path, error=str(error)))
    raise typer.Exit(2 if errors else 0)


def clean_stdin(cleaner: Cleaner) -> None:
    """Clean standard input to standard output, byte for byte outside removed lines."""
    document = decode_document(sys.stdin.buffer.read(), "<stdin>")
    result = cleaner.clean(document.text, name="<stdin>")
    sys.stdout.buffer.write(document.encode(result.text))
    sys.stdout.buffer.flush()


@app.command(name="rules")
def list_rules(
    profile: Annotated[str | None, typer.Option(help="Only rules of this profile.")] = None,
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
) -> None:
    """List the rules: id, name, category, profiles, and whether they are on by default."""
    from rich.table import Table  # noqa: PLC0415 (only this command needs it)

    table = Table()
    for column in ("id", "name", "kind", "category", "profiles", "default", "reason"):
        table.add_column(column)
    for rule in load_all_rules(rules, no_default_rules):
        if profile is None or profile in rule.profiles:
            table.add_row(rule.id, rule.name, rule.kind, rule.category, ",".join(rule.profiles),
                          "on" if rule.enabled else "opt-in", rule.reason)
    out.print(table)


@app.command(name="rule")
def explain_rule(
    key: Annotated[str, typer.Argument(help="A rule id, alias or name.")],
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
) -> None:
    """Explain one rule: its reason, description, settings and examples."""
    rule = load_all_rules(rules, no_default_rules).get(key)
    if rule is None:
        fail(f"no rule named {key!r}; see `cleaner rules`")
    lines = [f"{rule.id} {rule.name} ({rule.kind}, {rule.category}; profiles: {', '.join(rule.profiles)};"
             f" {'on by default' if rule.enabled else 'opt-in'})", f"Reason: {rule.reason}", f"Defined in {rule.source}"]
    if rule.description:
        lines += ["", rule.description]
    if rule.pattern is not None:
        lines += ["", f"Pattern: {rule.pattern.pattern}"]
    lines += ["", "Removed:"] + [f"  {example!r}" for example in rule.examples.remove]
    lines += ["Kept:"] + [f"  {example!r}" for example in rule.examples.keep]
    out.print("\n".join(lines), markup=False, highlight=False)


class OnError(str, Enum):
    """What ``corpus`` does with a record it cannot clean."""

    stop = "stop"
    skip = "skip"


class Engine(str, Enum):
    """Where ``corpus`` runs: processes on this machine, or a Ray cluster."""

    local = "local"
    ray = "ray"


@app.command()
def corpus(
    inputs: Annotated[list[Path], typer.Argument(help="JSONL (.jsonl, .jsonl.gz, .jsonl.zst) or Parquet files, or folders of them.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="Output file, or folder for several inputs or a folder.")],
    text_field: Annotated[str, typer.Option(help="The field holding the text to clean.")] = "text",
    id_field: Annotated[str, typer.Option(help="The field naming a record in the audit trail.")] = "id",
    drop_empty: Annotated[bool, typer.Option("--drop-empty", help="Leave out records whose cleaned text is blank.")] = False,
    removed_output: Annotated[Path | None, typer.Option(help="Audit trail: one JSON line per changed document.")] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    stats_json: Annotated[Path | None, typer.Option(help="Write the statistics as JSON to this file.")] = None,
    on_error: Annotated[OnError, typer.Option(help="stop, or skip (and list) records that cannot be cleaned.")] = OnError.stop,
    engine: Annotated[Engine, typer.Option(help="local processes, or ray (pip install 'cleaner[ray]').")] = Engine.local,
    address: Annotated[str | None, typer.Option(help="Ray cluster address (with --engine ray).")] = None,
    engine_regex: Annotated[bool, typer.Option("--engine-regex", help="Pure regex matching, no hyperscan.")] = False,
    profile: ProfileOpt = "article",
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
) -> None:
    """Clean the text field of every record of JSONL or Parquet files, on all cores."""
    cleaner = make_cleaner(profile, select, ignore, extend_select, rules, no_default_rules)
    if engine_regex:
        cleaner = Cleaner(cleaner.rules, profile=None, select=["ALL"], scanner=LineScanner())
    options = CorpusOptions(text_field, id_field, drop_empty, on_error.value, removed_output is not None)
    if engine is Engine.ray:
        from cleaner.ray_engine import clean_corpus_ray  # noqa: PLC0415 (optional, heavy)

        stats: CorpusStats = guarded(lambda: clean_corpus_ray(
            inputs, output, cleaner, options, address=address, removed_output=removed_output))
    else:
        with corpus_progress() as progress:
            stats = guarded(lambda: clean_corpus(
                inputs, output, cleaner, options, workers=workers or default_workers(),
                removed_output=removed_output, progress=progress))
    for problem in [*stats.skipped, *stats.timeouts][:20]:
        err.print(problem, markup=False, style="yellow")
    err.print(render_corpus_stats(stats))
    if stats_json is not None:
        guarded(lambda: write_atomically(stats_json, dumps_stats(stats)))


@contextmanager
def corpus_progress() -> Iterator[Callable[[CorpusStats, int, int], None] | None]:
    """A progress callback drawing a rich bar on a terminal; None elsewhere."""
    if not err.is_terminal:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn, TransferSpeedColumn  # noqa: PLC0415

    columns = (TextColumn("{task.fields[documents]:,} documents"), BarColumn(), TransferSpeedColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err, transient=True) as bar:
        task = bar.add_task("corpus", total=None, documents=0)

        def update(stats: CorpusStats, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total, documents=stats.documents)

        yield update


@app.command()
def learn(
    paths: Annotated[list[Path], typer.Argument(help="Text files (one document each), JSONL or Parquet, or folders.")],
    output: Annotated[Path, typer.Option("-o", "--output", help="A .toml file (one site), or a folder: one file per site.")],
    group_by: Annotated[str | None, typer.Option(help="Record field naming the site (default: the host of 'url'; \"\" for one group).")] = None,
    min_docs: Annotated[int, typer.Option(help="Learn a line found in at least this many documents of a site...")] = 5,
    min_share: Annotated[float, typer.Option(help="...and in at least this share of them.")] = 0.3,
    explain: Annotated[bool, typer.Option("--explain", help="Print why each candidate line was learned or rejected.")] = False,
    text_field: Annotated[str, typer.Option(help="Record field holding the text.")] = "text",
    id_field: Annotated[str, typer.Option(help="Record field naming the document in descriptions.")] = "id",
    id_prefix: Annotated[str, typer.Option(help="Letters of the learned rule ids.")] = "LRN",
    id_start: Annotated[int | None, typer.Option(help="First id number (default: after the ids already in the folder).")] = None,
    engine: Annotated[Engine, typer.Option(help="local, or ray (pip install 'cleaner\\[ray]').")] = Engine.local,
    address: Annotated[str | None, typer.Option(help="Ray cluster address (default: a local instance).")] = None,
) -> None:
    """Learn the lines each site repeats on its pages, and write them as rule files to review."""
    from cleaner import learn as learning  # noqa: PLC0415 (only this command needs it)

    settings = learning.LearnSettings(min_docs=min_docs, min_share=min_share)
    try:
        shards = learning.plan_shards(paths, text_field=text_field, id_field=id_field, group_by=group_by)
        run = learning.learn if engine is Engine.local else partial(learning.learn_with_ray, address=address)
        result = run(shards, settings)
        plans = learning.plan_rule_files(result, output, prefix=id_prefix, start=id_start)
        learning.write_rule_files(plans)
    except CleanerError as error:
        fail(str(error))
    if explain:
        for candidate in result.candidates:
            out.print(candidate.explain(), markup=False, highlight=False)
    for plan in plans if len(plans) <= 20 else []:  # a broad crawl's thousands of sites: the total only
        err.print(f"{plan.site}: {plan.rules} line(s) learned from {result.group_docs[plan.group]} documents "
                  f"-> {plan.path}", markup=False, highlight=False)
    err.print(f"{sum(p.rules for p in plans)} line(s) learned for {len(plans)} of {len(result.groups())} site(s) "
              f"from {sum(result.group_docs.values())} documents; review the files before use", markup=False)


def run_guarded(outcomes):  # type: ignore[no-untyped-def]
    """Iterate outcomes, turning library errors (a rule timeout) into a clear exit."""
    try:
        yield from outcomes
    except CleanerError as error:
        fail(str(error))


def guarded(action):  # type: ignore[no-untyped-def]
    """Run an action and return its value, turning library errors into a clear exit."""
    try:
        return action()
    except CleanerError as error:
        fail(str(error))


def main() -> None:
    """Entry point of the ``cleaner`` script: never a traceback for a user's mistake."""
    try:
        app()
    except KeyboardInterrupt:
        err.print("interrupted")
        sys.exit(130)
