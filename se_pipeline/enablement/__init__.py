"""Enablement feedback (seed 002): field feedback and win/loss notes become a themed action board.

    raw_feedback, raw_win_loss, call objections, opp- channel objections   (items.py)
        -> feedback_themes (themes.py, clustering.py)
        -> content_refresh (refresh.py; content inventory) + ramp risks (onboarding.py)
        -> <home>/reports/<initiative>/sales/enablement_feedback.md and content_refresh.csv (board.py, run.py)

Input formats: se_pipeline/connectors/feedback.py. Configuration: settings.FeedbackSettings.
Entry points: run.load_feedback(con, connector) and run.run_enablement(con, config, home, as_of).
"""
