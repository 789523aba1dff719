"""Finding "API server errors" (issue 13): every /api/ answer is JSON in the one error shape
(`{"detail", "field", "rule"}`), invalid input is 422, a non-integer id is a JSON 404, and an
unexpected error is a JSON 500 without the traceback."""

from __future__ import annotations

import pytest
from django.test import Client

from dangbo.access.services import token_create

SHAPE = {"detail", "field", "rule"}
LISTS = ["/api/v1/members", "/api/v1/plans/documents", "/api/v1/plans/tasks"]


@pytest.fixture
def api(officer):
    """A client that sends the province officer's token and returns server errors as answers."""
    _, secret = token_create(officer, name="kiểm thử", days=1)
    client = Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")
    return client


def assert_error(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body.keys() >= SHAPE
    assert "Traceback" not in response.content.decode()
    return body


@pytest.mark.parametrize("url", LISTS)
def test_api_page_size_minus_one_is_422(api, tree, url):
    body = assert_error(api.get(url, {"page_size": -1}), 422)
    assert body["field"] == "page_size"


@pytest.mark.parametrize("url", LISTS)
def test_api_page_beyond_bigint_is_422(api, tree, url):
    body = assert_error(api.get(url, {"page": 2**63 + 1}), 422)
    assert body["field"] == "page"


@pytest.mark.parametrize(
    ("url", "query"),
    [
        ("/api/v1/staffing/allocations", {"agency_id": -839813538767710978048}),  # found by the schemathesis run
        ("/api/v1/staffing/allocations", {"agency_id": 2**63}),
    ],
)
def test_api_a_number_the_database_cannot_hold_finds_nothing_or_is_422_never_a_server_error(api, tree, url, query):
    """PostgreSQL compares it as a numeric and finds nothing; SQLite cannot bind it (OverflowError),
    which the API answers as invalid input."""
    response = api.get(url, query)
    if response.status_code == 200:
        assert response.json() == []
    else:
        assert_error(response, 422)


def test_api_a_page_size_above_the_maximum_is_still_cut_to_200(api, tree):
    assert api.get("/api/v1/members", {"page_size": 5000}).json()["page_size"] == 200


@pytest.mark.parametrize("url", [*LISTS, "/api/v1/orgs/tree"])
def test_api_nul_in_q_is_422(api, tree, url):
    body = assert_error(api.get(url, {"q": "Nguy\x00ễn"}), 422)
    assert body["field"] == "q"
    assert "NUL" in body["detail"]


def test_api_nul_in_a_json_string_is_422(api, tree):
    payload = {
        "full_name": "Phạm\x00 Thị Hoa",
        "sex": "F",
        "birth_year": 1992,
        "cell_id": tree["cell_a1"].pk,
        "decided_on": "2024-03-04",
    }
    body = assert_error(api.post("/api/v1/members/admissions", payload, content_type="application/json"), 422)
    assert body["field"] == "full_name"


def test_api_a_body_that_is_not_json_is_422(api, tree):
    assert_error(api.post("/api/v1/members/admissions", "{không phải json", content_type="application/json"), 422)


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/members/abc",
        "/api/v1/orgs/1.5",
        "/api/v1/plans/tasks/-1",
        "/api/v1/members/%00",
        "/api/v1/khong-co",
        "/api/v1/",
    ],
)
def test_api_non_integer_id_is_json_404(api, tree, url):
    assert assert_error(api.get(url), 404)["detail"] == "Không tìm thấy"


def test_api_an_unsupported_method_is_json_405(api, tree):
    response = api.delete("/api/v1/members")
    body = assert_error(response, 405)
    assert "GET" in response["Allow"]
    assert body["detail"]


def test_api_an_unhandled_error_in_an_operation_is_json_500_without_traceback(api, tree, monkeypatch):
    def fail(**kwargs):
        raise RuntimeError("chi tiết nội bộ không được lộ ra")

    monkeypatch.setattr("dangbo.orgs_web.api.org_versions_on", fail)
    response = api.get("/api/v1/orgs/tree")
    body = assert_error(response, 500)
    assert body["detail"].startswith("Lỗi máy chủ")
    assert "chi tiết nội bộ" not in response.content.decode()


@pytest.mark.urls("dangbo.core.tests.urls_api_methods")
def test_api_an_unhandled_error_outside_ninja_is_json_500_without_traceback(api, tree):
    response = api.get("/api/test-boom/")
    assert_error(response, 500)
    assert "chi tiết nội bộ" not in response.content.decode()


def test_api_unauthenticated_is_json_401(tree):
    assert_error(Client().get("/api/v1/members"), 401)


def test_pages_outside_the_api_keep_their_html_errors(client, officer):
    client.force_login(officer)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert not response["Content-Type"].startswith("application/json")
