"""Every DAG file in dags/ and test/dags/ parses without import errors and follows the folders' conventions."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ALL_DAGS, DAGS, TEST_DAGS

# Helper modules (e.g. callbacks) may sit next to the DAGs; a file that builds a DAG must be named after it.
DAG_FILES = sorted(
    p
    for folder in (DAGS, TEST_DAGS)
    for p in folder.glob("*.py")
    if re.search(r"\bDAG\(|@dag\b", p.read_text()) and not p.name.startswith("_")
)
ALL_FILES = sorted([*DAGS.rglob("*.py"), *TEST_DAGS.rglob("*.py")])
PRODUCTION = {"ml_pipeline_end_to_end"}
EXPECTED = PRODUCTION | {"chatops_smoke", "chatops_flaky"}


def _dag_bag():
    try:
        from airflow.dag_processing.dagbag import DagBag
    except ImportError:  # older layouts
        from airflow.models.dagbag import DagBag
    return DagBag(dag_folder=str(ALL_DAGS), include_examples=False)


@pytest.fixture(scope="module")
def dag_bag():
    return _dag_bag()


def test_the_dag_folder_has_no_import_errors(dag_bag):
    assert dag_bag.import_errors == {}


def test_the_expected_dags_are_all_loaded(dag_bag):
    assert EXPECTED <= set(dag_bag.dag_ids)


@pytest.mark.parametrize("path", DAG_FILES, ids=lambda p: p.name)
def test_each_file_declares_one_dag_named_after_the_file(dag_bag, path):
    ids = [dag.dag_id for dag in dag_bag.dags.values() if Path(dag.fileloc).resolve() == path.resolve()]
    assert ids == [path.stem]


def test_the_production_folder_holds_no_test_dag():
    production = {p.stem for p in DAG_FILES if p.parent == DAGS}
    assert production == PRODUCTION


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_each_dag_is_tagged_chatops_and_runs_only_when_triggered(dag_bag, dag_id):
    dag = dag_bag.dags[dag_id]
    assert "chatops" in dag.tags
    assert dag.timetable.can_be_scheduled is False
    assert dag.catchup is False
    assert all(task.retries == 0 for task in dag.tasks)


def test_the_pipeline_runs_its_five_steps_in_order(dag_bag):
    dag = dag_bag.dags["ml_pipeline_end_to_end"]
    assert {t.task_id for t in dag.tasks} == {"extract", "validate", "train", "evaluate", "register"}
    assert dag.get_task("extract").downstream_task_ids == {"validate"}
    assert dag.get_task("validate").downstream_task_ids == {"train"}
    assert dag.get_task("train").downstream_task_ids == {"evaluate", "register"}
    assert dag.get_task("evaluate").downstream_task_ids == {"register"}


def test_the_pipeline_declares_typed_params_for_the_trigger_command(dag_bag):
    params = dag_bag.dags["ml_pipeline_end_to_end"].params
    assert set(params.keys()) == {"n_estimators", "max_depth", "test_size", "random_state"}
    assert params.get_param("n_estimators").schema == {"type": "integer", "minimum": 10, "maximum": 500}
    assert params.get_param("max_depth").schema["type"] == ["null", "integer"]
    assert params.get_param("test_size").schema["minimum"] == 0.1
    assert params.get_param("test_size").schema["maximum"] == 0.5


def test_the_pipeline_rejects_an_out_of_range_n_estimators(dag_bag):
    try:
        from airflow.sdk.exceptions import ParamValidationError
    except ImportError:  # Airflow 2
        from airflow.exceptions import ParamValidationError

    n_estimators = dag_bag.dags["ml_pipeline_end_to_end"].params.get_param("n_estimators")
    assert n_estimators.resolve(100) == 100
    with pytest.raises(ParamValidationError):
        n_estimators.resolve(5)


def test_the_helper_files_are_found_and_the_dag_files_are_the_expected_ones():
    assert {p.stem for p in DAG_FILES} >= EXPECTED


def test_heavy_libraries_are_not_imported_at_parse_time():
    source = "\n".join(p.read_text() for p in ALL_FILES)
    top_level = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert not [line for line in top_level if "sklearn" in line or "mlflow" in line]
