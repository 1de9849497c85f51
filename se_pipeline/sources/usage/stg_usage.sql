-- Usage in the usage contract (stg_usage): one row per account (as the source keys it) per day per metric.
SELECT
    customer,        -- the account's key in the source: its workspace id, else its name, else its domain
    partition_date,  -- the usage day
    metric,
    value,
    account_name,
    account_domain,
    workspace_id,
    source_file      -- where the row was read (the usage link cites it)
FROM raw_usage
