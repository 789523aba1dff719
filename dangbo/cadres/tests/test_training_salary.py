"""Training (đào tạo, bồi dưỡng) with the levels it confers as of a date (R-098), and ranks and
salary steps as dated records with the regular/early step-raise rules."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from dangbo.audit.models import AuditEntry
from dangbo.cadres.models import SalaryEvent
from dangbo.cadres.training import (
    SalaryInput,
    course_create,
    enrol,
    enrolment_result,
    levels_on,
    rank_step_on,
    salary_figures,
    salary_record,
    salary_void,
    training_figures,
)
from dangbo.core.errors import DomainError
from tests.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_rule_r098_a_passed_senior_theory_course_gives_the_level_from_its_completion_date(system_user, tree, cadre):
    cadre.theory_level = "Trung cấp"
    cadre.save(update_fields=["theory_level"])
    course = course_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Cao cấp LLCT K74",
        kind="theory",
        level="cao_cap",
        mode="part_time",
        starts_on=date(2023, 3, 1),
        ends_on=date(2024, 9, 30),
    )
    e = enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2023, 3, 1), decision="55-QĐ/TU")
    enrolment_result(
        actor=system_user, enrolment=e, result="passed", completed_on=date(2024, 10, 15), certificate="CC-0001"
    )
    cadre.refresh_from_db()
    assert cadre.theory_level == "Cao cấp"
    assert levels_on(cadre, date(2024, 10, 14)).theory == "Trung cấp"
    assert levels_on(cadre, date(2024, 10, 15)).theory == "Cao cấp"
    assert AuditEntry.objects.filter(action="training.result").exists()
    with pytest.raises(DomainError):  # the result is recorded once
        enrolment_result(actor=system_user, enrolment=e, result="failed", completed_on=date(2024, 11, 1))


def test_a_state_management_course_and_a_failed_course(system_user, tree, cadre):
    qlnn = course_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Chuyên viên chính 2024",
        kind="state_management",
        level="chuyen_vien_chinh",
        starts_on=date(2024, 4, 1),
    )
    theory = course_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Cử nhân chính trị",
        kind="theory",
        level="cu_nhan",
        starts_on=date(2024, 4, 1),
    )
    enrolment_result(
        actor=system_user,
        result="passed",
        completed_on=date(2024, 6, 30),
        enrolment=enrol(actor=system_user, course=qlnn, cadre_id=cadre.pk, sent_on=date(2024, 4, 1)),
    )
    enrolment_result(
        actor=system_user,
        result="failed",
        completed_on=date(2024, 6, 30),
        enrolment=enrol(actor=system_user, course=theory, cadre_id=cadre.pk, sent_on=date(2024, 4, 1)),
    )
    cadre.refresh_from_db()
    assert (cadre.state_management_level, cadre.theory_level) == ("Chuyên viên chính", "Cao cấp")
    assert levels_on(cadre, date(2024, 7, 1)).state_management == "Chuyên viên chính"


def test_bad_course_input_names_the_field_and_writes_nothing(system_user, tree, outsider, cadre):
    with pytest.raises(DomainError) as err:
        course_create(
            actor=system_user,
            org_id=tree["province"].pk,
            name="Lớp X",
            kind="theory",
            level="tien_si",
            starts_on=date(2024, 1, 1),
        )
    assert err.value.field == "level"
    course = course_create(
        actor=system_user, org_id=tree["province"].pk, name="Bồi dưỡng", kind="refresher", starts_on=date(2024, 1, 1)
    )
    with pytest.raises(DomainError):
        enrol(actor=outsider, course=course, cadre_id=cadre.pk, sent_on=date(2024, 1, 2))
    e = enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 1, 2))
    with pytest.raises(DomainError):
        enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 1, 2))
    with pytest.raises(Http404):
        enrolment_result(actor=outsider, enrolment=e, result="passed", completed_on=date(2024, 2, 1))


def test_training_figures_senior_theory_by_mode(system_user, tree, cadre, titles):
    people = [cadre] + [
        CadreFactory(
            actor=system_user,
            managing_org=tree["commune_b"],
            full_name=f"Học Viên {i}",
            birth_date=date(1980, 1, 1 + i),
        )
        for i in range(4)
    ]
    full = course_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Cao cấp tập trung",
        kind="theory",
        level="cao_cap",
        mode="full_time",
        starts_on=date(2023, 9, 1),
    )
    part = course_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="Cao cấp không tập trung",
        kind="theory",
        level="cao_cap",
        mode="part_time",
        starts_on=date(2023, 9, 1),
    )
    other = course_create(
        actor=system_user,
        org_id=tree["province"].pk,
        name="QP-AN đối tượng 2",
        kind="defence",
        starts_on=date(2023, 9, 1),
    )
    for c in people[:2]:
        enrol(actor=system_user, course=full, cadre_id=c.pk, sent_on=date(2023, 9, 1))
    for c in people[2:]:
        enrol(actor=system_user, course=part, cadre_id=c.pk, sent_on=date(2023, 9, 1))
    enrol(actor=system_user, course=other, cadre_id=people[0].pk, sent_on=date(2023, 9, 1))
    enrol(actor=system_user, course=other, cadre_id=people[1].pk, sent_on=date(2022, 9, 1))  # outside 2023
    f = training_figures(actor=system_user, org_id=tree["province"].pk, start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert f.vn() == "05 (02 tập trung, 03 không tập trung)"
    assert (f.other_courses, dict(f.other_by_kind)) == (1, {"defence": 1})
    b = training_figures(actor=system_user, org_id=tree["commune_b"].pk, start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert b.vn() == "04 (01 tập trung, 03 không tập trung)"


def test_rank_and_step_as_of_a_date_and_regular_and_early_raises(system_user, tree, cadre):
    rec = lambda **kw: salary_record(actor=system_user, data=SalaryInput(cadre_id=cadre.pk, **kw))  # noqa: E731
    rec(
        type="rank_appointment",
        on=date(2018, 1, 1),
        rank_code="01.003",
        rank_name="Chuyên viên",
        step=3,
        coefficient="3.00",
        decision="12-QĐ/SNV",
    )
    assert rank_step_on(cadre.pk, date(2019, 6, 1)).step == 3
    with pytest.raises(DomainError) as err:  # 35 months: not yet a regular raise
        rec(type="step_regular", on=date(2020, 12, 1), step=4)
    assert err.value.field == "on" and "Chưa đủ 36 tháng" in str(err.value)
    with pytest.raises(DomainError) as err:
        rec(type="step_regular", on=date(2021, 1, 1), step=5)
    assert err.value.field == "step"
    rec(type="step_regular", on=date(2021, 1, 1), step=4)
    with pytest.raises(DomainError):  # more than 12 months early
        rec(type="step_early", on=date(2022, 12, 31), step=5)
    early = rec(type="step_early", on=date(2023, 1, 1), step=5)
    rs = rank_step_on(cadre.pk, date(2023, 6, 1))
    assert (rs.rank_name, rs.step, rs.step_since) == ("Chuyên viên", 5, date(2023, 1, 1))
    assert rank_step_on(cadre.pk, date(2022, 12, 31)).step == 4
    # Voided by a correction: the step as of the date falls back; nothing is edited.
    salary_void(actor=system_user, event=early, reason="nhầm quyết định")
    assert rank_step_on(cadre.pk, date(2023, 6, 1)).step == 4
    with pytest.raises(RuntimeError):
        early.save()
    assert SalaryEvent.objects.filter(cadre=cadre).count() == 4


def test_salary_figures_count_step_raises_regular_and_early(system_user, tree, cadre):
    from dangbo.cadres.services import CadreInput, cadre_create

    people = [
        cadre_create(
            actor=system_user,
            data=CadreInput(
                full_name=f"Lương {i}", birth_date=date(1980, 1, 1 + i), sex="F", managing_org_id=tree["commune_a"].pk
            ),
        )
        for i in range(3)
    ]
    for i, c in enumerate(people):
        salary_record(
            actor=system_user,
            data=SalaryInput(
                cadre_id=c.pk,
                type="rank_appointment",
                on=date(2020, 1, 1),
                rank_name="Chuyên viên",
                rank_code="01.003",
                step=2,
            ),
        )
        salary_record(
            actor=system_user,
            data=SalaryInput(
                cadre_id=c.pk,
                type="step_early" if i == 0 else "step_regular",
                on=date(2022, 6, 1) if i == 0 else date(2023, 1, 1),
                step=3,
            ),
        )
    salary_record(
        actor=system_user,
        data=SalaryInput(cadre_id=people[0].pk, type="allowance", on=date(2023, 3, 1), allowance="Phụ cấp trách nhiệm"),
    )
    f = salary_figures(actor=system_user, org_id=tree["province"].pk, start=date(2023, 1, 1), end=date(2023, 12, 31))
    assert f.vn() == "02 trường hợp (Trước thời hạn (00); thường xuyên (02))"
    assert f.allowances == 1
    f22 = salary_figures(actor=system_user, org_id=tree["province"].pk, start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert (f22.early, f22.regular) == (1, 0)
    f20 = salary_figures(actor=system_user, org_id=tree["province"].pk, start=date(2020, 1, 1), end=date(2020, 12, 31))
    assert f20.rank_appointments_vn() == "03 trường hợp (Chuyên viên (03))"


def test_the_record_page_shows_levels_trainings_and_steps_and_the_figures_page_the_counts(
    client, commune_officer, outsider, system_user, tree, cadre
):
    from django.urls import reverse

    course = course_create(
        actor=system_user,
        org_id=tree["commune_a"].pk,
        name="Cao cấp LLCT K80",
        kind="theory",
        level="cu_nhan",
        mode="full_time",
        starts_on=date(2024, 1, 8),
    )
    e = enrol(actor=system_user, course=course, cadre_id=cadre.pk, sent_on=date(2024, 1, 8), decision="9-QĐ/ĐU")
    enrolment_result(actor=system_user, enrolment=e, result="passed", completed_on=date(2024, 6, 1))
    salary_record(
        actor=system_user,
        data=SalaryInput(
            cadre_id=cadre.pk,
            type="rank_appointment",
            on=date(2024, 2, 1),
            rank_name="Chuyên viên chính",
            step=2,
            decision="3-QĐ/SNV",
        ),
    )
    client.force_login(commune_officer)
    page = client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).content.decode()
    assert "Cử nhân" in page and "Cao cấp LLCT K80" in page and "01/06/2024" in page
    assert "Chuyên viên chính, bậc 2 (từ 01/02/2024)" in page
    figures = client.get(
        reverse("cadres:figures"), {"org": tree["commune_a"].pk, "tu": "01/01/2024", "den": "31/12/2024"}
    ).content.decode()
    assert "01 (01 tập trung, 00 không tập trung)" in figures
    assert "01 trường hợp (Chuyên viên chính (01))" in figures
    client.force_login(outsider)
    assert client.get(reverse("cadres:cadre_detail", args=[cadre.pk])).status_code == 404
