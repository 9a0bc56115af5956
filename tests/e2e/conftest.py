"""Real headless Chromium (Debian's), driven by Playwright. Never a downloaded browser."""

import os
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest

from tests.conftest import app_for_test, require

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture
def app(database_url, fresh_install_rows, tmp_path):
    """Browser journeys use the app as a person meets it: CSRF protection on."""
    with app_for_test(
        database_url,
        fresh_install_rows,
        WTF_CSRF_ENABLED=True,
        MAIL_FILE_DIR=str(tmp_path / "mail"),
    ) as app:
        yield app


@pytest.fixture(scope="session")
def browser() -> Iterator:
    require(os.path.exists(CHROMIUM), f"Chromium not found at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(base_url=live_server)
    page = context.new_page()
    page.console_errors = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    yield page
    context.close()


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    yield context.new_page()
    context.close()


@cache
def _axe_source() -> str:
    require(AXE.exists(), f"axe-core is not installed at {AXE} (npm ci --prefix tests/e2e)")
    return AXE.read_text(encoding="utf-8")


def axe_problems(page) -> list[str]:
    """The serious and critical accessibility problems axe-core finds on the page as it is.

    axe (from npm, read from disk) is evaluated through the browser's debugging protocol,
    which the page's CSP does not govern: the page runs with its real CSP."""
    page.evaluate(_axe_source() + "\n;0")
    return page.evaluate(RUN_AXE)


def assert_accessible(page) -> None:
    problems = axe_problems(page)
    assert problems == [], f"{page.url}: " + "; ".join(problems)
