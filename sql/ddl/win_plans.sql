-- A technical win plan per active opportunity (se_pipeline/artifacts/winplan.py), rebuilt whole
-- after win_criteria; one file per customer under <home>/reports/se/win_plans/.
CREATE TABLE IF NOT EXISTS win_plans (
    page_id             VARCHAR PRIMARY KEY,
    customer            VARCHAR,
    opportunity         VARCHAR,
    stage               VARCHAR,
    se_id               VARCHAR,
    amount              DOUBLE,
    close_date          DATE,
    is_poc              BOOLEAN,
    criteria            JSON,                  -- [{criterion, status: met | at risk | open}]
    decision_framework  VARCHAR[],
    timeline            VARCHAR[],             -- POC dates, the page's timeline lines, the close date
    risks               JSON,                  -- top three: [{kind, risk, mitigation, links}]
    next_steps          JSON,                  -- what the SE owes: [{summary, raised_on, age_days, due_date, link}]
    url                 VARCHAR,
    computed_at         TIMESTAMPTZ NOT NULL
);
