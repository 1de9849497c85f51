-- materialized: view
-- Our side's replies (no bots) to each message a customer's side wrote (no bots), first first: the later
-- messages in its thread. Artefacts read how an ask was answered from it.
SELECT q.activity_id AS asked_id,
       row_number() OVER (PARTITION BY q.activity_id ORDER BY r.sent_at, r.activity_id) AS reply_number,
       r.text, r.link
FROM activity q
JOIN activity r ON r.thread_key = q.thread_key AND r.sent_at > q.sent_at
WHERE q.customer IS NOT NULL AND q.author_is_external AND NOT coalesce(q.is_bot, FALSE)
  AND NOT coalesce(r.author_is_external, FALSE) AND NOT coalesce(r.is_bot, FALSE)
