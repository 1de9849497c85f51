-- The opportunity pages' content in the CRM contract (stg_opportunity_content): one row per block of text
-- (in the page's order, `position`) per opportunity (page_id) per snapshot (partition_date).
SELECT page_id, partition_date, position, block_type, text
FROM raw_notion_blocks
