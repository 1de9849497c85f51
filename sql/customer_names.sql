-- materialized: table
-- Every way a customer is named in text (lower case): its name with and without its legal form,
-- configured aliases and channel tokens, and its opportunities' names, the customer part of them
-- ('Foo | Pilot' -> 'foo') and the account as written. Used to resolve activity outside customer
-- channels, word by word: `words` are the alias's words, `first_word` the one the match starts at.
-- Short names are left out.
WITH names AS (
    SELECT customer, customer AS name FROM customers
    UNION ALL
    SELECT customer, without_legal_suffix(customer) FROM customers
    UNION ALL
    SELECT customer, unnest(aliases) FROM customers
    UNION ALL
    SELECT c.customer, unnest([o.account, without_legal_suffix(o.account), opportunity_customer_part(o.name),
                               CASE WHEN len(name_words(o.name)) >= 2 THEN o.name END])
    FROM opportunities o
    JOIN customers c USING (customer_key)
)
SELECT DISTINCT customer, lower(trim(name)) AS alias, name_words(name) AS words, name_words(name)[1] AS first_word
FROM names
WHERE length(trim(name)) >= 3 AND len(name_words(name)) > 0
