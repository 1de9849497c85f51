-- One digest per SE per day, as Markdown, and where its file is.
CREATE TABLE IF NOT EXISTS digests (
    se_id           VARCHAR NOT NULL,
    digest_date     DATE NOT NULL,
    markdown        VARCHAR NOT NULL,
    path            VARCHAR,
    customers       INTEGER,
    todo_items      INTEGER,
    know_items      INTEGER,
    not_included    INTEGER,
    PRIMARY KEY (se_id, digest_date)
);
-- as_of: the local time the day's data was read when the day was not over yet (a "today so far" digest,
-- `se-pipeline run --today` or a sensor's run); NULL for a whole day. A later run of the day replaces it.
ALTER TABLE digests ADD COLUMN IF NOT EXISTS as_of TIMESTAMPTZ;
