"""The command line's ``--help``, written by cleaner from the commands' own declarations.

Typer's help changes look from one release to the next: 0.29 prints ``<bool>`` after
every flag, ``<list[Path]>``, a usage line ``cleaner check [OPTIONS] {paths}...``, and
wraps a list of choices in the middle of a word. So cleaner renders its help itself, in
the plain style of ruff's (usage, arguments, options in sections, each option with its
value's name, help, possible values and default), and reads the same under any Typer.

The text is built from the command functions' ``Annotated`` parameters (the
``typer.Option`` and ``typer.Argument`` objects and the Python types), not from the
Click objects Typer builds from them, whose classes change between releases. The
sections are the options' ``rich_help_panel``. ``docs/cli.md`` holds the same text
(``python -m cleaner.docs``); a test compares it with what the installed Typer prints.
"""

from __future__ import annotations

import difflib
import inspect
import shutil
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any, TypeVar, get_args, get_origin, get_type_hints

import typer
from typer.core import TyperCommand, TyperGroup
from typer.models import ArgumentInfo, ParameterInfo

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_SECTION = "Options"
HELP_OPTION = "Show this help and exit."
MAX_WIDTH = 100
MAX_LABEL = 28  # an option longer than this gets its help on the next line
GLUE = "\u00a0"  # a space that wrapping does not break at (textwrap splits at ASCII spaces only)


@dataclass(frozen=True, slots=True)
class Param:
    """One argument or option as the help shows it."""

    names: tuple[str, ...]  # ("-o", "--output"); an argument's single name, like PATHS
    metavar: str  # the value's name (PATH, RULE, ...); empty for a flag and for arguments
    help: str
    default: str  # as a user would type it; empty when there is none
    choices: tuple[str, ...]
    argument: bool
    required: bool
    repeatable: bool
    section: str

    @property
    def usage(self) -> str:
        """The argument as the usage line shows it: ``PATHS...``, ``PATH`` or ``[PATH]``."""
        name = self.names[0] + ("..." if self.repeatable else "")
        return name if self.required else f"[{name}]"

    def description(self) -> str:
        """The help, then the possible values and the default, as one paragraph."""
        extras = []  # GLUE keeps "[default: full]" on one line; choices may wrap between values
        if self.choices:
            extras.append(f"[possible{GLUE}values: {', '.join(self.choices)}]")
        if self.default:
            extras.append(f"[default:{GLUE}{self.default}]")
        if self.required and not self.argument:
            extras.append("[required]")
        return " ".join([self.help, *extras]).strip()


def command_params(function: Any) -> list[Param]:
    """The parameters of a Typer command function, read from its ``Annotated`` hints."""
    hints = get_type_hints(function, include_extras=True)
    params = []
    for name, parameter in inspect.signature(function).parameters.items():
        base, *extras = get_args(hints[name])
        info = next(item for item in extras if isinstance(item, ParameterInfo))
        argument = isinstance(info, ArgumentInfo)
        repeatable = get_origin(base) is list
        item_type = value_type(base)
        choices = (
            tuple(str(member.value) for member in item_type)
            if isinstance(item_type, type) and issubclass(item_type, Enum)
            else ()
        )
        declared = [info.default] if isinstance(info.default, str) and info.default.startswith("-") else []
        declared += list(info.param_decls or ())
        names = tuple(part for decl in declared for part in decl.split("/")) or (
            f"--{name.replace('_', '-')}",
        )
        metavar = info.metavar or metavar_for(name, item_type)
        params.append(
            Param(
                names=(metavar,) if argument else names,
                metavar="" if argument or item_type is bool else metavar,
                help=" ".join((info.help or "").split()),
                default=default_text(parameter.default, item_type is bool),
                choices=choices,
                argument=argument,
                required=parameter.default is inspect.Parameter.empty,
                repeatable=repeatable,
                section=info.rich_help_panel or DEFAULT_SECTION,
            )
        )
    return params


def value_type(base: Any) -> Any:
    """The type of one value: ``Path`` for ``list[Path]`` and for ``Path | None``."""
    if get_origin(base) is list:
        base = get_args(base)[0]
    options = [item for item in get_args(base) if item is not type(None)]
    return options[0] if get_origin(base) is not None and options else base


def metavar_for(name: str, kind: Any) -> str:
    """A value's name from its type (``PATH``, ``N``), else from the parameter's name."""
    named = {Path: "PATH", int: "N", float: "NUMBER"}
    return named.get(kind) or name.upper()


def default_text(default: Any, flag: bool) -> str:
    """The default as a user would type it (empty when there is none, and for flags)."""
    if isinstance(default, Enum):
        default = default.value
    if flag or default is inspect.Parameter.empty or default in (None, [], ()):
        return ""
    return str(default)


def help_width() -> int:
    """The width to wrap help at: the terminal's (``COLUMNS`` if set), at most 100."""
    return max(40, min(shutil.get_terminal_size((80, 24)).columns, MAX_WIDTH))


def wrap(text: str, width: int, indent: str) -> list[str]:
    """Wrap at spaces only: a choice like ``json-lines`` or a path is never cut."""
    lines = textwrap.wrap(
        text,
        width=max(width - len(indent), 20),
        break_long_words=False,
        break_on_hyphens=False,
    )
    return [line.replace(GLUE, " ") for line in lines] or [""]


def help_column(labels: list[str]) -> int:
    """Where the help column starts: after the longest label, unless that is too long."""
    return min(max(map(len, labels), default=0), MAX_LABEL) + 4


def render_rows(rows: list[tuple[str, str]], width: int, column: int | None = None) -> list[str]:
    """Two columns, the help wrapped beside its label (or under a label too long)."""
    column = column or help_column([label for label, _ in rows])
    lines = []
    for label, text in rows:
        lines_of_text = wrap(text, width, " " * column) if text else []
        if len(label) + 4 <= column and lines_of_text:
            lines.append(f"  {label.ljust(column - 2)}{lines_of_text[0]}".rstrip())
            lines_of_text = lines_of_text[1:]
        else:
            lines.append(f"  {label}")
        lines += [" " * column + line for line in lines_of_text]
    return lines


def paragraphs(text: str, width: int) -> list[str]:
    """A docstring's paragraphs, each wrapped, with a blank line between them."""
    lines: list[str] = []
    for paragraph in inspect.cleandoc(text).split("\n\n"):
        if lines:
            lines.append("")
        lines += wrap(" ".join(paragraph.split()), width, "")
    return lines


def render_command_help(path: str, function: Any, width: int) -> str:
    """The whole ``--help`` of one command; ``path`` is how it was called (``cleaner check``)."""
    params = command_params(function)
    arguments = [param for param in params if param.argument]
    lines = [*paragraphs(inspect.getdoc(function) or "", width), ""]
    lines.append(" ".join(["Usage:", path, "[OPTIONS]", *(param.usage for param in arguments)]))
    if arguments:
        lines += ["", "Arguments:", *render_rows([(p.usage, p.help) for p in arguments], width)]
    options = [param for param in params if not param.argument]
    indent_long = any(len(param.names[0]) == 2 for param in options)
    sections: dict[str, list[tuple[str, str]]] = {DEFAULT_SECTION: []}
    for param in options:
        sections.setdefault(param.section, []).append((option_label(param, indent_long), param.description()))
    sections[DEFAULT_SECTION].append((option_label(None, indent_long), HELP_OPTION))
    column = help_column([label for rows in sections.values() for label, _ in rows])  # one for all
    for title, rows in sections.items():
        lines += ["", f"{title}:", *render_rows(rows, width, column)]
    return "\n".join(lines) + "\n"


def option_label(param: Param | None, indent_long: bool) -> str:
    """``-o, --output PATH`` or ``    --fix`` (long-only options aligned with short ones)."""
    names, metavar = (("--help",), "") if param is None else (param.names, param.metavar)
    text = ", ".join(names) + (f" {metavar}" if metavar else "")
    return ("    " + text) if indent_long and names[0].startswith("--") else text


def render_group_help(
    path: str, description: str, commands: list[tuple[str, str]], callback: Any, width: int
) -> str:
    """The top-level ``--help``: what the tool does, its commands, its own options."""
    lines = [*paragraphs(description, width), "", f"Usage: {path} [OPTIONS] COMMAND [ARGS]..."]
    lines += ["", "Commands:", *render_rows(commands, width)]
    rows = (
        [(option_label(param, False), param.description()) for param in command_params(callback)]
        if callback
        else []
    )
    lines += ["", "Options:", *render_rows([*rows, ("--help", HELP_OPTION)], width)]
    lines += ["", f"Run '{path} COMMAND --help' for the options of a command."]
    return "\n".join(lines) + "\n"


def summary(function: Any) -> str:
    """A command's first docstring paragraph, on one line: its entry in the list of commands."""
    return " ".join(inspect.cleandoc(inspect.getdoc(function) or "").split("\n\n")[0].split())


class QuickHelpOption:
    """Give ``--help`` a plain ``False`` default when it is not given.

    Typer 0.29 checks the value of every option through pydantic, but passes a ``bool``
    through; an absent ``--help`` was None, and checking it imported pydantic (tens of
    milliseconds) on every run.
    """

    def get_help_option(self, ctx: Any) -> Any:
        """Click's help option, with False for its default."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None and option.default is None:
            option.default = False
        return option


class HelpCommand(QuickHelpOption, TyperCommand):
    """A Typer command whose help and usage line cleaner writes (see the module docstring)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Write the help; Click prints it for ``--help``."""
        formatter.write(render_command_help(ctx.command_path, original(self.callback), help_width()))

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        """``[OPTIONS] PATHS...`` for the usage line of an error message."""
        arguments = [param for param in command_params(original(self.callback)) if param.argument]
        return ["[OPTIONS]", *(param.usage for param in arguments)]


class HelpGroup(QuickHelpOption, TyperGroup):
    """The top-level command, with cleaner's help (see the module docstring)."""

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """Write the help; Click prints it for ``--help`` and when no command is given."""
        commands = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                commands.append((name, summary(original(command.callback))))
        callback = original(self.callback) if self.callback is not None else None
        text = render_group_help(ctx.command_path, self.help or "", commands, callback, help_width())
        formatter.write(text)


def original(callback: Any) -> Any:
    """The function the user wrote, under the wrapper Typer puts around it."""
    return inspect.unwrap(callback)


class App(typer.Typer):
    """A Typer app whose commands use `HelpCommand` and whose top level uses `HelpGroup`.

    ``rich_markup_mode=None`` also makes Typer print usage errors as plain text, as the
    help is.
    """

    def __init__(self, **options: Any) -> None:
        super().__init__(cls=HelpGroup, rich_markup_mode=None, **options)

    def command(self, *args: Any, **options: Any) -> Callable[[F], F]:
        """Register a command, with cleaner's help unless another class is given."""
        options.setdefault("cls", HelpCommand)
        return super().command(*args, **options)


def choice_parser(kind: type[Enum]) -> Any:
    """A Typer ``parser`` for an Enum option, with one plain message for a wrong value.

    Typer 0.29 reports a wrong choice through pydantic (``Value error, 'text' is not one
    of ...``); a parser runs before that, under every Typer. Use it with a ``StrEnum``:
    Typer 0.15 looks the parser's result up again by ``str()``, which must be the value.
    """
    values = [str(member.value) for member in kind]

    def parse(value: Any) -> Enum:
        if isinstance(value, kind):
            return value
        if value in values:
            return kind(value)
        close = difflib.get_close_matches(str(value), values, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise typer.BadParameter(f"{value!r} is not one of {', '.join(values)}{hint}")

    return parse
