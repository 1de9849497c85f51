"""The digest's rules, on a warehouse with hand-made signals: limits, ages, order, isolation, escaping."""

import datetime as dt
import re

import duckdb
import pytest

from se_pipeline.config import SalesEngineer, Settings
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.render import DigestSignal, build_digest_items, day_inputs, load_items, publish_digests, render_html, render_markdown
from se_pipeline.window import Window

DAY = dt.date(2026, 10, 22)


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(home=tmp_path, sales_engineers=[SalesEngineer(id="alice", name="Alice Chen", email="alice@example.com")])


@pytest.fixture
def con(settings):
    con = duckdb.connect()
    prepare(con, settings)
    con.execute("""
        CREATE TABLE opportunities AS SELECT * FROM (VALUES
            ('p1', 'Acme Corp - Platform', 'Acme Corp', 'Technical Validation', TRUE, 'https://www.notion.so/p1'),
            ('p2', 'Globex - Expansion', 'Globex', 'Proposal', TRUE, 'https://www.notion.so/p2'),
            ('p3', 'Initech - Renewal', 'Initech', 'Lost', FALSE, 'https://www.notion.so/p3'))
        t(page_id, name, customer, stage, is_active, url);
        ALTER TABLE opportunities ADD COLUMN last_edited_time TIMESTAMPTZ;
        CREATE TABLE customers AS SELECT * FROM (VALUES
            ('Acme Corp', 'acmecorp', FALSE, TRUE, 'Technical Validation', TRUE, 'Alice Chen', NULL::DATE),
            ('Globex', 'globex', FALSE, TRUE, 'Proposal', TRUE, 'Alice Chen', NULL),
            ('Initech', 'initech', FALSE, FALSE, 'Lost', TRUE, 'Alice Chen', DATE '2026-10-01'),
            ('Hooli', 'hooli', TRUE, FALSE, NULL, TRUE, NULL, NULL))
        t(customer, customer_key, is_new, has_active_opportunity, stage, is_ours, opportunity_se_name, closed_on);
        CREATE TABLE activity AS SELECT * FROM (VALUES
            ('slack:C1:ans', 'Grace Kim', 'alice', DATE '2026-10-21', 'slack', 'channel', NULL, FALSE, NULL, 'Answer', NULL),
            ('gmail:<d1@dentist.com>', 'Bright Dental', 'alice', DATE '2026-10-22', 'gmail', 'email', NULL, FALSE,
             'Appointment reminder', NULL, 'https://mail.google.com/mail/u/0/#search/rfc822msgid%3Ad1'))
        t(activity_id, author_name, se_id, activity_date, source, channel_kind, customer, author_is_se, subject, text, link);
        ALTER TABLE activity ADD COLUMN sent_at TIMESTAMPTZ;
        ALTER TABLE activity ADD COLUMN is_external_channel BOOLEAN;
        ALTER TABLE activity ADD COLUMN author_is_external BOOLEAN;
        ALTER TABLE activity ADD COLUMN is_bot BOOLEAN;
        ALTER TABLE activity ADD COLUMN author_id VARCHAR;
    """)
    models = discover_models()
    for mart in ("digest_signals", "unplaced_activity", "customer_handovers"):  # the views the digest reads
        run_model(con, models[mart], Window.for_day(DAY, settings.tz))
    return con


def add_signal(con, sid, customer, kind, owed, raised, resolved=None, summary=None, tldr=None, relevance="include",
               thread=None, excerpt=None, ids=None, evidence="test"):
    raised_at = dt.datetime.fromisoformat(raised).replace(tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    resolved_at = resolved and dt.datetime.fromisoformat(resolved).replace(tzinfo=dt.timezone(dt.timedelta(hours=-4)))
    con.execute(
        "INSERT INTO signals (signal_id, se_id, customer, kind, owed, status, raised_at, activity_date, resolved_at,"
        " resolved_by, summary, tldr, activity_ids, link, relevance, evidence, thread_key, excerpt)"
        " VALUES (?, 'alice', ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [sid, customer, kind, owed, raised_at, raised_at.date(), resolved_at, resolved and "slack:C1:ans",
         summary or f"{kind} {sid}", tldr or summary or f"{kind} {sid}", ids or [f"slack:C1:{sid}"],
         f"https://example.slack.com/archives/C1/p{sid}", relevance, evidence, thread, excerpt],
    )


def test_the_digest_reads_typed_rows_a_null_flag_is_false_never_nan(con, settings):
    # s1's message has NULL author_is_external / is_bot; s2's message is not in activity at all.
    add_signal(con, "s1", "Acme Corp", "customer_question", True, "2026-10-22T09:00:00", ids=["slack:C1:ans"])
    add_signal(con, "s2", "Acme Corp", "scheduling", False, "2026-10-22T10:00:00", ids=["slack:C1:gone"])
    (read,) = day_inputs(con, DAY, settings, ["alice"]).signals.values()
    by_id = {signal.signal_id: (section, signal) for section, signal in read}
    assert {sid: section for sid, (section, _) in by_id.items()} == {"s1": "todo", "s2": "know"}
    for _, signal in by_id.values():
        assert isinstance(signal, DigestSignal)
        assert signal.from_customer is False and signal.from_tool is False
        assert signal.resolved_at is None and signal.due_date is None and signal.resolved_by_name is None
    assert by_id["s1"][1].activity_ids == ["slack:C1:ans"]


def test_open_items_persist_with_their_age_until_answered(con, settings):
    add_signal(con, "1", "Acme Corp", "customer_question", True, "2026-10-20T10:00", resolved="2026-10-24T09:00",
               summary="Priya asked whether SAML group mapping is supported", tldr="Answer Acme: SAML group mapping support?")
    on_22 = build_digest_items(con, "alice", DAY, settings)
    todo = [i for i in on_22 if i.section == "todo"]
    assert [(i.text, i.age_days) for i in todo] == [("Priya asked whether SAML group mapping is supported (open 2 days)", 2)]
    assert [i.text for i in on_22 if i.section == "tldr"] == ["Answer Acme: SAML group mapping support?"]
    on_24 = build_digest_items(con, "alice", dt.date(2026, 10, 24), settings)
    assert not [i for i in on_24 if i.section == "todo"], "answered on the 24th: no longer owed"


def test_section_limits_overflow_and_tldr_words(con, settings):
    for n in range(10):
        add_signal(con, f"q{n}", "Acme Corp", "customer_question", True, f"2026-10-22T09:0{n}",
                   tldr="Answer Acme about the very long question number with many extra words")
    for n in range(9):
        add_signal(con, f"k{n}", "Acme Corp", "scheduling", False, f"2026-10-22T11:0{n}")
    items = build_digest_items(con, "alice", DAY, settings)
    shown = lambda section: [i for i in items if i.section == section and i.shown]
    assert len(shown("todo")) == 7 and len(shown("know")) == 7 and len(shown("tldr")) == 3
    assert all(len(i.text.split()) <= 10 for i in shown("tldr"))
    markdown = render_markdown(items, "Alice Chen", "alice", DAY)
    overflow = re.findall(r'se-pipeline query "(.+?)"`', markdown)
    assert len(overflow) == 2
    # The overflow line's query really returns the hidden lines.
    publish_digests(con, Window.for_day(DAY, settings.tz), settings)
    assert len(con.execute(overflow[0]).fetchall()) == 10


def test_customers_by_urgency_closed_ones_left_out_and_new_shown(con, settings):
    add_signal(con, "g1", "Globex", "scheduling", False, "2026-10-22T09:00")
    add_signal(con, "a1", "Acme Corp", "customer_question", True, "2026-10-19T09:00")
    add_signal(con, "i1", "Initech", "customer_question", True, "2026-10-22T09:00")
    add_signal(con, "h1", "Hooli", "new_customer", False, "2026-10-22T10:00")
    markdown = render_markdown(build_digest_items(con, "alice", DAY, settings), "Alice Chen", "alice", DAY)
    headers = re.findall(r"^## (.+)$", markdown, re.MULTILINE)
    assert headers[0] == "Acme Corp : Technical Validation"
    assert "Hooli : New" in headers and "Globex : Proposal" in headers
    assert not any(h.startswith("Initech") for h in headers)
    assert "Initech (Lost): 1 item left out" in markdown.split("## Not included")[1]


def test_every_bullet_cites_and_each_customer_keeps_its_own(con, settings):
    add_signal(con, "a1", "Acme Corp", "customer_question", True, "2026-10-22T09:00")
    add_signal(con, "g1", "Globex", "legal_security_procurement", False, "2026-10-22T09:30")
    add_signal(con, "u1", None, "customer_question", True, "2026-10-22T10:00", relevance="uncertain")
    markdown = render_markdown(build_digest_items(con, "alice", DAY, settings), "Alice Chen", "alice", DAY)
    sections = markdown.split("\n## ")
    acme = next(s for s in sections if s.startswith("Acme"))
    globex = next(s for s in sections if s.startswith("Globex"))
    assert "pa1" in acme and "pg1" not in acme
    assert "pg1" in globex and "pa1" not in globex
    bullets = re.findall(r"^(?:Todo|Things to know):\n((?:- .*\n)+)", markdown, re.MULTILINE)
    assert len(bullets) == 2
    for line in "".join(bullets).splitlines():
        assert re.search(r"\(\[(Slack|email|Notion|call|source)\]\(https://", line), line
    assert "pu1" in sections[-1] and sections[-1].startswith("Not included")
    # Mail of the day with no customer and nothing notable may be personal: listed, linked, not dropped.
    assert "- Email from Bright Dental: Appointment reminder ([email](https://mail.google.com/" in sections[-1]


def test_message_text_cannot_inject_markup(con, settings):
    add_signal(con, "x1", "Acme Corp", "customer_question", True, "2026-10-22T09:00",
               summary="<script>alert(1)</script> see [click](https://evil.example)")
    items = build_digest_items(con, "alice", DAY, settings)
    assert "<script>" not in render_html(items, "Alice Chen", DAY)
    assert "[click](" not in render_markdown(items, "Alice Chen", "alice", DAY)


def test_publishing_twice_gives_the_same_rows_and_bytes_and_filters_by_customer(con, settings):
    add_signal(con, "a1", "Acme Corp", "customer_question", True, "2026-10-22T09:00")
    add_signal(con, "g1", "Globex", "scheduling", False, "2026-10-22T09:30")
    window = Window.for_day(DAY, settings.tz)
    first = publish_digests(con, window, settings)[0].path.read_bytes()
    publish_digests(con, window, settings)
    assert publish_digests(con, window, settings)[0].path.read_bytes() == first
    assert con.execute("SELECT count(*) FROM digests").fetchall() == [(1,)]
    assert {i.customer for i in load_items(con, "alice", DAY.isoformat(), ["acme"])} == {"Acme Corp"}


def test_a_promise_in_the_thread_of_an_ask_is_one_todo_and_same_day_answers_say_so(con, settings):
    add_signal(con, "ask", "Acme Corp", "action_item", True, "2026-10-22T09:00", thread="C1:ask",
               summary="Tom asked you to send the POC criteria.")
    add_signal(con, "promise", "Acme Corp", "commitment", True, "2026-10-22T09:05", thread="C1:ask",
               excerpt="I'll send it by Sunday.")
    add_signal(con, "q", "Acme Corp", "customer_question", True, "2026-10-22T10:00", resolved="2026-10-22T11:00",
               summary="Priya asked about OTel 0.110.")
    items = build_digest_items(con, "alice", DAY, settings)
    todo = [i for i in items if i.section == "todo"]
    assert [i.text for i in todo] == ["Tom asked you to send the POC criteria. You replied: “I'll send it by Sunday.”"]
    assert todo[0].activity_ids == ["slack:C1:ask", "slack:C1:promise"]
    assert [i.text for i in items if i.section == "know"] == ["Priya asked about OTel 0.110. Answered by Grace Kim."]


def test_a_chased_ask_is_one_line_citing_both_and_the_tldr_never_repeats_a_settled_ask(con, settings):
    add_signal(con, "q1", "Acme Corp", "customer_question", True, "2026-10-19T09:00", thread="C1:q1",
               summary="Priya asked: “Should we raise the buffer size?”", excerpt="Should we raise the buffer size?")
    add_signal(con, "c1", "Acme Corp", "customer_question", True, "2026-10-22T08:00", thread="C1:q1",
               summary="Priya chased their question of Oct 19", excerpt="Should we raise the buffer size?",
               ids=["slack:C1:c1", "slack:C1:q1"], evidence="rule:chase")
    add_signal(con, "s1", "Globex", "customer_question", True, "2026-10-22T09:00", resolved="2026-10-22T09:30",
               tldr="Answer Globex: trial length?")
    items = build_digest_items(con, "alice", DAY, settings)
    [todo] = [i for i in items if i.section == "todo"]
    assert todo.text == "Priya asked: “Should we raise the buffer size?” (chased today; open 3 days)"
    assert [todo.link, *todo.links] == ["https://example.slack.com/archives/C1/pq1", "https://example.slack.com/archives/C1/pc1"]
    assert not [i for i in items if i.section == "tldr" and i.customer == "Globex"]


def test_facts_stay_in_things_to_know_for_a_week_with_their_day(con, settings):
    add_signal(con, "old", "Acme Corp", "competitor_mention", False, "2026-10-12T09:00", summary="Dana mentioned Rival")
    add_signal(con, "week", "Acme Corp", "legal_security_procurement", False, "2026-10-16T09:00", summary="DPA redlines sent")
    add_signal(con, "today", "Acme Corp", "negative_tone", False, "2026-10-22T09:00", summary="Dana sounds frustrated")
    know = [i.text for i in build_digest_items(con, "alice", DAY, settings) if i.section == "know"]
    assert know == ["Dana sounds frustrated", "Oct 16: DPA redlines sent"]


def test_the_same_ask_by_mail_and_slack_is_one_line_and_two_asks_on_one_topic_stay_two(con, settings):
    add_signal(con, "m1", "Acme Corp", "action_item", True, "2026-10-20T09:00", excerpt="Can we get the signed bridge letter?")
    add_signal(con, "e1", "Acme Corp", "action_item", True, "2026-10-21T09:00", excerpt="Please send them the bridge letter link.")
    con.execute("UPDATE signals SET link = 'https://mail.google.com/mail/u/0/#search/rfc822msgid%3Ae1' WHERE signal_id = 'e1'")
    add_signal(con, "q1", "Acme Corp", "customer_question", True, "2026-10-21T10:00",
               excerpt="Can the MQTT source route topic wildcards to one table per site?")
    add_signal(con, "q2", "Acme Corp", "customer_question", True, "2026-10-22T10:00",
               excerpt="Can you confirm the new latency criterion is achievable with the MQTT source?")
    todo = [i for i in build_digest_items(con, "alice", DAY, settings) if i.section == "todo"]
    assert len(todo) == 3
    [merged] = [i for i in todo if i.signal_id == "m1"]
    assert merged.links == ["https://mail.google.com/mail/u/0/#search/rfc822msgid%3Ae1"]


def test_two_asks_that_share_only_their_background_stay_two(con, settings):
    add_signal(con, "s1", "Acme Corp", "action_item", True, "2026-10-20T09:00", excerpt="Can you prepare that?",
               summary="Ana asked you: “Can you prepare that?” Context: “For the steering committee we need a one-pager on roles.”")
    add_signal(con, "n1", "Acme Corp", "action_item", True, "2026-10-22T09:00",
               excerpt="Can you add the benchmark numbers to the criteria field?",
               summary="Jo asked you: “Can you add the benchmark numbers to the criteria field?” Context: “The steering committee moved the date.”")
    con.execute("UPDATE signals SET link = 'https://www.notion.so/p1#n1' WHERE signal_id = 'n1'")
    todo = [i for i in build_digest_items(con, "alice", DAY, settings) if i.section == "todo"]
    assert len(todo) == 2


def test_a_day_not_over_is_digested_as_of_then_and_a_run_after_it_replaces_that(con, settings):
    add_signal(con, "a1", "Acme Corp", "customer_question", True, "2026-10-22T09:00")
    window = Window.for_day(DAY, settings.tz)
    midday = dt.datetime.combine(DAY, dt.time(14, 5), settings.tz)
    path = publish_digests(con, window, settings, read_at=midday)[0].path
    so_far = path.read_bytes()
    assert so_far.startswith(b"# Digest for Alice Chen: 2026-10-22, as of 14:05\n")
    assert "2026-10-22, as of 14:05" in path.with_suffix(".html").read_text()
    publish_digests(con, window, settings, read_at=midday)  # refreshed as often as asked: same rows, same bytes
    assert path.read_bytes() == so_far
    assert con.execute("SELECT count(*), max(as_of) FROM digests").fetchall() == [(1, midday)]
    # The morning after, the whole day's run replaces the "so far" digest.
    publish_digests(con, window, settings, read_at=dt.datetime.combine(DAY + dt.timedelta(days=1), dt.time(6), settings.tz))
    assert path.read_text().startswith("# Digest for Alice Chen: 2026-10-22\n")
    assert con.execute("SELECT count(*), max(as_of) FROM digests").fetchall() == [(1, None)]
