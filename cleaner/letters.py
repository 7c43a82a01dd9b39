"""A letter's frame: the greeting above a text and the sign-off below it.

Posts, open letters and readers' comments open with a greeting ("Liebe Martina,",
"Dear readers,") and close with a sign-off ("Viele Grüße", "Euer Hans", "XX, Die
Redaktion"). Alone, such a line is as short as a menu item; next to the text it frames
it is the text's own, and the page rules leave it there (see `matchers.text_bounds` and
`matchers.match_run_rule`).
"""

from __future__ import annotations

import regex

GREETING_WORDS = 6  # "Sehr geehrte Damen und Herren," has five
SIGN_OFF_WORDS = 6  # the phrase and a name: "Mit freundlichen Grüßen, Anna Schmidt"
NAME_WORDS = 2  # a name alone under a sign-off: "Astrid", "Martina Berg"

# The closing phrases of letters in the languages of the rule pack, written folded
# (lower case, "ss" for "ß"). A sign-off is one of them, then at most `NAME_WORDS` more
# words (a name, "aus München"); words are split at spaces, commas and stops.
SIGN_OFF_PHRASES = frozenset(
    (
        "best regards", "kind regards", "warm regards", "warmest regards", "regards", "best wishes",
        "warm wishes", "all the best", "cheers", "thanks", "many thanks", "thank you", "yours",
        "yours truly", "yours sincerely", "sincerely", "sincerely yours", "with love", "much love",
        "lots of love", "take care", "hugs", "xx", "xxx", "xxxx", "xoxo", "xoxoxo",
        "grüsse", "grüssen", "gruss", "liebe grüsse", "viele grüsse", "herzliche grüsse", "beste grüsse",
        "schöne grüsse", "freundliche grüsse", "sonnige grüsse", "liebste grüsse", "lieben gruss",
        "herzlichen gruss", "mit freundlichen grüssen", "mit besten grüssen", "mit herzlichen grüssen",
        "herzlichst", "sei herzlich gegrüsst", "seid herzlich gegrüsst", "sei gegrüsst", "seid gegrüsst",
        "bis bald", "alles liebe", "lg", "vg", "euer", "eure",
        "cordialement", "bien cordialement", "bien à vous", "amicalement", "amitiés", "bises",
        "grosses bises", "bisous", "à bientôt", "salutations", "meilleures salutations",
        "saludos", "un saludo", "saludos cordiales", "un abrazo", "abrazos", "atentamente", "besos",
        "un beso", "hasta pronto",
        "saluti", "cordiali saluti", "distinti saluti", "un saluto", "un abbraccio", "baci", "a presto",
        "abraços", "um abraço", "beijos", "atenciosamente", "saudações", "cumprimentos",
        "groetjes", "groeten", "met vriendelijke groet", "met vriendelijke groeten", "hartelijke groet",
        "hartelijke groeten", "liefs",
        "pozdrawiam", "serdecznie pozdrawiam", "pozdrowienia", "z pozdrowieniami",
    )
)  # fmt: skip
SIGN_OFF_FIRST_WORDS = frozenset(phrase.split()[0] for phrase in SIGN_OFF_PHRASES)
PHRASE_WORDS = max(len(phrase.split()) for phrase in SIGN_OFF_PHRASES)
SIGN_OFF_SPLIT = regex.compile(r"[\s,.!:;]+")


def is_greeting(content: str, words: int) -> bool:
    """Whether a short line can open a letter: at most `GREETING_WORDS` words and a
    comma at its end ("Liebe Martina,", "Dear Council Members,", "Hi,").

    >>> is_greeting("Liebe Martina,", 2), is_greeting("Home", 1)
    (True, False)
    """
    return words <= GREETING_WORDS and content.endswith(",") and content[:1].isalpha()


def is_sign_off(content: str) -> bool:
    """Whether a short line can close a letter ("Viele Grüße", "LG Petra", "Cheers, Joao").

    >>> is_sign_off("Sei herzlich gegrüßt"), is_sign_off("XX, Die Redaktion"), is_sign_off("Lovely day")
    (True, True, False)
    """
    head = content.split(None, 1)
    if not head:
        return False
    first = head[0].rstrip(",.!:;").casefold()
    if first not in SIGN_OFF_FIRST_WORDS and first.replace("ß", "ss") not in SIGN_OFF_FIRST_WORDS:
        return False  # most lines: one look-up
    words = SIGN_OFF_SPLIT.split(content.casefold().replace("ß", "ss").strip(" ,.!:;"))
    return len(words) <= SIGN_OFF_WORDS and any(
        " ".join(words[:size]) in SIGN_OFF_PHRASES and len(words) - size <= NAME_WORDS
        for size in range(1, min(PHRASE_WORDS, len(words)) + 1)
    )


def is_signature(content: str) -> bool:
    """Whether a short line can be the name under a sign-off: at most `NAME_WORDS`
    words, each written with a capital and letters only ("Astrid", "Martina Berg").

    >>> is_signature("Martina Berg"), is_signature("19. Juni 2019"), is_signature("Antworten ›")
    (True, False, False)
    """
    words = content.split()
    return 0 < len(words) <= NAME_WORDS and all(word[0].isupper() and word.isalpha() for word in words)
