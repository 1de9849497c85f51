"""Everyday activity from templates: answered questions, weekly calls, tool notifications, chatter, usage.

None of it leaves anything owed (questions are answered the same day), so it adds volume and
realism without changing the ground truth. The random generator is passed in, so the output
depends only on the seed.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from se_pipeline.demo.builder import StoryBuilder, when
from se_pipeline.demo.model import TZ

QUESTIONS = [
    ("Is there a way to filter a dashboard by environment?",
     ("Yes, add `env` as a template variable and every widget picks it up: "
     "{link:https://docs.example.com/dashboards/variables|Dashboard variables}")),
    ("Can alerts go straight to our PagerDuty service?",
     "Yes, under Integrations > PagerDuty you can pick the service per alert rule."),
    ("What's the rate limit on the query API?",
     "300 requests per minute per org with bursts to 600; responses carry X-RateLimit headers."),
    ("Do you support Terraform for dashboards and monitors?",
     "Yes, the provider covers dashboards, monitors and SLOs: {link:https://docs.example.com/terraform|Terraform provider}"),
    ("Our Go services show no DB spans. Do we need extra instrumentation?",
     "For database/sql wrap the driver with the otelsql helper; spans show up after the next deploy."),
    ("Can we drop health-check endpoints from traces?",
     "Yes, add a filter on `http.route = /healthz` in the collector's filter processor."),
    ("Is there an SLA on ingestion delay?",
     "Ingestion is under 60 seconds at p99, and the Enterprise SLA covers 99.9% availability."),
    ("How do we give our contractors read-only access?",
     "Create a team with the Viewer role and add them to it; they can't edit anything."),
    ("Does the agent run on ARM64 nodes?", "Yes, the agent images are multi-arch (amd64 and arm64) since 1.6."),
    ("Can we export metrics to our data warehouse?",
     "Yes, the daily export writes Parquet to your S3 bucket; it's under Settings > Data export."),
    ("Where can I see which hosts count toward billing?",
     "Usage > Hosts lists every billable host per day; it updates hourly."),
    ("Can retention differ per project?", "Yes, it's set per project under Project settings > Retention."),
    ("Is there a way to mute alerts during our deploy window?",
     "Yes, create a recurring downtime on the monitors tagged `deploy-sensitive`."),
    ("Do you keep an audit log of config changes?",
     "Yes, Settings > Audit log keeps every change for 400 days and can stream to your SIEM."),
]
THANKS = ["Perfect, thanks!", "Got it, thank you.", ":+1: thanks", "That worked, thanks!", "Great, appreciated."]

# Questions left open on the last day for generated customers (the scale's owed items).
OPEN_QUESTIONS = [
    ("technical_question", "Does your SSO support Azure AD conditional access policies?"),
    ("technical_question", "Can the agent ship data through our HTTP proxy with basic auth?"),
    ("scheduling", "Could we get a walkthrough of SLOs for our team leads next week?"),
    ("customer_question", "Can you send a quote for adding 50 more hosts?"),
    ("legal_security_procurement", "Our security team needs your latest SOC 2 report. Can you send it?"),
]

CHATTER = {
    "general": ["All-hands is Thursday at 11 ET, agenda is in the invite.",
                "Reminder: benefits enrollment closes Nov 15.",
                "The Q4 kickoff slides are in the shared drive.",
                "The office wifi will be down Saturday 7-9am for maintenance.",
                "Welcome to everyone who started this week! :wave:"],
    "random": ["Anyone up for tacos at 12:30?", "Photos from the team hike are up :mountain:",
               "Who left a very large zucchini in the kitchen?", "The coffee machine on 4 is fixed!",
               "Happy Friday everyone :tada:", "Podcast recommendations for the commute?",
               "Marathon training update: 18 miles this weekend and my knees have opinions."],
    "sales": ["Reminder: update next steps in Salesforce before Friday's forecast call.",
              "The new pricing one-pager is live in Highspot.",
              "Forecast call moved to 3pm today.",
              "Nice work on the partner webinar yesterday, 240 sign-ups!"],
    "se-team": ["Tip: the trace explorer's saved views are great for demos.",
                "The demo environment was refreshed last night; new data set is live.",
                "Who's going to KubeCon? Let's coordinate booth shifts.",
                "Reminder: SE sync Wednesday 1pm.",
                "New battlecard for Grafana Cloud is in the SE wiki."],
}


@dataclass(frozen=True)
class Account:
    """One customer's routine: where its people talk, who answers, which days."""

    customer: str  # customer key
    se: str
    ext_channel: str | None
    opp_channel: str | None
    answerer: str  # person key who answers routine questions
    first_day: dt.date
    last_day: dt.date
    call_weekday: int  # 0 = Monday


def working_days(first: dt.date, last: dt.date, period_end: dt.date) -> list[dt.date]:
    """Weekdays, plus the period's last day (the fiscal-year-end Saturday is worked)."""
    n = (last - first).days + 1
    days = (first + dt.timedelta(days=i) for i in range(n))
    return [d for d in days if d.weekday() < 5 or d == period_end]


def clock(rng: random.Random, day: dt.date, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    minute = rng.randrange(start_hour * 60, end_hour * 60)
    return dt.datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=TZ)


def customer_speakers(b: StoryBuilder, account: Account) -> list[str]:
    assert account.ext_channel is not None  # asked only of an account with a shared channel
    members = b.story.channels[account.ext_channel].members
    return [m for m in members if b.story.people[m].org == account.customer and b.story.people[m].slack_id]


def add_account_routine(b: StoryBuilder, rng: random.Random, account: Account) -> None:
    customer = b.story.customers[account.customer]
    speakers = customer_speakers(b, account) if account.ext_channel else []
    for day in working_days(account.first_day, account.last_day, b.story.period_end):
        if speakers and rng.random() < 0.5:
            _answered_question(b, rng, account, day, rng.choice(speakers))
        if day.weekday() == account.call_weekday:
            _weekly_call(b, rng, account, customer.name, day, speakers)


def _answered_question(b: StoryBuilder, rng: random.Random, account: Account, day: dt.date, asker: str) -> None:
    question, answer = rng.choice(QUESTIONS)
    asked = clock(rng, day, 9, 15)
    label = f"q-{account.customer}-{day.isoformat()}"  # at most one routine question per account and day
    channel = account.ext_channel
    assert channel is not None  # the asker is a speaker in the shared channel
    b.post(channel, asked, asker, question, label=label)
    answered = asked + dt.timedelta(minutes=rng.randrange(10, 90))
    b.post(channel, answered, account.answerer, answer, parent=label)
    if rng.random() < 0.5:
        b.post(channel, answered + dt.timedelta(minutes=rng.randrange(3, 40)), asker,
               rng.choice(THANKS), parent=label)


def _weekly_call(b: StoryBuilder, rng: random.Random, account: Account, customer_name: str, day: dt.date,
                 speakers: list[str]) -> None:
    start = when(day, rng.choice(["10:00", "11:00", "13:00", "14:00", "15:00"]))
    minutes = rng.choice([30, 30, 45, 60])
    call_id = 7_700_000_000 + rng.randrange(10_000_000)
    gong_url = f"https://app.gong.io/call?id={call_id}"
    title = f"{customer_name} weekly sync"
    se = b.story.people[account.se]
    guests = [b.story.people[s] for s in speakers]
    # Invites go out on the call's Monday (or the first demo day, so nothing predates the period).
    monday = max(day - dt.timedelta(days=day.weekday()), b.story.period_start)
    span = f"{start:%a %b} {start.day}, {start.year} {_hour(start)} - {_hour(start + dt.timedelta(minutes=minutes))}"
    b.mail(f"invite-{account.customer}-{day.isoformat()}", (account.se,), when(monday, "07:00"), "calendar",
           (account.se,), f"Invitation: {title} @ {span} ({start.tzname()}) ({se.email})",
           f"{title}\n{span} (Eastern Time - New York)\nOrganizer: {se.email}\n"
           f"Guests: {', '.join(g.email for g in guests) or 'none'}\nJoin: https://meet.google.com/abc-defg-hij",
           automated=True, signature=False, category="Updates", calendar=(start, minutes, title))
    topics = rng.sample(["rollout plan", "dashboards", "alerting", "pricing", "SSO", "retention", "Kubernetes",
                         "OpenTelemetry", "cost controls"], 2)
    summary = (f"Call summary: *{title}* ({minutes} min) with {', '.join(g.name for g in guests) or 'the team'}. "
               f"Topics: {topics[0]}, {topics[1]}. {{link:{gong_url}|Open in Gong}}")
    end = start + dt.timedelta(minutes=minutes + 5)
    if account.opp_channel:
        b.post(account.opp_channel, end, "gong", summary)
    b.mail(f"gong-{account.customer}-{day.isoformat()}", (account.se,), end + dt.timedelta(minutes=20), "gong",
           (account.se,), f"Call summary: {title}",
           f"Your call with {customer_name} ({minutes} min) has been processed.\n\nTopics: {topics[0]}, "
           f"{topics[1]}\n\nView the call: {gong_url}",
           html=f"<html><body><h2>{title}</h2><p>{minutes} min &middot; Topics: {topics[0]}, {topics[1]}</p>"
                f"<p><a href=\"{gong_url}\">View the call</a></p></body></html>",
           automated=True, signature=False, category="Updates")
    contacts = [k for k, p in b.story.people.items() if p.org == account.customer]
    if contacts and rng.random() < 0.6:
        _recap_mail(b, rng, account, rng.choice(contacts), title, topics, gong_url, end)


def _recap_mail(b: StoryBuilder, rng: random.Random, account: Account, contact: str, title: str,
                topics: list[str], gong_url: str, end: dt.datetime) -> None:
    """The SE's recap to the customer after a call; sometimes the customer acknowledges it."""
    first = b.story.people[contact].first_name
    recap = b.mail(f"recap-{account.customer}-{end.date().isoformat()}", (account.se,),
                   end + dt.timedelta(minutes=rng.randrange(30, 120)), account.se, (contact,), f"Recap: {title}",
                   f"Hi {first},\n\nThanks for the time today. We covered {topics[0]} and {topics[1]}; the "
                   f"recording is here: {gong_url}")
    if rng.random() < 0.5:
        b.reply(f"recap-ack-{account.customer}-{end.date().isoformat()}", recap,
                recap.at + dt.timedelta(minutes=rng.randrange(20, 180)), contact,
                rng.choice(["Thanks, looks good.", "Thanks for the summary!", "Great, thank you."]) + f"\n\n{first}",
                signature=False)


def _hour(moment: dt.datetime) -> str:
    """Google Calendar's style: 2pm, 10:30am."""
    hour = moment.hour % 12 or 12
    minutes = f":{moment.minute:02d}" if moment.minute else ""
    return f"{hour}{minutes}{'am' if moment.hour < 12 else 'pm'}"


def add_chatter(b: StoryBuilder, rng: random.Random, first: dt.date, last: dt.date) -> None:
    internal = sorted(k for k, p in b.story.people.items() if p.is_internal)
    se_team = b.story.channels["se-team"].members
    for day in working_days(first, last, b.story.period_end):
        for _ in range(rng.randrange(3, 7)):
            channel = rng.choice(sorted(CHATTER))
            author = rng.choice(se_team if channel == "se-team" else internal)
            b.post(channel, clock(rng, day, 8, 18), author, rng.choice(CHATTER[channel]))


def add_mail_routine(b: StoryBuilder, first: dt.date, last: dt.date) -> None:
    """The weekly newsletter and Momentum's Monday digest in every SE's mailbox."""
    for offset in range((last - first).days + 1):
        day = first + dt.timedelta(days=offset)
        for se in b.story.ses:
            if day.weekday() == 3:
                b.mail(f"newsletter-{se}-{day.isoformat()}", (se,), when(day, "06:30"), "newsletter", (se,),
                       f"Observability Weekly #{day.isocalendar()[1]}: tail sampling, eBPF and OTel news",
                       "This week: tail sampling at scale, what eBPF profilers actually cost, and the OpenTelemetry "
                       "1.40 release notes.\n\nRead online: https://o11yweekly.com/issues/latest\n\nUnsubscribe: "
                       "https://o11yweekly.com/unsubscribe",
                       html="<html><body><h1>Observability Weekly</h1><ul><li>Tail sampling at scale</li>"
                            "<li>What eBPF profilers actually cost</li><li>OpenTelemetry 1.40</li></ul>"
                            "<p><a href=\"https://o11yweekly.com/unsubscribe\">Unsubscribe</a></p></body></html>",
                       automated=True, signature=False, category="Promotions")
            if day.weekday() == 0:
                b.mail(f"momentum-{se}-{day.isoformat()}", (se,), when(day, "07:30"), "momentum", (se,),
                       "Your week ahead in Momentum",
                       "Deals with next steps due this week are listed in Momentum: "
                       "https://app.momentum.io/weekly", automated=True, signature=False, category="Updates")


USAGE_METRICS = (("events", 2_000_000), ("active_users", 40), ("projects", 6))


def add_usage(b: StoryBuilder, rng: random.Random, customer: str, profile: str) -> None:
    """Daily usage rows for the whole period: growing, steady, or a drop in the last week."""
    story = b.story
    name = story.customers[customer].name
    n = (story.period_end - story.period_start).days + 1
    scale = 0.5 + rng.random()
    drop_from = story.period_end - dt.timedelta(days=6)
    for i in range(n):
        day = story.period_start + dt.timedelta(days=i)
        trend = 1.0 + 0.015 * i if profile == "growing" else 1.0
        if profile == "drop" and day >= drop_from:
            trend = 0.4  # a drop past the 50% week-over-week threshold
        weekend = 0.4 if day.weekday() >= 5 else 1.0
        for metric, base in USAGE_METRICS:
            noise = 1.0 + rng.uniform(-0.03, 0.03)
            value = base * scale * trend * noise * (weekend if metric != "projects" else 1.0)
            b.usage(name, day, metric, max(1, round(value)))
    if profile == "drop":
        _usage_drop_signal(b, customer, name, drop_from)
    if profile == "growing":
        _feature_adoption(b, customer, name)


ADOPTED_FEATURE = "feature:alerting"


def _feature_adoption(b: StoryBuilder, customer: str, name: str) -> None:
    """A growing account turns on alerting four days before the end: tracked at 0 until then."""
    story = b.story
    adopted = story.period_end - dt.timedelta(days=4)
    for i in range((story.period_end - story.period_start).days + 1):
        day = story.period_start + dt.timedelta(days=i)
        b.usage(name, day, ADOPTED_FEATURE, 0 if day < adopted else 3 + (day - adopted).days * 2)
    b.signal("feature_adopted", story.customers[customer].se, customer,
             f"{name} started using alerting", metric=ADOPTED_FEATURE, first_use=adopted.isoformat())


def _usage_drop_signal(b: StoryBuilder, customer: str, name: str, drop_from: dt.date) -> None:
    def week_total(first: dt.date) -> int:
        last = first + dt.timedelta(days=6)
        return sum(r.value for r in b.story.usage
                   if r.customer == name and r.metric == "events" and first <= r.day <= last)

    last_week = week_total(drop_from)
    previous_week = week_total(drop_from - dt.timedelta(days=7))
    b.signal("usage_drop", b.story.customers[customer].se, customer,
             f"{name} events down {round(100 * (1 - last_week / previous_week))}% week over week",
             metric="events", previous_week=previous_week, last_week=last_week)
