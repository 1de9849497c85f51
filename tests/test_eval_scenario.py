"""The digests of the vendored labelled week (tests/data/eval-scenario-2), run as a user would with
its config as written, scored by its scorer in both Notion modes: a regression below a floor fails.
Also how bench/eval_digest.py reads the scorer and reports a failed run (invented examples)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
VENDORED = ROOT / "tests" / "data" / "eval-scenario-2"


def _bench():
    spec = importlib.util.spec_from_file_location("eval_digest", ROOT / "bench" / "eval_digest.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


bench = _bench()

# What main reaches on scenario-2 (bench/eval_digest.py, both modes; api mode also scores the two
# labels only Notion comments carry). Raise a floor when the digest gets better; never lower one to
# let a change through. Issue 10's targets: owed recall and precision >= 0.90, to-know >= 0.85,
# headers 9/9, no violations, no uncited bullets.
FLOORS = {
    "export": bench.Floors(owed_recall=30 / 30, owed_precision=1.0, to_know=35 / 35, headers=9 / 9, violations=0, uncited=0),
    "api": bench.Floors(owed_recall=32 / 32, owed_precision=1.0, to_know=34 / 35, headers=9 / 9, violations=0, uncited=0),
}


@pytest.mark.parametrize("mode", ["export", "api"])
def test_the_labelled_week_scores_at_least_the_floors(mode):
    result = bench.evaluate(VENDORED / "scenario-2", mode)
    assert result.failure is None, result.summary()
    assert FLOORS[mode].broken(result) == [], result.summary()


def test_the_scorers_report_is_read_into_the_result(tmp_path):
    labels = tmp_path / "LABELS.yaml"
    labels.write_text(
        "digest_date: 2026-03-10\n"
        "ses:\n"
        "  marta:\n"
        "    expected_customers: [Orbit Labs]\n"
        "    customers:\n"
        "      Orbit Labs:\n"
        "        header: POC\n"
        "        owes:\n"
        "          - {id: o1, kind: question, description: 'Ana: sizing sheet', expect: [[sizing]],\n"
        "             source: {type: slack, channel: ext-orbit, ts: '1773136800.000100'}}\n"
        "          - {id: o2, kind: action_item, description: 'Ana: security whitepaper', expect: [[whitepaper]],\n"
        "             source: {type: slack, channel: ext-orbit, ts: '1773140400.000200'}}\n"
        "        things_to_know: []\n"
        "        distractors: []\n"
    )
    digests = tmp_path / "digests"
    digests.mkdir()
    (digests / "marta.md").write_text(
        "# Digest for Marta\n\n## Orbit Labs : POC\n\nTodo:\n"
        "- Ana asked for the sizing sheet ([Slack](https://x.slack.com/archives/C1/p1773136800000100))\n"
        "- Ana asked for the security whitepaper\n\nThings to know:\n- Ana is out on Friday\n"
    )
    result = bench.EvalResult("export")
    bench._score(result, bench._load_scorer(VENDORED / "score_digest.py"), labels, digests, csv_notion=True, n_ses=1)

    assert result.failure is None
    assert (result.owed_found, result.owed_total, result.headers_ok, result.headers_total) == (1, 2, 1, 1)
    assert result.violations == [] and [m.split(":")[1].strip() for m in result.misses] == ["owed missing o2"]
    assert result.uncited == ["marta: Orbit Labs: Ana asked for the security whitepaper", "marta: Orbit Labs: Ana is out on Friday"]
    assert result.per_se == ["marta: owed 1/2, to-know 0/0, headers 1/1, uncertain 0/0, violations 0, uncited 2"]


def test_a_failed_run_is_one_line_and_falls_short_of_any_floor(tmp_path, capsys):
    (tmp_path / "LABELS.yaml").write_text("digest_date: 2026-03-10\nses: {marta: {}}\n")
    (tmp_path / "config.yaml").write_text("start_date: 2026-03-01\nsources:\n  slack: {mode: export, pth: slack/}\n")

    assert bench.main([str(tmp_path), "--mode", "export", "--min-owed-recall", "0.5"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith("export: run failed (exit 2): se-pipeline: ")
    assert "config.yaml:3:" in lines[1] and "sources.slack." in lines[1]
    assert lines[2:] == ["below the floor: export: the run failed"]
    assert bench.Floors().broken(bench.EvalResult("export", failure="run failed")) == []  # no floors: a report only


def test_without_the_shared_folder_the_vendored_week_and_scorer_are_used(monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "SHARED_EVAL", tmp_path / "absent")
    assert bench.eval_folder() == VENDORED
    scenario = bench.eval_folder() / bench.SCENARIO
    assert bench._scorer_beside(scenario) == VENDORED / "score_digest.py"
    assert all((scenario / name).exists() for name in ("LABELS.yaml", "config.yaml", "notion/api", "notion/opportunities.csv"))
