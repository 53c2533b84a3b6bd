"""Points Airflow at a throw-away home before anything imports it, so tests never touch .mlops/ or ~/airflow."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"

_home = tempfile.mkdtemp(prefix="mlops-bot-pytest-airflow-")
os.environ["AIRFLOW_HOME"] = _home
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_home}/airflow.db"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"

# The DAG folder is on sys.path inside Airflow; tests import its helper package the same way.
if str(DAGS) not in sys.path:
    sys.path.insert(0, str(DAGS))


def pytest_sessionfinish(session, exitstatus):
    import shutil

    shutil.rmtree(_home, ignore_errors=True)
