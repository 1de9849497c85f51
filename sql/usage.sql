-- materialized: partitioned by usage_date
-- Product usage per account, day and metric, with the customer it belongs to: by the workspace /
-- account id the opportunity database or the settings name, else the account's domain, else its
-- name (key without legal form, or any name customer_names knows). Rows that match no customer
-- stay, with customer NULL. A file keyed by one column may hold any of these, so each rule also
-- tries the row's key itself.
WITH rows AS (
    SELECT * FROM stg_usage WHERE partition_date BETWEEN $first_day AND $last_day
),
accounts AS (
    SELECT DISTINCT customer AS source_customer, coalesce(workspace_id, customer) AS workspace_id,
           bare_domain(coalesce(account_domain, customer)) AS domain, coalesce(account_name, customer) AS name
    FROM rows
),
candidates AS (
    SELECT a.source_customer, c.customer, 1 AS rule
    FROM accounts a JOIN customers c ON list_contains(c.workspace_ids, a.workspace_id)
    UNION ALL
    SELECT a.source_customer, c.customer, 2
    FROM accounts a JOIN customers c ON list_contains(c.domains, a.domain)
    UNION ALL
    SELECT a.source_customer, c.customer, 3
    FROM accounts a JOIN customers c ON c.customer_key = account_key(a.name)
    UNION ALL
    SELECT a.source_customer, n.customer, 4
    FROM accounts a JOIN customer_names n ON n.alias = lower(trim(a.name))
),
resolved AS (
    SELECT source_customer, arg_min(customer, (rule, customer)) AS customer
    FROM candidates
    GROUP BY source_customer
)
SELECT
    r.customer,
    u.customer AS source_customer,
    u.workspace_id,
    u.account_domain,
    u.partition_date AS usage_date,
    u.metric,
    u.value,
    u.source_file
FROM rows u
LEFT JOIN resolved r ON r.source_customer = u.customer
