""""Today so far" is a first-class run: `run --today` loads the day that is not over, as often as asked,
and its digest says "as of HH:MM"; `--since 24h` covers yesterday (whole) and today (so far)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.cli import main as cli, period
from se_pipeline.config import CONFIG_ENV
from se_pipeline.window import since

TZ = ZoneInfo("America/New_York")


@pytest.fixture
def clean_env(monkeypatch):
    """main() exports SE_PIPELINE_CONFIG and DAGSTER_HOME: restore them afterwards."""
    monkeypatch.setenv(CONFIG_ENV, "")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("SE_PIPELINE_HOME", raising=False)


def workspace(tmp_path, asked_at: dt.datetime):
    """A Slack export where the SE opened a channel with a customer yesterday and the customer asked a question
    a moment ago, and settings that read it."""
    export = tmp_path / "slack"
    (export / "ext-client-pilot").mkdir(parents=True)
    (export / "users.json").write_text(json.dumps([
        {"id": "U01SAM", "name": "sam", "real_name": "Sam Roe", "profile": {"real_name": "Sam Roe", "email": "sam@ours.example"}},
        {"id": "U07ANA", "name": "ana", "real_name": "Ana Diaz", "profile": {"real_name": "Ana Diaz", "email": "ana@client.example"}},
    ]))
    (export / "channels.json").write_text(json.dumps([
        {"id": "C01CLIENT", "name": "ext-client-pilot", "created": 1788000000, "members": ["U01SAM", "U07ANA"],
         "is_ext_shared": True}]))
    welcome = asked_at - dt.timedelta(days=1)
    (export / "ext-client-pilot" / f"{welcome.date()}.json").write_text(json.dumps([
        {"type": "message", "user": "U01SAM", "ts": f"{welcome.timestamp():.6f}", "text": "Welcome to the pilot channel!"}]))
    (export / "ext-client-pilot" / f"{asked_at.date()}.json").write_text(json.dumps([
        {"type": "message", "user": "U07ANA", "ts": f"{asked_at.timestamp():.6f}",
         "text": "Does the pilot support SAML single sign-on with our IdP?"}]))
    config = tmp_path / "se-pipeline.yaml"
    config.write_text(
        f"home: {tmp_path / 'home'}\ntimezone: America/New_York\nstart_date: {asked_at.date() - dt.timedelta(days=1)}\n"
        "company_domains: [ours.example]\n"
        "sales_engineers: [{id: sam, name: Sam Roe, email: sam@ours.example, slack_user_id: U01SAM}]\n"
        "customers: [{name: Client Co, aliases: [client], domains: [client.example]}]\n"
        f"sources:\n  slack: {{mode: export, path: {export}, workspace: ours}}\n"
    )
    return config


def counts(config) -> tuple:
    with duckdb.connect(str(config.parent / "home" / "warehouse.duckdb"), read_only=True) as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM raw_slack_messages), (SELECT count(*) FROM digest_items), "
            "(SELECT count(*) FROM digests), (SELECT count(*) FROM signals)").fetchall()[0]


def test_run_today_digests_the_day_so_far_as_often_as_asked(tmp_path, capsys, clean_env):
    asked_at = dt.datetime.now(TZ) - dt.timedelta(seconds=2)
    config = workspace(tmp_path, asked_at)
    assert cli(["--config", str(config), "-q", "run", "--today", "--se", "sam"]) == 0
    out = capsys.readouterr().out
    header = re.search(rf"# Digest for Sam Roe: {asked_at.date()}, as of (\d\d):(\d\d)", out)
    assert header, out
    read_at = dt.datetime.combine(asked_at.date(), dt.time(int(header[1]), int(header[2])), TZ)
    assert asked_at - dt.timedelta(minutes=1) <= read_at <= dt.datetime.now(TZ)
    assert "SAML single sign-on" in out and "## Client Co" in out
    first = counts(config)
    assert cli(["--config", str(config), "-q", "run", "--today"]) == 0
    assert counts(config) == first  # refreshed, never duplicated
    capsys.readouterr()
    assert cli(["--config", str(config), "digest", "--se", "sam", "--date", asked_at.date().isoformat()]) == 0
    assert f"# Digest for Sam Roe: {asked_at.date()}, as of " in capsys.readouterr().out


def test_since_24h_loads_yesterday_whole_and_today_so_far(tmp_path, clean_env):
    asked_at = dt.datetime.now(TZ) - dt.timedelta(seconds=2)
    config = workspace(tmp_path, asked_at)
    assert cli(["--config", str(config), "-q", "run", "--since", "24h"]) == 0
    with duckdb.connect(str(tmp_path / "home" / "warehouse.duckdb"), read_only=True) as con:
        days = con.execute("SELECT digest_date, as_of IS NOT NULL FROM digests ORDER BY digest_date").fetchall()
    assert days == [(asked_at.date() - dt.timedelta(days=1), False), (asked_at.date(), True)]


def test_a_period_is_minutes_hours_or_days_and_touches_the_days_it_spans():
    assert period("24h") == dt.timedelta(hours=24) and period("90m") == dt.timedelta(minutes=90)
    assert period("2d") == dt.timedelta(days=2)
    for wrong in ("24", "0h", "-1h", "a day", "1.5h"):
        with pytest.raises(argparse.ArgumentTypeError, match="is not a period like 24h"):
            period(wrong)
    morning = dt.datetime(2026, 11, 3, 8, 30, tzinfo=TZ)
    assert (since(morning, dt.timedelta(hours=24), TZ).first_day, since(morning, dt.timedelta(hours=24), TZ).last_day) == (
        dt.date(2026, 11, 2), dt.date(2026, 11, 3))
    assert since(morning, dt.timedelta(hours=2), TZ).days == [dt.date(2026, 11, 3)]
