-- materialized: view
-- The people the conversations know (bots left out) by the name a message would use, and whether they are
-- of another team or a guest: the names a sentence may address.
SELECT name, is_external
FROM stg_people
WHERE NOT is_bot
