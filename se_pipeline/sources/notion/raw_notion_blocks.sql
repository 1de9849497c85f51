-- Page content of active opportunities, one row per block (depth-first order), per snapshot.
CREATE TABLE IF NOT EXISTS raw_notion_blocks (
    block_id        VARCHAR NOT NULL,
    partition_date  DATE NOT NULL,
    page_id         VARCHAR NOT NULL,
    parent_id       VARCHAR,
    position        INTEGER,               -- order within the page
    depth           INTEGER,
    block_type      VARCHAR,
    text            VARCHAR,
    payload         JSON,
    PRIMARY KEY (block_id, partition_date)
);
