-- materialized: view
-- The SE's own email and DMs with no customer that no signal cites and no SE wrote: maybe personal,
-- maybe not, so the digest lists them under "Not included" for the SE to look at. (Channel chatter
-- with no customer is surely unrelated.)
SELECT a.se_id, a.activity_date, a.sent_at, a.activity_id, a.source, a.author_name,
       coalesce(a.subject, a.text) AS about, a.link
FROM activity a
WHERE a.customer IS NULL
  AND (a.source = 'gmail' OR a.channel_kind = 'dm')
  AND NOT coalesce(a.author_is_se, FALSE)
  AND NOT EXISTS (SELECT 1 FROM signals s WHERE list_contains(s.activity_ids, a.activity_id))
