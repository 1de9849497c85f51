-- Every line of every digest, shown or not (overflow beyond the section limits stays queryable).
CREATE TABLE IF NOT EXISTS digest_items (
    se_id           VARCHAR NOT NULL,
    digest_date     DATE NOT NULL,
    customer        VARCHAR,               -- null for the closing 'not included' part
    customer_status VARCHAR,               -- 'New' or the opportunity stage
    customer_rank   INTEGER,               -- 1 = most urgent
    section         VARCHAR NOT NULL,      -- tldr | todo | know | not_included
    position        INTEGER NOT NULL,      -- order within the section
    shown           BOOLEAN NOT NULL,      -- false past the section's limit
    text            VARCHAR NOT NULL,
    link            VARCHAR,               -- the citation (null only for tldr lines)
    signal_id       VARCHAR,
    kind            VARCHAR,
    age_days        INTEGER,               -- for open items: days since raised
    activity_ids    VARCHAR[],
    links           VARCHAR[]              -- further citations: the same ask carried by other messages
);
-- Warehouses made before the column existed.
ALTER TABLE digest_items ADD COLUMN IF NOT EXISTS links VARCHAR[];
