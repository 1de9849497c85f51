"""The whole pipeline on the demo workspace: real Dagster materializations into a real DuckDB file.

The demo generator writes expected.json, the ground truth its story implies (what each SE owes on
the last day, what is already answered, which customers are New or closed); the digest is read
against it the way an SE would read it.
"""

import datetime as dt
import hashlib
import json
import re
import shutil

import duckdb
import pytest
from dagster import AssetKey, AssetSelection, DagsterInstance, materialize

from se_pipeline_assets.checks import digest_items_cite_existing_sources
from se_pipeline_assets.definitions import build_definitions
from se_pipeline_assets.sensors import source_selection
from se_pipeline_assets.runner import RANGE_END_TAG, RANGE_START_TAG
from se_pipeline.cli import main as cli
from se_pipeline.config import load_settings
from se_pipeline.demo import ensure_demo_settings
from se_pipeline.models import discover_models

DAILY = AssetSelection.groups("raw", "core", "digest")
TABLES = ["raw_slack_messages", "raw_gmail_messages", "raw_notion_opportunities", "raw_usage", "quarantine",
          "activity", "customers", "opportunities", "usage", "signals", "digest_items", "digests"]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    home = tmp_path_factory.mktemp("home")
    mp = pytest.MonkeyPatch()
    mp.setenv("SE_PIPELINE_HOME", str(home))
    mp.delenv("SE_PIPELINE_CONFIG", raising=False)
    settings = load_settings(ensure_demo_settings(home))
    definitions = build_definitions(settings)
    expected = json.loads((home / "demo" / "expected.json").read_text())
    yield settings, definitions, expected
    mp.undo()


def run_day(definitions, day: str):
    assets = list(definitions.assets)
    result = materialize(
        assets, selection=DAILY, partition_key=day, resources=definitions.resources,
        instance=DagsterInstance.ephemeral(),
    )
    assert result.success
    return result


def fingerprint(database: str) -> dict[str, str]:
    """Each table's rows, hashed in a stable order (load times excepted)."""
    prints = {}
    with duckdb.connect(database, read_only=True) as con:
        for table in TABLES:
            columns = [c[0] for c in con.execute(f"DESCRIBE {table}").fetchall() if c[0] not in ("loaded_at",)]
            rows = con.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL").fetchall()
            prints[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return prints


@pytest.fixture(scope="module")
def last_day(demo):
    """As a newcomer's first `se-pipeline run`: the demo's month, then its last day's digest."""
    settings, definitions, expected = demo
    assert cli(["run"]) == 0
    return expected["as_of"]


def digest_of(settings, day: str, se_id: str) -> str:
    return (settings.home / "digests" / day / f"{se_id}.md").read_text()


def sections(markdown: str) -> dict[str, str]:
    """'## <customer> : <status>' -> that customer's part."""
    parts = re.split(r"^## ", markdown, flags=re.MULTILINE)[1:]
    return {p.split("\n", 1)[0]: p.split("\n", 1)[1] for p in parts}


def test_a_demo_day_materializes_every_table_and_each_se_gets_a_digest(demo, last_day):
    settings, _, _ = demo
    with duckdb.connect(settings.database_path, read_only=True) as con:
        counts = {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in TABLES}
    assert all(counts[t] > 0 for t in ("raw_slack_messages", "raw_gmail_messages", "activity", "signals", "digest_items"))
    for se in settings.sales_engineers:
        assert digest_of(settings, last_day, se.id).startswith(f"# Digest for {se.name}: {last_day}")


def test_rerunning_the_same_partition_leaves_identical_tables_and_digest_bytes(demo, last_day):
    settings, definitions, _ = demo
    before = fingerprint(settings.database_path)
    digests = {se.id: digest_of(settings, last_day, se.id) for se in settings.sales_engineers}
    run_day(definitions, last_day)
    assert fingerprint(settings.database_path) == before
    assert {se.id: digest_of(settings, last_day, se.id) for se in settings.sales_engineers} == digests


def test_each_daily_asset_reports_its_own_materialization_and_a_sensors_subset_makes_only_its_own(demo, last_day):
    # The SQL models share one step: each is still an asset of its own in the UI, with its own metadata.
    settings, definitions, _ = demo
    graph = definitions.resolve_asset_graph()
    made = run_day(definitions, last_day).get_asset_materialization_events()
    assert sorted(e.asset_key for e in made) == sorted(DAILY.resolve(graph))  # each once
    models = {e.asset_key.to_user_string(): e.materialization.metadata for e in made
              if e.asset_key.to_user_string() in discover_models()}
    assert len(models) == len(discover_models()) and all("dagster/row_count" in m for m in models.values())

    subset = source_selection(["usage"]).resolve(graph)  # what the files sensor asks for when usage.csv changes
    skipped = set(discover_models()) - {key.to_user_string() for key in subset}
    assert skipped and AssetKey("usage") in subset
    before = fingerprint(settings.database_path)
    result = materialize(list(definitions.assets), selection=sorted(subset), partition_key=last_day,
                         resources=definitions.resources, instance=DagsterInstance.ephemeral())
    assert result.success
    assert sorted(e.asset_key for e in result.get_asset_materialization_events()) == sorted(subset)
    assert fingerprint(settings.database_path) == before  # a re-run of the same day: nothing duplicated


def test_a_backfill_of_several_days_in_one_run(demo, last_day):
    settings, definitions, _ = demo
    end = dt.date.fromisoformat(last_day) - dt.timedelta(days=1)
    start = end - dt.timedelta(days=3)
    job = definitions.resolve_job_def("daily_digest")
    result = job.execute_in_process(
        instance=DagsterInstance.ephemeral(), tags={RANGE_START_TAG: str(start), RANGE_END_TAG: str(end)}
    )
    assert result.success
    with duckdb.connect(settings.database_path, read_only=True) as con:
        days = con.execute(
            "SELECT DISTINCT digest_date::VARCHAR FROM digests WHERE digest_date BETWEEN ? AND ? ORDER BY 1", [start, end]
        ).fetchall()
        duplicates = con.execute("SELECT count(*) - count(DISTINCT activity_id) FROM activity").fetchall()[0][0]
    assert [d[0] for d in days] == [str(start + dt.timedelta(days=i)) for i in range(4)]
    assert duplicates == 0


def test_digest_format_rules_on_the_real_output(demo, last_day):
    settings, _, _ = demo
    for se in settings.sales_engineers:
        markdown = digest_of(settings, last_day, se.id)
        for header, body in sections(markdown).items():
            if header.startswith("Not included"):
                continue
            assert re.fullmatch(r".+ : .+", header), header
            blocks = dict(re.findall(r"^(TLDR|Todo|Things to know):\n((?:- .*\n?)+)", body, re.MULTILINE))
            assert blocks, f"{header}: a customer part with no section"
            bullets = {k: [l for l in v.splitlines() if l.startswith("- ") and "…and" not in l] for k, v in blocks.items()}
            assert 1 <= len(bullets.get("TLDR", ["x"])) <= 3
            assert all(len(b[2:].split()) <= 10 for b in bullets.get("TLDR", []))
            assert len(bullets.get("Todo", [])) <= 7 and len(bullets.get("Things to know", [])) <= 7
            for line in bullets.get("Todo", []) + bullets.get("Things to know", []):
                # a live link, or a usage fact's file citation (shown as text: file: is never a live link)
                assert re.search(r"(\]\(https://\S+|usage data: file://\S+)\)$", line), f"uncited: {line}"


def test_every_cited_link_is_an_activity_row_of_that_customer(demo, last_day):
    settings, _, _ = demo
    with duckdb.connect(settings.database_path, read_only=True) as con:
        wrong = con.execute(
            """
            SELECT d.customer, d.text, a.customer
            FROM digest_items d, unnest(d.activity_ids) AS u(id)
            JOIN activity a ON a.activity_id = u.id
            WHERE d.section IN ('todo', 'know') AND d.customer IS DISTINCT FROM a.customer
            """
        ).fetchall()
    assert wrong == []


@pytest.mark.parametrize(
    "tamper",
    [
        "UPDATE digest_items SET link = 'https://example.invalid/made-up' WHERE rowid = (SELECT min(rowid) FROM digest_items WHERE section = 'todo')",
        "UPDATE digest_items SET activity_ids = list_append(activity_ids, 'slack:gone') WHERE rowid = (SELECT min(rowid) FROM digest_items WHERE section = 'know')",
        "UPDATE digest_items SET link = NULL WHERE rowid = (SELECT min(rowid) FROM digest_items WHERE section = 'todo')",
    ],
    ids=["link-not-from-cited-activity", "cited-activity-missing", "no-link"],
)
def test_the_citation_check_passes_the_real_digest_and_fails_a_tampered_one(demo, last_day, tmp_path, tamper):
    settings, _, _ = demo
    copy = tmp_path / "warehouse.duckdb"
    shutil.copyfile(settings.database_path, copy)
    with duckdb.connect(str(copy)) as con:
        assert digest_items_cite_existing_sources.measure(con, (None, None)).passed
        con.execute(tamper)
        assert not digest_items_cite_existing_sources.measure(con, (None, None)).passed


def test_closed_opportunities_are_left_out_and_new_and_trial_cases_are_shown(demo, last_day):
    settings, _, expected = demo
    digests = {se.id: digest_of(settings, last_day, se.id) for se in settings.sales_engineers}
    headers = {h for md in digests.values() for h in sections(md)}
    for closed in expected["terminal_opportunities"]:
        customer = closed["customer"]
        active_elsewhere = any(h.startswith(f"{customer} : ") and not h.endswith(closed["stage"]) for h in headers)
        if not active_elsewhere:
            assert not any(h.startswith(f"{customer} : ") for h in headers), f"{customer} is closed"
    for new in expected["new_customers"]:
        assert f"{new} : New" in headers
    for customer in expected["trial_not_started"]:
        part = next(body for h, body in (kv for md in digests.values() for kv in sections(md).items()) if h.startswith(customer))
        assert "trial" in part.lower() and ("not started" in part.lower() or "hasn't started" in part.lower())


def test_the_customer_filter_prints_only_that_customer(demo, last_day, capsys):
    settings, _, expected = demo
    se_id, customers = next((se, data["customers"]) for se, data in expected["ses"].items() if len(data["customers"]) > 1)
    wanted, other = list(customers)[:2]
    assert cli(["digest", "--se", se_id, "--date", last_day, "--customer", wanted]) == 0
    out = capsys.readouterr().out
    assert f"## {wanted} : " in out and f"## {other} : " not in out


def test_run_customer_prints_the_part_of_each_se_that_has_it_and_says_whose(demo, last_day, capsys):
    """The README's `se-pipeline run --customer acme` when only some SEs have that customer."""
    settings, _, expected = demo
    owners = {c: se for se, data in expected["ses"].items() for c in data["customers"]}
    customer = next(c for c in owners if sum(c in d["customers"] for d in expected["ses"].values()) == 1)
    owner, others = owners[customer], sorted(se for se in expected["ses"] if se != owners[customer])
    capsys.readouterr()
    assert cli(["run", "--date", last_day, "--customer", customer.split()[0].lower()]) == 0
    out, err = capsys.readouterr()
    assert f"## {customer} : " in out
    assert f"in the digest of {owner}; not in that of {', '.join(others)}" in err
    assert cli(["run", "--date", last_day, "--customer", "no-such-customer-anywhere"]) == 2
    assert "no customer in the digests of" in capsys.readouterr().err


def test_query_is_read_only_and_answers(demo, last_day, capsys):
    assert cli(["query", "select count(*) as n from activity", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["n"] > 0
    assert cli(["query", "delete from activity"]) == 2
    assert "read-only" in capsys.readouterr().err
    # Mail and DMs with no customer: the table shows SQL's NULL, not pandas' nan.
    assert cli(["query", "select customer, count(*) as n from activity where customer is null group by 1"]) == 0
    assert re.search(r"^\| NULL +\| +\d+ \|$", capsys.readouterr().out, re.MULTILINE)


def todo_activity_ids(settings, se_id: str, day: str) -> dict[str, set[str]]:
    with duckdb.connect(settings.database_path, read_only=True) as con:
        rows = con.execute(
            "SELECT customer, activity_ids FROM digest_items WHERE se_id = ? AND digest_date = ? AND section = 'todo'",
            [se_id, day],
        ).fetchall()
    owed: dict[str, set[str]] = {}
    for customer, ids in rows:
        owed.setdefault(customer, set()).update(ids)
    return owed


def test_every_owed_item_is_in_todo_and_nothing_settled_is(demo, last_day):
    """What an SE checks first: is every Todo really owed, and is anything owed missing?"""
    settings, _, expected = demo
    missing, wrongly_owed = [], []
    for se_id, data in expected["ses"].items():
        todo = todo_activity_ids(settings, se_id, last_day)
        for customer, facts in data["customers"].items():
            cited = todo.get(customer, set())
            for item in facts.get("owed", []):
                keys = {item["activity_id"]} | {r["activity_id"] for r in item.get("related", [])}
                if not keys & cited:
                    missing.append(f"{se_id}/{customer}: {item['description']}")
            for item in facts.get("not_owed", []):
                if item["activity_id"] in cited:
                    wrongly_owed.append(f"{se_id}/{customer}: {item['description']} ({item['status']})")
    assert missing == [] and wrongly_owed == []


def test_reports_write_coaching_enablement_and_se_artefacts(demo, last_day, capsys):
    settings, _, _ = demo
    assert cli(["reports"]) == 0
    week = dt.date.fromisoformat(last_day)
    week -= dt.timedelta(days=week.weekday())
    reports = settings.home / "reports"
    coaching = sorted(p.name for p in (reports / "coaching" / week.isoformat()).glob("*.md"))
    assert coaching == sorted(f"{se.id}.md" for se in settings.sales_engineers)
    sales = settings.home / "specs" / "projects" / "field-enablement" / "sales"
    board = (sales / "enablement_feedback.md").read_text()
    assert board.startswith("# ") and f"As of {last_day} " in board  # the week's last day on the demo
    assert (sales / "content_refresh.csv").exists()
    for kind in ("win_criteria", "win_plans", "battlecards"):
        assert any((reports / "se" / kind).glob("*.md")), kind
    printed = capsys.readouterr().out
    assert f"enablement board and content refresh plan: {sales}" in printed and "<initiative>" not in printed
    alice = (reports / "coaching" / week.isoformat() / "alice.md").read_text()
    assert "| Quota Attainment | — |" not in alice  # the demo sets quotas


def test_usage_facts_reach_the_digest_on_their_day(demo, last_day):
    settings, _, expected = demo
    with duckdb.connect(settings.database_path, read_only=True) as con:
        raised = con.execute(
            "SELECT kind, customer FROM signals WHERE kind IN ('usage_drop', 'feature_adopted')"
        ).fetchall()
    assert {("usage_drop", c) for c in expected["usage_drop"]} <= set(raised)
    assert {("feature_adopted", c) for c in expected["feature_adopted"]} <= set(raised)
