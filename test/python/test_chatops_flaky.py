"""When chatops_flaky fails: the rule the retry scenario depends on."""

from __future__ import annotations

import importlib.util

from conftest import TEST_DAGS

_spec = importlib.util.spec_from_file_location("chatops_flaky_dag", TEST_DAGS / "chatops_flaky.py")
flaky = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(flaky)


def test_it_fails_on_the_first_try_when_the_variable_is_unset():
    assert flaky.failure_reason(False, None, 1) is not None


def test_a_second_try_succeeds_when_the_variable_is_unset():
    assert flaky.failure_reason(False, None, 2) is None


def test_it_fails_every_try_while_the_variable_is_true():
    assert flaky.failure_reason(False, "true", 3) == "Variable chatops_flaky_fail is 'true'"
    assert flaky.failure_reason(False, "TRUE", 1) is not None


def test_it_succeeds_on_the_first_try_once_the_variable_is_false():
    assert flaky.failure_reason(False, "false", 1) is None


def test_param_fail_wins_over_the_variable():
    assert flaky.failure_reason(True, "false", 5) == "param fail=true"
