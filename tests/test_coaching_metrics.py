"""Call metrics against hand computation on tests/data/calls (a 60-second call, worked out below)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from se_pipeline.coaching.transcript import Utterance, call_type, measure

CALL = json.loads((Path(__file__).parent / "data" / "calls" / "2026-10-01-7782342274025937895.json").read_text())
INTERNAL = {"S1": True, "S2": False, "S3": True}
NAMES = {"S1": "Alice Chen", "S2": "Priya Rao", "S3": "Dave Kim"}


def _utterances() -> list[Utterance]:
    return [
        Utterance(m["speakerId"], NAMES[m["speakerId"]], INTERNAL[m["speakerId"]], s["start"], s["end"], s["text"])
        for m in CALL["transcript"]
        for s in m["sentences"]
    ]


@pytest.fixture(scope="module")
def m():
    return measure(_utterances(), "S1")


def test_talk_ratio_counts_rep_against_customer_only(m):
    # Alice: 4.0 + 6.0 + 4.0 + 4.5 + 5.8 + 8.0 = 32.3 s; Priya: 9 + 6 + 6 = 21 s; Dave (an AE) counts for neither.
    assert m.rep_talk_s == pytest.approx(32.3)
    assert m.customer_talk_s == pytest.approx(21.0)
    assert m.talk_ratio == pytest.approx(100 * 32.3 / 53.3, abs=0.01)  # 60.6 %


def test_questions_fillers_and_monologue(m):
    assert m.questions == 2  # "…out of this evaluation?", "What budget…?"
    assert m.question_spread == 0.5  # at 4 s (1st quarter) and 31.5 s (3rd quarter) of 60 s
    assert m.filler_words == 2  # "Um", "you know"
    assert m.filler_per_min == pytest.approx(2 / (32.3 / 60), abs=0.001)  # 3.715
    assert m.longest_monologue_s == pytest.approx(13.8)  # 46.2 s → 60 s
    assert m.customer_questions == 0


def test_interactivity_and_patience(m):
    # S1 S1 S2 S2 S1 S1 S3 S2 S1 S1: 5 speaker changes in one minute.
    assert m.interactivity == pytest.approx(5.0)
    # Customer → rep: 26.0 → 27.5 (1.5 s) and 46.0 → 46.2 (0.2 s).
    assert m.patience_s == pytest.approx(0.85)


def test_objection_next_steps_and_sentiment(m):
    assert m.objections == [
        {
            "text": "Honestly the price is a concern for us.",
            "kind": "price",
            "reply": "I understand, that's a fair concern. What budget have you set aside for this?",
            "pause_s": 1.5,
            "acknowledged": True,
            "asked": True,
            "handled": True,
        }
    ]
    assert m.next_steps == [{"who": "Alice Chen", "what": "Next step: I'll send you the proposal by Friday.", "when": "by Friday"}]
    assert m.bant_coverage == 0.5  # need ("hoping") and budget asked; authority and timeline not
    assert -1 <= m.customer_sentiment <= 1
    assert m.highlights["closing"] == "Next step: I'll send you the proposal by Friday."


def test_call_type_from_title():
    assert [call_type(t) for t in ["Acme discovery call", "Globex POC demo", "Initech pricing review", "Weekly sync"]] == [
        "discovery", "demo", "negotiation", "other"
    ]


def test_a_rep_who_only_talks_has_no_patience_and_full_talk_ratio():
    utts = [Utterance("R", "Rep", True, 0, 30000, "So basically this is our platform."), Utterance("R", "Rep", True, 30000, 60000, "It saves 5 hours a week.")]
    m = measure(utts, "R")
    assert (m.talk_ratio, m.patience_s, m.longest_monologue_s, m.value_statements, m.filler_words) == (100.0, None, 60.0, 1, 1)


def test_energy_is_pace_and_its_variation_from_sentence_timings():
    rep = [
        Utterance("R", "Rep", True, 0, 6000, "one two three four five six seven eight nine ten"),  # 100 wpm
        Utterance("C", "Cust", False, 6000, 9000, "Fine."),
        Utterance("R", "Rep", True, 9000, 12000, "one two three four five six seven eight nine ten"),  # 200 wpm
        Utterance("R", "Rep", True, 12000, 13000, "Right."),  # under 2 s: in the pace, not in its variation
    ]
    m = measure(rep, "R")
    assert m.words_per_minute == pytest.approx(21 / (10 / 60), abs=0.1)  # 21 words in 10 s of talk: 126 wpm
    assert m.pace_variation == pytest.approx(100 * 70.71 / 150, abs=0.1)  # the two rates' standard deviation / mean
    flat = measure([rep[0], rep[1], Utterance("R", "Rep", True, 9000, 15000, rep[0].text)], "R")
    assert flat.pace_variation == 0.0
