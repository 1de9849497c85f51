-- materialized: view
-- The files shared with each message (Slack files, email attachments) and each email's recipients,
-- by activity_id: the activity table does not carry them. Slack messages without files are left out.
SELECT 'slack:' || message_key AS activity_id, partition_date, files, NULL::VARCHAR[] AS recipients
FROM raw_slack_messages
WHERE len(files) > 0
UNION ALL
SELECT 'gmail:' || message_id, partition_date, attachments, coalesce(to_emails, [])
FROM raw_gmail_messages
