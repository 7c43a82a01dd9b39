"""cleaner: strip boilerplate from scraped text, and show what was stripped and why.

>>> from cleaner import clean, restore
>>> result = clean("Real text.\\nAdvertisement\\n")
>>> result.text
'Real text.\\n'
>>> [(r.rule_id, r.first_line) for r in result.removals]
[('ADS001', 2)]
>>> restore(result.text, result.removals) == result.original
True

The names below are imported on first use, so that ``cleaner --help`` (which imports
this package) does not load the rules engine or the corpus machinery.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cleaner.corpus import clean_batch
    from cleaner.errors import CleanerError, ConfigError, DocumentError, RuleFileError, RuleTimeout
    from cleaner.model import CleanResult, Removal, restore
    from cleaner.pipeline import Cleaner, clean, find_removals, load_rules
    from cleaner.rules import Rule, RuleSet

# Each public name and the module that defines it.
PUBLIC = {
    "CleanResult": "model",
    "Cleaner": "pipeline",
    "CleanerError": "errors",
    "ConfigError": "errors",
    "DocumentError": "errors",
    "Removal": "model",
    "Rule": "rules",
    "RuleFileError": "errors",
    "RuleSet": "rules",
    "RuleTimeout": "errors",
    "clean": "pipeline",
    "clean_batch": "corpus",
    "find_removals": "pipeline",
    "load_rules": "pipeline",
    "restore": "model",
}
__all__ = [
    "CleanResult",
    "Cleaner",
    "CleanerError",
    "ConfigError",
    "DocumentError",
    "Removal",
    "Rule",
    "RuleFileError",
    "RuleSet",
    "RuleTimeout",
    "clean",
    "clean_batch",
    "find_removals",
    "load_rules",
    "restore",
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use."""
    if name not in PUBLIC:
        raise AttributeError(f"module 'cleaner' has no attribute {name!r}")
    value = getattr(import_module(f"cleaner.{PUBLIC[name]}"), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *PUBLIC])
