-- The stg_activity contract: one row per message, email, comment, call or meeting, as sql/activity.sql reads them.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS activity_id,
    NULL::DATE AS activity_date,
    NULL::TIMESTAMPTZ AS sent_at,
    NULL::VARCHAR AS source,
    NULL::VARCHAR AS channel,
    NULL::VARCHAR AS channel_kind,
    NULL::BOOLEAN AS is_external_channel,
    NULL::VARCHAR AS thread_key,
    NULL::BOOLEAN AS is_reply,
    NULL::VARCHAR AS author_id,
    NULL::VARCHAR AS author_name,
    NULL::VARCHAR AS author_email,
    NULL::BOOLEAN AS is_bot,
    NULL::VARCHAR AS bot_name,
    NULL::VARCHAR AS subject,
    NULL::VARCHAR AS text,
    NULL::VARCHAR AS link,
    NULL::VARCHAR AS channel_token,
    NULL::BOOLEAN AS author_is_external,
    NULL::VARCHAR AS owner_se_id,
    NULL::VARCHAR[] AS external_domains,
    NULL::VARCHAR AS match_text,
    NULL::VARCHAR AS channel_id,
    NULL::BOOLEAN AS belongs_to_owner,
    NULL::VARCHAR AS opportunity_id
LIMIT 0
