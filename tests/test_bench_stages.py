"""The stages timed by bench/stages.py each do the work they are named for."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import orjson
import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"

CAPTION = "The harbour master inspects the new sea wall after the winter storms"
TEXT = f"{CAPTION}\n{CAPTION}.\nAdvertisement\nThe council met on Tuesday to discuss the harbour.\n"
RECORD = orjson.dumps({"id": "doc-1", "text": TEXT, "source": "test"})


@pytest.fixture(scope="module")
def stages():
    sys.path.insert(0, str(BENCH))
    try:
        module = importlib.import_module("stages")
    finally:
        sys.path.remove(str(BENCH))
    from cleaner.pipeline import Cleaner  # noqa: PLC0415

    return module.stages(Cleaner(profile="article"))


def test_floor_gives_the_record_back(stages):
    assert orjson.loads(stages["floor"](RECORD)) == orjson.loads(RECORD)


def test_lines_stage_sees_every_line(stages):
    view = stages["lines"](RECORD)
    assert view.contents == (
        CAPTION,
        f"{CAPTION}.",
        "Advertisement",
        "The council met on Tuesday to discuss the harbour.",
    )


def test_scan_stage_finds_the_candidates(stages):
    _, candidates = stages["scan"](RECORD)
    assert 2 in candidates["ADS001"]  # "Advertisement"


def test_dedup_stage_finds_the_repeated_caption(stages):
    assert stages["dedup"](RECORD) == [[(1, 0)]]


def test_clean_stage_writes_the_cleaned_record(stages):
    cleaned = orjson.loads(stages["clean"](RECORD))
    assert cleaned["text"] == f"{CAPTION}\nThe council met on Tuesday to discuss the harbour.\n"
    assert cleaned["source"] == "test"
