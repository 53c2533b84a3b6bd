#!/opt/mlflow-venv/bin/python
"""Creates the bucket of MLFLOW_ARTIFACTS_DESTINATION (s3://bucket/prefix) when it does not exist yet.

Run before `mlflow server`: a fresh S3-compatible store (the stack's SeaweedFS) starts without buckets, and MLflow
only reports the missing bucket when the first model is logged. Waits up to S3_WAIT_SECONDS (120) for the endpoint
(MLFLOW_S3_ENDPOINT_URL, or AWS when unset). Any other destination (a local path) needs nothing and returns at once.
"""

from __future__ import annotations

import os
import sys
import time
from urllib.parse import urlparse


def main() -> int:
    destination = os.environ.get("MLFLOW_ARTIFACTS_DESTINATION", "")
    url = urlparse(destination)
    if url.scheme != "s3" or not url.netloc:
        return 0

    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError, EndpointConnectionError

    endpoint = os.environ.get("MLFLOW_S3_ENDPOINT_URL") or None
    s3 = boto3.client("s3", endpoint_url=endpoint, config=Config(retries={"max_attempts": 1}, connect_timeout=3))
    bucket = url.netloc
    deadline = time.monotonic() + float(os.environ.get("S3_WAIT_SECONDS", "120"))
    while True:
        try:
            s3.head_bucket(Bucket=bucket)
            print(f"ensure-bucket: s3://{bucket} exists")
            return 0
        except ClientError as err:
            code = str(err.response.get("Error", {}).get("Code", ""))
            if code in ("404", "NoSuchBucket", "NotFound"):
                s3.create_bucket(Bucket=bucket)
                print(f"ensure-bucket: created s3://{bucket}")
                return 0
            problem = f"{code or 'error'} from {endpoint or 'AWS'}"
            if code in ("403", "AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch"):
                print(f"ensure-bucket: {problem}: check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY", file=sys.stderr)
                return 1
        except EndpointConnectionError:
            problem = f"{endpoint or 'AWS'} is not answering"
        if time.monotonic() > deadline:
            print(f"ensure-bucket: gave up on s3://{bucket}: {problem}", file=sys.stderr)
            return 1
        time.sleep(2)


if __name__ == "__main__":
    sys.exit(main())
