"""Every page of the URL map on a 360 px phone, in English and in German (whose longer words
are the first to push past the edge): nothing scrolls sideways, and no page shows developer
words (setting names, README, stack traces) to a coach or a client."""

import re

import pytest

from tests.e2e.every_page import browsers_by_role, build, is_html_page, pages

pytestmark = pytest.mark.browser

# The first few elements reaching past the screen's right edge, to say where to look.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 4).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''))"""

# Words a coach or a client should never have to read: setup is explained in plain terms.
DEVELOPER_WORDS = re.compile(
    r"README|environment variable|\b[A-Z]+_[A-Z_]{3,}\b|Traceback|\.env\b|config\.py|"
    r"\bNone\b|\bnull\b|\{\{|\{%|gunicorn|flask --app"
)
# The email editor is where the coach writes {{ placeholders }}: documented, and theirs.
PLACEHOLDERS_EXPECTED = {"coach.edit_email_template"}

PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def site(app, coach, create_couple):
    return build(app, coach, create_couple)


@pytest.fixture(params=["en-US", "de-DE"])
def phones(request, browser, live_server, site):
    with browsers_by_role(browser, live_server, site, locale=request.param, **PHONE) as by_role:
        yield by_role


def test_no_page_scrolls_sideways_or_speaks_developer_on_a_360px_phone(app, site, phones):
    too_wide, developer_words, swept = [], [], 0
    for endpoint, role, url in pages(app, site.ids):
        page = phones[role]
        if not is_html_page(page, url, role):
            continue
        page.goto(url)
        swept += 1
        jargon = sorted({m.group(0) for m in DEVELOPER_WORDS.finditer(page.inner_text("body"))})
        if endpoint in PLACEHOLDERS_EXPECTED:
            jargon = [word for word in jargon if word not in ("{{", "{%")]
        if jargon:
            developer_words.append(f"{url} (as {role}): {jargon}")
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            culprits = page.evaluate(WIDEST)
            too_wide.append(f"{url} ({endpoint}, as {role}, landed on {page.url}): {width}px, "
                            f"first beyond the edge: {culprits}")  # fmt: skip
    print(f"phone sweep: {swept} pages at 360px")
    assert swept >= 45
    assert too_wide == [], "\n".join(too_wide)
    assert developer_words == [], "\n".join(developer_words)
