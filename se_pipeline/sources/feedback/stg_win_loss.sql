-- Win/loss notes (stg_win_loss) as of their latest read: rows gone from the file drop out.
SELECT note_id, decided_on, customer, opportunity, outcome, region, segment, competitors, objections, proof_points,
       summary, source_file, line
FROM raw_win_loss
WHERE extracted_at = (SELECT max(extracted_at) FROM raw_win_loss)
