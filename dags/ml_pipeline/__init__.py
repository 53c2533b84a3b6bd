"""Pure logic of the ml_pipeline_end_to_end DAG, importable and testable without a scheduler."""
