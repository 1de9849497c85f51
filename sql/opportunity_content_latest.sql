-- materialized: view
-- Each opportunity's page as last read (the blocks of its latest snapshot, in page order), with the
-- opportunity's customer and link: the notes artefacts quote.
SELECT b.page_id, b.partition_date, b.position, b.block_type, b.text, o.customer, o.url
FROM stg_opportunity_content b
LEFT JOIN opportunities o USING (page_id)
QUALIFY b.partition_date = max(b.partition_date) OVER (PARTITION BY b.page_id)
