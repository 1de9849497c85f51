"""What names a trial: a POC, a POV, a pilot, a trial, a proof of concept or of value.

One vocabulary for the stage course (proposals/stages.py), a POC's criteria (artifacts/criteria.py),
a trial nobody has started using (analysis/usage_facts.py) and what customers say of their trial
(proposals/detect.py).
"""

from __future__ import annotations

import re

__all__ = ["TRIAL_WORDS", "trial_in_name"]

# In running text (proposals/detect.py builds its sentence patterns on it) "proof" alone is too common a
# word to name one.
TRIAL_WORDS = r"poc|pov|pilot|trial|proof of (?:concept|value)"
# In a stage's, a tag's or an opportunity's name a bare "Proof" names one too, and an evaluation counts
# (the stage course in proposals/stages.py keeps "evaluation" for the phase before the trial).
_IN_NAME = re.compile(rf"\b(?:{TRIAL_WORDS}|proof|evaluation)\b", re.I)


def trial_in_name(name: str | None) -> bool:
    """Whether a stage, tag or opportunity name says trial (or evaluation)."""
    return bool(_IN_NAME.search(name or ""))
