"""LLM refinement against a fake Anthropic / OpenAI endpoint on 127.0.0.1 (real httpx, real HTTP)."""

from __future__ import annotations

import datetime as dt
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from zoneinfo import ZoneInfo

import duckdb
import pytest

from se_pipeline.analysis import AnalysisSettings, LlmSettings, refresh_signals
from se_pipeline.config import SalesEngineer, Settings
from se_pipeline.window import Window

TZ = ZoneInfo("America/New_York")
KEY_ENV = "SE_PIPELINE_TEST_LLM_KEY"
SECRET = "sk-test-not-a-real-key-123"
QUESTION_ID = "slack:C1:100"


class SettingsWithAnalysis(Settings):
    """What Settings looks like once the lead adds the `analysis` section."""

    analysis: AnalysisSettings = AnalysisSettings()


class FakeModel:
    """Answers like the provider's API; `bullets_for` decides the model's bullets from the prompt."""

    def __init__(self, provider: str, status: int = 200):
        self.provider = provider
        self.status = status
        self.requests: list[dict] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's naming)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                fake.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                if fake.status != 200:
                    self.send_response(fake.status)
                    self.end_headers()
                    self.wfile.write(b'{"error": {"type": "overloaded_error"}}')
                    return
                prompt = body["messages"][-1]["content"]
                answer = json.dumps({"bullets": fake.bullets_for(json.loads(prompt)["signals"])})
                if fake.provider == "anthropic":
                    payload = {"id": "msg_1", "type": "message", "role": "assistant", "model": body["model"],
                               "content": [{"type": "text", "text": "```json\n" + answer + "\n```"}],
                               "stop_reason": "end_turn"}
                else:
                    payload = {"id": "chatcmpl-1", "object": "chat.completion", "model": body["model"],
                               "choices": [{"index": 0, "finish_reason": "stop",
                                            "message": {"role": "assistant", "content": answer}}]}
                data = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @staticmethod
    def bullets_for(signals: list[dict]) -> list[dict]:
        question = next(s for s in signals if s["kind"] == "customer_question")
        competitor = next(s for s in signals if s["kind"] == "competitor_mention")
        return [
            {"signal_id": question["signal_id"], "tldr": "Answer Acme: do OTLP exporters work out of the box?",
             "summary": "Dana at Acme wants to know whether OTLP exporters work without extra setup.",
             "sources": list(question["sources"])},
            # Cites a message that is not this signal's source: dropped.
            {"signal_id": competitor["signal_id"], "tldr": "Acme is trialling Datadog",
             "summary": "Acme signed with Datadog.", "sources": ["slack:C9:999"]},
            # Cites nothing: dropped.
            {"signal_id": competitor["signal_id"], "tldr": "Acme compares vendors", "summary": "…", "sources": []},
            # A signal we never sent: dropped.
            {"signal_id": "0000000000000000", "tldr": "Invented", "summary": "Invented.", "sources": [QUESTION_ID]},
        ]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "FakeModel":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def con():
    connection = duckdb.connect()
    connection.execute(
        """
        CREATE TABLE activity AS SELECT * FROM (VALUES
            ('slack:C1:100', DATE '2026-10-20', TIMESTAMPTZ '2026-10-20 10:00:00-04', 'slack', 'Acme Corp', 'alice',
             'ext-acme-eval', 'ext', TRUE, 'C1:100', FALSE, 'U10DANA', 'Dana Wu', 'dana@acme.com', TRUE, FALSE, FALSE,
             NULL, NULL, 'Does the agent support OpenTelemetry exporters? We also use Datadog today.',
             'https://x.slack.com/archives/C1/p100')
        ) t(activity_id, activity_date, sent_at, source, customer, se_id, channel, channel_kind, is_external_channel,
            thread_key, is_reply, author_id, author_name, author_email, author_is_external, author_is_se, is_bot,
            bot_name, subject, text, link)
        """
    )
    yield connection
    connection.close()


def settings_for(provider: str, url: str) -> SettingsWithAnalysis:
    return SettingsWithAnalysis(
        sales_engineers=[SalesEngineer(id="alice", name="Alice Chen", email="alice@tracelight.io")],
        analysis=AnalysisSettings(competitors=["Datadog"],
                                  llm=LlmSettings(provider=provider, base_url=url, model="fake-1", api_key_env=KEY_ENV)),
    )


@pytest.mark.parametrize("provider", ["anthropic", "openai"])
def test_model_bullets_replace_rule_text_only_when_they_cite_the_signals_own_sources(con, monkeypatch, provider):
    monkeypatch.setenv(KEY_ENV, SECRET)
    with FakeModel(provider) as fake:
        report = refresh_signals(con, Window.for_day(dt.date(2026, 10, 20), TZ), settings_for(provider, fake.url))
    assert (report.llm_rewritten, report.llm_dropped) == (1, 3)
    rows = dict(con.execute("SELECT kind, tldr || ' | ' || evidence FROM signals").fetchall())
    assert rows["customer_question"] == "Answer Acme: do OTLP exporters work out of the box? | rule:customer_question+llm:fake-1"
    assert rows["competitor_mention"].startswith("Acme mentioned Datadog")  # the rule's text stays

    [request] = fake.requests
    if provider == "anthropic":
        assert request["path"] == "/v1/messages" and request["headers"]["x-api-key"] == SECRET
    else:
        assert request["path"] == "/chat/completions" and request["headers"]["Authorization"] == f"Bearer {SECRET}"


def test_a_failing_endpoint_leaves_the_rule_bullets_and_never_leaks_the_key(con, monkeypatch):
    monkeypatch.setenv(KEY_ENV, SECRET)
    with FakeModel("anthropic", status=529) as fake:
        settings = settings_for("anthropic", fake.url)
        report = refresh_signals(con, Window.for_day(dt.date(2026, 10, 20), TZ), settings)
    assert report.llm_rewritten == 0
    assert not con.execute("SELECT count(*) FROM signals WHERE evidence LIKE '%llm%'").fetchone()[0]
    assert SECRET not in json.dumps(report.as_metadata())


def test_without_llm_settings_no_request_is_made(con):
    with FakeModel("anthropic") as fake:
        refresh_signals(con, Window.for_day(dt.date(2026, 10, 20), TZ),
                        SettingsWithAnalysis(sales_engineers=[SalesEngineer(id="alice", name="Alice Chen", email="alice@tracelight.io")]))
    assert fake.requests == []


def test_missing_key_is_a_config_error_naming_the_variable(con, monkeypatch):
    from se_pipeline.errors import ConfigError

    monkeypatch.delenv(KEY_ENV, raising=False)
    with pytest.raises(ConfigError, match=KEY_ENV):
        refresh_signals(con, Window.for_day(dt.date(2026, 10, 20), TZ), settings_for("anthropic", "http://127.0.0.1:9"))


def test_a_key_pasted_where_its_variable_name_belongs_is_refused_without_echoing_it(con):
    from se_pipeline.errors import ConfigError

    settings = settings_for("anthropic", "http://127.0.0.1:9")
    settings.analysis.llm.api_key_env = SECRET
    with pytest.raises(ConfigError) as refused:
        refresh_signals(con, Window.for_day(dt.date(2026, 10, 20), TZ), settings)
    assert "analysis.llm.api_key_env" in str(refused.value) and SECRET not in str(refused.value)
