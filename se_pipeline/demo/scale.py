"""Generated SEs and customers beyond the story's three and eight, for benchmarks.

Each generated customer gets two people on Slack, a shared and an internal channel, one
opportunity, usage, routine activity over the whole period and one question left open on the
last day (owed unless its opportunity is in a terminal stage), recorded in the ground truth.
"""

from __future__ import annotations

import datetime as dt
import random

from se_pipeline.demo.builder import StoryBuilder
from se_pipeline.demo.model import TERMINAL_STAGES, TZ, Customer, Opportunity, upper_id
from se_pipeline.demo.routine import OPEN_QUESTIONS, Account, add_usage, clock

FIRST_NAMES = ["Ana", "Ben", "Chloe", "Diego", "Elif", "Femi", "Gita", "Hugo", "Iris", "Jonas", "Keiko", "Luis",
               "Mira", "Nils", "Omar", "Paula", "Quentin", "Rosa", "Sven", "Tara", "Uma", "Victor", "Wen", "Yara"]
LAST_NAMES = ["Abbott", "Baptiste", "Costa", "Dubois", "Eze", "Fischer", "Garcia", "Haddad", "Ivanova", "Jensen",
              "Kowalski", "Larsen", "Moreau", "Nakamura", "Osei", "Petrov", "Quinn", "Rossi", "Silva", "Tanaka"]
COMPANY_PREFIXES = ["Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Woodgrove", "Wingtip",
                    "Lucerne", "Coho", "Alpine", "Trey", "Adatum", "Relecloud", "Southridge", "VanArsdel",
                    "Bellows", "Munson", "Olympia", "Baldwin", "Fourth", "Humongous", "Margie", "Consolidated"]
COMPANY_SUFFIXES = ["Labs", "Systems", "Health", "Logistics", "Bank", "Media", "Energy", "Retail", "Robotics",
                    "Foods", "Insurance", "Games", "Analytics", "Motors", "Travel", "Cloud"]
STAGES = ["Discovery", "Technical Validation", "Technical Validation", "Proposal", "Negotiation", "WIN", "Lost"]
AES = ("dave", "erin", "frank")


def add_generated_ses(b: StoryBuilder, count: int) -> list[str]:
    keys = []
    for i in range(count):
        key = f"se{i + 4:03d}"
        name = f"{FIRST_NAMES[i % len(FIRST_NAMES)]} {LAST_NAMES[(i // len(FIRST_NAMES) + i) % len(LAST_NAMES)]}"
        b.person(key, name, f"{key}@example.com", "Solutions Engineer", slack_id=f"U01{key.upper()}")
        b.story.ses.append(key)
        keys.append(key)
    return keys


def company_name(index: int) -> str:
    prefix = COMPANY_PREFIXES[index % len(COMPANY_PREFIXES)]
    suffix = COMPANY_SUFFIXES[(index // len(COMPANY_PREFIXES)) % len(COMPANY_SUFFIXES)]
    rounds = index // (len(COMPANY_PREFIXES) * len(COMPANY_SUFFIXES))
    return f"{prefix} {suffix}" + (f" {rounds + 1}" if rounds else "")


def add_generated_customers(b: StoryBuilder, rng: random.Random, count: int, owners: list[str]) -> list[Account]:
    """`count` customers, dealt round-robin to `owners` (SE ids); returns their routine accounts."""
    story = b.story
    accounts = []
    for i in range(count):
        name = company_name(i)
        key = "".join(ch for ch in name.lower() if ch.isalnum())
        se = owners[i % len(owners)]
        ae = AES[i % len(AES)]
        b.customer(Customer(key, name, f"{key}.com", se, ae, upper_id("T", "team", key, length=8)))
        people = []
        for j in range(2):
            first = FIRST_NAMES[(i + j * 7) % len(FIRST_NAMES)]
            last = LAST_NAMES[(i * 3 + j) % len(LAST_NAMES)]
            person = b.person(f"{key}.{first.lower()}", f"{first} {last}", f"{first.lower()}@{key}.com",
                              rng.choice(["Platform Engineer", "SRE Lead", "Engineering Manager"]), org=key,
                              slack_id=upper_id("U", "user", key, j, length=9))
            people.append(person.key)
        start = dt.datetime.combine(story.period_start, dt.time(8), tzinfo=TZ)
        ext = b.channel(f"ext-{key}-eval", "public", (se, ae, *people), start, customer=key, ext_shared=True,
                        topic=f"{name} x Example Co")
        opp_channel = b.channel(f"opp-{key}-deal", "private", (se, ae), start, customer=key)
        stage = rng.choice(STAGES)
        b.opportunity(Opportunity(
            f"gen-{key}", f"{name} - Platform", key, stage, se, rng.randrange(20, 400) * 1000,
            story.period_end + dt.timedelta(days=rng.randrange(-20, 90)), start - dt.timedelta(days=30),
            start + dt.timedelta(days=rng.randrange(0, (story.period_end - story.period_start).days + 1)),
            tags=(rng.choice(["POC", "Expansion", "Enterprise"]),),
            sections=(("Overview", (f"Evaluation of Example Co for {name}'s platform teams.",)),)))
        accounts.append(Account(key, se, ext.name, opp_channel.name, se, story.period_start, story.period_end,
                                rng.randrange(5)))
        add_usage(b, rng, key, rng.choice(["steady", "growing"]))
        kind, question = rng.choice(OPEN_QUESTIONS)
        label = f"open-{key}"
        b.post(ext.name, clock(rng, story.period_end, 9, 16), people[0], question, label=label)
        b.expect(label, se, key, kind, question, label, "terminal" if stage in TERMINAL_STAGES else "open")
    return accounts
