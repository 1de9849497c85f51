-- materialized: partitioned by activity_date
-- One row per message, email, comment and call, with its customer and the SE whose digest it belongs to.
WITH unioned AS (
    -- Every source's rows in the activity contract (the stg_activity view: the union of each source's
    -- se_pipeline/sources/<name>/stg_activity.sql). Activity on an opportunity (opportunity_id) is named
    -- for it and belongs to its customer.
    SELECT s.* REPLACE (coalesce(s.channel, o.name) AS channel), o.customer AS page_customer
    FROM stg_activity s
    LEFT JOIN opportunities o ON o.page_id = s.opportunity_id
    WHERE s.activity_date BETWEEN $first_day AND $last_day
),
-- Channel tokens and domains are matched by equality (a hash join on one row per token or domain),
-- not by a list test of every row against every customer, so the cost follows the rows.
customer_tokens AS (
    SELECT DISTINCT customer, customer_key, unnest(list_concat([customer_key], coalesce(aliases, []))) AS token
    FROM customers
),
by_channel AS (
    SELECT u.activity_id, c.customer
    FROM unioned u
    JOIN customer_tokens c ON c.token = u.channel_token
    WHERE u.channel_token IS NOT NULL
    QUALIFY row_number() OVER (PARTITION BY u.activity_id ORDER BY length(c.customer_key), c.customer_key) = 1
),
customer_domains AS (
    SELECT DISTINCT customer, unnest(domains) AS domain FROM customers
),
by_domain AS (
    SELECT u.activity_id, min(c.customer) AS customer
    FROM (SELECT activity_id, unnest(external_domains) AS domain FROM unioned) u
    JOIN customer_domains c USING (domain)
    GROUP BY u.activity_id
),
text_words AS (
    SELECT activity_id, name_words(match_text) AS words
    FROM unioned
    WHERE channel_token IS NULL AND page_customer IS NULL AND match_text <> ''
),
word_at AS (
    SELECT activity_id, unnest(words) AS word, generate_subscripts(words, 1) AS at FROM text_words
),
by_name AS (
    -- Text that names exactly one customer (whole words); two names is ambiguous and stays unresolved.
    -- Each word is looked up (a hash join, not a pattern per row and name), then a name of several
    -- words is compared with the words that follow.
    -- Only a name of several words needs the text's words again.
    SELECT w.activity_id, min(n.customer) AS customer
    FROM word_at w
    JOIN customer_names n ON n.first_word = w.word
    LEFT JOIN text_words t ON t.activity_id = w.activity_id AND len(n.words) > 1
    WHERE len(n.words) = 1 OR t.words[w.at : w.at + len(n.words) - 1] = n.words
    GROUP BY w.activity_id
    HAVING count(DISTINCT n.customer) = 1
),
resolved AS (
    SELECT
        u.*,
        coalesce(u.page_customer, ch.customer, d.customer, nm.customer) AS customer,
        CASE
            WHEN u.page_customer IS NOT NULL THEN 'notion_page'
            WHEN ch.customer IS NOT NULL THEN 'channel_name'
            WHEN d.customer IS NOT NULL THEN 'email_domain'
            WHEN nm.customer IS NOT NULL THEN 'name_in_text'
        END AS customer_resolved_by
    FROM unioned u
    LEFT JOIN by_channel ch USING (activity_id)
    LEFT JOIN by_domain d USING (activity_id)
    LEFT JOIN by_name nm USING (activity_id)
),
window_days AS (
    SELECT DISTINCT activity_date AS day FROM resolved
),
se_posts AS (
    SELECT p.channel_id, se.id AS se_id, p.partition_date, count(*) AS n
    FROM stg_channel_posts p JOIN config_sales_engineers se ON se.slack_user_id = p.author_id
    WHERE p.partition_date <= $last_day
    GROUP BY ALL
),
channel_se AS (
    -- For customers without an owning SE: the SE in a DM, else the SE who writes most in that channel;
    -- between SEs who write as much, the first by id (every tie is broken the same way on every run).
    -- Counted as of each day, from that day's messages and earlier ones: a day's rows are the same
    -- whichever later days were loaded before or with it.
    SELECT channel_id, day, arg_min(se_id, (NOT in_dm, -n, se_id)) AS se_id
    FROM (
        SELECT p.channel_id, d.day, p.se_id, FALSE AS in_dm, sum(p.n) AS n
        FROM se_posts p JOIN window_days d ON p.partition_date <= d.day
        GROUP BY ALL
        UNION ALL
        SELECT c.channel_id, d.day, se.id, TRUE, 0
        FROM stg_channels c, unnest(c.members) AS u(member)
        JOIN config_sales_engineers se ON se.slack_user_id = u.member
        CROSS JOIN window_days d
        WHERE c.channel_type IN ('im', 'mpim')
    )
    GROUP BY channel_id, day
),
with_se AS (
    SELECT
        r.*,
        CASE
            -- A source's row may belong to its owner (belongs_to_owner): an email to a mailbox it was read
            -- from (the customer's SE's if theirs has it), a call to the SE on it.
            WHEN r.belongs_to_owner THEN r.owner_se_id
            ELSE coalesce(c.se_id, cs.se_id)
        END AS se_id
    FROM resolved r
    LEFT JOIN customers c ON c.customer = r.customer
    LEFT JOIN channel_se cs ON cs.channel_id = r.channel_id AND cs.day = r.activity_date
    -- One row per email even when several SEs' mailboxes hold it.
    QUALIFY row_number() OVER (
        PARTITION BY r.activity_id
        ORDER BY (r.owner_se_id IS NOT DISTINCT FROM c.se_id) DESC, r.owner_se_id
    ) = 1
)
SELECT
    w.activity_id,
    w.activity_date,
    w.sent_at,
    w.source,
    w.customer,
    w.customer_resolved_by,
    w.se_id,
    w.channel,
    w.channel_kind,
    w.is_external_channel,
    w.thread_key,
    w.is_reply,
    w.author_id,
    w.author_name,
    w.author_email,
    w.author_is_external,
    (se.slack_user_id IS NOT NULL AND se.slack_user_id = w.author_id)
        OR lower(se.email) = lower(w.author_email) AS author_is_se,
    w.is_bot,
    w.bot_name,
    w.subject,
    w.text,
    w.link
FROM with_se w
LEFT JOIN config_sales_engineers se ON se.id = w.se_id
