"""What the package is called on PyPI, its version, and how to install an optional extra.

The import package and the command are ``cleaner``; the distribution is
``boilerplate-cleaner``, because the name ``cleaner`` on PyPI belongs to another project
(an interactive folder cleaner), which a hint naming it would install. Every install
hint goes through
`install_hint`, so no message can name the wrong package. Standard library only.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

DISTRIBUTION = "boilerplate-cleaner"


def version() -> str:
    """The installed version (``0+unknown`` when the package is not installed, as in a bare copy)."""
    from importlib import metadata  # noqa: PLC0415 (only --version and SARIF need it)

    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def source_checkout() -> Path | None:
    """The clone this package runs from (an editable install), or None for an installed wheel."""
    root = Path(__file__).resolve().parent.parent
    pyproject = root / "pyproject.toml"
    try:
        declared = f'name = "{DISTRIBUTION}"' in pyproject.read_text(encoding="utf-8")
    except OSError:
        return None
    return root if declared else None


def install_hint(extra: str, checkout: Path | Literal["detect"] | None = "detect") -> str:
    """The command that installs an optional extra, as the user can paste it.

    From a clone (an editable install) the project is installed from its folder;
    by default that is looked up; a path or None says it.

    >>> install_hint("zstd", checkout=None)
    "pip install 'boilerplate-cleaner[zstd]'"
    >>> install_hint("ray", checkout=Path("/src/cleaner"))
    "pip install '.[ray]' (in /src/cleaner)"
    """
    where = source_checkout() if isinstance(checkout, str) else checkout
    if where is None:
        return f"pip install '{DISTRIBUTION}[{extra}]'"
    return f"pip install '.[{extra}]' (in {where})"
