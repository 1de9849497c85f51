-- Call transcripts in the calls contract (stg_call_utterances): one row per sentence, in the call's order.
SELECT
    call_id,
    position,
    partition_date,
    turn,
    speaker_id,
    speaker_name,
    speaker_email,
    is_internal,
    topic,
    start_ms,
    end_ms,
    text
FROM raw_call_utterances
