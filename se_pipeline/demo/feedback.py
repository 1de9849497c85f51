"""The demo workspace's enablement inputs: <root>/feedback/{feedback,win_loss,content_inventory,
onboarding_metrics}.csv in the documented formats (se_pipeline.connectors.feedback).

Same seed, same bytes. The themes are built in: some heard in both quarters (they repeat), one only
in one segment, one only last quarter, one where a competitor is named in most items.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from pathlib import Path
from typing import Any

DEMO_UNTIL = dt.date(2026, 10, 31)
REGIONS = ("NA", "EMEA", "APAC")
SEGMENTS = ("Enterprise", "Mid-Market", "Commercial")
CHANNELS = ("call", "ride-along", "enablement session", "slack")

# theme -> (phrasings, competitor, segments it is heard in, quarters it is heard in: 0 = previous, 1 = current)
_THEMES: dict[str, tuple[tuple[str, ...], str | None, tuple[str, ...], tuple[int, ...]]] = {
    "otel": (
        (
            "Buyers ask whether we ingest OpenTelemetry traces natively over OTLP without our agent.",
            "Their platform team standardized on OpenTelemetry and wants the OTel collector to send straight to us.",
            "Is OpenTelemetry support first-class or a translation layer? The architect pushed on it.",
            "They need OpenTelemetry metrics and logs over OTLP too, not only traces.",
            "Asked for a reference architecture with the OpenTelemetry collector as a gateway.",
        ),
        None, SEGMENTS, (0, 1),
    ),
    "pricing": (
        (
            "Per-host pricing worries them because autoscaling creates hundreds of short-lived hosts.",
            "Finance wants a predictable annual bill with a cap on ingest overage charges.",
            "The price per GB of logs ingested doubles their current spend, and pricing is the main objection.",
            "Procurement asked for committed-use pricing tiers instead of pay-as-you-go.",
            "Custom metrics pricing confused the CFO and the overage on the last bill went unexplained.",
        ),
        None, ("Enterprise", "Mid-Market"), (0, 1),
    ),
    "datadog": (
        (
            "Datadog came in with a deep discount and the buyer wants our answer beyond price.",
            "They are on Datadog today and need a migration path for dashboards and monitors.",
            "Datadog told them our query language is hard to learn, and reps need a rebuttal.",
            "Buyer wants a side-by-side of our APM against Datadog APM.",
            "Datadog bundles RUM and synthetics, so how does our bundle compare?",
        ),
        "Datadog", SEGMENTS, (1,),
    ),
    "residency": (
        (
            "Security requires EU data residency, so all telemetry must stay in Frankfurt.",
            "The German subsidiary needs an EU-only tenant for data sovereignty before signing.",
            "GDPR review flagged that logs with personal data are stored in the US region.",
            "Legal asked whether backups ever leave the EU, as data residency is a blocker.",
        ),
        None, ("Enterprise",), (1,),
    ),
    "kubernetes": (
        (
            "The Kubernetes agent install failed on EKS because the helm chart values were wrong.",
            "Helm chart docs are outdated, so Kubernetes onboarding took two weeks.",
            "They want a Kubernetes operator instead of a raw daemonset install of the agent.",
            "Agent memory on small Kubernetes nodes was too high during the trial.",
        ),
        None, ("Mid-Market", "Commercial"), (1,),
    ),
    "demo_env": (
        (
            "The shared demo environment was down during my customer call.",
            "Demo environment data is stale and the dashboards show last spring's traffic.",
            "The demo environment is slow to load, which hurts our performance story.",
        ),
        None, SEGMENTS, (0,),
    ),
}

_WIN_LOSS = (
    # (outcome, theme of the objections, competitors, proof point, summary)
    ("won", "otel", "Honeycomb", "Native OTLP ingest live in one afternoon", "Won on OpenTelemetry-native ingest and trace search speed."),
    ("lost", "datadog", "Datadog", "", "Lost to Datadog on bundle price and migration effort."),
    ("won", "pricing", "New Relic", "Committed-use tier cut projected bill by 30%", "Won after a committed-use offer made the bill predictable."),
    ("lost", "residency", "Dynatrace", "", "Lost: EU-only tenant not available in time."),
    ("no decision", "kubernetes", "", "", "Stalled after the Kubernetes trial install failed."),
    ("won", "datadog", "Datadog", "Migrated 120 Datadog dashboards with the importer in a week", "Won against Datadog with the dashboard importer."),
)

_INVENTORY = (
    # (asset_id, asset, type, owner, last_updated, tags)
    ("A-001", "Datadog battlecard", "battlecard", "Priya Nair", dt.date(2025, 11, 2), "datadog;competitive;apm"),
    ("A-002", "Pricing and packaging one-pager", "one-pager", "Marcus Lee", dt.date(2026, 9, 15), "pricing;hosts;overage;committed use"),
    ("A-003", "OpenTelemetry integration guide", "deck", "Dana Ortiz", dt.date(2026, 2, 10), "opentelemetry;otlp;collector;traces"),
    ("A-004", "Security and compliance overview", "deck", "Sam Okafor", dt.date(2026, 8, 20), "security;soc2;gdpr"),
    ("A-005", "Executive overview deck", "deck", "Marcus Lee", dt.date(2026, 10, 1), "overview;executive"),
)

_MODULES = ("discovery", "technical-demo", "competitive", "pricing")


def _field(obj: Any, name: str) -> Any:
    """A field of a config object, a dict or (for a customer) a plain name."""
    if isinstance(obj, str):
        return obj
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name)


def _csv_text(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _write(path: Path, text: str) -> None:
    # Written whole then renamed: a reader (or a second writer) never sees half a file.
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)


def _quarter_days(quarter: int, until: dt.date) -> tuple[dt.date, dt.date]:
    current_start = dt.date(until.year, 3 * ((until.month - 1) // 3) + 1, 1)
    if quarter == 1:
        return current_start, until
    previous_end = current_start - dt.timedelta(days=1)
    return dt.date(previous_end.year, previous_end.month - 2, 1), previous_end


def _random_day(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, (last - first).days))


def write_feedback(
    root: Path, seed: int, sales_engineers: Sequence[Any], customers: Sequence[Any], *, until: dt.date = DEMO_UNTIL
) -> None:
    """Write <root>/feedback/*.csv for `customers` (names or objects with .name) and
    `sales_engineers` (objects or dicts with id and name), dated up to `until`."""
    rng = random.Random(seed)
    folder = Path(root) / "feedback"
    folder.mkdir(parents=True, exist_ok=True)
    names = [_field(c, "name") for c in customers] or ["Acme Corp", "Globex", "Initech", "Umbrella"]
    reps = [(_field(s, "id"), _field(s, "name")) for s in sales_engineers] or [("alice", "Alice Chen")]
    # Each customer has one region and one segment, as a CRM would say.
    profile = {name: (REGIONS[i % len(REGIONS)], SEGMENTS[(i // len(REGIONS) + i) % len(SEGMENTS)]) for i, name in enumerate(names)}

    feedback_rows = []
    for phrasings, competitor, segments, quarters in _THEMES.values():
        eligible = [n for n in names if profile[n][1] in segments] or names[:1]
        for quarter in quarters:
            first, last = _quarter_days(quarter, until)
            for text in phrasings:
                for _ in range(rng.randint(1, 2)):
                    customer = rng.choice(eligible)
                    rep_id, _ = rng.choice(reps)
                    region, segment = profile[customer]
                    feedback_rows.append([
                        _random_day(rng, first, last).isoformat(), rep_id, region, segment, customer, "",
                        rng.choice(CHANNELS), competitor or "", text,
                    ])
    feedback_rows.sort()
    feedback_rows = [[f"FB-{i:04d}", *row] for i, row in enumerate(feedback_rows, start=1)]
    _write(folder / "feedback.csv", _csv_text(
        ("feedback_id", "date", "rep", "region", "segment", "customer", "opportunity", "channel", "competitor", "text"),
        feedback_rows,
    ))

    win_loss_rows = []
    first, last = _quarter_days(1, until)
    for i, (outcome, theme, competitors, proof, summary) in enumerate(_WIN_LOSS, start=1):
        segments = _THEMES[theme][2]
        customer = rng.choice([n for n in names if profile[n][1] in segments] or names)
        region, segment = profile[customer]
        objections = ";".join(rng.sample(_THEMES[theme][0], 2))
        win_loss_rows.append([
            f"WL-{i:03d}", _random_day(rng, first, last).isoformat(), customer, "", outcome, region, segment,
            competitors, objections, proof, summary,
        ])
    _write(folder / "win_loss.csv", _csv_text(
        ("note_id", "date", "customer", "opportunity", "outcome", "region", "segment", "competitors", "objections",
         "proof_points", "summary"),
        win_loss_rows,
    ))

    _write(folder / "content_inventory.csv", _csv_text(
        ("asset_id", "asset", "type", "owner", "last_updated", "url", "tags"),
        [[a, name, kind, owner, day.isoformat(), f"https://drive.example.com/{a}", tags]
         for a, name, kind, owner, day, tags in _INVENTORY],
    ))

    period = f"{until.year}-Q{(until.month - 1) // 3 + 1}"
    metric_rows = []
    for rep_id, rep_name in reps:
        metric_rows.append([rep_id, rep_name, period, "ramp_days", rng.randint(45, 120)])
        metric_rows.append([rep_id, rep_name, period, "call_quality", rng.randint(55, 92)])
        for module in _MODULES:
            metric_rows.append([rep_id, rep_name, period, f"certification:{module}", round(rng.uniform(0.55, 1.0), 2)])
    _write(folder / "onboarding_metrics.csv", _csv_text(
        ("rep_id", "rep_name", "period", "metric", "value"), metric_rows,
    ))
