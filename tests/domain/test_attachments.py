"""Files sent with messages: judged by their bytes, images re-encoded (no metadata, upright,
no more than 2560 px), PDFs kept as they are, everything else refused with a reason."""

from io import BytesIO

import pytest
from PIL import Image

from coachpro.domain.attachments import (
    LONGEST_SIDE,
    MAX_BYTES,
    AttachmentRefused,
    prepare_attachment,
)

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def photo(fmt="JPEG", size=(40, 30), mode="RGB", exif=None) -> bytes:
    out = BytesIO()
    image = Image.new(mode, size, (200, 80, 60) if mode == "RGB" else (200, 80, 60, 128))
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def gps_exif(orientation: int = 1) -> Image.Exif:
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPSInfo: where it was taken
    return exif


def test_a_phone_photo_loses_its_location_and_is_turned_upright():
    upload = photo(size=(40, 30), exif=gps_exif(orientation=6))  # 6: shot rotated
    assert b"PhoneMaker" in upload
    kept = prepare_attachment("IMG_0001.JPG", upload)
    assert kept.content_type == "image/jpeg" and kept.filename == "IMG_0001.jpg"
    assert b"PhoneMaker" not in kept.data
    with Image.open(BytesIO(kept.data)) as image:
        assert image.format == "JPEG"
        assert (image.width, image.height) == (30, 40) == (kept.width, kept.height)
        assert not image.getexif()


def test_a_transparent_screenshot_stays_a_png_and_a_webp_photo_becomes_a_jpeg():
    png = prepare_attachment("drawing.png", photo("PNG", mode="RGBA"))
    assert png.content_type == "image/png" and png.filename == "drawing.png"
    webp = prepare_attachment("holiday.webp", photo("WEBP"))
    assert webp.content_type == "image/jpeg" and webp.filename == "holiday.jpg"


def test_a_big_photo_is_made_smaller():
    kept = prepare_attachment("big.jpg", photo(size=(6000, 1000)))
    assert max(kept.width, kept.height) == LONGEST_SIDE


def test_a_pdf_is_kept_byte_for_byte_whatever_its_name_says():
    kept = prepare_attachment("scan.jpg", PDF)
    assert kept.data == PDF
    assert kept.content_type == "application/pdf" and kept.filename == "scan.pdf"


@pytest.mark.parametrize(
    ("name", "data", "says"),
    [
        ("notes.pdf", b"<html><script>alert(1)</script></html>", "is not a photo or a PDF"),
        ("logo.svg", b'<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "not a photo"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 truncated", "is not a photo or a PDF"),
        ("tiff.tif", None, "is not a photo or a PDF"),
        ("empty.png", b"", "is empty"),
    ],
)
def test_what_is_not_a_photo_or_a_pdf_is_refused_by_its_bytes(name, data, says):
    if data is None:
        data = photo("TIFF")
    with pytest.raises(AttachmentRefused) as refused:
        prepare_attachment(name, data)
    assert says in str(refused.value) and name in str(refused.value)


def test_over_ten_megabytes_is_refused_before_anything_is_decoded():
    with pytest.raises(AttachmentRefused, match="over 10 MB"):
        prepare_attachment("huge.pdf", PDF + b"0" * MAX_BYTES)


def test_a_decompression_bomb_is_refused():
    out = BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # a few KB, 144 million pixels
    with pytest.raises(AttachmentRefused, match="too many pixels"):
        prepare_attachment("bomb.png", out.getvalue())


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("../../etc/passwd.jpg", "passwd.jpg"),
        ("C:\\Users\\maya\\Desktop\\us.JPEG", "us.jpg"),
        ("line\nbreak\u202e.jpg", "line break.jpg"),
        (".jpg", "attachment.jpg"),
        ("x" * 300 + ".jpg", "x" * 96 + ".jpg"),
    ],
)
def test_the_name_a_file_is_offered_under_is_one_clean_line_without_folders(typed, kept):
    assert prepare_attachment(typed, photo()).filename == kept
