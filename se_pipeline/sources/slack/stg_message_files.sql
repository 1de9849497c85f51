-- Files shared in Slack messages (stg_message_files), by activity_id; messages without files are left out.
SELECT 'slack:' || message_key AS activity_id, partition_date, files, NULL::VARCHAR[] AS recipients
FROM raw_slack_messages
WHERE len(files) > 0
