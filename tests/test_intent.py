"""Does a sentence ask the reader something: the shipped intent model (se_pipeline.analysis.intent)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from se_pipeline.analysis import intent, text

ROOT = Path(__file__).resolve().parents[1]

ASKS = [
    "Could you send over the signed order form by Thursday?",
    "Please review the attached rollout plan and tell me whether step four is safe.",
    "Can you share the latency numbers from yesterday's load test?",
    "Would you be able to join a call with our platform team on Monday?",
]
QUESTIONS = [
    "What time works for the kickoff next week?",
    "Did the export finish before the maintenance window?",
]
STATEMENTS = [
    "We deployed the collector to the staging cluster yesterday.",
    "The quarterly review went well and the team was happy with the results.",
    "I'll send the meeting notes tomorrow morning.",
]
MARKETING = [
    "Add us to your address book to keep receiving our newsletter.",
    "To unsubscribe from these emails, update your email preferences.",
]


@pytest.mark.parametrize("sentence", ASKS + QUESTIONS)
def test_requests_and_questions_ask_the_reader(sentence):
    assert intent.asks_reader(sentence)


@pytest.mark.parametrize("sentence", STATEMENTS + MARKETING + ["Feel free to reach out if anything comes up."])
def test_statements_small_print_and_open_offers_ask_nothing(sentence):
    assert not intent.asks_reader(sentence)


def test_a_let_me_know_courtesy_is_an_ask_that_the_courtesy_rule_still_marks():
    # The labels call "let me know if…" an ask; the digest owes nothing for it because of text.is_courtesy.
    sentence = "Let me know if you have any questions."
    assert intent.asks_reader(sentence) and text.is_courtesy(sentence)


@pytest.mark.parametrize("ask, fact", [
    ("Can you send the renewal quote today?", "I sent the renewal quote today."),
    # A question without "you" is the model's weak spot (it may fall under the threshold), yet ranks far above the fact.
    ("Is the staging cluster still on version 3.2?", "The staging cluster is still on version 3.2."),
])
def test_an_ask_scores_above_the_same_words_said_as_a_fact(ask, fact):
    assert intent.ask_score(ask) > intent.ask_score(fact) + 0.5


def test_scores_are_probabilities_and_the_decision_is_the_threshold():
    model = intent.load_model()
    assert 0 < model.threshold < 1
    for sentence in ASKS + STATEMENTS + ["", "?", "$LINK"]:
        score = intent.ask_score(sentence)
        assert 0 <= score <= 1
        assert intent.asks_reader(sentence) == (score >= model.threshold)


def test_scoring_is_deterministic_across_reloads():
    before = [intent.ask_score(s) for s in ASKS + STATEMENTS]
    intent.load_model.cache_clear()
    assert [intent.ask_score(s) for s in ASKS + STATEMENTS] == before


def test_the_rules_are_features_of_the_shipped_model():
    weights = intent.load_model().weights
    assert weights["rule:request"] > 0 and weights["rule:question_mark"] > 0
    assert weights["rule:courtesy"] < 0


def test_features_name_kinds_of_token_not_their_text():
    words = intent.tokens("Mail ops@example.com about the 3.5 GB file at https://example.com/x?")
    assert words == ["mail", "<email>", "about", "the", "<num>", "gb", "file", "at", "<url>"]
    assert "rule:question" in intent.features("Is the 2.1 agent out yet?")


def _train_intent():
    spec = importlib.util.spec_from_file_location("train_intent", ROOT / "bench" / "train_intent.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_threshold_is_the_highest_recall_cut_that_keeps_the_precision():
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    gold = np.array([True, True, False, True, False, True])
    threshold, precision, recall = _train_intent().operating_point(scores, gold, 0.75)
    assert (threshold, precision, recall) == (0.6, 0.75, 0.75)


def test_near_identical_sentences_fall_in_one_family():
    families = _train_intent().near_duplicate_families([
        "If you have any questions, please visit our help center.",
        "If you have any other questions, please visit our help center.",
        "The invoice is attached.",
    ])
    assert families[0] == families[1] != families[2]
