"""Item 4: the officers' declaration page (category and base, dated, with source; deferrals and
exemptions) and the member's own view /dang-phi/cua-toi/ (months paid and owed, only their own)."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.dues.models import DuesDeclaration, DuesRelief
from dangbo.dues.tests.factories import declare_each, pay


def test_officer_records_a_declaration_and_a_deferral_on_the_member_page(
    client, tree, members_a1, secretary_a1, secretary_b1
):
    an = members_a1[0]
    url = reverse("dues:member", args=[an.pk]) + "?nam=2025"
    client.force_login(secretary_a1)
    r = client.post(
        url,
        {
            "form": "declaration",
            "kk-category": "si_salary",
            "kk-base": "8000000",
            "kk-valid_from": "01/2025",
            "kk-declared_on": "05/01/2025",
            "kk-source": "Bản kê khai ngày 05/01/2025",
        },
    )
    assert r.status_code == 302
    d = DuesDeclaration.objects.get()
    assert (d.category, d.base, d.valid_from, d.declared_on) == (
        "si_salary",
        8_000_000,
        date(2025, 1, 1),
        date(2025, 1, 5),
    )
    # Bad input: a base category without a base is refused on its field, nothing written.
    page = client.post(
        url,
        {
            "form": "declaration",
            "kk-category": "pension",
            "kk-valid_from": "02/2025",
            "kk-declared_on": "05/02/2025",
            "kk-source": "Bản kê khai",
        },
    ).content.decode()
    assert "Ghi mức thu nhập đảng viên kê khai" in page and DuesDeclaration.objects.count() == 1
    page = client.post(
        url,
        {
            "form": "declaration",
            "kk-category": "student",
            "kk-valid_from": "13/2025",
            "kk-declared_on": "05/02/2025",
            "kk-source": "x",
        },
    ).content.decode()
    assert "«Áp dụng từ tháng»: ghi tháng/năm" in page
    r = client.post(
        url,
        {
            "form": "relief",
            "mg-kind": "deferral",
            "mg-from_month": "02/2025",
            "mg-to_month": "03/2025",
            "mg-reason": "Ốm dài ngày",
            "mg-decision_no": "03-BB/CB",
            "mg-decided_on": "10/02/2025",
        },
    )
    assert r.status_code == 302 and DuesRelief.objects.get().kind == "deferral"
    page = client.get(url).content.decode()
    assert "80.000 đ" in page and "Tạm hoãn" in page and "Bản kê khai ngày 05/01/2025" in page
    assert "01/2025" in page and "Ốm dài ngày (03-BB/CB, ngày 10/02/2025)" in page
    client.force_login(secretary_b1)
    assert client.get(url).status_code == 404
    assert client.post(url, {"form": "relief"}).status_code == 404


def test_member_sees_only_their_own_dues(client, django_user_model, system_user, tree, members_a1):
    an, binh = members_a1[:2]
    declare_each(system_user, (an, binh), "pension", 4_000_000)
    pay(system_user, an, date(2025, 1, 1), date(2025, 2, 1), 40_000, paid_on=date(2025, 2, 3))
    user = django_user_model.objects.create_user("dv_an", password="Kiemthu@2026x")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=an, valid_from=date(2020, 1, 1))
    client.force_login(user)
    page = client.get(reverse("dues:mine") + "?nam=2025").content.decode()
    assert "Nguyễn Văn An" in page and "đã nộp đến tháng 02/2025" in page and "Trần Thị Bình" not in page
    assert "đã nộp 40.000 đ" in page and "còn phải nộp <strong>200.000 đ</strong>" in page
    assert client.get(reverse("dues:member", args=[binh.pk])).status_code == 404
