"""The seed's outcome metrics, tracked week over week per rep, from their own past rows only.

    skill score change per quarter   overall score now minus the earliest in the last 13 weeks,
                                     scaled to 13 weeks (target: +10 a quarter)
    time to proficiency              per area that was a focus area: weeks from its first week as one
                                     to the first week it scored 75+ (target: under 6 weeks)
    coaching reports opened          needs delivery that records opens; reports are files, so it is
                                     not tracked (target: 80%+ read)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import duckdb

from se_pipeline.coaching.calls import WEEK

QUARTER_WEEKS = 13
PROFICIENT = 75
CHANGE_TARGET = 10
PROFICIENCY_TARGET_WEEKS = 6
OPENED_NOT_TRACKED = (
    "not tracked: reports are written as files and no delivery records when they are read (target: 80% or more)"
)


@dataclass(frozen=True)
class Proficiency:
    area: str
    since: dt.date  # first week as a focus area
    reached: dt.date | None  # first week at 75+
    weeks: int  # to proficiency, or so far


@dataclass
class Progress:
    weeks: list[dt.date]  # oldest first, up to this week
    scores: dict[dt.date, dict[str, float | None]]  # week -> name -> score
    change_per_quarter: float | None
    change_weeks: int
    proficiency: list[Proficiency]


def rep_progress(con: duckdb.DuckDBPyConnection, se_id: str, week_start: dt.date) -> Progress:
    """The rep's weekly scores of the last quarter and the outcome metrics drawn from them."""
    first = week_start - (QUARTER_WEEKS - 1) * WEEK
    scores: dict[dt.date, dict[str, float | None]] = {}
    for week, name, score in con.execute(
        "SELECT week_start, name, score FROM rep_skill_scores WHERE se_id = ? AND week_start BETWEEN ? AND ? "
        "AND kind IN ('skill', 'overall') ORDER BY week_start",
        [se_id, first, week_start],
    ).fetchall():
        scores.setdefault(week, {})[name] = score
    weeks = sorted(scores)
    overall = [(w, score) for w in weeks if (score := scores[w].get("overall")) is not None]
    change, span = None, 0
    if len(overall) >= 2:
        span = (overall[-1][0] - overall[0][0]).days // 7
        change = (overall[-1][1] - overall[0][1]) * QUARTER_WEEKS / span if span else None
    focus = con.execute(
        "SELECT week_start, focus_areas FROM coaching_reports WHERE se_id = ? AND week_start < ? ORDER BY week_start",
        [se_id, week_start],
    ).fetchall()
    since: dict[str, dt.date] = {}
    for week, areas in focus:
        for area in areas or []:
            since.setdefault(area, week)
    proficiency = []
    for area, start in since.items():
        reached = next((w for w in weeks if w > start and (scores[w].get(area) or 0) >= PROFICIENT), None)
        proficiency.append(Proficiency(area, start, reached, ((reached or week_start) - start).days // 7))
    return Progress(weeks, scores, change, span, proficiency)
