"""The failure push signs exactly as the bot verifies (src/http/webhooks/signatures.ts) and never fails a DAG run."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from types import SimpleNamespace

import mlops_bot_notify as notify

BODY = b'{"event":"dag_run_failed","dag_id":"etl","run_id":"r1","task_id":null}'


def test_the_signature_matches_the_one_node_computes_for_the_same_secret_body_and_time():
    # Computed with node:crypto createHmac('sha256', 's3cret').update('1700000000.').update(BODY).
    headers = notify.sign("s3cret", BODY, 1700000000)
    assert headers == {
        "X-MLOps-Timestamp": "1700000000",
        "X-MLOps-Signature": "v1=83130fa2aac6f8db46135b68b6d0962567c8d8035016a36e0f319a8f208eb70c",
    }


def test_a_task_failure_context_becomes_a_task_failed_event():
    context = {
        "dag_run": SimpleNamespace(dag_id="etl", run_id="manual__1"),
        "task_instance": SimpleNamespace(task_id="train", map_index=-1, try_number=2),
        "exception": RuntimeError("boom"),
    }
    assert notify.event_from_context(context) == {
        "event": "task_failed",
        "dag_id": "etl",
        "run_id": "manual__1",
        "task_id": "train",
        "map_index": -1,
        "try_number": 2,
    }


def test_two_mapped_instances_failing_in_the_same_second_are_two_distinct_signed_pushes():
    # The bot drops a signed body it has already seen inside its 5 minute window.
    def body(map_index: int) -> bytes:
        context = {
            "dag_run": SimpleNamespace(dag_id="etl", run_id="manual__1"),
            "task_instance": SimpleNamespace(task_id="score", map_index=map_index, try_number=1),
            "exception": RuntimeError("boom"),
        }
        return json.dumps(notify.event_from_context(context)).encode()

    first = notify.sign("s3cret", body(0), 1700000000)
    second = notify.sign("s3cret", body(1), 1700000000)
    assert first["X-MLOps-Signature"] != second["X-MLOps-Signature"]


def test_without_configuration_the_callback_does_nothing(monkeypatch):
    monkeypatch.delenv("MLOPS_BOT_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("MLOPS_BOT_WEBHOOK_SECRET", raising=False)
    monkeypatch.setattr(notify, "_setting", lambda name: None)
    notify.notify_mlops_bot({"dag_run": SimpleNamespace(dag_id="etl", run_id="r1")})


def test_it_posts_the_signed_event_and_survives_an_unreachable_bot(monkeypatch):
    seen = {}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's naming
            seen["headers"] = self.headers  # case-insensitive: urllib sends X-mlops-timestamp
            seen["body"] = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(202)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    monkeypatch.setenv("MLOPS_BOT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_port}/webhooks/airflow")
    monkeypatch.setenv("MLOPS_BOT_WEBHOOK_SECRET", "s3cret")
    notify.notify_mlops_bot({"dag_run": SimpleNamespace(dag_id="etl", run_id="r1")})
    thread.join(5)
    server.server_close()
    assert json.loads(seen["body"]) == {
        "event": "dag_run_failed",
        "dag_id": "etl",
        "run_id": "r1",
        "task_id": None,
        "map_index": None,
        "try_number": None,
    }
    ts = int(seen["headers"]["X-MLOps-Timestamp"])
    assert seen["headers"]["X-MLOps-Signature"] == notify.sign("s3cret", seen["body"], ts)["X-MLOps-Signature"]

    monkeypatch.setenv("MLOPS_BOT_WEBHOOK_URL", "http://127.0.0.1:9/webhooks/airflow")
    notify.notify_mlops_bot({"dag_run": SimpleNamespace(dag_id="etl", run_id="r1")})
