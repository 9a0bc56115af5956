"""Where uploaded files live: one small interface, a folder on the server by default.

Keys are CoachPro's own (`couples/12/3f9c….jpg`), never a name someone typed, so a key can
never climb out of the folder. Files of one couple share the prefix `couples/<id>/`, so
erasing the couple removes them in one call. The folder is outside the static folder: a
file is only ever handed out by a view that checked who is asking.

Another backend (an S3-compatible bucket, say) is a class with these four methods, chosen in
`storage_for` by FILE_STORAGE."""

import os
import re
import shutil
import tempfile
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


def storage_for(config) -> FileStorage:
    kind = config.get("FILE_STORAGE", "local")
    if kind == "local":
        return LocalFolder(config["FILE_STORAGE_DIR"])
    raise ValueError(f"FILE_STORAGE={kind!r} is not a storage CoachPro knows")
