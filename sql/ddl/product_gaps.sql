-- Capabilities customers asked for that the product lacks: one row per gap and customer
-- (per-customer rows keep one customer's evidence out of another's report). Rebuilt whole.
CREATE TABLE IF NOT EXISTS product_gaps (
    gap_id              VARCHAR NOT NULL,  -- stable hash of the capability
    capability          VARCHAR NOT NULL,
    customer            VARCHAR NOT NULL,
    severity            VARCHAR NOT NULL,  -- blocker | high | medium | low
    answer              VARCHAR NOT NULL,  -- no | not_yet | roadmap | noted
    workaround_available BOOLEAN NOT NULL,
    workaround          VARCHAR,
    revenue_at_stake    DOUBLE NOT NULL,   -- this customer's active opportunities
    customers_affected  INTEGER NOT NULL,  -- across all customers
    total_revenue_at_stake DOUBLE NOT NULL,
    mentions            INTEGER NOT NULL,
    first_seen          DATE NOT NULL,
    last_seen           DATE NOT NULL,
    evidence            VARCHAR[],         -- the asks, as said
    source_links        VARCHAR[],
    computed_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (gap_id, customer)
);
