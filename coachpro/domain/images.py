"""Images people upload, made safe to show: decoded, checked and written out again as a
small PNG. What is served is always CoachPro's own file, never the upload (which could be
a polyglot, carry scripts in SVG, hide metadata, or be a decompression bomb)."""

import hashlib
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 1_000_000
MAX_PIXELS = 25_000_000  # refused before decoding: a small file can unpack to gigabytes
LOGO_BOX = (600, 200)  # the largest a logo is kept at (it is shown at most 48 px high)
FORMATS = {"PNG", "JPEG", "WEBP"}  # never SVG: it is a document that can run script


class ImageRefused(ValueError):
    """Why the upload cannot be used, in words for the person who chose it."""


@dataclass(frozen=True)
class Logo:
    png: bytes
    width: int
    height: int
    sha256: str


def reencode_logo(data: bytes) -> Logo:
    if not data:
        raise ImageRefused("Choose an image file.")
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImageRefused("That file is over 1 MB. Save the logo smaller and try again.")
    try:
        with Image.open(BytesIO(data)) as image:
            if image.format not in FORMATS:
                raise ImageRefused("Use a PNG, JPEG or WebP image.")
            if image.width * image.height > MAX_PIXELS:
                raise ImageRefused("That image has too many pixels. Use one under 5000×5000.")
            image.load()
            upright = ImageOps.exif_transpose(image).convert("RGBA")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        if isinstance(exc, ImageRefused):
            raise
        raise ImageRefused("That file is not an image CoachPro can read.") from None
    upright.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    out = BytesIO()
    upright.save(out, "PNG", optimize=True)  # no metadata is carried over
    png = out.getvalue()
    return Logo(png, upright.width, upright.height, hashlib.sha256(png).hexdigest())
