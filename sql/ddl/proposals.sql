-- Suggested changes to the opportunity database (se_pipeline/proposals), never applied on their own:
-- `se-pipeline apply <proposal_id>` shows the exact change and writes it only after the user confirms.
-- key: proposal_id (a hash of what is proposed and why), so re-running a day never duplicates one;
-- a run replaces the open proposals of its days and keeps the ones already decided.
CREATE TABLE IF NOT EXISTS proposals (
    proposal_id     VARCHAR PRIMARY KEY,   -- what `apply` and `dismiss` take (a unique prefix will do)
    proposed_on     DATE NOT NULL,         -- the day of the activity behind it
    se_id           VARCHAR,               -- whose customer it is
    customer        VARCHAR NOT NULL,
    kind            VARCHAR NOT NULL,      -- stage | close_date | poc_end | amount | next_step | comment | new_opportunity
    action          VARCHAR NOT NULL,      -- update (PATCH the page's property) | create (a new page) | comment
    database_id     VARCHAR,               -- the opportunity database (or data source) as configured
    page_id         VARCHAR,               -- the page changed or commented on (null for create)
    page_url        VARCHAR,
    opportunity     VARCHAR,               -- the page's title (the new page's, for create)
    property        VARCHAR,               -- the Notion property changed (update)
    current_value   VARCHAR,               -- the property's value when proposed (normalised: ISO dates, plain numbers)
    proposed_value  VARCHAR NOT NULL,      -- the new value; a comment's text; a new page's title
    changes         JSON NOT NULL,         -- every property set: [{field, property, before, after}] (+ the comment's links)
    reason          VARCHAR NOT NULL,      -- why, in a sentence
    links           VARCHAR[] NOT NULL,    -- the sources that show it (Slack, email, Notion, call links)
    signal_ids      VARCHAR[],             -- the signals behind it
    status          VARCHAR NOT NULL,      -- open | applied | dismissed | stale | superseded
    status_reason   VARCHAR,               -- e.g. 'Stage is now Negotiation' for a stale proposal
    decided_by      VARCHAR,               -- who applied or dismissed it
    decided_at      TIMESTAMPTZ,
    created_at      TIMESTAMPTZ NOT NULL
);
