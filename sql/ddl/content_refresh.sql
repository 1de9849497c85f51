-- The content refresh plan: one task per theme and asset (the dedupe key); rebuilt per initiative.
CREATE TABLE IF NOT EXISTS content_refresh (
    initiative      VARCHAR NOT NULL,
    theme           VARCHAR NOT NULL,
    asset           VARCHAR NOT NULL,      -- an inventory asset, or "New <format>: <theme>"
    asset_id        VARCHAR,               -- null for an asset still to create
    owner           VARCHAR,
    freshness       VARCHAR NOT NULL,      -- fresh | stale | missing
    last_updated    DATE,
    age_days        INTEGER,
    action          VARCHAR NOT NULL,      -- refresh | create | review
    due_date        DATE NOT NULL,
    status          VARCHAR NOT NULL,      -- open, or what a person wrote in the CSV since
    PRIMARY KEY (initiative, theme, asset)
);
