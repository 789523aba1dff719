"""The full seed-000 cadre test: a province shaped like the 2023 report of seed 000 (§II.3–II.6),
every record built through the services (access policy, validation, audit), and the product's
own figures read in the report's wording. Each assertion cites the seed line
(../shared/seeds/000_cd7707bcdbc29b84.txt)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access.models import Role, RoleAssignment
from dangbo.cadres.models import Title
from dangbo.cadres.political import PoliticalCaseInput, political_case_record, political_figure
from dangbo.cadres.selectors import cadre_figures
from dangbo.cadres.services import ActionInput, CadreInput, DecisionInput, cadre_create, decision_record, planning_add
from dangbo.cadres.training import SalaryInput, course_create, enrol, salary_figures, salary_record, training_figures
from dangbo.cadres.votes import campaign_open, campaign_read, unit_set

pytestmark = pytest.mark.django_db

Y0, Y1 = date(2023, 1, 1), date(2023, 12, 31)


def _titles(province, n, is_head):
    word = "Giám đốc" if is_head else "Phó Giám đốc"
    return [
        Title.objects.create(
            province=province,
            code=f"{'GD' if is_head else 'PGD'}-{i:02d}",
            name=f"{word} cơ quan {i:02d}",
            is_head=is_head,
            group="Sở, ngành",
            valid_from=date(2015, 1, 1),
        )
        for i in range(n)
    ]


def test_seed_000_cadre_work_figures_from_records_built_through_the_services(
    django_user_model, system_user, tree, term
):
    province = tree["province"]
    heads, deputies = _titles(province, 21, True), _titles(province, 47, False)
    orgs = [tree["province"], tree["district"], tree["commune_a"], tree["commune_b"]]
    people = [
        cadre_create(
            actor=system_user,
            data=CadreInput(
                full_name=f"Cán Bộ Tỉnh {i:03d}",
                birth_date=date(1975 + i % 15, 1 + i % 12, 1 + i % 28),
                sex="F" if i % 3 == 0 else "M",
                managing_org_id=orgs[i % 4].pk,
            ),
        )
        for i in range(110)
    ]

    # §II.3, line 395–397: «bổ nhiệm, giới thiệu ứng cử 02 cấp trưởng, 08 cấp phó; thỏa thuận bổ
    # nhiệm, bổ nhiệm lại 06 cấp trưởng, 09 cấp phó» — one decision, 25 actions.
    p = iter(people)
    rows = (
        [("appointment", heads[0])]
        + [("nomination", heads[1])]
        + [("appointment", deputies[0])] * 5
        + [("nomination", deputies[1])] * 3
        + [("agreement", heads[2])] * 4
        + [("concurrence", heads[3])] * 2
        + [("agreement", deputies[2])] * 9
    )
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="101-QĐ/TU",
            signed_on=date(2023, 6, 15),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=province.pk,
            actions=[
                ActionInput(cadre_id=next(p).pk, type=t, on=date(2023, 6, 15), title_id=title.pk) for t, title in rows
            ],
        ),
    )

    # Line 473–475: «phê duyệt bổ sung quy hoạch đối với 17 cấp trưởng, 25 cấp phó và quy hoạch 82
    # cấp trưởng, 187 cấp phó» — at most 4 people per title and 3 titles per person.
    for k in range(82):
        planning_add(
            actor=system_user,
            term=term,
            cadre=people[k % 100],
            title=heads[k // 4],
            on=date(2021, 5, 1) if k < 65 else date(2023, 9, 1),
            round="Xây dựng mới" if k < 65 else "Năm 2023",
        )
    for j in range(187):
        planning_add(
            actor=system_user,
            term=term,
            cadre=people[(82 + j) % 100],
            title=deputies[j // 4],
            on=date(2021, 5, 1) if j < 162 else date(2023, 9, 1),
            round="Xây dựng mới" if j < 162 else "Năm 2023",
        )

    figs = cadre_figures(actor=system_user, org_id=province.pk, start=Y0, end=Y1)
    assert figs["appointed_or_nominated"].vn() == "02 cấp trưởng, 08 cấp phó"  # line 395
    assert figs["agreed"].vn() == "06 cấp trưởng, 09 cấp phó"  # line 397
    assert figs["planning_added"].vn() == "17 cấp trưởng, 25 cấp phó"  # line 473–475
    assert figs["planned"].vn() == "82 cấp trưởng, 187 cấp phó"  # line 475

    # Footnote 14, line 401: «Có 42/46 đơn vị thực hiện» with the reasons for the rest.
    campaign = campaign_open(
        actor=system_user,
        org_id=province.pk,
        year=2023,
        name="Lấy phiếu tín nhiệm giữa nhiệm kỳ theo Quy định 96-QĐ/TW",
    )
    for i in range(42):
        unit_set(
            actor=system_user, campaign=campaign, name=f"Đơn vị {i + 1:02d}", status="done", held_on=date(2023, 9, 1)
        )
    unit_set(
        actor=system_user, campaign=campaign, name="Sở Khoa học và Công nghệ", status="postponed", decision="984-TB/TU"
    )
    for name in ("Trường Cao đẳng Y tế", "Ban Quản lý khu kinh tế", "Sở Ngoại vụ"):
        unit_set(
            actor=system_user,
            campaign=campaign,
            name=name,
            status="not_subject",
            reason="Mới kiện toàn trong năm, chưa có cấp trưởng",
        )
    view = campaign_read(actor=system_user, pk=campaign.pk)
    assert view.coverage.vn() == "42/46 đơn vị"
    assert {u.get_status_display() for u in view.coverage.rest} == {
        "Lùi thời gian theo quyết định",
        "Không thuộc diện lấy phiếu",
    }

    # Line 590: «kết luận tiêu chuẩn chính trị đối với 117 trường hợp để phục vụ công tác quy hoạch,
    # bổ nhiệm, giới thiệu cán bộ ứng cử; … kết nạp vào Đảng 05 trường hợp».
    protector = django_user_model.objects.create_user("bvct_tinh_seed", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=protector, role=Role.POLITICAL_PROTECTION, org=province, valid_from=date(2015, 1, 1)
    )
    for i in range(117):
        political_case_record(
            actor=protector,
            data=PoliticalCaseInput(
                org_id=province.pk,
                cadre_id=people[i % 110].pk,
                purpose="planning" if i < 70 else "appointment",
                conclusion="meets",
                concluding_body="Ban Thường vụ Tỉnh ủy",
                concluded_on=date(2023, 3, 1 + i % 28),
            ),
        )
    for i in range(5):
        political_case_record(
            actor=protector,
            data=PoliticalCaseInput(
                org_id=province.pk,
                purpose="admission",
                conclusion="meets",
                concluding_body="Ban Tổ chức Tỉnh ủy",
                concluded_on=date(2023, 5, 2),
                subject_name=f"Quần Chúng {i}",
                subject_birth_date=date(1998, 1, 1 + i),
            ),
        )
    pf = political_figure(actor=protector, org_id=province.pk, start=Y0, end=Y1)
    assert f"{pf.by_purpose['planning'] + pf.by_purpose['appointment']}" == "117"  # line 590
    assert f"{pf.by_purpose['admission']:02d}" == "05"

    # Line 499 and footnote 21 (line 524): «Cử 108 cán bộ đi học các lớp cao cấp lý luận chính trị
    # (Hệ tập trung (50); hệ không tập trung (58)) và 89 cán bộ tham gia các lớp đào tạo, bồi dưỡng».
    full = course_create(
        actor=system_user,
        org_id=province.pk,
        name="Cao cấp LLCT hệ tập trung K75",
        kind="theory",
        level="cao_cap",
        mode="full_time",
        starts_on=date(2023, 9, 5),
    )
    part = course_create(
        actor=system_user,
        org_id=province.pk,
        name="Cao cấp LLCT hệ không tập trung B12",
        kind="theory",
        level="cao_cap",
        mode="part_time",
        starts_on=date(2023, 10, 2),
    )
    for c in people[:50]:
        enrol(actor=system_user, course=full, cadre_id=c.pk, sent_on=date(2023, 9, 5), decision="350-QĐ/TU")
    for c in people[50:108]:
        enrol(actor=system_user, course=part, cadre_id=c.pk, sent_on=date(2023, 10, 2), decision="371-QĐ/TU")
    others = [
        ("defence", "Bồi dưỡng kiến thức QP-AN đối tượng 2", 38),
        ("state_management", "Chuyên viên cao cấp", 10),
        ("state_management", "Chuyên viên chính", 4),
        ("refresher", "Bồi dưỡng cán bộ diện Ban Thường vụ quản lý", 37),
    ]
    level = {"Chuyên viên cao cấp": "chuyen_vien_cao_cap", "Chuyên viên chính": "chuyen_vien_chinh"}
    for kind, name, n in others:
        course = course_create(
            actor=system_user,
            org_id=province.pk,
            name=name,
            kind=kind,
            level=level.get(name, ""),
            starts_on=date(2023, 4, 3),
        )
        for c in people[:n]:
            enrol(actor=system_user, course=course, cadre_id=c.pk, sent_on=date(2023, 4, 3))
    tf = training_figures(actor=system_user, org_id=province.pk, start=Y0, end=Y1)
    assert tf.vn() == "108 (50 tập trung, 58 không tập trung)"  # line 499, 524
    assert f"{tf.other_courses}" == "89"  # line 499

    # Line 566 and footnote 23 (line 641): «nâng bậc lương cho 35 trường hợp (Trước thời hạn (12);
    # thường xuyên (23))».
    for i, c in enumerate(people[:35]):
        early = i < 12
        salary_record(
            actor=system_user,
            data=SalaryInput(
                cadre_id=c.pk,
                type="rank_appointment",
                on=date(2020, 9, 1) if early else date(2020, 1, 1),
                rank_code="01.003",
                rank_name="Chuyên viên",
                step=4,
            ),
        )
        salary_record(
            actor=system_user,
            data=SalaryInput(
                cadre_id=c.pk,
                type="step_early" if early else "step_regular",
                on=date(2023, 3, 1),
                step=5,
                decision="45-QĐ/SNV",
            ),
        )
    sf = salary_figures(actor=system_user, org_id=province.pk, start=Y0, end=Y1)
    assert sf.vn() == "35 trường hợp (Trước thời hạn (12); thường xuyên (23))"  # line 566, 641
