-- Competitors named per customer, opportunity and month, with the matching battlecard's freshness.
-- Rebuilt whole; unique by (competitor, customer, page_id, month). page_id: an active opportunity of the
-- customer, else a closed one, else null.
CREATE TABLE IF NOT EXISTS competitor_mentions (
    competitor          VARCHAR NOT NULL,
    customer            VARCHAR NOT NULL,
    page_id             VARCHAR,           -- the opportunity, null when the customer has none
    opportunity         VARCHAR,
    month               DATE NOT NULL,     -- first day of the month
    mentions            INTEGER NOT NULL,
    first_seen          DATE NOT NULL,
    last_seen           DATE NOT NULL,
    sources             VARCHAR[],         -- slack, gmail, notion, call, notion_property
    source_links        VARCHAR[],
    battlecard          VARCHAR,           -- content inventory asset, null when there is none
    battlecard_updated  DATE,
    battlecard_age_days INTEGER,
    battlecard_freshness VARCHAR NOT NULL, -- fresh | stale | missing
    computed_at         TIMESTAMPTZ NOT NULL,
    battlecard_stale_reason VARCHAR        -- older than the limit, or the competitor was mentioned after its update
);
ALTER TABLE competitor_mentions ADD COLUMN IF NOT EXISTS battlecard_stale_reason VARCHAR;
