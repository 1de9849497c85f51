-- materialized: view
-- The day each customer first used each feature metric (feature:<name> or feature_<name>, a value
-- above zero), beside the first day its usage was recorded at all. Used on that very first day is
-- where the data starts, not an adoption: those rows are left out.
WITH firsts AS (
    SELECT customer, metric, min(usage_date) FILTER (WHERE value > 0) AS first_use
    FROM usage WHERE customer IS NOT NULL AND regexp_matches(metric, '^(?i)feature[:_]')
    GROUP BY ALL
),
since AS (SELECT customer, min(usage_date) AS tracked_from FROM usage GROUP BY ALL)
SELECT f.customer, f.metric, f.first_use, s.tracked_from
FROM firsts f JOIN since s USING (customer)
WHERE f.first_use > s.tracked_from
