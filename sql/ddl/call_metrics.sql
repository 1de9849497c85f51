-- One row per analysed call (a call with an SE on it and a transcript), written per week_start.
-- Definitions: se_pipeline/coaching/transcript.py (measure).
CREATE TABLE IF NOT EXISTS call_metrics (
    call_id             VARCHAR PRIMARY KEY,
    week_start          DATE NOT NULL,         -- the weekly partition the call falls in
    call_date           DATE NOT NULL,         -- local day of the call
    started             TIMESTAMPTZ,
    se_id               VARCHAR NOT NULL,      -- the rep whose call it is
    title               VARCHAR,
    url                 VARCHAR,
    call_type           VARCHAR,               -- discovery | demo | negotiation | other (from the title)
    duration_s          INTEGER,               -- Gong's duration
    span_s              DOUBLE,                -- first sentence start to last sentence end
    rep_talk_s          DOUBLE,
    customer_talk_s     DOUBLE,
    talk_ratio          DOUBLE,                -- rep talk / (rep + customer talk), percent
    longest_monologue_s DOUBLE,                -- longest uninterrupted rep turn
    questions           INTEGER,               -- rep sentences ending in '?'
    question_spread     DOUBLE,                -- share of the call's 4 time quarters with a rep question
    customer_questions  INTEGER,
    filler_words        INTEGER,               -- in the rep's sentences
    filler_per_min      DOUBLE,                -- per minute of the rep's talk
    interactivity       DOUBLE,                -- speaker changes per minute
    patience_s          DOUBLE,                -- mean pause before the rep speaks after the customer
    objections          INTEGER,               -- customer objections raised
    objections_handled  INTEGER,               -- answered with an acknowledgement or a clarifying question
    objection_pause_s   DOUBLE,                -- mean pause before the rep's reply to an objection
    objection_details   JSON,                  -- [{text, kind, reply, pause_s, acknowledged, asked, handled}]
    next_steps          JSON,                  -- [{who, what, when}] said in the call's last quarter
    has_next_steps      BOOLEAN,
    trial_closes        INTEGER,               -- rep check-ins such as "does that make sense?"
    value_statements    INTEGER,               -- rep sentences stating an outcome (saves, faster, %…)
    personalization     INTEGER,               -- rep sentences tied to the customer ("you mentioned", "your team")
    bant_coverage       DOUBLE,                -- share of budget, authority, need, timeline the rep asked about
    customer_sentiment  DOUBLE,                -- mean VADER compound of the customer's sentences (-1 … 1)
    highlights          JSON,                  -- skill area -> a quote of the rep from this call
    words_per_minute    DOUBLE,                -- energy: the rep's pace (words / minute of their talk)
    pace_variation      DOUBLE                 -- energy: variation (%) of the pace between the rep's sentences; pitch needs audio
);
ALTER TABLE call_metrics ADD COLUMN IF NOT EXISTS words_per_minute DOUBLE;
ALTER TABLE call_metrics ADD COLUMN IF NOT EXISTS pace_variation DOUBLE;
