"""The coaching text: what each component means, why it matters, a tip, a model line, a practice.

Kept apart from the rendering so coaches can edit the wording without touching the logic.
"""

from __future__ import annotations

# component -> (label, what doing well looks like)
COMPONENTS: dict[str, tuple[str, str]] = {
    "question_quality": ("Discovery questions per call", "You ask enough well-aimed discovery questions"),
    "question_spread": ("Questions spread through the call", "Your questions run through the whole call, not just the opening"),
    "active_listening": ("Talk-to-listen balance", "You let the customer do most of the talking"),
    "framework_coverage": ("Budget, authority, need and timeline asked", "You cover budget, authority, need and timeline"),
    "pipeline_hygiene": ("Close dates kept current", "Your active deals have realistic close dates"),
    "win_rate": ("Win rate", "You convert qualified deals to wins"),
    "value_articulation": ("Value statements", "You tie features to outcomes the customer cares about"),
    "personalization": ("Personalization", "You connect the demo to what the customer told you"),
    "engagement": ("Customer engagement", "Customers ask you questions during the demo"),
    "response_quality": ("Clarifying questions on objections", "You answer objections with a clarifying question"),
    "empathy": ("Acknowledging objections", "You acknowledge the concern before answering it"),
    "patience": ("Pausing before answering objections", "You take a breath before answering an objection"),
    "value_defense": ("Defending value on price", "You hold value when price comes up"),
    "deal_size": ("Deal size", "Your deals are sized well against the team"),
    "quota_attainment": ("Quota attainment", "You are on track against quota"),
    "next_steps": ("Clear next steps", "You end calls with a named next step and a date"),
    "trial_close": ("Trial closes", "You check in with the customer during the call"),
}

# area -> (why it matters, coaching tip, model line to study, practice activity)
AREA_ADVICE: dict[str, tuple[str, str, str, str]] = {
    "discovery": (
        "Deals where the customer explains their own problem move faster and close bigger.",
        "Plan 11-14 open questions for each discovery call and spread them through the call; after each answer, "
        "ask one follow-up before moving on.",
        "What happens today when the report is late, and who feels it first?",
        "Before your next discovery call, write your question plan in three groups (situation, problem, impact) "
        "and check afterwards how many you asked.",
    ),
    "qualification": (
        "Deals without a known budget, decision maker and timeline are the ones that stall.",
        "In every early call, make sure you have asked about budget, who signs off, the need and the timeline.",
        "Who else will be involved in the decision, and what does your approval process look like?",
        "For each active deal, fill in budget, authority, need and timeline; book a call for any you cannot.",
    ),
    "demo": (
        "Customers remember outcomes, not features: a demo tied to their words is the one they retell internally.",
        "Open the demo by repeating the customer's goal in their words, and close each section with the outcome it gives them.",
        "You mentioned month-end close takes your team four days; this is the view that cuts that to one.",
        "Rehearse your next demo aloud: for each feature, say the outcome sentence that follows it.",
    ),
    "objection_handling": (
        "An objection answered too fast sounds defensive; a clarifying question turns it into discovery.",
        "When a concern comes up, pause, acknowledge it, and ask one question before answering.",
        "That's a fair concern. When you say it's expensive, what are you comparing it with?",
        "List the three objections you hear most; write an acknowledgement and a clarifying question for each and role-play them.",
    ),
    "negotiation": (
        "Discounts given without a trade lower deal size and set the price for the renewal.",
        "Answer price pushback with the value already agreed, and trade any concession for something (term, scope, timing).",
        "I understand the budget pressure. If we can show the savings we discussed, is the price still the blocker?",
        "Write down your walk-away point and the trades you will ask for before your next pricing conversation.",
    ),
    "closing": (
        "Calls that end with a named next step and a date keep deals moving; vague endings let them drift.",
        "In the last five minutes, agree who does what by when, and check in with a trial close along the way.",
        "Next step: I'll send the proposal by Friday, and let's book 30 minutes on Tuesday to walk through it.",
        "End every call this week by saying the next step, its owner and its date out loud, then confirm it in writing.",
    ),
}
