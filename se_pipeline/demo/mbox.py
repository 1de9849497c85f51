"""Render the story's emails as one mbox per SE, the way Google Takeout writes a mailbox.

Each message is a full RFC 5322 message built with the stdlib `email` package: Message-ID,
In-Reply-To/References for replies, Date with its offset, X-GM-THRID and X-Gmail-Labels, the
quoted history Gmail adds ("On … wrote:" and "> " lines) and a signature. Multipart boundaries
and "From " lines are derived from the story, so the bytes never change between runs.
"""

from __future__ import annotations

import datetime as dt
import html
import mailbox
from email import headerregistry, policy
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, formataddr
from pathlib import Path

from se_pipeline.demo.model import Mail, Person, Story, hex_id


class _CachedHeaderRegistry(headerregistry.HeaderRegistry):
    """HeaderRegistry builds a new class each time it is asked for one; at benchmark scale
    (hundreds of thousands of headers) reusing them saves a good part of the run."""

    def __init__(self) -> None:
        super().__init__()
        self._classes: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._classes:
            self._classes[key] = super().__getitem__(name)
        return self._classes[key]


_POLICY = policy.default.clone(header_factory=_CachedHeaderRegistry())

_ATTACHMENT_TYPES = {
    "pdf": ("application", "pdf"),
    "docx": ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


def message_id(story: Story, mail: Mail) -> str:
    """The RFC 822 Message-ID, with angle brackets: Gmail's style for our people, the sender's domain otherwise."""
    sender = story.sender(mail.sender)
    token = hex_id("message-id", mail.label, length=24)
    if isinstance(sender, Person) and sender.is_internal:
        return f"<CA{token.upper()}@mail.gmail.com>"
    return f"<{token}.{hex_id('n', mail.label, length=6)}@{sender.email.split('@')[1]}>"


def gmail_id(label: str) -> int:
    """A 64-bit decimal id like Gmail's (used in the From line and X-GM-THRID)."""
    return 1_800_000_000_000_000_000 + int(hex_id("gmail-id", label, length=15), 16)


def write_mailboxes(story: Story, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    by_label = {mail.label: mail for mail in story.mails}
    for se in story.ses:
        path = folder / f"{se}.mbox"
        path.unlink(missing_ok=True)
        box = mailbox.mbox(path, create=True)
        try:
            mails = sorted((m for m in story.mails if se in m.mailboxes), key=lambda m: (m.at, m.label))
            for mail in mails:
                message = build_message(story, mail, se, by_label)
                utc = mail.at.astimezone(dt.timezone.utc)
                # Takeout's From line: "From <gmail id>@xxx <asctime with +0000>". Set on the message
                # itself: wrapping it in mailbox.mboxMessage would deep-copy every header object.
                message.set_unixfrom(f"From {gmail_id(mail.label)}@xxx {utc:%a %b %d %H:%M:%S} +0000 {utc:%Y}")
                box.add(message)
            box.flush()
        finally:
            box.close()


def build_message(story: Story, mail: Mail, se: str, by_label: dict[str, Mail]) -> EmailMessage:
    message = EmailMessage(policy=_POLICY)
    message["X-GM-THRID"] = str(gmail_id(_thread_root(mail, by_label).label))
    message["X-Gmail-Labels"] = ",".join(_labels(story, mail, se))
    message["MIME-Version"] = "1.0"
    message["Date"] = format_datetime(mail.at)
    message["Message-ID"] = message_id(story, mail)
    if mail.reply_to:
        chain = _ancestors(mail, by_label)
        message["In-Reply-To"] = message_id(story, chain[-1])
        message["References"] = " ".join(message_id(story, m) for m in chain)
    message["Subject"] = mail.subject
    message["From"] = _address(story, mail.sender)
    message["To"] = ", ".join(_address(story, key) for key in mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(_address(story, key) for key in mail.cc)
    if mail.automated:
        message["Auto-Submitted"] = "auto-generated"
    if mail.category == "Promotions":
        message["List-Unsubscribe"] = f"<mailto:unsubscribe@{story.sender(mail.sender).email.split('@')[1]}>"
    _set_body(story, message, mail, by_label)
    for index, part in enumerate(p for p in message.walk() if p.is_multipart()):
        part.set_boundary(f"000000000000{hex_id('boundary', mail.label, index, length=16)}")
    for child in message.iter_parts():
        _drop_part_mime_version(child)
    return message


def _drop_part_mime_version(part: MIMEPart) -> None:
    """The email package stamps MIME-Version on sub-parts; mail clients put it on the message only."""
    del part["MIME-Version"]
    for child in part.iter_parts():
        _drop_part_mime_version(child)


def _set_body(story: Story, message: EmailMessage, mail: Mail, by_label: dict[str, Mail]) -> None:
    text = full_text(story, mail, by_label)
    sender = story.sender(mail.sender)
    if mail.html_only:
        message.set_content(mail.html, subtype="html", charset=mail.charset)
    else:
        message.set_content(text, charset=mail.charset)
        html_body = mail.html
        if html_body is None and isinstance(sender, Person) and sender.is_internal and not mail.automated:
            html_body = _gmail_html(text)  # Gmail sends every message it composes as text and HTML
        if html_body is not None:
            message.add_alternative(html_body, subtype="html", charset=mail.charset)
    if mail.calendar is not None:
        message.add_alternative(_ics(story, mail), subtype="calendar", params={"method": "REQUEST"})
    for name in mail.attachments:
        maintype, subtype = _ATTACHMENT_TYPES[name.rsplit(".", 1)[-1]]
        content = f"demo placeholder for {name}\n".encode()
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)


def full_text(story: Story, mail: Mail, by_label: dict[str, Mail]) -> str:
    """New text, then the signature, then the quoted history (as Gmail composes a reply)."""
    text = mail.body
    sender = story.sender(mail.sender)
    if mail.signature and isinstance(sender, Person):
        text += _signature(sender)
    if mail.reply_to:
        original = by_label[mail.reply_to]
        author = story.sender(original.sender)
        quoted = "\n".join(f"> {line}" if line else ">" for line in full_text(story, original, by_label).splitlines())
        text += f"\n\nOn {_gmail_date(original.at)} {author.name} <{author.email}> wrote:\n\n{quoted}"
    return text + "\n"


def _signature(person: Person) -> str:
    company = "Example Co" if person.is_internal else ""
    if int(hex_id("sig", person.key, length=2), 16) % 2:
        return f"\n\n-- \n{person.name} | {person.title}\n{company or person.email}"
    return f"\n\nBest,\n{person.name}\n{person.title}" + (f", {company}" if company else "")


def _gmail_date(moment: dt.datetime) -> str:
    hour = moment.hour % 12 or 12
    return f"{moment:%a, %b} {moment.day}, {moment.year} at {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'}"


def _gmail_html(text: str) -> str:
    lines = "<br>\n".join(html.escape(line) for line in text.rstrip("\n").splitlines())
    return f'<div dir="ltr">{lines}</div>\n'


def _ics(story: Story, mail: Mail) -> str:
    assert mail.calendar is not None  # only an invite has an .ics part
    start, minutes, title = mail.calendar
    fmt = "%Y%m%dT%H%M%SZ"
    begin = start.astimezone(dt.timezone.utc)
    end = begin + dt.timedelta(minutes=minutes)
    organizer = story.people[mail.mailboxes[0]].email
    attendees = "".join(f"ATTENDEE;ROLE=REQ-PARTICIPANT:mailto:{story.sender(k).email}\r\n" for k in mail.to)
    return ("BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\n"
            "METHOD:REQUEST\r\nBEGIN:VEVENT\r\n"
            f"DTSTART:{begin:{fmt}}\r\nDTEND:{end:{fmt}}\r\nDTSTAMP:{mail.at.astimezone(dt.timezone.utc):{fmt}}\r\n"
            f"ORGANIZER;CN={organizer}:mailto:{organizer}\r\nUID:{hex_id('uid', mail.label, length=26)}@google.com\r\n"
            f"{attendees}SUMMARY:{title}\r\nSTATUS:CONFIRMED\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n")


def _labels(story: Story, mail: Mail, se: str) -> list[str]:
    if mail.sender == se:
        return ["Sent"]
    labels = ["Inbox", "Unread" if mail.at.date() == story.period_end else "Opened"]
    if not mail.automated:
        labels.append("Important")
    return labels + [f"Category {mail.category or 'Personal'}"]


def _address(story: Story, key: str) -> str:
    sender = story.sender(key)
    return formataddr((sender.name, sender.email))


def _ancestors(mail: Mail, by_label: dict[str, Mail]) -> list[Mail]:
    """The mails this one replies to, oldest first."""
    chain = []
    while mail.reply_to:
        mail = by_label[mail.reply_to]
        chain.append(mail)
    return chain[::-1]


def _thread_root(mail: Mail, by_label: dict[str, Mail]) -> Mail:
    ancestors = _ancestors(mail, by_label)
    return ancestors[0] if ancestors else mail

