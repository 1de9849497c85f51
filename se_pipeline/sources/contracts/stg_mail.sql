-- The stg_mail contract: one row per email per mailbox, with what stg_activity does not carry.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS activity_id,
    NULL::DATE AS partition_date,
    NULL::VARCHAR AS se_id,
    NULL::TIMESTAMPTZ AS sent_at,
    NULL::VARCHAR AS from_email,
    NULL::VARCHAR[] AS to_emails,
    NULL::VARCHAR[] AS cc_emails,
    NULL::VARCHAR[] AS labels,
    NULL::VARCHAR AS body_text,
    NULL::VARCHAR AS quoted_text,
    NULL::VARCHAR AS signature,
    NULL::BOOLEAN AS is_automated,
    NULL::VARCHAR AS automated_by,
    NULL::JSON AS headers,
    NULL::JSON AS calendar
LIMIT 0
