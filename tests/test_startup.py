"""``cleaner --help`` and ``cleaner check FILE`` import only what they use.

Checked by the modules a fresh interpreter has loaded at the end of the command (no
timing here: ``bench/startup.py`` measures the start-up time).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
RUN = """
import json, sys
sys.argv = ["cleaner", *json.loads(sys.argv[1])]
from cleaner.cli import main
try:
    main()
except SystemExit:
    pass
sys.stderr.write("\\nMODULES " + json.dumps(sorted(sys.modules)))
"""
CORPUS_MACHINERY = {
    "cleaner.corpus", "cleaner.records", "cleaner.ray_engine", "cleaner.learn", "multiprocessing",
}  # fmt: skip
OPTIONAL = {"ray", "pyarrow", "zstandard"}


def loaded_modules(*args: str) -> set[str]:
    result = subprocess.run(
        [sys.executable, "-c", RUN, json.dumps(args)], capture_output=True, text=True, cwd=ROOT, check=False
    )
    marker = result.stderr.rindex("MODULES ")
    return set(json.loads(result.stderr[marker + len("MODULES ") :]))


def typer_alone() -> set[str]:
    """What ``import typer`` loads by itself (Typer 0.15 loads rich; 0.29 does not)."""
    listed = subprocess.run(
        [sys.executable, "-c", "import json, sys, typer; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True,
        text=True,
        check=True,
    )
    return set(json.loads(listed.stdout))


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["check", "--help"]])
def test_help_and_version_load_no_rules_engine_and_no_rich(args: list[str]) -> None:
    loaded = loaded_modules(*args) - typer_alone()
    heavy = {"cleaner.pipeline", "cleaner.rules", "regex", "rapidfuzz", "rich.console", "pydantic"}
    assert loaded & (heavy | CORPUS_MACHINERY | OPTIONAL) == set()


def test_check_loads_no_corpus_machinery() -> None:
    loaded = loaded_modules("check", "samples/quiet-library.txt")
    assert "cleaner.pipeline" in loaded  # it did clean
    assert loaded & (CORPUS_MACHINERY | OPTIONAL) == set()
