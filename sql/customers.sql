-- materialized: table
-- Every customer we know of: configured, from the opportunity database, or named by an
-- ext-/opp-/proj- Slack channel. A customer with activity but no opportunity is New.
WITH named AS (
    SELECT name AS customer, 1 AS priority, aliases, domains FROM config_customers
    UNION ALL
    SELECT DISTINCT customer, 2, []::VARCHAR[], []::VARCHAR[] FROM opportunities WHERE customer IS NOT NULL
),
known AS (
    -- One row per customer key; configured spelling wins over the opportunity's.
    SELECT
        name_key(customer) AS customer_key,
        arg_min(customer, priority) AS customer,
        flatten(list(aliases)) AS aliases,
        flatten(list(domains)) AS domains
    FROM named
    GROUP BY ALL
),
channel_tokens AS (
    SELECT DISTINCT channel_customer_token(name) AS token
    FROM raw_slack_channels
    WHERE channel_customer_token(name) IS NOT NULL
),
token_match AS (
    -- A channel token names a known customer when it is an alias or the start of its key.
    SELECT t.token, k.customer_key
    FROM channel_tokens t
    JOIN known k
      ON list_contains(list_transform(k.aliases, lambda a: name_key(a)), t.token)
      OR starts_with(k.customer_key, t.token)
    QUALIFY row_number() OVER (PARTITION BY t.token ORDER BY length(k.customer_key)) = 1
),
from_channels AS (
    SELECT t.token AS customer_key, upper(t.token[1]) || t.token[2:] AS customer, [t.token] AS aliases, []::VARCHAR[] AS domains
    FROM channel_tokens t
    WHERE t.token NOT IN (SELECT token FROM token_match)
),
all_customers AS (
    SELECT customer_key, customer, aliases, domains FROM known
    UNION ALL
    SELECT customer_key, customer, aliases, domains FROM from_channels
),
ext_domains AS (
    -- External people who write in a customer's ext- channel show that customer's email domain.
    SELECT
        coalesce(tm.customer_key, channel_customer_token(c.name)) AS customer_key,
        list(DISTINCT email_domain(u.email)) AS domains
    FROM raw_slack_channels c
    JOIN raw_slack_messages m ON m.channel_id = c.channel_id
    JOIN raw_slack_users u ON u.user_id = m.user_id
    LEFT JOIN token_match tm ON tm.token = channel_customer_token(c.name)
    WHERE starts_with(lower(c.name), 'ext-')
      AND email_domain(u.email) IS NOT NULL
      AND email_domain(u.email) NOT IN (SELECT domain FROM config_company_domains)
    GROUP BY ALL
),
mailbox_owner AS (
    -- A customer with no opportunity belongs to the SE whose mailbox holds the most mail with its domains.
    SELECT a.customer_key, arg_max(g.se_id, g.n) AS se_id
    FROM all_customers a
    JOIN (
        SELECT se_id, email_domain(address) AS domain, count(*) AS n
        FROM raw_gmail_messages,
             unnest(list_concat([from_email], coalesce(to_emails, []), coalesce(cc_emails, []))) AS u(address)
        GROUP BY ALL
    ) g ON list_contains(a.domains, g.domain)
    GROUP BY ALL
),
opportunity_owner AS (
    SELECT name_key(customer) AS customer_key, arg_max(se_id, is_active::INT * 1e12 + epoch(coalesce(last_edited_time, now()))) AS se_id
    FROM opportunities
    WHERE se_id IS NOT NULL
    GROUP BY ALL
)
SELECT
    a.customer,
    a.customer_key,
    list_distinct(list_concat(a.aliases, channel_tokens_of.tokens)) AS aliases,
    list_distinct(list_filter(list_concat(a.domains, coalesce(e.domains, [])), lambda d: d IS NOT NULL)) AS domains,
    EXISTS (SELECT 1 FROM opportunities o WHERE name_key(o.customer) = a.customer_key) AS has_opportunity,
    EXISTS (SELECT 1 FROM opportunities o WHERE name_key(o.customer) = a.customer_key AND o.is_active) AS has_active_opportunity,
    NOT EXISTS (SELECT 1 FROM opportunities o WHERE name_key(o.customer) = a.customer_key) AS is_new,
    coalesce(ow.se_id, mo.se_id) AS se_id
FROM all_customers a
LEFT JOIN ext_domains e USING (customer_key)
LEFT JOIN opportunity_owner ow USING (customer_key)
LEFT JOIN mailbox_owner mo USING (customer_key)
LEFT JOIN (
    SELECT customer_key, list(token) AS tokens FROM token_match GROUP BY ALL
) channel_tokens_of USING (customer_key)
