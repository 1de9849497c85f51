"""Bullets that read like a colleague wrote them.

`tldr`: an imperative for owed items ("Answer Acme: SAML group mapping to project roles?"), a short
fact otherwise; at most 10 words. `summary`: one longer line with who said what, quoted.
"""

from __future__ import annotations

import re

import emoji

from se_pipeline.analysis.addressing import first_name

TLDR_WORDS = 10
SUMMARY_QUOTE_WORDS = 40

_FILLER_LEAD = re.compile(
    r"^((quick one|quick question|one question|also|and|so|ok|okay|fyi|btw|honestly|heads up)[:,]?\s+)+", re.I
)
_ARTICLES = re.compile(r"\b(the|a|an|our|your|just|please|really|actually)\b\s*", re.I)
_MENTION = re.compile(r"^@[A-Z][\w.-]*( [A-Z][\w.-]*)?[,:]?\s+")  # "@Alice Chen can you…"
_PRONOUN = re.compile(r"\b(it|those|them|that|this|these)\b", re.I)
SHORT_QUESTION_WORDS = 5
_VOCATIVE_LEAD = re.compile(  # "Alice, …", "Hi Alice - …", "Thanks, …"
    r"^(?:(?:hi|hey|hello|thanks|thank you|ok|okay)\b[ ,]*)?[A-Z][a-z]+(?: [A-Z][a-z]+)?\s*[,:\-\u2014]\s+"
)
# What comes before the thing asked for: "could you please", "any chance you could", "I'd like you to".
_ASK_LEAD = re.compile(
    r"^.*?\b((can|could|would|will) (you|someone|somebody|anyone|one of you)"
    r"( (please|also|quickly|kindly|just|possibly|maybe|perhaps|pls))*( (be able|be willing|have time) to)?|"
    r"(please|pls|kindly)( (also|just))?|(we|i) need you to|would you mind|any chance (you|someone) could|"
    r"(would|will|is) it be possible (for you )?to|(i|we)( would|'d)?( really)? (like|love|want) (you|for you) to)\s+",
    re.I,
)
_LET_KNOW_LEAD = re.compile(r"^(please )?let (me|us) know\b", re.I)
# Words that cannot start an imperative: the ask is indirect ("I'd like your help…"), so quote it.
_NOT_IMPERATIVE = re.compile(
    r"^(i|i'd|i'm|i'll|i've|we|we'd|we're|we'll|we've|our|my|it|it's|its|any|is|are|would|could|can|looking|"
    r"hoping|need|needs|your|the|this|that|there|if|when|you|you'll|you'd|you're)\b",
    re.I,
)
_PROMISE_LEAD = re.compile(r"^.*?\b(i'?ll|i will|i'?m going to|i am going to|i can|we'?ll|we will|let me)\s+", re.I)
_ME_TO_YOU = {"me": "them", "us": "them", "our": "their", "we": "they", "my": "their"}


_LEGAL_SUFFIX = re.compile(r"[,\s]+(corp(oration)?|inc|ltd|llc|gmbh|co|company|plc|s\.?a|ag)\.?$", re.I)


def short_customer(customer: str | None) -> str:
    """How people say it in a hurry: 'Acme Corp' -> 'Acme', 'Pied Piper' stays, a long name keeps its first word."""
    if not customer:
        return "?"
    name = _LEGAL_SUFFIX.sub("", customer.strip()) or customer.strip()
    return name if len(name.split()) <= 2 else name.split()[0]


_MRKDWN = re.compile(r"(?<![\w*_~])([*_~])(?=\S)([^*_~\n]+?)(?<=\S)\1(?![\w*_~])")
_EMOJI_CODE = re.compile(r":[a-z0-9_+-]+:")


def plain(text: str, with_emoji: bool = True) -> str:
    """Chat markup as a person reads it: *bold*, _italic_, ~strike~ and `code` marks dropped, emoji
    codes (":white_check_mark:") as the emoji, or dropped (`with_emoji=False`, and unknown codes),
    whitespace collapsed."""
    text = _MRKDWN.sub(r"\2", text or "").replace("`", "")
    if with_emoji:
        text = emoji.emojize(text, language="alias")
    text = _EMOJI_CODE.sub("", text)
    return re.sub(r"\s+", " ", text).strip()


_REFERENT = re.compile(
    r"\b(?:need|needs|want|wants|require|requires|mentioned|asked for|waiting for|looking for|about)\s+"
    r"(?:a|an|the|your|our|some)\s+(?P<thing>[\w/-]+(?:\s+[\w/-]+){0,3}?)(?=\s+(?:on|for|by|to|with|from|that|which|before|so)\b|[.,;:(]|$)"
    r"|\b(?:a|an|the|your|our)\s+(?P<last>[\w/-]+(?:\s+[\w/-]+){0,2})\s*[.!?]?\s*$",
    re.I,
)


def referent(sentence: str) -> str | None:
    """What a following "it"/"that" points at: the thing a sentence says is needed or mentioned
    ("we need a one-pager on …" -> "one-pager"), else the noun phrase it ends with."""
    match = _REFERENT.search(plain(sentence))
    return (match.group("thing") or match.group("last")) if match else None


def points_back(sentence: str) -> bool:
    """A short ask, or one leaning on what came before ("Could you send it over?")."""
    words = sentence.split()
    return len(words) < 8 and bool(_PRONOUN.search(sentence))


def around(said: list[str], sentence: str, words: int = SUMMARY_QUOTE_WORDS) -> str:
    """`sentence` with the one before it when it leans on it (short, or pointing back), and with what
    follows when it introduces it ("our timeline:"), within `words`."""
    at = said.index(sentence) if sentence in said else -1
    if at < 0:
        return sentence
    joined = sentence
    if at > 0 and (len(sentence.split()) < SHORT_QUESTION_WORDS + 3 or points_back(sentence)):
        if len(f"{said[at - 1]} {sentence}".split()) <= words:
            joined = f"{said[at - 1]} {sentence}"
    if sentence.rstrip().endswith(":"):
        for following in said[at + 1:]:
            if len(f"{joined} {following}".split()) > words:
                break
            joined = f"{joined} {following.rstrip('.;')};"
        joined = joined.rstrip(";")
    return joined


def clip(text: str, words: int) -> str:
    parts = text.split()
    if len(parts) <= words:
        return text
    clipped = " ".join(parts[:words]).rstrip(",;:")
    return clipped + ("…?" if text.rstrip().endswith("?") else "…")


_VOCATIVE_TAIL = re.compile(r",\s*@?[A-Z][\w'’-]+(?: [A-Z][\w'’-]+)?\s*(?P<end>[?.!]*)\s*$")  # "…, Lena?"


def _tidy(sentence: str) -> str:
    s = _MENTION.sub("", sentence.strip())
    s = _VOCATIVE_LEAD.sub("", s, count=1)
    s = _VOCATIVE_TAIL.sub(lambda m: m.group("end"), s, count=1)
    s = _FILLER_LEAD.sub("", s)
    return s.strip()


def _compact(sentence: str) -> str:
    return re.sub(r"\s+", " ", _ARTICLES.sub("", _tidy(plain(sentence)))).strip()


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def _limit(prefix: str, body: str) -> str:
    budget = TLDR_WORDS - len(prefix.split())
    return f"{prefix} {clip(body, budget)}".strip()


def quote(sentence: str, words: int = SUMMARY_QUOTE_WORDS) -> str:
    return "“" + clip(_tidy(plain(sentence)), words) + "”"


def who(author: str | None, customer: str | None, external: bool) -> str:
    name = first_name(author)
    return f"{name} ({customer})" if external and customer else name


# ---- per kind ------------------------------------------------------------------------------------


_CONTEXT = re.compile(r" Context: “([^”]*)”")


def _with_context(summary: str, context: str | None) -> str:
    return f"{summary} Context: {quote(context, 20)}" if context else summary


def context_of(summary: str | None) -> str | None:
    """The context sentence a summary quotes after its ask ("… Context: “…”"), if any."""
    found = _CONTEXT.search(summary or "")
    return found.group(1) if found else None


def customer_question(customer: str | None, author: str | None, sentence: str, context: str | None = None) -> tuple[str, str]:
    tldr = _limit(f"Answer {short_customer(customer)}:", _capital(_compact(with_context(sentence, context))))
    return tldr, _with_context(f"{who(author, customer, True)} asked: {quote(sentence)}", context)


def with_context(sentence: str, previous: str | None) -> str:
    """A short question leaning on the sentence before ("Can you take it?") names what it means
    ("Can you take demo?"), or, when that cannot be told, carries the sentence before it."""
    if not previous or not points_back(sentence):
        return f"{previous} {sentence}" if previous and len(sentence.split()) < SHORT_QUESTION_WORDS else sentence
    thing = referent(previous)
    if thing:
        return re.sub(r"\b(it|that|this|those|these|them)\b", thing, sentence, count=1, flags=re.I)
    return f"{previous} {sentence}"


def where(channel_kind: str | None, channel: str | None) -> str:
    if channel_kind == "dm":
        return " in a DM"
    if channel_kind in ("email", None) or not channel:
        return " by email" if channel_kind == "email" else ""
    return f" in #{channel}"


def technical_question(customer: str | None, author: str | None, sentence: str, blocker: bool, place: str,
                       context: str | None = None) -> tuple[str, str]:
    if blocker:
        tldr = _limit(f"Unblock {short_customer(customer)}:", _capital(_compact(sentence)))
        return tldr, _with_context(f"{who(author, customer, True)} is blocked: {quote(sentence)}", context)
    tldr = _limit(f"Answer {first_name(author)}:", _capital(_compact(with_context(sentence, context))))
    return tldr, _with_context(f"{first_name(author)} asked you{place}: {quote(sentence)}", context)


def action_item(customer: str | None, author: str | None, sentence: str, external: bool,
                previous: str | None = None, assigned: bool = False) -> tuple[str, str]:
    """TLDR: the ask as an imperative ("Send pricing breakdown (Acme)"); summary: who asked, quoted
    whole (the ask's words carry its details: what, by when), with the sentence before when it leans on it."""
    suffix = f"({short_customer(customer)})" if customer else ""
    asker = who(author, customer, external)
    tidy = _LET_KNOW_LEAD.sub("tell me", _tidy(plain(sentence)), count=1)
    ask = _ASK_LEAD.sub("", tidy, count=1).rstrip("?.! ")
    verb = "assigned you" if assigned else "asked you"
    summary = _with_context(f"{asker} {verb}: {quote(sentence)}", previous)
    if assigned or (ask == tidy.rstrip("?.! ") and _NOT_IMPERATIVE.match(ask)):
        # An indirect ask ("We'd need the DPA before Friday"): say whose ask it is.
        tldr = _limit(f"Follow up with {short_customer(customer)}:" if customer else "Follow up:", _compact(sentence))
        return tldr, summary
    ask = " ".join(_ME_TO_YOU.get(w.lower(), w) for w in ask.split())
    ask = ask[:1].lower() + ask[1:] if ask[1:2].islower() else ask  # "Send them…" -> "send them…"
    thing = referent(previous) if previous else None
    if thing:  # "send it over" + "…you mentioned a go-live runbook." -> "send go-live runbook over"
        ask = re.sub(r"\b(it|that|this|those|these)\b", thing, ask, count=1, flags=re.I)
    budget = TLDR_WORDS - len(suffix.split())
    tldr = f"{clip(_capital(_compact(ask)), budget)} {suffix}".strip()
    return tldr, summary


def commitment(customer: str | None, sentence: str) -> tuple[str, str]:
    promise = _PROMISE_LEAD.sub("", _tidy(plain(sentence)), count=1).rstrip(".! ")
    # The TLDR speaks to the SE: "send you the comparison" is "send them the comparison".
    promise = re.sub(r"\b(you|your)\b", lambda m: {"you": "them", "your": "their"}[m.group(1).lower()], promise, flags=re.I)
    suffix = f"({short_customer(customer)})" if customer else ""
    budget = TLDR_WORDS - len(suffix.split())
    tldr = f"{clip(_capital(_compact(promise)), budget)} {suffix}".strip()
    to = f" {customer}" if customer else ""
    return tldr, f"You promised{to}: {quote(sentence)}"


def fact(label: str, customer: str | None, author: str | None, sentence: str, external: bool) -> tuple[str, str]:
    """Things to know: '<Customer> <label>: <gist>' and '<Who> <label>: “…”'."""
    tldr = _limit(f"{short_customer(customer)} {label}:" if customer else f"{label}:", _compact(sentence))
    return tldr, f"{who(author, customer, external)} {label}: {quote(sentence)}"


def automated(tool: str, customer: str | None, text: str) -> tuple[str, str]:
    """Summarise a tool's message (never quote it at length)."""
    first = re.split(r"(?<=[.!?])\s+|\n", re.sub(r"[*_`]", "", text or "").strip())[0]
    first = re.sub(rf"^{re.escape(tool)}\s*:\s*", "", first, flags=re.I)
    return _limit(f"{tool}:", first), f"{tool}: {clip(first, 20)}"
