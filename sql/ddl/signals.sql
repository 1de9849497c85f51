-- Notable things found in activity (se_pipeline/analysis): what the SE owes and what they should know.
-- key: signal_id; written per activity_date, once per run: the window's signals and the lookback's rows,
-- with resolved_at / resolved_by / status of the open-able ones re-checked against all activity first.
CREATE TABLE IF NOT EXISTS signals (
    signal_id       VARCHAR PRIMARY KEY,   -- stable hash of kind + source activity ids (+ customer/day for account facts)
    se_id           VARCHAR,               -- whose digest it belongs to
    customer        VARCHAR,               -- always the source activity's customer (null: unresolved)
    kind            VARCHAR NOT NULL,      -- customer_question, technical_question, action_item, commitment, legal_security_procurement, automated, scheduling, negative_tone, slow_response, trial_not_started, new_customer, usage_drop, feature_adopted, opportunity_change, competitor_mention
    owed            BOOLEAN NOT NULL,      -- the SE owes an answer, a deliverable or a reply
    status          VARCHAR NOT NULL,      -- open | answered | done | info (as of the latest data)
    raised_at       TIMESTAMPTZ NOT NULL,
    activity_date   DATE NOT NULL,         -- local day it was raised
    resolved_at     TIMESTAMPTZ,           -- when it was answered / delivered (slow_response: the customer wrote back)
    resolved_by     VARCHAR,               -- the activity_id that did it
    summary         VARCHAR NOT NULL,      -- one line, who said what
    tldr            VARCHAR NOT NULL,      -- at most 10 words; an imperative for owed items
    activity_ids    VARCHAR[] NOT NULL,    -- source rows (first = the one cited)
    link            VARCHAR,               -- the primary citation
    relevance       VARCHAR NOT NULL,      -- include | uncertain (uncertain goes to the digest's "not included")
    evidence        VARCHAR NOT NULL,      -- the rule (or model) that produced it, e.g. rule:request
    excerpt         VARCHAR,               -- the sentence the rule matched
    thread_key      VARCHAR,               -- the source thread (answers are looked for there)
    asker_id        VARCHAR,               -- author of an owed question / request (their own reply is not an answer)
    asker_name      VARCHAR,
    resolve_rule    VARCHAR,               -- answer | deliver | follow_up: what settles it
    due_date        DATE                   -- for promises and asks that name a day ("by Friday")
);
