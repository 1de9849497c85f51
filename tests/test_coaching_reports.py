"""Coaching end to end on the demo calls: export → call_metrics → rep_skill_scores → reports (real DuckDB)."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from se_pipeline.coaching import compute_call_metrics, compute_skill_scores, write_coaching_reports
from se_pipeline.config import Settings
from se_pipeline.connectors.calls import from_settings
from se_pipeline.demo.calls import write_calls
from se_pipeline.warehouse import load_records
from se_pipeline.window import Window

WEEK1, WEEK2 = dt.date(2026, 10, 5), dt.date(2026, 10, 12)
REPS = [("alice", "Alice Chen"), ("bob", "Bob Diaz"), ("carol", "Carol Wu"), ("dan", "Dan Park")]  # talker, questioner, objection pro, balanced


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("coaching")
    settings = Settings.model_validate(
        {
            "company_domains": ["example.com"],
            "sales_engineers": [{"id": i, "name": n, "email": f"{i}@example.com"} for i, n in REPS],
            "customers": [{"name": n, "domains": [d]} for n, d in [("Acme Corp", "acme.com"), ("Globex", "globex.com"),
                                                                  ("Initech", "initech.com"), ("Umbrella", "umbrella.io")]],
            "sources": {"calls": {"mode": "export", "path": str(tmp / "calls")}},
        }
    )
    write_calls(tmp, 7, settings.sales_engineers, settings.customers, WEEK1, WEEK2 + dt.timedelta(days=6))
    con = duckdb.connect()
    window = Window(WEEK1, WEEK2 + dt.timedelta(days=6), settings.tz)
    connector = from_settings(settings)
    load_records(con, "calls", connector.tables, window, connector.extract(window))
    con.execute(
        """CREATE TABLE opportunities AS SELECT * FROM (VALUES
            ('p1', 'Acme Corp - Platform', 'Acme Corp', 'Won', false, 'alice', 50000.0, DATE '2026-10-10', TIMESTAMP '2026-08-01'),
            ('p2', 'Globex - Pilot', 'Globex', 'Lost', false, 'bob', 20000.0, DATE '2026-10-09', TIMESTAMP '2026-09-01'),
            ('p3', 'Initech - Expansion', 'Initech', 'Won', false, 'carol', 90000.0, DATE '2026-10-15', TIMESTAMP '2026-09-15'),
            ('p4', 'Umbrella - New', 'Umbrella', 'Proposal', true, 'dan', 30000.0, DATE '2026-09-30', TIMESTAMP '2026-09-01'))
           AS t(page_id, name, customer, stage, is_active, se_id, amount, close_date, created_time)"""
    )
    paths = {}
    for week in (WEEK1, WEEK2):
        compute_call_metrics(con, week)
        compute_skill_scores(con, week, quotas={"carol": 100000.0})
        paths[week] = write_coaching_reports(con, week, tmp / "reports", dict(REPS))
    return con, paths, tmp


def _by_rep(con, sql):
    return {row[0]: row[1:] for row in con.execute(sql).fetchall()}


def test_styles_show_in_the_call_metrics(run):
    con, _, _ = run
    m = _by_rep(con, "SELECT se_id, avg(talk_ratio), avg(questions), avg(longest_monologue_s), "
                     "sum(objections_handled) / sum(objections), avg(has_next_steps::INT) FROM call_metrics GROUP BY 1")
    assert m["alice"][0] > 65 > m["bob"][0]  # the talker vs the questioner
    assert m["bob"][1] >= 11 > m["alice"][1]
    assert m["alice"][2] > 2 * m["bob"][2]
    assert m["carol"][3] == 1.0 and m["alice"][3] == 0.0
    assert m["alice"][4] == 0.0 and m["bob"][4] == 1.0


def test_scores_follow_the_seed_areas_levels_and_trends(run):
    con, _, _ = run
    skills = con.execute("SELECT DISTINCT name, weight FROM rep_skill_scores WHERE kind = 'skill' ORDER BY name").fetchall()
    assert skills == [("closing", 15.0), ("demo", 20.0), ("discovery", 20.0), ("negotiation", 15.0),
                      ("objection_handling", 15.0), ("qualification", 15.0)]
    rows = con.execute("SELECT score, level, needs_manager_review FROM rep_skill_scores WHERE kind = 'skill' AND score IS NOT NULL").fetchall()
    expected = lambda s: "Expert" if s >= 90 else "Proficient" if s >= 75 else "Developing" if s >= 60 else "Needs Coaching" if s >= 40 else "Critical"
    assert all(level == expected(score) and review == (score < 40) for score, level, review in rows)
    week2 = con.execute("SELECT count(*) FILTER (WHERE previous_score IS NOT NULL), count(*) FROM rep_skill_scores "
                        "WHERE week_start = ? AND kind = 'skill' AND score IS NOT NULL", [WEEK2]).fetchone()
    assert week2[0] == week2[1] > 0
    quota = con.execute("SELECT score FROM rep_skill_scores WHERE se_id = 'carol' AND name = 'quota_attainment' AND week_start = ?", [WEEK2]).fetchone()
    assert quota == (90.0,)
    win = _by_rep(con, f"SELECT se_id, score FROM rep_skill_scores WHERE name = 'win_rate' AND week_start = '{WEEK2}'")
    assert (win["alice"], win["bob"], win["dan"]) == ((100.0,), (0.0,), (None,))


def test_reports_have_the_seed_sections_and_keep_to_the_rep(run):
    con, paths, tmp = run
    assert len(paths[WEEK2]) == 4
    for path in paths[WEEK2]:
        text = path.read_text()
        me = path.stem
        for section in ["## 📈 Sales Coaching Report", "### Skill Assessment", "### ✅ Strengths", "### 🎯 Focus Areas",
                        "### 📞 Call Review Highlights", "### Progress Tracking", "## ⚡ Quick Coaching"]:
            assert section in text, (me, section)
        others = [name for rep, name in REPS if rep != me]
        assert not any(name in text for name in others), me
        assert text.count("#### ") <= 3
        assert (tmp / "reports" / str(WEEK2) / f"{me}.png").read_bytes()[:4] == b"\x89PNG"
    alice = (tmp / "reports" / str(WEEK2) / "alice.md").read_text()
    assert "### ⚠️ Manager review" in alice and "Target: 40/60; Gong Labs" in alice
    carol = (tmp / "reports" / str(WEEK2) / "carol.md").read_text()
    assert "**Objection Handling** - Score: 100/100" in carol and "Call Highlight" in carol
    row = con.execute("SELECT needs_manager_review, focus_areas, strengths FROM coaching_reports WHERE se_id = 'alice' AND week_start = ?", [WEEK2]).fetchone()
    assert row[0] is True and 0 < len(row[1]) <= 3 and "| Last Week |" in alice


def test_rerunning_a_week_replaces_it(run):
    con, _, tmp = run
    before = con.execute("SELECT count(*) FROM call_metrics").fetchone()[0]
    compute_call_metrics(con, WEEK2)
    compute_skill_scores(con, WEEK2)
    write_coaching_reports(con, WEEK2, tmp / "reports")
    assert con.execute("SELECT count(*) FROM call_metrics").fetchone()[0] == before
    assert con.execute("SELECT count(*) FROM coaching_reports WHERE week_start = ?", [WEEK2]).fetchone()[0] == 4


def test_demo_calls_are_deterministic(tmp_path):
    from se_pipeline.config import CustomerConfig, SalesEngineer

    ses = [SalesEngineer(id="a", name="A B", email="a@example.com")]
    customers = [CustomerConfig(name="Acme", domains=["acme.com"])]
    for folder in ("one", "two"):
        write_calls(tmp_path / folder, 3, ses, customers, WEEK1, WEEK2)
    one = sorted((tmp_path / "one" / "calls").iterdir())
    two = sorted((tmp_path / "two" / "calls").iterdir())
    assert [p.name for p in one] == [p.name for p in two] and len(one) == 2  # Tue 6 and Thu 8 Oct
    assert all(a.read_bytes() == b.read_bytes() for a, b in zip(one, two))
