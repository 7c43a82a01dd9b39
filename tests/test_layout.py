"""The package keeps its layering: modules import only from modules below them."""

from __future__ import annotations

import ast
from pathlib import Path

import cleaner

PACKAGE = Path(cleaner.__file__).resolve().parent
# From the bottom up; a module may import only modules earlier in this list.
LAYERS = [
    "about", "model", "errors", "escaping", "smallfiles", "templates", "rules", "literals", "skeleton", "backtracking",
    "letters", "matchers", "fastscan", "dedup", "pipeline", "io", "targets", "jsonsplice", "records", "files",
    "baseline", "config", "corpus", "ray_engine", "learn", "render", "helptext", "cli", "docs",
]  # fmt: skip


def test_every_module_has_a_layer():
    modules = {path.stem for path in PACKAGE.glob("*.py")} - {"__init__", "__main__"}
    assert modules == set(LAYERS)


def imported_modules(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cleaner."):
            names.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            names |= {alias.name.split(".")[1] for alias in node.names if alias.name.startswith("cleaner.")}
    return names


def test_no_module_imports_from_a_layer_above_it():
    for position, name in enumerate(LAYERS):
        allowed = set(LAYERS[:position])
        upward = {module for module in imported_modules(PACKAGE / f"{name}.py") if module in LAYERS} - allowed
        assert not upward, f"cleaner/{name}.py imports {sorted(upward)} from above it"


def test_model_errors_and_about_use_the_standard_library_only():
    allowed = {"__future__", "collections", "dataclasses"}
    for name, extra in (("model", set()), ("errors", set()), ("about", {"importlib", "pathlib", "typing"})):
        tree = ast.parse((PACKAGE / f"{name}.py").read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = node.module if isinstance(node, ast.ImportFrom) else node.names[0].name
                assert module in allowed | extra, f"{name}.py imports {module}"
