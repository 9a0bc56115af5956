"""The file storage behind message attachments: the same promises from a folder and from a
bucket (moto's S3 server, through the real boto3)."""

import pytest

from coachpro.integrations.file_storage import LocalFolder, S3Bucket, storage_for


@pytest.fixture(params=["folder", "bucket"])
def storage(request, tmp_path):
    if request.param == "folder":
        return LocalFolder(tmp_path / "files")
    endpoint, name = request.getfixturevalue("bucket")
    return S3Bucket(name, prefix="practice-1", endpoint_url=endpoint, region="us-east-1")


def test_what_is_put_is_got_back_and_a_second_put_replaces_it(storage):
    storage.put("couples/1/messages/a1.jpg", b"first")
    storage.put("couples/1/messages/a1.jpg", b"second")
    assert storage.get("couples/1/messages/a1.jpg") == b"second"


def test_a_missing_file_is_file_not_found_and_deleting_it_is_fine(storage):
    with pytest.raises(FileNotFoundError):
        storage.get("couples/1/messages/none.pdf")
    storage.delete("couples/1/messages/none.pdf")


def test_deleting_a_couples_folder_leaves_every_other_couples_files(storage):
    for key in ("couples/1/messages/a.jpg", "couples/1/messages/b.pdf",
                "couples/10/messages/c.jpg", "couples/2/messages/d.jpg"):  # fmt: skip
        storage.put(key, key.encode())
    storage.delete_prefix("couples/1/")
    for gone in ("couples/1/messages/a.jpg", "couples/1/messages/b.pdf"):
        with pytest.raises(FileNotFoundError):
            storage.get(gone)
    assert storage.get("couples/10/messages/c.jpg") == b"couples/10/messages/c.jpg"
    assert storage.get("couples/2/messages/d.jpg") == b"couples/2/messages/d.jpg"
    with pytest.raises(ValueError):
        storage.delete_prefix("couples/1")  # not a folder: would take couples/10 too


@pytest.mark.parametrize("key", ["../etc/passwd", "/etc/passwd", "couples/1/../../x",
                                 "couples//1", "Couples/1/a.jpg", ""])  # fmt: skip
def test_a_key_can_never_climb_out_of_the_storage(storage, key):
    with pytest.raises(ValueError):
        storage.put(key, b"x")


def test_a_bucket_keeps_its_files_under_the_prefix(bucket):
    from tests.support.s3 import keys_in

    endpoint, name = bucket
    store = storage_for({"FILE_STORAGE": "s3", "FILE_STORAGE_BUCKET": name,
                         "FILE_STORAGE_PREFIX": "/coachpro/", "FILE_STORAGE_ENDPOINT": endpoint,
                         "FILE_STORAGE_REGION": "us-east-1"})  # fmt: skip
    store.put("couples/3/messages/x.pdf", b"%PDF")
    assert keys_in(endpoint, name) == ["coachpro/couples/3/messages/x.pdf"]
