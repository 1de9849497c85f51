-- The days each usage source was read (stg_usage_reads), with the rows it had: evidence for "no usage".
SELECT source_path, partition_date, rows
FROM raw_usage_reads
