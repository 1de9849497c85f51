-- Mail in the mail contract (stg_mail): one row per email per mailbox, with what stg_activity does not carry
-- (every address, the sender's signature and the quoted history, an automated mail's headers and event).
SELECT
    'gmail:' || message_id AS activity_id,
    partition_date,
    se_id,  -- whose mailbox
    sent_at,
    from_email,
    to_emails,
    cc_emails,
    labels,
    body_text,
    quoted_text,
    signature,
    is_automated,
    payload->>'$.automated_by' AS automated_by,  -- the rule that found it automated
    payload->'$.headers' AS headers,             -- [[name, value], …]
    calendar
FROM raw_gmail_messages
