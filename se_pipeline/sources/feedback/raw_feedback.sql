-- Rep feedback (CSV rows, Markdown bullets or Notion database pages), read whole each run.
-- key: feedback_id; upserted. Rows not seen in the latest read have an older extracted_at.
CREATE TABLE IF NOT EXISTS raw_feedback (
    feedback_id     VARCHAR NOT NULL,      -- the file's own id column, else a hash of file, date, rep, text; a Notion page's id
    submitted_on    DATE NOT NULL,
    rep             VARCHAR,               -- SE/rep id, name or email as written
    region          VARCHAR,
    segment         VARCHAR,
    customer        VARCHAR,
    opportunity     VARCHAR,               -- Notion page id or opportunity name, if given
    channel         VARCHAR,               -- call, ride-along, enablement session, slack, …
    competitor      VARCHAR,
    text            VARCHAR NOT NULL,
    source_file     VARCHAR NOT NULL,      -- the file's path, or notion:<database id>
    line            INTEGER,               -- NULL for Notion pages
    extracted_at    TIMESTAMPTZ NOT NULL,  -- when the read that saw this row ran
    payload         JSON,
    PRIMARY KEY (feedback_id)
);
