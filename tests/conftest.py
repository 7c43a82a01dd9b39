"""Shared fixtures: the built-in rules, loaded once, and paths to the project's data."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import RuleSet, load_rules

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "samples"
SEED = ROOT / "samples" / "gzero-article.txt"


@pytest.fixture(scope="session")
def builtin_rules() -> RuleSet:
    """Every built-in rule, examples not re-checked (the example tests do that)."""
    return load_rules(check_examples=False)
