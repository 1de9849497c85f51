"""Who is in the demo: Example Co's people, the customers and their people, tools that post, outsiders."""

from __future__ import annotations

from se_pipeline.demo.builder import StoryBuilder
from se_pipeline.demo.model import Customer, upper_id

COMPANY = "Example Co"
COMPANY_DOMAIN = "example.com"
QUOTA = 400_000  # each SE's bookings target per 90 days, so coaching shows quota attainment
TEAM_ID = "T01EXAMPLE"
SLACK_WORKSPACE = "exampleco"

# (key, name, title): the three SEs first; they are the demo's sales engineers.
INTERNAL = [
    ("alice", "Alice Chen", "Senior Solutions Engineer"),
    ("bob", "Bob Okafor", "Solutions Engineer"),
    ("carmen", "Carmen Ruiz", "Solutions Engineer"),
    ("dave", "Dave Park", "Account Executive"),
    ("erin", "Erin Walsh", "Account Executive"),
    ("frank", "Frank Ito", "Account Executive"),
    ("grace", "Grace Liu", "Product Manager, Integrations"),
    ("hank", "Hank Moreno", "Support Engineer"),
    ("ivy", "Ivy Shah", "Security & Compliance Lead"),
    ("jules", "Jules Bernard", "Legal Counsel"),
    ("kim", "Kim Tran", "Customer Success Manager"),
    ("leo", "Leo Novak", "Partner Solutions Engineer"),
    ("maya", "Maya Brooks", "Director, Solutions Engineering"),
]
STORY_SES = ("alice", "bob", "carmen")

# key, name, domain, SE, AE, people (key suffix, name, title, on Slack?)
CUSTOMERS = [
    ("acme", "Acme Corp", "acme.com", "alice", "dave", [
        ("priya", "Priya Natarajan", "Staff Platform Engineer", True),
        ("tom", "Tom Becker", "Director of Engineering", True),
        ("sofia", "Sofia Marino", "IT Security Manager", False),
    ]),
    ("umbrella", "Umbrella Health", "umbrellahealth.com", "alice", "dave", [
        ("marcus", "Marcus Lee", "Head of Platform", True),
        ("olivia", "Olivia Grant", "CISO", True),
    ]),
    ("globex", "Globex", "globex.io", "bob", "erin", [
        ("raj", "Raj Patel", "SRE Lead", True),
        ("hannah", "Hannah Schmidt", "VP Engineering", True),
        ("laura", "Laura Gómez", "Procurement Manager", False),
        ("jurgen", "Jürgen Müller", "Datenschutzbeauftragter, Globex GmbH", False),
    ]),
    ("hooli", "Hooli", "hooli.com", "bob", "erin", [
        ("denise", "Denise Cho", "Director of SRE", True),
        ("ron", "Ron Alvarez", "Infrastructure Engineer", True),
    ]),
    ("piedpiper", "Pied Piper", "piedpiper.com", "bob", "erin", [
        ("richard", "Richard Hendricks", "CEO", False),
    ]),
    ("initech", "Initech", "initech.com", "carmen", "frank", [
        ("peter", "Peter Gibbons", "Software Engineer", True),
        ("samir", "Samir Nagheenanajar", "Platform Lead", True),
        ("bill", "Bill Lumbergh", "VP Engineering", False),
    ]),
    ("vandelay", "Vandelay Industries", "vandelay.com", "carmen", "frank", [
        ("art", "Art Vandelay", "CTO", True),
        ("lena", "Lena Fox", "Platform Engineer", True),
    ]),
    ("soylent", "Soylent", "soylent.co", "carmen", "frank", [
        ("quinn", "Quinn Harper", "Engineering Manager", True),
    ]),
]

BOTS = [
    ("gong", "Gong", "B01GONG", "no-reply@gong.io"),
    ("salesforce", "Salesforce", "B01SFDC", "noreply@salesforce.com"),
    ("momentum", "Momentum", "B01MOMENTUM", "notifications@momentum.io"),
    ("zendesk", "Zendesk", "B01ZENDESK", "support@exampleco.zendesk.com"),
    ("calendar", "Google Calendar", "B01GCAL", "calendar-notification@google.com"),
]

OUTSIDERS = [
    ("dentist", "Brightsmile Dental", "appointments@brightsmiledental.com"),
    ("newsletter", "Observability Weekly", "digest@o11yweekly.com"),
    ("travel", "TravelDesk", "no-reply@traveldesk.net"),
]


def slack_user_id(key: str) -> str:
    return f"U01{key.upper()}"[:11]


def add_cast(b: StoryBuilder) -> None:
    for key, name, title in INTERNAL:
        b.person(key, name, f"{key}@{COMPANY_DOMAIN}", title, slack_id=slack_user_id(key))
    for key, name, domain, se, ae, people in CUSTOMERS:
        team = upper_id("T", "team", key, length=8)
        b.customer(Customer(key, name, domain, se, ae, team))
        for suffix, person_name, title, on_slack in people:
            email = f"{suffix}@{domain}"
            slack_id = upper_id("U", "user", key, suffix, length=9) if on_slack else None
            b.person(f"{key}.{suffix}", person_name, email, title, org=key, slack_id=slack_id)
    for key, name, bot_id, email in BOTS:
        b.bot(key, name, bot_id, email)
    for key, name, email in OUTSIDERS:
        b.outsider(key, name, email)
    b.story.ses.extend(STORY_SES)

