-- materialized: view
-- For each customer whose opportunities are all closed, the first day after its close that a colleague
-- (not its SE, not the customer, not a bot) wrote to it in an external channel: from then on it is
-- handed over (customer success, a partner), and the digest counts its items under "Not included".
SELECT c.customer, min(a.activity_date) AS handed_over_on
FROM customers c
JOIN activity a ON a.customer = c.customer AND a.activity_date > c.closed_on
WHERE a.is_external_channel AND NOT coalesce(a.author_is_external, FALSE) AND NOT coalesce(a.is_bot, FALSE)
  AND NOT coalesce(a.author_is_se, FALSE)
GROUP BY c.customer
