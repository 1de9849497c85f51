"""Gmail: each SE's mail, from Google Takeout mbox files or the Gmail API (connector.py)."""

from se_pipeline.sources.base import Source, TableSpec
from se_pipeline.sources.gmail.settings import GmailApi, GmailMbox

SOURCE = Source(
    name="gmail",
    package=__name__,
    modes=(GmailMbox, GmailApi),
    tables=(TableSpec("raw_gmail_messages", ("message_key",)),),
)
