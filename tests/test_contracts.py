"""The contract views on a few raw rows (each source's staging SQL, through the real DDL and registry), and the
rule they exist for: nothing outside a source's package reads its raw tables."""

from __future__ import annotations

import ast
import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pytest

from se_pipeline.config import Settings
from se_pipeline.models import prepare
from se_pipeline.sources import CONTRACTS, RAW_TABLES, SOURCE_BY_NAME, contract_sql
from se_pipeline.sources.base import declared_sql
from se_pipeline.warehouse import ensure_tables

ROOT = Path(__file__).resolve().parents[1]
T0 = dt.datetime(2027, 3, 9, 10, tzinfo=dt.UTC)


def d(n: int) -> dt.date:
    return dt.date(2027, 3, n)


@pytest.fixture
def con():
    connection = duckdb.connect()
    ensure_tables(connection)
    yield connection
    connection.close()


def _columns(con: duckdb.DuckDBPyConnection, select: str) -> list[tuple[str, str]]:
    return [(name, kind) for name, kind, *_ in con.execute(f"DESCRIBE {select}").fetchall()]


def test_every_contract_view_has_exactly_its_declared_columns(con):
    # A source's staging SQL that adds a column, or gives one another type, changes the contract: it fails here.
    prepare(con, Settings())
    for contract in CONTRACTS:
        assert _columns(con, contract) == _columns(con, declared_sql(contract)), contract


def test_a_contract_no_source_feeds_is_an_empty_view_of_its_columns(con):
    # Mail has no people: a registry of mail alone still gives the people view, typed and empty.
    con.execute(f"CREATE VIEW people AS {contract_sql('stg_people', (SOURCE_BY_NAME['gmail'],))}")
    assert _columns(con, "people") == [("person_id", "VARCHAR"), ("name", "VARCHAR"), ("email", "VARCHAR"),
                                       ("is_bot", "BOOLEAN"), ("is_external", "BOOLEAN")]
    assert con.execute("SELECT count(*) FROM people").fetchall() == [(0,)]


def test_message_files_are_slack_files_and_email_attachments_with_recipients(con):
    con.execute("INSERT INTO raw_slack_messages (message_key, partition_date, channel_id, ts, is_reply, sent_at, files, permalink) "
                "VALUES ('C1:1.0', ?, 'C1', '1.0', FALSE, ?, ['runbook.pdf'], 'p1'), ('C1:2.0', ?, 'C1', '2.0', FALSE, ?, [], 'p2')",
                [d(9), T0, d(9), T0])
    con.execute("INSERT INTO raw_gmail_messages (message_key, partition_date, se_id, message_id, sent_at, attachments, to_emails, permalink) "
                "VALUES ('sam:<a@x>', ?, 'sam', '<a@x>', ?, ['quote.xlsx'], ['ines@zephyr.dev'], 'm1'), "
                "('sam:<b@x>', ?, 'sam', '<b@x>', ?, [], NULL, 'm2')", [d(9), T0, d(10), T0])
    assert con.execute("SELECT * FROM stg_message_files ORDER BY activity_id").fetchall() == [
        ("gmail:<a@x>", d(9), ["quote.xlsx"], ["ines@zephyr.dev"]),
        ("gmail:<b@x>", d(10), [], []),
        ("slack:C1:1.0", d(9), ["runbook.pdf"], None),  # a message without files is left out
    ]


def test_people_are_named_as_a_message_would_name_them(con):
    con.execute("INSERT INTO raw_slack_users (user_id, name, real_name, display_name, email, is_bot, is_external) VALUES "
                "('U1', 'uma', 'Uma Rao', 'uma', 'uma@ours.io', FALSE, NULL), ('U2', 'ines', NULL, 'Ines V', NULL, NULL, TRUE), "
                "('U3', 'deploybot', NULL, NULL, NULL, TRUE, FALSE)")
    assert con.execute("SELECT * FROM stg_people ORDER BY person_id").fetchall() == [
        ("U1", "Uma Rao", "uma@ours.io", False, False),
        ("U2", "Ines V", None, False, True),
        ("U3", "deploybot", None, True, False),
    ]


def test_channels_and_who_posts_in_them_count_joins(con):
    con.execute("INSERT INTO raw_slack_channels (channel_id, name, channel_type, members) VALUES "
                "('D1', 'uma', 'im', ['U1', 'U2']), ('C1', 'ext-zephyr', 'public', NULL)")
    con.execute("INSERT INTO raw_slack_messages (message_key, partition_date, channel_id, ts, is_reply, sent_at, user_id, subtype, permalink) "
                "VALUES ('C1:1.0', ?, 'C1', '1.0', FALSE, ?, 'U2', 'channel_join', 'p1'), "
                "('C1:2.0', ?, 'C1', '2.0', FALSE, ?, 'U2', NULL, 'p2')", [d(9), T0, d(10), T0])
    assert con.execute("SELECT * FROM stg_channels ORDER BY channel_id").fetchall() == [
        ("C1", "ext-zephyr", "public", None), ("D1", "uma", "im", ["U1", "U2"])]
    # A join is no activity, but it shows who is in the conversation.
    assert con.execute("SELECT * FROM stg_channel_posts ORDER BY partition_date").fetchall() == [
        ("C1", "U2", d(9)), ("C1", "U2", d(10))]


def test_mail_carries_an_automated_mails_headers_and_rule(con):
    payload = json.dumps({"automated_by": "List-Unsubscribe", "headers": [["List-Unsubscribe", "<mailto:x>"]]})
    con.execute("INSERT INTO raw_gmail_messages (message_key, partition_date, se_id, message_id, from_email, cc_emails, sent_at, "
                "is_automated, labels, signature, permalink, payload) VALUES "
                "('sam:<a@x>', ?, 'sam', '<a@x>', 'news@tool.io', NULL, ?, TRUE, ['INBOX'], NULL, 'm1', ?)", [d(9), T0, payload])
    rows = con.execute("SELECT activity_id, se_id, from_email, is_automated, automated_by, headers, labels FROM stg_mail").fetchall()
    assert [(*r[:5], json.loads(r[5]), r[6]) for r in rows] == [
        ("gmail:<a@x>", "sam", "news@tool.io", True, "List-Unsubscribe", [["List-Unsubscribe", "<mailto:x>"]], ["INBOX"])]


def test_usage_reads_are_the_days_a_source_was_read(con):
    con.execute("INSERT INTO raw_usage_reads VALUES ('/data/u.csv', ?, 0), ('/data/u.csv', ?, 12)", [d(9), d(10)])
    assert con.execute("SELECT * FROM stg_usage_reads ORDER BY partition_date").fetchall() == [
        ("/data/u.csv", d(9), 0), ("/data/u.csv", d(10), 12)]


def test_enablement_inputs_are_their_latest_read(con):
    # Each read upserts the rows it saw: a row gone from the files keeps its older extracted_at and drops out.
    first, second = T0, T0 + dt.timedelta(days=7)
    con.execute("INSERT INTO raw_feedback (feedback_id, submitted_on, competitor, text, source_file, extracted_at) VALUES "
                "('f1', ?, 'Rival', 'too slow', 'fb.csv', ?), ('f2', ?, NULL, 'great docs', 'fb.csv', ?)", [d(1), first, d(2), second])
    con.execute("INSERT INTO raw_win_loss (note_id, decided_on, outcome, source_file, extracted_at) VALUES "
                "('n1', ?, 'won', 'wl.csv', ?), ('n2', ?, 'lost', 'wl.csv', ?)", [d(1), second, d(2), second])
    con.execute("INSERT INTO raw_content_inventory (asset_id, asset, source_file, extracted_at) VALUES "
                "('a1', 'Rival battlecard', 'inv.csv', ?), ('a2', 'Old deck', 'inv.csv', ?)", [second, first])
    con.execute("INSERT INTO raw_onboarding_metrics (rep_id, metric, period, value, source_file, extracted_at) VALUES "
                "('r1', 'ramp_days', '2027-Q1', 40, 'ob.csv', ?)", [first])
    assert con.execute("SELECT feedback_id, text FROM stg_feedback").fetchall() == [("f2", "great docs")]
    assert con.execute("SELECT note_id FROM stg_win_loss ORDER BY note_id").fetchall() == [("n1",), ("n2",)]
    assert con.execute("SELECT asset_id FROM stg_content_inventory").fetchall() == [("a1",)]
    assert con.execute("SELECT rep_id, value FROM stg_onboarding_metrics").fetchall() == [("r1", 40.0)]


# Modules that read raw tables through the registry (a table name in a variable, not in the text): each reads
# every source's tables alike, which no contract could stand for.
GENERIC_RAW_READERS = {
    "se_pipeline/warehouse/loader.py": "writes the raw tables (deletes a window's rows, upserts dimensions by key)",
    "se_pipeline/warehouse/health.py": "how fresh each source's raw rows are and how many were quarantined",
    "se_pipeline/models.py": "a full refresh rebuilds a partitioned model over every day the raw tables hold",
    "se_pipeline/enablement/run.py": "loads the feedback source's raw tables (its weekly job's own raw step)",
    "assets/checks.py": "each raw table's key check (no two rows share its primary key)",
}
_RAW_NAME = re.compile(r"\b(?:" + "|".join(sorted(RAW_TABLES, key=len, reverse=True)) + r")\b")
_RAW_READ = re.compile(r"\b(?:from|join)\s+[\"'({]*\s*raw_\w+", re.IGNORECASE)
_TABLE_IN_VARIABLE = re.compile(r"\b(?:from|join|table|into)\s+\{", re.IGNORECASE)
_REGISTRY = re.compile(r"\b(?:RAW_TABLES|RAW_SOURCES|SOURCE_TABLES|table_names)\b|\.tables\b")


def _outside_sources(suffix: str) -> list[Path]:
    files = [p for folder in ("se_pipeline", "assets", "sql") for p in (ROOT / folder).rglob(f"*{suffix}")]
    return sorted(p for p in files if not p.relative_to(ROOT).as_posix().startswith("se_pipeline/sources/"))


def _code_strings(tree: ast.AST) -> list[str]:
    """Every string constant but docstrings (which may name a raw table to say where a column comes from)."""
    docstrings = {
        id(node.body[0].value) for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)
    }
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def test_nothing_outside_a_sources_package_reads_its_raw_tables():
    found = []
    for path in _outside_sources(".sql"):
        if path.parent.name in ("raw", "ddl"):  # the quarantine's and the computed tables' DDL create, never read
            continue
        code = "\n".join(line.split("--")[0] for line in path.read_text(encoding="utf-8").splitlines())
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in _RAW_READ.finditer(code)]
    for path in _outside_sources(".py"):
        for text in _code_strings(ast.parse(path.read_text(encoding="utf-8"))):
            found += [f"{path.relative_to(ROOT)}: {m.group(0)!r}" for m in (*_RAW_READ.finditer(text), *_RAW_NAME.finditer(text))]
    assert not found, "read the contract views (stg_*) or a mart instead:\n" + "\n".join(found)


def test_only_the_listed_modules_read_raw_tables_by_the_registry():
    generic = {
        path.relative_to(ROOT).as_posix() for path in _outside_sources(".py")
        if _TABLE_IN_VARIABLE.search(text := path.read_text(encoding="utf-8")) and _REGISTRY.search(text)
    }
    assert generic == set(GENERIC_RAW_READERS)
