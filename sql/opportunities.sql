-- materialized: table
-- The opportunity database as last read: one row per opportunity, with its customer, is_active and its SE.
-- customer: the configured customer the opportunity belongs to, matched by the safest rule that fits
-- (exact key, key without legal form, configured alias, domain, then one customer's key prefix), else
-- the account as written without its legal form ('Foo Freight Inc.' -> 'Foo Freight'), else the
-- customer part of the opportunity's name ('Foo | Pilot' -> 'Foo').
WITH latest AS (
    SELECT *
    FROM stg_opportunities
    WHERE partition_date = (SELECT max(partition_date) FROM stg_opportunities)
),
named AS (
    SELECT
        o.*,
        coalesce(nullif(trim(o.customer), ''), opportunity_customer_part(o.name)) AS account,
        bare_domain(o.domain) AS account_domain
    FROM latest o
),
configured AS (
    SELECT
        name,
        name_key(name) AS full_key,
        account_key(name) AS key,
        list_transform(aliases, lambda a: account_key(a)) AS alias_keys,
        list_transform(domains, lambda d: bare_domain(d)) AS domains
    FROM config_customers
),
candidates AS (
    SELECT
        n.page_id,
        c.name,
        CASE
            WHEN name_key(n.account) = c.full_key THEN 1
            WHEN account_key(n.account) = c.key THEN 2
            WHEN list_contains(c.alias_keys, account_key(n.account)) THEN 3
            WHEN list_contains(c.domains, n.account_domain) THEN 4
            ELSE 5
        END AS rule
    FROM named n
    JOIN configured c
      ON name_key(n.account) = c.full_key
      OR account_key(n.account) = c.key
      OR list_contains(c.alias_keys, account_key(n.account))
      OR list_contains(c.domains, n.account_domain)
      -- 'Kestrel' (from 'Kestrel | Pilot') starts 'kestrelfreight'; short keys are too loose to try
      OR (length(account_key(n.account)) >= 4 AND length(c.key) >= 4
          AND (starts_with(c.key, account_key(n.account)) OR starts_with(account_key(n.account), c.key)))
),
matched AS (
    SELECT page_id, arg_min(name, (rule, name)) AS name
    FROM candidates
    GROUP BY page_id
    -- a prefix that fits several customers names none of them
    HAVING min(rule) < 5 OR count(*) = 1
),
resolved AS (
    SELECT
        n.*,
        coalesce(
            m.name,
            -- Unconfigured accounts: opportunities sharing a domain are one account, named as the one
            -- with a customer property says.
            first_value(nullif(without_legal_suffix(n.account), '')) OVER (
                PARTITION BY coalesce(n.account_domain, n.page_id)
                ORDER BY nullif(trim(n.customer), '') IS NULL, n.page_id
            )
        ) AS resolved_customer
    FROM named n
    LEFT JOIN matched m USING (page_id)
)
SELECT
    o.page_id,
    o.name,
    o.resolved_customer AS customer,
    account_key(o.resolved_customer) AS customer_key,
    o.account,
    o.stage,
    lower(coalesce(o.stage, '')) NOT IN (SELECT lower(stage) FROM config_terminal_stages) AS is_active,
    se.id AS se_id,
    o.se_name,
    o.se_email,
    o.amount,
    o.close_date,
    o.account_domain AS domain,
    nullif(trim(o.workspace_id), '') AS workspace_id,
    o.poc_end,
    o.probability,
    o.url,
    o.created_time,
    o.last_edited_time,
    o.properties,
    o.partition_date AS snapshot_date
FROM resolved o
-- The SE as the property writes them: by email, or a name written with other case or punctuation,
-- their id, or their email's name ('lena.hoffmann' for Lena Hoffmann).
LEFT JOIN config_sales_engineers se
    ON lower(se.email) = lower(o.se_email)
    OR name_key(se.name) = name_key(o.se_name)
    OR lower(se.id) = lower(trim(o.se_name))
    OR name_key(split_part(se.email, '@', 1)) = name_key(o.se_name)
-- A person named twice in config would double rows; keep one.
QUALIFY row_number() OVER (PARTITION BY o.page_id ORDER BY se.id) = 1
