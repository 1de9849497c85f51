-- Who posted in each Slack conversation (stg_channel_posts): one row per message, joins and leaves
-- included, since being in a conversation is what these rows show.
SELECT channel_id, user_id AS author_id, partition_date
FROM raw_slack_messages
