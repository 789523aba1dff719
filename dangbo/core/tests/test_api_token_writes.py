"""Finding "API tokens cannot write" (issue 13): the token is tried first, and CSRF is checked
only for cookie sessions. Before the fix, ninja's session auth ran first and refused every unsafe
request without a CSRF token with 403, so a bearer token could read but never write."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client

from dangbo.access.services import token_create
from dangbo.core.api import CSRF_FAILED
from dangbo.members.models import Member, MemberEvent
from dangbo.members.services import ProfileInput, member_admit


@pytest.fixture
def csrf_client() -> Client:
    """A client that enforces CSRF like a browser session does (pytest's `client` does not)."""
    return Client(enforce_csrf_checks=True)


def bearer(user) -> dict[str, str]:
    _, secret = token_create(user, name="tích hợp", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def admission(cell) -> dict:
    return {
        "full_name": "Phạm Thị Hoa",
        "sex": "F",
        "birth_year": 1992,
        "cell_id": cell.pk,
        "decided_on": "2024-03-04",
        "ceremony_on": "2024-03-18",
    }


def test_api_token_can_post(csrf_client, tree, officer):
    response = csrf_client.post(
        "/api/v1/members/admissions", admission(tree["cell_a1"]), content_type="application/json", **bearer(officer)
    )
    assert response.status_code == 201, response.content
    assert Member.objects.filter(full_name="Phạm Thị Hoa").exists()


def test_api_token_can_post_a_correction(csrf_client, tree, system_user, officer):
    member = member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Đỗ Văn Nam", birth_year=1990, sex="M"),
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )
    event = MemberEvent.objects.filter(member=member).order_by("-on", "-pk").first()
    response = csrf_client.post(
        f"/api/v1/events/{event.pk}/correction",
        {"reason": "Ghi nhầm ngày"},
        content_type="application/json",
        **bearer(officer),
    )
    assert response.status_code == 201, response.content


@pytest.mark.urls("dangbo.core.tests.urls_api_methods")
def test_api_token_can_put(csrf_client, officer):
    response = csrf_client.put("/api/test-methods/thing", **bearer(officer))
    assert response.status_code == 200, response.content
    assert response.json() == {"method": "PUT", "username": "canbo_tinh"}


@pytest.mark.urls("dangbo.core.tests.urls_api_methods")
def test_api_token_can_delete(csrf_client, officer):
    response = csrf_client.delete("/api/test-methods/thing", **bearer(officer))
    assert response.status_code == 200, response.content
    assert response.json() == {"method": "DELETE", "username": "canbo_tinh"}


def test_a_cookie_session_without_csrf_token_is_still_refused(csrf_client, tree, officer):
    csrf_client.force_login(officer)
    response = csrf_client.post(
        "/api/v1/members/admissions", admission(tree["cell_a1"]), content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == CSRF_FAILED
    assert not Member.objects.filter(full_name="Phạm Thị Hoa").exists()


@pytest.mark.urls("dangbo.core.tests.urls_api_methods")
def test_a_cookie_session_without_csrf_token_cannot_put_or_delete(csrf_client, officer):
    csrf_client.force_login(officer)
    assert csrf_client.put("/api/test-methods/thing").status_code == 403
    assert csrf_client.delete("/api/test-methods/thing").status_code == 403


def test_a_cookie_session_with_its_csrf_token_may_post(csrf_client, tree, officer):
    csrf_client.force_login(officer)
    token = "k" * 32  # what a page's {% csrf_token %} would have set: the cookie and the header agree
    csrf_client.cookies["csrftoken"] = token
    response = csrf_client.post(
        "/api/v1/members/admissions",
        admission(tree["cell_a1"]),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 201, response.content


def test_a_wrong_token_on_a_write_is_401_not_a_csrf_refusal(csrf_client, tree):
    response = csrf_client.post(
        "/api/v1/members/admissions",
        admission(tree["cell_a1"]),
        content_type="application/json",
        HTTP_AUTHORIZATION="Bearer dbs_faux",
    )
    assert response.status_code == 401
    assert response.json()["detail"] == "Bạn chưa đăng nhập."
