-- materialized: partitioned by usage_date
-- Product usage per customer, day and metric, with the usage source's customer name resolved.
SELECT
    coalesce(c.customer, n.customer, u.customer) AS customer,
    u.customer AS source_customer,
    u.partition_date AS usage_date,
    u.metric,
    u.value
FROM raw_usage u
LEFT JOIN customers c ON c.customer_key = name_key(u.customer)
LEFT JOIN customer_names n ON n.alias = lower(u.customer)
WHERE u.partition_date BETWEEN $first_day AND $last_day
QUALIFY row_number() OVER (PARTITION BY u.customer, u.partition_date, u.metric ORDER BY n.customer) = 1
