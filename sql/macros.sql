-- Helpers every model may use (not a model: it makes no table).
-- A customer's key: lower case, letters and digits only (Acme Corp. becomes acmecorp).
CREATE OR REPLACE MACRO name_key(s) AS regexp_replace(lower(coalesce(s, '')), '[^a-z0-9]', '', 'g');
-- The part of an email address after '@', lower case.
CREATE OR REPLACE MACRO email_domain(e) AS nullif(lower(split_part(coalesce(e, ''), '@', 2)), '');
-- The customer token of a channel named ext-<customer>-…, opp-<customer>-… or proj-<customer>-….
CREATE OR REPLACE MACRO channel_customer_token(n) AS
    nullif(regexp_extract(lower(coalesce(n, '')), '^(?:ext|opp|proj)-([a-z0-9]+)', 1), '');
