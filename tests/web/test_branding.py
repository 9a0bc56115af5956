"""The practice's logo and accent colour: uploads are re-encoded (never served as sent),
refused when they are not a PNG, JPEG or WebP or are too big, and a colour too light for
white text is refused with its contrast ratio."""

import re
from io import BytesIO

from PIL import Image
from werkzeug.test import EnvironBuilder

from tests.web.test_practice_settings import SETTINGS


def image_bytes(fmt: str, size=(1200, 400), colour=(31, 95, 139)) -> bytes:
    out = BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def upload(client, data: bytes, filename: str, **changes):
    builder = EnvironBuilder(
        path="/coach/settings",
        method="POST",
        data={**SETTINGS, **changes, "logo": (BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    environ = builder.get_environ()
    try:  # (a large body is spooled to a temporary file: closed here, not left to the GC)
        return client.open(environ, follow_redirects=True)
    finally:
        environ["wsgi.input"].close()
        builder.close()


def test_a_logo_is_resized_re_encoded_and_replaces_the_name(client, auth, coach):
    auth.login(coach)
    sent = image_bytes("JPEG")
    saved = upload(client, sent, "logo.jpg")
    assert saved.status_code == 200 and "logo" in saved.text
    (src,) = set(re.findall(r'src="(/brand/logo-[0-9a-f]{64}\.png)"', client.get("/").text))
    served = client.get(src)
    assert served.status_code == 200 and served.mimetype == "image/png"
    assert "immutable" in served.headers["Cache-Control"]
    assert served.data != sent
    with Image.open(BytesIO(served.data)) as logo:
        assert logo.format == "PNG" and logo.size == (600, 200)  # kept in proportion
    assert 'alt="Harbour Light Coaching"' in client.get("/").text

    removed = client.post(
        "/coach/settings", data={**SETTINGS, "remove_logo": "y"}, follow_redirects=True
    )
    assert "Saved: logo" in removed.text
    assert client.get(src).status_code == 404
    assert "brand-mark" in client.get("/").text


def test_what_is_not_a_small_png_jpeg_or_webp_is_refused(client, auth, coach):
    auth.login(coach)
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
    refused = upload(client, svg, "logo.png")
    assert refused.status_code == 422 and "not an image CoachPro can read" in refused.text
    gif = upload(client, image_bytes("GIF", (40, 40)), "logo.gif")
    assert gif.status_code == 422 and "Use a PNG, JPEG or WebP image." in gif.text
    big = upload(client, b"\x89PNG" + b"0" * 1_000_001, "big.png")
    assert big.status_code == 422 and "over 1 MB" in big.text
    bomb = upload(client, image_bytes("PNG", (6000, 6000), (255, 255, 255)), "bomb.png")
    assert bomb.status_code == 422 and "too many pixels" in bomb.text
    # The name says nothing: a WebP called .png is read as what it is.
    webp = upload(client, image_bytes("WEBP", (300, 100)), "logo.png")
    assert webp.status_code == 200
    # Refused uploads changed nothing else either.
    assert "Saved:" in webp.text and "Harbour Light Coaching" in client.get("/").text


def test_an_accent_colour_must_keep_text_readable(client, auth, coach):
    auth.login(coach)
    pale = client.post("/coach/settings", data={**SETTINGS, "accent_color": "#f5d76e"})
    assert pale.status_code == 422
    assert "hard to read (1.3:1; it needs 4.5:1)" in pale.text
    assert "Kindred Coaching" in client.get("/").text  # nothing was saved

    saved = client.post(
        "/coach/settings", data={**SETTINGS, "accent_color": "#1F5F8B"}, follow_redirects=True
    )
    assert "accent colour" in saved.text
    (href,) = re.findall(r'href="(/brand/accent-[0-9a-f]{6}\.css)"', client.get("/").text)
    assert href == "/brand/accent-1f5f8b.css"
    css = client.get(href)
    assert css.mimetype == "text/css" and "--plum: #1f5f8b;" in css.text
    assert client.get("/brand/accent-000000.css").status_code == 404
    bad = client.post("/coach/settings", data={**SETTINGS, "accent_color": "blue"})
    assert bad.status_code == 422 and "Use a colour like #6b3a6e." in bad.text
