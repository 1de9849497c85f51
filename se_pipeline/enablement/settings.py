"""`sources.feedback`: where the enablement inputs live, and what the reports are filed under.

```yaml
sources:
  feedback:
    mode: export
    feedback: [feedback/feedback.csv, feedback/ride-alongs.md]   # files or folders of .csv/.md
    win_loss: feedback/win_loss.csv
    content_inventory: feedback/content_inventory.csv           # optional
    onboarding_metrics: feedback/onboarding_metrics.csv         # optional
    initiative: field-enablement        # reports go to <home>/specs/projects/<initiative>/sales/
    output_dir: null                    # optional: another folder for the board and the CSV
    competitors: [Acme Observability]   # added to the names the data gives (opportunities' competition property, …)
    stale_after_days: 90                # an asset older than this is stale
    notion_database:                    # optional: rep feedback from a Notion database too
      database_id: 0123abcd…            # the id, or the database's link
      token_env: NOTION_TOKEN           # the variable holding the integration's secret
      properties: {text: Feedback}      # which property holds each field (see FeedbackProperties)
```
`feedback` (files) may be left out when `notion_database` is given; one of the two is required.
With no `sources.feedback` (demo mode) the demo workspace's `feedback/` folder is read.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

DEFAULT_INITIATIVE = "field-enablement"
DEMO_FILES = {
    "feedback": "feedback.csv",
    "win_loss": "win_loss.csv",
    "content_inventory": "content_inventory.csv",
    "onboarding_metrics": "onboarding_metrics.csv",
}


class _Strict(BaseModel):
    # A misspelt key is a user mistake worth naming, not something to ignore.
    model_config = ConfigDict(extra="forbid")


class FeedbackProperties(_Strict):
    """The Notion property that holds each feedback field, matched case-insensitively; the
    defaults are the feedback CSV's column names. Only `text` is required on a page."""

    text: str = "Text"
    date: str = "Date"  # a page without one is dated by its created_time
    rep: str = "Rep"
    region: str = "Region"
    segment: str = "Segment"
    customer: str = "Customer"
    opportunity: str = "Opportunity"  # a relation to the opportunity database gives its page id
    channel: str = "Channel"
    competitor: str = "Competitor"


class FeedbackNotion(_Strict):
    """A Notion database whose pages are rep feedback, one item a page."""

    database_id: str
    token_env: str = "NOTION_TOKEN"  # sources.notion's default: one integration can read both databases
    base_url: str | None = None  # None: Notion's public API
    max_retries: int = Field(5, ge=0)
    properties: FeedbackProperties = FeedbackProperties()


class FeedbackSettings(_Strict):
    mode: Literal["export"] = "export"
    feedback: list[Path] = []
    notion_database: FeedbackNotion | None = None
    win_loss: Path
    content_inventory: Path | None = None
    onboarding_metrics: Path | None = None
    initiative: str = Field(DEFAULT_INITIATIVE, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    output_dir: Path | None = None  # None: <home>/specs/projects/<initiative>/sales/ (the seed's place)
    competitors: list[str] = []
    stale_after_days: int = Field(90, ge=1)

    @model_validator(mode="after")
    def _some_feedback(self) -> FeedbackSettings:
        if not self.feedback and self.notion_database is None:
            raise PydanticCustomError(
                "no_feedback", "needs feedback (a list of files or folders), notion_database (a Notion database), or both"
            )
        return self

    @classmethod
    def in_folder(cls, folder: Path, **overrides: Any) -> FeedbackSettings:
        """The demo workspace layout: <folder>/{feedback,win_loss,content_inventory,onboarding_metrics}.csv."""
        return cls(
            feedback=[folder / DEMO_FILES["feedback"]],
            win_loss=folder / DEMO_FILES["win_loss"],
            content_inventory=folder / DEMO_FILES["content_inventory"],
            onboarding_metrics=folder / DEMO_FILES["onboarding_metrics"],
            **overrides,
        )

    def resolved(self, base: Path) -> FeedbackSettings:
        """A copy with relative paths taken relative to `base` (the config file's folder)."""

        def fix(p: Path | None) -> Path | None:
            return p if p is None or p.is_absolute() else base / p

        return self.model_copy(
            update={
                "feedback": [fix(p) for p in self.feedback],
                "win_loss": fix(self.win_loss),
                "content_inventory": fix(self.content_inventory),
                "onboarding_metrics": fix(self.onboarding_metrics),
                "output_dir": fix(self.output_dir),
            }
        )


    @classmethod
    def absent(cls) -> FeedbackSettings:
        """No feedback source (turned off): no files, default initiative; the board says what is missing."""
        return cls.model_construct(
            mode="export", feedback=[], win_loss=None, content_inventory=None, onboarding_metrics=None,
            initiative=DEFAULT_INITIATIVE, output_dir=None, competitors=[], stale_after_days=90,
        )


def report_dir(home: Path, config: FeedbackSettings) -> Path:
    """Where the board and the refresh plan go: `output_dir`, else <home>/specs/projects/<initiative>/sales/."""
    return config.output_dir or Path(home) / "specs" / "projects" / config.initiative / "sales"


def feedback_settings(settings: Any) -> FeedbackSettings:
    """The configured `sources.feedback`, the demo workspace's feedback folder in demo mode, or absent() when off."""
    configured = settings.sources.feedback
    if isinstance(configured, FeedbackSettings):
        return configured
    if configured.mode == "off":
        return FeedbackSettings.absent()
    # Imported here: the demo package is only needed when no feedback source is configured.
    from se_pipeline.demo import DEFAULT_SEED, ensure_demo_workspace
    from se_pipeline.demo.feedback import write_feedback

    demo = ensure_demo_workspace(settings.home)
    if not (demo.feedback_dir / DEMO_FILES["feedback"]).is_file():
        # Until the demo generator writes feedback/ itself (same seed, so the same bytes).
        write_feedback(demo.root, DEFAULT_SEED, demo.sales_engineers, demo.customers, until=demo.period_end)
    return FeedbackSettings.in_folder(demo.feedback_dir)
