"""Render usage as the CSV a BI export would give: customer,date,metric,value (one row per day and metric)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from se_pipeline.demo.model import Story

USAGE_HEADER = ["customer", "date", "metric", "value"]


def write_usage(story: Story, path: Path) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(USAGE_HEADER)
    for row in sorted(story.usage, key=lambda r: (r.customer, r.day, r.metric)):
        writer.writerow([row.customer, row.day.isoformat(), row.metric, row.value])
    path.write_text(buffer.getvalue(), encoding="utf-8")
