"""Facts about customers' product usage, per day of the window: true, with their numbers, citing the usage data.

  trial_not_started  a trial exists (an active opportunity whose stage or name says trial / POC / pilot /
                     evaluation, or that has a POC end date; or a New customer whose settings name a
                     workspace) and the usage source, read for that day, shows nothing for the customer up
                     to it: no rows, or only zeros. Raised each day it holds.
  usage_drop         a metric's day is at most half its baseline: the median of its last 5 earlier days of
                     the same kind (weekday or weekend, whose dips are normal) within two weeks. Raised each
                     day it holds, so a collapse shows on the day it happens, until the baseline follows.
  usage_growth       a metric reaches a two-week high at least 1.5 times its baseline then (the median of
                     the first 3 days of the same kind in those two weeks); metrics also at a high and a
                     quarter up are named with it.
  feature_adopted    a feature metric (feature:<name> or feature_<name>) is used for the first time by a
                     customer whose usage was already recorded; raised on that day.
Trials, drops and growth are raised for customers with an active opportunity or none (New), and for
a customer whose opportunities are all closed only on a day it has activity (when its digest section
may show anyway): a won customer's routine usage is no news. A first use of a feature is news for any
of our customers (for a closed one, the digest counts it under "Not included"). Nothing is raised for
another SE's customer. Failure and error counts, lags and running totals (month to date)
are not judged as growth or drops. Every fact cites `usage_link`: the usage file, the account's key
and the days it speaks of (and `rows=0` when it says there are none), which the digest's citation
check resolves against stg_usage and stg_usage_reads.
"""

from __future__ import annotations

import datetime as dt
import re
import statistics
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, urlencode

import duckdb

from se_pipeline.analysis.signal import Signal
from se_pipeline.trials import trial_in_name
from se_pipeline.warehouse import table_exists
from se_pipeline.window import Window

_NOT_JUDGED = re.compile(r"fail|error|\blag|latency|incident|churn|to_date|(^|_)(mtd|qtd|ytd|wtd)($|_)|cumulative", re.I)
_FEATURE_METRIC = re.compile(r"^feature[:_](.+)$", re.I)
LOOKBACK_DAYS = 14
DROP_RATIO = 0.5  # a day at or below half its baseline
DROP_BASELINE_DAYS = 5
GROWTH_RATIO = 1.5  # a new high 50 % above the baseline
GROWTH_ALSO_RATIO = 1.25  # other metrics named with it
GROWTH_BASELINE_DAYS = 3
SMALL_COUNT = 10  # a metric usually below this (3 pipelines) is named after the larger ones


def usage_link(source: str, key: tuple[str, str], first: dt.date, last: dt.date, *, no_rows: bool = False) -> str:
    """'file:///data/usage.jsonl#workspace_id=ws_1&from=2026-10-22&to=2026-10-29' (plus '&rows=0' when
    the fact is that the account has no rows in those days): the usage data a fact is drawn from."""
    base = source if "://" in source else Path(source).as_uri()
    fragment = {key[0]: key[1], "from": first.isoformat(), "to": last.isoformat()}
    if no_rows:
        fragment["rows"] = "0"
    return f"{base}#{urlencode(fragment, quote_via=quote)}"


def _amounts(*values: float) -> list[str]:
    """Numbers in one unit, as a reader scans them: 18.4M and 0.4M, 12.5K, or 7."""
    scale = max(abs(v) for v in values)
    for unit, size, from_ in (("B", 1e9, 1e9), ("M", 1e6, 1e6), ("K", 1e3, 1e4)):
        if scale >= from_:
            return [f"{v / size:.1f}".removesuffix(".0") + unit for v in values]
    return [f"{v:,.0f}" if float(v).is_integer() else f"{v:,.1f}" for v in values]


def _possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def _days(first: dt.date, last: dt.date) -> str:
    """'Oct 22', 'Oct 22–26', 'Oct 29–Nov 2'."""
    if first == last:
        return f"{first:%b %-d}"
    return f"{first:%b %-d}–{last:%-d}" if (first.year, first.month) == (last.year, last.month) else f"{first:%b %-d}–{last:%b %-d}"


def _same_kind(a: dt.date, b: dt.date) -> bool:
    return (a.weekday() >= 5) == (b.weekday() >= 5)


# ---- what the facts read ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Customer:
    se_id: str | None
    active: bool  # an active opportunity, or none at all (New)
    ours: bool
    domains: tuple[str, ...]


@dataclass
class _Series:
    """One metric of one customer, summed over its accounts, and per day the account to cite."""

    values: dict[dt.date, float]
    cited: dict[dt.date, tuple[tuple[str, str], str]]  # day -> ((what the key is, the key), usage file)

    def link(self, first: dt.date, last: dt.date) -> str:
        """The usage link for the days first..last, naming the account of the last one."""
        key, source = self.cited[last]
        return usage_link(source, key, first, last)


class _Accounts:
    """Who may get a usage fact on which day, and the usage data behind the facts."""

    def __init__(self, con: duckdb.DuckDBPyConnection, window: Window):
        self.customers: dict[str, _Customer] = {}
        if table_exists(con, "customers"):
            for customer, se_id, is_new, has_active, is_ours, domains in con.execute(
                "SELECT customer, se_id, is_new, has_active_opportunity, is_ours, domains FROM customers"
            ).fetchall():
                self.customers[customer] = _Customer(se_id, bool(is_new or has_active), is_ours is not False, tuple(domains or ()))
        self.active_days: set[tuple[str, dt.date]] = set()
        if table_exists(con, "activity"):
            self.active_days = set(con.execute(
                "SELECT DISTINCT customer, activity_date FROM activity WHERE customer IS NOT NULL AND activity_date BETWEEN ? AND ?",
                [window.first_day, window.last_day],
            ).fetchall())

    def ours(self, customer: str) -> bool:
        known = self.customers.get(customer)
        return known is not None and known.ours

    def eligible(self, customer: str, day: dt.date) -> bool:
        """Routine usage facts: an active (or New) customer, or a closed one on a day it has activity."""
        return self.ours(customer) and (self.customers[customer].active or (customer, day) in self.active_days)


def _series(con: duckdb.DuckDBPyConnection, window: Window) -> dict[tuple[str, str], _Series]:
    """(customer, metric) -> its daily values from two weeks before the window's day before to its end:
    whatever the window, each day is judged on the same data (a run per day equals one for the month)."""
    rows = con.execute(
        "SELECT customer, metric, usage_date, value, source_customer, workspace_id, account_domain, source_file "
        "FROM usage_daily WHERE usage_date BETWEEN ? AND ? ORDER BY ALL",
        [window.first_day - dt.timedelta(days=LOOKBACK_DAYS + 1), window.last_day],
    ).fetchall()
    out: dict[tuple[str, str], _Series] = {}
    for customer, metric, day, value, account, workspace, domain, source in rows:
        kind = "workspace_id" if workspace == account else "domain" if domain == account else "account"
        series = out.setdefault((customer, metric), _Series({}, {}))
        series.values[day] = value
        series.cited[day] = ((kind, account), source)
    return out


def _signal(kind: str, customer: str, se_id: str | None, day: dt.date, window: Window, tldr: str, summary: str,
            evidence: str, link: str, key: str) -> Signal:
    return Signal(
        kind=kind, se_id=se_id, customer=customer, raised_at=dt.datetime.combine(day, dt.time(), window.tz),
        activity_date=day, activity_ids=[], link=link, summary=summary, tldr=tldr, evidence=evidence,
        relevance="include" if se_id else "uncertain", key=key,
    )


# ---- trial hasn't started -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Trial:
    se_id: str | None
    workspace_id: str | None
    ends: dt.date | None
    began: dt.date | None


def _trials(con: duckdb.DuckDBPyConnection, accounts: _Accounts, window: Window) -> dict[str, _Trial]:
    trials: dict[str, _Trial] = {}
    if table_exists(con, "opportunities"):
        for customer, name, stage, se_id, workspace, ends, created in con.execute(
            "SELECT customer, name, stage, se_id, workspace_id, poc_end, created_time FROM opportunities "
            "WHERE is_active AND customer IS NOT NULL ORDER BY workspace_id IS NULL, poc_end, page_id"
        ).fetchall():
            if ends is not None or trial_in_name(stage) or trial_in_name(name):
                began = window.local_date(created) if created else None
                trials.setdefault(customer, _Trial(se_id, workspace, ends, began))
    if table_exists(con, "customers"):
        # A prospect with no opportunity whose workspace the settings name is trying the product.
        for customer, workspaces in con.execute(
            "SELECT customer, workspace_ids FROM customers WHERE is_new AND len(workspace_ids) > 0"
        ).fetchall():
            trials.setdefault(customer, _Trial(None, sorted(workspaces)[0], None, None))
    return trials


def trial_not_started(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not (table_exists(con, "usage_days_read") and table_exists(con, "customer_usage_span")):
        return []  # without a usage source there is no knowing whether a trial started
    accounts = _Accounts(con, window)
    reads = {day: (path, since) for day, path, since in con.execute(
        "SELECT partition_date, source_path, read_since FROM usage_days_read WHERE partition_date BETWEEN ? AND ?",
        [window.first_day, window.last_day],
    ).fetchall()}
    usage = {customer: (first_row, first_use) for customer, first_row, first_use in con.execute(
        "SELECT customer, first_row, first_use FROM customer_usage_span"
    ).fetchall()}
    out = []
    for customer, trial in sorted(_trials(con, accounts, window).items()):
        first_row, first_use = usage.get(customer, (None, None))
        for day in window.days:
            if day not in reads or not accounts.eligible(customer, day) or (first_use is not None and first_use <= day):
                continue
            path, read_since = reads[day]
            since = max(read_since, trial.began or read_since)
            has_rows = first_row is not None and first_row <= day
            known = accounts.customers.get(customer)
            if trial.workspace_id:
                key, what = ("workspace_id", trial.workspace_id), f"workspace {trial.workspace_id}"
            elif known and known.domains:
                key, what = ("domain", known.domains[0]), known.domains[0]
            else:
                key, what = ("account", customer), customer
            shows = "usage rows show only zeros" if has_rows else "no usage rows"
            ends = f"; the trial ends {trial.ends:%b %-d}" if trial.ends and trial.ends >= day else ""
            out.append(_signal(
                "trial_not_started", customer, trial.se_id or (known.se_id if known else None), day, window,
                f"{customer} trial hasn't started: no usage yet",
                f"{_possessive(customer)} trial hasn't started: {shows} for {what} over {_days(since, day)}{ends}.",
                "rule:trial_without_usage",
                usage_link(path, key, since, day, no_rows=not has_rows), f"{customer}|{day.isoformat()}",
            ))
    return out


# ---- drops and growth -----------------------------------------------------------------------------


def _earlier(values: dict[dt.date, float], day: dt.date) -> list[tuple[dt.date, float]]:
    """The same kind of day (weekday or weekend) with data in the two weeks before `day`, oldest first."""
    start = day - dt.timedelta(days=LOOKBACK_DAYS)
    return [(d, values[d]) for d in sorted(values) if start <= d < day and _same_kind(d, day)]


def _judged_days(
    con: duckdb.DuckDBPyConnection, accounts: _Accounts, window: Window
) -> Iterator[tuple[str, str, _Series, dt.date, list[tuple[dt.date, float]]]]:
    """(customer, metric, series, day, its earlier days of the same kind) for each day of the window
    that has data and something to compare it with, of a metric that can rise or fall as news."""
    for (customer, metric), series in _series(con, window).items():
        if _NOT_JUDGED.search(metric) or _FEATURE_METRIC.match(metric):
            continue
        for day in window.days:
            earlier = _earlier(series.values, day)
            if day in series.values and len(earlier) >= 2 and accounts.eligible(customer, day):
                yield customer, metric, series, day, earlier


def _below_baseline(values: dict[dt.date, float], day: dt.date) -> float | None:
    """The day's baseline when the day is at most DROP_RATIO of it (else None)."""
    earlier = _earlier(values, day)
    if day not in values or len(earlier) < 2:
        return None
    baseline = statistics.median(v for _, v in earlier[-DROP_BASELINE_DAYS:])
    return baseline if baseline > 0 and values[day] <= DROP_RATIO * baseline else None


def usage_drops(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "usage_daily"):
        return []
    accounts = _Accounts(con, window)
    drops: dict[tuple[str, dt.date], list[tuple[str, float, float, _Series]]] = {}
    for customer, metric, series, day, _ in _judged_days(con, accounts, window):
        if (baseline := _below_baseline(series.values, day)) is not None:
            drops.setdefault((customer, day), []).append((metric, baseline, series.values[day], series))
    out = []
    for (customer, day), metrics in sorted(drops.items()):
        # The deepest fall leads; a count of a few (3 projects to 1) only when nothing larger fell.
        metrics.sort(key=lambda m: (m[1] < SMALL_COUNT, m[2] / m[1], m[0]))
        metric, baseline, value, series = metrics[0]
        pct = round(100 * (1 - value / baseline))
        detail = "".join(f", {m} {a} → {b}" for m, base, v, _ in metrics[1:] for a, b in [_amounts(base, v)])
        # A collapse over two days: say where the day before already stood.
        before = day - dt.timedelta(days=1)
        previous = series.values[before] if _below_baseline(series.values, before) is not None else None
        usual, now, then = _amounts(baseline, value, value if previous is None else previous)
        after = "" if previous is None else f", after {then} on {before:%b %-d}"
        first = min(d for d in series.values if d >= day - dt.timedelta(days=LOOKBACK_DAYS))
        out.append(_signal(
            "usage_drop", customer, accounts.customers[customer].se_id, day, window,
            f"{customer} {metric} down {pct}% to {now}",
            f"{_possessive(customer)} usage fell: {metric} from a usual ~{usual} to {now} on {day:%b %-d} (−{pct} %)"
            f"{after}{detail}.",
            "rule:usage_below_baseline", series.link(first, day), f"{customer}|{day.isoformat()}",
        ))
    return out


def usage_growth(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not table_exists(con, "usage_daily"):
        return []
    accounts = _Accounts(con, window)
    highs: dict[tuple[str, dt.date], list[tuple[str, float, float, list[dt.date], _Series]]] = {}
    for customer, metric, series, day, earlier in _judged_days(con, accounts, window):
        before = [v for d, v in series.values.items() if day - dt.timedelta(days=LOOKBACK_DAYS) <= d < day]
        base_days = earlier[:GROWTH_BASELINE_DAYS]
        baseline = statistics.median(v for _, v in base_days)
        value = series.values[day]
        if baseline > 0 and value > max(before) and value >= GROWTH_ALSO_RATIO * baseline:
            highs.setdefault((customer, day), []).append((metric, baseline, value, [d for d, _ in base_days], series))
    out = []
    for (customer, day), metrics in sorted(highs.items()):
        metrics.sort(key=lambda m: (m[1] < SMALL_COUNT, -m[2] / m[1], m[0]))  # the steepest rise leads
        metric, baseline, value, baseline_days, series = metrics[0]
        if value < GROWTH_RATIO * baseline:
            continue
        pct = round(100 * (value / baseline - 1))
        usual, now = _amounts(baseline, value)
        detail = "".join(f", {m} {a} → {b}" for m, base, v, _, _ in metrics[1:] for a, b in [_amounts(base, v)])
        days = _days(baseline_days[0], baseline_days[-1])
        out.append(_signal(
            "usage_growth", customer, accounts.customers[customer].se_id, day, window,
            f"{customer} usage up {pct}%: {metric} {usual} → {now}",
            f"{_possessive(customer)} usage is growing: {metric} up {pct} % to {now} on {day:%b %-d} (from ~{usual} on {days}){detail}.",
            "rule:usage_new_high", series.link(baseline_days[0], day), f"{customer}|{day.isoformat()}",
        ))
    return out


# ---- first use of a feature -----------------------------------------------------------------------


def feature_adoptions(con: duckdb.DuckDBPyConnection, window: Window) -> list[Signal]:
    if not (table_exists(con, "feature_first_use") and table_exists(con, "usage_daily")):
        return []
    accounts = _Accounts(con, window)
    series = _series(con, window)
    rows = con.execute(
        "SELECT customer, metric, first_use, tracked_from FROM feature_first_use WHERE first_use BETWEEN ? AND ? ORDER BY ALL",
        [window.first_day, window.last_day],
    ).fetchall()
    out = []
    for customer, metric, day, tracked_from in rows:
        named = _FEATURE_METRIC.match(metric)  # None for a bare "feature:" (the SQL's test is looser)
        if not accounts.ours(customer) or (customer, metric) not in series or named is None:
            continue
        cited = series[(customer, metric)]
        feature = named.group(1).replace("_", " ")
        first = max(tracked_from, day - dt.timedelta(days=LOOKBACK_DAYS))
        out.append(_signal(
            "feature_adopted", customer, accounts.customers[customer].se_id, day, window,
            f"{customer} started using {feature}",
            f"{customer} started using {feature} on {day:%b %-d}: its usage shows {metric} from that day, none before.",
            f"rule:first_feature_use:{metric}", cited.link(first, day), f"{customer}|{metric}",
        ))
    return out
