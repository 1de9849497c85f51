"""technical_qualification: the SE's first artefact for a New customer (activity, no opportunity yet).

For each New customer (customers.is_new):
* what they asked for: every question their people wrote (a sentence analysis.text.is_question
  accepts that ends in "?" or asks for a capability), with the capability it names when it asks
  for one ("Do you support …", "Is there …");
* each ask mapped to what we know: a *recorded gap* when the capability is one of product_gaps
  (any customer's: the gap is the product's, not theirs), *supported* when our side replied in
  the thread with a yes ("yes", "we support", "is supported", "out of the box"), *answered* when
  our side replied otherwise, else *open*;
* the questions still open: open asks, and open owed questions in signals;
* the stakeholders seen: each of their people who wrote (name, email, domain), with a role from
  their email signature (the first line naming a job title), else from the line under their full
  name in any mail (a forwarded or quoted signature block), and how many messages.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import duckdb

from se_pipeline.analysis import text as analysis_text
from se_pipeline.artifacts.gaps import ASK, NO_ANSWER, clean_capability, same_capability, capability_key
from se_pipeline.names import name_key
from se_pipeline.artifacts.warehouse import our_replies
from se_pipeline.artifacts.winplan import signals_by_customer
from se_pipeline.warehouse import WHOLE_TABLE, ensure_tables, records, replace_slice, table_exists

_YES = re.compile(
    r"(?i)(?:^\s*(?:yes|yep|yeah|absolutely|definitely|correct|it does|we do|sure)\b|\b(?:we support|is supported|are supported|"
    r"supports? (?:it|that|this)|out of the box|works with|we have (?:a|an|native)|natively)\b)"
)
_ROLE = re.compile(
    r"(?i)\b(?:chief|c[tiefo]o|ciso|vp|vice president|head of|director|manager|lead|architect|engineer|analyst|"
    r"admin(?:istrator)?|officer|specialist|consultant|founder|president|owner|developer|scientist|procurement|buyer)\b"
)


def role_from_signature(signature: str | None, name: str | None) -> str | None:
    """The first signature line that names a job title (not the person's name line)."""
    for line in (signature or "").splitlines():
        line = line.strip(" -|·•\t>")
        if line and len(line) <= 80 and (not name or line.lower() != name.lower()) and _ROLE.search(line) and "@" not in line:
            return line
    return None


def role_under_name(text: str | None, name: str) -> str | None:
    """The job title on the line under the person's full name, as a signature block writes it
    (also in a forwarded or quoted mail)."""
    for match in re.finditer(rf"(?im)^[>\s]*{re.escape(name)}\s*,?\s*\n([^\n]+)", text or ""):
        role = role_from_signature(match.group(1), name)
        if role:
            return role
    return None


def map_ask(question: str, reply: str | None, gaps: list[dict]) -> tuple[str | None, str, str | None]:
    """(capability, mapping, detail): mapping is recorded gap | supported | answered | open."""
    match = ASK.search(question)
    capability = clean_capability(match.group("capability")) if match else None
    if capability:
        key = capability_key(capability)
        gap = next((g for g in gaps if key and same_capability(capability_key(g["capability"]), key)), None)
        if gap:
            return capability, "recorded gap", f"{gap['capability']} ({gap.get('gap_type') or gap['severity']}; answered {gap['answer']})"
    if reply is None:
        return capability, "open", None
    if _YES.search(reply) and not NO_ANSWER.search(reply):
        return capability, "supported", reply
    return capability, "answered", reply


def _asks(con: duckdb.DuckDBPyConnection, customer: str, gaps: list[dict], replies: dict[str, list[dict]]) -> list[dict]:
    asks = []
    for r in records(
        con,
        "SELECT activity_id, activity_date, author_name, text, link FROM activity "
        "WHERE customer = ? AND author_is_external AND NOT coalesce(is_bot, FALSE) ORDER BY sent_at, activity_id",
        [customer],
    ):
        # Questions they wrote as questions, or asks for a capability; not "let me know if …" closes.
        questions = [s for s in analysis_text.sentences(r["text"])
                     if analysis_text.is_question(s) and (s.rstrip().endswith("?") or ASK.search(s))]
        if not questions:
            continue
        reply = next(iter(replies.get(r["activity_id"], [])), None)
        for question in questions:
            capability, mapping, detail = map_ask(question, reply["text"] if reply else None, gaps)
            asks.append({
                "day": r["activity_date"].isoformat(), "who": r["author_name"], "question": question, "capability": capability,
                "mapping": mapping, "detail": detail, "link": r["link"],
            })
    return asks


def _role(con: duckdb.DuckDBPyConnection, name: str | None, email: str | None) -> str | None:
    """From their own signatures, else from a signature block under their name in any mail."""
    if not table_exists(con, "stg_mail"):
        return None
    mails = records(
        con,
        "SELECT lower(from_email) = ? AS theirs, signature, body_text, quoted_text FROM stg_mail "
        "WHERE lower(from_email) = ? OR (? IS NOT NULL AND (body_text ILIKE '%' || ? || '%' OR quoted_text ILIKE '%' || ? || '%')) "
        "ORDER BY sent_at",
        [email, email, name, name, name],
    )
    own = (role_from_signature(m["signature"], name) for m in mails if m["theirs"])
    found = (role_under_name(f"{m['signature'] or ''}\n{m['body_text'] or ''}\n{m['quoted_text'] or ''}", name) for m in mails if name)
    return next((role for role in (*own, *found) if role), None)


def _stakeholders(con: duckdb.DuckDBPyConnection, customer: str) -> list[dict]:
    people = []
    for r in records(
        con, "SELECT name, email, messages, first_seen FROM customer_stakeholders WHERE customer = ? ORDER BY messages DESC, name",
        [customer],
    ):
        people.append({
            "name": r["name"], "email": r["email"], "domain": r["email"].split("@")[-1] if r["email"] and "@" in r["email"] else None,
            "role": _role(con, r["name"], r["email"]), "messages": r["messages"],
            "first_seen": r["first_seen"].isoformat(),
        })
    return people


COLUMNS = ("customer", "se_id", "first_seen", "last_seen", "asks", "open_questions", "stakeholders", "computed_at")


def build_qualifications(con: duckdb.DuckDBPyConnection) -> int:
    """Rebuild technical_qualification for the New customers; returns the rows written."""
    ensure_tables(con)
    if not (table_exists(con, "customers") and table_exists(con, "activity")):
        return replace_slice(con, "technical_qualification", [], WHOLE_TABLE)
    gaps = records(con, "SELECT * FROM product_gaps") if table_exists(con, "product_gaps") else []
    by_customer = signals_by_customer(con)
    replies = our_replies(con, first=1)
    now = dt.datetime.now(dt.timezone.utc)
    rows = []
    for c in records(
        con,
        "SELECT c.customer, c.se_id, min(a.activity_date) AS first_seen, max(a.activity_date) AS last_seen FROM customers c "
        "JOIN activity a ON a.customer = c.customer WHERE c.is_new GROUP BY ALL ORDER BY c.customer",
    ):
        asks = _asks(con, c["customer"], gaps, replies)
        owed = [s for s in by_customer.get(name_key(c["customer"]), [])
                if s["owed"] and s["status"] == "open" and s["kind"] in ("customer_question", "technical_question")]
        open_questions = [{"question": a["question"], "day": a["day"], "link": a["link"]} for a in asks if a["mapping"] == "open"]
        known = {q["link"] for q in open_questions}
        open_questions += [{"question": s["summary"], "day": s["activity_date"].isoformat(), "link": s["link"]}
                           for s in owed if s["link"] not in known]
        rows.append(dict(zip(COLUMNS, (
            c["customer"], c["se_id"], c["first_seen"], c["last_seen"], json.dumps(asks), json.dumps(open_questions),
            json.dumps(_stakeholders(con, c["customer"])), now,
        ), strict=True)))
    return replace_slice(con, "technical_qualification", rows, WHOLE_TABLE)
