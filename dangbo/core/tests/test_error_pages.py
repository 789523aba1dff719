"""#15 rough edge «add Vietnamese 404/500/403 pages»: the 500 page is tested in
reports/tests/test_rough_edges_years.py; these are the 404 and 403 pages a signed-in officer meets."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_record_outside_the_scope_gets_the_vietnamese_not_found_page(client, outsider, tree):
    client.force_login(outsider)
    response = client.get(reverse("orgs:org_detail", args=[tree["commune_a"].pk]))
    html = response.content.decode()
    assert response.status_code == 404
    assert '<h1 class="h3">Không tìm thấy</h1>' in html and 'lang="vi"' in html
    assert "Not Found" not in html and "The requested resource" not in html


def test_a_refused_action_gets_the_vietnamese_forbidden_page(client, leader, tree):
    client.force_login(leader)  # sees the organizations, may not record an enterprise
    response = client.get(reverse("orgs:enterprise_create"))
    html = response.content.decode()
    assert response.status_code == 403
    assert "Không có quyền thực hiện" in html and "Forbidden" not in html
