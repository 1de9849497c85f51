"""Does a sentence ask the reader something (to do something, or to answer)?

    ask_score(sentence) -> float in [0, 1]
    asks_reader(sentence) -> bool        # ask_score(sentence) >= the model's threshold

A logistic regression over the sentence's words and word pairs plus the verdicts of the rules in
`text` (request, question, courtesy, offer, hand-back). The rules know phrasings the training data
never showed; the words correct the rules where real mail disagrees with them (marketing calls to
action, "please find attached", questions nobody needs answered). The weights and the decision
threshold ship in `models/intent.json.gz`, which `bench/train_intent.py` rebuilds from the
Parakweet email-intent tuning split. The rule verdicts are features, so retrain when `text`'s rules
change. Courtesies are asks here ("let me know if you have any questions" scores high: the labels call
half of them asks), so a caller that owes nothing for them keeps asking `text.is_courtesy` too.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from functools import lru_cache
from importlib import resources
from collections.abc import Callable

from pydantic import BaseModel

from se_pipeline.analysis import text

MODEL_FILE = "intent.json.gz"

# A token is a link, an address, a number or a word; only its kind matters for the first three.
_TOKEN = re.compile(
    r"(?P<url>\$LINK|https?://\S+|www\.\S+)|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)|(?P<num>\d[\d,.:/-]*)|"
    r"(?P<word>[^\W\d_]+(?:'[^\W\d_]+)?)|(?P<mark>[?!])"
)
_RULES: tuple[tuple[str, Callable[[str], bool]], ...] = (
    ("request", text.is_request),
    ("question", text.is_question),
    ("courtesy", text.is_courtesy),
    ("offer", text.is_offer),
    ("hands_back", text.hands_back),
)


class IntentModel(BaseModel):
    """The shipped model: feature weights, intercept, the decision threshold on the score, and how it was made."""

    intercept: float
    threshold: float
    weights: dict[str, float]
    about: dict[str, str | float]


def tokens(sentence: str) -> list[str]:
    """Lower-case words and ?/!, with links, e-mail addresses and numbers as <url>, <email>, <num>."""
    out = []
    for match in _TOKEN.finditer(sentence.replace("\u2019", "'")):
        kind = match.lastgroup
        out.append(match.group().lower() if kind in ("word", "mark") else f"<{kind}>")
    return out


def features(sentence: str) -> dict[str, float]:
    """The model's inputs: words, word pairs (with the sentence's start and end) and how the sentence
    opens, scaled to unit length so that long sentences do not outvote short ones; plus one feature per
    rule of `text` that fires."""
    words = tokens(sentence)
    padded = ["<s>", *words, "</s>"]
    grams = {f"w:{w}" for w in words}
    grams.update(f"b:{a} {b}" for a, b in zip(padded, padded[1:], strict=False))
    grams.add("start:" + " ".join(words[:2]))
    scale = 1 / math.sqrt(len(grams))
    out = dict.fromkeys(grams, scale)
    out.update((f"rule:{name}", 1.0) for name, fires in _RULES if fires(sentence))
    if sentence.rstrip().endswith("?"):
        out["rule:question_mark"] = 1.0
    return out


def ask_score(sentence: str) -> float:
    """How likely the sentence asks the reader to do or answer something, from 0 to 1."""
    model = load_model()
    weights = model.weights
    z = model.intercept + sum(weights.get(name, 0.0) * value for name, value in features(sentence).items())
    return 1 / (1 + math.exp(-z))


def asks_reader(sentence: str) -> bool:
    """True when the sentence asks the reader to do something or to answer a question."""
    return ask_score(sentence) >= load_model().threshold


@lru_cache(maxsize=1)
def load_model() -> IntentModel:
    """The shipped model, read once on first use."""
    packed = resources.files("se_pipeline.analysis").joinpath("models").joinpath(MODEL_FILE).read_bytes()  # one part per call on 3.10
    return IntentModel.model_validate(json.loads(gzip.decompress(packed)))
