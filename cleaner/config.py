"""Configuration: ``[tool.cleaner]`` in ``pyproject.toml`` or a ``cleaner.toml``, merged with flags.

The file is found by walking up from the current folder; in each folder ``cleaner.toml``
wins over ``pyproject.toml``, and a ``pyproject.toml`` without a ``[tool.cleaner]`` table
is passed over (as ruff does). ``--config PATH`` names the file; ``--isolated`` ignores
every file. Paths in a file (``rules``, ``exclude``, ``per-file-ignores``, ``baseline``)
are relative to the folder that holds it.

Rule selection works in two layers, as in ruff: the file's ``select`` / ``extend-select``
/ ``ignore`` first, then the flags' on top (``--select`` starts the selection afresh,
``--extend-select`` adds to it, ``--ignore`` takes rules out).

Every problem in a file is reported at once, each naming the file and the key:

>>> parse_config({"selcet": ["ADS"]}, Path("cleaner.toml"), "")
Traceback (most recent call last):
...
cleaner.errors.ConfigError: cleaner.toml: selcet: unknown key 'selcet'; did you mean 'select'?
"""

from __future__ import annotations

import difflib
import fnmatch
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.errors import ConfigError, RuleFileError
from cleaner.io import discover
from cleaner.matchers import Scanner
from cleaner.model import CleanResult
from cleaner.pipeline import Cleaner, load_rules
from cleaner.rules import (
    PROFILES,
    RuleSet,
    builtin_rules_dir,
    matches_any,
    names_match,
)
from cleaner.smallfiles import SettingsFileError, describe_toml_error, parse_nested, read_settings_text
from cleaner.templates import folder_site

CONFIG_FILES = ("cleaner.toml", "pyproject.toml")
DEFAULT_PROFILE = "article"
DEFAULT_BASELINE = "cleaner-baseline.json"
LIST_KEYS = ("select", "ignore", "extend-select", "rules", "exclude")
KEYS = ("profile", *LIST_KEYS, "rule-settings", "per-file-ignores", "baseline")
# Settings a configuration may change per rule, with their bounds (as in rule files).
RULE_SETTINGS: dict[str, tuple[type, float, float]] = {
    "threshold": (float, 0, 100),
    "timeout": (float, 0.001, 600),
    "min_words": (int, 0, 10**9),
    "max_words": (int, 0, 10**9),
    "max_chars": (int, 0, 10**9),
    "max_candidates": (int, 0, 10**9),
}


@dataclass(frozen=True, slots=True)
class FileConfig:
    """What one configuration file says, validated; its paths made absolute.

    ``path`` is None when no file was used (``--isolated``, or none was found).
    """

    path: Path | None = None
    profile: str | None = None
    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    rules: tuple[Path, ...] = ()
    exclude: tuple[str, ...] = ()
    rule_settings: Mapping[str, Mapping[str, float]] = field(default_factory=dict)
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    baseline: Path | None = None

    def label(self, key: str) -> str:
        """Where a key lives, for messages: ``pyproject.toml: tool.cleaner.select``."""
        if self.path is None:
            return f"--{key}"
        prefix = "tool.cleaner." if self.path.name == "pyproject.toml" else ""
        return f"{self.path}: {prefix}{key}"


@dataclass(frozen=True, slots=True)
class Options:
    """The rule and file options given on the command line; None or empty means not given."""

    profile: str | None = None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    rules: tuple[Path, ...] = ()
    no_default_rules: bool = False
    exclude: tuple[str, ...] = ()
    config: Path | None = None
    isolated: bool = False


def find_config(start: Path) -> Path | None:
    """The nearest ``cleaner.toml``, or ``pyproject.toml`` with ``[tool.cleaner]``, at or above ``start``."""
    for folder in (start, *start.parents):
        for name in CONFIG_FILES:
            candidate = folder / name
            if candidate.is_file() and (name != "pyproject.toml" or has_cleaner_table(candidate)):
                return candidate
    return None


def has_cleaner_table(path: Path) -> bool:
    """Whether a ``pyproject.toml`` holds ``[tool.cleaner]`` (an unreadable one counts, to report it)."""
    try:
        text = read_settings_text(path)
        data = parse_nested(tomllib.loads, text, path)
    except SettingsFileError:
        return True  # reported when read as the configuration
    except tomllib.TOMLDecodeError:
        return "[tool.cleaner" in text
    tool = data.get("tool")
    return isinstance(tool, dict) and "cleaner" in tool


def read_config(path: Path) -> FileConfig:
    """Read and validate one configuration file; raise `ConfigError` listing every problem."""
    try:
        text = read_settings_text(path)
        data = parse_nested(tomllib.loads, text, path)
    except SettingsFileError as error:
        raise ConfigError(str(error)) from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(describe_toml_error(path, error, text)) from None
    if path.name == "pyproject.toml":
        tool = data.get("tool", {})
        table = tool.get("cleaner", {}) if isinstance(tool, dict) else {}
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: tool.cleaner: must be a table")
        return parse_config(table, path, "tool.cleaner.")
    return parse_config(data, path, "")


def parse_config(table: Mapping[str, Any], path: Path, prefix: str) -> FileConfig:
    """Validate the keys of a configuration table read from ``path``."""
    problems: list[str] = []

    def fail(key: str, message: str) -> None:
        problems.append(f"{path}: {prefix}{key}: {message}")

    for key in table:
        if key == "tool" and not prefix:
            problems.append(
                f"{path}: tool: in {path.name}, options go at the top level, without [tool.cleaner]"
            )
        elif key not in KEYS:
            close = difflib.get_close_matches(key.replace("_", "-"), KEYS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else f"; known keys: {', '.join(KEYS)}"
            problems.append(f"{path}: {prefix}{key}: unknown key {key!r}{hint}")
    folder = path.parent
    values: dict[str, Any] = {}
    profile = table.get("profile")
    if profile is not None and profile not in PROFILES:
        fail("profile", f"unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    values["profile"] = profile
    lists = {key: read_strings(table, key, fail) for key in LIST_KEYS}
    values["select"] = lists["select"] if "select" in table else None
    values["ignore"], values["extend_select"], values["exclude"] = (
        lists["ignore"],
        lists["extend-select"],
        lists["exclude"],
    )
    values["rules"] = tuple(folder / item for item in lists["rules"])
    values["rule_settings"] = read_rule_settings(table.get("rule-settings", {}), fail)
    values["per_file_ignores"] = read_per_file_ignores(table.get("per-file-ignores", {}), fail)
    baseline = table.get("baseline")
    if baseline is not None and not isinstance(baseline, str):
        fail("baseline", "must be a path (a string)")
    values["baseline"] = folder / baseline if isinstance(baseline, str) else None
    if problems:
        raise ConfigError("\n".join(problems))
    return FileConfig(path=path, **values)


def read_strings(table: Mapping[str, Any], key: str, fail: Any) -> tuple[str, ...]:
    """A list of strings (empty when absent)."""
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        fail(key, "must be a list of strings")
        return ()
    return tuple(value)


def read_rule_settings(value: Any, fail: Any) -> dict[str, dict[str, float]]:
    """``{rule: {setting: number}}``, each setting known and in its bounds."""
    if not isinstance(value, dict):
        fail("rule-settings", "must be a table of tables, like [tool.cleaner.rule-settings.DUP001]")
        return {}
    settings: dict[str, dict[str, float]] = {}
    for rule_key, values in value.items():
        if not isinstance(values, dict):
            fail(f"rule-settings.{rule_key}", "must be a table of settings, like threshold = 95")
            continue
        settings[rule_key] = {}
        for name, number in values.items():
            where = f"rule-settings.{rule_key}.{name}"
            if name not in RULE_SETTINGS:
                fail(where, f"unknown setting; known settings: {', '.join(RULE_SETTINGS)}")
                continue
            kind, low, high = RULE_SETTINGS[name]
            wrong_type = isinstance(number, bool) or not isinstance(
                number, int | float if kind is float else int
            )
            if wrong_type or not low <= number <= high:
                noun = "a number" if kind is float else "a whole number"
                fail(where, f"must be {noun} from {low:g} to {high:g}, not {number!r}")
                continue
            settings[rule_key][name] = kind(number)
    return settings


def read_per_file_ignores(value: Any, fail: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """``{glob: [selectors]}`` as pairs, in file order."""
    if not isinstance(value, dict):
        fail("per-file-ignores", 'must be a table of glob = ["RULE", ...]')
        return ()
    pairs = []
    for pattern, selectors in value.items():
        if not isinstance(selectors, list) or not all(isinstance(item, str) for item in selectors):
            fail(f"per-file-ignores.{pattern}", "must be a list of rule ids, prefixes or names")
            continue
        pairs.append((pattern, tuple(selectors)))
    return tuple(pairs)


def load_config(options: Options, start: Path) -> FileConfig:
    """The configuration file the options point to: none, the one named, or the nearest."""
    if options.isolated:
        return FileConfig()
    if options.config is not None:
        if not options.config.exists():
            raise ConfigError(f"--config: {options.config}: no such file")
        return read_config(options.config)
    found = find_config(start.resolve())
    return read_config(found) if found is not None else FileConfig()


def path_matches(path: Path, root: Path, pattern: str) -> bool:
    """Whether ``pattern`` names ``path``, its file name, or a folder above it (relative to ``root``).

    >>> root = Path("/data")
    >>> [path_matches(Path("/data/drafts/a.txt"), root, p) for p in ("drafts", "*.txt", "drafts/*", "b.txt")]
    [True, True, True, False]
    """
    return any(fnmatch.fnmatchcase(candidate, pattern) for candidate in match_candidates(path, root))


def match_candidates(path: Path, root: Path) -> list[str]:
    """The strings a glob is tried on: the path relative to ``root``, its name, and its folders."""
    try:
        relative = path.resolve().relative_to(root.resolve())
    except ValueError:
        relative = path
    names = [relative.as_posix(), relative.name, *(parent.as_posix() for parent in relative.parents)]
    return [name for name in names if name not in (".", "")]


@dataclass(eq=False, slots=True)
class Settings:
    """Everything a run needs, resolved from the file and the flags: rules, selection, paths.

    It cleans like a `Cleaner` (``.clean(text, name=...)``), choosing the rules for each
    file by its ``per-file-ignores``; it is made once per run and not shared. ``all_rules``
    is every rule loaded (per-rule settings applied); ``rules`` is the selection, as in
    `Cleaner`. ``site`` is the site of every document (``--site``); when it is None, a
    file's site is the name of its folder (`folder_site`).
    """

    config: FileConfig
    all_rules: RuleSet
    rules: RuleSet
    profile: str
    exclude: tuple[str, ...]
    root: Path
    scanner: Scanner | None = None
    site: str | None = None
    _cleaners: dict[tuple[str, ...], Cleaner] = field(default_factory=dict)

    def discover(self, paths: Iterable[Path]) -> Iterator[Path]:
        """The files under ``paths`` in sorted order, without the excluded ones and the baseline."""
        baseline = self.baseline_path().resolve()
        for path in discover(paths):
            if path.name == baseline.name and path.resolve() == baseline:
                continue
            if self.exclude:
                candidates = match_candidates(path, self.root)
                if any(fnmatch.fnmatchcase(name, pattern) for name in candidates for pattern in self.exclude):
                    continue
            yield path

    def ignored_for(self, path: Path) -> tuple[str, ...]:
        """The selectors ``per-file-ignores`` leaves out for ``path``."""
        ignored: list[str] = []
        for pattern, selectors in self.config.per_file_ignores:
            if path_matches(path, self.root, pattern):
                ignored.extend(selector for selector in selectors if selector not in ignored)
        return tuple(ignored)

    def cleaner_for(self, name: str) -> Cleaner:
        """The cleaner for the document ``name`` (a path): the selection less its per-file ignores."""
        ignored = self.ignored_for(Path(name)) if self.config.per_file_ignores else ()
        if ignored not in self._cleaners:
            self._cleaners[ignored] = Cleaner(
                self.rules, profile=None, select=("ALL",), ignore=ignored, scanner=self.scanner
            )
        return self._cleaners[ignored]

    def clean(self, text: str, *, name: str = "<text>", site: str | None = None) -> CleanResult:
        """Clean one document with the rules chosen for its path, as a page of ``site`` (by
        default the run's ``site``, else the name of the file's folder)."""
        cleaner = self.cleaner_for(name)
        if site is None and cleaner.needs_site:
            site = self.site if self.site is not None else folder_site(name)
        return cleaner.clean(text, name=name, site=site)

    def baseline_path(self) -> Path:
        """Where the baseline lives: as configured, else ``cleaner-baseline.json`` by the config file."""
        return self.config.baseline or self.root / DEFAULT_BASELINE


def resolve_settings(options: Options, start: Path) -> Settings:
    """Read the configuration, merge the flags over it, and load and select the rules.

    Raises `ConfigError` for a bad file, key, flag or selector, and `RuleFileError` for
    bad rule files; nothing is cleaned before everything checks out.
    """
    config = load_config(options, start)
    root = config.path.parent if config.path is not None else start
    profile = options.profile or config.profile or DEFAULT_PROFILE
    if profile not in PROFILES:
        raise ConfigError(f"--profile: unknown profile {profile!r}; choose one of {', '.join(PROFILES)}")
    ruleset = load_all_rules([*config.rules, *options.rules], options.no_default_rules, config)
    ruleset = apply_rule_settings(ruleset, config)
    check_selectors(ruleset, config, options)
    selected = select_rules(ruleset, profile, config, options)
    exclude = options.exclude or config.exclude
    return Settings(config, ruleset, selected, profile, exclude, root)


def load_all_rules(extra: list[Path], no_default: bool, config: FileConfig) -> RuleSet:
    """The built-in rules (unless dropped) and the user's rule files, all validated."""
    missing = [path for path in extra if not path.exists()]
    if missing:
        origin = config.label("rules") if any(path in config.rules for path in missing) else "--rules"
        raise ConfigError("\n".join(f"{origin}: {path}: no such rule file or folder" for path in missing))
    # Built-in examples run in the test suite; users' examples are checked here.
    user = load_rules(extra, check_examples=True) if extra else RuleSet(())
    base = RuleSet(()) if no_default else load_rules([builtin_rules_dir()], check_examples=False)
    known = {rule.id: rule for rule in base}
    clashes = [
        f"{rule.source}: {rule.id}.id: already used by {known[rule.id].source}"
        for rule in [*user, *user.templates.rules]
        if rule.id in known
    ]
    if clashes:
        raise RuleFileError(clashes)
    joined = RuleSet(base.rules + user.rules, templates=user.templates)
    # Checked here, not per file: a user's rule may name a built-in one.
    ids = {rule.id for rule in joined}
    unknown = [
        f"{rule.source}: {rule.id}.between_rules: no rule has the id {rule_id!r} (it would never fire)"
        for rule in user
        for rule_id in rule.between_rules
        if rule_id not in ids
    ]
    if unknown:
        raise RuleFileError(unknown)
    return joined


def apply_rule_settings(ruleset: RuleSet, config: FileConfig) -> RuleSet:
    """The rules with the file's per-rule settings applied; an unknown rule is a config error."""
    if not config.rule_settings:
        return ruleset
    unknown = [key for key in config.rule_settings if ruleset.get(key) is None]
    if unknown:
        raise ConfigError(
            "\n".join(
                f"{config.label('rule-settings.' + key)}: no rule named {key!r}; see `cleaner rules`"
                for key in unknown
            )
        )
    return ruleset.with_settings({key: dict(values) for key, values in config.rule_settings.items()})


def check_selectors(ruleset: RuleSet, config: FileConfig, options: Options) -> None:
    """Every selector in the file and on the command line must name at least one rule."""
    groups: list[tuple[str, Iterable[str]]] = [
        (config.label("select"), config.select or ()),
        (config.label("ignore"), config.ignore),
        (config.label("extend-select"), config.extend_select),
        *(
            (config.label(f"per-file-ignores.{pattern}"), selectors)
            for pattern, selectors in config.per_file_ignores
        ),
        ("--select", options.select),
        ("--ignore", options.ignore),
        ("--extend-select", options.extend_select),
    ]
    problems = [
        f"{where}: no rule matches {selector!r}{suggest_selector(selector, ruleset)}"
        for where, selectors in groups
        for selector in selectors
        if selector != "ALL"
        and not any(matches_any(rule, [selector]) for rule in ruleset)
        and not any(names_match(template.names(), [selector]) for template in ruleset.templates.rules)
    ]
    if problems:
        raise ConfigError("\n".join(problems))


def suggest_selector(selector: str, ruleset: RuleSet) -> str:
    """``; did you mean 'CRD001'?`` for a near miss, else a pointer to the list of rules."""
    keys = {key for rule in ruleset for key in rule.names()}
    keys |= {rule.name.split(".")[0] for rule in ruleset} | {rule.id.rstrip("0123456789") for rule in ruleset}
    close = closest_key(selector, sorted(keys))
    if close is None and selector.upper() != selector:  # ids are capitals: crd001 means CRD001
        close = closest_key(selector.upper(), sorted(keys))
    return f"; did you mean {close!r}?" if close else "; see `cleaner rules`"


def closest_key(word: str, keys: list[str]) -> str | None:
    """The key most like ``word`` (difflib's ratio, at least 0.6); of equally close keys the
    first in order, so a family's first rules win: CRD01 means CRD001 rather than CRD101.

    >>> closest_key("CRD01", ["CRD001", "CRD101"]), closest_key("zzz", ["CRD001"])
    ('CRD001', None)
    """
    close = difflib.get_close_matches(word, keys, n=8, cutoff=0.6)
    if not close:
        return None
    scores = {key: difflib.SequenceMatcher(None, word, key).ratio() for key in close}
    best = max(scores.values())
    return min(key for key, score in scores.items() if score == best)


def select_rules(ruleset: RuleSet, profile: str, config: FileConfig, options: Options) -> RuleSet:
    """The file's selection, then the flags' on top of it (see the module docstring); template
    rules are chosen like the others."""

    def keep(names: tuple[str, ...], enabled: bool, profiles: tuple[str, ...]) -> bool:
        if options.select:
            chosen = names_match(names, options.select)
        elif config.select == ():  # ``select = []`` in a file means no rules, not the profile's
            chosen = names_match(names, config.extend_select) and not names_match(names, config.ignore)
        else:
            base = names_match(names, config.select) if config.select else enabled and profile in profiles
            chosen = (base or names_match(names, config.extend_select)) and not names_match(
                names, config.ignore
            )
        return (chosen or names_match(names, options.extend_select)) and not names_match(
            names, options.ignore
        )

    return ruleset.choose(keep)
