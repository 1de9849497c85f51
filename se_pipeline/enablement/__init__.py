"""Enablement feedback (seed 002): field feedback and win/loss notes become a themed action board.

    raw_feedback, raw_win_loss, call objections, opp- channel objections   (items.py)
        -> feedback_themes (themes.py, clustering.py)
        -> content_refresh (refresh.py; content inventory) + ramp risks (onboarding.py)
        -> <home>/reports/<initiative>/sales/enablement_feedback.md and content_refresh.csv (board.py, run.py)

Input formats: se_pipeline/sources/feedback/connector.py. Configuration: se_pipeline.sources.feedback.FeedbackSettings.
Entry points (run.py): load_feedback(con, connector) and run_enablement(con, config, home, as_of).
"""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports

if TYPE_CHECKING:  # clustering imports scikit-learn: on first use only
    from se_pipeline.enablement.clustering import stem
    from se_pipeline.enablement.items import OBJECTION_CUES
    from se_pipeline.enablement.run import load_feedback, run_enablement

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "clustering": ("stem",),
        "items": ("OBJECTION_CUES",),
        "run": ("load_feedback", "run_enablement"),
    })

__all__ = ["OBJECTION_CUES", "load_feedback", "run_enablement", "stem"]
