"""Regenerate docs/diff-view.svg: the review view of the seed sample, as the README shows it.

python scripts/screenshot.py
"""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console

from cleaner import Cleaner
from cleaner.io import read_document
from cleaner.render import render_rich_diff

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    console = Console(
        record=True, width=130, force_terminal=True, color_system="truecolor", file=io.StringIO()
    )
    document = read_document(ROOT / "samples" / "gzero-article.txt")
    # Long lines end in an ellipsis for the picture; the terminal view shows them whole.
    view = render_rich_diff("samples/gzero-article.txt", Cleaner().clean(document.text))
    console.print(view, no_wrap=True, overflow="ellipsis")
    console.save_svg(str(ROOT / "docs" / "diff-view.svg"), title="cleaner diff samples/gzero-article.txt")


if __name__ == "__main__":
    main()
