-- Onboarding metrics per rep and period: ramp_days, call_quality (0-100), certification:<module> (0-1).
-- key: (rep_id, metric, period); upserted. Rows not seen in the latest read have an older extracted_at.
CREATE TABLE IF NOT EXISTS raw_onboarding_metrics (
    rep_id          VARCHAR NOT NULL,
    metric          VARCHAR NOT NULL,
    period          VARCHAR NOT NULL,      -- as written: 2026-Q3, 2026-10, …
    value           DOUBLE NOT NULL,
    rep_name        VARCHAR,
    region          VARCHAR,
    segment         VARCHAR,
    source_file     VARCHAR NOT NULL,
    line            INTEGER,
    extracted_at    TIMESTAMPTZ NOT NULL,
    payload         JSON,
    PRIMARY KEY (rep_id, metric, period)
);
