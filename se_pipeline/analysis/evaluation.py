"""Scoring a signals table against hand labels (tests/data/eval/labels.json).

A message label names (activity_id, kind); a signal matches it when its first activity id is that
message and its kind is the label's. Account labels (trial_not_started, usage_drop, …) name
(customer, kind); any signal of that kind for that customer matches, whatever its day.
"SE owes" is scored without regard to kind: the set of messages that should raise something owed
against the set of messages that did. Precision counts only signals the digest would include
(relevance 'include'); recall counts a label found at either relevance.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

ACCOUNT_KINDS = {"trial_not_started", "new_customer", "usage_drop", "opportunity_change"}


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else None


@dataclass
class Score:
    split: str
    by_kind: dict[str, Counts] = field(default_factory=dict)
    owed: Counts = field(default_factory=Counts)
    status_right: int = 0
    status_checked: int = 0
    customer_right: int = 0
    se_right: int = 0
    false_positives: list[str] = field(default_factory=list)  # "kind activity_id: summary"
    misses: list[str] = field(default_factory=list)
    wrong_status: list[str] = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        rows = [
            {"kind": kind, "tp": c.tp, "fp": c.fp, "fn": c.fn, "precision": c.precision, "recall": c.recall}
            for kind, c in sorted(self.by_kind.items())
        ]
        rows.append({"kind": "SE owes (any owed kind)", "tp": self.owed.tp, "fp": self.owed.fp, "fn": self.owed.fn,
                     "precision": self.owed.precision, "recall": self.owed.recall})
        return pd.DataFrame(rows)


def _in_split(split_of: str | None, split: str) -> bool:
    return split == "all" or split_of == split


def score(signals: pd.DataFrame, labels: dict[str, Any], split: str = "all") -> Score:
    """Precision / recall per kind and for owed items; status, customer and SE accuracy on found owed items."""
    splits: dict[str, str] = labels["splits"]
    customer_split = {a["customer"]: a["split"] for a in labels["account_labels"]}
    customer_split.update({label["customer"]: label["split"] for label in labels["labels"] if label["customer"]})
    result = Score(split=split)
    counts: dict[str, Counts] = defaultdict(Counts)

    records = signals.to_dict("records")
    by_source: dict[tuple[str, str], dict] = {}
    for s in records:
        ids = list(s["activity_ids"]) if s["activity_ids"] is not None else []
        if s["kind"] in ACCOUNT_KINDS:
            by_source.setdefault((s["kind"], str(s["customer"])), s)
        elif ids:
            by_source.setdefault((s["kind"], ids[0]), s)

    def split_of(kind: str, key: str) -> str | None:
        return customer_split.get(key) if kind in ACCOUNT_KINDS else splits.get(key)

    expected: dict[tuple[str, str], dict] = {}
    for label in labels["labels"]:
        expected[(label["kind"], label["activity_id"])] = label
    for label in labels["account_labels"]:
        expected[(label["kind"], label["customer"])] = label

    for (kind, key), label in expected.items():
        if not _in_split(label["split"], split):
            continue
        if (kind, key) in by_source:
            counts[kind].tp += 1
        else:
            counts[kind].fn += 1
            result.misses.append(f"{kind} {label.get('ref', key)}")
    for (kind, key), s in by_source.items():
        if (kind, key) in expected or s["relevance"] != "include" or not _in_split(split_of(kind, key), split):
            continue
        counts[kind].fp += 1
        result.false_positives.append(f"{kind} {key}: {s['summary']}")
    result.by_kind = dict(counts)

    owed_labels = {label["activity_id"]: label for label in labels["labels"] if label["owed"] and _in_split(label["split"], split)}
    owed_found: dict[str, dict] = {}
    for s in records:
        ids = list(s["activity_ids"]) if s["activity_ids"] is not None else []
        if s["owed"] and ids and _in_split(splits.get(ids[0]), split):
            if ids[0] in owed_labels or s["relevance"] == "include":
                owed_found.setdefault(ids[0], s)
    result.owed = Counts(
        tp=len(owed_labels.keys() & owed_found.keys()),
        fp=len(owed_found.keys() - owed_labels.keys()),
        fn=len(owed_labels.keys() - owed_found.keys()),
    )
    for activity_id in sorted(owed_labels.keys() & owed_found.keys()):
        label = owed_labels[activity_id]
        found = by_source.get((label["kind"], activity_id), owed_found[activity_id])
        result.status_checked += 1
        result.status_right += found["status"] == label["status"]
        result.customer_right += found["customer"] == label["customer"]
        result.se_right += found["se_id"] == label["se_id"]
        if found["status"] != label["status"]:
            result.wrong_status.append(f"{label['kind']} {label['ref']}: expected {label['status']}, got {found['status']}")
    return result
