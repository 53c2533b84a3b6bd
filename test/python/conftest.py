"""Points Airflow at a throw-away home before anything imports it, so tests never touch .mlops/ or ~/airflow.

Airflow sees one DAG folder, as the local stack and the compose test give it: the production DAGs of dags/ and the
test DAGs of test/dags/ (chatops_smoke, chatops_flaky), side by side as symlinks.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DAGS = REPO / "dags"
TEST_DAGS = REPO / "test" / "dags"

_home = tempfile.mkdtemp(prefix="mlops-bot-pytest-airflow-")
ALL_DAGS = Path(_home) / "dags"
ALL_DAGS.mkdir()
for _folder in (DAGS, TEST_DAGS):
    for _entry in _folder.iterdir():
        if _entry.name != "__pycache__":
            (ALL_DAGS / _entry.name).symlink_to(_entry)
os.environ["AIRFLOW_HOME"] = _home
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(ALL_DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_home}/airflow.db"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "True"

# The DAG folder is on sys.path inside Airflow; tests import its helper package the same way.
if str(ALL_DAGS) not in sys.path:
    sys.path.insert(0, str(ALL_DAGS))


def pytest_sessionfinish(session, exitstatus):
    import shutil

    shutil.rmtree(_home, ignore_errors=True)
