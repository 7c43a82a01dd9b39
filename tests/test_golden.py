"""Each sample document has its expected kept bytes, plain diff and JSON report under tests/golden.

Regenerate with ``python -m pytest tests/test_golden.py --update-golden`` and review the
change like code.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cleaner import Cleaner, restore
from cleaner.io import read_document
from cleaner.render import render_unified_diff, result_to_dict

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
SAMPLES = sorted((ROOT / "samples").glob("*.txt"))


def outputs(path: Path) -> dict[str, bytes]:
    document = read_document(path)
    result = Cleaner().clean(document.text)
    name = f"samples/{path.name}"
    assert restore(result.text, result.removals) == document.text
    return {
        "kept": document.encode(result.text),
        "diff": render_unified_diff(name, result).encode("utf-8", "surrogateescape"),
        "json": (json.dumps(result_to_dict(name, result), indent=2, ensure_ascii=False) + "\n").encode(),
    }


@pytest.mark.parametrize("path", SAMPLES, ids=[path.name for path in SAMPLES])
def test_sample_matches_its_golden_files(path: Path, update_golden: bool) -> None:
    for suffix, data in outputs(path).items():
        golden = GOLDEN / f"{path.name}.{suffix}"
        if update_golden:
            golden.write_bytes(data)
        assert golden.read_bytes() == data, f"{golden.name} differs; rerun with --update-golden and review"


def test_samples_cover_every_builtin_rule_family_and_awkward_encodings(builtin_rules) -> None:
    removed_families = set()
    for path in SAMPLES:
        result = Cleaner().clean(read_document(path).text)
        removed_families |= {removal.rule_id[:3] for removal in result.removals}
    article_families = {rule.id[:3] for rule in builtin_rules.select(profile="article")}
    assert article_families <= removed_families
    raw = {path.name: path.read_bytes() for path in SAMPLES}
    assert any(b"\r\n" in data for data in raw.values()), "a CRLF sample"
    assert any(not data.endswith(b"\n") for data in raw.values()), "a sample without a final newline"
    assert any(data.startswith(b"\xef\xbb\xbf") for data in raw.values()), "a sample with a BOM"
    assert any(Cleaner().clean(data.decode("utf-8-sig")).removals == () for data in raw.values()), (
        "a clean sample"
    )
