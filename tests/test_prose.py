"""Running prose: what it is (`is_prose` on lookalikes), and that blocks, runs and some
line rules never take it unless the rule was written for it (``crosses``, ``skip_prose``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cleaner import RuleFileError, find_removals, load_rules
from cleaner.matchers import is_prose

PARAGRAPH = "The council voted on Monday to build a new library in the old market hall."
PARAGRAPH_2 = "Work starts in spring, and the doors should open before the end of next year."


@pytest.mark.parametrize(
    ("line", "prose"),
    [
        pytest.param(PARAGRAPH, True, id="sentence"),
        pytest.param("Is this the end of the road for the petrol car?", False, id="teaser-question"),
        pytest.param(
            "Why do some songs end up being played by millions of teenagers every single week?",
            True,
            id="long-question",
        ),
        pytest.param("Here's Why The Fed Will Raise Rates Again This Year, Experts Say.", False, id="title-case"),
        pytest.param("Hong Kong civilians step in to save students trapped in the...", False, id="cut-off-teaser"),
        pytest.param("Great article, I really enjoyed reading it and will share it.", True, id="comment"),
        pytest.param("Demonstrators march through the centre of Paris on Saturday (AP Photo/Jean Roux)", False,
                     id="caption-with-credit"),  # fmt: skip
        pytest.param("The mayor speaks to reporters at the harbour in Hamburg on Tuesday.", True,
                     id="caption-written-as-a-sentence"),  # fmt: skip
        pytest.param("THE COUNCIL VOTED ON MONDAY TO BUILD A NEW LIBRARY DOWNTOWN.", True, id="all-caps-sentence"),
        pytest.param("SIGN UP FOR OUR NEWSLETTER", False, id="all-caps-label"),
        pytest.param("Die Regierung hat am Montag beschlossen, die Steuern im nächsten Jahr zu senken.", True,
                     id="german"),  # fmt: skip
        pytest.param("Le conseil municipal a voté lundi la construction d'une nouvelle bibliothèque.", True,
                     id="french"),  # fmt: skip
        pytest.param("„Ich weiß, ich bin müde und sollte das vielleicht nicht mehr sagen…“", True,
                     id="german-quote-trailing-off"),  # fmt: skip
        pytest.param("Two cups of flour, sifted twice with a pinch of salt", False, id="list-item"),
        pytest.param("Preheat the oven to 200 degrees and grease a large baking tin.", True,
                     id="list-item-written-as-a-sentence"),  # fmt: skip
        pytest.param("Zuerst dachte ich, ich könnte es verheimlichen. Dann wurde mir klar, dass es so nicht geht. 😀", True,
                     id="emoji-after-the-sentence"),  # fmt: skip
        pytest.param("Nur Seitenwind möge sie „nicht besonders“, sagte der Pilot am Montag in Dessau. (mz)", True,
                     id="signed-by-its-agency"),  # fmt: skip
        pytest.param("Die Stadt will den Bau der Bibliothek noch in diesem Jahr beginnen lassen. (Anna Berg)", True,
                     id="signed-by-its-author"),  # fmt: skip
        pytest.param("In Kooperation mit der Deutschen Gesellschaft für Verbandsmanagement e.V. (DGVM)", False,
                     id="initials-then-brackets"),  # fmt: skip
        pytest.param("Vermögenssicherung für Mitarbeiter oder Enthaftung für Unternehmer und Manager .. (fiala.de)", False,
                     id="teaser-with-its-source"),  # fmt: skip
        pytest.param("Home News Sport Weather Business Culture Travel Contact", False, id="menu-on-one-line"),
        pytest.param("如今，50多个市直部门通力合作，让益阳的数字治理不断开花结果，群众办事更方便。", True, id="chinese"),
        pytest.param("责任编辑：孔德明", False, id="chinese-label"),
        pytest.param("사실 남녀 관계라는 것이 당사자들이 아니면 그 속사정을 알기는 어려운 일이다.", True, id="korean"),
    ],
)
def test_is_prose_tells_sentences_from_their_lookalikes(line, prose):
    assert is_prose(line) is prose


def rules_file(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "extra.toml"
    path.write_text(
        '[[rule]]\nid = "TST001"\nname = "extra.rule"\ncategory = "promo"\nreason = "r"\n'
        'examples.remove = ["X"]\nexamples.keep = ["Y"]\n' + body,
        encoding="utf-8",
    )
    return path


def spans(text: str, tmp_path: Path, body: str) -> list[tuple[int, int]]:
    rules = load_rules([rules_file(tmp_path, body)], check_examples=False)
    return [(r.first_line, r.last_line) for r in find_removals(text, rules)]


@pytest.mark.parametrize("extent", ['"end"', '"teasers"\nteaser_max_words = 20', '"blank"', '"lines"\nmax_lines = 5'])
def test_a_block_ends_before_the_first_line_of_prose(tmp_path, extent):
    text = f"Intro.\nRELATED\nA headline\nAnother headline\n{PARAGRAPH}\nFooter\n"
    body = f"kind = \"block\"\npattern = '^RELATED$'\nextent = {extent}\n"
    assert spans(text, tmp_path, body) == [(2, 4)]


COMMENT = "I think the council is right, the old hall has stood empty for years now."
LONG = " ".join([PARAGRAPH, PARAGRAPH_2, PARAGRAPH])  # an article's paragraph: 40 words and more


def test_teaser_blocks_take_summaries_and_captions_but_not_an_article(tmp_path):
    body = "kind = \"block\"\npattern = '^RELATED$'\nextent = \"end\"\ncrosses = \"teasers\"\n"
    teasers = f"Intro.\nRELATED\nA headline\n{PARAGRAPH}\nJane Doe/Reuters\n{LONG}\n{PARAGRAPH_2}\nFooter\n"
    assert spans(teasers, tmp_path, body) == [(2, 8)]
    article = f"Intro.\nRELATED\nA headline\nThe headline of the article\n{LONG}\n{PARAGRAPH}\n{LONG}\nEnd\n"
    assert spans(article, tmp_path, body) == [(2, 4)]


def test_comment_blocks_take_the_thread_under_an_article(tmp_path):
    body = "kind = \"block\"\npattern = '^12 Comments$'\nextent = \"end\"\ncrosses = \"thread\"\n"
    article = f"{LONG}\n" * 5
    thread = f"12 Comments\nJane says:\n{COMMENT}\n{COMMENT}\n{COMMENT}\nReply\nJoe says:\n{LONG}\n"
    assert spans(article + thread, tmp_path, body) == [(6, 13)]


def test_a_stray_comment_header_above_an_article_stops_at_its_paragraphs(tmp_path):
    body = "kind = \"block\"\npattern = '^Leave a comment$'\nextent = \"end\"\ncrosses = \"thread\"\n"
    page = f"Home\nNews\nLeave a comment\nBy Jane Doe\nMay 3, 2024\n{LONG}\n{LONG}\n{LONG}\nFooter\n"
    assert spans(page, tmp_path, body) == [(3, 5)]
    # Without an article above, a thread of short comments between names still goes.
    thread = f"Home\nLeave a comment\nJane says:\n{COMMENT}\nReply\nJoe says:\n{COMMENT}\nReply\n"
    assert spans(thread, tmp_path, body) == [(2, 8)]


def test_a_line_of_prose_is_never_part_of_a_run(tmp_path):
    body = "kind = \"run\"\nmin_lines = 3\npattern = '^[^\\n]*$'\nmax_words = 20\n"
    text = f"Home\nNews\nSport\n{PARAGRAPH}\nAbout\nContact\n"
    assert spans(text, tmp_path, body) == [(1, 3)]


def test_skip_prose_keeps_a_sentence_that_holds_the_phrase(tmp_path):
    body = "kind = \"line\"\nskip_prose = true\npattern = '^Related: '\n"
    text = "Related: The budget, explained\nRelated: the vote was close, and the council will meet again on Friday.\n"
    assert spans(text, tmp_path, body) == [(1, 1)]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("kind = \"block\"\npattern = '^X$'\ncrosses = \"everything\"\n", "crosses: must be one of thread, teasers"),
        ("kind = \"line\"\npattern = '^X$'\ncrosses = \"thread\"\n", "crosses: unknown field for a line rule"),
        ("kind = \"line\"\npattern = '^X$'\nskip_prose = 1\n", "skip_prose: must be true or false"),
        ("kind = \"block\"\npattern = '^X$'\nskip_prose = true\n", "skip_prose: unknown field for a block rule"),
    ],
)
def test_prose_fields_are_validated(tmp_path, body, message):
    with pytest.raises(RuleFileError, match=message):
        load_rules([rules_file(tmp_path, body)], check_examples=False)


def test_a_page_keeps_the_standfirst_and_last_line_next_to_its_running_text():
    from cleaner import Cleaner  # noqa: PLC0415

    standfirst = "Council to turn the old market hall into a library for the whole town"
    closing = "Readers can send their wishes for the new library to the council until the end of May"
    page = f"Home\nNews\nSport\nCouncil Backs New Library\n{standfirst}\n{PARAGRAPH}\n{PARAGRAPH_2}\n{closing}\nAbout us\nContact\n"
    kept = Cleaner(profile="page").clean(page).text
    assert kept == f"{standfirst}\n{PARAGRAPH}\n{PARAGRAPH_2}\n{closing}\n"


STANDFIRST = (
    "The council wants to turn the old market hall into a library for the whole town, "
    "and the first readers could walk in before the end of next year"
)


@pytest.mark.parametrize(
    ("standfirst", "kept"),
    [
        pytest.param(STANDFIRST, True, id="long-standfirst"),
        pytest.param("Twice she went home empty-handed, but in the last race of the season she struck back", True, id="standfirst"),
        pytest.param("Here is what the council decided about the old market hall:", True, id="ends-in-colon"),
        pytest.param("Council to turn the old market hall into a library for the town", False, id="headline"),
    ],
)
def test_a_page_keeps_a_standfirst_above_the_byline_and_share_buttons(standfirst, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    head = f"{standfirst}\n\nBy Jane Smith\n20 May 2024\nShare\n"
    page = f"Home\nNews\nSport\n{head}{PARAGRAPH}\n{PARAGRAPH_2}\nAbout us\nContact\n"
    result = Cleaner(profile="page").clean(page).text
    assert (standfirst in result) is kept
    assert result.startswith(standfirst if kept else "") and result.endswith(f"{PARAGRAPH}\n{PARAGRAPH_2}\n")
    assert "Home" not in result and "Contact" not in result


@pytest.mark.parametrize(
    ("between", "kept"),
    [
        pytest.param("Close\nBy\nJane Smith\n@janesmith\nJohn Roe\n1 October 2020\nShare\n", True,
                     id="a-long-byline-block"),  # fmt: skip
        pytest.param("Close\nPolitics\nJane Smith\n@janesmith\nJohn Roe\n1 October 2020\nShare\n", False,
                     id="seven-lines-and-no-byline"),  # fmt: skip
    ],
)
def test_a_page_keeps_a_standfirst_above_a_long_byline_block(between, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    # Three lines that are no lead are crossed to reach a standfirst; up to eight when
    # one of them opens a byline: authors, handles and a date take more lines.
    page = f"Home\nNews\nSport\n{STANDFIRST}\n{between}{PARAGRAPH}\n{PARAGRAPH_2}\nAbout us\nContact\n"
    result = Cleaner(profile="page").clean(page).text
    assert (STANDFIRST in result) is kept
    assert result.endswith(f"{PARAGRAPH}\n{PARAGRAPH_2}\n") and "Home" not in result


def test_a_page_crosses_only_one_gap_above_its_running_text():
    from cleaner import Cleaner  # noqa: PLC0415

    standfirst = "Residents of the valley tell how the flood took their homes, what they lost and what they need from the council now"
    summary = "The river rose two metres in one night and the town is still counting the cost of it all"
    page = f"Home\n{summary}\nWeather\n{standfirst}\nJane Smith\nTwitter\n{PARAGRAPH}\n{PARAGRAPH_2}\n"
    # Two lines are crossed to the standfirst; "Weather" above it is a second gap, not crossed.
    kept = Cleaner(profile="page").clean(page).text
    assert kept.startswith(f"{standfirst}\nJane Smith\n") and kept.endswith(f"{PARAGRAPH}\n{PARAGRAPH_2}\n")
    assert summary not in kept and "Weather" not in kept


@pytest.mark.parametrize(
    ("after_question", "kept"),
    [
        pytest.param("News\nSport\nTravel\nVideo\nRadio\n", False, id="a-teaser-among-menus"),
        pytest.param("Jane Smith\n", True, id="the-post-opens-with-it"),
    ],
)
def test_a_short_question_opens_a_page_only_when_running_text_follows_it(after_question, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    question = "Is your town among the best places to live?"
    footer = "About us\nContact\nJobs\nAdvertise\nTerms\nIs this the end of the local paper?\nImprint\n"
    page = f"Home\n{question}\n{after_question}{PARAGRAPH}\n{PARAGRAPH_2}\n{footer}"
    result = Cleaner(profile="page").clean(page).text
    assert (question in result) is kept
    # Under the text the same holds: a question alone among the footer's links goes.
    assert result.endswith(f"{PARAGRAPH}\n{PARAGRAPH_2}\n")


LEAD_IN = (
    "Die Gebühren steigen im nächsten Jahr um das Zehnfache. Viele Clubs stehen damit vor dem Aus, "
    "und deshalb bitten wir alle, die Petition gegen die Reform zu unterschreiben:"
)


def test_a_paragraph_that_ends_on_a_colon_is_running_text_and_keeps_what_it_introduces():
    from cleaner import Cleaner  # noqa: PLC0415

    menu = "Home\nNews\nTermine\nKontakt\nImpressum\nDatenschutz\n"
    link = "http://www.openpetition.de/petition/online/gegen-die-tarifreform\n"
    footer = "Impressum\nDatenschutz\n"
    # The lead-in closes the text: the link under it stays, the lines around go.
    assert Cleaner(profile="page").clean(f"{menu}{LEAD_IN}\n{link}{footer}").text == f"{LEAD_IN}\n{link}"
    # It opens the text: the list it introduces stays with it.
    items = "eine Recherche\ndas Menschenbild\ndie Erklärung der Menschenrechte\nHinweise zur Reflexion\n"
    page = f"{menu}{LEAD_IN}\n{items}{PARAGRAPH}\n{menu}"
    assert Cleaner(profile="page").clean(page).text == f"{LEAD_IN}\n{items}{PARAGRAPH}\n"


def test_a_page_keeps_a_last_paragraph_signed_by_its_agency():
    from cleaner import Cleaner  # noqa: PLC0415

    # A caption between the article's paragraphs ends the text's widening; the last
    # paragraph beyond it ends in the agency's sign, not a stop, and is the text's all the same.
    caption = "Die neue Bibliothek.\nFoto:\nStadt Dessau\n"
    signed = "Die Arbeiten sollen im Frühjahr beginnen, und die Türen öffnen vor dem Ende des nächsten Jahres. (dpa)\n"
    page = f"Home\nNews\nSport\n{PARAGRAPH}\n{PARAGRAPH_2}\n{caption}{signed}Inhalt teilen\nImpressum\n"
    assert Cleaner(profile="page").clean(page).text == f"{PARAGRAPH}\n{PARAGRAPH_2}\n{caption}{signed}"


def test_a_short_sentence_that_leads_in_to_links_under_the_text_stays_and_the_links_go():
    from cleaner import Cleaner  # noqa: PLC0415

    menu = "Home\nNews\nTermine\nKontakt\nImpressum\nDatenschutz\n"
    releases = "".join(f"Nr. {n} vom {n}. Oktober 2021\n" for n in range(20, 28))
    # Under the text's last line, before the page's tail: the page-edge rule leaves it.
    lead_in = "Das Konzeptpapier finden Sie hier:\n"
    assert Cleaner(profile="page").clean(f"{menu}{PARAGRAPH}\n{lead_in}{menu}").text == f"{PARAGRAPH}\n{lead_in}"
    # At the head of a list of links under a paragraph: the run of links starts below it.
    lead_in = "Lesen Sie dazu auch die Pressemitteilungen:\n"
    page = f"{menu}{PARAGRAPH}\n{lead_in}{releases}{PARAGRAPH_2}\n{menu}"
    assert Cleaner(profile="page").clean(page).text == f"{PARAGRAPH}\n{lead_in}{PARAGRAPH_2}\n"
    # A promo's label is shorter, and goes with the links it heads.
    page = f"{menu}{PARAGRAPH}\nLesen Sie auch:\n{releases}{PARAGRAPH_2}\n{menu}"
    assert Cleaner(profile="page").clean(page).text == f"{PARAGRAPH}\n{PARAGRAPH_2}\n"


LETTER = (
    "Liebe Leserinnen und Leser,\n"
    "nach sieben Jahren habe ich entschieden, diesen Blog zu beenden, und ich danke euch für jeden Kommentar.\n"
    "Die alten Artikel bleiben online, aber es kommen keine neuen mehr dazu, und das Forum wird geschlossen.\n"
    "Viele Grüße\n"
    "Astrid\n"
)


def test_a_page_keeps_the_greeting_and_sign_off_of_a_letter():
    from cleaner import Cleaner  # noqa: PLC0415

    menu = "Home\nBlog\nArchiv\nKontakt\nImpressum\nDatenschutz\n"
    result = Cleaner(profile="page").clean(f"{menu}{LETTER}{menu}").text
    assert result == LETTER


def test_a_run_of_short_lines_stops_at_a_comment_s_sign_off():
    from cleaner import Cleaner  # noqa: PLC0415

    comment = "das ist eine sehr edle und schicke Handtasche, und die Größe ist auch perfekt für mich.\n"
    reply = "Du bringst es auf den Punkt, edel und schick, und ich wurde schon zweimal darauf angesprochen.\n"
    # Under the comment: its sign-off and name, then the thread's labels (five: too few for a menu).
    thread = "Sei herzlich gegrüßt\nAstrid\nMartina Berg\nAutor\nZitat\nAntwort\nLiebe Astrid,\n"
    page = f"{PARAGRAPH}\n{PARAGRAPH_2}\nLiebe Martina,\n{comment}{thread}{reply}{PARAGRAPH}\n"
    result = Cleaner(profile="page").clean(page).text
    assert f"Liebe Martina,\n{comment}Sei herzlich gegrüßt\nAstrid\n" in result
    assert f"Liebe Astrid,\n{reply}" in result
    # The same labels without a letter's frame are a menu: a run of seven.
    menu = "Sei herzlich\nAstrid\nMartina Berg\nAutor\nZitat\nAntwort\nLiebe Astrid\n"
    result = Cleaner(profile="page").clean(f"{PARAGRAPH}\n{comment}{menu}{reply}").text
    assert "Astrid" not in result


@pytest.mark.parametrize("text", ["Liebe Martina,\nHome\n\n\n", "\n\n\nHome\n"])
def test_a_run_rule_that_takes_blank_lines_meets_a_letter_s_frame_without_failing(tmp_path, text):
    # A user's run rule may match blank lines: the frame's tests then see empty lines.
    body = "kind = \"run\"\npattern = '^.*$'\nmin_lines = 2\n"
    assert spans(text, tmp_path, body) == [(1, text.count("\n"))]


@pytest.mark.parametrize(
    ("line", "greeting", "sign_off"),
    [
        ("Liebe_r Besucher_in,", True, False),
        ("Dear Council Members,", True, False),
        ("Home", False, False),
        ("News, Sport, Wetter und Verkehr aus der Region", False, False),
        ("Viele Grüße", False, True),
        ("LG Petra", False, True),
        ("XX, Die Redaktion", False, True),
        ("Cheers, Joao", False, True),
        ("Pozdrawiam serdecznie", False, True),
        ("Herzlich willkommen", False, False),
        ("Best Sellers", False, False),
        ("Lovely day", False, False),
        ("Grüße aus der Redaktion an alle Leser und Leserinnen", False, False),
    ],
)
def test_a_letter_s_frame_is_told_from_menu_items(line, greeting, sign_off):
    from cleaner.letters import is_greeting, is_sign_off  # noqa: PLC0415

    assert (is_greeting(line, len(line.split())), is_sign_off(line)) == (greeting, sign_off)


def test_a_page_in_chinese_has_running_text_too():
    from cleaner import Cleaner  # noqa: PLC0415

    article = "如今，五十多个市直部门通力合作，让益阳的数字治理不断开花结果，群众办事更方便。\n"
    page = "首页\n新闻\n体育\n" + article * 2 + "关于我们\n联系我们\n"
    assert Cleaner(profile="page").clean(page).text == article * 2


NOTES = (
    "Lutz Fiedler, Altsteinzeit von A bis Z, Darmstadt, 2011, S. 13 ↩\n"
    "Joachim Hahn, Erkennen und Bestimmen, Tübingen, 1991, S. 147 ↩\n"
    "Jürgen Richter, 2012, S. 281 ↩\n"
    "Joachim Hahn, 1991, S. 169 ↩\n"
)
REFERENCES = (
    "[1] Alarm fatigue: impacts on patient safety, Curr Opin Anaesthesiol. 2015\n"
    "[2] Joint Commission National Patient Safety Goal: Alarm Management\n"
    "3. Jürgen Richter, Schaber, in Floss (Hrsg.), Steinartefakte, Tübingen 2012\n"
    "4. Claus-Joachim Kind, Kratzer, in Floss (Hrsg.), Steinartefakte, Tübingen 2012\n"
    "5. Klaus Gerken, Studien zur Besiedlung zwischen Wümme und Oste, 2001\n"
)


@pytest.mark.parametrize(
    ("notes", "kept"),
    [
        pytest.param(NOTES, True, id="back-links"),
        pytest.param(REFERENCES, True, id="numbered"),
        pytest.param("1. Bundesliga\n2. Bundesliga\n3. Liga\n4. Regionalliga\n", False, id="a-numbered-menu"),
    ],
)
def test_a_page_keeps_the_notes_under_its_article(notes, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    footer = "Impressum\nDatenschutz\nKontakt\n"
    page = f"Home\nNews\n{PARAGRAPH}\n{PARAGRAPH_2}\n{notes}{footer}"
    article = f"{PARAGRAPH}\n{PARAGRAPH_2}\n"
    assert Cleaner(profile="page").clean(page).text == (article + notes if kept else article)


def test_a_chinese_report_signed_in_brackets_ends_with_its_signature():
    from cleaner import Cleaner  # noqa: PLC0415

    article = "如今，五十多个市直部门通力合作，让益阳的数字治理不断开花结果，群众办事更方便。\n"
    signed = "正是有了英勇的你们，才有这座英雄的城！（评论员 罗博 萧海川）\n"  # noqa: RUF001
    page = f"首页\n新闻\n{article}{signed}图集\n关于我们\n"
    assert Cleaner(profile="page").clean(page).text == article + signed


def test_a_teaser_block_stops_at_a_paragraph_too_long_for_a_summary(tmp_path):
    body = "kind = \"block\"\npattern = '^RELATED$'\nextent = \"end\"\ncrosses = \"teasers\"\n"
    closing = " ".join([LONG, LONG])  # the article's last paragraph, 90 words, alone after the box
    text = f"{LONG}\nRELATED\nA headline\n{closing}\n"
    assert spans(text, tmp_path, body) == [(2, 3)]


SPECS = (
    "Gewicht: 1,2 kg\nAkku: 4000 mAh\nDisplay: 6 Zoll\nFarbe: Rot\nPreis: 299 Euro\nGarantie: 2 Jahre\n"
    "Gehäuse: Aluminium\n"
)
INGREDIENTS = "Zutaten\n250 g flour\n2 eggs\n100 ml milk\na pinch of salt\nButter\nPortions: 8\n"
PROS = (
    "Vorteile\nkann verschlüsselte Laufwerke anlegen\nunterstützt dynamische Container\nAnti-Keylogger\n"
    "Nachteile\nteuer im Vergleich\nlangsamer Support\n"
)
MENU = "Rezepte\nKuchen\nBrot\nPlätzchen\nTorten\nSuppen\nKontakt\n"
COMMANDS = (
    "Autotuning abschalten:\nnetsh interface tcp set global autotuninglevel=disabled\n"
    "Autotuning wieder einschalten:\nnetsh interface tcp set global autotuninglevel=normal\n"
    "Cmd\nInstallation\nNetzwerk\nWindows\n"
)
CODE = (
    "#!/bin/bash\nfilename=$1\nfor line in `cat $filename`\ndo\n./grab.py -s $line\ndone\n"
    "rm -f $filename\n"
)
LINKS = "Teilen:\nFacebook\nTwitter\nWhatsApp\nMail\nDrucken\nKontakt\n"
# A product's features, their phrases wrapped over two lines under capitalised headings.
WRAPPED = (
    "GENAUIGKEIT\nKlasse 0,5s\nEINFACHE HANDHABUNG\nDisplay mit\nHintergrundbeleuchtung\n"
    "ERWEITERBARKEIT\nEingang/Ausgang und\nKommunikationsmodule\nSOFTWARE\nÜberwachung und\nFernsteuerung\n"
)
# Offices with their language switches: "DE" and "EN" are no open ends.
OFFICES = "Hauptstadtbüro\nBerlin\nEN DE\nLänderbüro\nBayern\nEN DE\nArchiv\nGummersbach\nEN DE\n"


@pytest.mark.parametrize(
    ("run", "kept"),
    [
        pytest.param(SPECS, True, id="key-value-specifications"),
        pytest.param(INGREDIENTS, True, id="ingredients-with-quantities"),
        pytest.param(PROS, True, id="pros-and-cons-in-lower-case"),
        pytest.param(CODE, True, id="shell-script"),
        pytest.param(COMMANDS, True, id="commands-under-their-labels"),
        pytest.param(WRAPPED, True, id="features-wrapped-over-lines"),
        pytest.param(LINKS, False, id="a-label-over-links"),
        pytest.param(OFFICES, False, id="offices-with-language-switches"),
        pytest.param(MENU, False, id="menu-of-labels"),
        pytest.param(MENU + "Preis: 299 Euro\nFarbe: Schwarz\n", False, id="labels-outnumber-the-facts"),
    ],
)
def test_a_page_keeps_its_own_list_between_paragraphs_and_not_a_menu(run, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    page = f"{PARAGRAPH}\n{run}{PARAGRAPH_2}\n"
    result = Cleaner(profile="page").clean(page).text
    assert result == (page if kept else f"{PARAGRAPH}\n{PARAGRAPH_2}\n")


def test_a_list_of_facts_at_the_head_or_tail_of_a_page_still_goes():
    from cleaner import Cleaner  # noqa: PLC0415

    # Above the running text, or under the footer's menu, a list of "key: value" lines is
    # a sidebar's, not the article's.
    sidebar = "Impressum: Max Muster\nTel.: 0123 4567\nFax: 0123 4568\nE-Mail: info\nSitz: Berlin\nHRB: 1\n"
    page = f"{sidebar}{PARAGRAPH}\n{PARAGRAPH_2}\nAbout us\nContact\n{sidebar}"
    assert Cleaner(profile="page").clean(page).text == f"{PARAGRAPH}\n{PARAGRAPH_2}\n"


def test_a_run_rule_spares_lists_only_when_it_says_so(tmp_path):
    body = "kind = \"run\"\nmin_lines = 3\npattern = '^[^.]*$'\nmax_words = 6\n"
    text = f"{PARAGRAPH}\n{SPECS}{PARAGRAPH_2}\n"
    assert spans(text, tmp_path, body) == [(2, 8)]
    assert spans(text, tmp_path, body + "spare_lists = true\n") == []
    with pytest.raises(RuleFileError, match="spare_lists: unknown field for a line rule"):
        line_rule = "kind = \"line\"\npattern = '^X$'\nspare_lists = true\n"
        load_rules([rules_file(tmp_path, line_rule)], check_examples=False)


SHEET = "Farbe: grün\nBasisöl: Mineralöl\nPenetration: 220\nLieferbar: 125 ml\n"
REFERENCES = "References\n\nLibraries in Old Market Halls, 2019.\nThe Civic Library, City Press, 2015.\n"


@pytest.mark.parametrize(
    ("tail", "kept"),
    [
        pytest.param(SHEET, True, id="specification-sheet"),
        pytest.param("Related: The budget, explained\nTag: council\nFiled: Politics\n", False, id="labels"),
        pytest.param("var a = 1;\nvar b = 2;\nfunction f() {\n}\n", False, id="the-page-script"),
        pytest.param(REFERENCES, True, id="references-under-a-heading"),
        pytest.param("4 Quellen:\nhttps://example.org/markthalle\n", True, id="numbered-sources-with-a-link"),
        pytest.param("Literatur\nMetadaten\nOPAC\n", False, id="a-menu-that-opens-with-literatur"),
    ],
)
def test_a_page_keeps_the_facts_and_sources_its_article_ends_with(tail, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    page = f"Home\nNews\n{PARAGRAPH}\n{PARAGRAPH_2}\n{tail}\nAbout us\nContact\n"
    result = Cleaner(profile="page").clean(page).text
    assert result == f"{PARAGRAPH}\n{PARAGRAPH_2}\n" + (tail if kept else "")


def test_a_teaser_cut_short_does_not_stretch_a_page_text_to_the_stories_under_it():
    from cleaner import Cleaner  # noqa: PLC0415

    stories = (
        "Elsewhere Today\n"
        "Council Approves The Plan For A New Bridge Over The River\n"
        "Students step in to save classmates trapped in the campus vi...\n"
    )
    page = f"Home\nNews\n{PARAGRAPH}\n{PARAGRAPH_2}\n{stories}Contact us\n"
    assert Cleaner(profile="page").clean(page).text == f"{PARAGRAPH}\n{PARAGRAPH_2}\n"
    # A sentence of twelve words or more that trails off is the text's own.
    trailing = "She looked at the empty shelves of the old library and wondered what..."
    page = f"Home\nNews\n{PARAGRAPH}\n{trailing}\nContact us\n"
    assert Cleaner(profile="page").clean(page).text == f"{PARAGRAPH}\n{trailing}\n"


def test_a_page_with_no_article_keeps_its_lists_and_a_page_with_one_loses_its_menus():
    from cleaner import Cleaner  # noqa: PLC0415

    menu = "Home\nNews\nSport\nResults\nArchive\nContact\n"
    results = "".join(f"{rank}. Staffel {rank}, {40 + rank},59 sec\n" for rank in range(1, 61))
    note = "Donations could be done via the link below to keep this page free.\n"
    # One sentence on a page of results is no article: drawing the text's bounds around
    # it would take the results for the page's tail, and the menus and the results look alike.
    page = f"{menu}{note}{results}Imprint\n"
    removals = Cleaner(profile="page").clean(page).removals
    assert [r.rule_id for r in removals if r.rule_id in {"PGE001", "NAV001"}] == []
    # The same page with an article: its prose is the page's text, and the menu above goes.
    article = f"{PARAGRAPH}\n{PARAGRAPH_2}\n" * 6
    kept = Cleaner(profile="page").clean(f"{menu}{article}{results}Imprint\n").text
    assert kept.startswith(PARAGRAPH)


def test_a_chinese_page_is_weighed_by_its_characters_not_its_words():
    from cleaner import Cleaner  # noqa: PLC0415

    # Chinese writes no spaces: each line is one "word". Three paragraphs under sixty
    # teaser headlines are a twentieth of the page's words, but its article by characters.
    paragraph = "如今，数字治理不断开花结果，群众办事更加方便，这是城市发展的重要一步。\n"  # noqa: RUF001
    teasers = "".join(f"第{n}条：城市新闻标题在这里显示\n" for n in range(60))  # noqa: RUF001
    page = paragraph * 3 + teasers
    assert Cleaner(profile="page").clean(page).text == paragraph * 3


# A page's footer: twenty links, then a sentence about the site.
FOOTER_LINKS = "".join(f"Section {n}\n" for n in range(20))
ABOUT_US = "We are a small team of reporters who write about the city and its people.\n"
# A hard-wrapped paragraph: its lines end mid-sentence, some hold a word alone.
WRAPPED = "".join(
    f"the council said on day {n} of the month that the library would open\nto\n" for n in range(10)
)


@pytest.mark.parametrize(
    ("middle", "tail", "kept"),
    [
        pytest.param("", FOOTER_LINKS + ABOUT_US, False, id="a-sentence-far-below-the-article"),
        pytest.param("Here are the offers of the week:\n", FOOTER_LINKS + ABOUT_US, True,
                     id="the-article-leads-in-to-a-list"),  # fmt: skip
        pytest.param("", FOOTER_LINKS + ABOUT_US * 6, True, id="too-much-text-to-be-a-footer"),
        pytest.param("", WRAPPED + ABOUT_US, True, id="a-hard-wrapped-paragraph-is-no-gap"),
    ],
)
def test_a_page_s_text_ends_with_its_article_not_with_a_sentence_far_below_it(middle, tail, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    # The article is the stretch that holds most of the page's running text; a few
    # sentences more than fifteen lines of links below it are the footer's.
    article = f"{PARAGRAPH}\n{PARAGRAPH_2}\n" * 3 + middle
    page = f"Home\nNews\n{article}{tail}Imprint\n"
    result = Cleaner(profile="page").clean(page).text
    assert result.startswith(article)
    assert (ABOUT_US in result) == kept


def test_a_page_keeps_the_attribution_of_the_post_its_article_quotes_last():
    from cleaner import Cleaner  # noqa: PLC0415

    # An embedded post ends with whose it is; quoted last, it is still the article's.
    post = "The library opens its doors to everyone on Saturday, come and see it!\n"
    attribution = "— The Springfield City Council (@SpringfieldCity) May 4, 2022\n"
    article = f"{PARAGRAPH}\n{PARAGRAPH_2}\n" * 3 + "The city shared the news:\n" + post + attribution
    result = Cleaner(profile="page").clean(f"Home\nNews\n{article}Share this:\nTwitter\nImprint\n").text
    assert result == article


@pytest.mark.parametrize(("comments", "kept"), [(10, False), (90, True)])
def test_a_long_thread_of_comments_far_below_the_article_is_no_footer(comments, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    # Sentences far below the article are the footer's only while they are few: ninety
    # comments (over 6,000 characters) under a long article are more of the page's content.
    article = "".join(
        f"Paragraph {n} of the report says the council met on Monday and voted to build the library.\n"
        for n in range(500)
    )
    thread = "".join(
        f"Reader {n} wrote that the new library is a fine idea and that the town needs it.\n"
        for n in range(comments)
    )
    result = Cleaner(profile="page").clean(f"Home\nNews\n{article}{FOOTER_LINKS}{thread}Imprint\n").text
    assert result.startswith(article)
    assert (thread in result) == kept


# Other stories under the site's rights notice: a headline and a summary each.
TEASERS = "".join(f"Other story {n}\nIts summary says in a sentence what story {n} is on.\n" for n in "123")


@pytest.mark.parametrize(
    ("notice", "above", "kept"),
    [
        pytest.param("© 2019 Example News. All rights reserved.\n", 3, False, id="the-site-s-rights-notice"),
        pytest.param("Copyright 2019 Beispiel Verlag. Alle Rechte vorbehalten.\n", 3, False, id="in-german"),
        pytest.param("ⓒ 2019 예시일보. 무단전재 및 재배포 금지\n", 3, False, id="in-korean"),
        pytest.param("© 2006–2012 Jane Doe.\n", 3, True, id="a-picture-s-credit-names-no-rights"),  # noqa: RUF001
        pytest.param("© 2019 Example News. All rights reserved.\n", 1, True, id="most-of-the-text-below-it"),
        pytest.param("Licences sit between copyright (all rights reserved) and the public domain.\n", 3, True,
                     id="a-sentence-quotes-the-phrase"),  # fmt: skip
    ],
)
def test_a_page_s_text_ends_at_its_rights_notice(notice, above, kept):
    from cleaner import Cleaner  # noqa: PLC0415

    # Summaries under the notice are the site's: teasers of other stories.
    article = f"{PARAGRAPH}\n{PARAGRAPH_2}\n" * above + notice + f"{PARAGRAPH}\n{PARAGRAPH_2}\n" * (3 - above)
    page = f"Home\nNews\n{article}{TEASERS}Imprint\n"
    result = Cleaner(profile="page").clean(page).text
    assert f"{PARAGRAPH}\n{PARAGRAPH_2}\n" * above in result
    assert ("what story 1 is on" in result) == kept


def test_a_page_of_syndicated_stories_keeps_the_stories_under_their_notices():
    from cleaner import Cleaner  # noqa: PLC0415

    # Each story ends with its agency's notice: none of them closes the page.
    notice = "Copyright 2019 The Associated Press. All rights reserved.\n"
    second = "The second story is about the harbour, which the city will dredge next summer.\n"
    second += "The work should take three months, and the ferries will keep running meanwhile.\n"
    page = f"Home\n{PARAGRAPH}\n{PARAGRAPH_2}\n" * 3 + notice + second + notice + TEASERS + "Imprint\n"
    assert second in Cleaner(profile="page").clean(page).text


def test_a_page_keeps_the_list_of_items_its_article_ends_with():
    from cleaner import Cleaner  # noqa: PLC0415

    # Each item is a title and two facts: no menu, no list of other stories.
    items = "".join(
        f"Actress {name}\nRoots: Daughter of a {job}\nRole: {role}\n"
        for name, job, role in (("Ann Lee", "painter", "Meskada"), ("Eva Cole", "singer", "Goats"))
    )
    article = f"{PARAGRAPH}\n{PARAGRAPH_2}\n" * 3 + "Here are a few favorites, all on Netflix now.\n" + items
    page = f"Home\nNews\n{article}Imprint\nContact\n"
    assert Cleaner(profile="page").clean(page).text.startswith(article)


def test_a_page_keeps_the_end_of_its_last_sentence_wrapped_onto_the_next_line():
    from cleaner import Cleaner  # noqa: PLC0415

    last = "The plans are in the chapter on public buildings, written by the city architect for the book\n"
    page = f"Home\nNews\n{PARAGRAPH}\n{last}about the old town.\n\nAbout us\nContact\n"
    assert Cleaner(profile="page").clean(page).text == f"{PARAGRAPH}\n{last}about the old town.\n"


def test_a_list_of_sources_under_a_paragraph_is_no_menu():
    from cleaner import Cleaner  # noqa: PLC0415

    sources = "Quellen\nStadtarchiv\nDuden\nhttps://example.org/a\nhttps://example.org/b\nBauamt\nStadtrat\n"
    page = f"{PARAGRAPH}\n{sources}{PARAGRAPH_2}\n"
    assert Cleaner(profile="page").clean(page).text == page
