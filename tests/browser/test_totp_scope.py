"""An officer of commune A logs in with a password and a TOTP code, in a real browser, and then
tries every door to a member of commune B: the profile URL, the member list search, the API
(detail and list), the search page, the member-list export and the report of commune B. Every
door answers "Không tìm thấy" (404) or an answer without that member, while the same doors do
show a member of commune A (so an empty page cannot pass for a closed door). Before the code is
entered, the password alone opens nothing but the verification page.

Routes that the project does not wire yet (search, exports) are added to this module's own
URLconf, exactly as dangbo/exports/tests/urls.py does, so that their scope is proven too; a
route that does not exist at all is skipped, and the skip names it."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path
from urllib.parse import quote

import pytest
from django.urls import NoReverseMatch, include, path, reverse

from dangbo.access.services import totp_current_code, totp_device_create
from dangbo.core.text import fold
from dangbo.members.services import ProfileInput, member_admit
from dangbo.urls import urlpatterns as project_urlpatterns

# This module is its own URLconf: the project's routes, plus search and exports if not wired yet.
_namespaces = {getattr(p, "namespace", None) for p in project_urlpatterns}
urlpatterns = [*project_urlpatterns]
if "search" not in _namespaces:
    urlpatterns.append(path("tim-kiem/", include("dangbo.search.urls")))
if "exports" not in _namespaces:
    urlpatterns.append(path("xuat/", include("dangbo.exports.urls")))

pytestmark = [pytest.mark.browser, pytest.mark.urls(__name__)]

PASSWORD = "Kiemthu@2026x"  # the personas' password (conftest.py)
KEY_HEX = "3132333435363738393031323334353637383930"  # the RFC 6238 test secret, 20 bytes
STRANGER = "Quách Thị Khuất Bóng"  # commune B, must stay invisible
NEIGHBOUR = "Lò Văn Trong Tầm"  # commune A, must be visible (the positive control)


def _admit(actor, cell, name):
    return member_admit(
        actor=actor,
        cell=cell,
        decided_on=date(2024, 3, 4),
        ceremony_on=date(2024, 3, 18),
        decision_number="112-QĐ/ĐU",
        decision_body="Đảng ủy xã",
        profile=ProfileInput(full_name=name, birth_year=1991, sex="F", ethnicity="01"),
    )


@pytest.fixture
def scope_data(settings, system_user, tree, commune_officer):
    settings.OTP_REQUIRED = True
    device = totp_device_create(commune_officer, key_hex=KEY_HEX)
    return {
        "tree": tree,
        "device": device,
        "neighbour": _admit(system_user, tree["cell_a1"], NEIGHBOUR),
        "stranger": _admit(system_user, tree["cell_b1"], STRANGER),
    }


def _route(name: str, **kwargs) -> str | None:
    try:
        return reverse(name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def test_totp_officer_of_one_commune_cannot_reach_a_member_of_another(live_server, scope_data, page, screenshots):
    base = live_server.url
    tree, stranger, neighbour = scope_data["tree"], scope_data["stranger"], scope_data["neighbour"]
    folded = fold(STRANGER)
    skipped: list[str] = []

    def shot(name):
        page.screenshot(path=screenshots / f"totp-scope-{name}.png", full_page=True)

    # Password only: sent to the verification page, and the tree and the API stay closed.
    page.goto(f"{base}/dang-nhap/")
    page.fill("#id_username", "canbo_xa_a")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/xac-thuc/"))
    shot("01-xac-thuc")
    page.goto(f"{base}/to-chuc/")
    assert re.search(r"/xac-thuc/\?next=(/|%2F)to-chuc(/|%2F)", page.url), page.url
    assert page.locator("#id_code").is_visible()
    assert page.request.get(f"{base}/api/v1/members/{neighbour.pk}").status == 401

    # The current code: the officer reaches the organization tree (the `next` of the redirect).
    page.fill("#id_code", totp_current_code(scope_data["device"]))
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/to-chuc/$"))
    assert "Đảng bộ xã An Bình" in page.inner_text("main")
    shot("02-cay-to-chuc")

    # By URL: the profile of the commune B member is "not found"; the neighbour's opens.
    response = page.goto(f"{base}/dang-vien/{stranger.pk}/")
    assert response.status == 404
    assert "Không tìm thấy" in page.inner_text("main")
    assert STRANGER not in page.content()
    shot("03-ho-so-ngoai-pham-vi")
    assert page.goto(f"{base}/dang-vien/{neighbour.pk}/").status == 200
    assert NEIGHBOUR in page.inner_text("main")

    # By the member list search (accent-free, every status).
    page.goto(f"{base}/dang-vien/?q={quote(folded)}&status=all")
    assert STRANGER not in page.content()
    shot("04-danh-sach-tim-ngoai-pham-vi")
    page.goto(f"{base}/dang-vien/?q={quote(fold(NEIGHBOUR))}&status=all")
    assert NEIGHBOUR in page.inner_text("#member-table")

    # By the API, with the same browser session: 404 on the detail, absent from the list.
    api = page.request.get(f"{base}/api/v1/members/{stranger.pk}")
    assert api.status == 404
    assert STRANGER not in api.text()
    listed = page.request.get(f"{base}/api/v1/members?q={quote(folded)}&status=all")
    assert listed.status == 200
    assert stranger.pk not in [item["id"] for item in listed.json()["items"]]
    assert STRANGER not in listed.text()
    own = page.request.get(f"{base}/api/v1/members?q={quote(fold(NEIGHBOUR))}&status=all")
    assert neighbour.pk in [item["id"] for item in own.json()["items"]]

    # By the search page.
    search_url = _route("search:search")
    if search_url is None:
        skipped.append("search")
    else:
        page.goto(f"{base}{search_url}?q={quote(folded)}")
        assert STRANGER not in page.content()
        shot("05-tim-kiem-ngoai-pham-vi")
        page.goto(f"{base}{search_url}?q={quote(fold(NEIGHBOUR))}")
        assert NEIGHBOUR in page.inner_text("main")
        assert page.goto(f"{base}{search_url}?q=a&org={tree['commune_b'].pk}").status == 404

    # By an export of the member list: a purpose is required; the file has no commune B row,
    # and an export filtered on commune B is "not found".
    export_url = _route("exports:member_list_export")
    if export_url is None:
        skipped.append("export")
    else:
        assert page.goto(f"{base}{export_url}?org={tree['commune_b'].pk}&status=all").status == 404
        page.goto(f"{base}{export_url}?status=all")
        # No purpose: the browser's own check is lifted so that the server's refusal shows.
        page.locator("#id_muc_dich").evaluate("el => el.removeAttribute('required')")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        assert "Chưa nhập «Mục đích xuất dữ liệu»." in page.inner_text("main")
        page.fill("#id_muc_dich", "Kiểm tra phạm vi truy cập")
        page.select_option("#id_dinh_dang", "csv")
        shot("06-xuat-muc-dich")
        with page.expect_download() as info:
            page.click("button[type=submit]")
        body = Path(info.value.path()).read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(body), delimiter=";"))
        names = {cell for row in rows[2:] for cell in row}
        assert "Kiểm tra phạm vi truy cập" in rows[0][0]  # the watermark line names the purpose
        assert NEIGHBOUR in names
        assert STRANGER not in body

    # By the report of commune B: "not found"; the officer's own commune opens.
    report_url = _route("reports:indicator_overview")
    response = page.goto(f"{base}{report_url}?org={tree['commune_b'].pk}")
    assert response.status == 404
    assert "Không tìm thấy" in page.inner_text("main")
    shot("07-bao-cao-ngoai-pham-vi")
    assert page.goto(f"{base}{report_url}?org={tree['commune_a'].pk}").status == 200

    assert page.errors == []
    if skipped:
        print(f"skipped sub-checks (route not wired): {', '.join(skipped)}")
