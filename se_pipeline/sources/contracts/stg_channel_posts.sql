-- The stg_channel_posts contract: one row per post in a conversation, joins and leaves included.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS channel_id,
    NULL::VARCHAR AS author_id,
    NULL::DATE AS partition_date
LIMIT 0
