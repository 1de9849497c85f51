-- Slack conversations (a dimension, upserted by channel_id).
CREATE TABLE IF NOT EXISTS raw_slack_channels (
    channel_id    VARCHAR PRIMARY KEY,
    name          VARCHAR,
    channel_type  VARCHAR,      -- public | private | im | mpim
    is_ext_shared BOOLEAN,
    is_member     BOOLEAN,
    members       VARCHAR[],    -- user ids, where known (DMs, mpims, exports)
    topic         VARCHAR,
    purpose       VARCHAR,
    created_at    TIMESTAMPTZ,
    payload       JSON
);
