-- Each day a usage source was read for, and how many rows it had that day: evidence for "no usage".
-- key: (source_path, partition_date); written per partition_date.
CREATE TABLE IF NOT EXISTS raw_usage_reads (
    source_path     VARCHAR NOT NULL,      -- sources.usage.path as read (a file, a glob, a URL)
    partition_date  DATE NOT NULL,
    rows            BIGINT NOT NULL,
    PRIMARY KEY (source_path, partition_date)
);
