-- The stg_usage_reads contract: one row per day a usage source was read, with the rows it had.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS source_path,
    NULL::DATE AS partition_date,
    NULL::BIGINT AS rows
LIMIT 0
