"""The document the project was created from is cleaned to the expected bytes."""

from __future__ import annotations

from pathlib import Path

from cleaner import clean, restore

SHARED_SEED = Path(__file__).resolve().parent.parent / "samples" / "gzero-article.txt"
EXPECTED = Path(__file__).resolve().parent / "golden" / "gzero-article.txt.kept"


def test_seed_is_cleaned_to_the_expected_bytes():
    text = SHARED_SEED.read_bytes().decode()
    result = clean(text)
    assert result.text.encode() == EXPECTED.read_bytes()
    assert [(r.rule_id, r.first_line, r.last_line) for r in result.removals] == [
        ("DUP001", 4, 4),
        ("CRD001", 5, 5),
        ("PRM001", 16, 31),
    ]
    assert result.removals[0].duplicate_of == 3
    assert restore(result.text, result.removals) == text


def test_cleaning_the_cleaned_seed_removes_nothing():
    assert clean(EXPECTED.read_text()).removals == ()
