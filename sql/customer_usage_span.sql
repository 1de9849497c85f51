-- materialized: view
-- Per customer, the first day its usage has rows (`first_row`) and the first day with a value above
-- zero (`first_use`, NULL while it has none): whether a trial has started.
SELECT customer, min(usage_date) AS first_row, min(usage_date) FILTER (WHERE value > 0) AS first_use
FROM usage
WHERE customer IS NOT NULL
GROUP BY customer
