-- What was delivered to whom (se_pipeline/delivery): one row per message set sent. Exactly once: a
-- digest (or coaching report) goes to a recipient again only when its content changed ('updated').
-- key: (kind, se_id, day, channel, recipient, content_hash).
CREATE TABLE IF NOT EXISTS deliveries (
    kind            VARCHAR NOT NULL,      -- digest | coaching
    se_id           VARCHAR NOT NULL,      -- whose digest or report
    day             DATE NOT NULL,         -- the digest's day, or the coaching week's Monday
    channel         VARCHAR NOT NULL,      -- slack_dm | email
    recipient       VARCHAR NOT NULL,      -- the Slack user id or email address it went to
    content_hash    VARCHAR NOT NULL,      -- sha256 of the Markdown delivered
    status          VARCHAR NOT NULL,      -- sent | updated (an earlier version went before)
    sent_at         TIMESTAMPTZ NOT NULL,
    response_ids    VARCHAR[],             -- Slack message ts, Gmail message id
    PRIMARY KEY (kind, se_id, day, channel, recipient, content_hash)
);
