"""Where uploaded files live: one small interface, a folder on the server by default.

Keys are CoachPro's own (`couples/12/3f9c….jpg`), never a name someone typed, so a key can
never climb out of the folder. Files of one couple share the prefix `couples/<id>/`, so
erasing the couple removes them in one call. The folder is outside the static folder: a
file is only ever handed out by a view that checked who is asking.

Two backends: `LocalFolder` (FILE_STORAGE=local, the default) and `S3Bucket` (FILE_STORAGE=s3:
Amazon S3 or anything that speaks its API, such as MinIO, Cloudflare R2 or Backblaze B2),
which several web servers can share. Another is a class with the same four methods."""

import os
import re
import shutil
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Protocol

_KEY = re.compile(r"^[a-z0-9]+(?:/[a-z0-9._-]+)*$")


class FileStorage(Protocol):
    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes:
        """The file's bytes; FileNotFoundError when there is none."""
        ...

    def delete(self, key: str) -> None:
        """Gone afterwards, whether it was there or not."""
        ...

    def delete_prefix(self, prefix: str) -> None:
        """Every file whose key starts with `prefix` (a folder: ends with "/") is gone."""
        ...


def _checked(key: str) -> str:
    if not _KEY.match(key) or ".." in key:
        raise ValueError(f"not a storage key: {key!r}")
    return key


class LocalFolder:
    def __init__(self, root: str | os.PathLike[str]):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / _checked(key)

    def put(self, key: str, data: bytes) -> None:
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        # Written beside it, then renamed: a reader never sees half a file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_prefix(self, prefix: str) -> None:
        if not prefix.endswith("/"):
            raise ValueError("a prefix is a folder and ends with /")
        shutil.rmtree(self._path(prefix.rstrip("/")), ignore_errors=True)


class S3Bucket:
    """Files as objects in a bucket, under an optional prefix. The access key comes the way
    boto3 always takes it (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile, or the
    machine's role), never from CoachPro's settings."""

    def __init__(self, bucket: str, *, prefix: str = "", endpoint_url: str | None = None,
                 region: str | None = None):  # fmt: skip
        import boto3  # only when a bucket is configured

        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = boto3.client("s3", endpoint_url=endpoint_url or None,
                                   region_name=region or None)  # fmt: skip

    def _key(self, key: str) -> str:
        return self.prefix + _checked(key)

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data)

    def get(self, key: str) -> bytes:
        try:
            found = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except self.client.exceptions.NoSuchKey:
            raise FileNotFoundError(key) from None
        return found["Body"].read()

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.bucket, Key=self._key(key))

    def delete_prefix(self, prefix: str) -> None:
        if not prefix.endswith("/"):
            raise ValueError("a prefix is a folder and ends with /")
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._key(prefix.rstrip("/")) + "/"
        )
        for page in pages:  # at most 1,000 keys a page, as delete_objects takes them
            keys = [{"Key": item["Key"]} for item in page.get("Contents", [])]
            if keys:
                self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})


STORAGES = ("local", "s3")


def storage_for(config) -> FileStorage:
    kind = config.get("FILE_STORAGE", "local")
    if kind == "local":
        return LocalFolder(config["FILE_STORAGE_DIR"])
    if kind == "s3":
        return _bucket(
            config["FILE_STORAGE_BUCKET"],
            config.get("FILE_STORAGE_PREFIX", ""),
            config.get("FILE_STORAGE_ENDPOINT", ""),
            config.get("FILE_STORAGE_REGION", ""),
        )
    raise ValueError(f"FILE_STORAGE={kind!r} is not a storage CoachPro knows")


@lru_cache(maxsize=4)
def _bucket(bucket: str, prefix: str, endpoint: str, region: str) -> S3Bucket:
    # One client per configuration: making one reads credentials and costs milliseconds.
    return S3Bucket(bucket, prefix=prefix, endpoint_url=endpoint, region=region)
