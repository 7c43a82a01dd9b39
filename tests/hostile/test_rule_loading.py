"""Loading rules that are many, long, or wrong: a long literal pattern is refused at once
(regex would prepare its search for minutes, deaf to its time limit and to Ctrl-C), Ctrl-C
stops a long load, ten thousand rules load in linear time, and each problem is reported at
the line of the field that holds it."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.hostile.support import STRICT_ENV, run_cleaner

RULE = """
[[rule]]
id = "{rule_id}"
name = "user.rule-{number}"
kind = "line"
category = "test"
reason = "A rule of the test"
pattern = '''{pattern}'''
examples.remove = ["{example}"]
examples.keep = ["Not this one."]
"""


def rule_file(path: Path, count: int) -> Path:
    """``count`` plain rules, as `cleaner learn` writes them."""
    path.write_text(
        "".join(
            RULE.format(
                rule_id=f"U{chr(65 + n // 26000 % 26)}{chr(65 + n // 1000 % 26)}{n % 1000:03}",
                number=n,
                pattern=rf"^Label\s+number\s+{n}$",
                example=f"Label number {n}",
            )
            for n in range(count)
        )
    )
    return path


def long_literal_rule(path: Path, length: int) -> Path:
    letters = "a" * length
    path.write_text(RULE.format(rule_id="USR001", number=1, pattern=f"^{letters}$", example=letters))
    return path


def test_a_long_literal_pattern_is_refused_at_once(tmp_path):
    long_literal_rule(tmp_path / "long.toml", 10_000)
    (tmp_path / "a.txt").write_text("a" * 10_000 + "\n")
    run = run_cleaner(["check", "--isolated", "--rules", "long.toml", "a.txt"], tmp_path, timeout=30)
    assert run.code == 2
    assert "long.toml:8: USR001.pattern: holds about 10,000 fixed characters in a row" in run.stderr


@pytest.mark.usefixtures("default_interrupt")
def test_ctrl_c_stops_a_run_given_a_long_literal_pattern(tmp_path):
    long_literal_rule(tmp_path / "long.toml", 10_000)  # regex then prepares its search for minutes
    (tmp_path / "a.txt").write_text("Text.\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "check", "--isolated", "--rules", "long.toml", "a.txt"],
        cwd=tmp_path, env=STRICT_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(2)
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("Ctrl-C did not stop cleaner within 15 s")
    assert process.returncode in (2, 128 + signal.SIGINT), stderr.decode()
    assert b"Traceback" not in stderr


@pytest.mark.slow
@pytest.mark.usefixtures("default_interrupt")
def test_ctrl_c_stops_a_long_load(tmp_path):
    rule_file(tmp_path / "many.toml", 30_000)
    (tmp_path / "a.txt").write_text("Text.\n")
    process = subprocess.Popen(
        [sys.executable, "-m", "cleaner", "check", "--isolated", "--rules", "many.toml", "a.txt"],
        cwd=tmp_path, env=STRICT_ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    time.sleep(3)
    assert process.poll() is None, "the load ended too soon to be interrupted"
    process.send_signal(signal.SIGINT)
    try:
        _, stderr = process.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("Ctrl-C did not stop cleaner within 15 s")
    assert process.returncode == 128 + signal.SIGINT, stderr.decode()
    assert b"interrupted by SIGINT" in stderr and b"Traceback" not in stderr


@pytest.mark.slow
def test_ten_thousand_rules_load_in_linear_time(tmp_path):
    """A bound that catches a quadratic load (253 s for this file before), not a benchmark:
    see bench/rule_load.py for the figures."""
    rule_file(tmp_path / "many.toml", 10_000)
    run = run_cleaner(["rules", "--isolated", "--no-default-rules", "--rules", "many.toml"], tmp_path,
                      timeout=120)  # fmt: skip
    assert run.code == 0, run.stderr
    assert "UAJ999" in run.stdout


GOOD = RULE.format(rule_id="USR001", number=1, pattern="^Buy now$", example="Buy now")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (GOOD.replace("^Buy now$", "^(Buy now$"), "bad.toml:8: USR001.pattern: missing )"),
        (GOOD.replace('["Not this one."]', '["Buy now"]'), "bad.toml:10: USR001.examples.keep[1]"),
        (
            GOOD.replace('reason = "A rule of the test"', "reason = 7"),
            "bad.toml:7: USR001.reason: must be a string",
        ),
        (GOOD + GOOD.replace('"USR001"', '"USR002"').replace('kind = "line"', 'kind = "lines"'),
         "bad.toml:15: USR002.kind: must be one of"),
        (
            GOOD.replace('kind = "line"', 'kind = "line"\nkind = "block"'),
            "bad.toml:6: invalid TOML: Cannot overwrite",
        ),
        (GOOD + 'description = """never closed\n', "bad.toml:11: invalid TOML"),
    ],
    ids=["pattern", "example", "reason", "second-rule", "toml-duplicate-key", "toml-at-the-end"],
)
def test_each_problem_is_reported_at_its_line(tmp_path, text, message):
    (tmp_path / "bad.toml").write_text(text)
    (tmp_path / "a.txt").write_text("Text.\n")
    run = run_cleaner(["check", "--isolated", "--rules", "bad.toml", "a.txt"], tmp_path)
    assert run.code == 2 and message in run.stderr, run.stderr
