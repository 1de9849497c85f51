-- materialized: table
-- Every way a customer is named in text (lower case): its name, configured aliases and channel tokens.
-- Used to resolve activity outside customer channels; short or generic words are left out.
SELECT DISTINCT customer, name AS alias
FROM (
    SELECT customer, lower(customer) AS name FROM customers
    UNION ALL
    SELECT customer, lower(unnest(aliases)) FROM customers
)
WHERE length(name) >= 3
