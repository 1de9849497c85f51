"""Examples to study: for each skill area, a quote from the team's best-scoring call on that area.

A call's area score uses the same components as the weekly scores (scores.components), measured on
that call alone. The best call of the last LOOKBACK_WEEKS with a quote for the area wins (ties:
the latest). A rep sees the quote, the call's date and whether it is theirs; another rep's call is
"a teammate's call", without their name or score (the seed's guardrail: no individual scores
shared with peers).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from statistics import mean

import pandas as pd

from se_pipeline.coaching.scores import AREAS, CALL_COMPONENTS, call_aggregates, components


@dataclass(frozen=True)
class Example:
    area: str
    quote: str
    call_id: str
    se_id: str
    title: str | None
    url: str | None
    call_date: dt.date
    score: float


def call_area_scores(call: pd.DataFrame) -> dict[str, float | None]:
    """One call's score per area, from its call components only."""
    measured = components(call_aggregates(call, min_calls=1, min_objections=1), {}, {})
    scores: dict[str, float | None] = {}
    for area in AREAS:
        values = [v for k, v in measured[area.name].items() if k in CALL_COMPONENTS and v is not None]
        scores[area.name] = mean(values) if values else None
    return scores


def best_examples(calls: pd.DataFrame) -> dict[str, Example]:
    """area -> the team's best call on it that has a quote for it."""
    best: dict[str, Example] = {}
    for index in range(len(calls)):
        call = calls.iloc[[index]]
        row = call.iloc[0]
        quotes = json.loads(row["highlights"] or "{}")
        for area, score in call_area_scores(call).items():
            if score is None or not quotes.get(area):
                continue
            day = pd.Timestamp(row["call_date"]).date()
            current = best.get(area)
            if current is None or (score, day) > (current.score, current.call_date):
                best[area] = Example(area, quotes[area], row["call_id"], row["se_id"], row["title"], row["url"], day, score)
    return best
