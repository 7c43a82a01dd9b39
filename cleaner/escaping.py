"""How text that came from outside (file names, hosts, record ids, the bytes of a
document) is shown to people: one escape for what cannot be shown as it is.

A file name may hold any byte but ``/`` and NUL: an escape sequence that recolours or
clears the terminal, a carriage return that overwrites the line, a newline that forges
a line of output, bytes that are not UTF-8. Messages show such characters escaped,
with one convention: the one Python's ``backslashreplace`` error handler writes, which
the output streams already use for what they cannot encode (see ``cli.protect_streams``).
So ESC shows as ``\\x1b``, a newline as ``\\x0a``, an undecodable byte 0xE9 (kept as the
lone surrogate U+DCE9) as ``\\udce9``, a line separator as ``\\u2028``.

A document's lines in a report escape only their undecodable bytes
(`escape_undecodable`): tabs and carriage returns are content. Machine-readable output
(JSON, SARIF) keeps names as they are: its own escaping is exact.
Data meant for other programs (the unified diff that ``patch`` applies) escapes only the
controls (`escape_controls`): a name in Latin-1 must still name its file.
"""

from __future__ import annotations

import re

# C0 and C1 controls and DEL; lone surrogates (undecodable bytes); line and paragraph
# separators; the bidirectional controls that can make a name read backwards ("Trojan
# Source"). Everything else, including letters of any script, is shown as it is.
CONTROLS = "\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069"
UNPRINTABLE = re.compile(f"[{CONTROLS}\ud800-\udfff]")
CONTROL = re.compile(f"[{CONTROLS}]")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")  # an undecodable byte, as Python keeps it


def escape_unprintable(text: str) -> str:
    """``text`` with control characters, lone surrogates and bidi controls backslash-escaped.

    >>> escape_unprintable("report\\x1b[2J\\nFixing other.txt\\udce9.txt")
    'report\\\\x1b[2J\\\\x0aFixing other.txt\\\\udce9.txt'
    >>> escape_unprintable("Üsküdar/日本.txt")
    'Üsküdar/日本.txt'
    """
    if text.isprintable():  # almost every name: no work beyond one C scan
        return text
    return UNPRINTABLE.sub(escape_character, text)


def escape_undecodable(text: str) -> str:
    """Text for a report a person reads: undecodable input bytes shown as ``\\udcXX``.

    Documents keep such bytes as lone surrogates (so they are written back exactly);
    every report for people (``check``, ``diff``, notes) shows them with this one
    escape, which is also how the JSON report writes them. Data outputs (``clean``,
    ``check --diff``) keep the bytes. A document's own tabs and carriage returns are
    its content and stay; names go through `escape_unprintable`.

    >>> escape_undecodable("caf\\udce9 au lait")
    'caf\\\\udce9 au lait'
    """
    return LONE_SURROGATE.sub(escape_character, text)


def escape_controls(text: str) -> str:
    """``text`` with control characters and bidi controls escaped, undecodable bytes left as they are.

    >>> escape_controls("caf\\udce9\\x1b.txt")
    'caf\\udce9\\\\x1b.txt'
    """
    if text.isprintable():
        return text
    return CONTROL.sub(escape_character, text)


def escape_character(found: re.Match[str]) -> str:
    """One character as ``backslashreplace`` writes it (``\\xNN`` below 256, else ``\\uNNNN``)."""
    code = ord(found.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
