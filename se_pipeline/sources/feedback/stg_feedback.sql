-- Rep feedback (stg_feedback) as of its latest read: rows gone from the files drop out.
SELECT feedback_id, submitted_on, rep, region, segment, customer, opportunity, channel, competitor, text, source_file, line
FROM raw_feedback
WHERE extracted_at = (SELECT max(extracted_at) FROM raw_feedback)
