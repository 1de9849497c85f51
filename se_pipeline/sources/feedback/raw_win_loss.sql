-- Win/loss notes, one per decided deal, read whole from the configured file each run.
-- key: note_id; upserted. Rows not seen in the latest read have an older extracted_at.
CREATE TABLE IF NOT EXISTS raw_win_loss (
    note_id         VARCHAR NOT NULL,
    decided_on      DATE NOT NULL,
    customer        VARCHAR,
    opportunity     VARCHAR,               -- Notion page id or opportunity name, if given
    outcome         VARCHAR NOT NULL,      -- won | lost | no_decision
    region          VARCHAR,
    segment         VARCHAR,
    competitors     VARCHAR[],
    objections      VARCHAR[],
    proof_points    VARCHAR[],
    summary         VARCHAR,
    source_file     VARCHAR NOT NULL,
    line            INTEGER,
    extracted_at    TIMESTAMPTZ NOT NULL,
    payload         JSON,
    PRIMARY KEY (note_id)
);
