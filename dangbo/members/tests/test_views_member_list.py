"""The member list /dang-vien/: filters as of a date, paging, htmx partial, masked citizen ids."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.access import policy
from tests.factories import MemberFactory

SYSTEM = policy.SYSTEM.named("kiểm thử")
URL = "/dang-vien/"


def admit(cell, name, *, sex="M", birth_year=1985, ethnicity="01", citizen_id=None, decided=date(2020, 1, 6)):
    return MemberFactory(
        actor=SYSTEM,
        cell=cell,
        full_name=name,
        sex=sex,
        birth_year=birth_year,
        ethnicity=ethnicity,
        citizen_id=citizen_id,
        decided_on=decided,
        decision_number="1-QĐ",
    )


def test_the_url_is_named():
    assert reverse("members:member_list") == URL


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_it_lists_members_in_scope_with_a_masked_citizen_id(client, commune_officer, tree):
    admit(tree["cell_a1"], "Nguyễn Thị Ánh", citizen_id="001085012345")
    admit(tree["cell_b1"], "Trần Văn Bắc")
    client.force_login(commune_officer)
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Thị Ánh" in html
    assert "001******345" in html and "001085012345" not in html
    assert "Trần Văn Bắc" not in html  # commune B is outside the scope
    assert "Chi bộ thôn 1" in html


def test_an_outsider_sees_none_of_the_other_communes_members(client, outsider, tree):
    admit(tree["cell_a1"], "Nguyễn Thị Ánh")
    client.force_login(outsider)
    html = client.get(URL, {"q": "Anh", "status": "all"}).content.decode()
    assert "Nguyễn Thị Ánh" not in html
    assert "Không có đảng viên nào" in html


def test_the_name_search_ignores_accents(client, officer, tree):
    admit(tree["cell_a1"], "Nguyễn Thị Ánh")
    admit(tree["cell_a1"], "Lê Văn Đức")
    client.force_login(officer)
    html = client.get(URL, {"q": "nguyen anh"}).content.decode()
    assert "Nguyễn Thị Ánh" in html and "Lê Văn Đức" not in html
    assert "Lê Văn Đức" in client.get(URL, {"q": "duc"}).content.decode()


def test_filters_by_sex_ethnic_minority_age_band_and_org(client, officer, tree):
    admit(tree["cell_a1"], "Hà Thị Mai", sex="F", ethnicity="02", birth_year=1996)
    admit(tree["cell_b1"], "Phan Văn Tùng", sex="M", birth_year=1970)
    client.force_login(officer)
    only = lambda params: client.get(URL, {"ngay": "01/06/2025", **params}).content.decode()  # noqa: E731
    assert "Phan Văn Tùng" not in only({"sex": "F"})
    assert "Hà Thị Mai" in only({"ethnicity": "minority"}) and "Phan Văn Tùng" not in only({"ethnicity": "minority"})
    assert "Hà Thị Mai" in only({"age_band": "le30"}) and "Phan Văn Tùng" not in only({"age_band": "le30"})
    assert "Phan Văn Tùng" in only({"age_band": "51_60"})
    by_org = only({"org": str(tree["commune_a"].pk)})
    assert "Hà Thị Mai" in by_org and "Phan Văn Tùng" not in by_org


def test_the_as_of_date_reads_the_state_on_that_day(client, officer, tree):
    admit(tree["cell_a1"], "Hoàng Văn Sau", decided=date(2024, 3, 4))
    client.force_login(officer)
    assert "Hoàng Văn Sau" not in client.get(URL, {"ngay": "01/01/2024"}).content.decode()
    assert "Hoàng Văn Sau" in client.get(URL, {"ngay": "01/04/2024"}).content.decode()


def test_a_bad_date_is_reported_in_vietnamese(client, officer, tree):
    client.force_login(officer)
    html = client.get(URL, {"ngay": "31/13/2024"}).content.decode()
    assert "«Tính đến ngày»: ngày 31/13/2024 không tồn tại." in html


def test_htmx_gets_only_the_table(client, officer, tree):
    admit(tree["cell_a1"], "Nguyễn Thị Ánh")
    client.force_login(officer)
    response = client.get(URL, {"q": "anh"}, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="member-table")
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="member-table">')
    assert "Nguyễn Thị Ánh" in body and "<html" not in body


def test_it_pages_fifty_members_with_few_queries(client, officer, tree, django_assert_max_num_queries):
    for i in range(52):
        admit(tree["cell_a1" if i % 2 else "cell_b1"], f"Đảng Viên {i:02d}")
    client.force_login(officer)
    client.get(URL)
    with django_assert_max_num_queries(20):
        response = client.get(URL)
    assert response.status_code == 200
    page1 = response.content.decode()
    assert "<strong>52</strong> đảng viên" in page1
    assert "Đảng Viên 49" in page1 and "Đảng Viên 50" not in page1
    assert "Trang 1 / 2" in page1
    page2 = client.get(URL, {"trang": 2}).content.decode()
    assert "Đảng Viên 51" in page2


def test_keyset_pages_follow_the_name_order_both_ways(client, officer, tree, django_assert_max_num_queries):
    people = [admit(tree["cell_a1"], f"Đảng Viên {i:03d}") for i in range(120)]
    client.force_login(officer)
    client.get(URL)
    with django_assert_max_num_queries(20):
        response = client.get(URL, {"sau": people[49].pk})
    assert response.status_code == 200
    page2 = response.content.decode()
    assert "Đảng Viên 050" in page2 and "Đảng Viên 099" in page2
    assert "Đảng Viên 049" not in page2 and "Đảng Viên 100" not in page2
    assert f"sau={people[99].pk}" in page2 and f"truoc={people[50].pk}" in page2
    back = client.get(URL, {"truoc": people[50].pk}).content.decode()
    assert "Đảng Viên 000" in back and "Đảng Viên 049" in back and "Đảng Viên 050" not in back
    last = client.get(URL, {"cuoi": "1"}).content.decode()
    assert "Đảng Viên 100" in last and "Đảng Viên 119" in last and "Đảng Viên 099" not in last
    assert "Trang 3 / 3" in last and "Sau ›" not in last


def test_rule_vietnamese_order_the_list_sorts_names_as_a_dictionary_does(client, officer, tree):
    for family in ("Đặng", "Yến", "Dương", "Ánh", "Anh"):
        admit(tree["cell_a1"], f"{family} Văn Tú")
    client.force_login(officer)
    html = client.get(URL).content.decode()
    positions = [html.index(f"{n} Văn Tú") for n in ("Anh", "Ánh", "Dương", "Đặng", "Yến")]
    assert positions == sorted(positions)


def test_the_count_follows_a_new_member_although_it_is_cached(client, officer, tree):
    admit(tree["cell_a1"], "Nguyễn Văn Một")
    client.force_login(officer)
    assert "<strong>1</strong> đảng viên" in client.get(URL).content.decode()
    assert "<strong>1</strong> đảng viên" in client.get(URL).content.decode()
    admit(tree["cell_a1"], "Nguyễn Văn Hai")
    assert "<strong>2</strong> đảng viên" in client.get(URL).content.decode()
