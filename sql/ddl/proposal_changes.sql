-- Every change `se-pipeline apply` made to the opportunity database: who, when, what it was and became,
-- the request sent and the id Notion answered with. key: proposal_id (a proposal is applied at most once).
CREATE TABLE IF NOT EXISTS proposal_changes (
    proposal_id     VARCHAR PRIMARY KEY,
    applied_at      TIMESTAMPTZ NOT NULL,
    applied_by      VARCHAR NOT NULL,      -- the operating-system user who confirmed it
    method          VARCHAR NOT NULL,      -- PATCH | POST
    path            VARCHAR NOT NULL,      -- /v1/pages/<id>, /v1/pages, /v1/comments
    page_id         VARCHAR,               -- the page changed, created or commented on
    property        VARCHAR,
    before          VARCHAR,               -- the value read from Notion just before the write
    after           VARCHAR,
    request         JSON NOT NULL,         -- the body sent
    response_id     VARCHAR                -- the id of the object Notion returned (page or comment)
);
