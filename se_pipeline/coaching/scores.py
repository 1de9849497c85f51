"""rep_skill_scores: the seed's six skill areas per rep per week, each from named components.

Every component is a 0-100 score; an area's score is the mean of its components that could be
measured this week (a rep with no objections this week has no objection-handling score, rather
than a made-up one). The overall score is the weighted mean of the areas that have a score.

Call components come from the rep's calls of the week; when there are fewer than MIN_CALLS, their
latest calls of the LOOKBACK_WEEKS before top them up to MIN_CALLS (a week of two calls is too
little to judge). A component needs its evidence: MIN_CALLS calls, MIN_OBJECTIONS objections (for
objection handling), MIN_OBJECTIONS price objections (for value defense); without it, it is left
out (objections count only on MIN_CALLS calls too), and an area with nothing left has no score
("not enough calls") rather than a 0. Each area
records the calls behind it (evidence_calls).

Deal components and the performance figures come from `opportunities` over the 90 days ending
with the week (won/lost by stage name, cycle = close_date - created day); pipeline generated is
the amount of opportunities created in those days; stage conversion and forecast accuracy read
the opportunity database's daily snapshots (stg_opportunities):
    stage_conversion   of the rep's opportunities open at their first read in the period and read
                       on two days or more, the share whose stage changed to another that is not lost
    forecast_accuracy  of those whose close date at their first read fell in the period, after that
                       read (a forecast, not a record), the share won
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from statistics import mean
from typing import Any

import duckdb
import pandas as pd

from se_pipeline.coaching.calls import WEEK, measure_week
from se_pipeline.warehouse import ensure_tables, replace_slice, table_exists


@dataclass(frozen=True)
class Area:
    name: str
    title: str
    weight: float


AREAS = [
    Area("discovery", "Discovery", 20),
    Area("qualification", "Qualification", 15),
    Area("demo", "Demo/Presentation", 20),
    Area("objection_handling", "Objection Handling", 15),
    Area("negotiation", "Negotiation", 15),
    Area("closing", "Closing", 15),
]
AREA_BY_NAME = {a.name: a for a in AREAS}

# Targets, and where each comes from.
TALK_RATIO_TARGET = 43.0
QUESTIONS_TARGET = (11, 14)
OBJECTION_PAUSE_TARGET_S = 1.0
REFERENCES = {
    "talk_ratio": "Gong Labs, talk-to-listen ratio study: top-performing reps talk about 43% of a call "
    "(the seed's 40/60 target)",
    "questions": "Gong Labs, discovery-call questions study: 11-14 questions on successful discovery calls, "
    "spread through the call rather than front-loaded (the seed's call-review target is 10+)",
    "objection_pause": "Gong Labs, objection-handling research: top performers pause (about a second or more) "
    "before answering an objection, and answer with a clarifying question",
    "filler_per_min": "the seed's call-review target: fewer than 3 filler words per minute",
}
WON = ("win", "won", "closed won")
LOST = ("lost", "closed lost")
DEAL_PERIOD_DAYS = 90
MIN_CALLS = 3
MIN_OBJECTIONS = 2
LOOKBACK_WEEKS = 4
OUTCOMES = ["win_rate", "avg_deal_size", "sales_cycle_days", "quota_attainment", "pipeline_generated",
            "stage_conversion", "forecast_accuracy"]
LOWER_IS_BETTER = {"sales_cycle_days"}
LEVELS = [(90, "Expert"), (75, "Proficient"), (60, "Developing"), (40, "Needs Coaching"), (0, "Critical")]
CRITICAL = 40


def level(score: float | None) -> str | None:
    if score is None:
        return None
    return next(name for floor, name in LEVELS if score >= floor)


def _clamp(x: float) -> float:
    return max(0.0, min(100.0, x))


def questions_score(avg_questions: float) -> float:
    """100 inside the 11-14 band; proportionally less below it; 10 points off per question above
    it (an interrogation, not a conversation)."""
    low, high = QUESTIONS_TARGET
    if avg_questions < low:
        return _clamp(100 * avg_questions / low)
    return _clamp(100 - 10 * max(0.0, avg_questions - high))


def talk_ratio_score(ratio: float) -> float:
    """100 at 43%; 2.5 points off per percentage point away from it (60% scores 57.5)."""
    return _clamp(100 - 2.5 * abs(ratio - TALK_RATIO_TARGET))


def per_call_score(avg: float, target: float) -> float:
    return _clamp(100 * avg / target)


def relative_score(mine: float | None, team: float | None) -> float | None:
    """The team average scores 75 (Proficient); a third better than the team scores 100."""
    if mine is None or not team:
        return None
    return _clamp(75 * mine / team)


def _share(values: list[bool]) -> float | None:
    return 100 * sum(values) / len(values) if values else None


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None and not pd.isna(v)]
    return mean(known) if known else None


def deal_outcomes(con: duckdb.DuckDBPyConnection, week_end: dt.date, quotas: dict[str, float]) -> dict[str, dict[str, Any]]:
    """Per SE, over the 90 days ending `week_end`: win rate (%), average won deal size, sales cycle
    (days), quota attainment (% of the quota for 90 days), share of active deals not overdue, deals reviewed."""
    if not table_exists(con, "opportunities"):
        return {}
    since = week_end - dt.timedelta(days=DEAL_PERIOD_DAYS - 1)
    rows = con.execute(
        f"""
        SELECT se_id,
               count(*) FILTER (WHERE lower(stage) IN {WON} AND close_date BETWEEN $since AND $until) AS won,
               count(*) FILTER (WHERE lower(stage) IN {LOST} AND close_date BETWEEN $since AND $until) AS lost,
               avg(amount) FILTER (WHERE lower(stage) IN {WON} AND close_date BETWEEN $since AND $until) AS avg_won,
               sum(amount) FILTER (WHERE lower(stage) IN {WON} AND close_date BETWEEN $since AND $until) AS won_amount,
               avg(close_date - CAST(created_time AS DATE))
                   FILTER (WHERE lower(stage) IN {WON} AND close_date BETWEEN $since AND $until) AS cycle_days,
               count(*) FILTER (WHERE is_active) AS active,
               count(*) FILTER (WHERE is_active AND close_date >= $until) AS active_on_time
        FROM opportunities WHERE se_id IS NOT NULL GROUP BY se_id
        """,
        {"since": since, "until": week_end},
    ).fetchall()
    pipeline = dict(con.execute(
        "SELECT se_id, sum(amount) FROM opportunities WHERE se_id IS NOT NULL AND CAST(created_time AS DATE) BETWEEN ? AND ? "
        "GROUP BY se_id", [since, week_end],
    ).fetchall())
    history = _history(con, since, week_end)
    out = {}
    for se_id, won, lost, avg_won, won_amount, cycle, active, on_time in rows:
        quota = quotas.get(se_id)
        tracked, advanced, forecast, forecast_won = history.get(se_id, (0, 0, 0, 0))
        out[se_id] = {
            "win_rate": 100 * won / (won + lost) if won + lost else None,
            "avg_deal_size": float(avg_won) if avg_won is not None else None,
            "sales_cycle_days": float(cycle) if cycle is not None else None,
            "quota_attainment": 100 * float(won_amount or 0) / quota if quota else None,
            "pipeline_generated": float(pipeline[se_id]) if pipeline.get(se_id) is not None else None,
            "stage_conversion": 100 * advanced / tracked if tracked else None,
            "forecast_accuracy": 100 * forecast_won / forecast if forecast else None,
            "pipeline_hygiene": 100 * on_time / active if active else None,
            "deals_reviewed": won + lost + active,
        }
    return out


def _history(con: duckdb.DuckDBPyConnection, since: dt.date, until: dt.date) -> dict[str, tuple[int, int, int, int]]:
    """Per SE from the daily snapshots: (opportunities tracked, advanced, forecast to close, of those won)."""
    if not table_exists(con, "stg_opportunities"):
        return {}
    rows = con.execute(
        f"""
        WITH snaps AS (
            SELECT r.page_id, o.se_id, r.partition_date, r.stage, r.close_date
            FROM stg_opportunities r JOIN opportunities o USING (page_id)
            WHERE r.partition_date BETWEEN $since AND $until AND o.se_id IS NOT NULL
        ), span AS (
            SELECT page_id, se_id, count(DISTINCT partition_date) AS days,
                   arg_min(stage, partition_date) AS first_stage, arg_max(stage, partition_date) AS last_stage,
                   arg_min(close_date, partition_date) AS first_close, min(partition_date) AS first_read
            FROM snaps GROUP BY page_id, se_id
        )
        SELECT se_id,
               count(*) FILTER (WHERE days > 1 AND lower(first_stage) NOT IN {WON + LOST}),
               count(*) FILTER (WHERE days > 1 AND lower(first_stage) NOT IN {WON + LOST}
                                AND last_stage IS DISTINCT FROM first_stage AND lower(last_stage) NOT IN {LOST}),
               count(*) FILTER (WHERE first_close BETWEEN $since AND $until AND first_read < first_close),
               count(*) FILTER (WHERE first_close BETWEEN $since AND $until AND first_read < first_close
                                AND lower(last_stage) IN {WON})
        FROM span GROUP BY se_id
        """,
        {"since": since, "until": until},
    ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


def call_aggregates(calls: pd.DataFrame, min_calls: int = MIN_CALLS, min_objections: int = MIN_OBJECTIONS) -> dict[str, Any]:
    """The call components' inputs over `calls`; those without their evidence (see the module) are None."""
    objections = [o for details in calls["objection_details"] for o in json.loads(details)]
    price = [o for o in objections if o["kind"] == "price"]
    discovery = calls[calls["call_type"] == "discovery"]
    demo = calls[calls["call_type"] == "demo"]
    asked_in = discovery if len(discovery) else calls  # the questions target is for discovery calls
    shown_in = demo if len(demo) else calls
    enough = len(calls) >= min_calls
    handled = enough and len(objections) >= min_objections
    price_handled = enough and len(price) >= min_objections

    def when(ok: bool, value: Any) -> Any:
        return value if ok else None

    return {
        "calls": len(calls),
        "objection_calls": sum(1 for details in calls["objection_details"] if json.loads(details)),
        "talk_ratio": when(enough, _mean(list(calls["talk_ratio"]))),
        "questions": when(enough, _mean(list(asked_in["questions"]))),
        "question_spread": when(enough, _mean(list(calls["question_spread"]))),
        "bant_coverage": when(enough, _mean(list(calls["bant_coverage"]))),
        "value_statements": when(enough, _mean(list(shown_in["value_statements"]))),
        "personalization": when(enough, _mean(list(shown_in["personalization"]))),
        "customer_questions": when(enough, _mean(list(shown_in["customer_questions"]))),
        "asked": when(handled, _share([o["asked"] for o in objections])),
        "acknowledged": when(handled, _share([o["acknowledged"] for o in objections])),
        "paused": when(handled, _share([o["pause_s"] is not None and o["pause_s"] >= OBJECTION_PAUSE_TARGET_S for o in objections])),
        "price_handled": when(price_handled, _share([o["handled"] for o in price])),
        "next_steps": when(enough, _share(list(calls["has_next_steps"]))),
        "trial_close": when(enough, _share([n > 0 for n in calls["trial_closes"]])),
    }


CALL_COMPONENTS = frozenset({
    "question_quality", "question_spread", "active_listening", "framework_coverage", "value_articulation",
    "personalization", "engagement", "response_quality", "empathy", "patience", "value_defense", "next_steps", "trial_close",
})


def evidence_calls(area: str, aggregates: dict[str, Any], measured: dict[str, float | None]) -> int:
    """The calls behind an area's call components (0 when none of them was measured)."""
    if not any(v is not None for k, v in measured.items() if k in CALL_COMPONENTS):
        return 0
    return aggregates["objection_calls"] if area in ("objection_handling", "negotiation") else aggregates["calls"]


def components(c: dict[str, Any] | None, d: dict[str, Any], team: dict[str, float | None]) -> dict[str, dict[str, float | None]]:
    c = c or {}

    def opt(value, fn, *args):
        return None if value is None else round(fn(value, *args), 1)

    win = relative_score(d.get("win_rate"), team.get("win_rate"))
    return {
        "discovery": {
            "question_quality": opt(c.get("questions"), questions_score),
            "question_spread": opt(c.get("question_spread"), lambda v: 100 * v),
            "active_listening": opt(c.get("talk_ratio"), talk_ratio_score),
        },
        "qualification": {
            "framework_coverage": opt(c.get("bant_coverage"), lambda v: 100 * v),
            "pipeline_hygiene": d.get("pipeline_hygiene"),
            "win_rate": win,
        },
        "demo": {
            "value_articulation": opt(c.get("value_statements"), per_call_score, 3),
            "personalization": opt(c.get("personalization"), per_call_score, 2),
            "engagement": opt(c.get("customer_questions"), per_call_score, 3),
        },
        "objection_handling": {
            "response_quality": c.get("asked"),
            "empathy": c.get("acknowledged"),
            "patience": c.get("paused"),
        },
        "negotiation": {
            "value_defense": c.get("price_handled"),
            "deal_size": relative_score(d.get("avg_deal_size"), team.get("avg_deal_size")),
            "quota_attainment": opt(d.get("quota_attainment"), _clamp),
        },
        "closing": {
            "next_steps": c.get("next_steps"),
            "trial_close": c.get("trial_close"),
            "win_rate": win,
        },
    }


def _trend(now: float | None, before: float | None) -> str | None:
    if now is None or before is None:
        return None
    return "↑" if now - before >= 1 else "↓" if before - now >= 1 else "→"


def _recent_calls(con: duckdb.DuckDBPyConnection, week_start: dt.date) -> pd.DataFrame:
    """call_metrics of the week and the LOOKBACK_WEEKS before it; an earlier week not measured yet
    (a first run) is measured from its transcripts, without being written."""
    first = week_start - (LOOKBACK_WEEKS - 1) * WEEK
    stored = con.execute("SELECT * FROM call_metrics WHERE week_start BETWEEN ? AND ?", [first, week_start]).df()
    have = set(pd.to_datetime(stored["week_start"]).dt.date) if len(stored) else set()
    extra = [row for w in range(1, LOOKBACK_WEEKS) if (week := week_start - w * WEEK) not in have
             for row in measure_week(con, week)]
    if not extra:
        return stored
    return pd.concat([stored, pd.DataFrame(extra)], ignore_index=True) if len(stored) else pd.DataFrame(extra)


def _rep_calls(calls: pd.DataFrame, week_start: dt.date) -> dict[str, pd.DataFrame]:
    """Per rep with calls this week: those calls, topped up with their latest earlier ones to MIN_CALLS."""
    if not len(calls):
        return {}
    calls = calls.sort_values("started", ascending=False)
    this_week = pd.to_datetime(calls["week_start"]).dt.date == week_start
    found = {}
    for se, group in calls.groupby("se_id"):
        mine = this_week[group.index]
        if mine.any():
            found[se] = group.head(max(int(mine.sum()), MIN_CALLS))
    return found


def compute_skill_scores(
    con: duckdb.DuckDBPyConnection, week_start: dt.date, quotas: dict[str, float] | None = None
) -> int:
    """Score every rep with calls this week or deals; replace the week in rep_skill_scores.

    `quotas`: SE id -> quota for a 90-day period (quota attainment is left out without one).
    """
    ensure_tables(con)
    week_end = week_start + WEEK - dt.timedelta(days=1)
    used = _rep_calls(_recent_calls(con, week_start), week_start)
    by_rep = {se: call_aggregates(group) for se, group in used.items()}
    deals = deal_outcomes(con, week_end, quotas or {})
    reps = sorted(set(by_rep) | set(deals))
    team = {n: _mean([deals.get(r, {}).get(n) for r in reps]) for n in OUTCOMES}

    values: dict[str, dict[str, tuple[float | None, dict | None, int | None]]] = {}
    for rep in reps:
        comps = components(by_rep.get(rep), deals.get(rep, {}), team)
        row: dict[str, tuple[float | None, dict | None, int | None]] = {}
        for area in AREAS:
            measured = [v for v in comps[area.name].values() if v is not None]
            evidence = evidence_calls(area.name, by_rep[rep], comps[area.name]) if rep in by_rep else 0
            row[area.name] = (round(mean(measured)) if measured else None, comps[area.name], evidence)
        scored = [(AREA_BY_NAME[n].weight, s) for n, (s, _, _) in row.items() if s is not None]
        row["overall"] = (round(sum(w * s for w, s in scored) / sum(w for w, _ in scored)) if scored else None, None,
                          by_rep.get(rep, {}).get("calls", 0))
        d = deals.get(rep, {})
        for name in OUTCOMES:
            row[name] = (round(d[name], 1) if d.get(name) is not None else None, None, None)
        row["calls_analyzed"] = (float(len(used[rep])) if rep in used else 0.0, None, None)
        row["deals_reviewed"] = (float(d.get("deals_reviewed", 0)), None, None)
        values[rep] = row

    previous = {
        (se, name): score
        for se, name, score in con.execute(
            "SELECT se_id, name, score FROM rep_skill_scores WHERE week_start = ?", [week_start - WEEK]
        ).fetchall()
    }
    records = []
    names = [a.name for a in AREAS] + ["overall"] + OUTCOMES + ["calls_analyzed", "deals_reviewed"]
    for name in names:
        scores = [s for r in reps if (s := values[r][name][0]) is not None]
        team_avg = round(mean(scores), 1) if scores else None
        top = (min(scores) if name in LOWER_IS_BETTER else max(scores)) if scores else None
        for rep in reps:
            score, parts, calls_seen = values[rep][name]
            kind = "skill" if name in AREA_BY_NAME else "overall" if name == "overall" else "outcome"
            measured_parts = {k: v for k, v in (parts or {}).items() if v is not None}
            records.append(
                {
                    "week_start": week_start, "se_id": rep, "kind": kind, "name": name, "score": score,
                    "weight": AREA_BY_NAME[name].weight if name in AREA_BY_NAME else None,
                    "level": level(score) if kind != "outcome" else None,
                    "components": json.dumps(parts) if parts else None,
                    "weakest_component": min(measured_parts, key=measured_parts.__getitem__) if measured_parts else None,
                    "previous_score": previous.get((rep, name)),
                    "trend": _trend(score, previous.get((rep, name))),
                    "team_avg": team_avg, "top_performer": top,
                    "needs_manager_review": kind == "skill" and score is not None and score < CRITICAL,
                    "evidence_calls": calls_seen,
                }
            )
    replace_slice(con, "rep_skill_scores", pd.DataFrame(records), {"week_start": week_start})
    return len(records)
