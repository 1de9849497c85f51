-- Slack conversations in the conversations contract (stg_channels): one row per conversation, with its kind
-- (public | private | im | mpim) and the members known (DMs, mpims, exports).
SELECT channel_id, name, channel_type, members
FROM raw_slack_channels
