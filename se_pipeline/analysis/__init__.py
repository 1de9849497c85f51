"""Signals from activity: rules (and, when configured, an LLM rewrite of their bullets).

    refresh_signals(con, window, settings) -> SignalsReport
"""

from se_pipeline.analysis.refresh import SignalsReport, refresh_signals
from se_pipeline.analysis.rows import ActivityRow
from se_pipeline.config import AnalysisSettings, LlmSettings

__all__ = ["ActivityRow", "AnalysisSettings", "LlmSettings", "SignalsReport", "refresh_signals"]
