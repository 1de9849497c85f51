"""How long the `activity` model takes when most messages must be resolved by the names in their text.

    python bench/activity_names.py [--messages 200000 --customers 236 --days 30]

Builds a warehouse in memory: `--customers` configured customers (each with a two-word name, a
legal form and an alias), and `--messages` Slack messages over `--days` days in channels that name
no customer, a fifth of them naming one customer, some naming two. Then runs the real `activity`
model (sql/activity.sql, after the models it reads) over the whole period and prints its time and
how many messages each way resolved. Prints figures, asserts nothing. Run it on two checkouts to
compare (PYTHONPATH=<checkout> python <checkout>/bench/activity_names.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import time
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd

from se_pipeline.config import CustomerConfig, SalesEngineer, Settings
from se_pipeline.models import discover_models, prepare, run_model
from se_pipeline.window import Window

WORDS = ("pipeline latency snapshot connector schema replica warehouse agent proxy cluster region invoice "
         "renewal pricing review rollout backlog sprint ticket deploy metrics export import retry quota").split()
SYLLABLES = ("ka", "lo", "mer", "vin", "dra", "tel", "os", "pra", "qui", "zen", "bor", "sal", "fen", "gri", "hul")


def customer_names(n: int, rng: random.Random) -> list[str]:
    names: set[str] = set()
    while len(names) < n:
        first = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        names.add(f"{first} {rng.choice(('Freight', 'Bank', 'Energy', 'Labs', 'Media', 'Health'))}")
    return sorted(names)


def build(con: duckdb.DuckDBPyConnection, messages: int, customers: int, days: int, first: dt.date, tz: ZoneInfo) -> Settings:
    rng = random.Random(7)
    names = customer_names(customers, rng)
    settings = Settings(
        timezone=str(tz),
        sales_engineers=[SalesEngineer(id="se1", name="Ann Ode", email="ann@ourco.io", slack_user_id="U1")],
        customers=[CustomerConfig(name=f"{n} Inc.", aliases=[n.split()[0].lower()]) for n in names],
    )
    prepare(con, settings)
    rows = []
    for i in range(messages):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(8, 40)))
        roll = rng.random()
        if roll < 0.2:
            text += f" for {rng.choice(names)}"
        elif roll < 0.25:
            text += f" {rng.choice(names)} and {rng.choice(names)}"
        day = first + dt.timedelta(days=i % days)
        sent = dt.datetime.combine(day, dt.time(9), tz) + dt.timedelta(seconds=i)
        rows.append((f"C{i % 50}:{i}", day, f"C{i % 50}", f"team-{i % 50}", str(i), "U1", sent, text, f"https://x.slack.com/{i}"))
    frame = pd.DataFrame(rows, columns=["message_key", "partition_date", "channel_id", "channel_name", "ts", "user_id",
                                        "sent_at", "text", "permalink"])
    con.register("_messages", frame)
    con.execute("INSERT INTO raw_slack_messages BY NAME SELECT *, 'public' AS channel_type, FALSE AS is_reply FROM _messages")
    con.unregister("_messages")
    return settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--customers", type=int, default=236)
    parser.add_argument("--days", type=int, default=30)
    args = parser.parse_args()
    tz, first = ZoneInfo("UTC"), dt.date(2026, 3, 1)
    window = Window(first, first + dt.timedelta(days=args.days - 1), tz)
    con = duckdb.connect()
    started = time.perf_counter()
    build(con, args.messages, args.customers, args.days, first, tz)
    print(f"built {args.messages:,} messages, {args.customers} customers in {time.perf_counter() - started:.1f} s")
    models = discover_models()
    for name in ("opportunities", "customers", "customer_names"):
        run_model(con, models[name], window)
    aliases = con.execute("SELECT count(*) FROM customer_names").fetchone()[0]
    started = time.perf_counter()
    run_model(con, models["activity"], window)
    took = time.perf_counter() - started
    resolved = con.execute("SELECT count(customer) FROM activity").fetchone()[0]
    print(f"activity model: {took:.2f} s for {args.messages:,} messages over {args.days} days "
          f"({args.messages / took:,.0f} messages/s), {aliases} names; {resolved:,} resolved to one customer")


if __name__ == "__main__":
    main()
