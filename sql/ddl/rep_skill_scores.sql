-- Skill scores and deal outcomes per rep per week (weekly partitions, key week_start + se_id + name).
-- kind: 'skill' (the six areas, 0-100), 'overall' (their weighted mean), 'outcome' (win_rate %,
-- avg_deal_size, sales_cycle_days, quota_attainment %, pipeline_generated, stage_conversion %,
-- forecast_accuracy %, calls_analyzed, deals_reviewed). Definitions: se_pipeline/coaching/scores.py.
-- Team figures are aggregates (average, best), never another rep's row.
CREATE TABLE IF NOT EXISTS rep_skill_scores (
    week_start          DATE NOT NULL,
    se_id               VARCHAR NOT NULL,
    kind                VARCHAR NOT NULL,
    name                VARCHAR NOT NULL,      -- discovery, qualification, demo, objection_handling, negotiation, closing, overall, …
    score               DOUBLE,                -- null: not enough data (calls, objections, deals) this week
    weight              DOUBLE,                -- the area's weight (skills)
    level               VARCHAR,               -- Expert, Proficient, Developing, Needs Coaching, Critical
    components          JSON,                  -- named components, each 0-100 (null when not measurable)
    weakest_component   VARCHAR,
    previous_score      DOUBLE,                -- the rep's score the week before
    trend               VARCHAR,               -- ↑ ↓ → (null without a previous week)
    team_avg            DOUBLE,
    top_performer       DOUBLE,                -- the best value in the team (lowest for sales_cycle_days)
    needs_manager_review BOOLEAN,              -- a skill below 40 (Critical)
    evidence_calls      INTEGER,               -- calls behind the area's call components (skills, overall)
    PRIMARY KEY (week_start, se_id, name)
);
ALTER TABLE rep_skill_scores ADD COLUMN IF NOT EXISTS evidence_calls INTEGER;
