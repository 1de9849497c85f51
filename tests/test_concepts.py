"""Concepts defined once and read the same way everywhere: what names a trial, a competitor, a name's key."""

from se_pipeline.competitors import competitor_pattern, find_competitors
from se_pipeline.names import name_key
from se_pipeline.proposals.stages import EVALUATION, TRIAL, phase
from se_pipeline.trials import trial_in_name


def test_a_trial_is_named_the_same_way_in_stages_criteria_and_usage():
    for name in ("POC", "Pilot – phase 2", "Proof of Value", "pov", "Paid trial", "Proof"):
        assert trial_in_name(name), name
        assert phase(name) == TRIAL, name
    # An evaluation is a trial to the criteria and to usage, but the stage before it on the sales course.
    assert trial_in_name("Technical Evaluation") and phase("Technical Evaluation") == EVALUATION
    assert not trial_in_name("Negotiation") and not trial_in_name(None)


def test_the_signal_rules_and_the_artefacts_find_the_same_competitors():
    names = ("Grafana", "Grafana Cloud", "Rivalry")
    text = "They compare us with grafana cloud; docs.rivalry.io says nothing, but Rivalry's sales team called."
    assert [m.group(0) for m in competitor_pattern(names).finditer(text)] == ["grafana cloud", "Rivalry"]
    assert find_competitors(text, names) == ["Grafana Cloud", "Rivalry"]  # in the spelling given
    assert competitor_pattern(()).search(text) is None


def test_a_name_key_keeps_letters_and_digits():
    assert name_key("Acme Corp.") == name_key("acme-corp") == "acmecorp"
    assert name_key(None) == ""


def test_a_competitors_other_spellings_are_reported_under_its_name():
    names, aliases = ("Quillmetrics", "Vexa Cloud"), (("QM", "Quillmetrics"), ("Quill Metrics", "Quillmetrics"), ("VexaCloud", "Vexa Cloud"))
    text = "We run Quill Metrics today, QM for logs, and trialled VexaCloud."
    assert find_competitors(text, names, aliases) == ["Quillmetrics", "Vexa Cloud"]  # each once, by name
    assert find_competitors(text, names) == []  # without the aliases, a spelling is not a name
    assert find_competitors("QMs and aQM are not it", names, aliases) == []  # whole words only
    assert find_competitors("QM again", ("Vexa Cloud",), aliases) == []  # an alias counts only for a known name
    assert competitor_pattern(names, aliases).search("The Quill Metrics agent")[0] == "Quill Metrics"  # longest first
