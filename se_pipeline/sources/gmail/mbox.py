"""Gmail export: one mbox per SE (Google Takeout), read as a stream of messages."""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import re
import signal
from collections import deque
from collections.abc import Generator, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from itertools import islice
from email import policy, utils
from email.parser import BytesHeaderParser
from pathlib import Path

from se_pipeline.sources.gmail.mime import parse_headers, parse_message
from se_pipeline.sources.gmail.rows import (
    PAGE_ROWS,
    SKIPPED_LABELS,
    TABLE,
    MailboxMeta,
    UnparseableMessage,
    build_row,
    sent_at,
    takeout_labels,
)
from se_pipeline.errors import SourceError
from se_pipeline.pages import Quarantined, Rows, paged
from se_pipeline.window import Window

_POSTMARK = re.compile(rb"From \S+ .*\b\d{1,2}:\d{2}")
_QUARANTINE_HEAD = 4096  # bytes of a bad message kept in quarantine, for a person to look at
_HEADER_END = re.compile(rb"\r?\n\r?\n")
# compat32 returns header values as plain strings, about 4x cheaper than policy.default's header objects.
_QUICK_HEADERS = BytesHeaderParser(policy=policy.compat32)
# Mailboxes are read in worker processes, one mailbox each, when together they are at least this big:
# below it, starting the processes (about a second each) costs more than the parse it shares out.
POOL_MIN_BYTES = 16 * 2**20


def iter_mbox(path: Path) -> Generator[tuple[int, bytes], None, None]:
    """(index, message bytes) for each message, reading line by line: one message in memory.

    A message starts at a "From " postmark line ("From <sender> <date with a time>") at the top
    of the file or after an empty line; a body line that merely begins with "From " and was not
    escaped by the writer does not split. The postmark line itself is not part of the message.
    """
    index = -1
    lines: list[bytes] = []
    previous_blank = True
    with path.open("rb") as handle:
        for line in handle:
            if previous_blank and _POSTMARK.match(line):
                if index >= 0:
                    yield index, b"".join(lines)
                index += 1
                lines = []
            elif index >= 0:
                lines.append(line)
            previous_blank = not line.strip()
    if index >= 0:
        yield index, b"".join(lines)


class GmailMboxConnector:
    """Reads each SE's mbox; rows for messages whose local day is in the window.

    `workers`: processes that read mailboxes side by side; None means one per core when the
    mailboxes are big enough to pay for them (POOL_MIN_BYTES), else the mailboxes are read here.
    Records come out in mailbox order either way, so the load is the same.
    """

    source = "gmail"
    tables = (TABLE,)

    def __init__(self, mailboxes: dict[str, Path], workers: int | None = None):
        self.mailboxes = dict(mailboxes)
        self.workers = workers
        self.calls = 0  # files: no API calls

    def extract(self, window: Window) -> Iterator[Rows | Quarantined]:
        mailboxes = [(se_id, Path(path)) for se_id, path in self.mailboxes.items()]
        workers = self._workers(mailboxes)
        if workers <= 1:
            for se_id, path in mailboxes:
                yield from _mailbox(se_id, path, window)
            return
        yield from _read_in_pool(mailboxes, window, workers)

    def _workers(self, mailboxes: list[tuple[str, Path]]) -> int:
        if self.workers is not None:
            return min(self.workers, len(mailboxes))
        if sum(path.stat().st_size for _, path in mailboxes if path.is_file()) < POOL_MIN_BYTES:
            return 1
        return min(os.cpu_count() or 1, len(mailboxes))


def _mailbox(se_id: str, path: Path, window: Window) -> Iterator[Rows | Quarantined]:
    if not path.is_file():
        raise SourceError(
            f"gmail: the mbox for {se_id!r} was not found at {path} (set sources.gmail.paths.{se_id} "
            "to the Google Takeout .mbox file)"
        )
    if _is_empty(se_id, path):
        yield Quarantined(
            "gmail", str(path), f"empty_mbox: the mbox for {se_id!r} is empty: export the mailbox from Google "
            "Takeout again (if it really holds no mail, ignore this)", None, window.last_day,
        )
        return
    yield from paged(TABLE, _records(se_id, path, window), PAGE_ROWS)


def _read_in_pool(mailboxes: list[tuple[str, Path]], window: Window, workers: int) -> Iterator[Rows | Quarantined]:
    """Each mailbox read in a worker process, its records yielded in mailbox order (a mistake such as a
    missing file raised in its turn); at most one mailbox per worker is read ahead, so memory holds a
    few mailboxes' window of mail, not all of them."""
    # spawn, not fork: the parent holds DuckDB connections and threads (Dagster) that a fork would copy.
    context = multiprocessing.get_context("spawn")
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_ignore_interrupt)
    queue = iter(mailboxes)
    try:
        pending: deque[Future] = deque(
            pool.submit(_mailbox_records, se_id, path, window) for se_id, path in islice(queue, workers)
        )
        while pending:
            records = pending.popleft().result()
            for se_id, path in islice(queue, 1):
                pending.append(pool.submit(_mailbox_records, se_id, path, window))
            yield from records
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


def _ignore_interrupt() -> None:
    # Ctrl-C reaches the whole process group; the run, not its workers, decides when to stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _mailbox_records(se_id: str, path: Path, window: Window) -> list[Rows | Quarantined]:
    return list(_mailbox(se_id, path, window))


def _records(se_id: str, path: Path, window: Window) -> Iterator[dict | Quarantined]:
    for index, raw in iter_mbox(path):
        quick = _quick_sent_at(raw)
        if quick is not None and not window.contains(quick):
            continue  # a whole mailbox is read each run: most messages are outside the window
        key = f"{path}#{index}"
        problem: UnparseableMessage | None
        try:
            # Parsed once, whole: the headers below are the same as a headers-only parse's. Only a
            # tree too deep to parse needs the headers alone, to date its quarantine row.
            message = parse_message(raw)
        except UnparseableMessage as exc:
            message, problem = parse_headers(raw), exc
        else:
            problem = None
        try:
            moment = sent_at(message)
        except UnparseableMessage as exc:
            yield Quarantined("gmail", key, str(exc), _head(raw))
            continue
        day = window.local_date(moment)
        labels = takeout_labels(str(message.get("X-Gmail-Labels") or ""))
        if not window.contains(moment) or SKIPPED_LABELS.intersection(labels):
            continue
        try:
            if problem is not None:
                raise problem
            yield build_row(message, MailboxMeta(se_id=se_id, labels=labels), window.tz)
        except UnparseableMessage as exc:
            yield Quarantined("gmail", key, str(exc), _head(raw), partition_date=day)


def _is_empty(se_id: str, path: Path) -> bool:
    """True for an empty (or blank) file; SourceError when the file does not begin like an mbox (a PDF, a .eml)."""
    with path.open("rb") as handle:
        head = handle.read(4096).lstrip()
    if not head:
        return True
    if not _POSTMARK.match(head):
        raise SourceError(
            f"gmail: {path} (sources.gmail.paths.{se_id}) is not an mbox: it should begin with a "
            "'From <sender> <date>' line; use the .mbox file of the Google Takeout export"
        )
    return False


def _quick_sent_at(raw: bytes) -> dt.datetime | None:
    """The Date header from the header block alone, or None when that is not conclusive (no Date, an
    unreadable or zone-less one, non-ASCII bytes): then the full parse below decides, quarantine included.

    Both read the same header value with email.utils.parsedate_to_datetime, so they agree on the day.
    """
    end = _HEADER_END.search(raw)
    head = raw[: end.end()] if end else raw
    value = _plain_date_header(head)
    if value is _UNSURE:
        value = _QUICK_HEADERS.parsebytes(head).get("Date")
    if not isinstance(value, str):
        return None
    try:
        moment = utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


_UNSURE = object()
# A header field's first line as the stdlib's feed parser tells it (feedparser.headerRE): a name, then ":".
_FIELD = re.compile(r"[\041-\071\073-\176]+:")


def _plain_date_header(head: bytes) -> str | None | object:
    """The first Date header's value as compat32 gives it (None: no Date), read from a header block of
    ASCII lines that are all fields or their continuations; _UNSURE for any other block (an envelope
    line, a line that ends the headers early, a lone CR, 8-bit bytes): the stdlib's parser reads those.

    Parsing the header block took about an eighth of the whole parse's time, for one header.
    """
    if not head.isascii():
        return _UNSURE
    text = head.decode("ascii")
    if "\r" in text and text.count("\r") != text.count("\r\n"):
        return _UNSURE  # the parser also ends a line at a lone CR
    lines = text.split("\n")
    found: list[str] = []
    for number, line in enumerate(lines):
        if line in ("", "\r"):
            break  # the empty line after the headers (or the end of the text)
        ending = "\n" if number < len(lines) - 1 else ""
        if line[0] in " \t":
            if number == 0:
                return _UNSURE
            if found:
                found.append(line + ending)
            continue
        if found:
            break  # the Date field is complete: the first one is the one read
        if not _FIELD.match(line):
            return _UNSURE
        if line[: line.index(":")].lower() == "date":
            found.append(line + ending)
    if not found:
        return None
    # compat32's header_source_parse: the first line after the colon, left-stripped, then the rest as is.
    value = found[0].split(":", 1)[1].lstrip(" \t") + "".join(found[1:])
    return value.rstrip("\r\n")


def _head(raw: bytes) -> str:
    return raw[:_QUARANTINE_HEAD].decode("utf-8", errors="replace")
