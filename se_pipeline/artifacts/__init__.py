"""The SE's own artefacts (seed 003) drawn from the warehouse: product gaps, competitor mentions,
technical-win / POC criteria, and their customer-facing Markdown reports (redacted, one file per
customer so that no customer's details appear in another's report)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports

if TYPE_CHECKING:  # each builder's module imports its own libraries: on first use only
    from se_pipeline.artifacts.criteria import build_win_criteria
    from se_pipeline.artifacts.gaps import build_product_gaps
    from se_pipeline.artifacts.mentions import build_competitor_mentions
    from se_pipeline.artifacts.qualification import build_qualifications
    from se_pipeline.artifacts.reports import write_reports
    from se_pipeline.artifacts.winplan import build_win_plans

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "criteria": ("build_win_criteria",),
        "gaps": ("build_product_gaps",),
        "mentions": ("build_competitor_mentions",),
        "qualification": ("build_qualifications",),
        "reports": ("write_reports",),
        "winplan": ("build_win_plans",),
    })

__all__ = ["build_competitor_mentions", "build_product_gaps", "build_qualifications", "build_win_criteria",
           "build_win_plans", "write_reports"]
