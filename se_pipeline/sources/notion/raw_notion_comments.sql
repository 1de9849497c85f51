-- Comments and discussions on opportunity pages; written per partition_date (the comment's local day).
CREATE TABLE IF NOT EXISTS raw_notion_comments (
    comment_id      VARCHAR PRIMARY KEY,
    partition_date  DATE NOT NULL,
    page_id         VARCHAR NOT NULL,
    discussion_id   VARCHAR,
    author_name     VARCHAR,
    author_email    VARCHAR,
    created_time    TIMESTAMPTZ NOT NULL,
    text            VARCHAR,
    url             VARCHAR NOT NULL,      -- page URL with ?d=<discussion_id>#<comment_id>
    payload         JSON
);
