"""A small vocabulary for writing the demo story as a list of scripted events."""

from __future__ import annotations

import datetime as dt

from se_pipeline.demo.model import (
    OUR_ORG,
    TZ,
    Bot,
    Channel,
    Comment,
    Customer,
    Expectation,
    Mail,
    Opportunity,
    Person,
    Post,
    Story,
    UsageRow,
)

YEAR = 2026


def when(day: str | dt.date, clock: str) -> dt.datetime:
    """'10-20', '09:14' -> 2026-10-20 09:14 in New York."""
    if isinstance(day, str):
        month, mday = (int(x) for x in day.split("-"))
        day = dt.date(YEAR, month, mday)
    hour, minute = (int(x) for x in clock.split(":"))
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ)


class StoryBuilder:
    def __init__(self, story: Story):
        self.story = story

    # ---- cast -------------------------------------------------------------------------------

    def person(self, key: str, name: str, email: str, title: str, org: str = OUR_ORG,
               slack_id: str | None = None) -> Person:
        person = Person(key, name, email, title, org, slack_id)
        self.story.people[key] = person
        return person

    def outsider(self, key: str, name: str, email: str) -> Person:
        person = Person(key, name, email, "", "outside")
        self.story.outsiders[key] = person
        return person

    def bot(self, key: str, name: str, bot_id: str, email: str) -> Bot:
        bot = Bot(key, name, bot_id, email)
        self.story.bots[key] = bot
        return bot

    def customer(self, customer: Customer) -> Customer:
        self.story.customers[customer.key] = customer
        return customer

    def channel(self, name: str, kind: str, members: tuple[str, ...], created: dt.datetime, *,
                customer: str | None = None, ext_shared: bool = False, topic: str = "",
                purpose: str = "") -> Channel:
        channel = Channel(name, kind, members, created, members[0], customer, ext_shared, topic, purpose)
        self.story.channels[name] = channel
        return channel

    # ---- events -----------------------------------------------------------------------------

    def post(self, channel: str, at: dt.datetime, author: str, text: str, *, label: str | None = None,
             parent: str | None = None, subtype: str | None = None, files: tuple[str, ...] = (),
             edited_after: dt.timedelta | None = None) -> Post:
        if channel not in self.story.channels:
            raise KeyError(f"demo story posts to unknown channel {channel!r}")
        if author in self.story.bots and subtype is None:
            subtype = "bot_message"
        post = Post(len(self.story.posts) + 1, channel, at, author, text, label, parent, subtype, files,
                    edited_after)
        self.story.posts.append(post)
        return post

    def mail(self, label: str, mailboxes: tuple[str, ...], at: dt.datetime, sender: str, to: tuple[str, ...],
             subject: str, body: str, **options) -> Mail:
        mail = Mail(label, mailboxes, at, sender, to, subject, body, **options)
        self.story.mails.append(mail)
        return mail

    def reply(self, label: str, original: Mail, at: dt.datetime, sender: str, body: str, *,
              mailboxes: tuple[str, ...] | None = None, to: tuple[str, ...] | None = None,
              cc: tuple[str, ...] | None = None, **options) -> Mail:
        """A reply to `original`: 'Re:' subject, quoted history, To the original sender."""
        subject = original.subject if original.subject.lower().startswith("re:") else f"Re: {original.subject}"
        return self.mail(label, mailboxes or original.mailboxes, at, sender, to or (original.sender,), subject,
                         body, cc=original.cc if cc is None else cc, reply_to=original.label, **options)

    def opportunity(self, opportunity: Opportunity) -> Opportunity:
        self.story.opportunities.append(opportunity)
        return opportunity

    def comment(self, label: str, opportunity: str, at: dt.datetime, author: str, text: str,
                discussion: str | None = None) -> Comment:
        comment = Comment(label, opportunity, at, author, text, discussion)
        self.story.comments.append(comment)
        return comment

    def usage(self, customer: str, day: dt.date, metric: str, value: int) -> None:
        self.story.usage.append(UsageRow(customer, day, metric, value))

    # ---- ground truth -----------------------------------------------------------------------

    def expect(self, id: str, se: str, customer: str | None, kind: str, description: str, ref: str,
               status: str, resolved_by: str | None = None, related: tuple[str, ...] = ()) -> None:
        self.story.expectations.append(
            Expectation(id, se, customer, kind, description, ref, status, resolved_by, related))

    def signal(self, kind: str, se: str, customer: str, description: str, **facts) -> None:
        self.story.signals.append({"kind": kind, "se": se, "customer": customer,
                                   "description": description, **facts})
