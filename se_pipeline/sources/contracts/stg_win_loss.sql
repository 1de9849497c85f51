-- The stg_win_loss contract: one row per win/loss note, as of the latest read.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS note_id,
    NULL::DATE AS decided_on,
    NULL::VARCHAR AS customer,
    NULL::VARCHAR AS opportunity,
    NULL::VARCHAR AS outcome,
    NULL::VARCHAR AS region,
    NULL::VARCHAR AS segment,
    NULL::VARCHAR[] AS competitors,
    NULL::VARCHAR[] AS objections,
    NULL::VARCHAR[] AS proof_points,
    NULL::VARCHAR AS summary,
    NULL::VARCHAR AS source_file,
    NULL::INTEGER AS line
LIMIT 0
