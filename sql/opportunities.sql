-- materialized: table
-- The opportunity database as last read: one row per opportunity, with is_active and its SE.
WITH latest AS (
    SELECT *
    FROM raw_notion_opportunities
    WHERE partition_date = (SELECT max(partition_date) FROM raw_notion_opportunities)
)
SELECT
    o.page_id,
    o.name,
    -- No Customer property: Notion names are usually '<Customer> - <deal>'.
    coalesce(nullif(trim(o.customer), ''), trim(split_part(o.name, ' - ', 1))) AS customer,
    o.stage,
    lower(coalesce(o.stage, '')) NOT IN (SELECT lower(stage) FROM config_terminal_stages) AS is_active,
    se.id AS se_id,
    o.se_name,
    o.se_email,
    o.amount,
    o.close_date,
    o.url,
    o.created_time,
    o.last_edited_time,
    o.properties,
    o.partition_date AS snapshot_date
FROM latest o
LEFT JOIN config_sales_engineers se
    ON lower(se.email) = lower(o.se_email) OR lower(se.name) = lower(o.se_name)
-- A person named twice in config would double rows; keep one.
QUALIFY row_number() OVER (PARTITION BY o.page_id ORDER BY se.id) = 1
