-- Rep feedback (CSV rows or Markdown bullets), read whole from the configured files each run.
-- key: feedback_id; upserted. Rows not seen in the latest read have an older extracted_at.
CREATE TABLE IF NOT EXISTS raw_feedback (
    feedback_id     VARCHAR NOT NULL,      -- the file's own id column, else a hash of file, date, rep, text
    submitted_on    DATE NOT NULL,
    rep             VARCHAR,               -- SE/rep id, name or email as written
    region          VARCHAR,
    segment         VARCHAR,
    customer        VARCHAR,
    opportunity     VARCHAR,               -- Notion page id or opportunity name, if given
    channel         VARCHAR,               -- call, ride-along, enablement session, slack, …
    competitor      VARCHAR,
    text            VARCHAR NOT NULL,
    source_file     VARCHAR NOT NULL,
    line            INTEGER,
    extracted_at    TIMESTAMPTZ NOT NULL,  -- when the read that saw this row ran
    payload         JSON,
    PRIMARY KEY (feedback_id)
);
