-- materialized: view
-- Each signal with what the digest tells about it: who settled it (the resolving activity's author),
-- and whether its source message came from the customer or from a tool. The digest of a day reads
-- the signals as of that day from it.
SELECT s.se_id, s.signal_id, s.customer, s.kind, s.owed, s.status, s.raised_at, s.activity_date,
       s.resolved_at, s.summary, coalesce(s.tldr, s.summary) AS tldr, s.activity_ids, s.link,
       s.relevance, s.thread_key, s.excerpt, s.evidence, s.due_date, s.asker_id,
       a.author_name AS resolved_by_name, a.author_id AS resolved_by_author,
       coalesce(src.author_is_external, FALSE) AS from_customer,
       coalesce(src.is_bot, FALSE) AS from_tool
FROM signals s
LEFT JOIN activity a ON a.activity_id = s.resolved_by
LEFT JOIN activity src ON src.activity_id = s.activity_ids[1]
