-- The stg_opportunity_content contract: one row per block of text of a CRM record's page per snapshot day, in page order (position).
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS page_id,
    NULL::DATE AS partition_date,
    NULL::INTEGER AS position,
    NULL::VARCHAR AS block_type,
    NULL::VARCHAR AS text
LIMIT 0
