-- One coaching report and quick card per rep per week; files under <home>/reports/coaching/<week>/.
CREATE TABLE IF NOT EXISTS coaching_reports (
    week_start           DATE NOT NULL,
    se_id                VARCHAR NOT NULL,
    overall_score        DOUBLE,
    level                VARCHAR,
    calls_analyzed       INTEGER,
    deals_reviewed       INTEGER,
    strengths            VARCHAR[],            -- skill areas scoring 80+
    focus_areas          VARCHAR[],            -- at most 3 areas below 70, weakest first
    needs_manager_review BOOLEAN,              -- a skill is Critical (< 40)
    markdown             VARCHAR NOT NULL,     -- the full report
    quick_card           VARCHAR NOT NULL,
    path                 VARCHAR,              -- the report's Markdown file
    chart_path           VARCHAR,              -- PNG: the rep's skills against the team average
    PRIMARY KEY (week_start, se_id)
);
