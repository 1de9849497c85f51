"""Proposed updates to the opportunity database: found in the warehouse (detect.py), kept in the
`proposals` table (store.py), applied one at a time after the user confirms the exact change (apply.py).
"""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.proposals.proposal import Proposal
from se_pipeline.proposals.store import ProposalReport, dismiss, find, open_proposals, refresh_proposals, require_open

if TYPE_CHECKING:  # apply.py imports the Notion client: on first use only
    from se_pipeline.proposals.apply import apply_proposal

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {"apply": ("apply_proposal",)})

__all__ = ["Proposal", "ProposalReport", "apply_proposal", "dismiss", "find", "open_proposals", "refresh_proposals",
           "require_open"]
