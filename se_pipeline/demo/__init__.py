"""The demo workspace: a month of a B2B sales team's Slack, Gmail, Notion and usage, in export formats.

`generate(root)` writes it; `ensure_demo_workspace(home)` keeps one up to date under <home>/demo, and
`ensure_demo_settings(home)` that and <home>/demo.yaml, the export-mode settings that read it. The
export connectors read it exactly as they read a real export, so the demo exercises the real parsing
code. The same seed and scale always give byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from filelock import FileLock

from se_pipeline.config import CustomerConfig, SalesEngineer
from se_pipeline.demo import cast, routine, scale, story
from se_pipeline.demo.builder import StoryBuilder
from se_pipeline.demo.calls import write_calls
from se_pipeline.demo.expected import expected_document
from se_pipeline.demo.feedback import write_feedback
from se_pipeline.demo.mbox import write_mailboxes
from se_pipeline.demo.model import TERMINAL_STAGES, Story
from se_pipeline.demo.notion_export import database_id, write_notion_export
from se_pipeline.demo.settings_file import write_settings
from se_pipeline.demo.slack_export import write_slack_export
from se_pipeline.demo.usage import write_usage

__all__ = ["GENERATOR_VERSION", "DemoScale", "DemoWorkspace", "ensure_demo_settings", "ensure_demo_workspace", "generate",
           "load_workspace"]

GENERATOR_VERSION = 3  # bump when the output changes, so existing demo workspaces are rebuilt
DEFAULT_SEED = 20261001
PERIOD_END = story.PERIOD_END
# What generate() writes inside the root (and so removes before writing again).
_OUTPUTS = ("slack", "gmail", "notion", "calls", "feedback", "usage.csv", "expected.json", "workspace.json")


@dataclass(frozen=True)
class DemoScale:
    """How big the demo is. The story needs 3 SEs, 8 customers and October (31 days); more is generated."""

    ses: int = 3
    customers: int = 8
    days: int = 31

    def __post_init__(self) -> None:
        if self.ses < 3 or self.customers < 8 or self.days < 31:
            raise ValueError(f"demo scale must be at least ses=3, customers=8, days=31 (got {self})")


@dataclass(frozen=True)
class DemoWorkspace:
    root: Path
    period_start: dt.date
    period_end: dt.date
    sales_engineers: list[SalesEngineer] = field(default_factory=list)
    customers: list[CustomerConfig] = field(default_factory=list)
    company_domains: list[str] = field(default_factory=list)
    slack_workspace: str = cast.SLACK_WORKSPACE

    @property
    def slack_dir(self) -> Path:
        return self.root / "slack"

    @property
    def gmail_dir(self) -> Path:
        return self.root / "gmail"

    @property
    def notion_dir(self) -> Path:
        return self.root / "notion"

    @property
    def usage_path(self) -> Path:
        return self.root / "usage.csv"

    @property
    def calls_dir(self) -> Path:
        return self.root / "calls"

    @property
    def feedback_dir(self) -> Path:
        return self.root / "feedback"

    @property
    def expected_path(self) -> Path:
        return self.root / "expected.json"


def build_story(demo_scale: DemoScale = DemoScale(), seed: int = DEFAULT_SEED) -> Story:
    """The story plus generated activity, as data (nothing written)."""
    period_start = PERIOD_END - dt.timedelta(days=demo_scale.days - 1)
    result = Story(period_start, PERIOD_END)
    b = StoryBuilder(result)
    rng = random.Random(seed)
    cast.add_cast(b)
    generated_ses = scale.add_generated_ses(b, demo_scale.ses - len(cast.STORY_SES))
    story.add_story(b)
    accounts = story.story_accounts()
    owners = generated_ses + list(cast.STORY_SES)
    accounts += scale.add_generated_customers(b, rng, demo_scale.customers - len(cast.CUSTOMERS), owners)
    routine.add_chatter(b, rng, period_start, PERIOD_END)
    routine.add_mail_routine(b, period_start, PERIOD_END)
    for account in accounts:
        routine.add_account_routine(b, rng, account)
    for customer, profile in story.USAGE_PROFILES.items():
        routine.add_usage(b, rng, customer, profile)
    return result


def generate(root: Path, scale: DemoScale = DemoScale(), seed: int = DEFAULT_SEED) -> DemoWorkspace:
    """Write the demo workspace into `root` (replacing what a previous generate() wrote there)."""
    root = Path(root)
    result = build_story(scale, seed)
    root.mkdir(parents=True, exist_ok=True)
    _remove_outputs(root)
    workspace = _workspace(root, result)
    write_slack_export(result, workspace.slack_dir, cast.TEAM_ID, cast.SLACK_WORKSPACE)
    write_mailboxes(result, workspace.gmail_dir)
    write_notion_export(result, workspace.notion_dir)
    write_usage(result, workspace.usage_path)
    _write_calls_and_feedback(workspace, result, seed)
    _write_json(workspace.expected_path, expected_document(result))
    # Written last: its presence (with this version) marks a complete workspace.
    _write_json(root / "workspace.json", _facts(workspace, result, scale, seed))
    return workspace


def _write_calls_and_feedback(workspace: DemoWorkspace, result: Story, seed: int) -> None:
    """Gong calls with the customers that have an active opportunity (each with its own SE), and the
    enablement inputs; both generators live beside this one (calls.py, feedback.py)."""
    active = {o.customer for o in result.opportunities if o.stage not in TERMINAL_STAGES}
    owners = {c.name: c.se for c in result.customers.values() if c.key in active}
    with_calls = [c for c in workspace.customers if c.name in owners]
    write_calls(workspace.root, seed, workspace.sales_engineers, with_calls, workspace.period_start,
                workspace.period_end, owners=owners)
    write_feedback(workspace.root, seed, workspace.sales_engineers, workspace.customers, until=workspace.period_end)


def ensure_demo_workspace(home: Path) -> DemoWorkspace:
    """The default demo under <home>/demo, generated if missing, incomplete or from another generator version."""
    root = Path(home) / "demo"
    root.parent.mkdir(parents=True, exist_ok=True)
    # Several processes (Dagster runs) may ask at once: one generates, the others wait and reuse it.
    with FileLock(root.parent / ".demo.lock"):
        existing = load_workspace(root)
        if existing is not None:
            return existing
        return generate(root)


def ensure_demo_settings(home: Path) -> Path:
    """<home>/demo.yaml, the settings of the default demo under <home>/demo (both made if missing or stale)."""
    workspace = ensure_demo_workspace(home)
    with FileLock(Path(home) / ".demo.lock"):
        return write_settings(workspace, Path(home))


def load_workspace(root: Path) -> DemoWorkspace | None:
    """The workspace described by <root>/workspace.json, or None if absent or from another version."""
    try:
        facts = json.loads((Path(root) / "workspace.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if facts.get("generator_version") != GENERATOR_VERSION:
        return None
    return DemoWorkspace(
        root=Path(root),
        period_start=dt.date.fromisoformat(facts["period_start"]),
        period_end=dt.date.fromisoformat(facts["period_end"]),
        sales_engineers=[SalesEngineer(**se) for se in facts["sales_engineers"]],
        customers=[CustomerConfig(**c) for c in facts["customers"]],
        company_domains=facts["company_domains"],
        slack_workspace=facts["slack_workspace"],
    )


def _workspace(root: Path, result: Story) -> DemoWorkspace:
    people = result.people
    return DemoWorkspace(
        root=root,
        period_start=result.period_start,
        period_end=result.period_end,
        sales_engineers=[SalesEngineer(id=se, name=people[se].name, email=people[se].email,
                                       slack_user_id=people[se].slack_id, quota=cast.QUOTA) for se in result.ses],
        customers=[CustomerConfig(name=c.name, aliases=[c.key], domains=[c.domain])
                   for c in result.customers.values()],
        company_domains=[cast.COMPANY_DOMAIN],
        slack_workspace=cast.SLACK_WORKSPACE,
    )


def _facts(workspace: DemoWorkspace, result: Story, demo_scale: DemoScale, seed: int) -> dict:
    return {
        "generator_version": GENERATOR_VERSION,
        "company": cast.COMPANY,
        "company_domains": workspace.company_domains,
        "slack_workspace": workspace.slack_workspace,
        "slack_team_id": cast.TEAM_ID,
        "timezone": "America/New_York",
        "period_start": workspace.period_start.isoformat(),
        "period_end": workspace.period_end.isoformat(),
        "period_end_note": "Saturday 2026-10-31 is Example Co's fiscal year end; the team works that day.",
        "seed": seed,
        "scale": asdict(demo_scale),
        "sales_engineers": [se.model_dump(exclude_none=True) for se in workspace.sales_engineers],
        "customers": [c.model_dump() for c in workspace.customers],
        "notion_database_id": database_id(),
        "counts": {"slack_messages": len(result.posts), "emails": len(result.mails),
                   "opportunities": len(result.opportunities), "notion_comments": len(result.comments),
                   "usage_rows": len(result.usage)},
    }


def _write_json(path: Path, data: object) -> None:
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def _remove_outputs(root: Path) -> None:
    for name in _OUTPUTS:
        path = root / name
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)
