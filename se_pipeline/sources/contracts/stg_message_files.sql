-- The stg_message_files contract: one row per message with files, and per email (its attachments and recipients).
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS activity_id,
    NULL::DATE AS partition_date,
    NULL::VARCHAR[] AS files,
    NULL::VARCHAR[] AS recipients
LIMIT 0
