-- materialized: table
-- Every customer we know of: configured, from the opportunity database, or named by an
-- ext-/opp-/proj- Slack channel. One row per account: the key leaves out the legal form, so
-- 'Kestrel Freight' (configured) and 'Kestrel Freight Inc.' (Notion) are one customer, named as
-- the settings name it. A customer with activity but no opportunity is New.
WITH named AS (
    SELECT name AS customer, 1 AS priority, aliases, list_transform(domains, lambda d: bare_domain(d)) AS domains, workspace_ids
    FROM config_customers
    UNION ALL
    SELECT
        customer,
        2,
        []::VARCHAR[],
        coalesce(list(DISTINCT domain ORDER BY domain) FILTER (WHERE domain IS NOT NULL), []),
        coalesce(list(DISTINCT workspace_id ORDER BY workspace_id) FILTER (WHERE workspace_id IS NOT NULL), [])
    FROM opportunities
    WHERE customer IS NOT NULL
    GROUP BY customer
),
known AS (
    -- One row per account key; the configured spelling wins over the opportunity's.
    SELECT
        account_key(customer) AS customer_key,
        arg_min(customer, (priority, customer)) AS customer,
        -- lists in one order on every run: the configured values first
        flatten(list(aliases ORDER BY priority, customer)) AS aliases,
        flatten(list(domains ORDER BY priority, customer)) AS domains,
        flatten(list(workspace_ids ORDER BY priority, customer)) AS workspace_ids
    FROM named
    WHERE account_key(customer) <> ''
    GROUP BY ALL
),
channel_tokens AS (
    SELECT DISTINCT channel_customer_token(name) AS token
    FROM stg_channels
    WHERE channel_customer_token(name) IS NOT NULL
),
token_match AS (
    -- A channel token names a known customer when it is an alias or the start of its key.
    SELECT t.token, k.customer_key
    FROM channel_tokens t
    JOIN known k
      ON list_contains(list_transform(k.aliases, lambda a: name_key(a)), t.token)
      OR starts_with(k.customer_key, t.token)
      OR starts_with(name_key(k.customer), t.token)
    QUALIFY row_number() OVER (PARTITION BY t.token ORDER BY length(k.customer_key), k.customer_key) = 1
),
from_channels AS (
    SELECT t.token AS customer_key, upper(t.token[1]) || t.token[2:] AS customer, [t.token] AS aliases,
           []::VARCHAR[] AS domains, []::VARCHAR[] AS workspace_ids
    FROM channel_tokens t
    WHERE t.token NOT IN (SELECT token FROM token_match)
),
all_customers AS (
    SELECT customer_key, customer, aliases, domains, workspace_ids FROM known
    UNION ALL
    SELECT customer_key, customer, aliases, domains, workspace_ids FROM from_channels
),
ext_domains AS (
    -- External people who write in a customer's ext- channel show that customer's email domain.
    SELECT
        coalesce(tm.customer_key, channel_customer_token(c.name)) AS customer_key,
        list(DISTINCT email_domain(u.email) ORDER BY email_domain(u.email)) AS domains
    FROM stg_channels c
    JOIN stg_channel_posts m ON m.channel_id = c.channel_id
    JOIN stg_people u ON u.person_id = m.author_id
    LEFT JOIN token_match tm ON tm.token = channel_customer_token(c.name)
    WHERE starts_with(lower(c.name), 'ext-')
      AND email_domain(u.email) IS NOT NULL
      AND email_domain(u.email) NOT IN (SELECT domain FROM config_company_domains)
    GROUP BY ALL
),
mailbox_owner AS (
    -- A customer with no opportunity belongs to the SE whose mailbox holds the most mail with its domains
    -- (between mailboxes that hold as much, the first SE by id).
    SELECT a.customer_key, arg_min(g.se_id, (-g.n, g.se_id)) AS se_id
    FROM all_customers a
    JOIN (
        SELECT se_id, email_domain(address) AS domain, count(*) AS n
        FROM stg_mail,
             unnest(list_concat([from_email], coalesce(to_emails, []), coalesce(cc_emails, []))) AS u(address)
        GROUP BY ALL
    ) g ON list_contains(a.domains, g.domain)
    GROUP BY ALL
),
opportunity_owner AS (
    SELECT customer_key, arg_max(se_id, (is_active, coalesce(last_edited_time, 'infinity'::TIMESTAMPTZ), page_id)) AS se_id
    FROM opportunities
    WHERE se_id IS NOT NULL
    GROUP BY ALL
),
header AS (
    -- The opportunity a customer's header shows: an active one first, then the one edited last.
    SELECT
        customer_key,
        bool_or(is_active) AS has_active_opportunity,
        arg_max(stage, (is_active, coalesce(last_edited_time, '1970-01-01'::TIMESTAMPTZ), page_id)) AS stage,
        arg_max(
            {'se_id': se_id, 'se_name': coalesce(se_name, se_email)},
            (is_active, coalesce(last_edited_time, '1970-01-01'::TIMESTAMPTZ), page_id)
        ) AS owner,
        -- When the last of its opportunities closed: its close date, or (none yet, or a future one, as a
        -- transfer may leave it) the day it was last edited.
        max(CASE WHEN NOT is_active THEN coalesce(
            CASE WHEN close_date <= snapshot_date THEN close_date END, last_edited_time::DATE, snapshot_date) END) AS closed_on
    FROM opportunities
    WHERE customer_key <> ''
    GROUP BY ALL
)
SELECT
    a.customer,
    a.customer_key,
    -- list_distinct keeps no order: each list is sorted, so a run writes the same bytes as the last
    list_sort(list_distinct(list_concat(a.aliases, channel_tokens_of.tokens))) AS aliases,
    list_sort(list_distinct(list_filter(list_concat(a.domains, coalesce(e.domains, [])), lambda d: d IS NOT NULL))) AS domains,
    list_sort(list_distinct(list_filter(a.workspace_ids, lambda w: w IS NOT NULL AND trim(w) <> ''))) AS workspace_ids,
    h.customer_key IS NOT NULL AS has_opportunity,
    coalesce(h.has_active_opportunity, FALSE) AS has_active_opportunity,
    h.customer_key IS NULL AS is_new,
    coalesce(ow.se_id, mo.se_id) AS se_id,
    -- The header's stage: the active opportunity's, else the last edited one's (NULL when New).
    h.stage,
    -- The sales engineer the header opportunity names, as written.
    h.owner.se_name AS opportunity_se_name,
    -- FALSE when that opportunity names a sales engineer who is not configured: another SE's customer.
    h.owner.se_id IS NOT NULL OR h.owner.se_name IS NULL AS is_ours,
    -- Every opportunity terminal: the day the last one closed (else NULL).
    CASE WHEN NOT h.has_active_opportunity THEN h.closed_on END AS closed_on
FROM all_customers a
LEFT JOIN ext_domains e USING (customer_key)
LEFT JOIN opportunity_owner ow USING (customer_key)
LEFT JOIN mailbox_owner mo USING (customer_key)
LEFT JOIN header h USING (customer_key)
LEFT JOIN (
    SELECT customer_key, list(token ORDER BY token) AS tokens FROM token_match GROUP BY ALL
) channel_tokens_of USING (customer_key)
