"""Files sent with a message, checked by their bytes (never by their name or the browser's
word for them) and made safe to hand back.

Images are decoded and written out again by Pillow, so what is served is CoachPro's own
file: no metadata (a phone photo's GPS position), no polyglot, no script. A PDF cannot be
re-encoded here, so it is only ever served as a download. Anything else is refused."""

import unicodedata
import warnings
from dataclasses import dataclass
from io import BytesIO
from pathlib import PurePosixPath

from PIL import Image, ImageOps, UnidentifiedImageError

from coachpro.domain.explained import Explained
from coachpro.domain.text import single_line
from coachpro.marks import N_

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 50_000_000  # refused before decoding: a small file can unpack to gigabytes
LONGEST_SIDE = 2560  # a phone photo is kept sharp on any screen, and a few hundred KB
IMAGE_FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}
PDF_MAGIC = b"%PDF-"


class AttachmentRefused(Explained):
    """Why a file cannot be sent, for the person who chose it."""


@dataclass(frozen=True)
class Prepared:
    data: bytes
    content_type: str  # image/png, image/jpeg or application/pdf
    filename: str
    width: int | None = None
    height: int | None = None


def prepare_attachment(filename: str, data: bytes) -> Prepared:
    """The file as CoachPro will keep it, or AttachmentRefused."""
    if not data:
        raise AttachmentRefused(N_("%(name)s is empty."), name=_shown(filename))
    if len(data) > MAX_BYTES:
        raise AttachmentRefused(
            N_("%(name)s is over 10 MB. Send a smaller file."), name=_shown(filename)
        )
    if data.startswith(PDF_MAGIC):
        return Prepared(data, "application/pdf", _named(filename, ".pdf"))
    return _reencoded_image(filename, data)


def _reencoded_image(filename: str, data: bytes) -> Prepared:
    try:
        with warnings.catch_warnings():
            # Pillow only warns about a bomb under twice its own limit: ours is lower anyway.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            opened = Image.open(BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError):
        raise _too_many_pixels(filename) from None
    except (UnidentifiedImageError, OSError, ValueError):
        raise _unreadable(filename) from None
    try:
        with opened as image:
            if image.format not in IMAGE_FORMATS:
                raise _unreadable(filename)
            if image.width * image.height > MAX_PIXELS:
                raise _too_many_pixels(filename)
            image.seek(0)  # an animated GIF keeps its first frame
            image.load()
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
            upright = ImageOps.exif_transpose(image)
            upright = upright.convert("RGBA" if has_alpha else "RGB")
    except AttachmentRefused:
        raise
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError):
        raise _unreadable(filename) from None
    upright.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    out = BytesIO()
    if has_alpha:  # a screenshot or drawing with transparency stays a PNG
        upright.save(out, "PNG", optimize=True)
        content_type, suffix = "image/png", ".png"
    else:
        upright.save(out, "JPEG", quality=85, optimize=True)
        content_type, suffix = "image/jpeg", ".jpg"
    return Prepared(
        out.getvalue(), content_type, _named(filename, suffix), upright.width, upright.height
    )


def _unreadable(filename: str) -> AttachmentRefused:
    return AttachmentRefused(
        N_("%(name)s is not a photo or a PDF. Send a JPEG, PNG or PDF."), name=_shown(filename)
    )


def _too_many_pixels(filename: str) -> AttachmentRefused:
    return AttachmentRefused(
        N_("%(name)s has too many pixels. Send a smaller image."), name=_shown(filename)
    )


def _shown(filename: str) -> str:
    return single_line(filename)[:80] or "That file"


def _named(filename: str, suffix: str) -> str:
    """The name it is offered under: the sender's name without any folder, one line, at most
    100 characters, ending in the suffix that matches what it really is."""
    name = single_line(unicodedata.normalize("NFC", filename)).replace("\\", "/")
    stem = PurePosixPath(name).name
    stem = stem.rsplit(".", 1)[0] if "." in stem else stem
    stem = stem.strip(" .")[:96] or "attachment"
    return stem + suffix
