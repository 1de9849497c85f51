-- The stg_channels contract: one row per conversation (channel, DM), with its kind and the members known.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS channel_id,
    NULL::VARCHAR AS name,
    NULL::VARCHAR AS channel_type,
    NULL::VARCHAR[] AS members
LIMIT 0
