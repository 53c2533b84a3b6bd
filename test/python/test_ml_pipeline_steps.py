"""The pipeline's pure steps, without a scheduler or an MLflow server."""

from __future__ import annotations

import pytest
from ml_pipeline import steps


def test_normalize_params_fills_defaults_for_missing_keys():
    assert steps.normalize_params({"n_estimators": 20}) == {
        "n_estimators": 20,
        "max_depth": None,
        "test_size": 0.25,
        "random_state": 42,
    }


def test_normalize_params_ignores_unknown_keys_and_coerces_types():
    params = steps.normalize_params({"n_estimators": "30", "max_depth": "4", "colour": "blue"})
    assert params["n_estimators"] == 30
    assert params["max_depth"] == 4
    assert "colour" not in params


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"n_estimators": 5}, "n_estimators must be between 10 and 500"),
        ({"n_estimators": 501}, "n_estimators must be between 10 and 500"),
        ({"max_depth": 0}, "max_depth must be a positive integer or null"),
        ({"test_size": 0.6}, "test_size must be between 0.1 and 0.5"),
    ],
)
def test_normalize_params_rejects_out_of_range_values(raw, message):
    with pytest.raises(ValueError, match=message):
        steps.normalize_params(raw)


def test_extract_summarises_the_bundled_breast_cancer_dataset():
    summary = steps.extract()
    assert summary["dataset"] == "breast_cancer"
    assert summary["n_samples"] == 569
    assert summary["n_features"] == 30
    assert summary["class_counts"] == {"malignant": 212, "benign": 357}
    assert summary["missing_values"] == 0


def test_validate_accepts_the_real_dataset():
    assert steps.validate(steps.extract())["valid"] is True


def test_validate_lists_every_problem_in_one_error():
    bad = {"n_samples": 20, "n_features": 3, "missing_values": 2, "class_counts": {"a": 15, "b": 5}}
    with pytest.raises(ValueError) as err:
        steps.validate(bad)
    text = str(err.value)
    assert "only 20 samples" in text
    assert "2 missing values" in text
    assert "fewer than 10 samples" in text


def test_validate_rejects_a_single_class():
    with pytest.raises(ValueError, match="fewer than two classes"):
        steps.validate({"n_samples": 500, "n_features": 3, "missing_values": 0, "class_counts": {"a": 500}})


def test_split_is_deterministic_for_a_seed_and_honours_test_size():
    params = steps.normalize_params({"test_size": 0.2, "random_state": 7})
    x_train, x_test, y_train, y_test = steps.split(params)
    again = steps.split(params)
    assert len(x_test) == 114
    assert len(x_train) + len(x_test) == 569
    assert (again[3] == y_test).all()


def test_build_model_passes_the_params_through():
    model = steps.build_model(steps.normalize_params({"n_estimators": 12, "max_depth": 3, "random_state": 1}))
    assert (model.n_estimators, model.max_depth, model.random_state) == (12, 3, 1)


def test_compute_metrics_reports_the_four_scores():
    metrics = steps.compute_metrics([1, 1, 0, 0], [1, 0, 0, 0])
    assert metrics == {"accuracy": 0.75, "f1": pytest.approx(2 / 3), "precision": 1.0, "recall": 0.5}


def test_a_small_forest_scores_well_on_the_held_out_split():
    params = steps.normalize_params({"n_estimators": 20})
    x_train, x_test, y_train, y_test = steps.split(params)
    model = steps.build_model(params).fit(x_train, y_train)
    assert steps.compute_metrics(y_test, model.predict(x_test))["accuracy"] > 0.9


@pytest.mark.parametrize(
    ("new", "champion", "expected"),
    [(0.9, None, True), (0.95, 0.9, True), (0.9, 0.9, False), (0.8, 0.9, False)],
)
def test_should_promote_only_on_a_strict_improvement(new, champion, expected):
    assert steps.should_promote(new, champion) is expected


def test_resolve_tracking_uri_prefers_the_variable_then_the_environment():
    env = {"MLFLOW_TRACKING_URI": "http://127.0.0.1:5000"}
    assert steps.resolve_tracking_uri("http://mlflow:5000", env) == "http://mlflow:5000"
    assert steps.resolve_tracking_uri(None, env) == "http://127.0.0.1:5000"
    assert steps.resolve_tracking_uri("  ", {}) == steps.DEFAULT_TRACKING_URI


def test_champion_score_is_empty_when_no_alias_exists():
    from mlflow.exceptions import MlflowException

    class NoAlias:
        def get_model_version_by_alias(self, name, alias):
            raise MlflowException(f"alias {alias} not found for {name}")

    assert steps.champion_score(NoAlias()) == (None, None)


def test_champion_score_reads_the_metric_of_the_champion_run():
    class Version:
        version = "3"
        run_id = "r1"

    class Run:
        class data:  # noqa: N801 - mirrors mlflow.entities.Run.data
            metrics = {"f1": 0.97}

    class Client:
        def get_model_version_by_alias(self, name, alias):
            assert (name, alias) == ("ml_pipeline_model", "champion")
            return Version()

        def get_run(self, run_id):
            assert run_id == "r1"
            return Run()

    assert steps.champion_score(Client()) == ("3", 0.97)
