-- One row per meeting an SE hosted (Zoom's past-meetings report). key: meeting_uuid;
-- written per partition_date (the local day the meeting started).
CREATE TABLE IF NOT EXISTS raw_zoom_meetings (
    meeting_uuid        VARCHAR PRIMARY KEY,   -- Zoom's id of this occurrence of the meeting
    partition_date      DATE NOT NULL,
    se_id               VARCHAR NOT NULL,      -- the configured SE who hosted it
    topic               VARCHAR,
    started             TIMESTAMPTZ NOT NULL,
    duration_min        INTEGER,               -- Zoom's duration, minutes
    participants        INTEGER,               -- how many joined
    host_email          VARCHAR,
    payload             JSON                   -- the meeting as Zoom gave it
);
