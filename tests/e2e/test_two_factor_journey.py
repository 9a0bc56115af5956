"""Turning on two-factor sign-in as a coach does it: scanning the QR code on the page (read
back from a screenshot, as a phone's camera would), then saving the recovery codes."""

import io
import time
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
import zxingcpp
from PIL import Image

from coachpro.domain.totp import code_at

pytestmark = pytest.mark.browser


def sign_in(page, coach) -> None:
    page.goto("/login")
    page.get_by_label("Email").fill(coach.email)
    page.get_by_label("Password").fill(coach.password)
    page.get_by_role("button", name="Sign in").click()


def test_the_qr_code_sets_up_the_authenticator_and_the_codes_can_be_kept(page, coach):
    sign_in(page, coach)
    page.wait_for_url("**/coach/")
    page.goto("/coach/security")
    page.get_by_role("button", name="Turn on two-factor sign-in").click()
    page.wait_for_url("**/coach/security/confirm")

    shot = page.locator("figure.qr svg").screenshot()
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    uri = urlsplit(found.text)
    assert (uri.scheme, uri.netloc) == ("otpauth", "totp")
    assert unquote(uri.path) == f"/Kindred Coaching:{coach.email}"
    secret = parse_qs(uri.query)["secret"][0]
    # The key shown for typing by hand is the same secret.
    assert page.locator("#totp-key").inner_text().replace(" ", "") == secret

    page.get_by_label("Code").fill(code_at(secret, time.time()))
    page.get_by_role("button", name="Turn it on").click()
    assert page.get_by_role("heading", name="Save your recovery codes").is_visible()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 8
    download = page.get_by_role("link", name="Download as a text file")
    with page.expect_download() as waiting:
        download.click()
    saved = waiting.value
    assert saved.suggested_filename == "coachpro-recovery-codes.txt"
    text = Path(saved.path()).read_text(encoding="utf-8")
    assert all(code in text for code in codes) and coach.email in text
    assert page.get_by_role("button", name="Print them").is_visible()
    assert page.console_errors == []

    page.get_by_role("link", name="I have saved them").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, coach)
    page.wait_for_url("**/verify**")
    page.get_by_label("Code").fill(codes[0])
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/coach/")
