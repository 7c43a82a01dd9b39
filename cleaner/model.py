"""The frozen core types: what was removed, and the result of cleaning one text.

Standard library only. Every other module builds on these.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Removal:
    """One stretch of whole lines taken out of a text, and why.

    ``start`` and ``end`` are character offsets into the original text; ``text`` is
    ``original[start:end]``. Line numbers are 1-based and inclusive. For a duplicate,
    ``duplicate_of`` is the line number of the copy that was kept.
    """

    start: int
    end: int
    first_line: int
    last_line: int
    rule_id: str
    rule_name: str
    category: str
    reason: str
    text: str
    duplicate_of: int | None = None


@dataclass(frozen=True, slots=True)
class CleanResult:
    """The original text and its sorted, disjoint removals; ``text`` is what is kept.

    >>> CleanResult("a\\nb\\n", ()).text
    'a\\nb\\n'
    """

    original: str
    removals: tuple[Removal, ...]
    text: str = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        check_removals(self.original, self.removals)
        object.__setattr__(self, "text", cut_removals(self.original, self.removals))

    @property
    def changed(self) -> bool:
        """Whether anything was removed."""
        return bool(self.removals)

    def counts(self) -> Counter[str]:
        """How many removals each rule id made."""
        return Counter(removal.rule_id for removal in self.removals)

    def removed_chars(self) -> int:
        """How many characters were removed in all."""
        return sum(removal.end - removal.start for removal in self.removals)


def check_removals(original: str, removals: tuple[Removal, ...]) -> None:
    """Raise ``ValueError`` unless removals are sorted, disjoint, in bounds and exact."""
    previous_end = 0
    for removal in removals:
        if removal.start < previous_end:
            raise ValueError(f"removal at offset {removal.start} overlaps or is out of order")
        if not removal.start < removal.end <= len(original):
            raise ValueError(f"removal {removal.start}:{removal.end} is empty or out of bounds")
        if original[removal.start : removal.end] != removal.text:
            raise ValueError(f"removal {removal.start}:{removal.end} does not match the original")
        previous_end = removal.end


def cut_removals(original: str, removals: tuple[Removal, ...]) -> str:
    """Return ``original`` without the stretches the removals cover."""
    pieces = []
    position = 0
    for removal in removals:
        pieces.append(original[position : removal.start])
        position = removal.end
    pieces.append(original[position:])
    return "".join(pieces)


def restore(kept: str, removals: tuple[Removal, ...] | list[Removal]) -> str:
    """Put the removed stretches back into the kept text: the exact original.

    >>> r = Removal(2, 4, 2, 2, "X1", "x.one", "ad", "junk", "b\\n")
    >>> restore("a\\nc\\n", [r])
    'a\\nb\\nc\\n'
    """
    pieces = []
    kept_position = 0
    original_position = 0
    for removal in removals:
        kept_length = removal.start - original_position
        pieces.append(kept[kept_position : kept_position + kept_length])
        pieces.append(removal.text)
        kept_position += kept_length
        original_position = removal.end
    pieces.append(kept[kept_position:])
    return "".join(pieces)
