-- The stg_usage contract: one row per account (as the source keys it) per day per metric.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS customer,
    NULL::DATE AS partition_date,
    NULL::VARCHAR AS metric,
    NULL::DOUBLE AS value,
    NULL::VARCHAR AS account_name,
    NULL::VARCHAR AS account_domain,
    NULL::VARCHAR AS workspace_id,
    NULL::VARCHAR AS source_file
LIMIT 0
