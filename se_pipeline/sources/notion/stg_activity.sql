-- Comments on opportunity pages in the activity contract (stg_activity): one row per comment, columns as sql/activity.sql reads them.
SELECT
    'notion:' || c.comment_id AS activity_id,
    c.partition_date AS activity_date,
    c.created_time AS sent_at,
    'notion' AS source,
    NULL::VARCHAR AS channel,  -- the opportunity's name (sql/activity.sql joins it by opportunity_id)
    'notion' AS channel_kind,
    FALSE AS is_external_channel,
    c.page_id || ':' || coalesce(c.discussion_id, c.comment_id) AS thread_key,
    c.discussion_id IS NOT NULL AND c.comment_id <> c.discussion_id AS is_reply,
    c.author_email AS author_id,
    c.author_name,
    c.author_email,
    FALSE AS is_bot,
    NULL AS bot_name,
    NULL AS subject,
    c.text,
    c.url AS link,
    NULL AS channel_token,
    FALSE AS author_is_external,
    NULL AS owner_se_id,
    []::VARCHAR[] AS external_domains,
    '' AS match_text,
    NULL AS channel_id,
    c.page_id AS opportunity_id
FROM raw_notion_comments c
