"""Which configured SE a tool's message names ("Next steps: Alice — …", "Sales Engineer: Alice Chen")."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from se_pipeline.analysis.context import SalesEngineerRef

_HONORIFIC = re.compile(r"^(dr|prof|mr|mrs|ms|mx|herr|frau|sr|sra|dott)\.?\s+", re.I)


def fold(name: str) -> str:
    """'Dr. José  Ibáñez' -> 'jose ibanez': case, accents, titles and extra spaces off."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = _HONORIFIC.sub("", plain.strip())
    return " ".join(re.sub(r"[^\w\s'-]", " ", plain).lower().split())


def se_named(name: str | None, ses: list[SalesEngineerRef], others: Sequence[str] = ()) -> SalesEngineerRef | None:
    """The SE `name` refers to: their full name or email, or their first name alone when no other SE
    and nobody in `others` (a call's attendees) has that first name."""
    if not name:
        return None
    wanted = fold(name)
    for se in ses:
        if wanted == fold(se.name) or wanted == se.email.lower():
            return se
    if " " in wanted:
        return None  # a full name that is not an SE's
    by_first = [se for se in ses if fold(se.name).split()[:1] == [wanted]]
    namesakes = {fold(o) for o in others if fold(o).split()[:1] == [wanted]} - {fold(se.name) for se in by_first}
    return by_first[0] if len(by_first) == 1 and not namesakes else None
