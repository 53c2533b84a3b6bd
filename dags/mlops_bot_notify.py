"""Failure push to mlops-bot: add `on_failure_callback=notify_mlops_bot` to a DAG (or its default_args).

The bot answers the signed POST by polling Airflow at once, so the incident card appears within seconds; its
regular poll stays the backstop and both paths end in one card. Configuration, from the environment or Airflow
Variables of the same names: MLOPS_BOT_WEBHOOK_URL (in docker-compose-mlops.yml, which sets both:
http://bot:3000/webhooks/airflow, the bot by its service name) and MLOPS_BOT_WEBHOOK_SECRET (the bot's
AIRFLOW_WEBHOOK_SECRET). Without them the callback does nothing.
Only the standard library is used, so any Airflow image can import this module.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
import urllib.request

log = logging.getLogger(__name__)


def sign(secret: str, body: bytes, ts: int) -> dict[str, str]:
    """Headers the bot verifies: v1=<hex HMAC-SHA256(secret, "<ts>.<body>")>."""
    digest = hmac.new(secret.encode(), f"{ts}.".encode() + body, hashlib.sha256).hexdigest()
    return {"X-MLOps-Timestamp": str(ts), "X-MLOps-Signature": f"v1={digest}"}


def _setting(name: str) -> str | None:
    value = os.environ.get(name)
    if value:
        return value
    try:
        try:
            from airflow.sdk import Variable
        except ImportError:  # Airflow 2
            from airflow.models import Variable
        return Variable.get(name, None)
    except Exception:  # noqa: BLE001 - no Variable backend outside a task is not an error here
        return None


def event_from_context(context: dict) -> dict:
    """The bot drops a signed body it has seen within 5 minutes (a replay), so every field that tells two failures
    apart is in it: two mapped instances of one task, or two tries, failing in the same second are two pushes."""
    dag_run = context.get("dag_run")
    ti = context.get("task_instance") or context.get("ti")
    return {
        "event": "task_failed" if ti is not None and context.get("exception") is not None else "dag_run_failed",
        "dag_id": getattr(dag_run, "dag_id", None) or getattr(context.get("dag"), "dag_id", ""),
        "run_id": getattr(dag_run, "run_id", "") or context.get("run_id", ""),
        "task_id": getattr(ti, "task_id", None),
        "map_index": getattr(ti, "map_index", None),
        "try_number": getattr(ti, "try_number", None),
    }


def notify_mlops_bot(context: dict) -> None:
    url = _setting("MLOPS_BOT_WEBHOOK_URL")
    secret = _setting("MLOPS_BOT_WEBHOOK_SECRET")
    if not url or not secret:
        return
    body = json.dumps(event_from_context(context)).encode()
    headers = {"Content-Type": "application/json", **sign(secret, body, int(time.time()))}
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - URL comes from the operator's config
            log.info("mlops-bot notified: HTTP %s", response.status)
    except Exception as err:  # noqa: BLE001 - a chat notification must never fail the DAG run's bookkeeping
        log.warning("mlops-bot notification failed: %s", err)
