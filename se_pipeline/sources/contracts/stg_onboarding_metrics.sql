-- The stg_onboarding_metrics contract: one row per rep, metric and period, as of the latest read.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS rep_id,
    NULL::VARCHAR AS metric,
    NULL::VARCHAR AS period,
    NULL::DOUBLE AS value,
    NULL::VARCHAR AS rep_name,
    NULL::VARCHAR AS region,
    NULL::VARCHAR AS segment,
    NULL::VARCHAR AS source_file,
    NULL::INTEGER AS line
LIMIT 0
