-- Onboarding metrics per rep and period (stg_onboarding_metrics) as of their latest read.
SELECT rep_id, metric, period, value, rep_name, region, segment, source_file, line
FROM raw_onboarding_metrics
WHERE extracted_at = (SELECT max(extracted_at) FROM raw_onboarding_metrics)
