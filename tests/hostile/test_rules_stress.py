"""Rules under stress: a runaway pattern, a thousand rules, and rule files as data only."""

from __future__ import annotations

import ast
from pathlib import Path

import cleaner.rules
from cleaner import load_rules
from tests.hostile.support import assert_only_changed, run_cleaner, snapshot

# Hyperscan (when installed) drops the lookbehind and proposes the all-"a" line; then
# regex, confirming it, backtracks exponentially: the time limit must stop it.
RUNAWAY = """
[[rule]]
id = "USR001"
name = "user.runaway"
kind = "line"
category = "test"
reason = "A pattern with catastrophic backtracking"
max_words = 3
timeout = 0.5
pattern = '''^(?:a|aa)+b?(?<=b)$'''
examples.remove = ["aab"]
examples.keep = ["b"]
"""


def test_catastrophic_backtracking_stops_with_an_error_naming_rule_and_document(tmp_path):
    (tmp_path / "runaway.toml").write_text(RUNAWAY)
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_bytes(b"Text.\nAdvertisement\n")
    (docs / "b.txt").write_bytes(b"Text.\n" + b"a" * 40 + b"\nAdvertisement\n")
    (docs / "c.txt").write_bytes(b"Text.\nAdvertisement\n")
    before = snapshot(tmp_path)
    run = run_cleaner(["check", "--fix", "--rules", "runaway.toml", "docs"], tmp_path, timeout=60)
    assert run.code == 2
    assert (
        "docs/b.txt: rule USR001 ran past its time limit of 0.5 s; "
        "fix its pattern or leave it out with --ignore USR001"
    ) in run.stderr
    # The run stops at the runaway document: files before it are fixed, it and later ones untouched.
    assert_only_changed(before, snapshot(tmp_path), {"docs/a.txt": b"Text.\n"})


def test_the_runaway_rule_can_be_left_out(tmp_path):
    (tmp_path / "runaway.toml").write_text(RUNAWAY)
    (tmp_path / "b.txt").write_bytes(b"Text.\n" + b"a" * 40 + b"\nAdvertisement\n")
    run = run_cleaner(
        ["check", "--rules", "runaway.toml", "--ignore", "USR001", "b.txt"], tmp_path, timeout=60
    )
    assert run.code == 1 and "b.txt:3: ADS001" in run.stdout


def thousand_rules() -> str:
    tables = []
    for number in range(1000):
        tables.append(f"""
[[rule]]
id = "TSA{number:03}"
name = "stress.label-{number}"
kind = "line"
category = "stress"
reason = "Stress label number {number}"
max_words = 4
pattern = '''^Stress label {number}$'''
examples.remove = ["Stress label {number}"]
examples.keep = ["Stress label {number} is part of a sentence."]
""")
    return "".join(tables)


def test_a_rule_file_with_a_thousand_rules_loads_and_runs(tmp_path):
    (tmp_path / "stress.toml").write_text(thousand_rules())
    assert len(load_rules([tmp_path / "stress.toml"], check_examples=True)) == 1000
    document = "".join(f"Paragraph {n} of the text.\nStress label {n * 7}\n" for n in range(140))
    (tmp_path / "doc.txt").write_text(document)
    run = run_cleaner(
        ["check", "--fix", "--show-fixes", "--rules", "stress.toml", "--output-format", "concise", "doc.txt"],
        tmp_path,
        timeout=120,
    )
    assert run.code == 0, run.stderr
    assert run.stdout.count(": TSA") == 140 and "doc.txt:2: TSA000" in run.stdout
    assert "doc.txt:100: TSA343" in run.stdout, "a line number like :100: must not print as an emoji"
    assert (tmp_path / "doc.txt").read_text() == "".join(f"Paragraph {n} of the text.\n" for n in range(140))


def test_rule_files_are_data_only(tmp_path):
    """Code-looking values stay strings; unknown fields are refused; the loader cannot execute anything."""
    marker = tmp_path / "pwned"
    (tmp_path / "evil.toml").write_text(f"""
[[rule]]
id = "EVL001"
name = "evil.code"
kind = "line"
category = "__import__('os').system('touch {marker}')"
reason = "{{{{ open('{marker}', 'w') }}}}"
max_words = 12
pattern = '''^__import__\\('os'\\)\\.system\\('touch x'\\)$'''
examples.remove = ["__import__('os').system('touch x')"]
examples.keep = ["print('hello')"]
""")
    run = run_cleaner(
        ["check", "--rules", "evil.toml", "--select", "EVL001", "evil.toml"], tmp_path, timeout=60
    )
    assert run.code == 0 and not marker.exists()
    (tmp_path / "hook.toml").write_text('[[rule]]\nid = "EVL002"\nkind = "line"\nexec = "print(1)"\n')
    run = run_cleaner(["check", "--rules", "hook.toml", "hook.toml"], tmp_path, timeout=60)
    assert run.code == 2 and "EVL002.exec: unknown field for a line rule" in run.stderr


def test_the_rule_loader_has_no_way_to_run_code():
    tree = ast.parse(Path(cleaner.rules.__file__).read_text())
    called = {
        node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
    }
    imported = {
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    } | {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    attributes = {
        node.func.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
    assert not called & {"eval", "exec", "compile", "__import__", "getattr"}
    assert not attributes & {"import_module", "system", "Popen", "exec_module", "spawn"}
    assert not imported & {"pickle", "marshal", "yaml", "runpy", "subprocess", "os", "shelve"}
