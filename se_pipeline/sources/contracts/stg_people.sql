-- The stg_people contract: one row per person of the chat workspace, by the id messages carry.
-- Its columns and types; every source's staging SELECT is unioned to these by name.
SELECT
    NULL::VARCHAR AS person_id,
    NULL::VARCHAR AS name,
    NULL::VARCHAR AS email,
    NULL::BOOLEAN AS is_bot,
    NULL::BOOLEAN AS is_external
LIMIT 0
