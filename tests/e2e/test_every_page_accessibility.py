"""axe-core on every page of the URL map, as the right role: no serious or critical problems.

axe-core comes from npm (tests/e2e/package.json) and is loaded into the page from disk.
"""

import os
from pathlib import Path

import pytest

from tests.conftest import require
from tests.e2e.every_page import COACH, PARTNER, VISITOR, build, is_html_page, pages, sign_in

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
RUN_AXE = """async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations
    .filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): '
      + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '));
}"""


@pytest.fixture
def site(app, coach, create_couple):
    return build(app, coach, create_couple)


@pytest.fixture(params=["phone", "desktop"])
def screens(request, browser, live_server, site):
    require(AXE.exists(), f"axe-core is not installed at {AXE} (npm ci --prefix tests/e2e)")
    phone = {"viewport": {"width": 360, "height": 740}, "is_mobile": True}
    size = phone if request.param == "phone" else {"viewport": {"width": 1366, "height": 900}}
    # bypass_csp lets the test inject axe; the app's own CSP is tested in tests/web.
    contexts = {role: browser.new_context(base_url=live_server, bypass_csp=True, **size)
                for role in (VISITOR, COACH, PARTNER)}  # fmt: skip
    sign_in(contexts[COACH], site.coach)
    sign_in(contexts[PARTNER], site.partner)
    yield {role: context.new_page() for role, context in contexts.items()}
    for context in contexts.values():
        context.close()


def axe_problems(page) -> list[str]:
    page.add_script_tag(path=os.fspath(AXE))
    return page.evaluate(RUN_AXE)


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
