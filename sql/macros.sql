-- Helpers every model may use (not a model: it makes no table).
-- A customer's key: lower case, letters and digits only (Acme Corp. becomes acmecorp).
CREATE OR REPLACE MACRO name_key(s) AS regexp_replace(lower(coalesce(s, '')), '[^a-z0-9]', '', 'g');
-- A text without the whitespace around it (as Python's str.strip: Unicode spaces too).
CREATE OR REPLACE MACRO stripped(s) AS regexp_replace(s, '^[\s\pZ\x{85}]+|[\s\pZ\x{85}]+$', '', 'g');
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
-- A company name without its legal form: 'Foo Freight Inc.', 'Bar Bank S.A.', 'Baz GmbH & Co. KG',
-- 'Qux Pty Ltd' become 'Foo Freight', 'Bar Bank', 'Baz', 'Qux'. Only trailing forms after a space go.
CREATE OR REPLACE MACRO without_legal_suffix(s) AS trim(regexp_replace(
    trim(coalesce(s, '')),
    '(?i)(?:[\s,]+(?:&\s*)?(?:inc|incorporated|corp|corporation|co|company|ltd|limited|llc|l\.l\.c|llp|lp|plc|pllc|gmbh|mbh|ag|kg|kgaa|ug|e\.\s?v|se|a/s|as|asa|aps|ab|oy|oyj|s\.?\s?a|s\.?\s?a\.?\s?s|sarl|s\.?\s?[aà]\.?\s?r\.?\s?l|s\.?\s?p\.?\s?a|s\.?\s?r\.?\s?l|s\.?\s?l|s\.?\s?l\.?\s?u|b\.?\s?v|n\.?\s?v|pty|pte|bhd|sdn|k\.?\s?k|lda|ltda|s\.?\s?a\.? de c\.?\s?v|sp\.? z o\.?\s?o|kft|zrt|d\.?\s?o\.?\s?o)\.?)+\s*$',
    ''));
-- The key an account is known by: its name key without the legal form (Kestrel Freight Inc. -> kestrelfreight).
CREATE OR REPLACE MACRO account_key(s) AS name_key(without_legal_suffix(s));
-- The customer part of an opportunity's name: 'Foo – FY27 Expansion', 'Foo | Pilot', 'Foo / Telemetry POC',
-- 'Foo: LIMS → Snowflake' give 'Foo' (a hyphen or slash splits only with spaces around it: 'Hewlett-Packard').
CREATE OR REPLACE MACRO opportunity_customer_part(n) AS
    nullif(trim(regexp_split_to_array(coalesce(n, ''), '\s+[-/]\s+|\s*[–—|:]\s*')[1]), '');
-- 'https://www.Example.com/x' or 'example.com' -> 'example.com'.
CREATE OR REPLACE MACRO bare_domain(d) AS nullif(regexp_replace(
    regexp_extract(lower(trim(coalesce(d, ''))), '^(?:[a-z][a-z0-9+.-]*://)?(?:www\.)?([^/?#:\s]*)', 1), '\.$', ''), '');
-- The words of a text, lower case, for matching names word by word ('Kestrel | Pilot' -> [kestrel, pilot]).
CREATE OR REPLACE MACRO name_words(s) AS
    list_filter(regexp_split_to_array(lower(coalesce(s, '')), '[^\p{L}\p{N}]+'), lambda w: w <> '');
-- A usage citation (se_pipeline/analysis/usage_facts.py usage_link):
--   <file URI or URL>#<key name>=<account key>&from=<day>&to=<day>[&rows=0]
-- backed when the usage data holds that account's rows in those days, or, for rows=0, when the
-- source was read for every one of those days and holds no row of that account in them.
CREATE OR REPLACE MACRO usage_link_source(link) AS CASE
    WHEN starts_with(link, 'file://') THEN url_decode(substr(split_part(link, '#', 1), 8))
    ELSE split_part(link, '#', 1) END;
CREATE OR REPLACE MACRO usage_link_part(link, name) AS
    nullif(url_decode(regexp_extract(split_part(link, '#', 2), '(?:^|&)' || name || '=([^&]*)', 1)), '');
CREATE OR REPLACE MACRO usage_link_key(link) AS
    nullif(url_decode(regexp_extract(split_part(link, '#', 2), '^[^=&]+=([^&]*)', 1)), '');
CREATE OR REPLACE MACRO usage_link_backed(link) AS coalesce(
    CASE WHEN usage_link_part(link, 'rows') = '0' THEN
        (SELECT count(DISTINCT r.partition_date) FROM stg_usage_reads r
         WHERE r.source_path = usage_link_source(link)
           AND r.partition_date BETWEEN try_cast(usage_link_part(link, 'from') AS DATE) AND try_cast(usage_link_part(link, 'to') AS DATE))
            = date_diff('day', try_cast(usage_link_part(link, 'from') AS DATE), try_cast(usage_link_part(link, 'to') AS DATE)) + 1
        AND NOT EXISTS (
            SELECT 1 FROM stg_usage u
            WHERE usage_link_key(link) IN (u.customer, u.workspace_id, u.account_domain, u.account_name)
              AND u.partition_date BETWEEN try_cast(usage_link_part(link, 'from') AS DATE) AND try_cast(usage_link_part(link, 'to') AS DATE))
    ELSE EXISTS (
        SELECT 1 FROM stg_usage u
        WHERE u.source_file = usage_link_source(link) AND u.customer = usage_link_key(link)
          AND u.partition_date BETWEEN try_cast(usage_link_part(link, 'from') AS DATE) AND try_cast(usage_link_part(link, 'to') AS DATE))
    END, FALSE);
