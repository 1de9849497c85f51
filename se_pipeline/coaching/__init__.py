"""Coaching: call transcripts and deals → call_metrics → rep_skill_scores → coaching_reports.

Each step is a plain function of a DuckDB connection and a week (its first day):
    compute_call_metrics(con, week_start) -> calls measured
    compute_skill_scores(con, week_start, quotas=None) -> rows written
    write_coaching_reports(con, week_start, reports_dir, names=None) -> report paths
"""

from se_pipeline.coaching.calls import compute_call_metrics
from se_pipeline.coaching.reports import write_coaching_reports
from se_pipeline.coaching.scores import AREAS, REFERENCES, compute_skill_scores

__all__ = ["AREAS", "REFERENCES", "compute_call_metrics", "compute_skill_scores", "write_coaching_reports"]
