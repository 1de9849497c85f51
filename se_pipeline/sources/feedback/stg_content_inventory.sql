-- Enablement assets (stg_content_inventory) as of their latest read: assets gone from the inventory drop out.
SELECT asset_id, asset, asset_type, owner, last_updated, url, tags, source_file, line
FROM raw_content_inventory
WHERE extracted_at = (SELECT max(extracted_at) FROM raw_content_inventory)
