"""The Slack export connector reads a workspace export (folder or zip) into the raw Slack tables."""

import datetime as dt
import shutil
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.config import Settings, SlackExport, Sources
from se_pipeline.sources.slack import SlackExportConnector, from_settings
from se_pipeline.errors import SourceError
from se_pipeline.warehouse import Quarantined, Rows, load_records

EXPORT = Path(__file__).parent / "data" / "slack" / "export"
NY = ZoneInfo("America/New_York")
OCT_2 = dt.date(2026, 10, 2)


def window(day=OCT_2, last=None):
    from se_pipeline.window import Window

    return Window(day, last or day, NY)


def extract(path, win=None):
    connector = SlackExportConnector(path, "acme-se", own_user_ids=["U01ALICE"])
    records = list(connector.extract(win or window()))
    rows = {}
    for r in records:
        if isinstance(r, Rows):
            rows.setdefault(r.table, []).extend(r.rows)
    quarantined = [r for r in records if isinstance(r, Quarantined)]
    return rows, quarantined, connector


def by_key(rows):
    return {r["message_key"]: r for r in rows["raw_slack_messages"]}


def zip_folder(folder: Path, target: Path, top: str | None) -> Path:
    with zipfile.ZipFile(target, "w") as archive:
        for file in sorted(folder.rglob("*")):
            if file.is_file():
                name = file.relative_to(folder).as_posix()
                archive.write(file, f"{top}/{name}" if top else name)
    return target


def test_the_window_holds_the_local_days_messages_from_every_kind_of_conversation():
    rows, quarantined, _ = extract(EXPORT)
    messages = by_key(rows)
    assert quarantined == []
    assert {r["channel_type"] for r in messages.values()} == {"public", "private", "im", "mpim"}
    assert all(r["partition_date"] == OCT_2 for r in messages.values())
    # 22:00 local on Oct 2 sits in Slack's 2026-10-03 (UTC) day file, and is read
    assert "C01ACME:1790992800.000800" in messages
    # 23:00 local on Oct 1 sits in the 2026-10-02 file, and belongs to Oct 1
    assert "C01ACME:1790910000.000700" not in messages
    # the channel_join notice is not a message
    assert "C01ACME:1790940000.000100" not in messages
    assert len(messages) == 12


def test_a_reply_today_to_an_old_question_arrives_without_its_parent():
    messages = by_key(extract(EXPORT)[0])
    reply = messages["C01ACME:1790949900.000300"]
    assert reply["is_reply"] and reply["thread_ts"] == "1789221600.000100"
    assert reply["permalink"] == (
        "https://acme-se.slack.com/archives/C01ACME/p1790949900000300?thread_ts=1789221600.000100&cid=C01ACME"
    )
    assert reply["text"] == "@here yes, SCIM is GA <3 see #opp-globex-renewal"
    assert (reply["user_name"], reply["is_ext_shared"]) == ("Alice Chen", True)
    assert not any(k.endswith("1789221600.000100") for k in messages)  # the parent stays in September


def test_dimensions_name_people_and_conversations():
    rows, _, _ = extract(EXPORT)
    users = {u["user_id"]: u for u in rows["raw_slack_users"]}
    assert users["U09CAROL"]["is_external"] and not users["U01ALICE"]["is_external"]  # another team
    assert users["U04GONG"]["is_bot"]
    assert users["U01ALICE"]["email"] == "alice@example.com"
    channels = {c["channel_id"]: c for c in rows["raw_slack_channels"]}
    assert channels["D01AB"]["name"] == "Bob Park"  # a DM is titled by the other person
    assert channels["G01PROJ"]["channel_type"] == "private"
    assert channels["C01ACME"]["topic"] == "Acme evaluation, shared with Acme"
    assert channels["C01ACME"]["members"] == ["U01ALICE", "U02BOB", "U09CAROL"]


def test_only_the_day_files_that_can_hold_the_window_are_read():
    _, _, connector = extract(EXPORT)
    # ext-acme-eval 10-02 and 10-03, opp-globex 10-02, general 10-01, proj 10-02, DM 10-02, mpim 10-02;
    # never the September file nor anything further away.
    assert connector.day_files_read == 7


@pytest.mark.parametrize("top", [None, "Acme SE Slack export Oct 1 2026 - Oct 3 2026"])
def test_a_zip_gives_the_same_rows_as_the_folder(tmp_path, top):
    archive = zip_folder(EXPORT, tmp_path / "export.zip", top)
    folder_rows, _, _ = extract(EXPORT)
    zip_rows, zip_quarantined, _ = extract(archive)
    assert zip_rows == folder_rows and zip_quarantined == []
    assert len(zip_rows["raw_slack_messages"]) == 12


def test_a_broken_day_file_is_quarantined_and_the_rest_loads(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "opp-globex-renewal" / "2026-10-02.json").write_text('[{"type": "message", "ts": ', encoding="utf-8")
    day_file = export / "D01AB" / "2026-10-02.json"
    day_file.write_text(day_file.read_text().replace('"ts": "1790952000.000100",', ""), encoding="utf-8")
    rows, quarantined, _ = extract(export)
    reasons = {q.key: q.reason for q in quarantined}
    broken = str(export / "opp-globex-renewal" / "2026-10-02.json")
    assert reasons[broken].startswith("bad_json:")
    assert reasons[f"{day_file}:message[0]"].startswith("no_ts:")
    assert all(q.partition_date == OCT_2 and q.source == "slack" for q in quarantined)
    messages = by_key(rows)
    assert not any(k.startswith(("C02GLOBEX:", "D01AB:")) for k in messages)
    assert len(messages) == 12 - 3 - 1  # the three Globex messages and the DM are out; the rest loaded


def test_a_broken_neighbour_day_is_left_to_its_own_days_run(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "general" / "2026-10-01.json").write_text("not json", encoding="utf-8")
    _, quarantined, _ = extract(export)  # window Oct 2 reads Oct 1 only for spill-over
    assert quarantined == []
    _, quarantined, _ = extract(export, window(dt.date(2026, 10, 1)))
    assert [q.reason.split(":")[0] for q in quarantined] == ["bad_json"]


def test_loading_a_window_twice_leaves_the_same_rows(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    (export / "general" / "2026-10-02.json").write_text("{oops", encoding="utf-8")
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    connector = SlackExportConnector(export, "acme-se")
    win = window(dt.date(2026, 10, 1), OCT_2)
    counts = []
    for _ in range(2):
        report = load_records(con, "slack", connector.tables, win, connector.extract(win))
        counts.append(
            {t: con.execute(f"select count(*) from {t}").fetchone()[0]
             for t in ("raw_slack_messages", "raw_slack_users", "raw_slack_channels", "quarantine")}
        )
        assert report.quarantined == 1
    assert counts[0] == counts[1]
    assert counts[0]["raw_slack_messages"] == 12 + 2  # Oct 2's twelve, Oct 1's late note and the general message
    text, link = con.execute(
        "select text, permalink from raw_slack_messages where message_key = 'C02GLOBEX:1790949960.000100'"
    ).fetchone()
    assert text == "Renewal quote sent to pat@globex.com"
    assert link == "https://acme-se.slack.com/archives/C02GLOBEX/p1790949960000100"


def test_a_missing_or_foreign_export_is_a_source_error_naming_the_path(tmp_path):
    with pytest.raises(SourceError, match="not found"):
        extract(tmp_path / "nowhere.zip")
    (tmp_path / "users.json").write_text("[]")
    with pytest.raises(SourceError, match="channels.json"):
        extract(tmp_path)
    (tmp_path / "bad.zip").write_text("not a zip")
    with pytest.raises(SourceError, match="bad.zip"):
        extract(tmp_path / "bad.zip")


def test_settings_choose_the_export_connector():
    settings = Settings(sources=Sources(slack=SlackExport(mode="export", path=EXPORT, workspace="acme-se")))
    connector = from_settings(settings)
    assert isinstance(connector, SlackExportConnector)
    assert (connector.source, connector.calls, connector.workspace) == ("slack", 0, "acme-se")


def test_a_day_file_linked_from_outside_the_export_is_not_read(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    outside = tmp_path / "elsewhere.json"
    outside.write_text('[{"type": "message", "ts": "1790949900.000900", "user": "U01ALICE", "text": "leak"}]')
    (export / "general" / "2026-10-02.json").symlink_to(outside)
    rows, quarantined, _ = extract(export)
    assert not any(r["text"] == "leak" for r in rows["raw_slack_messages"]) and quarantined == []
    assert len(rows["raw_slack_messages"]) == 12


def test_a_conversation_found_by_name_and_by_id_reads_each_day_once_from_its_name_folder(tmp_path):
    export = tmp_path / "export"
    shutil.copytree(EXPORT, export)
    by_id = export / "C01ACME"  # the same channel's folder under its id, one day the same, one day only there
    by_id.mkdir()
    shutil.copy(export / "ext-acme-eval" / "2026-10-02.json", by_id / "2026-10-02.json")
    (by_id / "2026-10-02.json").write_text((by_id / "2026-10-02.json").read_text().replace('"text": "', '"text": "by id: '))
    (by_id / "2026-10-01.json").write_text('[{"type": "message", "ts": "1790870400.000100", "user": "U01ALICE", '
                                           '"text": "only in the id folder"}]')
    rows, _, connector = extract(export, window(dt.date(2026, 10, 1), OCT_2))
    texts = [r["text"] or "" for r in rows["raw_slack_messages"] if r["channel_id"] == "C01ACME"]
    assert "only in the id folder" in texts and not any(t.startswith("by id: ") for t in texts)
    assert len(texts) == len(set(texts))
