-- Records that could not be loaded, with the reason; nothing is dropped silently.
CREATE TABLE IF NOT EXISTS quarantine (
    source          VARCHAR NOT NULL,      -- slack | gmail | notion | usage | calls | …
    record_key      VARCHAR NOT NULL,      -- where to find it: file:line, message id, page id …
    partition_date  DATE,                  -- null when the day is unknown
    reason          VARCHAR NOT NULL,
    payload         VARCHAR,               -- the record as read (truncated to 100 kB)
    loaded_at       TIMESTAMPTZ NOT NULL
);
