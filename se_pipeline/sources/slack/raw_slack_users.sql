-- Slack users (a dimension, upserted by user_id; members who left stay). The api connector reads it
-- back as its user cache: it lists users again when the newest listed_at is a week old, and asks
-- users.info for an id it does not hold.
CREATE TABLE IF NOT EXISTS raw_slack_users (
    user_id     VARCHAR PRIMARY KEY,
    team_id     VARCHAR,
    name        VARCHAR,        -- handle
    real_name   VARCHAR,
    display_name VARCHAR,
    email       VARCHAR,
    is_bot      BOOLEAN,
    is_external BOOLEAN,        -- from another team (Slack Connect) or a guest
    payload     JSON,
    listed_at   TIMESTAMPTZ     -- api: the end of the window of the run that last found this user in users.list
);
-- Warehouses made before listed_at existed gain it.
ALTER TABLE raw_slack_users ADD COLUMN IF NOT EXISTS listed_at TIMESTAMPTZ;
