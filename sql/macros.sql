-- Helpers every model may use (not a model: it makes no table).
-- A customer's key: lower case, letters and digits only (Acme Corp. becomes acmecorp).
CREATE OR REPLACE MACRO name_key(s) AS regexp_replace(lower(coalesce(s, '')), '[^a-z0-9]', '', 'g');
-- The part of an email address after '@', lower case.
CREATE OR REPLACE MACRO email_domain(e) AS nullif(lower(split_part(coalesce(e, ''), '@', 2)), '');
-- The customer token of a channel named ext-<customer>-…, opp-<customer>-… or proj-<customer>-….
CREATE OR REPLACE MACRO channel_customer_token(n) AS
    nullif(regexp_extract(lower(coalesce(n, '')), '^(?:ext|opp|proj)-([a-z0-9]+)', 1), '');
-- The addresses of a forwarded message's own headers ("From: Ana <ana@acme.com>" under "Forwarded
-- message"), so an internal forward of a customer's mail still names that customer's domain.
CREATE OR REPLACE MACRO forwarded_addresses(quoted) AS
    CASE WHEN regexp_matches(coalesce(quoted, ''), '(?i)(forwarded message|original message|weitergeleitete nachricht|mensaje reenviado|messaggio inoltrato)')
         THEN regexp_extract_all(coalesce(quoted, ''), '(?im)^(?:from|to|cc|von|an|de|para|da|a):[^\n]*?([a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,})', 1)
         ELSE []::VARCHAR[] END;
