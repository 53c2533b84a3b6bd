"""Two trivial tasks that finish in seconds: proves triggering and run tracking end to end."""

from __future__ import annotations

from datetime import datetime, timezone

try:  # Airflow 3
    from airflow.sdk import DAG, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task


with DAG(
    dag_id="chatops_smoke",
    description="Finishes in seconds; used to check that triggering works",
    schedule=None,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    is_paused_upon_creation=False,
    tags=["chatops"],
    default_args={"owner": "chatops", "retries": 0},
) as dag:

    @task
    def hello() -> str:
        print("chatops_smoke: hello")
        return "hello"

    @task
    def done(greeting: str) -> str:
        print(f"chatops_smoke: got {greeting!r}, done")
        return "done"

    done(hello())
