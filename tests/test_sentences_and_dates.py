"""Messages cut into sentences and list items, and the due days people write."""

import datetime as dt

import pytest

from se_pipeline.analysis import describe_due
from se_pipeline.analysis.dates import due_date, mentions_date
from se_pipeline.analysis.sentences import language, sentences, units


def test_abbreviations_do_not_end_a_sentence():
    said = sentences("Dr. Ito compared us vs. the incumbent, e.g. on cost. Can you send the deck? Thanks!")
    assert said == ["Dr. Ito compared us vs. the incumbent, e.g. on cost.", "Can you send the deck?"]


def test_list_items_and_inline_enumerations_are_units_of_their_own():
    found = units("Two things:\n1) Can the gateway run on ARM?\n2) Who signs the order form?")
    assert [(u.item, u.text) for u in found] == [
        (None, "Two things:"), ("1", "Can the gateway run on ARM?"), ("2", "Who signs the order form?"),
    ]
    inline = units("Thanks Mo! (2) Yes, that is supported. (1) Let me check on the letter.")
    assert [(u.item, u.text) for u in inline][1:] == [("2", "Yes, that is supported."), ("1", "Let me check on the letter.")]


@pytest.mark.parametrize("body, kept", [
    ("Hallo Frau Berg, hallo Herr Lutz,\n\nkönnen Sie uns die Liste schicken?\n\nViele Grüße aus Köln", ["können Sie uns die Liste schicken?"]),
    ("Hola Marta,\n\nthe agenda looks good.\n\nUn saludo,", ["the agenda looks good."]),
    ("Dear Ms. Ito,\nplease find the contract attached.\nKind regards\nPaul", ["please find the contract attached."]),
    ("Thanks, can you also share the runbook?", ["Thanks, can you also share the runbook?"]),
])
def test_greetings_and_sign_offs_are_set_apart_in_any_language(body, kept):
    assert sentences(body) == kept


def test_the_language_decides_the_segmenter():
    assert language("Wird die Replikation automatisch fortgesetzt, oder muss der Dienst neu gestartet werden?") == "de"
    assert language("Does replication resume on its own after an outage?") == "en"


SAID = dt.date(2026, 3, 11)  # a Wednesday


@pytest.mark.parametrize("sentence, due", [
    ("I'll send the revised plan for the 16 Mar deadline by tomorrow noon.", dt.date(2026, 3, 12)),
    ("Could you share the sizing by Friday?", dt.date(2026, 3, 13)),
    ("Can you do the TCO piece by *Friday 3/13*?", dt.date(2026, 3, 13)),
    ("Please come back to us by 2 April.", dt.date(2026, 4, 2)),
    ("We need it before Apr 2nd.", dt.date(2026, 4, 2)),
    ("Könnten Sie uns bis Montag die Liste schicken?", dt.date(2026, 3, 16)),
    ("Bitte um Rücksendung bis zum 20.03.2026.", dt.date(2026, 3, 20)),
    ("I need a written plan today.", SAID),
    ("I'll have the demo ready for Tuesday.", dt.date(2026, 3, 17)),
    ("Send it by end of week.", dt.date(2026, 3, 13)),
    ("Do you have a minute?", None),
])
def test_due_days_are_read_from_what_people_write(sentence, due):
    assert due_date(sentence, SAID) == due


def test_a_weekday_beside_a_slashed_date_decides_day_or_month_first():
    assert due_date("due Thursday 4/6", dt.date(2026, 5, 30)) == dt.date(2026, 6, 4)  # 4 June is a Thursday
    assert due_date("due 4/6", dt.date(2026, 3, 30)) == dt.date(2026, 4, 6)  # month first by default


def test_due_days_are_told_relative_to_the_digest_day():
    assert describe_due(dt.date(2026, 3, 13), SAID) == "due Fri 13 Mar"
    assert describe_due(dt.date(2026, 3, 12), SAID) == "due tomorrow (Thu 12 Mar)"
    assert describe_due(dt.date(2026, 3, 9), SAID) == "overdue 2 days"
    assert mentions_date("the go-live moved to 3 Nov") and not mentions_date("see you soon")
