"""Competitor names: a built-in list for an observability / developer-tools company plus configured
ones, and finding them in text (whole words, case-insensitive, aliases folded to one name)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

# name -> aliases (the name itself always matches)
BUILT_IN_COMPETITORS: dict[str, tuple[str, ...]] = {
    "Datadog": ("DDog",),
    "New Relic": ("NewRelic",),
    "Dynatrace": (),
    "Splunk": ("SignalFx",),
    "Honeycomb": ("honeycomb.io",),
    "Grafana": ("Grafana Cloud", "Grafana Labs"),
    "Elastic": ("Elasticsearch", "Elastic APM", "ELK"),
    "Sentry": (),
    "Rollbar": (),
    "Bugsnag": (),
    "AppDynamics": ("AppD",),
    "Chronosphere": (),
    "Lightstep": ("ServiceNow Cloud Observability",),
    "Sumo Logic": ("SumoLogic",),
    "Logz.io": (),
    "Instana": (),
    "Coralogix": (),
    "Prometheus": (),
    "SigNoz": (),
}


# Names that are also ordinary words match only as written with a capital ("elastic scaling" is no
# competitor).
_COMMON_WORDS = {"elastic", "sentry", "honeycomb", "prometheus"}


@lru_cache(maxsize=32)
def _pattern(names: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, str]]:
    canonical: dict[str, str] = {}
    for name in names:
        canonical[name.lower()] = name
        for alias in BUILT_IN_COMPETITORS.get(name, ()):
            canonical[alias.lower()] = name
    # Longest first so "Grafana Cloud" wins over "Grafana".
    alternatives = sorted(canonical, key=len, reverse=True)
    parts = [f"(?-i:{re.escape(canonical[a])})" if a in _COMMON_WORDS else re.escape(a) for a in alternatives]
    regex = re.compile(r"(?<![\w.])(" + "|".join(parts) + r")(?![\w])", re.IGNORECASE)
    return regex, canonical


def competitor_names(configured: Iterable[str] = ()) -> tuple[str, ...]:
    """The built-in names plus configured ones, without repeats (case-insensitive)."""
    seen: dict[str, str] = {n.lower(): n for n in BUILT_IN_COMPETITORS}
    for name in configured:
        if name.strip() and name.strip().lower() not in seen:
            seen[name.strip().lower()] = name.strip()
    return tuple(seen.values())


def find_competitors(text: str | None, names: tuple[str, ...] | None = None) -> list[str]:
    """Competitors named in `text`, each once, in order of first mention."""
    if not text:
        return []
    regex, canonical = _pattern(names or competitor_names())
    found: list[str] = []
    for match in regex.finditer(text):
        name = canonical[match.group(1).lower()]
        if name not in found:
            found.append(name)
    return found
