-- Product usage per customer per day and metric; written per partition_date (= usage_date).
CREATE TABLE IF NOT EXISTS raw_usage (
    customer        VARCHAR NOT NULL,      -- as the usage source names it (resolved later)
    partition_date  DATE NOT NULL,         -- the usage day
    metric          VARCHAR NOT NULL,      -- e.g. events, active_users, trial_started
    value           DOUBLE,
    source_file     VARCHAR,
    payload         JSON,
    PRIMARY KEY (customer, partition_date, metric)
);
