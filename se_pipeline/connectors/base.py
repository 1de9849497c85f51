"""What every connector provides."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from typing import Protocol

from se_pipeline.errors import ConfigError
from se_pipeline.pages import Page
from se_pipeline.window import Window

_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A run this long between underscores is a token's random part (Hex's hxtw_<96 hex>, Notion's
# secret_<43>), not a word of a variable's name.
_TOKEN_RUN = re.compile(r"[A-Za-z0-9]{24,}")


class Connector(Protocol):
    @property
    def source(self) -> str: ...  # slack | gmail | notion | usage | calls | …
    @property
    def tables(self) -> tuple[str, ...]: ...  # raw tables extract() yields rows for
    @property
    def calls(self) -> int: ...  # API calls made so far (0 for files)

    def extract(self, window: Window) -> Iterator[Page]:
        """Yield pages of records whose local day falls in `window` (dimensions: all of them)."""
        ...


def is_env_name(name: str) -> bool:
    """Whether `name` can be an environment variable's name, rather than a secret pasted in its place."""
    return bool(_ENV_NAME.fullmatch(name)) and not _TOKEN_RUN.search(name)


def env_secret(name: str) -> tuple[str, str | None]:
    """The secret in environment variable `name` (surrounding blanks dropped), and what is wrong
    when there is none: "… is not set" or "… is empty (an empty token)" (a blank one would otherwise be
    sent as a malformed header and fail as if the API did not answer)."""
    value = os.environ.get(name)
    if value is None:
        return "", f"the environment variable {name} is not set"
    if not value.strip():
        return "", f"the environment variable {name} is empty (an empty token)"
    return value.strip(), None


def check_env_name(setting: str, name: str) -> None:
    """Refuse a setting that should name an environment variable but holds something else.

    Most likely the secret itself was pasted there; the messages that name the variable
    ("set the environment variable X") would then print it, so it is refused without being echoed.
    """
    if not is_env_name(name):
        raise ConfigError(
            f"{setting} should name an environment variable, but holds something else (the secret itself?): "
            "put the secret in an environment variable and write that variable's name there; if the secret "
            "was in the configuration file, revoke it and make a new one"
        )
