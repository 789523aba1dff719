"""Recording an admission through /dang-vien/ket-nap/."""

from __future__ import annotations

import re

from django.urls import reverse

from dangbo.members.models import Member, MemberEvent

URL = "/dang-vien/ket-nap/"


def form(the_cell, **changes):
    data = {
        "full_name": "Đinh Thị Kết",
        "birth_date": "15/08/1998",
        "sex": "F",
        "ethnicity": "01",
        "religion": "00",
        "general_education": "gdpt_thpt",
        "theory_level": "none",
        "citizen_id": "001198012345",
        "cell": str(the_cell.pk),
        "decided_on": "02/06/2025",
        "decision_number": "87-QĐ/ĐU",
        "decision_body": "Đảng ủy xã An Bình",
        "ceremony_on": "16/06/2025",
    }
    data.update(changes)
    return data


def written():
    return Member.objects.count(), MemberEvent.objects.count()


def test_the_url_is_named():
    assert reverse("members:member_admit") == URL


def test_anonymous_is_sent_to_login(client, tree):
    response = client.get(URL)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_cell_picker_offers_only_cells_in_scope(client, commune_officer, tree):
    client.force_login(commune_officer)
    html = client.get(URL).content.decode()
    assert 'id="id_cell_picker"' in html and "<option" not in html.split('id="id_cell_picker"')[1][:2000]
    picker = re.search(r'hx-get="(/tim-kiem/to-chuc/\?[^"]*name=cell[^"]*)"', html).group(1).replace("&amp;", "&")
    options = client.get(picker + "&org_q=chi+bo+thon").content.decode()
    assert "Chi bộ thôn 1" in options and "Chi bộ thôn 2" in options
    assert "Chi bộ thôn Đông" not in options
    assert "Đảng bộ xã An Bình</" not in client.get(picker + "&org_q=an+binh").content.decode()  # not a cell


def test_an_admission_is_recorded_and_shown_on_the_profile(client, commune_officer, tree):
    client.force_login(commune_officer)
    response = client.post(URL, form(tree["cell_a1"]), follow=True)
    member = Member.objects.get(full_name="Đinh Thị Kết")
    assert response.redirect_chain[-1][0] == reverse("members:member_detail", args=[member.pk])
    html = response.content.decode()
    assert "Đã ghi kết nạp đảng viên Đinh Thị Kết." in html
    assert "Đảng viên dự bị" in html
    assert "Quyết định số 87-QĐ/ĐU ngày 02/06/2025 của Đảng ủy xã An Bình" in html
    assert "16/06/2026" in html  # end of probation
    assert member.current_org_id == tree["cell_a1"].pk


def test_missing_fields_are_named_and_nothing_is_written(client, officer, tree):
    before = written()
    client.force_login(officer)
    response = client.post(URL, form(tree["cell_a1"], full_name="", decision_number="", birth_date="", cell=""))
    html = response.content.decode()
    assert "Chưa nhập «Họ và tên»." in html
    assert "Chưa nhập «Số quyết định»." in html
    assert "Chưa nhập «Ngày sinh» hoặc «Năm sinh»." in html
    assert "Chưa chọn «Chi bộ kết nạp»." in html
    assert written() == before


def test_a_rule_violation_is_shown_on_the_field_and_nothing_is_written(client, officer, tree):
    before = written()
    client.force_login(officer)
    response = client.post(URL, form(tree["cell_a1"], birth_date="15/08/2008"))  # 16 at the decision
    assert response.status_code == 200
    assert "Chưa đủ 18 tuổi" in response.content.decode()
    assert written() == before


def test_a_late_ceremony_without_approval_is_refused(client, officer, tree):
    before = written()
    client.force_login(officer)
    response = client.post(URL, form(tree["cell_a1"], ceremony_on="15/09/2025"))
    assert "30 ngày làm việc" in response.content.decode()
    assert written() == before


def test_a_cell_outside_the_scope_cannot_be_chosen(client, outsider, tree):
    before = written()
    client.force_login(outsider)
    response = client.post(URL, form(tree["cell_a1"]))
    assert "«Chi bộ kết nạp»: không có tổ chức này trong phạm vi của bạn." in response.content.decode()
    assert written() == before


def test_a_read_only_leader_may_not_admit(client, leader, tree):
    client.force_login(leader)
    assert client.get(URL).status_code == 403
