-- The stg_call_utterances contract: one row per transcript sentence, in the call's order.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS call_id,
    NULL::INTEGER AS position,
    NULL::DATE AS partition_date,
    NULL::INTEGER AS turn,
    NULL::VARCHAR AS speaker_id,
    NULL::VARCHAR AS speaker_name,
    NULL::VARCHAR AS speaker_email,
    NULL::BOOLEAN AS is_internal,
    NULL::VARCHAR AS topic,
    NULL::BIGINT AS start_ms,
    NULL::BIGINT AS end_ms,
    NULL::VARCHAR AS text
LIMIT 0
