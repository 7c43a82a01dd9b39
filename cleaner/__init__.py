"""cleaner: strip boilerplate from scraped text, and show what was stripped and why.

>>> from cleaner import clean, restore
>>> result = clean("Real text.\\nAdvertisement\\n")
>>> result.text
'Real text.\\n'
>>> [(r.rule_id, r.first_line) for r in result.removals]
[('ADS001', 2)]
>>> restore(result.text, result.removals) == result.original
True
"""

from cleaner.corpus import clean_batch
from cleaner.errors import CleanerError, ConfigError, DocumentError, RuleFileError, RuleTimeout
from cleaner.model import CleanResult, Removal, restore
from cleaner.pipeline import Cleaner, clean, find_removals
from cleaner.rules import Rule, RuleSet, load_rules

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
