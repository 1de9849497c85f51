-- Slack users (a dimension, upserted by user_id; members who left stay).
CREATE TABLE IF NOT EXISTS raw_slack_users (
    user_id     VARCHAR PRIMARY KEY,
    team_id     VARCHAR,
    name        VARCHAR,        -- handle
    real_name   VARCHAR,
    display_name VARCHAR,
    email       VARCHAR,
    is_bot      BOOLEAN,
    is_external BOOLEAN,        -- from another team (Slack Connect) or a guest
    payload     JSON
);
