"""Call metrics from one transcript: pure functions over its sentences, each defined precisely.

A transcript is a list of Utterance (one per sentence, in spoken order). "Rep" is the SE's
speaker id on the call; "customer" is every speaker who is not ours (is_internal false). Other
colleagues (an AE) count for neither side of the talk ratio but do break a rep's monologue.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

# Spoken hesitations and verbal tics. "like" and "so" are left out: too often real words.
FILLER = re.compile(r"\b(?:um+|uh+|uhm|erm|er|ah|hmm+|you know|i mean|kind of|sort of|basically|literally)\b", re.I)
OBJECTION = re.compile(
    r"\b(?:concern(?:s|ed)?|worr(?:y|ied)|too (?:expensive|much|complex|complicated|slow|long|risky)|expensive|"
    r"not sure|don'?t (?:think|see|need)|can'?t justify|no budget|out of (?:our )?budget|already (?:use|have|using)|"
    r"happy with|hesitant|not convinced|push back|deal ?breaker)\b",
    re.I,
)
OBJECTION_KIND = [
    ("price", re.compile(r"\b(?:price|pricing|expensive|cost|budget|afford|discount|spend)\b", re.I)),
    ("competitor", re.compile(r"\b(?:already (?:use|have|using)|happy with|competitor|alternative|switch)\b", re.I)),
    ("security", re.compile(r"\b(?:security|compliance|soc ?2|gdpr|privacy|legal)\b", re.I)),
    ("timing", re.compile(r"\b(?:timing|next quarter|next year|not now|later|bandwidth|time)\b", re.I)),
    ("complexity", re.compile(r"\b(?:complex|complicated|hard|difficult|integrat\w*|migrat\w*)\b", re.I)),
]
ACKNOWLEDGE = re.compile(
    r"\b(?:i understand|understandable|that'?s (?:fair|a fair|a great|a good|reasonable)|fair (?:point|concern)|"
    r"makes sense|i hear you|good (?:question|point)|great (?:question|point)|i appreciate|thanks for (?:raising|sharing))\b",
    re.I,
)
NEXT_STEP_ACTION = re.compile(
    r"\b(?:next steps?|follow[- ]?up|send|share|schedule|set up|book|invite|loop in|review|sign|kick ?off)\b", re.I
)
NEXT_STEP_COMMIT = re.compile(r"\b(?:i'?ll|we'?ll|i will|we will|let'?s|can you|could you|next steps?|you'?ll)\b", re.I)
WHEN = re.compile(
    r"\b(?:(?:by |on |next )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)|tomorrow|today|"
    r"next week|this week|end of (?:the )?(?:day|week|month|quarter)|\d{1,2}/\d{1,2}|"
    r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{1,2})\b",
    re.I,
)
TRIAL_CLOSE = re.compile(
    r"(?:does (?:that|this) (?:make sense|help|work)|how does (?:that|this) sound|would (?:that|this) work|"
    r"what do you think|are you comfortable|is (?:that|this) (?:what|something) you)",
    re.I,
)
VALUE = re.compile(
    r"\b(?:save[sd]?|saving|reduce[sd]?|cut|faster|increase[sd]?|improve[sd]?|roi|return on|payback|"
    r"\d+ ?(?:%|percent)|hours? (?:a|per) (?:week|month|day))",
    re.I,
)
PERSONAL = re.compile(r"\b(?:you mentioned|you said|you told|your team|your (?:process|workflow|use case|goal|data)|for your)\b", re.I)
BANT = {
    "budget": re.compile(r"\b(?:budget|spend|cost|price|pricing|investment)\b", re.I),
    "authority": re.compile(r"\b(?:decision|decide|sign[- ]off|approv\w*|stakeholder|who else)\b", re.I),
    "need": re.compile(r"\b(?:need|challenge|problem|pain|goal|hoping|trying to)\b", re.I),
    "timeline": re.compile(r"\b(?:timeline|deadline|go[- ]live|quarter|by when|when do you)\b", re.I),
}
CALL_TYPES = [
    ("discovery", re.compile(r"\b(?:discovery|intro|introduction|kickoff|kick-off|first call)\b", re.I)),
    ("demo", re.compile(r"\b(?:demo|walkthrough|walk-through|poc|workshop|deep dive|technical)\b", re.I)),
    ("negotiation", re.compile(r"\b(?:pricing|negotiation|proposal|contract|commercial|renewal)\b", re.I)),
]
NEXT_STEP_TAIL = 0.25  # next steps count in the last quarter of the call


@dataclass(frozen=True)
class Utterance:
    speaker_id: str | None
    speaker_name: str | None
    is_internal: bool
    start_ms: int
    end_ms: int
    text: str


@dataclass
class CallMetrics:
    span_s: float
    rep_talk_s: float
    customer_talk_s: float
    talk_ratio: float | None  # percent
    longest_monologue_s: float
    questions: int
    question_spread: float
    customer_questions: int
    filler_words: int
    filler_per_min: float | None
    interactivity: float | None
    patience_s: float | None
    objections: list[dict[str, Any]] = field(default_factory=list)
    next_steps: list[dict[str, Any]] = field(default_factory=list)
    trial_closes: int = 0
    value_statements: int = 0
    personalization: int = 0
    bant_coverage: float = 0.0
    customer_sentiment: float | None = None
    words_per_minute: float | None = None
    pace_variation: float | None = None
    highlights: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def call_type(title: str | None) -> str:
    """discovery, demo, negotiation or other, from words in the call's title."""
    for kind, pattern in CALL_TYPES:
        if pattern.search(title or ""):
            return kind
    return "other"


def is_question(text: str) -> bool:
    return text.strip().endswith("?")


@lru_cache(maxsize=1)
def _vader():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def _turns(utts: list[Utterance]) -> list[list[Utterance]]:
    """Maximal runs of consecutive sentences by one speaker."""
    turns: list[list[Utterance]] = []
    for u in utts:
        if turns and turns[-1][0].speaker_id == u.speaker_id:
            turns[-1].append(u)
        else:
            turns.append([u])
    return turns


def _seconds(ms: float) -> float:
    return ms / 1000.0


def measure(utts: list[Utterance], rep_speaker_id: str) -> CallMetrics:
    """Every metric of one call.

    talk_ratio           rep talk time / (rep + customer talk time) × 100, talk time being the
                         sum of sentence durations (end − start).
    longest_monologue_s  the longest rep turn: first sentence start to last sentence end of a run
                         of rep sentences not interrupted by anyone.
    questions            rep sentences ending in "?".
    question_spread      share of the call's four time quarters (of the transcript's span) in
                         which the rep starts at least one question.
    filler_words         matches of FILLER in rep sentences; filler_per_min divides by the rep's
                         talk time in minutes.
    interactivity        speaker changes between consecutive sentences per minute of span.
    patience_s           mean pause (≥ 0) between the end of a customer sentence and the start of
                         the rep sentence right after it.
    objections           customer sentences matching OBJECTION; for each, the rep's reply is the
                         next rep turn: acknowledged (ACKNOWLEDGE), asked (a question in it),
                         pause_s (its start − the previous sentence's end); handled = either.
    next_steps           sentences in the last quarter of the span with an action (NEXT_STEP_ACTION)
                         and a commitment (NEXT_STEP_COMMIT): who said it, what, when (WHEN or null).
    customer_sentiment   mean VADER compound score of the customer's sentences (−1 … 1).
    words_per_minute     energy, pace: the rep's words / the rep's talk time in minutes.
    pace_variation       energy, variety: the coefficient of variation (%) of the words per minute
                         of the rep's sentences of 2 s or more (a flat delivery varies little).
                         Pitch and loudness need the call's audio, which a transcript does not carry.
    """
    if not utts:
        raise ValueError("a call without transcript sentences has no metrics")
    rep = [u for u in utts if u.speaker_id == rep_speaker_id]
    customer = [u for u in utts if not u.is_internal]
    first, last = utts[0].start_ms, max(u.end_ms for u in utts)
    span_ms = max(last - first, 1)
    rep_ms = sum(u.end_ms - u.start_ms for u in rep)
    customer_ms = sum(u.end_ms - u.start_ms for u in customer)
    turns = _turns(utts)

    rep_questions = [u for u in rep if is_question(u.text)]
    quarters = {min(3, int(4 * (u.start_ms - first) / span_ms)) for u in rep_questions}
    fillers = sum(len(FILLER.findall(u.text)) for u in rep)
    switches = sum(1 for a, b in zip(utts, utts[1:], strict=False) if a.speaker_id != b.speaker_id)
    pauses = [
        max(0, b.start_ms - a.end_ms)
        for a, b in zip(utts, utts[1:], strict=False)
        if not a.is_internal and b.speaker_id == rep_speaker_id
    ]
    metrics = CallMetrics(
        span_s=_seconds(span_ms),
        rep_talk_s=_seconds(rep_ms),
        customer_talk_s=_seconds(customer_ms),
        talk_ratio=round(100 * rep_ms / (rep_ms + customer_ms), 2) if rep_ms + customer_ms else None,
        longest_monologue_s=max(
            (_seconds(t[-1].end_ms - t[0].start_ms) for t in turns if t[0].speaker_id == rep_speaker_id), default=0.0
        ),
        questions=len(rep_questions),
        question_spread=len(quarters) / 4,
        customer_questions=sum(1 for u in customer if is_question(u.text)),
        filler_words=fillers,
        filler_per_min=round(fillers / (rep_ms / 60000), 3) if rep_ms else None,
        interactivity=round(switches / (span_ms / 60000), 3),
        patience_s=round(_seconds(sum(pauses) / len(pauses)), 3) if pauses else None,
        trial_closes=sum(1 for u in rep if is_question(u.text) and TRIAL_CLOSE.search(u.text)),
        value_statements=sum(1 for u in rep if VALUE.search(u.text)),
        personalization=sum(1 for u in rep if PERSONAL.search(u.text)),
        bant_coverage=sum(1 for p in BANT.values() if any(p.search(u.text) for u in rep_questions)) / len(BANT),
    )
    metrics.words_per_minute, metrics.pace_variation = _pace(rep)
    metrics.objections = _objections(utts, rep_speaker_id)
    tail_start = first + (1 - NEXT_STEP_TAIL) * span_ms
    metrics.next_steps = [
        {"who": u.speaker_name, "what": u.text, "when": (m.group(0) if (m := WHEN.search(u.text)) else None)}
        for u in utts
        if u.start_ms >= tail_start and NEXT_STEP_ACTION.search(u.text) and NEXT_STEP_COMMIT.search(u.text)
    ]
    if customer:
        vader = _vader()
        metrics.customer_sentiment = round(sum(vader.polarity_scores(u.text)["compound"] for u in customer) / len(customer), 4)
    metrics.highlights = _highlights(rep, metrics)
    return metrics


WORD = re.compile(r"\b[\w'-]+\b")
PACE_MIN_SENTENCE_MS = 2000


def _pace(rep: list[Utterance]) -> tuple[float | None, float | None]:
    """(words per minute, variation %) of the rep's speech, from sentence timings."""
    talk_ms = sum(u.end_ms - u.start_ms for u in rep)
    if not talk_ms:
        return None, None
    words = sum(len(WORD.findall(u.text)) for u in rep)
    rates = [len(WORD.findall(u.text)) / ((u.end_ms - u.start_ms) / 60000) for u in rep if u.end_ms - u.start_ms >= PACE_MIN_SENTENCE_MS]
    variation = None
    if len(rates) >= 2:
        average = sum(rates) / len(rates)
        spread = (sum((r - average) ** 2 for r in rates) / (len(rates) - 1)) ** 0.5
        variation = round(100 * spread / average, 1) if average else None
    return round(words / (talk_ms / 60000), 1), variation


def _objections(utts: list[Utterance], rep_speaker_id: str) -> list[dict[str, Any]]:
    found = []
    for i, u in enumerate(utts):
        if u.is_internal or not OBJECTION.search(u.text):
            continue
        kind = next((k for k, p in OBJECTION_KIND if p.search(u.text)), "other")
        j = next((k for k in range(i + 1, len(utts)) if utts[k].speaker_id == rep_speaker_id), None)
        reply: list[Utterance] = []
        if j is not None:
            for v in utts[j:]:
                if v.speaker_id != rep_speaker_id:
                    break
                reply.append(v)
        acknowledged = any(ACKNOWLEDGE.search(v.text) for v in reply)
        asked = any(is_question(v.text) for v in reply)
        found.append(
            {
                "text": u.text,
                "kind": kind,
                "reply": " ".join(v.text for v in reply) or None,
                "pause_s": _seconds(max(0, utts[j].start_ms - utts[j - 1].end_ms)) if j is not None else None,
                "acknowledged": acknowledged,
                "asked": asked,
                "handled": acknowledged or asked,
            }
        )
    return found


def _highlights(rep: list[Utterance], m: CallMetrics) -> dict[str, str]:
    """One quote of the rep per skill area, where the call has one (used as call highlights)."""
    quotes: dict[str, str] = {}

    def first(pred) -> str | None:
        return next((u.text for u in rep if pred(u.text)), None)

    candidates = {
        "discovery": first(lambda t: is_question(t) and any(p.search(t) for p in BANT.values())) or first(is_question),
        "qualification": first(lambda t: is_question(t) and bool(BANT["budget"].search(t) or BANT["authority"].search(t))),
        "demo": first(lambda t: bool(VALUE.search(t) or PERSONAL.search(t))),
        "objection_handling": next((o["reply"] for o in m.objections if o["handled"] and o["reply"]), None),
        "negotiation": next((o["reply"] for o in m.objections if o["kind"] == "price" and o["handled"] and o["reply"]), None),
        "closing": next((s["what"] for s in m.next_steps if s["when"]), None) or first(lambda t: bool(TRIAL_CLOSE.search(t))),
    }
    for area, quote in candidates.items():
        if quote:
            quotes[area] = quote
    return quotes
