"""A baseline: removals accepted as they are, so that later runs report only new ones.

For corpora that cannot carry inline comments. ``cleaner check --write-baseline``
records every current removal as (document path, rule id, content hash, count) in
``cleaner-baseline.json``; a later run drops the removals the baseline accounts for,
both from the report and from ``--fix``, so accepted lines stay in the files.

The content hash covers the rule id and the removed lines with their surrounding white
space and line endings stripped, so a removal is still recognised after the lines
around it change or move. A count lets a document hold an accepted line more than
once: a third copy of a line accepted twice is new. Paths are stored relative to the
baseline's folder, with ``/``.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaner.errors import ConfigError
from cleaner.io import write_atomically
from cleaner.model import CleanResult, Removal
from cleaner.smallfiles import SettingsFileError, parse_nested, read_settings_text

BASELINE_VERSION = 1


def content_hash(removal: Removal) -> str:
    """A digest of the rule and the removed lines (stripped), stable when the lines move.

    >>> a = Removal(0, 14, 1, 1, "ADS001", "ads.label", "ad", "r", "Advertisement\\n")
    >>> b = Removal(5, 21, 3, 3, "ADS001", "ads.label", "ad", "r", " Advertisement\\r\\n")
    >>> content_hash(a) == content_hash(b)
    True
    """
    lines = "\n".join(line.strip() for line in removal.text.splitlines())
    return hashlib.sha256(f"{removal.rule_id}\0{lines}".encode("utf-8", "surrogateescape")).hexdigest()[:32]


Key = tuple[str, str, str]  # (path, rule id, content hash)


@dataclass(slots=True)
class Baseline:
    """Accepted removals, counted by (path, rule id, content hash); ``root`` anchors the paths."""

    root: Path
    entries: Counter[Key] = field(default_factory=Counter)

    def key_path(self, name: str) -> str:
        """How a document is named in the baseline: relative to ``root`` where it can be."""
        path = Path(name)
        try:
            return path.resolve().relative_to(self.root.resolve()).as_posix()
        except (ValueError, OSError):
            return path.as_posix()

    def filter(self, name: str, result: CleanResult) -> CleanResult:
        """``result`` without the removals this baseline accepts for document ``name``."""
        if not result.removals:
            return result
        path = self.key_path(name)
        allowance = Counter({key: count for key, count in self.entries.items() if key[0] == path})
        if not allowance:
            return result
        kept = []
        for removal in result.removals:
            key = (path, removal.rule_id, content_hash(removal))
            if allowance[key] > 0:
                allowance[key] -= 1
            else:
                kept.append(removal)
        return CleanResult(result.original, tuple(kept))

    def record(self, results: Iterable[tuple[str, CleanResult]]) -> Baseline:
        """A new baseline: these documents' removals, and this one's entries for other documents."""
        recorded: Counter[Key] = Counter()
        visited = set()
        for name, result in results:
            path = self.key_path(name)
            visited.add(path)
            recorded.update((path, removal.rule_id, content_hash(removal)) for removal in result.removals)
        recorded.update({key: count for key, count in self.entries.items() if key[0] not in visited})
        return Baseline(self.root, recorded)

    def to_json(self) -> str:
        """The file's content: sorted entries, so that it diffs well under version control."""
        entries = [
            {"path": path, "rule_id": rule_id, "hash": digest, "count": count}
            for (path, rule_id, digest), count in sorted(self.entries.items())
        ]
        return json.dumps({"version": BASELINE_VERSION, "entries": entries}, indent=2) + "\n"

    def write(self, path: Path) -> None:
        """Write the baseline atomically."""
        write_atomically(path, self.to_json().encode())


def read_baseline(path: Path) -> Baseline:
    """Read a baseline file; a missing file is an empty baseline, a bad one a `ConfigError`."""
    root = path.parent
    if not path.exists():
        return Baseline(root)
    try:
        data = parse_nested(json.loads, read_settings_text(path), path)
    except SettingsFileError as error:
        raise ConfigError(f"{error}; give a baseline file written by --write-baseline") from None
    except json.JSONDecodeError as error:
        raise ConfigError(
            f"{path}: not a readable baseline ({error}); write it again with --write-baseline"
        ) from None
    return Baseline(root, parse_entries(data, path))


def parse_entries(data: Any, path: Path) -> Counter[Key]:
    """Validate the baseline's JSON and count its entries."""
    if (
        not isinstance(data, dict)
        or data.get("version") != BASELINE_VERSION
        or not isinstance(data.get("entries"), list)
    ):
        raise ConfigError(
            f"{path}: not a version {BASELINE_VERSION} baseline; write it again with --write-baseline"
        )
    entries: Counter[Key] = Counter()
    for number, entry in enumerate(data["entries"], 1):
        fields = ("path", "rule_id", "hash")
        valid = isinstance(entry, dict) and all(isinstance(entry.get(name), str) for name in fields)
        count = entry.get("count", 1) if isinstance(entry, dict) else None
        if not valid or not isinstance(count, int) or isinstance(count, bool) or count < 1:
            raise ConfigError(
                f"{path}: entries[{number}]: needs path, rule_id, hash (strings) and count (>= 1)"
            )
        entries[(entry["path"], entry["rule_id"], entry["hash"])] += count
    return entries


@dataclass(slots=True)
class BaselineCleaner:
    """Clean like ``cleaner``, then drop what ``baseline`` accepts (for reports and ``--fix``)."""

    cleaner: Any
    baseline: Baseline

    def clean(self, text: str, *, name: str = "<text>") -> CleanResult:
        """Clean one document and keep only the removals the baseline does not account for."""
        return self.baseline.filter(name, self.cleaner.clean(text, name=name))
