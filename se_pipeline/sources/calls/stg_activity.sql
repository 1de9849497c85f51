-- Calls in the activity contract (stg_activity): one row per call, columns as sql/activity.sql reads them.
SELECT
    'call:' || c.call_id AS activity_id,
    c.partition_date AS activity_date,
    c.started AS sent_at,
    'call' AS source,
    c.title AS channel,
    'call' AS channel_kind,
    coalesce(c.scope, 'External') <> 'Internal' AS is_external_channel,
    'call:' || c.call_id AS thread_key,
    FALSE AS is_reply,
    c.rep_user_id AS author_id,
    se.name AS author_name,
    c.rep_email AS author_email,
    FALSE AS is_bot,
    NULL AS bot_name,
    c.title AS subject,
    'Call: ' || coalesce(c.title, 'untitled') || ' (' || round(coalesce(c.duration_s, 0) / 60) || ' min'
        || CASE WHEN c.has_transcript THEN ', transcript in raw_call_utterances' ELSE ', no transcript yet' END
        || ')' AS text,
    c.url AS link,
    NULL AS channel_token,
    FALSE AS author_is_external,
    c.se_id AS owner_se_id,
    TRUE AS belongs_to_owner,  -- the SE on the call (none: nobody's)
    coalesce(c.customer_domains, []) AS external_domains,
    lower(coalesce(c.customer_name_hint, '') || ' ' || coalesce(c.title, '')) AS match_text,
    NULL AS channel_id
FROM raw_calls c
LEFT JOIN config_sales_engineers se ON se.id = c.se_id
