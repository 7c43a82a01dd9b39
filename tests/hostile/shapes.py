"""Lines shaped like what text extractors produce, built around a rule's own examples.

Whole-page extractors (inscriptis above all) lay a page out in columns with runs of
hundreds of spaces inside a line; others join a page into one line without breaks, or
repeat a menu item hundreds of times. A pattern that backtracks badly shows it on such
lines, not on the tidy examples in its rule file.
"""

from __future__ import annotations

from collections.abc import Iterator

from cleaner.rules import Rule

PADDING = (" ", "\t", "\u00a0", "\u3000")  # space, tab, no-break space, ideographic space
RUNS = (40, 150, 1_000, 10_000)  # within a short-line guard, and past it
TAILS = ("x", "1", "|", ".", "Home", "2019")  # what the next column may start with
SCRIPTS = "Кириллица 中文字符 عربي ελληνικά "


def seeds(rule: Rule) -> list[str]:
    """The rule's one-line examples (to remove and to keep), stripped."""
    return sorted(
        {
            line.strip()
            for example in rule.examples.remove + rule.examples.keep
            for line in example.splitlines()
            if line.strip()
        }
    )


def shaped_lines(rule: Rule) -> Iterator[tuple[str, str]]:
    """(label, line) pairs: the rule's examples in extractor shapes, with runs of 1,000-10,000
    characters (what `cleaner.matchers` confirms a line with: stripped of its ends)."""
    for number, seed in enumerate(seeds(rule), 1):
        for pad in PADDING:
            for run in RUNS:
                gap = pad * run
                name = f"{number}:{pad!r}x{run}"
                yield f"{name}:around", (gap + seed + gap)
                yield f"{name}:columns", seed + gap + seed
                for tail in TAILS:
                    yield f"{name}:then-{tail}", seed + gap + tail
                    yield f"{name}:after-{tail}", tail + gap + seed
                words = seed.split()
                if len(words) > 1:
                    yield f"{name}:spread", gap.join(words)
                    yield f"{name}:spread-then-x", gap.join(words) + gap + "x"
        for cut in sorted({1, 2, len(seed) // 2}):  # the start of a line that then runs on
            for character in "a0. ":
                yield f"{number}:cut-{cut}-{character!r}", seed[:cut] + character * 10_000 + "!"
        yield f"{number}:repeated", " ".join([seed] * 500)
        yield f"{number}:joined", seed.replace(" ", "") * (10_000 // max(len(seed), 1) + 1)
        yield f"{number}:scripts", (seed + " " + SCRIPTS) * 40
    for character in "a1.|-_/:":
        yield f"no-spaces-{character}", character * 10_000
    yield "long-word-line", ("Lorem ipsum dolor sit amet, " * 400).strip()
