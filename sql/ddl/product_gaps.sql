-- Capabilities customers asked for that the product lacks: one row per gap and customer
-- (per-customer rows keep one customer's evidence out of another's report). Rebuilt whole.
CREATE TABLE IF NOT EXISTS product_gaps (
    gap_id              VARCHAR NOT NULL,  -- stable hash of the capability (two wordings of one capability share it)
    capability          VARCHAR NOT NULL,
    customer            VARCHAR NOT NULL,
    severity            VARCHAR NOT NULL,  -- blocker | high | medium | low
    gap_type            VARCHAR,           -- deal-breaker | challenge | nice-to-have (this customer's words)
    answer              VARCHAR NOT NULL,  -- no | not_yet | roadmap | noted
    workaround_available BOOLEAN NOT NULL,
    workaround          VARCHAR,
    revenue_at_stake    DOUBLE NOT NULL,   -- this customer's active opportunities
    revenue_share       DOUBLE,            -- revenue_at_stake split evenly across this customer's gaps
    customers_affected  INTEGER NOT NULL,  -- across all customers
    total_revenue_at_stake DOUBLE NOT NULL,
    total_revenue_share DOUBLE,            -- the gap's revenue_share summed over its customers
    mentions            INTEGER NOT NULL,
    first_seen          DATE NOT NULL,
    last_seen           DATE NOT NULL,
    evidence            VARCHAR[],         -- the asks and our answers, or the notes
    customer_words      VARCHAR[],         -- the customer's own asks, as said
    source_links        VARCHAR[],
    computed_at         TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (gap_id, customer)
);
-- Warehouses made before these columns existed.
ALTER TABLE product_gaps ADD COLUMN IF NOT EXISTS gap_type VARCHAR;
ALTER TABLE product_gaps ADD COLUMN IF NOT EXISTS revenue_share DOUBLE;
ALTER TABLE product_gaps ADD COLUMN IF NOT EXISTS total_revenue_share DOUBLE;
ALTER TABLE product_gaps ADD COLUMN IF NOT EXISTS customer_words VARCHAR[];
