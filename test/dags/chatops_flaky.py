"""A DAG that fails on purpose, so failure alerts, logs and retries can be exercised.

The `flaky` task fails when any of these hold:
- param `fail` is true (fails every try);
- Airflow Variable `chatops_flaky_fail` is "true" (fails every try until switched off);
- the Variable is unset and this is try 1 (a clear/retry then succeeds on try 2).
Setting the Variable to "false" makes every try succeed.
"""

from __future__ import annotations

from datetime import datetime, timezone

try:  # Airflow 3
    from airflow.sdk import DAG, Param, Variable, get_current_context, task
except ImportError:  # Airflow 2
    from airflow import DAG
    from airflow.decorators import task
    from airflow.models import Variable
    from airflow.models.param import Param
    from airflow.operators.python import get_current_context

from mlops_bot_notify import notify_mlops_bot

VARIABLE = "chatops_flaky_fail"


def failure_reason(param_fail: bool, variable: str | None, try_number: int) -> str | None:
    """Why this try must fail, or None when it should succeed."""
    if param_fail:
        return "param fail=true"
    if variable is None:
        return "first try while Variable chatops_flaky_fail is unset" if try_number <= 1 else None
    if variable.strip().lower() in ("true", "1", "yes", "on"):
        return "Variable chatops_flaky_fail is 'true'"
    return None


with DAG(
    dag_id="chatops_flaky",
    description="Fails on purpose (see the `flaky` task) so alerts and retry can be tested",
    schedule=None,
    start_date=datetime(2025, 1, 1, tzinfo=timezone.utc),
    catchup=False,
    is_paused_upon_creation=False,
    tags=["chatops"],
    default_args={"owner": "chatops", "retries": 0, "on_failure_callback": notify_mlops_bot},
    params={"fail": Param(False, type="boolean", description="Fail every try regardless of the Variable")},
) as dag:

    @task
    def prepare() -> str:
        return "ready"

    @task
    def flaky(state: str) -> str:
        context = get_current_context()
        # Positional default: the keyword is `default` on Airflow 3 and `default_var` on Airflow 2.
        variable = Variable.get(VARIABLE, None)
        reason = failure_reason(bool(context["params"].get("fail")), variable, int(context["ti"].try_number))
        if reason:
            raise RuntimeError(
                f"chatops_flaky: simulated failure ({reason}); "
                f"set Variable {VARIABLE}=false and clear the task to recover"
            )
        print(f"chatops_flaky: succeeded on try {context['ti'].try_number} ({state})")
        return "ok"

    flaky(prepare())
