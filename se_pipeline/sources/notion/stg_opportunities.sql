-- The opportunity database in the CRM contract (stg_opportunities): one row per opportunity (page_id, the
-- CRM record's id) per snapshot (partition_date, the day it was read), its fields as the contract names them.
SELECT
    page_id,
    partition_date,
    name,
    customer,
    stage,
    se_name,
    se_email,
    amount,
    close_date,
    url,
    created_time,
    last_edited_time,
    properties,
    domain,
    workspace_id,
    poc_end,
    probability,
    payload  -- the record as the CRM returned it (JSON; proposals read Notion's property types from it)
FROM raw_notion_opportunities
