"""Optional: a language model rewrites the rule-based bullets (off unless `analysis.llm` is set).

The model sees each signal's rule summary and the text of its source messages, and answers JSON:
    {"bullets": [{"signal_id": "…", "tldr": "…", "summary": "…", "sources": ["<activity_id>", …]}]}
The answer is validated with pydantic; a bullet is kept only when it names a signal we sent and cites
at least one source, every one of them among that signal's own activity ids. Anything else is dropped
and counted, and that signal keeps its rule-written text. A failed request changes nothing.
Speaks the Anthropic Messages API or the OpenAI Chat Completions API over httpx.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass

import httpx
from pydantic import BaseModel, Field, ValidationError

from se_pipeline.analysis.rows import ActivityRow
from se_pipeline.analysis.signal import Signal
from se_pipeline.analysis.summaries import TLDR_WORDS, clip
from se_pipeline.config import LlmSettings
from se_pipeline.connectors import check_env_name
from se_pipeline.errors import ConfigError

_DEFAULT_URLS = {"anthropic": "https://api.anthropic.com", "openai": "https://api.openai.com/v1"}
_SOURCE_CHARS = 600
_INSTRUCTIONS = (
    "You help a sales engineer read their day. For each signal below, rewrite its bullet so it reads "
    "like a colleague wrote it: `tldr` at most 10 words (an imperative when the SE owes something, "
    "else a fact), `summary` one sentence. Use only facts in the source messages. Cite the source "
    "message ids you used in `sources` (ids exactly as given). Answer with JSON only: "
    '{"bullets": [{"signal_id": "...", "tldr": "...", "summary": "...", "sources": ["..."]}]}'
)


class LlmBullet(BaseModel):
    signal_id: str
    tldr: str = Field(min_length=1)
    summary: str = Field(min_length=1)
    sources: list[str] = []


class LlmAnswer(BaseModel):
    bullets: list[LlmBullet]


@dataclass
class RefineOutcome:
    rewritten: int = 0
    dropped: int = 0  # bullets without a citation, citing an unknown source, or for an unknown signal
    error: str | None = None  # why a request failed (never holds the key)


def refine_signals(signals: list[Signal], activity: list[ActivityRow], llm: LlmSettings,
                   client: httpx.Client | None = None) -> RefineOutcome:
    """Rewrite the bullets of `signals` in place where the model's answer checks out."""
    check_env_name("analysis.llm.api_key_env", llm.api_key_env)
    key = os.environ.get(llm.api_key_env)
    if not key:
        raise ConfigError(f"analysis.llm: set the environment variable {llm.api_key_env} to the API key (or remove analysis.llm)")
    texts = {row.activity_id: row.text for row in activity}
    citable = [s for s in signals if s.activity_ids]
    outcome = RefineOutcome()
    own = client or httpx.Client(timeout=llm.timeout_seconds)
    try:
        for start in range(0, len(citable), llm.max_signals):
            batch = citable[start:start + llm.max_signals]
            try:
                answer = _ask(own, llm, key, _prompt(batch, texts))
            except (httpx.HTTPError, ValidationError, ValueError, KeyError, IndexError) as exc:
                outcome.error = f"{llm.provider} request failed: {type(exc).__name__}"
                continue
            _apply(batch, answer, llm, outcome)
    finally:
        if client is None:
            own.close()
    return outcome


def _prompt(batch: list[Signal], texts: dict[str, str | None]) -> str:
    items = []
    for s in batch:
        sources = {aid: (texts.get(aid) or "")[:_SOURCE_CHARS] for aid in s.activity_ids}
        items.append({"signal_id": s.signal_id, "kind": s.kind, "owed": s.owed, "customer": s.customer,
                      "rule_summary": s.summary, "sources": sources})
    return json.dumps({"signals": items}, ensure_ascii=False)


def _ask(client: httpx.Client, llm: LlmSettings, key: str, prompt: str) -> LlmAnswer:
    base = (llm.base_url or _DEFAULT_URLS[llm.provider]).rstrip("/")
    if llm.provider == "anthropic":
        response = client.post(
            f"{base}/v1/messages",
            headers={"x-api-key": key, "anthropic-version": "2023-06-01"},
            json={"model": llm.model, "max_tokens": 4096, "system": _INSTRUCTIONS,
                  "messages": [{"role": "user", "content": prompt}]},
        )
        response.raise_for_status()
        content = "".join(part.get("text", "") for part in response.json()["content"])
    else:
        response = client.post(
            f"{base}/chat/completions",
            headers={"Authorization": f"Bearer {key}"},
            json={"model": llm.model, "response_format": {"type": "json_object"},
                  "messages": [{"role": "system", "content": _INSTRUCTIONS}, {"role": "user", "content": prompt}]},
        )
        response.raise_for_status()
        content = response.json()["choices"][0]["message"]["content"]
    # Models sometimes wrap JSON in a Markdown fence.
    content = re.sub(r"^```(json)?\s*|\s*```$", "", content.strip())
    return LlmAnswer.model_validate_json(content)


def _apply(batch: list[Signal], answer: LlmAnswer, llm: LlmSettings, outcome: RefineOutcome) -> None:
    by_id = {s.signal_id: s for s in batch}
    for bullet in answer.bullets:
        signal = by_id.get(bullet.signal_id)
        if signal is None or not bullet.sources or not set(bullet.sources) <= set(signal.activity_ids):
            outcome.dropped += 1
            continue
        signal.tldr = clip(bullet.tldr.strip(), TLDR_WORDS)
        signal.summary = bullet.summary.strip()
        signal.evidence = f"{signal.evidence}+llm:{llm.model}"
        outcome.rewritten += 1
