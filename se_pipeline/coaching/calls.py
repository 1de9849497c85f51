"""call_metrics: every analysed call of a week, measured (see transcript.measure)."""

from __future__ import annotations

import datetime as dt
import json
from itertools import groupby

import duckdb
import pandas as pd

from se_pipeline.coaching.transcript import Utterance, call_type, measure
from se_pipeline.warehouse import ensure_tables, replace_slice

WEEK = dt.timedelta(days=7)


def compute_call_metrics(con: duckdb.DuckDBPyConnection, week_start: dt.date) -> int:
    """Measure the calls of [week_start, week_start + 6 days] that have an SE and a transcript;
    replace that week in call_metrics. Returns the number of calls measured."""
    ensure_tables(con)
    rows = measure_week(con, week_start)
    replace_slice(con, "call_metrics", pd.DataFrame(rows), {"week_start": week_start})
    return len(rows)


def measure_week(con: duckdb.DuckDBPyConnection, week_start: dt.date) -> list[dict]:
    """call_metrics rows for the week's calls that have an SE and a transcript (nothing written)."""
    last = week_start + WEEK - dt.timedelta(days=1)
    calls = con.execute(
        """SELECT call_id, partition_date, started, se_id, title, url, duration_s, rep_speaker_id
           FROM stg_calls WHERE partition_date BETWEEN ? AND ? AND se_id IS NOT NULL AND rep_speaker_id IS NOT NULL""",
        [week_start, last],
    ).fetchall()
    utterances = con.execute(
        """SELECT call_id, speaker_id, speaker_name, is_internal, start_ms, end_ms, text
           FROM stg_call_utterances WHERE partition_date BETWEEN ? AND ? ORDER BY call_id, position""",
        [week_start, last],
    ).fetchall()
    by_call = {cid: [Utterance(*u[1:]) for u in group] for cid, group in groupby(utterances, key=lambda u: u[0])}
    rows = []
    for call_id, day, started, se_id, title, url, duration_s, rep_speaker in calls:
        utts = by_call.get(call_id)
        if not utts or not any(u.speaker_id == rep_speaker for u in utts):
            continue  # not transcribed yet, or the SE did not speak: nothing to coach on
        m = measure(utts, rep_speaker)
        pauses = [o["pause_s"] for o in m.objections if o["pause_s"] is not None]
        rows.append(
            {
                "call_id": call_id, "week_start": week_start, "call_date": day, "started": started, "se_id": se_id,
                "title": title, "url": url, "call_type": call_type(title), "duration_s": duration_s,
                "span_s": m.span_s, "rep_talk_s": m.rep_talk_s, "customer_talk_s": m.customer_talk_s,
                "talk_ratio": m.talk_ratio, "longest_monologue_s": m.longest_monologue_s, "questions": m.questions,
                "question_spread": m.question_spread, "customer_questions": m.customer_questions,
                "filler_words": m.filler_words, "filler_per_min": m.filler_per_min, "interactivity": m.interactivity,
                "patience_s": m.patience_s, "objections": len(m.objections),
                "objections_handled": sum(o["handled"] for o in m.objections),
                "objection_pause_s": sum(pauses) / len(pauses) if pauses else None,
                "objection_details": json.dumps(m.objections), "next_steps": json.dumps(m.next_steps),
                "has_next_steps": bool(m.next_steps), "trial_closes": m.trial_closes,
                "value_statements": m.value_statements, "personalization": m.personalization,
                "bant_coverage": m.bant_coverage, "customer_sentiment": m.customer_sentiment,
                "words_per_minute": m.words_per_minute, "pace_variation": m.pace_variation,
                "highlights": json.dumps(m.highlights),
            }
        )
    return rows
