"""A local S3 for the bucket file storage: moto's server on a free port, spoken to by the real
boto3 over HTTP, as it would speak to Amazon or MinIO."""

import os
from contextlib import contextmanager

import boto3

CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "coachpro-test",
    "AWS_SECRET_ACCESS_KEY": "coachpro-test-secret",
    "AWS_DEFAULT_REGION": "us-east-1",
}


@contextmanager
def s3_server(port: int):
    from moto.server import ThreadedMotoServer

    before = {name: os.environ.get(name) for name in CREDENTIALS}
    os.environ.update(CREDENTIALS)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def make_bucket(endpoint: str, name: str) -> None:
    boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1").create_bucket(Bucket=name)


def keys_in(endpoint: str, name: str) -> list[str]:
    client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
    return [item["Key"] for item in client.list_objects_v2(Bucket=name).get("Contents", [])]
