-- The stg_opportunities contract: one row per CRM record (page_id, its id) per snapshot day (partition_date).
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS page_id,
    NULL::DATE AS partition_date,
    NULL::VARCHAR AS name,
    NULL::VARCHAR AS customer,
    NULL::VARCHAR AS stage,
    NULL::VARCHAR AS se_name,
    NULL::VARCHAR AS se_email,
    NULL::DOUBLE AS amount,
    NULL::DATE AS close_date,
    NULL::VARCHAR AS url,
    NULL::TIMESTAMPTZ AS created_time,
    NULL::TIMESTAMPTZ AS last_edited_time,
    NULL::JSON AS properties,
    NULL::VARCHAR AS domain,
    NULL::VARCHAR AS workspace_id,
    NULL::DATE AS poc_end,
    NULL::DOUBLE AS probability,
    NULL::JSON AS payload
LIMIT 0
