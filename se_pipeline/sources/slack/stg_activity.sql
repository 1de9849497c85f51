-- Slack messages in the activity contract (stg_activity): one row per message (joins and leaves left out), columns as sql/activity.sql reads them.
SELECT
    'slack:' || m.channel_id || ':' || m.ts AS activity_id,
    m.partition_date AS activity_date,
    m.sent_at,
    'slack' AS source,
    m.channel_name AS channel,
    CASE
        WHEN m.channel_type IN ('im', 'mpim') THEN 'dm'
        WHEN starts_with(lower(m.channel_name), 'ext-') THEN 'ext'
        WHEN starts_with(lower(m.channel_name), 'opp-') THEN 'opp'
        WHEN starts_with(lower(m.channel_name), 'proj-') THEN 'proj'
        ELSE 'channel'
    END AS channel_kind,
    coalesce(m.is_ext_shared, FALSE) OR starts_with(lower(m.channel_name), 'ext-') AS is_external_channel,
    m.channel_id || ':' || coalesce(m.thread_ts, m.ts) AS thread_key,
    m.is_reply,
    m.user_id AS author_id,
    coalesce(m.user_name, m.bot_name) AS author_name,
    m.user_email AS author_email,
    m.bot_id IS NOT NULL OR m.subtype = 'bot_message' OR coalesce(u.is_bot, FALSE) AS is_bot,
    m.bot_name,
    NULL::VARCHAR AS subject,
    m.text,
    m.permalink AS link,
    channel_customer_token(m.channel_name) AS channel_token,
    -- Our side: a company address or a member of our team who is not a guest.
    CASE
        WHEN m.bot_id IS NOT NULL OR m.subtype = 'bot_message' THEN FALSE
        WHEN email_domain(m.user_email) IN (SELECT domain FROM config_company_domains) THEN FALSE
        WHEN u.is_external THEN TRUE
        WHEN email_domain(m.user_email) IS NOT NULL THEN TRUE
        ELSE FALSE
    END AS author_is_external,
    NULL::VARCHAR AS owner_se_id,
    []::VARCHAR[] AS external_domains,
    lower(coalesce(m.text, '')) AS match_text,
    m.channel_id
FROM raw_slack_messages m
LEFT JOIN raw_slack_users u ON u.user_id = m.user_id
WHERE coalesce(m.subtype, '') NOT IN ('channel_join', 'channel_leave', 'message_deleted', 'tombstone')
