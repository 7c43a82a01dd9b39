"""The ``cleaner`` command line: the only module that prints, reads argv or picks exit codes.

Exit codes: 0 nothing to remove (or all fixed; ``diff`` and the other views always),
1 ``check`` found removals, 2 usage, config, rule-file or file error.

Streams: stdout carries what was asked for (findings, the diff view, cleaned text,
the list of rules); stderr carries everything about the run (progress, notes, errors,
``Fixing <file>``, the per-rule table and the one-line summary), so a pipe gets only
results.
"""

from __future__ import annotations

import io
import os
import shlex
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from cleaner.about import version
from cleaner.errors import CleanerError, ConfigError, DocumentError, RuleFileError
from cleaner.escaping import escape_unprintable
from cleaner.helptext import App, choice_parser

# Start-up: `cleaner --help` loads only the above; each command imports the library
# modules it uses (the rules engine, rich, the corpus machinery) when it runs.
if TYPE_CHECKING:
    from rich.console import Console

    from cleaner.config import Settings
    from cleaner.corpus import CorpusStats
    from cleaner.files import FileOutcome, TextCleaner
    from cleaner.model import CleanResult
    from cleaner.render import Tally
    from cleaner.rules import RuleSet

app = App(
    help="Strip boilerplate from scraped text, and show what was stripped and why.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals would be private corpus text
    add_completion=False,
)
T = TypeVar("T")


class LazyConsole:
    """A rich console made on first use (rich's console takes a while to import)."""

    def __init__(self, *, stderr: bool) -> None:
        self.stderr = stderr
        self.console: Console | None = None

    def __getattr__(self, name: str) -> object:
        if self.console is None:
            from cleaner.render import make_console  # noqa: PLC0415 (see the imports)

            self.console = make_console(stderr=self.stderr)
        return getattr(self.console, name)


out: Console = LazyConsole(stderr=False)  # type: ignore[assignment]  # results
err: Console = LazyConsole(stderr=True)  # type: ignore[assignment]  # diagnostics


def print_version(requested: bool) -> None:
    """Print ``cleaner VERSION`` and stop, for ``--version``."""
    if requested:
        write(f"cleaner {version()}\n")
        raise typer.Exit()


@app.callback()
def main_options(
    show_version: Annotated[
        bool,
        typer.Option("--version", is_eager=True, callback=print_version, help="Print the version and exit."),
    ] = False,
) -> None:
    """Strip boilerplate from scraped text, and show what was stripped and why."""


class OutputFormat(StrEnum):
    """How ``check`` reports removals."""

    full = "full"
    concise = "concise"
    json = "json"
    json_lines = "json-lines"
    github = "github"
    sarif = "sarif"


RULES, FILES, BASELINE = "Rule selection", "Files and configuration", "Baseline"  # sections of the help
PathsArg = Annotated[
    list[Path], typer.Argument(metavar="PATHS", help="Files or folders (walked in sorted order).")
]
ProfileOpt = Annotated[
    str | None,
    typer.Option(
        metavar="PROFILE",
        help="Rule profile: article or page (default: article).",
        rich_help_panel=RULES,
    ),
]
SelectOpt = Annotated[
    list[str],
    typer.Option(
        "--select",
        metavar="RULE",
        help="Only these rules: id, id prefix or name (repeatable, or comma-separated).",
        rich_help_panel=RULES,
    ),
]
IgnoreOpt = Annotated[
    list[str],
    typer.Option(
        "--ignore", metavar="RULE", help="Leave out these rules (as --select).", rich_help_panel=RULES
    ),
]
ExtendOpt = Annotated[
    list[str],
    typer.Option(
        "--extend-select",
        metavar="RULE",
        help="Add these rules to the profile's (as --select).",
        rich_help_panel=RULES,
    ),
]
RulesOpt = Annotated[
    list[Path],
    typer.Option("--rules", help="Your own rule file or folder (repeatable).", rich_help_panel=RULES),
]
NoDefaultOpt = Annotated[
    bool, typer.Option("--no-default-rules", help="Do not load the built-in rules.", rich_help_panel=RULES)
]
ConfigOpt = Annotated[
    Path | None,
    typer.Option(
        "--config",
        help="Use this configuration file (a cleaner.toml or a pyproject.toml).",
        rich_help_panel=FILES,
    ),
]
IsolatedOpt = Annotated[
    bool, typer.Option("--isolated", help="Ignore all configuration files.", rich_help_panel=FILES)
]
ExcludeOpt = Annotated[
    list[str],
    typer.Option(
        "--exclude",
        metavar="GLOB",
        help="Leave out files matching this glob (repeatable; replaces the configuration's).",
        rich_help_panel=FILES,
    ),
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a diagnostic on stderr (each of its lines escaped, see `say`) and exit."""
    err.print("\n".join(map(escape_unprintable, message.split("\n"))), markup=False)
    raise typer.Exit(code)


def say(message: str, **style: str | bool) -> None:
    """Print a one-line diagnostic on stderr.

    File names and record ids come from outside: control characters and undecodable
    bytes in them are escaped (`cleaner.escaping`), so a name cannot clear the screen,
    overwrite a line or forge one.
    """
    err.print(escape_unprintable(message), markup=False, **style)  # type: ignore[arg-type]


def make_cleaner(
    profile: str | None,
    select: list[str],
    ignore: list[str],
    extend_select: list[str],
    rules: list[Path],
    no_default: bool,
    *,
    config: Path | None = None,
    isolated: bool = False,
    exclude: list[str] | None = None,
) -> Settings:
    """Resolve the configuration file and the rule options into the run's `Settings`.

    Every command that cleans goes through here, so the file, the flags and their errors
    behave the same everywhere. The result cleans like a `Cleaner` (``.clean``), picks
    the files to visit (``.discover``) and holds the selected ``rules``.
    """
    from cleaner.config import Options, resolve_settings  # noqa: PLC0415 (see the imports)
    from cleaner.render import plural  # noqa: PLC0415
    from cleaner.rules import missing_examples  # noqa: PLC0415

    options = Options(
        profile=profile,
        select=split_commas(select),
        ignore=split_commas(ignore),
        extend_select=split_commas(extend_select),
        rules=tuple(rules),
        no_default_rules=no_default,
        exclude=tuple(exclude or ()),
        config=config,
        isolated=isolated,
    )
    try:
        settings = resolve_settings(options, Path.cwd())
    except RuleFileError as error:
        fail(
            "\n".join(error.problems)
            + f"\n{plural(len(error.problems), 'problem')} in rule files; nothing was cleaned"
        )
    except ConfigError as error:
        fail(str(error))
    for warning in filter(None, map(missing_examples, settings.all_rules)):
        say(warning, highlight=False, style="yellow")
    return settings


def split_commas(values: list[str]) -> tuple[str, ...]:
    """Selectors given repeatedly or comma-separated, as ruff takes them.

    >>> split_commas(["CRD001,ADS001", "promo", " SHR , "])
    ('CRD001', 'ADS001', 'promo', 'SHR')
    """
    return tuple(part.strip() for value in values for part in value.split(",") if part.strip())


def load_all_rules(
    extra: list[Path], no_default: bool, *, config: Path | None = None, isolated: bool = False
) -> RuleSet:
    """Every rule loaded (built-in unless dropped, the configuration's and ``extra``), validated."""
    return make_cleaner(None, [], [], [], extra, no_default, config=config, isolated=isolated).all_rules


def report_problem(outcome: FileOutcome) -> bool:
    """Print a skip or error note for one file on stderr; True if it was an error."""
    if outcome.skipped:
        say(outcome.skipped, style="dim")
    if outcome.error:
        say(outcome.error, style="red")
        return True
    return False


@app.command()
def check(
    paths: PathsArg,
    fix: Annotated[bool, typer.Option("--fix", help="Rewrite files in place (atomically).")] = False,
    diff: Annotated[bool, typer.Option("--diff", help="Print a plain unified diff instead.")] = False,
    output_format: Annotated[
        OutputFormat,
        typer.Option(
            "--output-format",
            metavar="FORMAT",
            parser=choice_parser(OutputFormat),
            help="How to report removals.",
        ),
    ] = OutputFormat.full,
    statistics: Annotated[
        bool, typer.Option("--statistics", help="Print removals per rule instead of each removal.")
    ] = False,
    exit_zero: Annotated[
        bool, typer.Option("--exit-zero", help="Exit 0 even when removals are found (errors still exit 2).")
    ] = False,
    exit_non_zero_on_fix: Annotated[
        bool, typer.Option("--exit-non-zero-on-fix", help="With --fix, exit 1 when any file was changed.")
    ] = False,
    show_fixes: Annotated[
        bool, typer.Option("--show-fixes", help="With --fix, also report the removals that were fixed.")
    ] = False,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline",
            help="Baseline file (default: cleaner-baseline.json by the configuration file).",
            rich_help_panel=BASELINE,
        ),
    ] = None,
    no_baseline: Annotated[
        bool,
        typer.Option("--no-baseline", help="Report everything, baseline or not.", rich_help_panel=BASELINE),
    ] = False,
    write_baseline: Annotated[
        bool,
        typer.Option(
            "--write-baseline",
            help="Accept every current removal: record them in the baseline.",
            rich_help_panel=BASELINE,
        ),
    ] = False,
    profile: ProfileOpt = None,
    select: SelectOpt = [],  # noqa: B006 (typer reads defaults, never mutates them)
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
    exclude: ExcludeOpt = [],  # noqa: B006
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
) -> None:
    """Report what would be removed; --fix rewrites the files (and prints Fixing <file>)."""
    from cleaner.baseline import BaselineCleaner, read_baseline  # noqa: PLC0415 (see the imports)
    from cleaner.files import clean_files  # noqa: PLC0415
    from cleaner.render import FindingsRenderer, Tally, render_statistics, render_unified_diff  # noqa: PLC0415

    settings = make_cleaner(
        profile,
        select,
        ignore,
        extend_select,
        rules,
        no_default_rules,
        config=config,
        isolated=isolated,
        exclude=exclude,
    )
    baseline_file = baseline or settings.baseline_path()
    if write_baseline and (fix or no_baseline):
        fail("--write-baseline records what is there; it cannot be used with --fix or --no-baseline")
    if write_baseline:
        from cleaner.targets import ReadPaths  # noqa: PLC0415 (see the imports)

        # Discovery passes over the baseline, so it may sit in a folder being read; but a
        # file named to be checked is never overwritten with it.
        named_files = ReadPaths(path for path in paths if not os.path.isdir(path))
        guarded(lambda: named_files.check([("--baseline", baseline_file)]))
        record_baseline(paths, settings, baseline_file)
    accepted = None if no_baseline else guarded(lambda: read_baseline(baseline_file))
    cleaner = BaselineCleaner(settings, accepted) if accepted and accepted.entries else settings
    renderer = FindingsRenderer(output_format.value, settings.rules)
    reported, fixed, errors = Tally(), 0, False
    for outcome in run_guarded(clean_files(settings.discover(paths), cleaner, fix=fix)):
        errors |= report_problem(outcome)
        if outcome.result is None:
            continue
        fixed += outcome.fixed
        if outcome.fixed:
            say(f"Fixing {outcome.path}", highlight=False)
        if outcome.fixed and not show_fixes:
            continue
        name = str(outcome.path)
        reported.add(outcome.result, name)
        if not statistics:
            write(
                render_unified_diff(name, outcome.result) if diff else renderer.document(name, outcome.result)
            )
    write(
        render_statistics(reported, output_format.value) if statistics else "" if diff else renderer.finish()
    )
    if output_format in (OutputFormat.full, OutputFormat.concise) and not (statistics or diff):
        report_totals(reported, paths, fixed=fix)
    remaining = reported.changed - (fixed if show_fixes else 0)
    raise typer.Exit(check_exit_code(errors, remaining, fixed, exit_zero, exit_non_zero_on_fix))


def report_totals(tally: Tally, paths: list[Path], *, fixed: bool) -> None:
    """The end of a report on stderr: the per-rule table, a one-line summary, and the next step.

    Under pre-commit the table is left out: the hook's log should stay short.
    """
    from cleaner.render import under_pre_commit  # noqa: PLC0415 (see the imports)

    if tally.counts and not under_pre_commit():
        err.print(tally.table())
    summary = tally.summary()
    if tally.counts and not fixed:
        target = command_paths(tally.changed_names, [str(path) for path in paths])
        summary += f". To remove them: cleaner check --fix {target} (review first: cleaner diff {target})"
    say(summary, highlight=False)


def command_paths(changed: list[str], given: list[str], limit: int = 60) -> str:
    """The paths to paste after a command: the changed files, else what was given, if short.

    A name with a control character is not offered: printed, it would drive the
    terminal; escaped, it would not name the file.

    >>> command_paths(["a.txt", "--odd.txt"], ["."]), command_paths(["x" * 70], ["docs"])
    ('-- a.txt --odd.txt', 'docs')
    >>> command_paths(["a\x1b[2J.txt"], ["docs"])
    'docs'
    """
    for names in (changed, given):
        if any(escape_unprintable(name) != name for name in names):
            continue
        joined = shlex.join(names)
        if len(joined) <= limit:
            return f"-- {joined}" if any(name.startswith("-") for name in names) else joined
    return "FILE..."


def record_baseline(paths: list[Path], settings: Settings, path: Path) -> NoReturn:
    """Record every current removal under ``paths`` in the baseline at ``path`` (others' entries kept), and exit."""
    from cleaner.baseline import read_baseline  # noqa: PLC0415 (see the imports)
    from cleaner.files import clean_files  # noqa: PLC0415
    from cleaner.render import plural  # noqa: PLC0415

    old = guarded(lambda: read_baseline(path))
    problems = []

    def results() -> Iterator[tuple[str, CleanResult]]:
        for outcome in run_guarded(clean_files(settings.discover(paths), settings)):
            if report_problem(outcome):
                problems.append(outcome.path)
            elif outcome.result is not None:
                yield str(outcome.path), outcome.result

    new = old.record(results())
    if problems:
        fail(f"{path}: not written: {plural(len(problems), 'file')} could not be read")
    guarded(lambda: new.write(path))
    say(f"Wrote {plural(sum(new.entries.values()), 'accepted removal')} to {path}", highlight=False)
    raise typer.Exit(0)


def check_exit_code(
    errors: bool, remaining: int, fixed: int, exit_zero: bool, exit_non_zero_on_fix: bool
) -> int:
    """2 on any error; else 1 if removals remain, or files were fixed under --exit-non-zero-on-fix; else 0.

    >>> check_exit_code(False, 3, 0, True, False), check_exit_code(False, 0, 2, False, True)
    (0, 1)
    """
    if errors:
        return 2
    if exit_non_zero_on_fix and fixed:
        return 1
    return 1 if remaining and not exit_zero else 0


def write(text: str) -> None:
    """Write results to stdout as they are, with no markup or wrapping.

    Encoded with ``surrogateescape`` so that undecodable bytes of a document come out as
    they went in, whatever the locale's error handler.
    """
    if text:
        sys.stdout.flush()
        sys.stdout.buffer.write(text.encode("utf-8", "surrogateescape"))
        sys.stdout.buffer.flush()


@app.command()
def diff(
    paths: PathsArg,
    profile: ProfileOpt = None,
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
    exclude: ExcludeOpt = [],  # noqa: B006
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
) -> None:
    """Show, per document, each line that would be removed, in context, with its rule and reason.

    A view for people: it exits 0 whatever it shows (`check` exits 1 when something
    would be removed).
    """
    from cleaner.files import clean_files  # noqa: PLC0415 (see the imports)
    from cleaner.render import Tally, render_rich_diff  # noqa: PLC0415

    cleaner = make_cleaner(
        profile,
        select,
        ignore,
        extend_select,
        rules,
        no_default_rules,
        config=config,
        isolated=isolated,
        exclude=exclude,
    )
    tally = Tally()
    errors = False
    for outcome in run_guarded(clean_files(cleaner.discover(paths), cleaner)):
        errors |= report_problem(outcome)
        if outcome.result is not None:
            tally.add(outcome.result)
            out.print(render_rich_diff(str(outcome.path), outcome.result, wrap=out.is_terminal))
            out.print()
    if tally.counts:
        err.print(tally.table())
    say(tally.summary(), highlight=False)
    raise typer.Exit(2 if errors else 0)  # a view: what it shows is not a failure


@app.command()
def clean(
    path: Annotated[
        str, typer.Argument(metavar="PATH", help="A file, a folder (with -o), or - for standard input.")
    ],
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="Write cleaned copies into this folder.")
    ] = None,
    profile: ProfileOpt = None,
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
    exclude: ExcludeOpt = [],  # noqa: B006
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
) -> None:
    """Print the cleaned text (for pipes), or write cleaned copies with -o DIR."""
    from cleaner.files import FileOutcome, check_copies, clean_files, write_copy  # noqa: PLC0415 (see the imports)

    cleaner = make_cleaner(
        profile,
        select,
        ignore,
        extend_select,
        rules,
        no_default_rules,
        config=config,
        isolated=isolated,
        exclude=exclude,
    )
    if path == "-":
        if output is not None:
            fail(f"-o {output}: standard input is cleaned to standard output; redirect it to a file instead")
        guarded(lambda: clean_stdin(cleaner))
        return
    root = Path(path)
    if root.is_dir() and output is None:
        fail(f"{root}: is a folder; give -o DIR to write cleaned copies")
    files = list(cleaner.discover([root]))
    if output is not None:
        guarded(lambda: check_copies(root, files, output))
    errors = False
    for outcome in run_guarded(clean_files(files, cleaner)):
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


def clean_stdin(cleaner: TextCleaner) -> None:
    """Clean standard input to standard output, byte for byte outside removed lines."""
    from cleaner.io import decode_document  # noqa: PLC0415 (see the imports)

    document = decode_document(sys.stdin.buffer.read(), "<stdin>")
    result = cleaner.clean(document.text, name="<stdin>")
    sys.stdout.buffer.write(document.encode(result.text))
    sys.stdout.buffer.flush()


@app.command(name="rules")
def list_rules(
    profile: Annotated[
        str | None, typer.Option(metavar="PROFILE", help="Only rules of this profile.")
    ] = None,
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
    check: Annotated[
        list[Path],
        typer.Option(
            "--check",
            help="Check this rule file or folder (repeatable): fields, examples, and patterns"
            " that may backtrack badly.",
        ),
    ] = [],  # noqa: B006
) -> None:
    """List the rules: id, name, category, profiles, and whether they are on by default.

    With --check FILE, check rule files instead: every field and example, and patterns
    that may backtrack badly (warned about, not refused).
    """
    if check:
        check_rule_files(check)
        return
    from cleaner.render import render_columns  # noqa: PLC0415 (see the imports)

    rows = [
        (
            rule.id,
            rule.name,
            rule.kind,
            rule.category,
            ",".join(rule.profiles),
            "on" if rule.enabled else "opt-in",
            rule.reason,
        )
        for rule in load_all_rules(rules, no_default_rules, config=config, isolated=isolated)
        if profile is None or profile in rule.profiles
    ]
    write(render_columns(("id", "name", "kind", "category", "profiles", "default", "reason"), rows))


def check_rule_files(paths: list[Path]) -> None:
    """Validate rule files with their examples (exit 2 on a problem) and warn on stderr about
    patterns that may backtrack badly, naming the rule and the construct."""
    from cleaner.backtracking import describe_backtracking  # noqa: PLC0415 (see the imports)
    from cleaner.pipeline import load_rules  # noqa: PLC0415
    from cleaner.render import plural  # noqa: PLC0415

    try:
        rules = load_rules(paths, check_examples=True)
    except RuleFileError as error:
        fail("\n".join(error.problems) + f"\n{plural(len(error.problems), 'problem')} in rule files")
    warnings = describe_backtracking(rules)
    for warning in warnings:
        say(f"warning: {warning}", highlight=False, style="yellow")
    err.print(
        f"{plural(len(rules), 'rule')} checked: valid, examples pass; "
        f"{plural(len(warnings), 'backtracking warning')}",
        markup=False,
        highlight=False,
    )


@app.command(name="rule")
def explain_rule(
    key: Annotated[str, typer.Argument(metavar="RULE", help="A rule id, alias or name.")],
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
) -> None:
    """Explain one rule: its reason, description, settings and examples."""
    rule = load_all_rules(rules, no_default_rules, config=config, isolated=isolated).get(key)
    if rule is None:
        fail(f"no rule named {key!r}; see `cleaner rules`")
    lines = [
        f"{rule.id} {rule.name} ({rule.kind}, {rule.category}; profiles: {', '.join(rule.profiles)};"
        f" {'on by default' if rule.enabled else 'opt-in'})",
        f"Reason: {rule.reason}",
        f"Defined in {rule.source}",
    ]
    if rule.description:
        lines += ["", rule.description]
    if rule.pattern is not None:
        lines += ["", f"Pattern: {rule.pattern.pattern}"]
    if rule.backtracking_ok:
        lines += [f"Backtracking: {rule.backtracking_ok}"]
    lines += ["", "Removed:"] + [f"  {example!r}" for example in rule.examples.remove]
    lines += ["Kept:"] + [f"  {example!r}" for example in rule.examples.keep]
    out.print("\n".join(lines), markup=False, highlight=False)


class OnError(StrEnum):
    """What ``corpus`` does with a record it cannot clean."""

    stop = "stop"
    skip = "skip"


class Engine(StrEnum):
    """Where ``corpus`` runs: processes on this machine, or a Ray cluster."""

    local = "local"
    ray = "ray"


@app.command()
def corpus(
    inputs: Annotated[
        list[Path],
        typer.Argument(
            metavar="INPUTS",
            help="JSONL (.jsonl, .jsonl.gz, .jsonl.zst) or Parquet files, or folders of them;"
            " - reads JSONL from standard input.",
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "-o",
            "--output",
            help="Output file, or folder for several inputs or a folder; - writes JSONL to standard output.",
        ),
    ],
    text_field: Annotated[
        str, typer.Option(metavar="FIELD", help="The field holding the text to clean.")
    ] = "text",
    id_field: Annotated[
        str, typer.Option(metavar="FIELD", help="The field naming a record in the audit trail.")
    ] = "id",
    drop_empty: Annotated[
        bool, typer.Option("--drop-empty", help="Leave out records whose cleaned text is blank.")
    ] = False,
    removed_output: Annotated[
        Path | None, typer.Option(help="Audit trail: one JSON line per changed document.")
    ] = None,
    workers: Annotated[int | None, typer.Option(min=1, help="Worker processes (default: all cores).")] = None,
    stats_json: Annotated[
        Path | None, typer.Option(help="Write the statistics as JSON to this file.")
    ] = None,
    on_error: Annotated[
        OnError | None,
        typer.Option(
            metavar="ACTION",
            parser=choice_parser(OnError),
            help="stop (the default), or skip (and list) records that cannot be cleaned. A rule that runs"
            " past its time limit on a record keeps that record unchanged and lists it, unless --on-error"
            " stop is given.",
            show_default=False,
        ),
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            metavar="ENGINE",
            parser=choice_parser(Engine),
            help="local processes, or ray (the ray extra: pip install 'boilerplate-cleaner[ray]').",
        ),
    ] = Engine.local,
    address: Annotated[str | None, typer.Option(help="Ray cluster address (with --engine ray).")] = None,
    engine_regex: Annotated[
        bool, typer.Option("--engine-regex", help="Pure regex matching, no hyperscan.")
    ] = False,
    profile: ProfileOpt = None,
    select: SelectOpt = [],  # noqa: B006
    ignore: IgnoreOpt = [],  # noqa: B006
    extend_select: ExtendOpt = [],  # noqa: B006
    rules: RulesOpt = [],  # noqa: B006
    no_default_rules: NoDefaultOpt = False,
    config: ConfigOpt = None,
    isolated: IsolatedOpt = False,
) -> None:
    """Clean the text field of every record of JSONL or Parquet files, on all cores."""
    from cleaner.corpus import CorpusOptions, clean_corpus, default_workers, dumps_stats  # noqa: PLC0415
    from cleaner.io import write_atomically  # noqa: PLC0415 (see the imports)
    from cleaner.matchers import LineScanner  # noqa: PLC0415
    from cleaner.pipeline import Cleaner  # noqa: PLC0415
    from cleaner.render import render_corpus_stats  # noqa: PLC0415

    settings = make_cleaner(
        profile, select, ignore, extend_select, rules, no_default_rules, config=config, isolated=isolated
    )
    cleaner = settings.cleaner_for("<corpus>")
    if engine_regex:
        cleaner = Cleaner(cleaner.rules, profile=None, select=["ALL"], scanner=LineScanner())
    options = CorpusOptions(
        text_field,
        id_field,
        drop_empty,
        (on_error or OnError.stop).value,
        removed_output is not None,
        on_timeout="stop" if on_error is OnError.stop else "keep",  # only when asked for
    )
    also_written = [("--stats-json", stats_json)] if stats_json is not None else []
    if engine is Engine.ray:
        from cleaner.ray_engine import clean_corpus_ray  # noqa: PLC0415 (optional, heavy)

        stats: CorpusStats = guarded(
            lambda: clean_corpus_ray(
                inputs,
                output,
                cleaner,
                options,
                address=address,
                removed_output=removed_output,
                also_written=also_written,
            )
        )
    else:
        with corpus_progress() as progress:
            stats = guarded(
                lambda: clean_corpus(
                    inputs,
                    output,
                    cleaner,
                    options,
                    workers=workers or default_workers(),
                    removed_output=removed_output,
                    progress=progress,
                    also_written=also_written,
                )
            )
    for problem in [*stats.skipped, *stats.timeouts][:20]:
        say(problem, style="yellow")
    err.print(render_corpus_stats(stats))
    if stats_json is not None:
        guarded(lambda: write_atomically(stats_json, dumps_stats(stats)))


@contextmanager
def corpus_progress() -> Iterator[Callable[[CorpusStats, int, int], None] | None]:
    """A progress callback drawing a rich bar on a terminal; None elsewhere."""
    from cleaner.render import show_progress  # noqa: PLC0415 (see the imports)

    if not show_progress(err):
        yield None
        return
    from rich.progress import (  # noqa: PLC0415 (only this command needs it)
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
        TransferSpeedColumn,
    )

    columns = (
        TextColumn("{task.fields[documents]:,} documents"),
        BarColumn(),
        DownloadColumn(),  # bytes read of the input's total size, when it is known
        TransferSpeedColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    # Redrawn after each chunk rather than by rich's refresh thread: with no thread
    # running, the workers can be forked (see `cleaner.corpus.worker_start_method`).
    with Progress(*columns, console=err, transient=True, auto_refresh=False) as bar:
        task = bar.add_task("corpus", total=None, documents=0)

        def update(stats: CorpusStats, done: int, total: int) -> None:
            # A stream has no size (total 0): the bar then shows activity, not a share.
            bar.update(task, completed=done, total=total or None, documents=stats.documents, refresh=True)

        yield update


@app.command()
def learn(
    paths: Annotated[
        list[Path],
        typer.Argument(metavar="PATHS", help="Text files (one document each), JSONL or Parquet, or folders."),
    ],
    output: Annotated[
        Path, typer.Option("-o", "--output", help="A .toml file (one site), or a folder: one file per site.")
    ],
    group_by: Annotated[
        str | None,
        typer.Option(
            metavar="FIELD",
            help="Record field naming the site (default: the host of 'url'; \"\" for one group).",
        ),
    ] = None,
    min_docs: Annotated[
        int, typer.Option(help="Learn a line found in at least this many documents of a site...")
    ] = 5,
    min_share: Annotated[float, typer.Option(help="...and in at least this share of them.")] = 0.3,
    explain: Annotated[
        bool, typer.Option("--explain", help="Print why each candidate line was learned or rejected.")
    ] = False,
    text_field: Annotated[str, typer.Option(metavar="FIELD", help="Record field holding the text.")] = "text",
    id_field: Annotated[
        str, typer.Option(metavar="FIELD", help="Record field naming the document in descriptions.")
    ] = "id",
    id_prefix: Annotated[
        str, typer.Option(metavar="LETTERS", help="Letters of the learned rule ids.")
    ] = "LRN",
    id_start: Annotated[
        int | None, typer.Option(help="First id number (default: after the ids already in the folder).")
    ] = None,
    engine: Annotated[
        Engine,
        typer.Option(
            metavar="ENGINE",
            parser=choice_parser(Engine),
            help="local, or ray (the ray extra: pip install 'boilerplate-cleaner[ray]').",
        ),
    ] = Engine.local,
    address: Annotated[
        str | None, typer.Option(help="Ray cluster address (default: a local instance).")
    ] = None,
) -> None:
    """Learn the lines each site repeats on its pages, and write them as rule files to review."""
    from cleaner import learn as learning  # noqa: PLC0415 (only this command needs it)
    from cleaner.io import discover  # noqa: PLC0415
    from cleaner.render import plural  # noqa: PLC0415
    from cleaner.targets import ReadPaths  # noqa: PLC0415

    settings = learning.LearnSettings(min_docs=min_docs, min_share=min_share)
    try:
        reads = ReadPaths([*paths, *discover(paths)])
        reads.check([("-o", output)])
        shards = learning.plan_shards(paths, text_field=text_field, id_field=id_field, group_by=group_by)
        run = learning.learn if engine is Engine.local else partial(learning.learn_with_ray, address=address)
        result = run(shards, settings)
        plans = learning.plan_rule_files(result, output, prefix=id_prefix, start=id_start)
        reads.check(("-o", plan.path) for plan in plans)
        learning.write_rule_files(plans)
    except CleanerError as error:
        fail(str(error))
    if explain:
        for candidate in result.candidates:
            out.print(candidate.explain(), markup=False, highlight=False)
    left_out = [note for plan in plans for note in plan.left_out]
    for note in left_out:
        err.print(note, markup=False, highlight=False, style="yellow")
    plans = [plan for plan in plans if plan.rules]
    for plan in plans if len(plans) <= 20 else []:  # a broad crawl's thousands of sites: the total only
        say(
            f"{plan.site}: {plural(plan.rules, 'line')} learned from "
            f"{plural(result.group_docs[plan.group], 'document')} "
            f"-> {plan.path}",
            highlight=False,
        )
    err.print(
        f"{plural(sum(p.rules for p in plans), 'line')} learned for {len(plans)} of "
        f"{plural(len(result.groups()), 'site')} from {plural(sum(result.group_docs.values()), 'document')}"
        + (f"; {len(left_out)} left out (see above)" if left_out else "")
        + "; review the files before use",
        markup=False,
    )


def run_guarded(outcomes: Iterable[FileOutcome]) -> Iterator[FileOutcome]:
    """Iterate outcomes, turning library errors (a rule timeout) into a clear exit."""
    try:
        yield from outcomes
    except CleanerError as error:
        fail(str(error))


def guarded(action: Callable[[], T]) -> T:
    """Run an action and return its value, turning library errors into a clear exit."""
    try:
        return action()
    except CleanerError as error:
        fail(str(error))


def main() -> None:
    """Entry point of the ``cleaner`` script: never a traceback for a user's mistake.

    SIGTERM is handled like Ctrl-C (SIGINT): the run stops between two files or after
    the current atomic write, temporary files are removed, and the exit code is
    128 + the signal number. Undecodable bytes kept as lone surrogates are printed as
    backslash escapes instead of crashing the output stream.
    """
    received: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        received.append(signum)
        raise KeyboardInterrupt

    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # respect nohup and the like
            signal.signal(signum, stop)
    protect_streams()
    try:
        app()
    except KeyboardInterrupt:
        received.append(signal.SIGINT)
    except SystemExit:
        if not received:
            raise
    if not received:
        return
    err.print(
        f"interrupted by {signal.Signals(received[0]).name}: every file is either as it was or fully written",
        markup=False,
    )
    sys.exit(128 + received[0])


def protect_streams() -> None:
    """Let stdout and stderr print undecodable input bytes as escapes (e.g. ``\\udce9``)."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")
