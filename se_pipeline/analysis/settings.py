"""The `analysis:` section of the configuration (pydantic; the lead wires it into Settings)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class LlmSettings(BaseModel):
    """An Anthropic- or OpenAI-compatible endpoint that rewrites the rule-based bullets (off unless set)."""

    model_config = ConfigDict(extra="forbid")

    provider: Literal["anthropic", "openai"]
    base_url: str | None = None  # None: the provider's public API
    model: str
    api_key_env: str  # the environment variable holding the key; the key itself never lives in config
    timeout_seconds: float = Field(default=60.0, gt=0)
    max_signals: int = Field(default=200, gt=0)  # per request


class AnalysisSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    competitors: list[str] = []  # empty: the built-in list of observability / dev-tools vendors
    slow_response_days: int = Field(default=3, ge=1)
    lookback_days: int = Field(default=30, ge=1)  # open items raised this far back are re-checked each run
    llm: LlmSettings | None = None


def analysis_settings(settings: Any) -> AnalysisSettings:
    """The `analysis` section of `settings`, or the defaults while Settings has none."""
    section = getattr(settings, "analysis", None)
    if section is None:
        return AnalysisSettings()
    if isinstance(section, AnalysisSettings):
        return section
    data = section.model_dump() if isinstance(section, BaseModel) else section
    return AnalysisSettings.model_validate(data)
