"""Steps of the ML pipeline as plain functions.

Kept free of scheduler imports so pytest can exercise them directly; scikit-learn and the
MLflow client are imported inside the functions so that parsing the DAG file stays cheap.
"""

from __future__ import annotations

from typing import Any

DATASET = "breast_cancer"
EXPERIMENT_NAME = "ml_pipeline_end_to_end"
MODEL_NAME = "ml_pipeline_model"
CHAMPION_ALIAS = "champion"
# The metric that decides promotion; higher is better.
SELECTION_METRIC = "f1"
DEFAULT_TRACKING_URI = "http://localhost:5000"

DEFAULT_PARAMS: dict[str, Any] = {
    "n_estimators": 50,
    "max_depth": None,
    "test_size": 0.25,
    "random_state": 42,
}


def normalize_params(raw: dict[str, Any] | None) -> dict[str, Any]:
    """Merge user params over the defaults and reject values the model cannot use."""
    merged = {**DEFAULT_PARAMS, **{k: v for k, v in (raw or {}).items() if k in DEFAULT_PARAMS}}
    n_estimators = int(merged["n_estimators"])
    if not 10 <= n_estimators <= 500:
        raise ValueError(f"n_estimators must be between 10 and 500, got {n_estimators}")
    max_depth = merged["max_depth"]
    if max_depth is not None:
        max_depth = int(max_depth)
        if max_depth < 1:
            raise ValueError(f"max_depth must be a positive integer or null, got {max_depth}")
    test_size = float(merged["test_size"])
    if not 0.1 <= test_size <= 0.5:
        raise ValueError(f"test_size must be between 0.1 and 0.5, got {test_size}")
    return {
        "n_estimators": n_estimators,
        "max_depth": max_depth,
        "test_size": test_size,
        "random_state": int(merged["random_state"]),
    }


def load_dataset() -> tuple[Any, Any, list[str]]:
    """The dataset ships with scikit-learn, so the pipeline never touches the network for data."""
    from sklearn.datasets import load_breast_cancer

    data = load_breast_cancer()
    return data.data, data.target, [str(n) for n in data.target_names]


def extract() -> dict[str, Any]:
    """Summarise the dataset; the summary (not the data) travels between tasks."""
    x, y, classes = load_dataset()
    counts = {cls: int((y == i).sum()) for i, cls in enumerate(classes)}
    return {
        "dataset": DATASET,
        "n_samples": int(x.shape[0]),
        "n_features": int(x.shape[1]),
        "classes": classes,
        "class_counts": counts,
        "missing_values": int(_count_missing(x)),
    }


def _count_missing(x: Any) -> int:
    import numpy as np

    return int(np.isnan(x).sum())


def validate(summary: dict[str, Any], min_samples: int = 100) -> dict[str, Any]:
    """Fail the run early when the data cannot support a fair train/test split."""
    problems: list[str] = []
    if summary.get("n_samples", 0) < min_samples:
        problems.append(f"only {summary.get('n_samples', 0)} samples (need {min_samples})")
    if summary.get("n_features", 0) < 1:
        problems.append("no features")
    if summary.get("missing_values", 0) > 0:
        problems.append(f"{summary['missing_values']} missing values")
    counts = summary.get("class_counts", {})
    if len(counts) < 2:
        problems.append("fewer than two classes")
    elif min(counts.values()) < 10:
        problems.append(f"a class has fewer than 10 samples: {counts}")
    if problems:
        raise ValueError("dataset failed validation: " + "; ".join(problems))
    return {**summary, "valid": True}


def split(params: dict[str, Any]) -> tuple[Any, Any, Any, Any]:
    """Deterministic for a given test_size and random_state, so train and evaluate agree."""
    from sklearn.model_selection import train_test_split

    x, y, _ = load_dataset()
    return train_test_split(x, y, test_size=params["test_size"], random_state=params["random_state"], stratify=y)


def build_model(params: dict[str, Any]) -> Any:
    from sklearn.ensemble import RandomForestClassifier

    return RandomForestClassifier(
        n_estimators=params["n_estimators"],
        max_depth=params["max_depth"],
        random_state=params["random_state"],
        n_jobs=1,
    )


def compute_metrics(y_true: Any, y_pred: Any) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score, precision_score, recall_score

    return {
        "accuracy": float(accuracy_score(y_true, y_pred)),
        "f1": float(f1_score(y_true, y_pred)),
        "precision": float(precision_score(y_true, y_pred, zero_division=0)),
        "recall": float(recall_score(y_true, y_pred, zero_division=0)),
    }


def should_promote(new_score: float, champion_score: float | None) -> bool:
    """Only a strict improvement moves the alias, so re-running the same config keeps the champion."""
    if champion_score is None:
        return True
    return new_score > champion_score


def resolve_tracking_uri(variable_value: str | None, env: dict[str, str]) -> str:
    """An Airflow Variable wins over the environment, which wins over the local default."""
    for candidate in (variable_value, env.get("MLFLOW_TRACKING_URI")):
        if candidate and candidate.strip():
            return candidate.strip()
    return DEFAULT_TRACKING_URI


def train(params: dict[str, Any], tracking_uri: str, run_name: str, tags: dict[str, str]) -> dict[str, Any]:
    """Fit the model, log params and the model to a new MLflow run, and hand the ids on."""
    import mlflow
    import mlflow.sklearn

    mlflow.set_tracking_uri(tracking_uri)
    mlflow.set_experiment(EXPERIMENT_NAME)
    x_train, x_test, y_train, _ = split(params)
    model = build_model(params)
    model.fit(x_train, y_train)
    with mlflow.start_run(run_name=run_name, tags=tags) as run:
        mlflow.log_params({**params, "dataset": DATASET, "model_class": type(model).__name__})
        # skops (no pickle) is MLflow's default format; the tree type is trusted because this task built it.
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            input_example=x_test[:2],
            skops_trusted_types=["sklearn.tree._tree.Tree"],
        )
    return {"run_id": run.info.run_id, "model_uri": info.model_uri, "experiment_id": run.info.experiment_id}


def evaluate(params: dict[str, Any], trained: dict[str, Any], tracking_uri: str) -> dict[str, float]:
    """Score the logged model on the held-out split and attach the metrics to its run."""
    import mlflow
    import mlflow.sklearn

    mlflow.set_tracking_uri(tracking_uri)
    _, x_test, _, y_test = split(params)
    model = mlflow.sklearn.load_model(trained["model_uri"])
    metrics = compute_metrics(y_test, model.predict(x_test))
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    for key, value in metrics.items():
        client.log_metric(trained["run_id"], key, value)
    return metrics


def champion_score(client: Any, metric: str = SELECTION_METRIC) -> tuple[str | None, float | None]:
    """The current champion's version and metric, or (None, None) when there is none yet."""
    from mlflow.exceptions import MlflowException

    try:
        version = client.get_model_version_by_alias(MODEL_NAME, CHAMPION_ALIAS)
    except MlflowException:
        return None, None
    if not version.run_id:
        return version.version, None
    value = client.get_run(version.run_id).data.metrics.get(metric)
    return version.version, value


def register(trained: dict[str, Any], metrics: dict[str, float], tracking_uri: str) -> dict[str, Any]:
    """Register a new version and move the champion alias only when it beats the current one."""
    import mlflow

    mlflow.set_tracking_uri(tracking_uri)
    client = mlflow.MlflowClient(tracking_uri=tracking_uri)
    previous_version, previous_score = champion_score(client)
    registered = mlflow.register_model(trained["model_uri"], MODEL_NAME)
    new_score = metrics[SELECTION_METRIC]
    promoted = should_promote(new_score, previous_score)
    if promoted:
        client.set_registered_model_alias(MODEL_NAME, CHAMPION_ALIAS, registered.version)
    return {
        "model": MODEL_NAME,
        "version": str(registered.version),
        "metric": SELECTION_METRIC,
        "score": new_score,
        "previous_champion": previous_version,
        "previous_score": previous_score,
        "promoted": promoted,
    }
