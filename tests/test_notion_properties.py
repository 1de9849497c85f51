"""Flattening Notion property values and picking the opportunity fields out of them."""

import datetime as dt
import json
from pathlib import Path

import pytest

from se_pipeline.sources.notion import FieldError, map_properties, parse_date, parse_number
from se_pipeline.sources.notion.properties import extract_fields, flatten_properties, is_active

PROPERTIES = json.loads((Path(__file__).parent / "data" / "notion" / "api" / "all_properties.json").read_text())


def test_every_property_type_flattens_to_a_typed_value():
    flat = flatten_properties(PROPERTIES)
    alice = {"id": "7775f3a3-893f-43fa-b625-460c61094c78", "name": "Alice Chen", "email": "alice@example.com"}
    assert flat == {
        "Name": "Acme Corp - Platform expansion",
        "Notes": "Security review pending",
        "Stage": "Technical Validation",
        "Customer": "Acme Corp",
        "Tags": ["tag"],
        "SE": [alice],
        "Close Date": {"start": "2026-10-31", "end": None},
        "POC window": {"start": "2026-10-01T09:00:00.000-04:00", "end": "2026-10-15T17:00:00.000-04:00"},
        "Amount": 125000.5,
        "Website": "https://acme.example",
        "Contact email": "buyer@acme.example",
        "Phone": "+1 555 0100",
        "Strategic": True,
        "Related deals": ["1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b"],
        "Weighted": 62500.25,
        "Next step due": {"start": "2026-11-02", "end": None},
        "RollupArray": [42.2, 56],
        "Open tasks": 3,
        "Created": "2026-09-01T14:00:00.000Z",
        "Edited": "2026-10-05T15:30:00.000Z",
        "Created by": alice,
        "Edited by": {"id": "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b", "name": None, "email": None},
        "Some Files": [{"name": "https://google.com", "url": "https://google.com"}],
        "ID": "OPP-42",
    }
    json.dumps(flat)  # storable as the `properties` JSON column


def test_opportunity_fields_come_from_common_names_case_insensitively():
    flat = flatten_properties(PROPERTIES)
    types = {name: prop["type"] for name, prop in PROPERTIES.items()}
    fields = extract_fields(flat, types)
    assert (fields.customer, fields.stage, fields.se_name, fields.se_email, fields.amount, fields.close_date) == (
        "Acme Corp", "Technical Validation", "Alice Chen", "alice@example.com", 125000.5, dt.date(2026, 10, 31),
    )
    csv_like = {"account": "Globex", "STATUS": "Won", "sales engineer": "Bob Li, Ann Ode", "arr": "$1,200.50",
                "close date": "2026/11/15"}
    fields = extract_fields(csv_like, {})
    assert (fields.customer, fields.stage, fields.se_name, fields.amount, fields.close_date) == (
        "Globex", "Won", "Bob Li", 1200.5, dt.date(2026, 11, 15),
    )


def test_a_relation_customer_is_left_to_the_name_fallback_and_names_are_configurable():
    flat = {"Account": ["1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b"], "Where we are": "Pilot"}
    types = {"Account": "relation", "Where we are": "select"}
    fields = extract_fields(flat, types, map_properties(types, {"stage": "where we are"}))
    assert fields.customer is None and fields.stage == "Pilot"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("October 31, 2026", dt.date(2026, 10, 31)),
        ("Oct 31, 2026", dt.date(2026, 10, 31)),
        ("2026/10/31", dt.date(2026, 10, 31)),
        ("2026-10-31", dt.date(2026, 10, 31)),
        ("October 31, 2026 9:00 AM", dt.date(2026, 10, 31)),
        ("October 31, 2026 → November 2, 2026", dt.date(2026, 10, 31)),
        ("2026-10-31T09:00:00.000-04:00", dt.date(2026, 10, 31)),
    ],
)
def test_dates_in_notions_export_and_api_formats(text, expected):
    assert parse_date(text) == expected


def test_unreadable_values_raise_with_a_reason():
    with pytest.raises(FieldError, match="bad_date: 'Q4' is not a date"):
        parse_date("Q4")
    with pytest.raises(FieldError, match="bad_number: 'TBD' is not a number"):
        parse_number("TBD")


def test_terminal_stages_are_matched_case_insensitively():
    terminal = ["WIN", "Won", "Lost", "Transferred"]
    assert not is_active("won", terminal) and not is_active(" LOST ", terminal)
    assert is_active("Discovery", terminal) and is_active(None, terminal)
