"""coaching_reports: the seed's full report and quick card per rep per week (Markdown + a chart).

Guardrails: a rep's report shows only their own scores and team aggregates (average, best), never
another rep's name or row; a Critical score (< 40) is flagged for manager review; the wording is
constructive (strengths first, at most three focus areas, each with a tip and a practice).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from se_pipeline.coaching.advice import AREA_ADVICE, COMPONENTS
from se_pipeline.coaching.calls import WEEK
from se_pipeline.coaching.examples import Example, best_examples
from se_pipeline.coaching.progress import (
    CHANGE_TARGET,
    OPENED_NOT_TRACKED,
    PROFICIENCY_TARGET_WEEKS,
    QUARTER_WEEKS,
    Progress,
    rep_progress,
)
from se_pipeline.coaching.scores import (
    AREAS,
    CRITICAL,
    LOOKBACK_WEEKS,
    MIN_CALLS,
    REFERENCES,
    TALK_RATIO_TARGET,
    level,
    questions_score,
    talk_ratio_score,
)
from se_pipeline.warehouse import ensure_tables, replace_slice

STRENGTH = 80
FOCUS = 70
TARGET = 75
MAX_FOCUS = 3
FILLER_TARGET = 3.0
QUESTIONS_PER_CALL_TARGET = 10


# Performance figures: (name, label, unit, money, the input that provides it).
PERFORMANCE = [
    ("win_rate", "Win Rate", "%", False, "deals won or lost in the last 90 days (a closed stage and a close date)"),
    ("avg_deal_size", "Avg Deal Size", "", True, "won deals with an amount in the last 90 days"),
    ("sales_cycle_days", "Sales Cycle", " days", False, "won deals with a created time and a close date"),
    ("quota_attainment", "Quota Attainment", "%", False, "a quota for the rep: `quota` under `sales_engineers` in the settings"),
    ("pipeline_generated", "Pipeline Generated", "", True, "opportunities created in the last 90 days, with an amount"),
    ("stage_conversion", "Stage Conversion", "%", False,
     "the opportunity database read on more than one day (its stage history), with open deals"),
    ("forecast_accuracy", "Forecast Accuracy", "%", False,
     "opportunities whose close date fell in the last 90 days, in the database's daily history"),
]


@dataclass
class RepWeek:
    se_id: str
    name: str
    week_start: dt.date
    scores: dict[str, dict[str, Any]]  # name -> rep_skill_scores row
    calls: pd.DataFrame  # the rep's call_metrics rows this week
    last_focus: tuple[str, float | None] | None  # last week's first focus area and its score then
    examples: dict[str, Example] = field(default_factory=dict)  # area -> the team's best call quote on it
    team_energy: tuple[float | None, float | None] = (None, None)  # team average pace, pace variation
    progress: Progress | None = None

    def score(self, name: str) -> float | None:
        row = self.scores.get(name)
        return None if row is None or pd.isna(row["score"]) else row["score"]


def _fmt(value: float | None, unit: str = "", money: bool = False) -> str:
    if value is None or pd.isna(value):
        return "—"
    if money:
        return f"${value / 1000:,.1f}K"
    return f"{value:,.0f}{unit}"


def _score(score: float | None) -> str:
    return "—" if score is None else f"{score:,.0f}/100"


def _evidence(rep: RepWeek, area: str) -> int:
    value = (rep.scores.get(area) or {}).get("evidence_calls")
    return 0 if value is None or pd.isna(value) else int(value)


def _level(rep: RepWeek, area: str) -> str:
    """The level with the calls behind it, or why there is none."""
    score, calls = rep.score(area), _evidence(rep, area)
    if score is None:
        return f"not enough calls ({len(rep.calls)} of {MIN_CALLS})"
    return f"{level(score)} ({calls} calls)" if calls else f"{level(score)} (from deals)"


def _example(rep: RepWeek, area: str) -> str | None:
    example = rep.examples.get(area)
    if example is None:
        return None
    if example.se_id == rep.se_id:
        return f'> 📞 **From one of your calls**: "{example.quote}"\n> — [{example.title}]({example.url}), {example.call_date}'
    return f'> 📞 "{example.quote}"\n> — a teammate\'s call, {example.call_date} (the team\'s best on this area lately)'


def _quote(calls: pd.DataFrame, area: str) -> str | None:
    """A quote of the rep for `area` from this week's calls, with the call it came from."""
    for call in calls.itertuples():
        quote = json.loads(call.highlights).get(area)
        if quote:
            return f'> 📞 **Call Highlight**: "{quote}"\n> — [{call.title}]({call.url}), {call.call_date}'
    return None


def _call_score(call: Any) -> float:
    """How close a call came to the call-review targets (used to pick the best call and the one to review)."""
    parts = [questions_score(call.questions), 100.0 if call.has_next_steps else 0.0]
    if not pd.isna(call.talk_ratio):
        parts.append(talk_ratio_score(call.talk_ratio))
    return sum(parts) / len(parts)


def _met_and_missed(call: Any) -> tuple[list[str], list[str]]:
    met: list[str] = []
    missed: list[str] = []
    ratio = call.talk_ratio
    (met if not pd.isna(ratio) and ratio <= 50 else missed).append(f"talk ratio {_fmt(ratio, '%')} (target ≈{TALK_RATIO_TARGET:.0f}%)")
    (met if call.questions >= QUESTIONS_PER_CALL_TARGET else missed).append(f"{call.questions} questions (target {QUESTIONS_PER_CALL_TARGET}+)")
    fillers = call.filler_per_min
    (met if pd.isna(fillers) or fillers < FILLER_TARGET else missed).append(f"{_fmt(fillers)} filler words/min (target < {FILLER_TARGET:.0f})")
    (met if call.has_next_steps else missed).append("next step agreed" if call.has_next_steps else "no clear next step at the end")
    return met, missed


def _focus_areas(rep: RepWeek) -> list[tuple[str, float, str | None]]:
    """(area, score, weakest component) for areas below 70, weakest first, at most 3."""
    low = [
        (a.name, score, rep.scores[a.name]["weakest_component"])
        for a in AREAS if a.name in rep.scores and (score := rep.score(a.name)) is not None and score < FOCUS
    ]
    return sorted(low, key=lambda x: x[1])[:MAX_FOCUS]


def _strengths(rep: RepWeek) -> list[tuple[str, float]]:
    found = [(a.name, score) for a in AREAS if (score := rep.score(a.name)) is not None and score >= STRENGTH]
    return sorted(found, key=lambda x: -x[1])


def _title(area: str) -> str:
    return next(a.title for a in AREAS if a.name == area)


def render_report(rep: RepWeek, chart_name: str | None) -> str:
    week_end = rep.week_start + WEEK - dt.timedelta(days=1)
    overall = rep.score("overall")
    calls = rep.calls
    lines = [
        "## 📈 Sales Coaching Report",
        "",
        f"**Rep**: {rep.name}",
        f"**Period**: {rep.week_start} – {week_end}",
        f"**Calls Analyzed**: {len(calls)}" + (
            f" (skill scores use your latest {scored} calls)" if (scored := int(rep.score("calls_analyzed") or 0)) > len(calls) else ""
        ),
        f"**Deals Reviewed**: {_fmt(rep.score('deals_reviewed'))}",
        "",
        "### Performance Summary",
        "",
        f"**Overall Score**: {_score(overall)} ({level(overall) or 'not enough calls or deals to score'})",
        "",
        "| Metric | You | Team Avg | Top Performer | Trend |",
        "|--------|-----|----------|---------------|-------|",
    ]
    missing = []
    for name, label, unit, money, needs in PERFORMANCE:
        row = rep.scores.get(name, {})
        lines.append(
            f"| {label} | {_fmt(row.get('score'), unit, money)} | {_fmt(row.get('team_avg'), unit, money)} | "
            f"{_fmt(row.get('top_performer'), unit, money)} | {row.get('trend') or '—'} |"
        )
        if rep.score(name) is None:
            missing.append(f"- *{label}*: needs {needs}.")
    if missing:
        lines += ["", "Figures shown as — need data the warehouse does not hold yet:"] + missing
    lines += ["", "### Skill Assessment", "", "| Skill Area | Score | Level | Trend | Team Avg |", "|------------|-------|-------|-------|----------|"]
    for skill in AREAS:
        row = rep.scores.get(skill.name, {})
        score = rep.score(skill.name)
        lines.append(
            f"| {skill.title} | {_score(score)} | {_level(rep, skill.name)} | {row.get('trend') or '—'} | {_fmt(row.get('team_avg'))} |"
        )
    if chart_name:
        lines += ["", f"![Your skill scores against the team average]({chart_name})"]

    critical = [a for a in AREAS if (s := rep.score(a.name)) is not None and s < CRITICAL]
    if critical:
        lines += [
            "",
            "### ⚠️ Manager review",
            "",
            "These areas scored below 40 this week; your manager will review them with you and plan support together: "
            + ", ".join(f"{a.title} ({_fmt(rep.score(a.name))})" for a in critical) + ".",
        ]

    lines += ["", "### ✅ Strengths", ""]
    strengths = _strengths(rep)
    if not strengths:
        best = max(((a, s) for a in AREAS if (s := rep.score(a.name)) is not None), key=lambda x: x[1], default=None)
        lines.append(
            f"No area reached {STRENGTH} yet this week; your strongest is **{best[0].title}** ({_fmt(best[1])}/100)."
            if best else "Not enough data this week to name strengths."
        )
    for area, score in strengths:
        comps = json.loads(rep.scores[area]["components"] or "{}")
        good = [COMPONENTS[c][1] for c, v in comps.items() if v is not None and v >= STRENGTH]
        lines += [f"**{_title(area)}** - Score: {_fmt(score)}/100", "", "What you're doing well:"]
        lines += [f"- {g}" for g in good] or ["- Steady, balanced execution across this area"]
        quote = _quote(calls, area)
        if quote:
            lines += ["", quote]
        lines += ["", "---", ""]

    focus = _focus_areas(rep)
    lines += ["", "### 🎯 Focus Areas for Improvement", ""]
    if not focus:
        lines.append(f"No area is below {FOCUS} this week. Keep it up; pick your lowest area as a stretch goal.")
    for i, (area, score, weakest) in enumerate(focus, 1):
        why, tip, model, practice = AREA_ADVICE[area]
        example = _example(rep, area)
        lines += [
            f"#### {i}. {_title(area)} - Current: {_fmt(score)}/100 → Target: {TARGET}/100",
            "",
            f"**What to improve**: {COMPONENTS[weakest][0] if weakest else 'this area as a whole'}",
            "",
            f"**Why it matters**: {why}",
            "",
            "**Coaching Tip**:",
            tip,
            "",
            "**Example to Study**:",
            example or f'> 📞 "{model}"\n> — a model line: no call of the last {LOOKBACK_WEEKS} weeks showed this yet',
            "",
            "**Practice Activity**:",
            f"- {practice}",
        ]
        for key in _references_for(area):
            lines += ["", f"*Target source*: {REFERENCES[key]}."]
        lines += ["", "---", ""]

    lines += ["", "### 📞 Call Review Highlights", ""]
    if len(calls):
        hours = calls["span_s"].sum() / 3600
        avg_ratio = calls["talk_ratio"].mean()
        lines += [
            f"**Calls Analyzed**: {len(calls)} calls, {hours:.1f} hours",
            "",
            f"**Talk Ratio**: {_fmt(avg_ratio, '%')} you / {_fmt(100 - avg_ratio if not pd.isna(avg_ratio) else None, '%')} customer "
            f"(Target: 40/60; {REFERENCES['talk_ratio']})",
            f"**Questions Asked**: {calls['questions'].mean():.1f} avg per call (Target: {QUESTIONS_PER_CALL_TARGET}+; {REFERENCES['questions']})",
            f"**Filler Words**: {_fmt(calls['filler_per_min'].mean())} per minute (Target: < {FILLER_TARGET:.0f}; {REFERENCES['filler_per_min']})",
            _energy(rep),
        ]
        ranked = sorted(calls.itertuples(), key=_call_score)
        best, worst = ranked[-1], ranked[0]
        met, _ = _met_and_missed(best)
        lines += ["", f"**Best Call**: [{best.title}]({best.url}) - {best.call_date}", f"- What went well: {'; '.join(met) or 'a solid, balanced call'}"]
        if worst.call_id != best.call_id:
            _, missed = _met_and_missed(worst)
            lines += ["", f"**Call to Review**: [{worst.title}]({worst.url}) - {worst.call_date}",
                      f"- Improvement opportunity: {'; '.join(missed) or 'compare it with your best call'}"]
    else:
        lines.append("No transcribed calls this week.")

    lines += ["", "### 📋 This Week's Focus", ""]
    for i, (area, _, _weakest) in enumerate(focus[:2], 1):
        lines.append(f"{i}. **{_title(area)}**: {AREA_ADVICE[area][1]}")
    if focus:
        lines.append(f"{len(focus[:2]) + 1}. **Practice**: {AREA_ADVICE[focus[0][0]][3]}")
    else:
        lines.append("1. **Keep going**: repeat what worked on your best call this week.")

    lines += ["", "### Progress Tracking", "", "| Week | Focus Area | Score Start | Score End | Δ |", "|------|------------|-------------|-----------|---|"]
    if rep.last_focus:
        area, start = rep.last_focus
        end = rep.score(area)
        delta = f"{end - start:+.0f}" if start is not None and end is not None else "—"
        lines.append(f"| Last Week | {_title(area)} | {_fmt(start)} | {_fmt(end)} | {delta} |")
    if focus:
        lines.append(f"| This Week | {_title(focus[0][0])} | {_fmt(focus[0][1])} | - | - |")
    lines += _progress_lines(rep.progress) if rep.progress else []
    return "\n".join(lines) + "\n"


def _energy(rep: RepWeek) -> str:
    pace, variation = rep.calls["words_per_minute"].mean(), rep.calls["pace_variation"].mean()
    team_pace, team_variation = rep.team_energy
    return (
        f"**Energy**: pace {_fmt(pace)} words/min (team {_fmt(team_pace)}), pace variation {_fmt(variation, '%')} "
        f"(team {_fmt(team_variation, '%')}); pitch and loudness are not measured: they need the call's audio, "
        "and a transcript has only words and timings"
    )


def _progress_lines(progress: Progress) -> list[str]:
    lines = ["", "**Week over week**", "", "| Week | Overall | " + " | ".join(a.title for a in AREAS) + " |",
             "|---|---|" + "---|" * len(AREAS)]
    for week in progress.weeks[-6:]:
        scores = progress.scores[week]
        lines.append(f"| {week} | {_fmt(scores.get('overall'))} | " + " | ".join(_fmt(scores.get(a.name)) for a in AREAS) + " |")
    lines += ["", "**Outcome metrics**", ""]
    if progress.change_per_quarter is None:
        lines.append(f"- Skill score change per quarter: needs two scored weeks (target: +{CHANGE_TARGET} a quarter)")
    else:
        lines.append(f"- Skill score change per quarter: {progress.change_per_quarter:+.0f} (over {progress.change_weeks} weeks, "
                     f"scaled to {QUARTER_WEEKS}; target: +{CHANGE_TARGET})")
    if not progress.proficiency:
        lines.append(f"- Time to proficiency: no focus area yet (target: under {PROFICIENCY_TARGET_WEEKS} weeks)")
    for p in progress.proficiency:
        state = f"proficient after {p.weeks} weeks" if p.reached else f"not yet, {p.weeks} weeks so far"
        lines.append(f"- Time to proficiency, {_title(p.area)} (a focus area since {p.since}): {state} "
                     f"(target: under {PROFICIENCY_TARGET_WEEKS} weeks)")
    lines.append(f"- Coaching reports opened: {OPENED_NOT_TRACKED}")
    return lines


def _references_for(area: str) -> list[str]:
    return {"discovery": ["questions", "talk_ratio"], "objection_handling": ["objection_pause"]}.get(area, [])


def render_quick_card(rep: RepWeek) -> str:
    strengths = _strengths(rep)
    focus = _focus_areas(rep)
    top = strengths[0] if strengths else max(
        ((a.name, s) for a in AREAS if (s := rep.score(a.name)) is not None), key=lambda x: x[1], default=None
    )
    lines = [f"## ⚡ Quick Coaching: {rep.name}", ""]
    lines.append(f"**Top Strength**: {_title(top[0])} ({_fmt(top[1])}/100)" if top else "**Top Strength**: not enough data yet")
    lines.append(f"**Focus Area**: {_title(focus[0][0])} ({_fmt(focus[0][1])}/100)" if focus else "**Focus Area**: none below 70 this week")
    tip = AREA_ADVICE[focus[0][0]][1] if focus else "Keep doing what worked on your best call this week."
    lines += ["", "**This Week's Tip**:", tip]
    if len(rep.calls):
        worst = min(rep.calls.itertuples(), key=_call_score)
        lines += ["", f"📞 **Call to Review**: [{worst.title}]({worst.url})"]
    return "\n".join(lines) + "\n"


# The thresholds the report uses, drawn on the chart with what each means.
REFERENCE_LINES = ((CRITICAL, "manager review"), (FOCUS, "focus area"), (STRENGTH, "strength"))


def chart_figure(rep: RepWeek):
    """A bar chart of the rep's six skill scores beside the team average (an aggregate), with the
    report's thresholds labelled and the legend outside the plot, where it cannot hide a bar."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no display in a pipeline
    import matplotlib.pyplot as plt

    titles = [a.title for a in AREAS]
    mine = [rep.score(a.name) or 0 for a in AREAS]
    team = [(rep.scores.get(a.name) or {}).get("team_avg") or 0 for a in AREAS]
    fig, ax = plt.subplots(figsize=(9, 4.8))
    y = range(len(AREAS))
    ax.barh([i - 0.2 for i in y], mine, height=0.4, label="You", color="#2b6cb0")
    ax.barh([i + 0.2 for i in y], team, height=0.4, label="Team average", color="#a0aec0")
    ax.set_yticks(list(y), titles)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    for row, (x, meaning) in enumerate(REFERENCE_LINES):
        ax.axvline(x, color="#718096", linestyle=":", linewidth=1)
        # Above the plot area (x in data, y in axes units), one row each, so no label sits on a bar or another label.
        ax.text(x, 1.015 + 0.065 * row, f"{x}: {meaning}", transform=ax.get_xaxis_transform(),
                ha="center", va="bottom", fontsize=8, color="#4a5568")
    ax.set_xlabel("Score (0-100)")
    ax.set_title(f"Skill scores, week of {rep.week_start}", loc="left", pad=52)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0, frameon=False)
    fig.tight_layout()
    return fig


def render_chart(rep: RepWeek, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig = chart_figure(rep)
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def _rep_weeks(con: duckdb.DuckDBPyConnection, week_start: dt.date, names: dict[str, str]) -> list[RepWeek]:
    scores = con.execute("SELECT * FROM rep_skill_scores WHERE week_start = ?", [week_start]).df()
    scores = scores.astype(object).where(scores.notna(), None)  # NaN would print as 'nan'
    calls = con.execute("SELECT * FROM call_metrics WHERE week_start = ? ORDER BY started", [week_start]).df()
    calls["call_date"] = pd.to_datetime(calls["call_date"]).dt.date
    recent = con.execute(
        "SELECT * FROM call_metrics WHERE week_start BETWEEN ? AND ? ORDER BY started",
        [week_start - (LOOKBACK_WEEKS - 1) * WEEK, week_start],
    ).df()
    examples = best_examples(recent)
    team_energy = (calls["words_per_minute"].mean(), calls["pace_variation"].mean()) if len(calls) else (None, None)
    last = {
        se: (focus[0], start)
        for se, focus, start in con.execute(
            """SELECT r.se_id, r.focus_areas, s.score FROM coaching_reports r
               LEFT JOIN rep_skill_scores s ON s.week_start = r.week_start AND s.se_id = r.se_id AND s.name = r.focus_areas[1]
               WHERE r.week_start = ? AND len(r.focus_areas) > 0""",
            [week_start - WEEK],
        ).fetchall()
    }
    reps = []
    for se_id, rows in scores.groupby("se_id"):
        reps.append(
            RepWeek(
                se_id=se_id,
                name=names.get(se_id, se_id),
                week_start=week_start,
                scores={r["name"]: r for r in rows.to_dict("records")},
                calls=calls[calls["se_id"] == se_id],
                last_focus=last.get(se_id),
                examples=examples,
                team_energy=team_energy,
                progress=rep_progress(con, se_id, week_start),
            )
        )
    return reps


def write_coaching_reports(
    con: duckdb.DuckDBPyConnection, week_start: dt.date, reports_dir: Path, names: dict[str, str] | None = None
) -> list[Path]:
    """Render every scored rep's report, quick card and chart for the week into
    reports_dir/<week_start>/<se_id>.md (card: <se_id>.card.md, chart: <se_id>.png); replace the
    week in coaching_reports. `names`: SE id -> display name. Returns the report paths."""
    ensure_tables(con)
    folder = reports_dir / week_start.isoformat()
    records, paths = [], []
    for rep in _rep_weeks(con, week_start, names or {}):
        chart = folder / f"{rep.se_id}.png"
        render_chart(rep, chart)
        report = render_report(rep, chart.name)
        card = render_quick_card(rep)
        path = folder / f"{rep.se_id}.md"
        path.write_text(report + "\n" + card, encoding="utf-8")
        paths.append(path)
        overall = rep.score("overall")
        records.append(
            {
                "week_start": week_start, "se_id": rep.se_id, "overall_score": overall, "level": level(overall),
                "calls_analyzed": len(rep.calls), "deals_reviewed": int(rep.score("deals_reviewed") or 0),
                "strengths": [a for a, _ in _strengths(rep)], "focus_areas": [a for a, _, _ in _focus_areas(rep)],
                "needs_manager_review": any((s := rep.score(a.name)) is not None and s < CRITICAL for a in AREAS),
                "markdown": report, "quick_card": card, "path": str(path), "chart_path": str(chart),
            }
        )
    frame = pd.DataFrame(records)
    if len(frame):
        # pandas cannot tell an all-empty list column's element type; DuckDB needs VARCHAR[].
        for column in ("strengths", "focus_areas"):
            frame[column] = frame[column].map(lambda v: [str(x) for x in v])
    replace_slice(con, "coaching_reports", frame, {"week_start": week_start})
    return paths
