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
