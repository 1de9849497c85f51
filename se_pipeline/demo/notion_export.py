"""Render the opportunities as Notion's "Markdown & CSV" export of a database, plus comments.json.

    Opportunities <db id>.csv                    utf-8 with BOM; one row per page; dates "October 31, 2026"
    Opportunities <db id>/<Title> <page id>.md   page content: "# Title", property lines, then the body
    comments.json                                Notion API comment objects (GET /v1/comments results)
                                                 plus created_by_name / created_by_email

Ids are 32 hex characters in file names (as Notion writes them) and dashed UUIDs in comments.json
(as the API returns them).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

from se_pipeline.demo.model import Comment, Opportunity, Story, dashed_uuid, hex_id

DATABASE_TITLE = "Opportunities"
CSV_HEADER = ["Name", "Customer", "Stage", "SE", "Amount", "Close Date", "Tags", "Competitors", "POC End",
              "Success Criteria", "Created time", "Last edited time"]


def database_id() -> str:
    return hex_id("notion-database", DATABASE_TITLE)


def comment_id(comment: Comment) -> str:
    return dashed_uuid(hex_id("notion-comment", comment.label))


def notion_date(day: dt.date | None) -> str:
    return f"{day:%B} {day.day}, {day.year}" if day else ""


def notion_datetime(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{notion_date(moment.date())} {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def write_notion_export(story: Story, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"{DATABASE_TITLE} {database_id()}"
    rows = [_properties(story, o) for o in story.opportunities]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_HEADER)
    writer.writeheader()
    writer.writerows(rows)
    (folder / f"{stem}.csv").write_text(buffer.getvalue(), encoding="utf-8-sig", newline="")
    pages = folder / stem
    pages.mkdir(exist_ok=True)
    for opportunity, properties in zip(story.opportunities, rows, strict=True):
        (pages / f"{opportunity.title} {opportunity.page_hex}.md").write_text(
            _page_markdown(opportunity, properties), encoding="utf-8")
    comments = [_comment(story, c) for c in sorted(story.comments, key=lambda c: (c.at, c.label))]
    (folder / "comments.json").write_text(json.dumps(comments, indent=2, ensure_ascii=False, sort_keys=True) + "\n",
                                          encoding="utf-8")


def _properties(story: Story, opportunity: Opportunity) -> dict[str, str]:
    return {
        "Name": opportunity.title,
        "Customer": story.customers[opportunity.customer].name,
        "Stage": opportunity.stage,
        "SE": story.people[opportunity.se].name,
        "Amount": str(opportunity.amount),
        "Close Date": notion_date(opportunity.close_date),
        "Tags": ", ".join(opportunity.tags),
        "Competitors": ", ".join(opportunity.competitors),
        "POC End": notion_date(opportunity.poc_end),
        "Success Criteria": opportunity.success_criteria,
        "Created time": notion_datetime(opportunity.created),
        "Last edited time": notion_datetime(opportunity.last_edited),
    }


def _page_markdown(opportunity: Opportunity, properties: dict[str, str]) -> str:
    lines = [f"# {opportunity.title}", ""]
    lines += [f"{name}: {value}" for name, value in properties.items() if name != "Name" and value]
    for heading, bullets in opportunity.sections:
        lines += ["", f"## {heading}", ""]
        lines += [f"- {bullet}" for bullet in bullets]
    return "\n".join(lines) + "\n"


def _comment(story: Story, comment: Comment) -> dict:
    author = story.people[comment.author]
    page = next(o for o in story.opportunities if o.key == comment.opportunity)
    created = comment.at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:00.000Z")
    discussion = comment.discussion or comment.label
    return {
        "object": "comment",
        "id": comment_id(comment),
        "parent": {"type": "page_id", "page_id": dashed_uuid(page.page_hex)},
        "discussion_id": dashed_uuid(hex_id("notion-discussion", discussion)),
        "created_time": created,
        "last_edited_time": created,
        "created_by": {"object": "user", "id": dashed_uuid(hex_id("notion-user", author.key))},
        "rich_text": [{
            "type": "text",
            "text": {"content": comment.text, "link": None},
            "annotations": {"bold": False, "italic": False, "strikethrough": False, "underline": False,
                            "code": False, "color": "default"},
            "plain_text": comment.text,
            "href": None,
        }],
        "display_name": {"type": "user", "resolved_name": author.name},
        "created_by_name": author.name,
        "created_by_email": author.email,
    }
