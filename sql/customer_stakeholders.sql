-- materialized: view
-- The people of a customer's side who wrote to us (bots left out): how often, and since when.
SELECT customer, author_name AS name, lower(author_email) AS email, count(*) AS messages, min(activity_date) AS first_seen
FROM activity
WHERE customer IS NOT NULL AND author_is_external AND NOT coalesce(is_bot, FALSE)
GROUP BY ALL
