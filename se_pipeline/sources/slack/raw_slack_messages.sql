-- One row per Slack message (parents and thread replies alike), normalised for reading.
-- key: message_key; written per partition_date (the message's local day).
CREATE TABLE IF NOT EXISTS raw_slack_messages (
    message_key     VARCHAR PRIMARY KEY,   -- '<channel_id>:<ts>'
    partition_date  DATE NOT NULL,
    channel_id      VARCHAR NOT NULL,
    channel_name    VARCHAR,               -- 'ext-acme-eval'; for DMs the other person's name
    channel_type    VARCHAR,               -- public | private | im | mpim
    is_ext_shared   BOOLEAN,               -- Slack Connect channel shared with another org
    ts              VARCHAR NOT NULL,      -- Slack's '1696161600.000100'
    thread_ts       VARCHAR,               -- set on parents with replies and on replies
    is_reply        BOOLEAN NOT NULL,      -- thread_ts is set and differs from ts
    reply_count     INTEGER,               -- on parents: replies Slack says exist
    latest_reply    VARCHAR,
    user_id         VARCHAR,
    user_name       VARCHAR,               -- resolved display/real name
    user_email      VARCHAR,
    bot_id          VARCHAR,
    bot_name        VARCHAR,               -- 'Gong', 'Salesforce', … for bot messages
    subtype         VARCHAR,
    sent_at         TIMESTAMPTZ NOT NULL,
    edited_at       TIMESTAMPTZ,
    text            VARCHAR,               -- normalised: mentions → names, links → labels, entities decoded
    files           VARCHAR[],             -- names of shared files
    permalink       VARCHAR NOT NULL,
    payload         JSON                   -- the message as the API/export gave it
);
