-- materialized: view
-- The people Slack knows (bots left out) by the name a message would use, and whether they are of
-- another team or a guest: the names a sentence may address.
SELECT coalesce(real_name, display_name, name) AS name, coalesce(is_external, FALSE) AS is_external
FROM raw_slack_users
WHERE NOT coalesce(is_bot, FALSE)
