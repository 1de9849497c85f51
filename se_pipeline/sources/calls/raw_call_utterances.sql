-- One row per transcript sentence (Gong's unit), in spoken order. key: call_id + position;
-- written per partition_date (the call's local day).
CREATE TABLE IF NOT EXISTS raw_call_utterances (
    call_id         VARCHAR NOT NULL,
    position        INTEGER NOT NULL,      -- 0-based sentence number in the call
    partition_date  DATE NOT NULL,
    turn            INTEGER NOT NULL,      -- speaker turn: advances when the speaker changes
    speaker_id      VARCHAR,               -- Gong speakerId (matches a party's speakerId)
    speaker_name    VARCHAR,
    speaker_email   VARCHAR,
    speaker_user_id VARCHAR,               -- Gong user id when the speaker is a Gong user
    is_internal     BOOLEAN NOT NULL,      -- ours (affiliation Internal or our domain); unknown speakers: false
    topic           VARCHAR,               -- Gong's topic label of the monologue
    start_ms        BIGINT NOT NULL,       -- from the call's start
    end_ms          BIGINT NOT NULL,
    text            VARCHAR,
    PRIMARY KEY (call_id, position)
);
