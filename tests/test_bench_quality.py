"""The quality benchmark runs end to end on a tiny fixture and its JSON has the promised shape."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench" / "quality.py"
FIXTURE = ROOT / "tests" / "data" / "quality-fixture.jsonl"


def run_bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args], capture_output=True, text=True, check=False, cwd=ROOT / "tests"
    )


def test_json_report_has_both_profiles_and_scores():
    completed = run_bench(str(FIXTURE), "--profile", "both", "--json")
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert report["records"] == 2
    assert [p["profile"] for p in report["profiles"]] == ["article", "page"]
    for profile in report["profiles"]:
        assert set(profile["extractors"]) == {"trafilatura", "html-text"}
        row = profile["extractors"]["trafilatura"]
        assert row["documents"] == 2
        assert 0 <= row["before"]["f1"] <= 1 and 0 <= row["after"]["f1"] <= 1
        # The fixture's junk lines are removed and no truth text is lost.
        assert row["after"]["precision"] > row["before"]["precision"]
        assert row["content_loss_documents"] == 0
        assert row["chars_removed"] > 0
        assert all(
            set(counts) == {"removals", "false_removals", "chars_removed"}
            for counts in profile["rules"].values()
        )


def test_table_output_and_a_clear_error_for_a_missing_file():
    completed = run_bench(str(FIXTURE), "--profile", "article")
    assert completed.returncode == 0, completed.stderr
    assert "| trafilatura | 2 |" in completed.stdout
    assert "| rule | removals | false removals |" in completed.stdout
    missing = run_bench(str(FIXTURE.with_name("nope.jsonl")))
    assert missing.returncode != 0
    assert "nope.jsonl: no such file" in missing.stderr


def test_metric_follows_the_data_readme():
    import importlib.util  # noqa: PLC0415

    spec = importlib.util.spec_from_file_location("bench_quality", BENCH)
    assert spec is not None and spec.loader is not None
    quality = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = quality  # dataclasses look their module up there
    spec.loader.exec_module(quality)
    truth = quality.shingle_counts("one two three four five")
    assert sum(truth.values()) == 2  # two 4-token shingles
    assert quality.shingle_counts("just two") == {("just", "two"): 1}  # short text: one shingle
    score = quality.score(truth, quality.shingle_counts("one two, three four! extra"))
    assert (score.precision, score.recall) == (0.5, 0.5)
    assert quality.score(truth, quality.shingle_counts("")).precision is None  # left out of the mean
    summary = quality.summarize([quality.Score(1.0, 0.5), quality.Score(None, 0.5)])
    assert (summary.precision, summary.recall) == (1.0, 0.5)
