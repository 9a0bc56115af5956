"""axe-core on every page of the URL map, as the right role: no serious or critical problems.

axe-core comes from npm (tests/e2e/package.json) and is read from disk (never a CDN).
"""

import pytest

from tests.e2e.conftest import axe_problems
from tests.e2e.every_page import browsers_by_role, build, is_html_page, pages

pytestmark = pytest.mark.browser


@pytest.fixture
def site(app, coach, create_couple):
    return build(app, coach, create_couple)


# English on both screens; German (other words, other lengths, lang="de") on the phone.
@pytest.fixture(params=[("phone", "en-US"), ("desktop", "en-US"), ("phone", "de-DE")],
                ids=["phone", "desktop", "phone-german"])  # fmt: skip
def screens(request, browser, live_server, site):
    screen, language = request.param
    phone = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
    size = phone if screen == "phone" else {"viewport": {"width": 1366, "height": 900}}
    with browsers_by_role(browser, live_server, site, locale=language, **size) as by_role:
        yield by_role


def test_no_page_has_a_serious_accessibility_problem(app, site, screens):
    found, swept = [], 0
    for _endpoint, role, url in pages(app, site.ids):
        page = screens[role]
        if not is_html_page(page, url, role):
            continue
        page.goto(url)
        swept += 1
        found += [f"{url} (as {role}): {problem}" for problem in axe_problems(page)]
    print(f"axe sweep: {swept} pages")
    assert swept >= 45
    assert found == [], "\n".join(found)
