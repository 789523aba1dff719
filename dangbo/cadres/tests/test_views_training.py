"""Pages and API of training, ranks and salary steps, delegation and family relations: scope (an
officer of another commune gets 404 / sees nothing), bad input (a Vietnamese message naming the
field, nothing written), every write audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.cadres.kinship import delegation_set, relation_add
from dangbo.cadres.models import Delegation, FamilyRelation, SalaryEvent, TrainingCourse, TrainingEnrolment
from dangbo.cadres.training import SalaryInput, course_create, enrol, salary_record

pytestmark = pytest.mark.django_db


def _field_errors(response, field: str) -> list[str]:
    form = response.context["form"]
    return form.errors.get(field, [])


@pytest.fixture
def course(system_user, tree):
    return course_create(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        name="Trung cấp LLCT khóa 5",
        kind="theory",
        level="trung_cap",
        mode="part_time",
        starts_on=date(2024, 3, 1),
    )


@pytest.fixture
def stepped(system_user, cadre):
    """The cadre: Chuyên viên (36-month interval), step 2 since 01/01/2021."""
    salary_record(
        actor=system_user,
        data=SalaryInput(
            cadre_id=cadre.pk,
            type="rank_appointment",
            on=date(2018, 1, 1),
            rank_code="01.003",
            rank_name="Chuyên viên",
            step=1,
        ),
    )
    salary_record(
        actor=system_user, data=SalaryInput(cadre_id=cadre.pk, type="step_regular", on=date(2021, 1, 1), step=2)
    )
    return cadre


# --- training --------------------------------------------------------------------------------------


def test_course_pages_list_create_enrol_and_result(client, commune_officer, cadre, tree):
    client.force_login(commune_officer)
    r = client.post(
        reverse("cadres:course_create"),
        {
            "org": tree["commune_a"].pk,
            "name": "Cao cấp LLCT hệ tập trung",
            "kind": "theory",
            "level": "cao_cap",
            "mode": "full_time",
            "starts_on": "01/09/2024",
        },
    )
    course = TrainingCourse.objects.get(name="Cao cấp LLCT hệ tập trung")
    assert r.status_code == 302 and r.url == reverse("cadres:course_detail", kwargs={"pk": course.pk})
    assert AuditEntry.objects.filter(action="training_course.create", object_id=str(course.pk)).exists()
    page = client.get(reverse("cadres:course_list")).content.decode()
    assert "Cao cấp LLCT hệ tập trung" in page and 'id="cadres-nav"' in page
    r = client.post(
        reverse("cadres:course_detail", kwargs={"pk": course.pk}),
        {"cadre": cadre.pk, "sent_on": "05/09/2024", "decision": "12-QĐ/ĐU"},
    )
    assert r.status_code == 302
    e = TrainingEnrolment.objects.get(course=course, cadre=cadre)
    assert AuditEntry.objects.filter(action="training.enrol", object_id=str(e.pk)).exists()
    assert "Lê Văn Thử" in client.get(reverse("cadres:course_detail", kwargs={"pk": course.pk})).content.decode()
    r = client.post(
        reverse("cadres:enrolment_result", kwargs={"pk": e.pk}),
        {"result": "passed", "completed_on": "30/06/2025", "certificate": "B-123"},
    )
    assert r.status_code == 302
    e.refresh_from_db()
    assert e.result == "passed" and e.completed_on == date(2025, 6, 30)


def test_course_create_refuses_bad_input_on_the_field_and_writes_nothing(client, commune_officer, tree):
    client.force_login(commune_officer)
    r = client.post(
        reverse("cadres:course_create"),
        {
            "org": tree["commune_a"].pk,
            "name": "Lớp sai ngày",
            "kind": "theory",
            "level": "cao_cap",
            "mode": "full_time",
            "starts_on": "01/09/2024",
            "ends_on": "01/08/2024",
        },
    )
    assert r.status_code == 200
    assert _field_errors(r, "ends_on") == ["Ngày kết thúc phải sau ngày khai giảng"]
    assert "Ngày kết thúc: Ngày kết thúc phải sau ngày khai giảng" in r.content.decode()
    r = client.post(
        reverse("cadres:course_create"),
        {
            "org": tree["commune_a"].pk,
            "name": "Lớp sai trình độ",
            "kind": "theory",
            "level": "tien_si",
            "mode": "full_time",
            "starts_on": "01/09/2024",
        },
    )
    assert "Trình độ được cấp phải là một trong" in _field_errors(r, "level")[0]
    r = client.post(
        reverse("cadres:course_create"),
        {
            "org": tree["commune_a"].pk,
            "name": "Lớp sai ngày",
            "kind": "theory",
            "level": "cao_cap",
            "mode": "full_time",
            "starts_on": "31/02/2024",
        },
    )
    assert "không tồn tại" in _field_errors(r, "starts_on")[0]
    assert not TrainingCourse.objects.exists()


def test_enrolling_twice_is_refused_on_the_cadre_field(client, commune_officer, course, cadre, system_user):
    enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 3, 1))
    client.force_login(commune_officer)
    r = client.post(
        reverse("cadres:course_detail", kwargs={"pk": course.pk}), {"cadre": cadre.pk, "sent_on": "05/03/2024"}
    )
    assert r.status_code == 200 and _field_errors(r, "cadre") == ["Lê Văn Thử đã được cử đi học lớp này"]
    assert TrainingEnrolment.objects.count() == 1


def test_enrolment_result_before_the_sending_date_is_refused(client, commune_officer, course, cadre, system_user):
    e = enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 3, 1))
    client.force_login(commune_officer)
    r = client.post(
        reverse("cadres:enrolment_result", kwargs={"pk": e.pk}), {"result": "passed", "completed_on": "01/01/2024"}
    )
    assert r.status_code == 200 and _field_errors(r, "completed_on") == ["Ngày hoàn thành phải sau ngày cử đi học"]
    e.refresh_from_db()
    assert e.result == "studying"
    cadre.refresh_from_db()
    assert cadre.theory_level == "Cao cấp"


def test_training_pages_of_another_commune_are_not_found(client, outsider, course, cadre, system_user):
    e = enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 3, 1))
    client.force_login(outsider)
    assert "Trung cấp LLCT khóa 5" not in client.get(reverse("cadres:course_list")).content.decode()
    assert client.get(reverse("cadres:course_detail", kwargs={"pk": course.pk})).status_code == 404
    assert (
        client.post(
            reverse("cadres:course_detail", kwargs={"pk": course.pk}), {"cadre": cadre.pk, "sent_on": "05/03/2024"}
        ).status_code
        == 404
    )
    assert client.get(reverse("cadres:enrolment_result", kwargs={"pk": e.pk})).status_code == 404
    assert (
        client.post(
            reverse("cadres:enrolment_result", kwargs={"pk": e.pk}), {"result": "passed", "completed_on": "01/06/2024"}
        ).status_code
        == 404
    )
    assert client.get(reverse("cadres:cadre_training", kwargs={"pk": cadre.pk})).status_code == 404
    e.refresh_from_db()
    assert e.result == "studying" and TrainingEnrolment.objects.count() == 1


def test_cadre_training_page_shows_the_levels_as_of_the_date(client, commune_officer, system_user, tree):
    from dangbo.cadres.services import CadreInput, cadre_create
    from dangbo.cadres.training import enrolment_result

    c = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Hà Thị Học",
            birth_date=date(1985, 1, 1),
            sex="F",
            managing_org_id=tree["commune_a"].pk,
            theory_level="Sơ cấp",
        ),
    )
    course = course_create(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        name="Trung cấp LLCT",
        kind="theory",
        level="trung_cap",
        starts_on=date(2023, 1, 1),
    )
    e = enrol(actor=system_user, course=course, cadre_id=c.pk, sent_on=date(2023, 1, 1))
    enrolment_result(actor=system_user, enrolment=e, result="passed", completed_on=date(2024, 6, 1))
    client.force_login(commune_officer)
    url = reverse("cadres:cadre_training", kwargs={"pk": c.pk})
    before = client.get(url, {"ngay": "31/05/2024"}).context["levels"]
    after = client.get(url, {"ngay": "01/06/2024"}).context["levels"]
    assert (before.theory, after.theory) == ("Sơ cấp", "Trung cấp")


# --- ranks and salary steps ----------------------------------------------------------------------------


def test_salary_page_records_a_regular_raise_and_shows_the_history(client, commune_officer, stepped):
    client.force_login(commune_officer)
    url = reverse("cadres:cadre_salary", kwargs={"pk": stepped.pk})
    page = client.get(url).content.decode()
    assert "Chuyên viên" in page and "01/01/2021" in page
    r = client.post(url, {"type": "step_regular", "on": "01/01/2024", "step": 3, "decision": "30-QĐ/ĐU"})
    assert r.status_code == 302
    e = SalaryEvent.objects.get(cadre=stepped, step=3)
    assert AuditEntry.objects.filter(action="salary.step_regular", object_id=str(e.pk)).exists()
    assert "30-QĐ/ĐU" in client.get(url).content.decode()


def test_salary_page_refuses_a_raise_skipping_a_step_or_too_early(client, commune_officer, stepped):
    client.force_login(commune_officer)
    url = reverse("cadres:cadre_salary", kwargs={"pk": stepped.pk})
    r = client.post(url, {"type": "step_regular", "on": "01/01/2024", "step": 4})
    assert r.status_code == 200
    assert _field_errors(r, "step") == ["Nâng bậc thường xuyên hoặc trước thời hạn phải lên bậc 3"]
    assert "Bậc: Nâng bậc" in r.content.decode()
    r = client.post(url, {"type": "step_early", "on": "01/06/2022", "step": 3})
    assert "Nâng bậc trước thời hạn tối đa 12 tháng" in _field_errors(r, "on")[0]
    r = client.post(url, {"type": "step_regular", "on": "khong-phai-ngay", "step": 3})
    assert _field_errors(r, "on")
    assert SalaryEvent.objects.filter(cadre=stepped).count() == 2


def test_salary_page_and_raises_due_of_another_commune_are_not_found(client, outsider, stepped):
    client.force_login(outsider)
    url = reverse("cadres:cadre_salary", kwargs={"pk": stepped.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"type": "step_regular", "on": "01/01/2024", "step": 3}).status_code == 404
    page = client.get(reverse("cadres:raises_due"), {"ngay": "01/01/2024"}).content.decode()
    assert "Lê Văn Thử" not in page
    assert SalaryEvent.objects.filter(cadre=stepped).count() == 2


def test_raises_due_lists_regular_and_early_raises(client, commune_officer, stepped):
    """Step 2 since 01/01/2021, 36 months: early possible from 01/01/2023, regular due 01/01/2024."""
    client.force_login(commune_officer)
    url = reverse("cadres:raises_due")
    assert client.get(url, {"ngay": "31/12/2022"}).context["rows"] == []
    [early] = client.get(url, {"ngay": "01/01/2023"}).context["rows"]
    assert early.kind == "early" and early.due_on == date(2024, 1, 1) and early.early_from == date(2023, 1, 1)
    [regular] = client.get(url, {"ngay": "01/07/2023", "thang": 6}).context["rows"]
    assert regular.kind == "regular"
    page = client.get(url, {"ngay": "01/01/2024"}).content.decode()
    assert "Lê Văn Thử" in page and "01/01/2024" in page
    r = client.get(url, {"ngay": "01/01/2024", "thang": 99})
    assert "Trong (tháng) tới:" in r.content.decode()


# --- delegation ------------------------------------------------------------------------------------


def test_delegation_pages_record_a_version_and_close_the_previous(client, commune_officer, tree):
    client.force_login(commune_officer)
    url = reverse("cadres:delegation_create")
    data = {
        "province": tree["commune_a"].pk,
        "title_group": "Cấp xã",
        "action": "appointment",
        "decides": "Ban Thường vụ Đảng ủy xã",
        "valid_from": "01/01/2024",
    }
    assert client.post(url, data).status_code == 302
    assert client.post(url, {**data, "decides": "Đảng ủy xã", "valid_from": "01/07/2025"}).status_code == 302
    old, new = Delegation.objects.order_by("valid_from")
    assert old.valid_to == date(2025, 6, 30) and new.valid_to is None
    assert AuditEntry.objects.filter(action="delegation.set").count() == 2
    page = client.get(reverse("cadres:delegation_list"), {"ngay": "30/06/2025"}).content.decode()
    assert "Ban Thường vụ Đảng ủy xã" in page and "01/01/2024" in page


def test_delegation_form_refuses_bad_input(client, commune_officer, tree, system_user):
    delegation_set(
        actor=system_user,
        province_id=tree["commune_a"].pk,
        title_group="Cấp xã",
        action="appointment",
        decides="Ban Thường vụ",
        valid_from=date(2024, 1, 1),
    )
    client.force_login(commune_officer)
    url = reverse("cadres:delegation_create")
    data = {
        "province": tree["commune_a"].pk,
        "title_group": "Cấp xã",
        "action": "appointment",
        "decides": "Đảng ủy xã",
        "valid_from": "01/01/2023",
    }
    r = client.post(url, data)
    assert r.status_code == 200
    assert _field_errors(r, "valid_from") == ["Ngày hiệu lực phải sau 01/01/2024 (phiên bản đang áp dụng)"]
    r = client.post(url, {**data, "decides": "", "valid_from": "01/01/2025"})
    assert r.status_code == 200 and _field_errors(r, "decides")
    assert "Cấp quyết định:" in r.content.decode()
    assert Delegation.objects.count() == 1 and Delegation.objects.get().valid_to is None


def test_delegations_of_another_commune_are_not_shown_nor_writable(client, outsider, tree, system_user):
    delegation_set(
        actor=system_user,
        province_id=tree["commune_a"].pk,
        title_group="Cấp xã",
        action="appointment",
        decides="Ban Thường vụ Đảng ủy xã An Bình",
        valid_from=date(2024, 1, 1),
    )
    client.force_login(outsider)
    assert "An Bình" not in client.get(reverse("cadres:delegation_list")).content.decode()
    r = client.post(
        reverse("cadres:delegation_create"),
        {
            "province": tree["commune_a"].pk,
            "title_group": "Cấp xã",
            "action": "appointment",
            "decides": "X",
            "valid_from": "01/01/2025",
        },
    )
    assert r.status_code == 200 and _field_errors(r, "province")
    assert Delegation.objects.count() == 1


# --- family relations ------------------------------------------------------------------------------


def test_relations_page_adds_a_relative_and_audits_the_read(client, commune_officer, cadre):
    client.force_login(commune_officer)
    url = reverse("cadres:cadre_relations", kwargs={"pk": cadre.pk})
    r = client.post(
        url,
        {
            "relationship": "spouse",
            "relative_name": "Trần Thị Vợ",
            "relative_birth_year": 1978,
            "occupation": "Giáo viên",
        },
    )
    assert r.status_code == 302
    rel = FamilyRelation.objects.get(cadre=cadre)
    assert AuditEntry.objects.filter(action="family_relation.add", object_id=str(rel.pk)).exists()
    page = client.get(url).content.decode()
    assert "Trần Thị Vợ" in page and "Vợ, chồng" in page and "1978" in page
    assert AuditEntry.objects.filter(
        action="read.cadre_relations", actor=commune_officer, object_id=str(cadre.pk)
    ).exists()


def test_relations_page_refuses_a_blank_name_and_the_cadre_as_own_relative(client, commune_officer, cadre):
    client.force_login(commune_officer)
    url = reverse("cadres:cadre_relations", kwargs={"pk": cadre.pk})
    r = client.post(url, {"relationship": "spouse", "relative_name": "  "})
    assert r.status_code == 200 and _field_errors(r, "relative_name")
    assert "Họ và tên người thân:" in r.content.decode()
    r = client.post(url, {"relationship": "sibling", "relative_name": "Lê Văn Thử", "relative_cadre": cadre.pk})
    assert _field_errors(r, "relative_cadre") == ["Người thân không thể là chính cán bộ"]
    assert not FamilyRelation.objects.exists()


def test_relations_and_kinship_check_of_another_commune_are_not_found(client, outsider, cadre, system_user, tree):
    relation_add(actor=system_user, cadre_id=cadre.pk, relationship="spouse", relative_name="Người Thân")
    client.force_login(outsider)
    url = reverse("cadres:cadre_relations", kwargs={"pk": cadre.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"relationship": "child", "relative_name": "Con"}).status_code == 404
    assert client.get(reverse("cadres:kinship_check"), {"org": tree["commune_a"].pk}).status_code == 404
    assert FamilyRelation.objects.count() == 1
    assert not AuditEntry.objects.filter(action="read.cadre_relations", actor=outsider).exists()


def _kinship_pair(system_user, tree, titles, cadre):
    """The cadre (commune secretary) and his wife (deputy secretary), both cadres of commune A
    from 01/01/2024, the relation declared."""
    from dangbo.cadres.services import ActionInput, CadreInput, DecisionInput, cadre_create, decision_record

    wife = cadre_create(
        actor=system_user,
        data=CadreInput(
            full_name="Phạm Thị Vợ", birth_date=date(1980, 1, 1), sex="F", managing_org_id=tree["commune_a"].pk
        ),
    )
    org = tree["commune_a"].pk
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="1-QĐ",
            signed_on=date(2024, 1, 1),
            body="BTV",
            org_id=org,
            actions=[
                ActionInput(
                    cadre_id=cadre.pk,
                    type="appointment",
                    on=date(2024, 1, 1),
                    title_id=titles["commune_secretary"].pk,
                    org_id=org,
                ),
                ActionInput(
                    cadre_id=wife.pk,
                    type="appointment",
                    on=date(2024, 1, 1),
                    title_id=titles["commune_deputy"].pk,
                    org_id=org,
                ),
            ],
        ),
    )
    relation_add(
        actor=system_user,
        cadre_id=cadre.pk,
        relationship="spouse",
        relative_name="Phạm Thị Vợ",
        relative_cadre_id=wife.pk,
    )
    return wife


def test_kinship_check_page_lists_relatives_in_the_same_organization(
    client, commune_officer, system_user, tree, titles, cadre
):
    _kinship_pair(system_user, tree, titles, cadre)
    org = tree["commune_a"].pk
    client.force_login(commune_officer)
    page = client.get(reverse("cadres:kinship_check"), {"org": org, "ngay": "01/06/2024"}).content.decode()
    assert "Phạm Thị Vợ" in page and "Bí thư Đảng ủy xã" in page and 'id="kinship-summary">1 trường hợp' in page
    assert AuditEntry.objects.filter(action="read.kinship_check", actor=commune_officer).exists()


def test_api_kinship_check(client, commune_officer, outsider, system_user, tree, titles, cadre):
    wife = _kinship_pair(system_user, tree, titles, cadre)
    org = tree["commune_a"].pk
    client.force_login(commune_officer)
    before = AuditEntry.objects.filter(action="read.kinship_check").count()
    r = client.get("/api/v1/cadres/kinship-check", {"org_id": org, "at": "2024-06-01"})
    assert r.status_code == 200
    body = r.json()
    assert (body["count"], body["at"], body["org_id"]) == (1, "2024-06-01", org)
    case = body["cases"][0]
    assert (case["cadre_id"], case["relative_cadre_id"], case["relationship"]) == (cadre.pk, wife.pk, "spouse")
    assert case["cadre_title"] == "Bí thư Đảng ủy xã" and case["relative_title"] == "Phó Bí thư Đảng ủy xã"
    assert AuditEntry.objects.filter(action="read.kinship_check").count() == before + 1
    # Before both held their titles: nothing.
    assert client.get("/api/v1/cadres/kinship-check", {"org_id": org, "at": "2023-06-01"}).json()["count"] == 0
    assert client.get("/api/v1/cadres/kinship-check", {"org_id": org, "at": "01/06/2024"}).status_code == 422
    client.force_login(outsider)
    assert client.get("/api/v1/cadres/kinship-check", {"org_id": org, "at": "2024-06-01"}).status_code == 404


# --- API -------------------------------------------------------------------------------------------


def test_api_training_courses_enrolments_and_levels(client, commune_officer, outsider, cadre, tree):
    client.force_login(commune_officer)
    r = client.post(
        "/api/v1/cadres/training/courses",
        {
            "org_id": tree["commune_a"].pk,
            "name": "Cao cấp LLCT",
            "kind": "theory",
            "level": "cao_cap",
            "mode": "part_time",
            "starts_on": "2024-09-01",
        },
        content_type="application/json",
    )
    assert r.status_code == 201
    course_id = r.json()["id"]
    bad = client.post(
        "/api/v1/cadres/training/courses",
        {
            "org_id": tree["commune_a"].pk,
            "name": "X",
            "kind": "theory",
            "level": "cao_cap",
            "starts_on": "2024-09-01",
            "ends_on": "2024-01-01",
        },
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "ends_on"
    r = client.post(
        f"/api/v1/cadres/training/courses/{course_id}/enrolments",
        {"cadre_id": cadre.pk, "sent_on": "2024-09-05"},
        content_type="application/json",
    )
    assert r.status_code == 201
    enrolment_id = r.json()["id"]
    bad = client.post(
        f"/api/v1/cadres/training/enrolments/{enrolment_id}/result",
        {"result": "passed", "completed_on": "2024-01-01"},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "completed_on"
    assert client.get(f"/api/v1/cadres/training/courses/{course_id}").json()["enrolments"][0]["result"] == "studying"
    assert client.get(f"/api/v1/cadres/{cadre.pk}/training", {"at": "2024-10-01"}).json()["theory_level"] == "Cao cấp"
    assert [c["id"] for c in client.get("/api/v1/cadres/training/courses").json()] == [course_id]
    client.force_login(outsider)
    assert client.get("/api/v1/cadres/training/courses").json() == []
    assert client.get(f"/api/v1/cadres/training/courses/{course_id}").status_code == 404
    assert (
        client.post(
            f"/api/v1/cadres/training/courses/{course_id}/enrolments",
            {"cadre_id": cadre.pk, "sent_on": "2024-09-06"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert (
        client.post(
            f"/api/v1/cadres/training/enrolments/{enrolment_id}/result",
            {"result": "passed", "completed_on": "2025-06-01"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/cadres/{cadre.pk}/training").status_code == 404
    assert TrainingCourse.objects.count() == 1 and TrainingEnrolment.objects.get().result == "studying"


def test_api_salary_history_record_and_raises_due(client, commune_officer, outsider, stepped):
    client.force_login(commune_officer)
    r = client.get(f"/api/v1/cadres/{stepped.pk}/salary", {"at": "2023-06-01"}).json()
    assert (r["rank_name"], r["step"], len(r["events"])) == ("Chuyên viên", 2, 2)
    bad = client.post(
        "/api/v1/cadres/salary-events",
        {"cadre_id": stepped.pk, "type": "step_regular", "on": "2023-06-01", "step": 3},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "on"
    due = client.get("/api/v1/cadres/salary/raises-due", {"at": "2023-06-01"}).json()
    assert [(d["cadre_id"], d["kind"], d["due_on"]) for d in due] == [(stepped.pk, "early", "2024-01-01")]
    assert client.get("/api/v1/cadres/salary/raises-due", {"months": 99}).status_code == 422
    ok = client.post(
        "/api/v1/cadres/salary-events",
        {"cadre_id": stepped.pk, "type": "step_early", "on": "2023-06-01", "step": 3},
        content_type="application/json",
    )
    assert ok.status_code == 201 and ok.json()["type_label"] == "Nâng bậc lương trước thời hạn"
    client.force_login(outsider)
    assert client.get(f"/api/v1/cadres/{stepped.pk}/salary").status_code == 404
    assert (
        client.post(
            "/api/v1/cadres/salary-events",
            {"cadre_id": stepped.pk, "type": "step_regular", "on": "2026-06-01", "step": 4},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert client.get("/api/v1/cadres/salary/raises-due", {"at": "2030-01-01"}).json() == []
    assert SalaryEvent.objects.filter(cadre=stepped).count() == 3


def test_api_delegations_and_relations(client, commune_officer, outsider, cadre, tree):
    client.force_login(commune_officer)
    body = {
        "province_id": tree["commune_a"].pk,
        "title_group": "Cấp xã",
        "action": "appointment",
        "decides": "Ban Thường vụ Đảng ủy xã",
        "valid_from": "2024-01-01",
    }
    assert client.post("/api/v1/cadres/delegations", body, content_type="application/json").status_code == 201
    bad = client.post("/api/v1/cadres/delegations", {**body, "decides": " "}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "decides"
    assert [d["decides"] for d in client.get("/api/v1/cadres/delegations", {"at": "2024-06-01"}).json()] == [
        "Ban Thường vụ Đảng ủy xã"
    ]
    r = client.post(
        f"/api/v1/cadres/{cadre.pk}/relations",
        {"relationship": "child", "relative_name": "Lê Con"},
        content_type="application/json",
    )
    assert r.status_code == 201
    bad = client.post(
        f"/api/v1/cadres/{cadre.pk}/relations",
        {"relationship": "child", "relative_name": ""},
        content_type="application/json",
    )
    assert bad.status_code == 422 and bad.json()["field"] == "relative_name"
    for field, value in (
        ("relative_birth_year", 987654321987),
        ("relative_birth_year", 1800),
        ("relative_name", "Lê " * 100),
        ("occupation", "x" * 256),
    ):
        bad = client.post(
            f"/api/v1/cadres/{cadre.pk}/relations",
            {"relationship": "child", "relative_name": "Lê Con", field: value},
            content_type="application/json",
        )
        assert bad.status_code == 422 and bad.json()["field"] == field, (field, bad.json())
    assert [x["relative_name"] for x in client.get(f"/api/v1/cadres/{cadre.pk}/relations").json()] == ["Lê Con"]
    client.force_login(outsider)
    assert client.get("/api/v1/cadres/delegations").json() == []
    assert (
        client.post(
            "/api/v1/cadres/delegations", {**body, "valid_from": "2025-01-01"}, content_type="application/json"
        ).status_code
        == 404
    )
    assert client.get(f"/api/v1/cadres/{cadre.pk}/relations").status_code == 404
    assert (
        client.post(
            f"/api/v1/cadres/{cadre.pk}/relations",
            {"relationship": "child", "relative_name": "X"},
            content_type="application/json",
        ).status_code
        == 404
    )
    assert Delegation.objects.count() == 1 and FamilyRelation.objects.count() == 1


# --- voiding a rank or salary event (hủy) ----------------------------------------------------------


def test_salary_page_voids_an_event_with_a_reason_and_keeps_it_struck_through(client, commune_officer, stepped):
    client.force_login(commune_officer)
    raise_ = SalaryEvent.objects.get(cadre=stepped, type="step_regular")
    page = client.get(reverse("cadres:cadre_salary", kwargs={"pk": stepped.pk})).content.decode()
    url = reverse("cadres:salary_void", kwargs={"pk": raise_.pk})
    assert f'href="{url}"' in page
    r = client.get(url)
    assert r.status_code == 200 and "Hủy «Nâng bậc lương thường xuyên từ 01/01/2021»" in r.content.decode()
    r = client.post(url, {"reason": "Ghi nhầm quyết định"})
    assert r.status_code == 302 and r.url == reverse("cadres:cadre_salary", kwargs={"pk": stepped.pk})
    correction = SalaryEvent.objects.get(corrects=raise_)
    assert correction.type == "correction" and correction.note == "Ghi nhầm quyết định"
    assert SalaryEvent.objects.filter(pk=raise_.pk).exists()  # history kept
    assert AuditEntry.objects.filter(action="salary.void", object_id=str(correction.pk), actor=commune_officer).exists()
    page = client.get(reverse("cadres:cadre_salary", kwargs={"pk": stepped.pk})).content.decode()
    assert "đã hủy: Ghi nhầm quyết định" in page and f'href="{url}"' not in page
    assert 'id="rank-step"' in page and "bậc 1 từ 01/01/2018" in page
    # Voiding it again is refused on the form, nothing written.
    r = client.post(url, {"reason": "Lần hai"})
    assert r.status_code == 200 and "đã bị hủy" in r.content.decode()
    assert SalaryEvent.objects.filter(cadre=stepped).count() == 3


def test_salary_void_requires_a_reason_and_is_not_found_outside_the_scope(client, commune_officer, outsider, stepped):
    client.force_login(commune_officer)
    raise_ = SalaryEvent.objects.get(cadre=stepped, type="step_regular")
    url = reverse("cadres:salary_void", kwargs={"pk": raise_.pk})
    r = client.post(url, {"reason": "   "})
    assert r.status_code == 200 and _field_errors(r, "reason")
    r = client.post(url, {"reason": "x" * 501})
    assert r.status_code == 200 and _field_errors(r, "reason")
    assert not SalaryEvent.objects.filter(corrects=raise_).exists()
    client.force_login(outsider)
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Ngoài phạm vi"}).status_code == 404
    assert not SalaryEvent.objects.filter(corrects=raise_).exists()


def test_api_salary_void(client, commune_officer, outsider, stepped):
    raise_ = SalaryEvent.objects.get(cadre=stepped, type="step_regular")
    url = f"/api/v1/cadres/salary-events/{raise_.pk}/void"
    client.force_login(outsider)
    assert client.post(url, {"reason": "Ngoài phạm vi"}, content_type="application/json").status_code == 404
    client.force_login(commune_officer)
    bad = client.post(url, {"reason": " "}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    bad = client.post(url, {"reason": "x" * 501}, content_type="application/json")
    assert bad.status_code == 422 and bad.json()["field"] == "reason"
    assert not SalaryEvent.objects.filter(corrects=raise_).exists()
    ok = client.post(url, {"reason": "Ghi nhầm"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["voided"] is True and ok.json()["id"] == raise_.pk
    r = client.get(f"/api/v1/cadres/{stepped.pk}/salary", {"at": "2023-06-01"}).json()
    assert r["step"] == 1 and [e["voided"] for e in r["events"]] == [False, True]
    again = client.post(url, {"reason": "Lần hai"}, content_type="application/json")
    assert again.status_code == 422
    assert AuditEntry.objects.filter(action="salary.void", actor=commune_officer).count() == 1
