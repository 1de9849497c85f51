-- The opportunity database, one row per page per snapshot (the day it was read).
-- key: (page_id, partition_date); written per partition_date.
-- Which property holds each field is detected from the database (connectors/notion/schema.py)
-- or named in sources.notion.properties.
CREATE TABLE IF NOT EXISTS raw_notion_opportunities (
    page_id         VARCHAR NOT NULL,
    partition_date  DATE NOT NULL,
    name            VARCHAR,               -- the title property
    customer        VARCHAR,               -- the customer property as written ('Account', 'Customer', 'Company', …), if any
    stage           VARCHAR,               -- 'Stage'/'Deal Stage'/'Status'… property
    se_name         VARCHAR,               -- the sales engineer property ('SE', 'Sales Engineer', …), person or text
    se_email        VARCHAR,
    amount          DOUBLE,
    close_date      DATE,
    url             VARCHAR,
    created_time    TIMESTAMPTZ,
    last_edited_time TIMESTAMPTZ,
    properties      JSON,                  -- every property flattened: {"Name": "…", "Tags": ["a","b"], …}
    payload         JSON,
    domain          VARCHAR,               -- the account's domain ('Domain', 'Website', …), bare: example.com
    workspace_id    VARCHAR,               -- the product workspace / account id that links usage
    poc_end         DATE,                  -- when the POC / trial ends
    probability     DOUBLE,                -- 0..1
    PRIMARY KEY (page_id, partition_date)
);
-- Warehouses made before these columns existed get them.
ALTER TABLE raw_notion_opportunities ADD COLUMN IF NOT EXISTS domain VARCHAR;
ALTER TABLE raw_notion_opportunities ADD COLUMN IF NOT EXISTS workspace_id VARCHAR;
ALTER TABLE raw_notion_opportunities ADD COLUMN IF NOT EXISTS poc_end DATE;
ALTER TABLE raw_notion_opportunities ADD COLUMN IF NOT EXISTS probability DOUBLE;
