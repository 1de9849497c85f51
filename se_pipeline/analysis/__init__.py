"""Signals from activity: rules (and, when configured, an LLM rewrite of their bullets).

    refresh_signals(con, window, settings) -> SignalsReport

Also public, for the steps that word or weigh signals (render, proposals, artefacts): the modules `text`
(what a sentence does: asks, promises, blocks), `summaries` (bullets' wording) and `dates` (due days as
written), and from the signals' model OWED_KINDS, describe_due, the typed activity row ActivityRow, TLDR_WORDS and plain.
"""

from se_pipeline.analysis import dates, summaries, text
from se_pipeline.analysis.dates import describe_due
from se_pipeline.analysis.refresh import SignalsReport, refresh_signals
from se_pipeline.analysis.rows import ActivityRow
from se_pipeline.analysis.signal import OWED_KINDS
from se_pipeline.analysis.summaries import TLDR_WORDS, plain
from se_pipeline.config import AnalysisSettings, LlmSettings

__all__ = ["OWED_KINDS", "TLDR_WORDS", "ActivityRow", "AnalysisSettings", "LlmSettings", "SignalsReport", "dates", "describe_due",
           "plain", "refresh_signals", "summaries", "text"]
