-- Mail in the activity contract (stg_activity): one row per message and mailbox, columns as sql/activity.sql reads them.
WITH ours AS (
    SELECT coalesce(list(domain), []) AS domains FROM config_company_domains
)
SELECT
    'gmail:' || g.message_id AS activity_id,
    g.partition_date AS activity_date,
    g.sent_at,
    'gmail' AS source,
    g.subject AS channel,
    'email' AS channel_kind,
    len(list_filter(
        list_concat([g.from_email], coalesce(g.to_emails, []), coalesce(g.cc_emails, [])),
        lambda e: NOT list_contains(ours.domains, email_domain(e))
    )) > 0 AND NOT coalesce(g.is_automated, FALSE) AS is_external_channel,
    coalesce(g.thread_id, g.message_id) AS thread_key,
    g.in_reply_to IS NOT NULL AS is_reply,
    g.from_email AS author_id,
    coalesce(nullif(g.from_name, ''), g.from_email) AS author_name,
    g.from_email AS author_email,
    coalesce(g.is_automated, FALSE) AS is_bot,
    CASE WHEN coalesce(g.is_automated, FALSE) THEN coalesce(nullif(g.from_name, ''), g.from_email) END AS bot_name,
    g.subject,
    g.body_text AS text,
    g.permalink AS link,
    NULL AS channel_token,
    email_domain(g.from_email) NOT IN (SELECT domain FROM config_company_domains) AND NOT coalesce(g.is_automated, FALSE) AS author_is_external,
    g.se_id AS owner_se_id,
    TRUE AS belongs_to_owner,  -- the mailbox's SE
    list_distinct(list_filter(
        list_transform(list_concat([g.from_email], coalesce(g.to_emails, []), coalesce(g.cc_emails, []),
                                   forwarded_addresses(g.quoted_text)), lambda e: email_domain(e)),
        lambda d: d IS NOT NULL AND NOT list_contains(ours.domains, d)
    )) AS external_domains,
    lower(coalesce(g.subject, '') || ' ' || coalesce(g.body_text, '')) AS match_text,
    NULL AS channel_id
FROM raw_gmail_messages g, ours
