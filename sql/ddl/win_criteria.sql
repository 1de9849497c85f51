-- Technical-win / POC criteria per active opportunity, from Notion properties and page content.
CREATE TABLE IF NOT EXISTS win_criteria (
    page_id             VARCHAR NOT NULL,
    customer            VARCHAR,
    opportunity         VARCHAR,
    stage               VARCHAR,
    se_id               VARCHAR,
    amount              DOUBLE,
    is_poc              BOOLEAN NOT NULL,
    success_criteria    VARCHAR[],         -- success / exit / evaluation criteria
    decision_framework  VARCHAR[],
    timeline            VARCHAR[],
    poc_start           DATE,
    poc_end             DATE,
    criteria_at_start   INTEGER,           -- criteria in the first snapshot on or after poc_start
    criteria_now        INTEGER NOT NULL,
    no_exit_criteria    BOOLEAN NOT NULL,
    past_end_date       BOOLEAN NOT NULL,
    scope_grew          BOOLEAN NOT NULL,
    flags               VARCHAR[],
    url                 VARCHAR,
    computed_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (page_id)
);
