"""Where a stage stands in a sale, read from its name, so that activity can say a deal has moved on.

Teams name their stages their own way ("Technical Evaluation", "POC", "Security Review",
"Negotiation"); what they mean follows the same course everywhere: discovery, a technical
evaluation, a trial, the customer's security review, a decision, then the contract. A stage name is
placed on that course by its words (the latest phase it names). A proposal only ever moves a deal
forward, into a stage the database already uses, never into a terminal one (winning and losing are
the user's to record).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from se_pipeline.trials import TRIAL_WORDS

DISCOVERY, EVALUATION, TRIAL, SECURITY, DECISION, CONTRACT = range(1, 7)
_PHASES = (
    (DISCOVERY, re.compile(r"\b(discover\w*|qualif\w*|prospect\w*|leads?|intro\w*|initial|new)\b", re.I)),
    (EVALUATION, re.compile(r"\b(demo|technical|tech|solution\w*|evaluation|eval|validation|scoping|design)\b", re.I)),
    (TRIAL, re.compile(rf"\b(?:{TRIAL_WORDS}|proof)\b", re.I)),
    (SECURITY, re.compile(r"\b(security|infosec|compliance|risk review|vendor review)\b", re.I)),
    (DECISION, re.compile(r"\b(business case|proposal|tech(nical)? win|selected|verbal|commit\w*|decision)\b", re.I)),
    (CONTRACT, re.compile(r"\b(legal|negotiat\w*|contract\w*|procure\w*|paperwork|redlines?|closing|signature)\b", re.I)),
)
PHASE_NAMES = {DISCOVERY: "discovery", EVALUATION: "evaluation", TRIAL: "trial", SECURITY: "security review",
               DECISION: "decision", CONTRACT: "contract"}


def phase(stage: str | None) -> int | None:
    """The latest phase the stage's name speaks of ('Security & Legal Review' is the contract), else None."""
    found = [rank for rank, pattern in _PHASES if pattern.search(stage or "")]
    return max(found) if found else None


def known_stages(stages: Iterable[str | None], terminal: Iterable[str]) -> Counter[str]:
    """How often each non-terminal stage name is used in the database (its own spelling)."""
    closed = {s.strip().lower() for s in terminal}
    return Counter(s for s in stages if s and s.strip().lower() not in closed)


def stage_for(wanted: int, current: str | None, known: Counter[str]) -> str | None:
    """The database's stage of phase `wanted` when it moves `current` forward; None when the deal is
    there or past it, no stage of that phase is used, or two are used as often. Not from discovery
    (a security questionnaire then says little about the deal's stage) nor from a trial (paperwork
    runs beside a POC; the POC's end moves the deal: stage_after)."""
    now = phase(current)
    if now is None or now in (DISCOVERY, TRIAL) or now >= wanted:
        return None
    return _most_used(wanted, known)


def stage_after(ended: int, current: str | None, known: Counter[str]) -> str | None:
    """The stage of the first phase past `ended` the database uses, for a deal in phase `ended`
    ("the POC ended": a POC moves on to what comes next here)."""
    if phase(current) != ended:
        return None
    later = sorted({p for p in map(phase, known) if p and p > ended})
    return _most_used(later[0], known) if later else None


def _most_used(wanted: int, known: Counter[str]) -> str | None:
    names = sorted(((count, name) for name, count in known.items() if phase(name) == wanted), reverse=True)
    if not names or (len(names) > 1 and names[0][0] == names[1][0]):
        return None  # two stages of that phase, used as often: the user knows which, we do not
    return names[0][1]
