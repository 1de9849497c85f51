-- materialized: view
-- Each New customer (activity, no opportunity) with its first activity: the day, the message and
-- its link, and the SE of its first message that names one.
SELECT a.customer,
       arg_min(a.activity_date, (a.sent_at, a.activity_id)) AS first_day,
       arg_min(a.activity_id, (a.sent_at, a.activity_id)) AS activity_id,
       arg_min(a.link, (a.sent_at, a.activity_id)) AS link,
       arg_min(a.se_id, (a.se_id IS NULL, a.sent_at, a.activity_id)) AS se_id
FROM activity a
JOIN customers c ON c.customer = a.customer AND c.is_new
GROUP BY a.customer
