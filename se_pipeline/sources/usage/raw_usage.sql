-- Product usage per account per day and metric; written per partition_date (= usage_date).
CREATE TABLE IF NOT EXISTS raw_usage (
    customer        VARCHAR NOT NULL,      -- the account as the usage source keys it: its workspace id, else its name, else its domain (resolved later)
    partition_date  DATE NOT NULL,         -- the usage day
    metric          VARCHAR NOT NULL,      -- e.g. events, active_users, rows_synced
    value           DOUBLE,
    source_file     VARCHAR,
    payload         JSON,
    account_name    VARCHAR,               -- each of the account's keys the file has
    account_domain  VARCHAR,
    workspace_id    VARCHAR,
    PRIMARY KEY (customer, partition_date, metric)
);
-- Warehouses made before these columns existed get them.
ALTER TABLE raw_usage ADD COLUMN IF NOT EXISTS account_name VARCHAR;
ALTER TABLE raw_usage ADD COLUMN IF NOT EXISTS account_domain VARCHAR;
ALTER TABLE raw_usage ADD COLUMN IF NOT EXISTS workspace_id VARCHAR;
