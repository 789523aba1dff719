"""Rough edges of issue 15 around years: year selects print 2026 (not "2.026"), an out-of-range
year is refused with a message (not a server error), and the server error page is Vietnamese."""

from __future__ import annotations

from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.defaults import server_error


def test_year_selects_print_years_without_a_thousand_separator(client, officer, tree):
    client.force_login(officer)
    year = timezone.localdate().year
    for url in (reverse("reports:quota_list"), reverse("reports:periodic_report")):
        html = client.get(url, {"org": tree["province"].pk}).content.decode()
        assert f'<option value="{year}" selected>{year}</option>' in html, url
        assert f"{year // 1000}.{year % 1000:03d}</option>" not in html


def test_an_out_of_range_year_is_refused_with_a_message(client, officer, tree):
    client.force_login(officer)
    year = timezone.localdate().year
    for raw in ("99999", "0", "abc", "1929"):
        response = client.get(reverse("reports:quota_list"), {"nam": raw, "org": tree["province"].pk})
        assert response.status_code == 200, raw
        html = response.content.decode()
        assert f"Năm «{raw}» không hợp lệ: chỉ nhận năm từ 1930 đến {year + 5}" in html
        assert f'<option value="{year}" selected>' in html


def test_the_server_error_page_is_vietnamese(db):
    response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert "Đã có lỗi trong hệ thống" in html and 'lang="vi"' in html
    assert "Server Error" not in html
