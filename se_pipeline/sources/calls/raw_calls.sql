-- One row per recorded call (Gong CallData: metaData + parties). key: call_id;
-- written per partition_date (the local day the call started).
CREATE TABLE IF NOT EXISTS raw_calls (
    call_id             VARCHAR PRIMARY KEY,   -- Gong's numeric call id
    partition_date      DATE NOT NULL,
    title               VARCHAR,
    started             TIMESTAMPTZ NOT NULL,
    duration_s          INTEGER,               -- Gong's duration, seconds
    url                 VARCHAR,               -- the call's page in Gong (the citation link)
    direction           VARCHAR,               -- Inbound | Outbound | Conference | Unknown
    scope               VARCHAR,               -- Internal | External | Unknown
    system              VARCHAR,               -- Zoom, WebEx, …
    language            VARCHAR,
    primary_user_id     VARCHAR,               -- the Gong user who hosted the call
    se_id               VARCHAR,               -- the configured SE on the call (the host first), or null
    rep_user_id         VARCHAR,               -- that SE's Gong user id
    rep_email           VARCHAR,
    rep_speaker_id      VARCHAR,               -- that SE's speakerId in the transcript
    internal_emails     VARCHAR[],             -- our people on the call (affiliation Internal or our domain)
    external_emails     VARCHAR[],             -- everyone else with an address
    customer_domains    VARCHAR[],             -- domains of the external addresses (customer hint)
    customer_name_hint  VARCHAR,               -- the CRM account name Gong links to the call, if any
    parties             JSON,                  -- Gong's parties array
    has_transcript      BOOLEAN NOT NULL,      -- false until Gong has transcribed it (re-read later)
    payload             JSON                   -- the call as Gong gave it
);
