"""Demo Gong calls: one JSON file per call in the calls export format (se_pipeline.sources.calls.export).

Each SE gets a speaking style, so their coaching reports differ: one talks too much and rushes
objections, one asks many questions spread through the call, one handles objections well, one is
balanced. Turn patterns (short backchannels, fillers, long explanations broken by "okay") follow
real meeting transcripts (AMI corpus via QMSum). Same arguments, same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")


@dataclass(frozen=True)
class Style:
    name: str
    questions: int  # rep questions per call
    pitch_sentences: tuple[int, int]  # sentences per rep explanation
    filler_rate: float  # chance a rep sentence starts with a filler
    pause_ms: tuple[int, int]  # pause before the rep answers the customer
    handles_objections: bool
    sets_next_steps: bool
    trial_closes: int


STYLES = [
    Style("talker", 4, (6, 9), 0.45, (100, 300), False, False, 0),
    Style("questioner", 13, (1, 2), 0.05, (700, 1300), True, True, 2),
    Style("objection_pro", 9, (2, 3), 0.1, (1100, 1800), True, True, 1),
    Style("balanced", 10, (2, 4), 0.15, (500, 1000), False, True, 1),
]
FILLERS = ["Um,", "Uh,", "So basically,", "You know,", "I mean,", "Kind of,"]
BACKCHANNELS = ["Okay.", "Mm-hmm.", "Right.", "Yeah.", "Sure.", "Got it.", "Okay, that makes sense."]
CONTACTS = [("Priya", "Rao", "VP Finance"), ("Marcus", "Webb", "Director of IT"), ("Elena", "Ortiz", "Head of Analytics"),
            ("Tom", "Becker", "Procurement Lead"), ("Aisha", "Khan", "Data Engineer"), ("Ken", "Mori", "CFO")]

QUESTIONS = {
    "discovery": [
        "What are you hoping to get out of this evaluation?",
        "How does your team handle reporting today?",
        "What happens when the month-end numbers are late?",
        "Who else is involved in the decision?",
        "What budget have you set aside for this project?",
        "What timeline are you working towards for go-live?",
        "What's the biggest challenge with the current tool?",
        "How many people would use this day to day?",
        "What would success look like six months from now?",
        "How do you measure that today?",
        "What have you tried so far to fix it?",
        "Who signs off on a purchase like this?",
        "What would make this a priority this quarter?",
        "Can you walk me through the last time that broke?",
        "What does your data stack look like?",
    ],
    "demo": [
        "Is this the view your analysts would start from?",
        "How would your team use this alert?",
        "Which of these reports do you build by hand today?",
        "Who would own the dashboards on your side?",
        "What data sources would you connect first?",
        "Does your security team need single sign-on from day one?",
        "How often do the numbers need refreshing?",
        "What would you want to see in the pilot?",
        "Which team should we onboard first?",
        "What's the decision process after the pilot?",
        "How does this compare with what you pictured?",
        "What timeline do you have for the pilot?",
        "Who else should see this before the decision?",
    ],
    "negotiation": [
        "What budget range are you working with?",
        "Who needs to approve the contract?",
        "What timeline does procurement need?",
        "Which terms matter most to you?",
        "What would a multi-year commitment change for you?",
        "Is the pilot scope still what you need?",
        "What does your legal review usually involve?",
        "What would make this an easy yes for your CFO?",
        "How are you comparing the options?",
        "When do you need the contract signed?",
        "What happens if this slips to next quarter?",
    ],
}
PITCH = [
    "Our platform pulls every source into one model, so the reports stay consistent.",
    "The connectors run on a schedule and we keep a full history of every change.",
    "Most teams start with the finance dashboards because that's where the pain is.",
    "We built the alerting so that the right owner gets pinged, not the whole channel.",
    "There's a semantic layer underneath, which means the metrics are defined once.",
    "The admin console lets you manage roles and access per workspace.",
    "Everything is versioned, so you can roll back a dashboard if someone breaks it.",
    "We also have an API if your engineers want to embed the numbers elsewhere.",
    "Customers like Initech cut their month-end close from four days to one.",
    "That usually saves an analyst about ten hours a week.",
    "The onboarding takes about two weeks with our team doing most of the setup.",
    "You can export anything to CSV or push it straight back into your warehouse.",
]
PERSONAL = [
    "You mentioned the month-end close is painful, so let me start there.",
    "For your team, this view replaces the spreadsheet you described.",
    "Since you said the board pack takes two days, here's how it builds itself.",
]
ANSWERS = [
    "Today we export everything to spreadsheets and stitch it together by hand.",
    "Honestly it takes two analysts most of the first week of every month.",
    "The CFO signs off, but IT has a veto on anything that touches our data.",
    "We'd want something live before the end of the quarter.",
    "We've set aside about fifty thousand for this year.",
    "The biggest problem is nobody trusts the numbers in the weekly meeting.",
    "We tried building it ourselves last year and it stalled.",
    "About forty people would use it, maybe more once sales sees it.",
    "Success would be one set of numbers everybody agrees on.",
    "It broke last month when the billing export changed format.",
    "We're on Snowflake with a few Postgres databases on the side.",
    "That would be the finance team first, then operations.",
]
CUSTOMER_QUESTIONS = [
    "Can it handle our Postgres replicas as well?",
    "How long does a refresh take on a big table?",
    "Who on your side would help with the setup?",
    "Can we restrict who sees the payroll numbers?",
    "Does it work with our single sign-on?",
]
OBJECTIONS = [
    ("price", "Honestly the price is a concern for us, it's more than we budgeted."),
    ("competitor", "We already use Tableau for most of this, so I'm not sure we need another tool."),
    ("security", "Our security team is worried about where the data would be stored."),
    ("timing", "I'm not sure we have the bandwidth to take this on before next quarter."),
    ("complexity", "I'm concerned the integration with our billing system will be too complex."),
]
GOOD_REPLIES = {
    "price": ["That's a fair concern.", "When you say it's more than budgeted, what are you comparing it with?",
              "If we can show the ten hours a week back for each analyst, would that change the picture?"],
    "competitor": ["That makes sense, a lot of our customers kept Tableau.", "What do you find yourselves doing outside Tableau today?"],
    "security": ["I understand, and your security team should ask that.", "Would it help to set up a call with our security lead this week?"],
    "timing": ["I hear you, timing matters.", "What else is competing for the team's time this quarter?"],
    "complexity": ["Good point, billing systems are rarely clean.", "Which system do you bill from today?"],
}
RUSHED_REPLIES = {
    "price": ["Well, actually our price is very competitive.", "And honestly you get a lot more features than anyone else."],
    "competitor": ["Tableau is fine, but we're much better at this.", "Basically we do everything they do and more."],
    "security": ["Oh, security is not a problem at all.", "We're fully compliant with everything."],
    "timing": ["The setup is really quick, so that shouldn't matter.", "We can start whenever."],
    "complexity": ["No, no, it's really easy.", "The integration is basically plug and play."],
}
TRIAL_CLOSES = ["Does that make sense so far?", "How does that sound?", "Would this work for your team?"]
NEXT_STEPS = [
    "Next step: I'll send you the proposal by Friday.",
    "I'll set up the pilot workspace and share the login by Tuesday.",
    "Let's schedule the security review for next week.",
    "I'll send over the recap and we'll book a follow-up on Thursday.",
]
VAGUE_ENDINGS = ["Anyway, great chatting, we'll be in touch.", "Cool, so yeah, talk soon."]
CALL_TYPES = ["discovery", "demo", "negotiation"]
TITLES = {"discovery": "{customer} discovery call", "demo": "{customer} product demo", "negotiation": "{customer} pricing review"}


def _stable_int(*parts: object, digits: int = 19) -> int:
    h = hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()
    return int(h, 16) % 10 ** (digits - 1) + 10 ** (digits - 1)


def _domain(email: str) -> str:
    return email.rsplit("@", 1)[1]


def _customer_domain(customer: Any) -> str:
    domains = getattr(customer, "domains", None) or [getattr(customer, "domain", "")]
    return domains[0] or customer.name.lower().replace(" ", "") + ".com"


class _Script:
    """Turns are appended as (speaker key, [sentences], pause before in ms); times are laid out at the end."""

    def __init__(self, rng: random.Random, style: Style):
        self.rng, self.style = rng, style
        self.turns: list[tuple[str, list[str], int]] = []

    def rep(self, *sentences: str, after_customer: bool = True) -> None:
        lo, hi = self.style.pause_ms
        text = list(sentences)
        if text and self.rng.random() < self.style.filler_rate:
            first = text[0]
            text[0] = f"{self.rng.choice(FILLERS)} {first[0].lower()}{first[1:]}"
        self.turns.append(("rep", text, self.rng.randint(lo, hi) if after_customer else self.rng.randint(150, 400)))

    def say(self, who: str, *sentences: str) -> None:
        self.turns.append((who, list(sentences), self.rng.randint(200, 700)))

    def timeline(self) -> list[tuple[str, list[tuple[int, int, str]]]]:
        """Sentences with start/end ms, speaking at about 150 words a minute."""
        out, clock = [], 0
        for who, sentences, pause in self.turns:
            clock += pause
            timed = []
            for s in sentences:
                length = int(len(s.split()) * 400 * self.rng.uniform(0.85, 1.15)) + 300
                timed.append((clock, clock + length, s))
                clock += length + self.rng.randint(50, 250)
            out.append((who, timed))
        return out


def _script(rng: random.Random, style: Style, kind: str, customer_name: str) -> _Script:
    s = _Script(rng, style)
    questions = rng.sample(QUESTIONS[kind], min(style.questions, len(QUESTIONS[kind])))
    objections = rng.sample(OBJECTIONS, 2 if kind == "negotiation" else 1)
    s.rep("Hi everyone, thanks for making the time today.", f"I'm looking forward to learning more about {customer_name}.", after_customer=False)
    s.say("contact", rng.choice(BACKCHANNELS), "Thanks for having us.")
    s.say("ae", "Quick agenda: we'll cover your goals, then a short walkthrough.")
    # Questions are spread over the call: after each one, the customer answers and the rep
    # sometimes explains (pitch length depends on the style).
    objection_slots = {len(questions) // 2, max(1, len(questions) - 2)}
    for i, question in enumerate(questions):
        s.rep(question)
        s.say("contact", *rng.sample(ANSWERS, rng.randint(2, 4)))
        if kind == "demo" and i % 3 == 1:
            s.rep(rng.choice(PERSONAL))
        if rng.random() < 0.5 or style.name == "talker":
            lo, hi = style.pitch_sentences
            s.rep(*rng.sample(PITCH, rng.randint(lo, hi)))
            s.say("contact", rng.choice(BACKCHANNELS))
        if kind == "demo" and rng.random() < (0.6 if style.handles_objections or style.name == "balanced" else 0.2):
            s.say("other", rng.choice(CUSTOMER_QUESTIONS))
            s.rep(rng.choice(PITCH))
        if i in objection_slots and objections:
            topic, text = objections.pop()
            s.say("contact", text)
            s.rep(*(GOOD_REPLIES if style.handles_objections else RUSHED_REPLIES)[topic])
            s.say("contact", rng.choice(BACKCHANNELS))
        if i < style.trial_closes:
            s.rep(rng.choice(TRIAL_CLOSES))
            s.say("contact", rng.choice(BACKCHANNELS))
    if style.sets_next_steps:
        s.rep("Let me recap what I heard.", rng.choice(NEXT_STEPS))
        s.say("contact", "Sounds good, thank you.")
    else:
        s.rep(rng.choice(VAGUE_ENDINGS))
        s.say("contact", "Okay, thanks.")
    return s


def _call(rng: random.Random, seed: int, se: Any, style: Style, customer: Any, kind: str, started: dt.datetime) -> dict:
    call_id = str(_stable_int(seed, se.id, customer.name, started.isoformat()))
    ours = _domain(se.email)
    theirs = _customer_domain(customer)
    first, last, title = CONTACTS[_stable_int(customer.name, digits=6) % len(CONTACTS)]
    first2, last2, title2 = CONTACTS[(_stable_int(customer.name, digits=6) + 1) % len(CONTACTS)]
    se_user = getattr(se, "gong_user_id", None) or str(_stable_int("gong-user", se.id, digits=15))
    parties = [
        {"id": "1", "emailAddress": se.email, "name": se.name, "title": "Sales Engineer", "userId": se_user,
         "speakerId": f"{call_id[-6:]}1", "affiliation": "Internal", "methods": ["Invitee"]},
        {"id": "2", "emailAddress": f"jordan.blake@{ours}", "name": "Jordan Blake", "title": "Account Executive",
         "userId": "700000000000001", "speakerId": f"{call_id[-6:]}2", "affiliation": "Internal", "methods": ["Invitee"]},
        {"id": "3", "emailAddress": f"{first.lower()}.{last.lower()}@{theirs}", "name": f"{first} {last}", "title": title,
         "speakerId": f"{call_id[-6:]}3", "affiliation": "External", "methods": ["Invitee"]},
        {"id": "4", "emailAddress": f"{first2.lower()}.{last2.lower()}@{theirs}", "name": f"{first2} {last2}", "title": title2,
         "speakerId": f"{call_id[-6:]}4", "affiliation": "External", "methods": ["Attendee"]},
    ]
    speaker = {"rep": parties[0]["speakerId"], "ae": parties[1]["speakerId"], "contact": parties[2]["speakerId"], "other": parties[3]["speakerId"]}
    timeline = _script(rng, style, kind, customer.name).timeline()
    transcript = [
        {"speakerId": speaker[who], "topic": None, "sentences": [{"start": a, "end": b, "text": t} for a, b, t in timed]}
        for who, timed in timeline
    ]
    duration = timeline[-1][1][-1][1] // 1000 + 1
    return {
        "call": {
            "metaData": {
                "id": call_id, "url": f"https://app.gong.io/call?id={call_id}", "title": TITLES[kind].format(customer=customer.name),
                "scheduled": started.isoformat(), "started": started.isoformat(), "duration": duration,
                "primaryUserId": se_user, "direction": "Conference", "system": "Zoom", "scope": "External",
                "media": "Video", "language": "eng", "isPrivate": False,
            },
            "parties": parties,
            "context": [{"system": "Salesforce", "objects": [{"objectType": "Account", "objectId": f"001{call_id[:12]}",
                                                            "fields": [{"name": "Name", "value": customer.name}]}]}],
        },
        "transcript": transcript,
    }


def write_calls(
    root: Path,
    story_rng_seed: int,
    sales_engineers: Sequence[Any],
    customers: Sequence[Any],
    period_start: dt.date,
    period_end: dt.date,
    tz: ZoneInfo = NEW_YORK,
    owners: dict[str, str] | None = None,
) -> None:
    """Write root/"calls"/<YYYY-MM-DD>-<call id>.json: every Tuesday and Thursday of the period, each
    SE has a call with one of their customers (customers are dealt to SEs in turn), the call type
    cycling discovery → demo → pricing. `sales_engineers` need id, name, email (gong_user_id
    optional); `customers` need name and domains (or domain). `owners` (customer name -> SE id)
    keeps each customer with the SE who owns its opportunity; unlisted customers are dealt in turn.
    Replaces the call files a previous run wrote."""
    folder = root / "calls"
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.json"):
        old.unlink()
    if not sales_engineers or not customers:
        return
    owners = owners or {}
    ids = [se.id for se in sales_engineers]
    owner = {c.name: owners.get(c.name) if owners.get(c.name) in ids else ids[i % len(ids)] for i, c in enumerate(customers)}
    book = {se.id: [c for c in customers if owner[c.name] == se.id] or list(customers) for se in sales_engineers}
    day, count = period_start, {se.id: 0 for se in sales_engineers}
    while day <= period_end:
        if day.weekday() in (1, 3):  # Tuesday, Thursday
            for n, se in enumerate(sales_engineers):
                rng = random.Random(f"{story_rng_seed}:{se.id}:{day}")
                style = STYLES[n % len(STYLES)]
                mine = book[se.id]
                customer = mine[count[se.id] % len(mine)]
                kind = CALL_TYPES[count[se.id] % len(CALL_TYPES)]
                started = dt.datetime.combine(day, dt.time(10 + n % 6, 0), tz)
                body = _call(rng, story_rng_seed, se, style, customer, kind, started)
                path = folder / f"{day.isoformat()}-{body['call']['metaData']['id']}.json"
                path.write_text(json.dumps(body, indent=1, sort_keys=True) + "\n", encoding="utf-8")
                count[se.id] += 1
        day += dt.timedelta(days=1)
