"""A user's mistakes end in a clear message or a quarantine row, never a traceback, and the rest loads.

Inputs are the eval workspace (tests/data/eval, written for these tests by its build.py) and the
Gong call file in tests/data/calls, copied and then broken the way real files break: truncated JSON,
damaged zips, a PDF where an mbox belongs, a CSV re-saved with semicolons or in Latin-1, a wrong
config key. The real connectors read them; two tests run the real CLI through Dagster.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.cli import main as cli
from se_pipeline.config import (
    CONFIG_ENV,
    CallsApi,
    GmailApi,
    GmailMbox,
    NotionApi,
    SalesEngineer,
    Settings,
    SlackApi,
    Sources,
)
from se_pipeline.sources.calls import CallsExportConnector
from se_pipeline.sources.calls.connector import Team
from se_pipeline.sources.gmail import GmailMboxConnector
from se_pipeline.sources.notion import NotionApiConnector, NotionExportConnector
from se_pipeline.sources.slack import SlackExportConnector
from se_pipeline.sources.usage import UsageFileConnector
from se_pipeline.errors import ConfigError, SourceError
from se_pipeline.pages import Quarantined
from se_pipeline.sources import build_connector
from se_pipeline.warehouse import load_records
from se_pipeline.window import Window
from tests.fakes.notion_server import FakeNotion
from tests.fakes.slack_server import FakeSlack

DATA = Path(__file__).parent / "data"
EVAL = DATA / "eval"
DAY = dt.date(2026, 10, 7)
WINDOW = Window(dt.date(2026, 10, 6), DAY, ZoneInfo("America/New_York"))
NOTION_CSV = "Opportunities 0a1c.csv"


def extract(connector, window: Window = WINDOW) -> tuple[Counter, list[Quarantined]]:
    rows: Counter = Counter()
    quarantined = []
    for record in connector.extract(window):
        if isinstance(record, Quarantined):
            quarantined.append(record)
        else:
            rows[record.table] += len(record.rows)
    return rows, quarantined


def copy(name: str, tmp_path: Path) -> Path:
    target = tmp_path / name
    shutil.copytree(EVAL / name, target)
    return target


# ---- Slack export --------------------------------------------------------------------------------


def test_slack_bad_day_files_and_messages_are_quarantined_where_they_are_and_the_rest_loads(tmp_path):
    good_rows, _ = extract(SlackExportConnector(EVAL / "slack", "t"))
    slack = copy("slack", tmp_path)
    (slack / "ext-globex-poc" / "2026-10-06.json").write_text('[{"ts": "1791300000.000100", "text": "cut sh')
    (slack / "ext-globex-poc" / "2026-10-07.json").write_bytes(b"%PDF-1.4\n\xff\xfe")
    (slack / "ext-globex-poc" / "notes.txt").write_text("not a day file")
    day = slack / "ext-acme-eval" / "2026-10-07.json"
    messages = json.loads(day.read_text())
    messages[0].pop("ts")
    messages[1]["text"] = 42
    day.write_text(json.dumps(messages + ["a string"]))

    rows, quarantined = extract(SlackExportConnector(slack, "t"))

    reasons = {q.key.removeprefix(str(slack) + "/"): q.reason.split(":")[0] for q in quarantined}
    assert reasons == {
        "ext-globex-poc/2026-10-06.json": "bad_json",
        "ext-globex-poc/2026-10-07.json": "bad_json",
        "ext-acme-eval/2026-10-07.json:message[0]": "no_ts",
        "ext-acme-eval/2026-10-07.json:message[1]": "bad_field",
        "ext-acme-eval/2026-10-07.json:message[2]": "bad_message",
    }
    assert next(q for q in quarantined if q.reason.startswith("bad_field")).reason.startswith("bad_field: text:")
    lost = sum(len(json.loads(f.read_text())) for f in (EVAL / "slack" / "ext-globex-poc").glob("2026-10-0[67].json"))
    assert rows["raw_slack_messages"] == good_rows["raw_slack_messages"] - lost - 2
    assert rows["raw_slack_users"] == good_rows["raw_slack_users"]


def _zip(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file():
                archive.write(path, path.relative_to(folder).as_posix())
    return target


def _damage(archive: Path, member: str) -> None:
    """Flip bytes inside `member`'s compressed data, as a broken download does."""
    with zipfile.ZipFile(archive) as z:
        info = z.getinfo(member)
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for i in range(start + 2, start + min(info.compress_size, 40)):
        data[i] ^= 0x55
    archive.write_bytes(bytes(data))


def test_slack_zip_with_a_damaged_day_file_quarantines_that_file(tmp_path):
    archive = _zip(EVAL / "slack", tmp_path / "export.zip")
    _damage(archive, "ext-acme-eval/2026-10-07.json")

    rows, quarantined = extract(SlackExportConnector(archive, "t"))

    assert [(q.key, q.reason.split(":")[0]) for q in quarantined] == [
        (f"{archive}!/ext-acme-eval/2026-10-07.json", "damaged")
    ]
    assert "download the export again" in quarantined[0].reason
    assert rows["raw_slack_messages"] > 0


def test_slack_zip_with_a_damaged_users_file_names_it(tmp_path):
    archive = _zip(EVAL / "slack", tmp_path / "export.zip")
    _damage(archive, "users.json")
    with pytest.raises(SourceError, match=r"export\.zip!/users\.json is damaged in the zip"):
        extract(SlackExportConnector(archive, "t"))


@pytest.mark.parametrize(
    "breakage, message",
    [
        ("no folder", r"Slack export not found: .*/gone \(set sources\.slack\.path"),
        ("no users.json", r"users\.json is missing: this does not look like a Slack workspace export"),
        ("a PDF", r"is neither a folder nor a readable \.zip"),
        ("truncated zip", r"is neither a folder nor a readable \.zip"),
    ],
)
def test_slack_export_that_cannot_be_read_says_what_and_where(tmp_path, breakage, message):
    if breakage == "no folder":
        path = tmp_path / "gone"
    elif breakage == "no users.json":
        path = copy("slack", tmp_path)
        (path / "users.json").unlink()
    elif breakage == "a PDF":
        path = tmp_path / "export.pdf"
        path.write_bytes(b"%PDF-1.4\n")
    else:
        whole = _zip(EVAL / "slack", tmp_path / "whole.zip").read_bytes()
        path = tmp_path / "export.zip"
        path.write_bytes(whole[: len(whole) // 2])
    with pytest.raises(SourceError, match=message):
        extract(SlackExportConnector(path, "t"))


# ---- Gmail mbox ----------------------------------------------------------------------------------


def _mail(headers: str, body: bytes = b"hello\n") -> bytes:
    return b"From sender@acme.com Tue Oct 06 10:00:00 2026\n" + headers.encode() + b"\n\n" + body + b"\n"


def test_mbox_bad_messages_are_quarantined_by_position_and_odd_ones_still_load(tmp_path):
    good = (EVAL / "gmail" / "alice.mbox").read_bytes()
    good_rows, _ = extract(GmailMboxConnector({"alice": EVAL / "gmail" / "alice.mbox"}))
    mbox = tmp_path / "alice.mbox"
    mbox.write_bytes(
        _mail("\x00\x01 garbage line without a colon")
        + _mail("From: a@acme.com\nTo: alice@tracelight.io\nSubject: no date\nMessage-ID: <nodate@acme.com>")
        + _mail(
            "From: a@acme.com\nTo: alice@tracelight.io\nSubject: klingon\nDate: Tue, 06 Oct 2026 10:00:00 -0400\n"
            "Message-ID: <charset@acme.com>\nContent-Type: text/plain; charset=x-klingon",
            b"caf\xe9 \xff",
        )
        + good
    )

    rows, quarantined = extract(GmailMboxConnector({"alice": mbox}))

    assert [(q.key, q.reason.split(":")[0]) for q in quarantined] == [(f"{mbox}#0", "no_date"), (f"{mbox}#1", "no_date")]
    assert rows["raw_gmail_messages"] == good_rows["raw_gmail_messages"] + 1  # the unknown charset still reads


def test_a_pdf_where_the_mbox_belongs_is_named_with_its_setting(tmp_path):
    pdf = tmp_path / "alice.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\n")
    with pytest.raises(SourceError, match=r"alice\.pdf \(sources\.gmail\.paths\.alice\) is not an mbox"):
        extract(GmailMboxConnector({"alice": pdf}))


def test_an_empty_mbox_is_quarantined_and_the_other_mailboxes_load(tmp_path):
    empty = tmp_path / "ben.mbox"
    empty.write_bytes(b"")
    rows, quarantined = extract(GmailMboxConnector({"ben": empty, "alice": EVAL / "gmail" / "alice.mbox"}))

    assert [(q.key, q.reason.split(":")[0]) for q in quarantined] == [(str(empty), "empty_mbox")]
    assert rows["raw_gmail_messages"] > 0


# ---- Notion export -------------------------------------------------------------------------------


def _rewrite_csv(folder: Path, delimiter: str = ",", encoding: str = "utf-8-sig", edit=None) -> Path:
    path = folder / NOTION_CSV
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
    if edit:
        edit(rows)
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
    return path


def test_notion_rows_without_a_title_with_a_bad_date_or_extra_cells_are_quarantined_by_line(tmp_path):
    notion = copy("notion", tmp_path)

    def edit(rows):
        rows[2][0] = ""  # line 3
        rows[3][2] = "31/31/2026"  # line 4: Close Date
        rows[4].append("stray cell")  # line 5

    path = _rewrite_csv(notion, edit=edit)
    page = next((notion / "Opportunities 0a1c").glob("Hooli*.md"))
    page.write_bytes(b"\xff\xfe# Hooli in UTF-16?")

    rows, quarantined = extract(NotionExportConnector(notion, ["Won"]))

    assert [(q.key, q.reason.split(":")[0]) for q in quarantined] == [
        (f"{path}:3", "no_title"), (f"{path}:4", "bad_date"), (f"{path}:5", "extra_cells"), (str(page), "not_utf8"),
    ]  # fmt: skip
    # Hooli's row loads without its page's blocks; the snapshot is stored for each day of the window
    assert rows["raw_notion_opportunities"] == (10 - 3) * len(WINDOW.days)


@pytest.mark.parametrize(
    "breakage, message",
    [
        ("semicolons", "separates its columns with semicolons, not commas"),
        ("tabs", "separates its columns with tabs, not commas"),
        ("a PDF", r"is neither the database's CSV, the export folder nor its zip"),
        ("nothing", r"export not found at .*nothing"),
    ],
)
def test_notion_export_that_cannot_be_read_says_what_to_do(tmp_path, breakage, message):
    path = copy("notion", tmp_path)
    if breakage == "semicolons":
        _rewrite_csv(path, delimiter=";")
    elif breakage == "tabs":
        _rewrite_csv(path, delimiter="\t")
    elif breakage == "a PDF":
        path = tmp_path / "notion.pdf"
        path.write_bytes(b"%PDF-1.4\n")
    else:
        path = tmp_path / "nothing"
    with pytest.raises(SourceError, match=message):
        extract(NotionExportConnector(path, ["Won"]))


def test_a_notion_csv_row_in_latin1_is_quarantined_saying_so_and_the_others_load(tmp_path):
    path = copy("notion", tmp_path)
    _rewrite_csv(path, encoding="latin-1", edit=lambda rows: rows[1].__setitem__(0, "Café Corp - Pilot"))
    rows, quarantined = extract(NotionExportConnector(path, ["Won"]))
    [row] = quarantined
    assert row.key.endswith(":2") and row.reason.startswith("not_utf8: ") and "save the CSV as UTF-8" in row.reason
    assert rows["raw_notion_opportunities"] == (10 - 1) * len(WINDOW.days)


def test_notion_database_id_that_is_no_id_is_a_config_mistake_before_any_request(monkeypatch):
    with FakeNotion() as notion:
        with pytest.raises(ConfigError, match=r"sources\.notion\.database_id 'Opportunities' is neither a Notion database id"):
            NotionApiConnector(token=notion.token, database_id="Opportunities", terminal_stages=[], base_url=notion.base_url)
        assert notion.requests == []


# ---- Usage ---------------------------------------------------------------------------------------


def _usage(tmp_path: Path, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / "usage.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_usage_rows_with_text_values_extra_cells_or_no_value_are_quarantined_by_line(tmp_path):
    path = _usage(
        tmp_path,
        "customer,date,metric,value\n"
        "Acme Corp,2026-10-06,events,100\n"
        "Acme Corp,2026-10-07,events,lots\n"
        "Globex,2026-10-07,events,5,stray\n"
        "Globex,2026-10-06,events\n"
        "Globex,Oct 7,events,6\n"
        "Initech,2026-10-07,events,7\n",
    )
    rows, quarantined = extract(UsageFileConnector(path))

    assert [(q.key, q.reason.split(":")[0]) for q in quarantined] == [
        (f"{path}:3", "bad_value"), (f"{path}:4", "extra_cells"), (f"{path}:5", "no_value"), (f"{path}:6", "bad_date"),
    ]  # fmt: skip
    assert rows["raw_usage"] == 2
    assert next(q for q in quarantined if q.key.endswith(":4")).payload["column4"] == "stray"  # nothing lost


@pytest.mark.parametrize(
    "text, encoding, message",
    [
        ("customer,date,value\nAcme,2026-10-07,5\n", "utf-8", "has a 'value' column but no 'metric' column"),
        ("customer,date,metric,value\nAcme,10/07/2026,events,5\nAcme,10/06/2026,events,4\n", "utf-8",
         r"no date in .* reads as a date \(e\.g\. '10/0[67]/2026'\); write dates as YYYY-MM-DD"),
        ("", "utf-8", r"is empty \(expected a header row"),
    ],
)
def test_usage_file_with_a_wrong_shape_says_what_to_fix(tmp_path, text, encoding, message):
    with pytest.raises(SourceError, match=message):
        extract(UsageFileConnector(_usage(tmp_path, text, encoding)))


def test_a_usage_line_saved_in_latin1_is_quarantined_saying_so_and_the_rest_loads(tmp_path):
    path = _usage(tmp_path, "customer,date,metric,value\nCafé,2026-10-07,events,5\nAcme,2026-10-07,events,6\n", "latin-1")
    rows, quarantined = extract(UsageFileConnector(path))
    assert rows["raw_usage"] == 1
    [line] = quarantined
    assert line.key == f"{path}:2" and line.reason.endswith("This file is not utf-8 encoded.")


# ---- Calls export --------------------------------------------------------------------------------


def test_a_broken_call_file_is_quarantined_on_its_day_and_cleared_once_fixed(tmp_path):
    calls = tmp_path / "calls"
    shutil.copytree(DATA / "calls", calls)
    broken = calls / "2026-10-07-broken.json"
    broken.write_text('{"call": {"metaData": ')
    connector = CallsExportConnector(calls, Team(("tracelight.io",), ()))
    window = Window.for_day(DAY, WINDOW.tz)

    def quarantine(con):
        return con.execute("SELECT record_key, partition_date, split_part(reason, ':', 1) FROM quarantine").fetchall()

    with duckdb.connect(str(tmp_path / "warehouse.duckdb")) as con:
        load_records(con, "calls", connector.tables, window, connector.extract(window), tmp_path)
        assert quarantine(con) == [(str(broken), DAY, "bad_json")]
        broken.write_text((DATA / "calls" / "2026-10-01-7782342274025937895.json").read_text())
        load_records(con, "calls", connector.tables, window, connector.extract(window), tmp_path)
        assert quarantine(con) == []


# ---- Secrets --------------------------------------------------------------------------------------

PASTED = "xoxb-1234-5678-pasted-secret-value"
# Notion's and Hex's tokens are letters, digits and underscores, like a variable's name.
PASTED_WORDLIKE = ["secret_" + "Ab3" * 14 + "x", "hxtw_" + "5bbf1c8b" * 12]


@pytest.mark.parametrize(
    "source, config, setting",
    [
        ("slack", SlackApi(mode="api", token_env=PASTED), "sources.slack.token_env"),
        ("notion", NotionApi(mode="api", token_env=PASTED, database_id="0" * 32), "sources.notion.token_env"),
        ("calls", CallsApi(mode="api", access_key_env="GONG_KEY", secret_env=PASTED), "sources.calls.secret_env"),
        ("gmail", GmailApi(mode="api", service_account_file_env=PASTED), "sources.gmail.service_account_file_env"),
    ],
)
def test_a_secret_pasted_where_its_variable_name_belongs_is_refused_and_never_echoed(source, config, setting):
    settings = Settings(
        sales_engineers=[SalesEngineer(id="alice", name="Alice", email="alice@tracelight.io")],
        sources=Sources(**{source: config}),
    )
    with pytest.raises(ConfigError) as error:
        build_connector(settings, source)
    assert str(error.value).startswith(f"{setting} should name an environment variable")
    assert PASTED not in str(error.value)


@pytest.mark.parametrize("pasted", PASTED_WORDLIKE)
def test_a_pasted_token_made_of_word_characters_is_refused_too(pasted):
    settings = Settings(sources=Sources(notion=NotionApi(mode="api", token_env=pasted, database_id="0" * 32)))
    with pytest.raises(ConfigError, match=r"^sources\.notion\.token_env should name an environment variable") as error:
        build_connector(settings, "notion")
    assert pasted not in str(error.value)


def test_a_mailbox_for_an_unknown_sales_engineer_names_its_key():
    settings = Settings(
        sales_engineers=[SalesEngineer(id="alice", name="Alice", email="alice@tracelight.io")],
        sources=Sources(gmail=GmailMbox(mode="mbox", paths={"bob": Path("bob.mbox")})),
    )
    with pytest.raises(ConfigError, match=r"^sources\.gmail\.paths\.bob: unknown sales engineer 'bob' \(known: alice\)$"):
        build_connector(settings, "gmail")


# ---- Settings and commands (no run) --------------------------------------------------------------


@pytest.fixture
def cli_env(monkeypatch):
    """The CLI exports SE_PIPELINE_CONFIG and DAGSTER_HOME: restore them afterwards."""
    monkeypatch.setenv(CONFIG_ENV, "")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("SE_PIPELINE_HOME", raising=False)


@pytest.mark.parametrize(
    "text, message",
    [
        ("sources:\n  slack: {mode: files, path: x}\n", "cfg.yaml:2:17: sources.slack.mode: unknown mode 'files' (one of: off, export, api)"),
        ("sources:\n  usage: {path: u.csv}\n", "cfg.yaml:2:10: sources.usage.mode: missing (one of: off, file, export, api)"),
        ("sources:\n  slack: {mode: export, pth: x}\n", "cfg.yaml:2:25: sources.slack.pth: unknown key (check the spelling)"),
        ("sources:\n  slack: {mode: export, path: [x}\n", "cfg.yaml:2:33: not valid YAML: expected ',' or ']', but got '}'"),
        ("sources:\n\tslack: x\n", "cfg.yaml:2:1: not valid YAML: found character '\\t' that cannot start any token (YAML indents with spaces, not tabs)"),
        ("home: \xff\xfe\n", "cfg.yaml is not UTF-8 text"),
    ],
)
def test_config_mistakes_name_the_key_or_line(tmp_path, capsys, cli_env, text, message):
    config = tmp_path / "cfg.yaml"
    config.write_bytes(text.encode("latin-1"))
    assert cli(["--config", str(config), "query", "SELECT 1"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_query_without_sql_and_a_zero_day_backfill_are_refused_with_a_message(tmp_path, capsys, cli_env):
    config = tmp_path / "cfg.yaml"
    config.write_text(f"home: {tmp_path / 'home'}\n")
    assert cli(["--config", str(config), "query", "  "]) == 2
    assert "no SQL given" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        cli(["--config", str(config), "backfill", "--start", "2026-10-01", "--end", "2026-10-02", "--days-per-run", "0"])
    assert exit_.value.code == 2
    assert "'0' is not a whole number of days, 1 or more" in capsys.readouterr().err


# ---- The CLI through Dagster ---------------------------------------------------------------------

CONFIG_HEAD = f"""\
home: home
timezone: America/New_York
start_date: '{DAY}'
company_domains: [tracelight.io]
sales_engineers:
  - {{id: alice, name: Alice Chen, email: alice@tracelight.io, slack_user_id: U01ALICE}}
customers:
  - {{name: Acme Corp, aliases: [acme], domains: [acme.com]}}
"""


def _counts(database: Path) -> dict[str, int]:
    with duckdb.connect(str(database), read_only=True) as con:
        tables = ["raw_slack_messages", "raw_gmail_messages", "raw_notion_opportunities", "raw_usage", "raw_calls",
                  "quarantine"]  # fmt: skip
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchall()[0][0] for t in tables}


def test_run_on_broken_files_quarantines_each_bad_record_once_and_writes_the_digest(tmp_path, capsys, cli_env):
    for name in ("slack", "notion"):
        copy(name, tmp_path)
    shutil.copytree(DATA / "calls", tmp_path / "calls")
    (tmp_path / "calls" / "2026-10-07-broken.json").write_text('{"call": {"metaData": ')
    (tmp_path / "slack" / "ext-acme-eval" / "2026-10-07.json").write_text('[{"ts": "17913')
    _rewrite_csv(tmp_path / "notion", edit=lambda rows: rows[2].__setitem__(0, ""))
    (tmp_path / "alice.mbox").write_bytes(_mail("From: a@acme.com\nSubject: no date") + (EVAL / "gmail" / "alice.mbox").read_bytes())
    shutil.copy(EVAL / "usage.csv", tmp_path / "usage.csv")
    with (tmp_path / "usage.csv").open("a") as usage:
        usage.write("Acme Corp,2026-10-07,seats,twelve\n")
    config = tmp_path / "cfg.yaml"
    config.write_text(
        CONFIG_HEAD
        + "sources:\n  slack: {mode: export, path: slack, workspace: tracelight}\n"
        "  gmail: {mode: mbox, paths: {alice: alice.mbox}}\n  notion: {mode: export, path: notion}\n"
        "  usage: {mode: file, path: usage.csv}\n  calls: {mode: export, path: calls}\n"
    )
    run = ["--config", str(config), "run", "--date", str(DAY)]

    assert cli(run) == 0
    out, err = capsys.readouterr()
    assert "Traceback" not in err and "digest for alice" in out
    for source in ("slack", "gmail", "notion", "usage", "calls"):
        assert f"se-pipeline: {source}: 1 record could not be read and went to quarantine" in err
    database = tmp_path / "home" / "warehouse.duckdb"
    with duckdb.connect(str(database), read_only=True) as con:
        keys = dict(con.execute("SELECT source, record_key FROM quarantine").fetchall())
    assert keys == {
        "slack": f"{tmp_path}/slack/ext-acme-eval/2026-10-07.json",
        "gmail": f"{tmp_path}/alice.mbox#0",
        "notion": f"{tmp_path}/notion/{NOTION_CSV}:3",
        "usage": f"{tmp_path}/usage.csv:{len((EVAL / 'usage.csv').read_text().splitlines()) + 1}",
        "calls": f"{tmp_path}/calls/2026-10-07-broken.json",
    }
    first = _counts(database)
    assert first["raw_slack_messages"] > 0 and first["raw_gmail_messages"] > 0 and first["raw_notion_opportunities"] == 9

    assert cli(run) == 0
    assert _counts(database) == first  # a second run duplicates nothing, quarantine included

    capsys.readouterr()
    digest = ["--config", str(config), "digest", "--se", "alice", "--date"]
    assert cli([*digest, str(DAY), "--customer", "acmee"]) == 2
    assert "no customer in alice's digest for 2026-10-07 matches 'acmee' (its customers: " in capsys.readouterr().err
    assert cli([*digest, "2026-10-05"]) == 2
    assert "no digest for alice on 2026-10-05: run `se-pipeline run --date 2026-10-05` first" in capsys.readouterr().err


def test_run_with_refused_tokens_fails_naming_each_variable_and_never_shows_a_token(tmp_path, capsys, cli_env, monkeypatch):
    slack_token, notion_token = "xoxb-1111-wrong-slack-secret", "secret_wrong-notion-secret-2222"
    monkeypatch.setenv("BAD_SLACK_TOKEN", slack_token)
    monkeypatch.setenv("BAD_NOTION_TOKEN", notion_token)
    with FakeSlack() as slack, FakeNotion() as notion:
        config = tmp_path / "cfg.yaml"
        config.write_text(
            CONFIG_HEAD
            + f"sources:\n  slack: {{mode: api, token_env: BAD_SLACK_TOKEN, base_url: '{slack.base_url}', max_retries: 0}}\n"
            f"  notion: {{mode: api, token_env: BAD_NOTION_TOKEN, database_id: '{notion.add_database()}', "
            f"base_url: '{notion.base_url}', max_retries: 0}}\n"
            f"  gmail: {{mode: mbox, paths: {{alice: '{EVAL / 'gmail' / 'alice.mbox'}'}}}}\n"
        )
        assert cli(["--config", str(config), "run", "--date", str(DAY)]) == 2
    out, err = capsys.readouterr()

    assert "Traceback" not in err and "Stack Trace" not in err
    assert "raw_slack: Slack refused the token in BAD_SLACK_TOKEN (invalid_auth)" in err
    assert "raw_notion: notion: the token in $BAD_NOTION_TOKEN was refused" in err
    assert "no digest was written" in err
    assert _counts(tmp_path / "home" / "warehouse.duckdb")["raw_gmail_messages"] > 0  # the readable source loaded
    stored = b"".join(p.read_bytes() for p in (tmp_path / "home").rglob("*") if p.is_file())
    for secret in (slack_token, notion_token):
        assert secret not in out + err
        assert secret.encode() not in stored  # warehouse, Dagster's run logs, digests


def test_a_missing_export_on_the_first_run_is_the_one_error_printed(tmp_path, capsys, cli_env):
    """The sources left off have no tables yet; their key checks must not add errors of their own."""
    config = tmp_path / "cfg.yaml"
    config.write_text(CONFIG_HEAD + f"sources:\n  slack: {{mode: export, path: '{tmp_path / 'nope.zip'}'}}\n")
    assert cli(["run", "--config", str(config), "--date", str(DAY)]) == 2  # --config after the command works too
    err = capsys.readouterr().err
    failed_steps = [line for line in err.splitlines() if line.startswith("  ")]
    assert failed_steps == [f"  raw_slack: Slack export not found: {tmp_path / 'nope.zip'} "
                            "(set sources.slack.path to the export folder or .zip)"]
