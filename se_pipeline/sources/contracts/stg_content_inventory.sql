-- The stg_content_inventory contract: one row per enablement asset, as of the latest read.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS asset_id,
    NULL::VARCHAR AS asset,
    NULL::VARCHAR AS asset_type,
    NULL::VARCHAR AS owner,
    NULL::DATE AS last_updated,
    NULL::VARCHAR AS url,
    NULL::VARCHAR[] AS tags,
    NULL::VARCHAR AS source_file,
    NULL::INTEGER AS line
LIMIT 0
