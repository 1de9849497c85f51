-- materialized: view
-- Each customer's usage per metric and day, summed over its accounts, with the account and usage
-- file to cite for that day (those of its largest value). Usage of no known customer is left out.
SELECT customer, metric, usage_date, sum(value) AS value,
       arg_max(source_customer, value) AS source_customer, arg_max(workspace_id, value) AS workspace_id,
       arg_max(account_domain, value) AS account_domain, arg_max(source_file, value) AS source_file
FROM usage
WHERE customer IS NOT NULL
GROUP BY ALL
