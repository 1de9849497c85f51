"""Ramp risks and modules to refine, from stg_onboarding_metrics (each rep's latest period).

A rep is a ramp risk when their ramp_days exceed 1.25 x the team median, their call_quality is
under 70, or a certification:<module> pass rate is under 0.7. The likely limiter is named: low
certification points at content, low call quality with certifications passed at coaching or process.
A module is to refine when its mean pass rate across reps is under 0.8.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

import duckdb

from se_pipeline.warehouse import table_exists

RAMP_FACTOR = 1.25
CALL_QUALITY_FLOOR = 70.0
CERT_FLOOR = 0.7
MODULE_FLOOR = 0.8


@dataclass
class RampRisk:
    rep_id: str
    rep_name: str | None
    period: str
    reasons: list[str] = field(default_factory=list)
    limiter: str = ""


@dataclass(frozen=True)
class Module:
    name: str
    pass_rate: float
    reps: int


def _latest_metrics(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str | None, str, str, float]]:
    """(rep_id, rep_name, period, metric, value) for each rep's latest period."""
    return con.execute(
        """
        SELECT rep_id, rep_name, period, metric, value
        FROM stg_onboarding_metrics
        QUALIFY period = max(period) OVER (PARTITION BY rep_id)
        ORDER BY rep_id, metric
        """
    ).fetchall()


def assess(con: duckdb.DuckDBPyConnection) -> tuple[list[RampRisk], list[Module]] | None:
    """Ramp risks and modules to refine; None when there are no onboarding metrics."""
    if not table_exists(con, "stg_onboarding_metrics"):
        return None
    rows = _latest_metrics(con)
    if not rows:
        return None
    ramp = [v for _, _, _, m, v in rows if m == "ramp_days"]
    median_ramp = statistics.median(ramp) if ramp else None
    reps: dict[str, RampRisk] = {}
    certs: dict[str, list[float]] = {}
    low_cert: set[str] = set()
    low_quality: set[str] = set()
    for rep_id, rep_name, period, metric, value in rows:
        risk = reps.setdefault(rep_id, RampRisk(rep_id, rep_name, period))
        risk.rep_name = risk.rep_name or rep_name
        if metric == "ramp_days" and median_ramp and value > RAMP_FACTOR * median_ramp:
            risk.reasons.append(f"ramp {value:.0f} days (team median {median_ramp:.0f})")
        elif metric == "call_quality" and value < CALL_QUALITY_FLOOR:
            risk.reasons.append(f"call quality {value:.0f}/100")
            low_quality.add(rep_id)
        elif metric.startswith("certification:"):
            module = metric.split(":", 1)[1]
            certs.setdefault(module, []).append(value)
            if value < CERT_FLOOR:
                risk.reasons.append(f"certification '{module}' {value:.0%}")
                low_cert.add(rep_id)
    risks = [r for r in reps.values() if r.reasons]
    for risk in risks:
        if risk.rep_id in low_cert:
            risk.limiter = "content: refine the module(s) they fail"
        elif risk.rep_id in low_quality:
            risk.limiter = "coaching or process: certifications passed, calls lag"
        else:
            risk.limiter = "territory or process: check pipeline and support before content"
    modules = sorted(
        (Module(name, statistics.mean(values), len(values)) for name, values in certs.items()),
        key=lambda m: (m.pass_rate, m.name),
    )
    return risks, [m for m in modules if m.pass_rate < MODULE_FLOOR]
