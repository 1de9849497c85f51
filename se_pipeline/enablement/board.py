"""The enablement action board (Markdown): prioritized themes with owners and next actions, then
ramp risks and modules to refine. Written for sales leadership and content owners (internal)."""

from __future__ import annotations

import datetime as dt

from se_pipeline.enablement.onboarding import Module, RampRisk
from se_pipeline.enablement.refresh import Task
from se_pipeline.enablement.themes import Theme, quarter_of

INPUT_NAMES = {
    "feedback_stream": "feedback_stream (rep feedback files, call objections, opp- channel objections)",
    "win_loss_notes": "win_loss_notes (win/loss CSV)",
    "content_inventory": "content_inventory (asset inventory CSV)",
    "onboarding_metrics": "onboarding_metrics (ramp, certification, call quality CSV)",
}


def _money(amount: float) -> str:
    return f"${amount:,.0f}"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _list(values: list[str], empty: str = "none") -> str:
    return ", ".join(values) if values else empty


def _next_actions(theme: Theme, tasks: list[Task]) -> list[str]:
    actions = []
    for task in tasks:
        if task.action == "create":
            actions.append(f"Create a {theme.suggested_format} for this theme ({task.owner}, due {task.due_date}).")
        elif task.action == "refresh":
            age = f"{task.age_days} days old" if task.age_days is not None else "no update date"
            actions.append(f"Refresh “{task.asset}” ({age}; {task.owner}, due {task.due_date}).")
        else:
            actions.append(f"Review “{task.asset}” against these items ({task.owner}, due {task.due_date}).")
    if theme.repeats:
        actions.append(
            "Repeats from last quarter: take it to Product and revisit ICP targeting; content alone may not fix it."
        )
    if theme.single_segment:
        actions.append(f"Heard only in {theme.segments[0]}: confirm with other segments before changing global plays.")
    if theme.single_region:
        actions.append(f"Heard only in {theme.regions[0]}: confirm with other regions before changing global plays.")
    return actions


def _theme_section(theme: Theme, tasks: list[Task]) -> list[str]:
    lines = [f"### {theme.rank}. {theme.theme}", ""]
    lines.append(
        f"- **Heard**: {len(theme.current)} this quarter, {len(theme.previous)} last quarter"
        + (" (**repeats**)" if theme.repeats else "")
        + f"; from {_list(theme.origins)}"
    )
    segment_note = " (**one segment only**)" if theme.single_segment else ""
    region_note = " (**one region only**)" if theme.single_region else ""
    lines.append(f"- **Segments**: {_list(theme.segments, 'unknown')}{segment_note}; "
                 f"**regions**: {_list(theme.regions, 'unknown')}{region_note}")
    lines.append(
        f"- **Revenue at stake**: {_money(theme.revenue_at_stake)} across {len(theme.opportunity_ids)} active "
        f"opportunities; customers: {_list(theme.customers)}"
    )
    if theme.competitors:
        lines.append(f"- **Competitors**: {_list(theme.competitors)}")
    if theme.proof_points:
        lines.append(f"- **Proof points**: {'; '.join(theme.proof_points[:5])}")
    if theme.customer_stories:
        lines.append(f"- **Customer stories**: {'; '.join(theme.customer_stories[:3])}")
    lines.append(f"- **Suggested format**: {theme.suggested_format}")
    owners = sorted({t.owner for t in tasks})
    lines.append(f"- **Owner**: {_list(owners, 'Sales Enablement')}")
    lines.append("- **What reps hear**:")
    lines.extend(f"  > {_cell(example)}" for example in theme.examples())
    lines.append("- **Next actions**:")
    lines.extend(f"  - {action}" for action in _next_actions(theme, tasks))
    lines.append("")
    return lines


def render_board(
    initiative: str,
    as_of: dt.date,
    themes: list[Theme],
    tasks: list[Task],
    onboarding: tuple[list[RampRisk], list[Module]] | None,
    counts: dict[str, int],
    missing: list[str],
) -> str:
    """The board's Markdown. With no feedback at all: a stub naming the missing inputs."""
    _, quarter = quarter_of(as_of)
    lines = [f"# Enablement action board: {initiative}", "", f"As of {as_of} ({quarter}, compared with the quarter before).", ""]
    if missing:
        lines += ["**Missing inputs**:", ""] + [f"- {INPUT_NAMES[name]}" for name in missing] + [""]
    if "feedback_stream" in missing:
        lines += [
            "No feedback was found, so there are no themes and no content refresh plan this run.",
            "Add rep feedback (see `sources.feedback` in the README) and run again.",
            "",
        ]
        return "\n".join(lines)
    heard = ", ".join(f"{n} {origin}" for origin, n in counts.items() if n)
    lines += [f"Items considered: {heard}.", ""]
    active = [t for t in themes if t.current]
    lines += ["## Prioritized themes", ""]
    lines += ["| # | Theme | This q / last q | Segments | Revenue at stake | Format | Owner |", "|---|---|---|---|---|---|---|"]
    by_theme: dict[str, list[Task]] = {}
    for task in tasks:
        by_theme.setdefault(task.theme, []).append(task)
    for theme in active:
        owners = _list(sorted({t.owner for t in by_theme.get(theme.theme, [])}), "Sales Enablement")
        lines.append(
            f"| {theme.rank} | {_cell(theme.theme)} | {len(theme.current)} / {len(theme.previous)} | "
            f"{_cell(_list(theme.segments, 'unknown'))} | {_money(theme.revenue_at_stake)} | {theme.suggested_format} | {_cell(owners)} |"
        )
    lines.append("")
    for theme in active:
        lines += _theme_section(theme, by_theme.get(theme.theme, []))
    quiet = [t for t in themes if not t.current]
    if quiet:
        lines += ["## Quiet this quarter", "", "Heard last quarter, not this one (check whether they were resolved):", ""]
        lines += [f"- {t.theme} ({len(t.previous)} last quarter)" for t in quiet] + [""]
    lines += _onboarding_section(onboarding)
    return "\n".join(lines)


def _onboarding_section(onboarding: tuple[list[RampRisk], list[Module]] | None) -> list[str]:
    if onboarding is None:
        return []
    risks, modules = onboarding
    lines = ["## Ramp risks", ""]
    if risks:
        for risk in risks:
            who = f"{risk.rep_name} ({risk.rep_id})" if risk.rep_name else risk.rep_id
            lines.append(f"- **{who}**, {risk.period}: {'; '.join(risk.reasons)}. Likely limiter: {risk.limiter}.")
    else:
        lines.append("No rep is behind on ramp, certification or call quality.")
    lines += ["", "## Modules to refine", ""]
    if modules:
        lines += [f"- {m.name}: {m.pass_rate:.0%} mean pass rate over {m.reps} reps" for m in modules]
    else:
        lines.append("Every certification module has a mean pass rate of 80% or more.")
    lines.append("")
    return lines
