"""The top bar at 1.280 × 800 px (the commonest office screen): signed in as an administrator (every
module link shown), the bar stays on one line, nothing wraps; the "Cán bộ, biên chế" menu opens
and leads to both modules."""

from __future__ import annotations

import pytest

from dangbo.access.models import Role
from dangbo.notifications.services import notify
from tests.factories import PASSWORD, UserFactory

pytestmark = [pytest.mark.browser]


@pytest.fixture
def page_1280(browser, request):
    from tests.browser.conftest import _keep_evidence, _page

    context, page = _page(browser, {"width": 1280, "height": 800})
    yield page
    _keep_evidence(request, page)
    context.close()


def _one_line(page) -> dict:
    return page.evaluate("""() => {
        const nav = document.querySelector('nav.navbar');
        const items = [...nav.querySelectorAll('#nav > .navbar-nav > .nav-item, #nav > form, #nav > a')]
            .filter(el => el.offsetParent !== null);
        // A second line: an item starting below the bottom of another one.
        const boxes = items.map(el => el.getBoundingClientRect());
        const firstBottom = Math.min(...boxes.map(b => b.bottom));
        const rows = boxes.some(b => b.top >= firstBottom) ? 2 : 1;
        const outside = items.filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
            .map(el => el.textContent.trim());
        const wrapped = [...nav.querySelectorAll('.nav-link, .navbar-text, button')]
            .filter(el => el.offsetParent !== null && el.getClientRects().length > 1).map(el => el.textContent.trim());
        return {height: nav.getBoundingClientRect().height, rows, wrapped, outside,
                scroll: document.documentElement.scrollWidth <= window.innerWidth + 1};
    }""")


@pytest.mark.parametrize("path", ["/dang-vien/", "/can-bo/"])
def test_the_bar_is_one_line_at_1280_px(transactional_db, live_server, login, page_1280, tree, path):
    admin = UserFactory(
        username="quantri_rong", role=Role.ADMIN, password=PASSWORD, first_name="Nguyễn Thị", last_name="Quản Trị"
    )
    for i in range(12):  # the unread count's badge takes room too (two digits)
        notify(kind="test", key=f"thu-{i}", message=f"Thông báo thử {i}", user=admin)
    page = page_1280
    login(page, "quantri_rong")
    page.goto(f"{live_server.url}{path}")
    assert page.locator("#nav").is_visible()  # expanded, not the collapsed toggler
    got = _one_line(page)
    assert got["rows"] == 1 and not got["wrapped"] and not got["outside"] and got["scroll"], got
    assert got["height"] < 70, got
    page.click("#nav-can-bo-bien-che > a")
    page.click("#nav-can-bo-bien-che .dropdown-menu >> text=Biên chế")
    page.wait_for_load_state()
    assert "/bien-che/" in page.url or "bien-che" in page.url
    assert page.errors == []
