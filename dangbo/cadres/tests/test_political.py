"""Political-standard cases (R-097): only the internal-political-protection role sees them; every
other user (an administrator, a province officer, a superuser) gets "not found" on every page and
API route; every read and every refused attempt is in the audit log; conclusions by purpose."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.cadres.models import PoliticalCase
from dangbo.cadres.political import PoliticalCaseInput, political_case_record

pytestmark = pytest.mark.django_db

SUBJECT = "Đỗ Thị Thẩm Tra"


def _user(django_user_model, username, role, org=None, superuser=False):
    user = django_user_model.objects.create_user(
        username, password="Kiemthu@2026x", is_superuser=superuser, is_staff=superuser
    )
    RoleAssignment.objects.create(user=user, role=role, org=org, valid_from=date(2015, 1, 1))
    return user


@pytest.fixture
def protector(django_user_model, tree):
    return _user(django_user_model, "bvct_tinh", Role.POLITICAL_PROTECTION, tree["province"])


@pytest.fixture
def case(protector, tree, cadre):
    return political_case_record(
        actor=protector,
        data=PoliticalCaseInput(
            org_id=tree["commune_a"].pk,
            purpose="appointment",
            conclusion="meets",
            concluding_body="Đảng ủy xã An Bình",
            concluded_on=date(2024, 5, 2),
            subject_name=SUBJECT,
            subject_birth_date=date(1980, 2, 3),
            relatives_checked="Bố: Đỗ Văn A — không có vấn đề\nMẹ: Nguyễn Thị B — không có vấn đề",
        ),
    )


def _routes(case, tree):
    org = tree["province"].pk
    return [
        reverse("cadres:political_case_list"),
        reverse("cadres:political_case_detail", kwargs={"pk": case.pk}),
        reverse("cadres:political_case_create"),
        reverse("cadres:political_case_figure") + f"?org={org}&tu=01/01/2024&den=31/12/2024",
        "/api/v1/cadres/political-cases",
        f"/api/v1/cadres/political-cases/{case.pk}",
        f"/api/v1/cadres/political-cases/figure?org_id={org}&start=2024-01-01&end=2024-12-31",
    ]


def test_only_the_political_protection_role_sees_political_cases(
    client, django_user_model, tree, case, protector, officer, commune_officer, admin_user
):
    superuser = _user(django_user_model, "sieu_quan_tri", Role.ADMIN, superuser=True)
    for user in (officer, commune_officer, admin_user, superuser):
        client.force_login(user)
        for url in _routes(case, tree):
            response = client.get(url)
            assert response.status_code == 404, f"{user.username} {url}: {response.status_code}"
            assert SUBJECT not in response.content.decode()
        posted = client.post(
            "/api/v1/cadres/political-cases",
            {
                "org_id": tree["commune_a"].pk,
                "purpose": "admission",
                "conclusion": "meets",
                "concluding_body": "X",
                "concluded_on": "2024-01-02",
                "subject_name": "Người Khác",
                "subject_birth_date": "2000-01-01",
            },
            content_type="application/json",
        )
        assert posted.status_code == 404, user.username
    assert PoliticalCase.objects.count() == 1
    client.force_login(protector)
    for url in _routes(case, tree):
        assert client.get(url).status_code == 200, url
    assert SUBJECT in client.get(reverse("cadres:political_case_detail", kwargs={"pk": case.pk})).content.decode()


def test_a_protector_of_another_commune_does_not_see_the_case(client, django_user_model, tree, case):
    other = _user(django_user_model, "bvct_xa_b", Role.POLITICAL_PROTECTION, tree["commune_b"])
    client.force_login(other)
    assert client.get(reverse("cadres:political_case_detail", kwargs={"pk": case.pk})).status_code == 404
    assert client.get(f"/api/v1/cadres/political-cases/{case.pk}").status_code == 404
    assert SUBJECT not in client.get(reverse("cadres:political_case_list")).content.decode()
    assert client.get("/api/v1/cadres/political-cases").json() == []


def test_every_read_and_every_refused_attempt_is_audited_without_the_name(client, tree, case, protector, admin_user):
    client.force_login(protector)
    client.get(reverse("cadres:political_case_list"))
    client.get(reverse("cadres:political_case_detail", kwargs={"pk": case.pk}))
    client.get(f"/api/v1/cadres/political-cases/{case.pk}")
    client.get(f"/api/v1/cadres/political-cases/figure?org_id={tree['province'].pk}&start=2024-01-01&end=2024-12-31")
    mine = AuditEntry.objects.filter(actor=protector)
    assert mine.filter(action="read.political_case_list").count() == 1
    assert mine.filter(action="read.political_case", object_id=str(case.pk)).count() == 2
    assert mine.filter(action="read.political_case_figure").count() == 1
    client.force_login(admin_user)
    client.get(reverse("cadres:political_case_detail", kwargs={"pk": case.pk}))
    client.get("/api/v1/cadres/political-cases")
    assert AuditEntry.objects.filter(actor=admin_user, action="read.political_case_denied").count() == 2
    assert not AuditEntry.objects.filter(summary__contains=SUBJECT).exists()


def test_recording_on_the_page_and_by_api(client, tree, protector, cadre):
    client.force_login(protector)
    response = client.post(
        reverse("cadres:political_case_create"),
        {
            "org": tree["commune_a"].pk,
            "cadre": cadre.pk,
            "purpose": "planning",
            "conclusion": "meets",
            "concluding_body": "Ban Tổ chức Tỉnh ủy",
            "concluded_on": "10/03/2024",
            "relatives_checked": "Vợ: X\n\nCon: Y",
        },
    )
    assert response.status_code == 302
    case = PoliticalCase.objects.get()
    assert case.subject_name == cadre.full_name and case.subject_birth_date == cadre.birth_date
    assert case.relatives_count == 2
    assert AuditEntry.objects.filter(action="political_case.record", object_id=str(case.pk)).exists()
    bad = client.post(
        "/api/v1/cadres/political-cases",
        {
            "org_id": tree["commune_a"].pk,
            "purpose": "abroad",
            "conclusion": "meets",
            "concluding_body": "Ban Tổ chức",
            "concluded_on": "2024-03-10",
            "subject_name": "Người Đi Học",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "subject_birth_date"
    ok = client.post(
        "/api/v1/cadres/political-cases",
        {
            "org_id": tree["commune_a"].pk,
            "purpose": "abroad",
            "conclusion": "not_meets",
            "concluding_body": "Ban Tổ chức",
            "concluded_on": "2024-03-10",
            "subject_name": "Người Đi Học",
            "subject_birth_date": "2001-09-09",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["purpose_label"] == "Đi nước ngoài (học tập, công tác)"


def test_rule_r097_political_standard_conclusions_by_purpose_117_in_2023(client, tree, protector, system_user):
    """Seed 000: "117" political-standard conclusions in 2023, counted by purpose over the
    province's subtree; conclusions of 2022/2024 and of another province are not counted."""
    from dangbo.orgs.services import org_establish

    other = org_establish(
        actor=system_user,
        code="T02",
        name="Đảng bộ tỉnh Khác",
        org_type="provincial_party_org",
        parent=None,
        on=date(2015, 1, 1),
    )
    split = {"planning": 41, "appointment": 30, "admission": 28, "abroad": 10, "key_post": 5, "recruitment": 3}
    assert sum(split.values()) == 117
    rows, day = [], 0
    for purpose, n in split.items():
        for _ in range(n):
            day += 1
            org = (tree["commune_a"], tree["commune_b"], tree["district"], tree["province"])[day % 4]
            rows.append(
                PoliticalCase(
                    org=org,
                    subject_name=f"Người {day}",
                    subject_birth_date=date(1980, 1, 1),
                    purpose=purpose,
                    conclusion="meets" if day % 9 else "not_meets",
                    concluding_body="Ban Tổ chức",
                    concluded_on=date(2023, 1, 1 + day % 28).replace(month=1 + day % 12),
                )
            )
    for concluded_on, org in (
        (date(2022, 12, 31), tree["province"]),
        (date(2024, 1, 1), tree["province"]),
        (date(2023, 6, 1), other),
    ):
        rows.append(
            PoliticalCase(
                org=org,
                subject_name="Ngoài kỳ",
                subject_birth_date=date(1980, 1, 1),
                purpose="planning",
                conclusion="meets",
                concluding_body="Ban Tổ chức",
                concluded_on=concluded_on,
            )
        )
    PoliticalCase.objects.bulk_create(rows)
    client.force_login(protector)
    api = client.get(
        f"/api/v1/cadres/political-cases/figure?org_id={tree['province'].pk}&start=2023-01-01&end=2023-12-31"
    ).json()
    assert api["total"] == 117 and api["text"] == "117"
    assert api["by_purpose"] == {**split, "other": 0}
    assert api["meets"] + api["not_meets"] == 117 and api["not_meets"] == 13
    page = client.get(
        reverse("cadres:political_case_figure"), {"org": tree["province"].pk, "tu": "01/01/2023", "den": "31/12/2023"}
    ).content.decode()
    assert '<strong id="political-total">117</strong>' in page
    commune = client.get(
        f"/api/v1/cadres/political-cases/figure?org_id={tree['commune_a'].pk}&start=2023-01-01&end=2023-12-31"
    ).json()
    assert 0 < commune["total"] < 117
