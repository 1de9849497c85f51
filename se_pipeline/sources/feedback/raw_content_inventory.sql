-- Enablement assets (decks, battlecards, one-pagers, snippets) with owner and last update.
-- key: asset_id; upserted. Rows not seen in the latest read have an older extracted_at.
CREATE TABLE IF NOT EXISTS raw_content_inventory (
    asset_id        VARCHAR NOT NULL,
    asset           VARCHAR NOT NULL,      -- the asset's title
    asset_type      VARCHAR,               -- battlecard, deck, one-pager, snippet, play, …
    owner           VARCHAR,
    last_updated    DATE,
    url             VARCHAR,
    tags            VARCHAR[],
    source_file     VARCHAR NOT NULL,
    line            INTEGER,
    extracted_at    TIMESTAMPTZ NOT NULL,
    payload         JSON,
    PRIMARY KEY (asset_id)
);
