-- Zoom meetings in the activity contract (stg_activity): one row per meeting, the hosting SE's.
SELECT
    'zoom:' || m.meeting_uuid AS activity_id,
    m.partition_date AS activity_date,
    m.started AS sent_at,
    'zoom' AS source,
    m.topic AS channel,
    'meeting' AS channel_kind,
    TRUE AS is_external_channel,
    'zoom:' || m.meeting_uuid AS thread_key,
    FALSE AS is_reply,
    m.host_email AS author_id,
    se.name AS author_name,
    m.host_email AS author_email,
    FALSE AS is_bot,
    m.topic AS subject,
    'Meeting: ' || coalesce(m.topic, 'untitled') || ' (' || coalesce(m.duration_min, 0) || ' min, '
        || coalesce(m.participants, 0) || ' joined)' AS text,
    FALSE AS author_is_external,
    m.se_id AS owner_se_id,
    TRUE AS belongs_to_owner,
    lower(coalesce(m.topic, '')) AS match_text
FROM raw_zoom_meetings m
LEFT JOIN config_sales_engineers se ON se.id = m.se_id
