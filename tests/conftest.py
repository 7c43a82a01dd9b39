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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        help="Rewrite the golden files under tests/golden from the current output (review the diff!).",
    )


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    """Whether this run rewrites golden files instead of comparing with them."""
    return bool(request.config.getoption("--update-golden"))
