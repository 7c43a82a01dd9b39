"""Filtering by a baseline keeps every promise of a `CleanResult`: whatever is accepted, restore is exact."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cleaner import clean, restore
from cleaner.baseline import Baseline

FRAGMENTS = [
    "Advertisement\n",
    "Gavriil Grigorov/Reuters\n",
    "The council met on Tuesday to discuss the budget for next year.\n",
    "The council met on Tuesday to discuss the budget for next year.\n",
    "Share this story\n",
    "\n",
    "Rain is expected later in the week.\r\n",
    "Sponsored",
]


@given(
    doc=st.lists(st.sampled_from(FRAGMENTS), max_size=14).map("".join),
    accepted=st.lists(st.sampled_from(FRAGMENTS), max_size=6).map("".join),
)
def test_filtered_results_restore_exactly_and_only_drop_accepted_removals(doc: str, accepted: str) -> None:
    full = clean(doc)
    baseline = Baseline(Path("/nowhere")).record([("d.txt", clean(accepted))])
    filtered = baseline.filter("d.txt", full)
    assert restore(filtered.text, filtered.removals) == doc
    assert set(filtered.removals) <= set(full.removals)
    dropped = len(full.removals) - len(filtered.removals)
    assert dropped <= sum(baseline.entries.values())
    # Everything accepted from this very document is dropped.
    assert Baseline(Path("/nowhere")).record([("d.txt", full)]).filter("d.txt", full).removals == ()
