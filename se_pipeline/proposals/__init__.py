"""Proposed updates to the opportunity database: found in the warehouse (detect.py), kept in the
`proposals` table (store.py), applied one at a time after the user confirms the exact change (apply.py).
"""

from se_pipeline.proposals.proposal import Proposal
from se_pipeline.proposals.store import ProposalReport, dismiss, open_proposals, refresh_proposals

__all__ = ["Proposal", "ProposalReport", "dismiss", "open_proposals", "refresh_proposals"]
