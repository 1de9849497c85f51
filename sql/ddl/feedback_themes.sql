-- Field feedback clustered into themes (se_pipeline.enablement); rebuilt per initiative each run.
CREATE TABLE IF NOT EXISTS feedback_themes (
    initiative              VARCHAR NOT NULL,
    theme                   VARCHAR NOT NULL,  -- readable label from the theme's distinctive terms
    theme_rank              INTEGER NOT NULL,  -- 1 = highest priority
    quarter                 VARCHAR NOT NULL,  -- the current quarter, e.g. 2026-Q4
    top_terms               VARCHAR[],
    member_count            INTEGER NOT NULL,  -- items in the current and previous quarter
    current_quarter_count   INTEGER NOT NULL,
    previous_quarter_count  INTEGER NOT NULL,
    repeats_from_previous_quarter BOOLEAN NOT NULL,
    regions                 VARCHAR[],
    segments                VARCHAR[],
    single_segment          BOOLEAN NOT NULL,  -- every member comes from one segment: do not overfit
    customers               VARCHAR[],
    opportunity_ids         VARCHAR[],
    revenue_at_stake        DOUBLE NOT NULL,   -- sum of linked active opportunities' amounts
    competitors             VARCHAR[],
    proof_points            VARCHAR[],
    customer_stories        VARCHAR[],
    origins                 VARCHAR[],         -- feedback, win_loss, call, opp_channel
    suggested_format        VARCHAR NOT NULL,  -- battlecard | snippet | short deck | one-pager
    priority                DOUBLE NOT NULL,
    examples                VARCHAR[],
    item_ids                VARCHAR[],
    computed_at             TIMESTAMPTZ NOT NULL,
    single_region           BOOLEAN,           -- every member comes from one region: do not overfit
    PRIMARY KEY (initiative, theme)
);
ALTER TABLE feedback_themes ADD COLUMN IF NOT EXISTS single_region BOOLEAN;
