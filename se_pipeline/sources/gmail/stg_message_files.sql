-- Each email's attachments and recipients (stg_message_files), by activity_id.
SELECT 'gmail:' || message_id AS activity_id, partition_date, attachments AS files, coalesce(to_emails, []) AS recipients
FROM raw_gmail_messages
