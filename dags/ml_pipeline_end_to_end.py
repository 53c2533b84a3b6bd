"""Train, evaluate and register a scikit-learn model, tracked in MLflow.

extract -> validate -> train -> evaluate -> register. The model version becomes the
`champion` alias of `ml_pipeline_model` only when its F1 beats the current champion's.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone

try:  # Airflow 3
    from airflow.sdk import DAG, Param, Variable, get_current_context, task
except ImportError:  # Airflow 2, so the same folder also serves the v1 API tests
    from airflow import DAG
    from airflow.decorators import task
    from airflow.models import Variable
    from airflow.models.param import Param
    from airflow.operators.python import get_current_context

from mlops_bot_notify import notify_mlops_bot

from ml_pipeline import steps


def _tracking_uri() -> str:
    # Positional default: the keyword is `default` on Airflow 3 and `default_var` on Airflow 2.
    return steps.resolve_tracking_uri(Variable.get("mlflow_tracking_uri", None), dict(os.environ))


def _params() -> dict:
    return steps.normalize_params(dict(get_current_context()["params"]))


with DAG(
    dag_id="ml_pipeline_end_to_end",
    description="Train a classifier on a bundled scikit-learn dataset and register it in MLflow",
    schedule=None,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    is_paused_upon_creation=False,
    max_active_runs=2,
    tags=["chatops", "ml"],
    default_args={"owner": "ml-team", "retries": 0, "on_failure_callback": notify_mlops_bot},
    params={
        "n_estimators": Param(50, type="integer", minimum=10, maximum=500, description="Number of trees"),
        "max_depth": Param(None, type=["null", "integer"], minimum=1, description="Tree depth; null = unlimited"),
        "test_size": Param(0.25, type="number", minimum=0.1, maximum=0.5, description="Held-out fraction"),
        "random_state": Param(42, type="integer", description="Seed for the split and the model"),
    },
) as dag:

    @task
    def extract() -> dict:
        return steps.extract()

    @task
    def validate(summary: dict) -> dict:
        return steps.validate(summary)

    @task
    def train(summary: dict) -> dict:
        context = get_current_context()
        tags = {
            "airflow.dag_id": context["dag"].dag_id,
            "airflow.run_id": context["run_id"],
            "dataset": summary["dataset"],
        }
        return steps.train(_params(), _tracking_uri(), run_name=context["run_id"], tags=tags)

    @task
    def evaluate(trained: dict) -> dict:
        return steps.evaluate(_params(), trained, _tracking_uri())

    @task
    def register(trained: dict, metrics: dict) -> dict:
        return steps.register(trained, metrics, _tracking_uri())

    trained = train(validate(extract()))
    register(trained, evaluate(trained))
