-- Slack users in the people contract (stg_people): one row per person, by the id messages carry
-- (stg_activity.author_id), with the name a message would use.
SELECT
    user_id AS person_id,
    coalesce(real_name, display_name, name) AS name,
    email,
    coalesce(is_bot, FALSE) AS is_bot,
    coalesce(is_external, FALSE) AS is_external  -- of another team (Slack Connect) or a guest
FROM raw_slack_users
