-- The stg_feedback contract: one row per piece of rep feedback, as of the latest read.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS feedback_id,
    NULL::DATE AS submitted_on,
    NULL::VARCHAR AS rep,
    NULL::VARCHAR AS region,
    NULL::VARCHAR AS segment,
    NULL::VARCHAR AS customer,
    NULL::VARCHAR AS opportunity,
    NULL::VARCHAR AS channel,
    NULL::VARCHAR AS competitor,
    NULL::VARCHAR AS text,
    NULL::VARCHAR AS source_file,
    NULL::INTEGER AS line
LIMIT 0
