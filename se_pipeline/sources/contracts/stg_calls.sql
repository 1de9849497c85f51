-- The stg_calls contract: one row per recorded call.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS call_id,
    NULL::DATE AS partition_date,
    NULL::VARCHAR AS title,
    NULL::TIMESTAMPTZ AS started,
    NULL::INTEGER AS duration_s,
    NULL::VARCHAR AS url,
    NULL::VARCHAR AS scope,
    NULL::VARCHAR AS se_id,
    NULL::VARCHAR AS rep_user_id,
    NULL::VARCHAR AS rep_email,
    NULL::VARCHAR AS rep_speaker_id,
    NULL::VARCHAR[] AS internal_emails,
    NULL::VARCHAR[] AS external_emails,
    NULL::VARCHAR[] AS customer_domains,
    NULL::VARCHAR AS customer_name_hint,
    NULL::BOOLEAN AS has_transcript
LIMIT 0
