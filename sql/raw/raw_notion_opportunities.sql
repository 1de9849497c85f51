-- The opportunity database, one row per page per snapshot (the day it was read).
-- key: (page_id, partition_date); written per partition_date.
CREATE TABLE IF NOT EXISTS raw_notion_opportunities (
    page_id         VARCHAR NOT NULL,
    partition_date  DATE NOT NULL,
    name            VARCHAR,               -- the title property
    customer        VARCHAR,               -- 'Customer'/'Account'/'Company' property, if any
    stage           VARCHAR,               -- 'Stage'/'Status' property
    se_name         VARCHAR,               -- 'SE'/'Sales Engineer'/'Owner' person or text
    se_email        VARCHAR,
    amount          DOUBLE,
    close_date      DATE,
    url             VARCHAR,
    created_time    TIMESTAMPTZ,
    last_edited_time TIMESTAMPTZ,
    properties      JSON,                  -- every property flattened: {"Name": "…", "Tags": ["a","b"], …}
    payload         JSON,
    PRIMARY KEY (page_id, partition_date)
);
