-- Battlecards from the field: one row per competitor, what customers said about it and where, with
-- the content inventory's battlecard and its freshness. Rebuilt whole (se_pipeline/artifacts/mentions.py).
CREATE TABLE IF NOT EXISTS battlecards (
    competitor          VARCHAR PRIMARY KEY,
    mentions            INTEGER NOT NULL,      -- activity, Notion pages and properties, win/loss notes, rep feedback
    customers           VARCHAR[],
    opportunities       JSON,                  -- [{page_id, name, customer, stage, outcome: open|won|lost|closed}]
    won                 INTEGER NOT NULL,      -- opportunities where it was heard, by outcome
    lost                INTEGER NOT NULL,
    open                INTEGER NOT NULL,
    first_seen          DATE NOT NULL,
    last_seen           DATE NOT NULL,
    quotes              JSON,                  -- [{day, customer, opportunity, stage, outcome, source, kind: pricing|objection|mention, text, link}], newest first
    pricing_claims      VARCHAR[],             -- the quotes of kind pricing
    objections          VARCHAR[],             -- the quotes of kind objection
    battlecard          VARCHAR,               -- the newest content inventory battlecard naming it
    battlecard_updated  DATE,
    battlecard_age_days INTEGER,
    battlecard_freshness VARCHAR NOT NULL,     -- fresh | stale | missing
    stale_reason        VARCHAR,               -- past sources.feedback.stale_after_days, or mentioned after its update
    mentions_since_update INTEGER,
    computed_at         TIMESTAMPTZ NOT NULL
);
