"""Build the evaluation set's export files and labels.json from conversations.yaml.

    python tests/data/eval/build.py

Writes, beside this file, the documented export layout (docs/architecture.md):
  slack/        users.json, channels.json, groups.json, dms.json, <channel name or DM id>/<YYYY-MM-DD>.json
  gmail/<se>.mbox
  notion/       Opportunities 0a1c.csv + Opportunities 0a1c/<Title> <page id>.md   (snapshot of as_of)
  notion-<day>/ the same for the earlier snapshot(s)
  usage.csv     customer,date,metric,value
  config.yaml   settings that point the pipeline at these files
  labels.json   expected signals keyed by activity id, with each message's tune/holdout split
The output is deterministic (same YAML, same bytes). Independent of se_pipeline.demo.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mailbox
import shutil
from collections import defaultdict
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

HERE = Path(__file__).resolve().parent
OWED_KINDS = {"customer_question", "technical_question", "action_item", "commitment"}


def _at(text: str, year: int, tz: ZoneInfo) -> dt.datetime:
    return dt.datetime.strptime(f"{year}-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=tz)


def _expect(entries: list[str] | None) -> list[tuple[str, str]]:
    out = []
    for entry in entries or []:
        kind, status = entry.split()
        out.append((kind, status))
    return out


class Builder:
    def __init__(self, spec: dict) -> None:
        self.spec = spec
        self.tz = ZoneInfo(spec["timezone"])
        self.as_of = dt.date.fromisoformat(str(spec["as_of"]))
        self.year = self.as_of.year
        self.people = spec["people"]
        self.customers = spec["customers"]
        self.domain = spec["company_domain"]
        self.labels: list[dict] = []
        self.splits: dict[str, str] = {}
        self.refs: dict[str, str] = {}  # yaml id -> activity id

    # ---- helpers -------------------------------------------------------------------------------

    def _customer_of_domain(self, email: str) -> str | None:
        domain = email.split("@")[1]
        for name, c in self.customers.items():
            if domain in c["domains"]:
                return name
        return None

    def _label(self, activity_id: str, msg: dict, customer: str | None, se_id: str | None, split: str) -> None:
        self.splits[activity_id] = split
        self.refs[msg["id"]] = activity_id
        for kind, status in _expect(msg.get("expect")):
            self.labels.append({
                "ref": msg["id"],
                "activity_id": activity_id,
                "kind": kind,
                "owed": kind in OWED_KINDS,
                "status": status,
                "customer": customer,
                "se_id": se_id,
                "split": split,
            })

    # ---- Slack ---------------------------------------------------------------------------------

    def slack(self, out: Path) -> None:
        users = []
        for key, p in self.people.items():
            if not p.get("slack"):
                continue
            external = not p["email"].endswith("@" + self.domain)
            users.append({
                "id": p["slack"], "team_id": "T0EXTERNAL" if external else "T0TRACE",
                "name": key, "deleted": False, "real_name": p["name"], "is_bot": False,
                "is_restricted": False, "is_stranger": external,
                "profile": {"real_name": p["name"], "display_name": p["name"].split()[0], "email": p["email"]},
            })
        for b in self.spec["bots"].values():
            users.append({"id": "U" + b["id"][1:], "team_id": "T0TRACE", "name": b["name"].lower(), "deleted": False,
                          "real_name": b["name"], "is_bot": True, "profile": {"real_name": b["name"], "bot_id": b["id"]}})
        created = int(dt.datetime(self.year, 9, 1, tzinfo=self.tz).timestamp())
        public, private, dms = [], [], []
        names: dict[str, dict] = {}
        for ch in self.spec["channels"]:
            members = [self.people[m]["slack"] for m in (ch.get("members") or ch.get("dm"))]
            if ch.get("dm"):
                dms.append({"id": ch["id"], "created": created, "members": members})
                names[ch["id"]] = ch
                continue
            entry = {"id": ch["id"], "name": ch["name"], "created": created, "creator": members[0],
                     "is_archived": False, "is_general": ch["name"] == "general", "members": members,
                     "topic": {"value": "", "creator": "", "last_set": 0},
                     "purpose": {"value": "", "creator": "", "last_set": 0}}
            if ch.get("shared"):
                entry["is_ext_shared"] = True
            (private if ch.get("private") else public).append(entry)
            names[ch["name"]] = ch

        seq = 0
        for folder, messages in self.spec["slack"].items():
            ch = names[folder]
            by_day: dict[str, list[dict]] = defaultdict(list)
            ts_of: dict[str, str] = {}
            parents: dict[str, dict] = {}
            for msg in messages:
                seq += 1
                when = _at(msg["at"], self.year, self.tz)
                ts = f"{int(when.timestamp())}.{seq:06d}"
                ts_of[msg["id"]] = ts
                record: dict = {"type": "message", "text": msg["text"], "ts": ts}
                if msg.get("bot"):
                    bot = self.spec["bots"][msg["bot"]]
                    record.update({"subtype": "bot_message", "bot_id": bot["id"], "username": bot["name"]})
                else:
                    person = self.people[msg["by"]]
                    record.update({"user": person["slack"], "team": "T0TRACE" if person["email"].endswith(self.domain) else "T0EXTERNAL",
                                   "user_profile": {"real_name": person["name"], "display_name": person["name"].split()[0]}})
                if msg.get("files"):
                    record["files"] = [
                        {"id": "F" + hashlib.sha1(f.encode()).hexdigest()[:9].upper(), "name": f, "title": f,
                         "mimetype": "application/octet-stream", "filetype": f.rsplit(".", 1)[-1]}
                        for f in msg["files"]
                    ]
                if msg.get("thread"):
                    parent = parents[msg["thread"]]
                    record["thread_ts"] = parent["ts"]
                    record["parent_user_id"] = parent.get("user", "")
                    parent["thread_ts"] = parent["ts"]
                    parent.setdefault("replies", []).append({"user": record.get("user", ""), "ts": ts})
                    parent["reply_count"] = len(parent["replies"])
                    parent["latest_reply"] = ts
                else:
                    parents[msg["id"]] = record
                by_day[when.date().isoformat()].append(record)

                customer = msg.get("customer") or ch.get("customer")
                se_id = msg.get("se") or (self.customers[customer]["se"] if customer else None)
                if ch.get("dm") and not msg.get("se"):
                    se_id = next(m for m in ch["dm"] if self.people[m].get("se"))
                split = self.customers[customer]["split"] if customer else ch["split"]
                self._label(f"slack:{ch['id']}:{ts}", msg, customer, se_id, split)
            for day, records in by_day.items():
                path = out / folder / f"{day}.json"
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(json.dumps(records, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

        for name, data in [("users.json", users), ("channels.json", public), ("groups.json", private),
                           ("dms.json", dms), ("mpims.json", [])]:
            (out / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    # ---- Gmail ---------------------------------------------------------------------------------

    def gmail(self, out: Path) -> None:
        out.mkdir(parents=True, exist_ok=True)
        for se_id, messages in self.spec["gmail"].items():
            box_path = out / f"{se_id}.mbox"
            box = mailbox.mbox(box_path, create=True)
            box.lock()
            try:
                by_id: dict[str, tuple[EmailMessage, dict, dt.datetime]] = {}
                for msg in messages:
                    sender = self.people[msg["from"]]
                    when = _at(msg["at"], self.year, self.tz)
                    message_id = f"<{msg['id']}.{hashlib.sha1(msg['id'].encode()).hexdigest()[:8]}@mail.{sender['email'].split('@')[1]}>"
                    email = EmailMessage()
                    email["From"] = formataddr((sender["name"], sender["email"]))
                    email["To"] = ", ".join(formataddr((self.people[p]["name"], self.people[p]["email"])) for p in msg["to"])
                    if msg.get("cc"):
                        email["Cc"] = ", ".join(formataddr((self.people[p]["name"], self.people[p]["email"])) for p in msg["cc"])
                    body = msg["text"]
                    if msg.get("reply_to"):
                        parent, parent_msg, parent_when = by_id[msg["reply_to"]]
                        subject = parent["Subject"] if parent["Subject"].startswith("Re: ") else "Re: " + parent["Subject"]
                        refs = (parent.get("References", "") + " " + parent["Message-ID"]).strip()
                        email["In-Reply-To"] = parent["Message-ID"]
                        email["References"] = refs
                        thread = parent["X-GM-THRID"]
                        # Real replies carry the quoted history; the pipeline must separate it.
                        quoted = "\n".join("> " + line for line in parent_msg["text"].splitlines())
                        body += f"\n\nOn {format_datetime(parent_when)}, {parent['From']} wrote:\n{quoted}\n"
                    else:
                        subject = msg["subject"]
                        thread = str(int(hashlib.sha1(msg["id"].encode()).hexdigest()[:15], 16))
                    email["Subject"] = subject
                    email["Date"] = format_datetime(when)
                    email["Message-ID"] = message_id
                    email["X-GM-THRID"] = thread
                    email["X-Gmail-Labels"] = "Sent" if msg["from"] == se_id else "Inbox"
                    if sender.get("automated"):
                        email["List-Unsubscribe"] = f"<mailto:unsubscribe@{sender['email'].split('@')[1]}>"
                        email["Auto-Submitted"] = "auto-generated"
                    email.set_content(body)
                    for name in msg.get("attachments", []):
                        email.add_attachment(f"(contents of {name})".encode(), maintype="application",
                                             subtype="octet-stream", filename=name)
                    if email.is_multipart():
                        email.set_boundary(f"=_{msg['id']}_boundary")  # the default is random
                    entry = mailbox.mboxMessage(email)
                    entry.set_from(sender["email"], when.astimezone(dt.timezone.utc).timetuple())  # else: today's date
                    box.add(entry)
                    by_id[msg["id"]] = (email, msg, when)

                    parties = [msg["from"], *msg["to"], *msg.get("cc", [])]
                    customer = msg.get("customer")
                    if customer is None:
                        for p in parties:
                            customer = customer or self._customer_of_domain(self.people[p]["email"])
                    split = msg.get("split") or (self.customers[customer]["split"] if customer else "tune")
                    self._label(f"gmail:{message_id}", msg, customer, se_id, split)
            finally:
                box.flush()
                box.unlock()

    # ---- Notion, usage, config -----------------------------------------------------------------

    def notion(self) -> None:
        snapshots = sorted(self.spec["opportunities"], key=str)
        for day in snapshots:
            folder = HERE / ("notion" if day == max(snapshots) else f"notion-{day}")
            folder.mkdir(parents=True, exist_ok=True)
            pages = folder / "Opportunities 0a1c"
            pages.mkdir(exist_ok=True)
            lines = ["Name,Amount,Close Date,SE,Stage"]
            for o in self.spec["opportunities"][day]:
                close = dt.date.fromisoformat(str(o["close"])).strftime("%B %-d, %Y")
                lines.append(f'{o["name"]},{o["amount"]},"{close}",{o["se"]},{o["stage"]}')
                page_id = f"{o['id']}00000000000000000000000000"[:32]
                (pages / f"{o['name']} {page_id}.md").write_text(
                    f"# {o['name']}\n\nAmount: {o['amount']}\nClose Date: {close}\nSE: {o['se']}\nStage: {o['stage']}\n",
                    encoding="utf-8",
                )
            (folder / "Opportunities 0a1c.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def usage(self) -> None:
        lines = ["customer,date,metric,value"]
        for customer, ranges in self.spec["usage"].items():
            for first, last, metric, value in ranges:
                day = dt.date.fromisoformat(str(first))
                while day <= dt.date.fromisoformat(str(last)):
                    lines.append(f"{customer},{day.isoformat()},{metric},{value}")
                    day += dt.timedelta(days=1)
        (HERE / "usage.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")

    def config(self) -> None:
        ses = [
            {"id": k, "name": p["name"], "email": p["email"], "slack_user_id": p["slack"]}
            for k, p in self.people.items() if p.get("se")
        ]
        config = {
            "home": ".se_pipeline_eval",
            "timezone": self.spec["timezone"],
            "start_date": "2026-09-28",
            "company_domains": [self.domain],
            "sales_engineers": ses,
            "customers": [{"name": n, "aliases": c["aliases"], "domains": c["domains"]} for n, c in self.customers.items()],
            "sources": {
                "slack": {"mode": "export", "path": "slack", "workspace": self.spec["workspace"]},
                "gmail": {"mode": "mbox", "paths": {se["id"]: f"gmail/{se['id']}.mbox" for se in ses}},
                "notion": {"mode": "export", "path": "notion"},
                "usage": {"mode": "file", "path": "usage.csv"},
            },
        }
        header = "# Generated by build.py from conversations.yaml: settings for running the pipeline on the eval set.\n"
        (HERE / "config.yaml").write_text(header + yaml.safe_dump(config, sort_keys=False, allow_unicode=True), encoding="utf-8")

    def write_labels(self) -> None:
        account = [
            {**a, "owed": False, "status": "info", "se_id": self.customers[a["customer"]]["se"],
             "split": self.customers[a["customer"]]["split"]}
            for a in self.spec["account_expect"]
        ]
        labels = {
            "as_of": self.as_of.isoformat(),
            "timezone": self.spec["timezone"],
            "message_count": len(self.splits),
            "splits": self.splits,
            "labels": self.labels,
            "account_labels": account,
        }
        (HERE / "labels.json").write_text(json.dumps(labels, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    spec = yaml.safe_load((HERE / "conversations.yaml").read_text(encoding="utf-8"))
    for old in ["slack", "gmail", "notion", *[p.name for p in HERE.glob("notion-*")]]:
        shutil.rmtree(HERE / old, ignore_errors=True)
    builder = Builder(spec)
    builder.slack(HERE / "slack")
    builder.gmail(HERE / "gmail")
    builder.notion()
    builder.usage()
    builder.config()
    builder.write_labels()
    owed = sum(1 for label in builder.labels if label["owed"])
    print(f"{len(builder.splits)} messages, {len(builder.labels)} message labels ({owed} owed), "
          f"{len(builder.spec['account_expect'])} account labels, {len(builder.customers)} customers")


if __name__ == "__main__":
    main()
