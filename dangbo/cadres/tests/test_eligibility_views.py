"""R-095 on the cadre record page and API: for a proposed action and date, what holds and what is
missing; the political standard only for the political-protection role; audited; 404 outside scope."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.cadres.political import PoliticalCaseInput, political_case_record
from dangbo.cadres.services import ActionInput, DecisionInput, decision_record, planning_add

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposal(system_user, cadre, titles, term):
    """Lê Văn Thử (born 15/03/1975, male) deputy since 2021, in planning for the secretary title."""
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="3-QĐ/ĐU",
            signed_on=date(2021, 2, 1),
            body="Đảng ủy xã",
            org_id=cadre.managing_org_id,
            actions=[
                ActionInput(
                    cadre_id=cadre.pk, type="appointment", on=date(2021, 2, 1), title_id=titles["commune_deputy"].pk
                )
            ],
        ),
    )
    planning_add(actor=system_user, term=term, cadre=cadre, title=titles["commune_secretary"], on=date(2023, 1, 1))
    return {"title_id": titles["commune_secretary"].pk, "kind": "appointment", "received_on": "2024-06-01"}


def test_rule_r095_eligibility_by_api_lists_what_holds_and_what_is_missing(
    client, commune_officer, outsider, cadre, proposal
):
    client.force_login(commune_officer)
    body = client.get(f"/api/v1/cadres/{cadre.pk}/eligibility", proposal).json()
    checks = {c["key"]: c for c in body["checks"]}
    assert checks["retirement"]["ok"] is True and checks["planning"]["ok"] is True
    assert checks["time_in_post"]["ok"] is True and "40 tháng" in checks["time_in_post"]["message"]
    assert checks["political_standard"]["ok"] is None  # an officer is never told
    assert body["regulation"] == "80-QĐ/TW" and body["ok"] is True
    after = client.get(f"/api/v1/cadres/{cadre.pk}/eligibility", {**proposal, "received_on": "2025-10-08"}).json()
    assert after["regulation"] == "377-QĐ/TW"
    assert AuditEntry.objects.filter(actor=commune_officer, action="read.cadre_eligibility").count() == 2
    bad = client.get(f"/api/v1/cadres/{cadre.pk}/eligibility", {**proposal, "title_id": 10**9})
    assert bad.status_code == 422 and bad.json()["field"] == "title_id"
    client.force_login(outsider)
    assert client.get(f"/api/v1/cadres/{cadre.pk}/eligibility", proposal).status_code == 404


def test_rule_r095_reappointment_under_two_years_to_retirement_becomes_an_extension(
    client, commune_officer, cadre, proposal
):
    client.force_login(commune_officer)
    # born 15/03/1975, male: retirement 15/03/2037 (62 y); 01/06/2035 is 21 months before it
    body = client.get(
        f"/api/v1/cadres/{cadre.pk}/eligibility", {**proposal, "kind": "reappointment", "received_on": "2035-06-01"}
    ).json()
    assert body["becomes_extension"] is True and "kéo dài" in body["checks"][0]["message"]


def test_the_cadre_page_shows_the_check_and_the_protector_sees_the_political_standard(
    client, django_user_model, commune_officer, tree, cadre, proposal
):
    client.force_login(commune_officer)
    detail = client.get(reverse("cadres:cadre_detail", kwargs={"pk": cadre.pk})).content.decode()
    assert reverse("cadres:cadre_eligibility", kwargs={"pk": cadre.pk}) in detail
    page = client.get(
        reverse("cadres:cadre_eligibility", kwargs={"pk": cadre.pk}),
        {"loai": "appointment", "chuc_danh": proposal["title_id"], "ngay": "01/06/2024"},
    ).content.decode()
    assert "✔ Đạt: Có trong quy hoạch chức danh" in page
    assert "? Chưa xác định: Kết luận tiêu chuẩn chính trị: do cán bộ bảo vệ chính trị nội bộ xác nhận" in page
    protector = django_user_model.objects.create_user("bvct", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=protector, role=Role.POLITICAL_PROTECTION, org=tree["commune_a"], valid_from=date(2015, 1, 1)
    )
    client.force_login(protector)
    missing = client.get(f"/api/v1/cadres/{cadre.pk}/eligibility", proposal).json()
    assert {c["key"]: c["ok"] for c in missing["checks"]}["political_standard"] is False
    political_case_record(
        actor=protector,
        data=PoliticalCaseInput(
            org_id=tree["commune_a"].pk,
            cadre_id=cadre.pk,
            purpose="appointment",
            conclusion="meets",
            concluding_body="Đảng ủy xã",
            concluded_on=date(2024, 5, 1),
        ),
    )
    met = client.get(f"/api/v1/cadres/{cadre.pk}/eligibility", proposal).json()
    assert {c["key"]: c["ok"] for c in met["checks"]}["political_standard"] is True
    assert AuditEntry.objects.filter(actor=protector, action="read.political_case").exists()
