"""segments.toml stays usable after a consultant edits it: every rule list ends with a catch-all
(so counts always add up to the customers) and every condition key can be read."""
import pandas as pd
import pytest

from engine.analysis import rules
from engine.config import load

LISTS = [("rfm", "segments"), ("clusters", "names"), ("cpm", "segments"), ("ranks", "rules")]


@pytest.mark.parametrize("section,name", LISTS)
def test_rule_lists_end_with_a_catch_all_and_parse(section, name):
    rule_list = load("segments")[section][name]
    for rule in rule_list:
        rules.conditions(rule)                       # raises on an unreadable key
        assert rule.get("label_ja") and rule.get("label_en")
    assert rules.conditions(rule_list[-1]) == []
    assert len({r["id"] for r in rule_list}) == len(rule_list)


def test_first_matching_rule_wins_and_ops_mean_what_they_say():
    frame = pd.DataFrame({"x": [1, 2, 3, 4]})
    rule_list = [{"id": "low", "x_max": 1}, {"id": "mid", "x_under": 3},
                 {"id": "top", "x_over": 3}, {"id": "rest"}]
    assert rules.match(frame, rule_list, "rest").tolist() == ["low", "mid", "rest", "top"]


def test_an_unknown_operator_is_refused():
    with pytest.raises(ValueError):
        rules.conditions({"id": "x", "frequency_atleast": 2})
