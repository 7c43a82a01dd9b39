"""bench/rule_sweep.py times every rule on every line it is given and holds them to its bound."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_the_sweep_of_the_shipped_samples_stays_within_the_bound(tmp_path):
    files = [ROOT / "tests" / "data" / "quality-fixture.jsonl", *sorted((ROOT / "samples").glob("*.txt"))]
    command = [sys.executable, str(ROOT / "bench" / "rule_sweep.py"), "--bound", "50", "--json", "sweep.json"]
    done = subprocess.run(
        [*command, "--files", *map(str, files)],
        cwd=tmp_path,
        capture_output=True,
        check=False,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "slowest confirmation:" in done.stdout and "past the bound" not in done.stdout
    figures = json.loads((tmp_path / "sweep.json").read_text())
    assert "SGN006" in figures and all(f["confirm_ms"] is not None for f in figures.values())
