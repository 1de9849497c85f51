"""Gmail: each SE's mail, from Google Takeout mbox files or the Gmail API (connector.py)."""

from typing import TYPE_CHECKING

from se_pipeline.lazy import lazy_exports
from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.gmail.settings import GmailApi, GmailMbox

SOURCE = Source(
    name="gmail",
    package=__name__,
    modes=(GmailMbox, GmailApi),
    tables=(TableSpec("raw_gmail_messages", ("message_key",)),),
)

if TYPE_CHECKING:  # the connectors' modules import their clients: on first use only
    from se_pipeline.sources.gmail.connector import GmailApiConnector, GmailMboxConnector, from_settings, load_credentials
    from se_pipeline.sources.gmail.changes import GmailWatcher
    from se_pipeline.sources.gmail.guarded_http import DEFAULT_ROOT_URL, GuardedHttp

if not TYPE_CHECKING:  # type checkers read the imports under TYPE_CHECKING
    __getattr__ = lazy_exports(__name__, {
        "connector": ("GmailApiConnector", "GmailMboxConnector", "from_settings", "load_credentials"),
        "changes": ("GmailWatcher",),
        "guarded_http": ("DEFAULT_ROOT_URL", "GuardedHttp"),
    })

__all__ = [
    "DEFAULT_ROOT_URL", "from_settings", "GmailApi", "GmailApiConnector", "GmailMbox", "GmailMboxConnector",
    "GmailWatcher", "GuardedHttp", "load_credentials", "SOURCE"
]
