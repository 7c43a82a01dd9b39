"""The distribution's name is the one every install hint gives, and the version is one."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from cleaner import records
from cleaner.about import DISTRIBUTION, install_hint, version
from cleaner.errors import DocumentError

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
# Text a user reads: the package, the docs, the README, the hooks, the CI script.
READ_BY_USERS = [
    *sorted((ROOT / "cleaner").glob("*.py")),
    *sorted((ROOT / "docs").glob("*.md")),
    ROOT / "README.md",
    ROOT / ".pre-commit-hooks.yaml",
    ROOT / ".ci" / "run",
]


def test_the_distribution_is_not_pypis_other_cleaner() -> None:
    assert PYPROJECT["project"]["name"] == DISTRIBUTION == "boilerplate-cleaner"
    assert PYPROJECT["project"]["scripts"] == {"cleaner": "cleaner.cli:main"}
    assert version() == PYPROJECT["project"]["version"]


@pytest.mark.parametrize("path", READ_BY_USERS, ids=lambda path: path.name)
def test_no_install_hint_names_the_wrong_package(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    wrong = re.findall(r"(?<![\w-])cleaner\\?\[|pip install ['\"]?cleaner\b", text)
    assert wrong == [], f"{path.name} tells users to install the other 'cleaner' from PyPI"


def test_hints_name_the_distribution_or_the_clone() -> None:
    assert install_hint("zstd", checkout=None) == "pip install 'boilerplate-cleaner[zstd]'"
    assert install_hint("zstd", checkout=ROOT) == f"pip install '.[zstd]' (in {ROOT})"
    # Run from this clone (an editable install), the hint is the clone's.
    assert install_hint("zstd") == f"pip install '.[zstd]' (in {ROOT})"


def test_a_missing_extra_names_its_install_command(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(name: str) -> None:
        raise ImportError(name)

    monkeypatch.setattr(records.importlib, "import_module", refuse)
    with pytest.raises(DocumentError, match=re.escape("x.jsonl.zst: needs zstandard: pip install '.[zstd]'")):
        records.import_optional("zstandard", "zstd", "x.jsonl.zst")


def test_every_public_name_resolves_and_none_is_loaded_before_use() -> None:
    import cleaner  # noqa: PLC0415

    assert sorted(cleaner.__all__) == sorted(cleaner.PUBLIC)
    for name in cleaner.__all__:
        assert getattr(cleaner, name).__name__ == name
    with pytest.raises(AttributeError):
        cleaner.no_such_name  # noqa: B018
