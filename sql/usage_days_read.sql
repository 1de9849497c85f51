-- materialized: view
-- Each day a usage source was read, with the file read (the first by path, when several were) and
-- the first day that file was read: "no usage" is a fact of the days the source was read.
SELECT r.partition_date, r.source_path,
       (SELECT min(partition_date) FROM stg_usage_reads s WHERE s.source_path = r.source_path) AS read_since
FROM stg_usage_reads r
QUALIFY row_number() OVER (PARTITION BY r.partition_date ORDER BY r.source_path) = 1
