"""The exceptions the library raises; only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class CleanerError(Exception):
    """Base of every error this package raises on purpose."""


class RuleFileError(CleanerError):
    """One or more rule files are invalid; the message lists every problem found."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems))


class RuleTimeout(CleanerError):
    """A rule's pattern ran past its time limit on one document."""

    def __init__(self, rule_id: str, document: str, seconds: float) -> None:
        self.rule_id = rule_id
        self.document = document
        super().__init__(
            f"{document}: rule {rule_id} ran past its time limit of {seconds:g} s; "
            f"fix its pattern or leave it out with --ignore {rule_id}"
        )


class DocumentError(CleanerError):
    """A document could not be read, decoded or written."""


class ConfigError(CleanerError):
    """A configuration file or option is invalid."""
