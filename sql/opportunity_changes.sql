-- materialized: view
-- Each snapshot of an opportunity (stg_opportunities) whose stage or close date differs from its
-- snapshot before, with the values before, and the customer and SE the current opportunity names
-- (no customer there: the snapshot's customer field, else the part of its name before ' - ').
-- The opportunity_change signal reads the window's days from it.
WITH snaps AS (
    SELECT page_id, partition_date, name, stage, close_date, url, customer AS raw_customer,
           lag(stage) OVER w AS prev_stage, lag(close_date) OVER w AS prev_close,
           lag(partition_date) OVER w AS prev_day
    FROM stg_opportunities
    WINDOW w AS (PARTITION BY page_id ORDER BY partition_date)
)
SELECT s.page_id, s.partition_date, s.name, s.stage, s.prev_stage, s.close_date, s.prev_close, s.url,
       coalesce(nullif(o.customer, ''), nullif(stripped(s.raw_customer), ''), stripped(split_part(coalesce(s.name, ''), ' - ', 1)))
           AS customer,
       o.se_id
FROM snaps s
LEFT JOIN opportunities o USING (page_id)
WHERE s.prev_day IS NOT NULL
  AND (s.stage IS DISTINCT FROM s.prev_stage OR s.close_date IS DISTINCT FROM s.prev_close)
