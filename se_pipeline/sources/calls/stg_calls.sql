-- Recorded calls in the calls contract (stg_calls): one row per call, with the SE on it and the customer hints.
SELECT
    call_id,
    partition_date,
    title,
    started,
    duration_s,
    url,
    scope,
    se_id,
    rep_user_id,
    rep_email,
    rep_speaker_id,      -- the SE's speaker id in stg_call_utterances
    internal_emails,
    external_emails,
    customer_domains,
    customer_name_hint,
    has_transcript
FROM raw_calls
