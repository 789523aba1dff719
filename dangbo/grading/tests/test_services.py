"""Grading services: campaigns, frameworks, the member and organization flows and their rules."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError, RuleViolation
from dangbo.grading import selectors, services
from dangbo.grading.models import GradingRecord, Step
from dangbo.grading.services import GradingRefused, StepInput
from dangbo.members.models import EventType, MemberEvent
from dangbo.members.services import EventInput, member_record_event
from dangbo.notifications.models import Notification

from .conftest import NAMES, open_campaign

SELF_ON, PROPOSE_ON, DECIDE_ON = date(2025, 11, 25), date(2025, 12, 5), date(2025, 12, 15)


def run_flow(actor, campaign, members, grades, totals=None, step_until=Step.DECISION):
    totals = totals or [
        {"excellent": 92, "good": 80, "satisfactory": 60, "unsatisfactory": 40, "not_graded": None}[g] for g in grades
    ]
    rows = [StepInput(member=m, grade=g, total=t) for m, g, t in zip(members, grades, totals, strict=True)]
    services.member_steps_record(actor=actor, campaign=campaign, step=Step.PROPOSAL, rows=rows, on=PROPOSE_ON)
    if step_until == Step.DECISION:
        return services.member_steps_record(
            actor=actor, campaign=campaign, step=Step.DECISION, rows=rows, on=DECIDE_ON, decision_number="15-QĐ/ĐU"
        )
    return []


# --- campaigns -------------------------------------------------------------------------------


def test_officer_opens_a_campaign_with_its_timetable(campaign, tree):
    assert campaign.year == 2025 and campaign.root_org == tree["province"]
    assert AuditEntry.objects.filter(action="grading.campaign_opened").count() == 1


def test_commune_officer_cannot_open_a_campaign_of_the_province(commune_officer, tree):
    with pytest.raises(DomainError, match="không có quyền"):
        open_campaign(commune_officer, tree["province"])


def test_timetable_must_be_in_order(officer, tree):
    with pytest.raises(DomainError) as exc:
        services.campaign_open(
            actor=officer,
            year=2025,
            root_org=tree["province"],
            opens_on=date(2025, 11, 15),
            self_assessment_due=date(2025, 12, 30),
            cell_meeting_due=date(2025, 12, 10),
            decision_due=date(2025, 12, 20),
            deadline=date(2025, 12, 25),
        )
    assert exc.value.field == "cell_meeting_due"
    assert "Hạn họp chi bộ (10/12/2025) không được trước hạn tự đánh giá (30/12/2025)" in exc.value.message


def test_one_campaign_per_year_and_organization(campaign, officer, tree):
    with pytest.raises(DomainError, match="Đã có đợt"):
        open_campaign(officer, tree["province"])


# --- frameworks ------------------------------------------------------------------------------


def test_frameworks_are_issued_adapted_within_the_subtree_and_counted(admin_user, commune_officer, outsider, tree):
    base = services.framework_issue(
        actor=admin_user,
        year=2025,
        name="Khung tiêu chí đảng viên",
        subject="member",
        items=[("Tư tưởng chính trị", 30), ("Thực hiện nhiệm vụ", 70)],
        issued_on=date(2025, 10, 1),
    )
    province = services.framework_issue(
        actor=admin_user,
        year=2025,
        name="Khung tiêu chí của tỉnh",
        subject="member",
        owner_org=tree["province"],
        items=[("A", 50), ("B", 50)],
        issued_on=date(2025, 10, 5),
    )
    adapted = services.framework_adapt(
        actor=commune_officer, parent=province, owner_org=tree["commune_a"], issued_on=date(2025, 10, 20)
    )
    assert adapted.parent == province and [c.text for c in adapted.criteria.all()] == ["A", "B"]
    commune_only = services.framework_issue(
        actor=commune_officer,
        year=2025,
        name="Khung của xã A",
        subject="org",
        owner_org=tree["commune_a"],
        items=[("C", 100)],
        issued_on=date(2025, 10, 20),
    )
    with pytest.raises(DomainError, match="trong phạm vi"):
        services.framework_adapt(
            actor=outsider, parent=commune_only, owner_org=tree["commune_b"], issued_on=date(2025, 10, 20)
        )
    assert base.version == 1
    assert selectors.framework_count_issued(year=2025) == 4
    assert selectors.framework_count_issued(year=2025, org_id=tree["commune_a"].pk) == 2
    assert selectors.framework_count_issued(year=2024) == 0


def test_rule_r071_a_framework_from_2025_totals_100_points(admin_user):
    with pytest.raises(RuleViolation) as exc:
        services.framework_issue(
            actor=admin_user,
            year=2025,
            name="Khung lệch",
            subject="member",
            items=[("A", 40), ("B", 40)],
            issued_on=date(2025, 10, 1),
        )
    assert exc.value.rule == "R-071" and "tổng điểm tối đa là 100" in exc.value.message


# --- the member flow -------------------------------------------------------------------------


def test_member_flow_self_assessment_proposal_decision_on_the_timeline(admin_user, officer, campaign, members_a1):
    fw = services.framework_issue(
        actor=admin_user,
        year=2025,
        name="Khung tiêu chí đảng viên",
        subject="member",
        items=[("Tư tưởng", 40), ("Nhiệm vụ", 60)],
        issued_on=date(2025, 10, 1),
    )
    c1, c2 = fw.criteria.all()
    member = members_a1[0]
    own = services.step_record(
        actor=officer,
        campaign=campaign,
        step=Step.SELF,
        member=member,
        grade="good",
        on=SELF_ON,
        framework=fw,
        scores={c1.pk: 35, c2.pk: 45},
    )
    assert own.total == 80
    services.step_record(
        actor=officer,
        campaign=campaign,
        step=Step.PROPOSAL,
        member=member,
        grade="good",
        total=80,
        on=PROPOSE_ON,
        comment="Hoàn thành tốt công việc được giao",
    )
    decision = services.step_record(
        actor=officer,
        campaign=campaign,
        step=Step.DECISION,
        member=member,
        grade="good",
        total=80,
        on=DECIDE_ON,
        decision_number="15-QĐ/ĐU",
    )
    event = decision.member_event
    assert event.type == EventType.YEARLY_GRADING and event.payload["year"] == 2025 and event.payload["grade"] == "good"
    assert decision.grassroots_org_id == members_a1[0].current_org_id or decision.grassroots_org_id is not None
    assert AuditEntry.objects.filter(action="grading.member_decision", subject_member_id=member.pk).exists()


def test_scores_above_the_criterion_maximum_are_refused(admin_user, officer, campaign, members_a1):
    fw = services.framework_issue(
        actor=admin_user,
        year=2025,
        name="Khung",
        subject="member",
        items=[("Tư tưởng", 40), ("Nhiệm vụ", 60)],
        issued_on=date(2025, 10, 1),
    )
    c1, _ = fw.criteria.all()
    with pytest.raises(DomainError, match="phải từ 0 đến 40"):
        services.step_record(
            actor=officer,
            campaign=campaign,
            step=Step.SELF,
            member=members_a1[0],
            grade="good",
            on=SELF_ON,
            framework=fw,
            scores={c1.pk: 45},
        )


def test_rule_r073_decision_needs_the_cell_proposal(officer, campaign, members_a1):
    with pytest.raises(DomainError, match="chưa có nhận xét, đề xuất"):
        services.step_record(
            actor=officer,
            campaign=campaign,
            step=Step.DECISION,
            member=members_a1[0],
            grade="good",
            total=80,
            on=DECIDE_ON,
        )
    assert not GradingRecord.objects.exists()


def test_rule_r071_a_decision_above_the_score_band_is_refused(officer, campaign, members_a1):
    with pytest.raises(GradingRefused) as exc:
        run_flow(officer, campaign, members_a1[:1], ["excellent"], totals=[85], step_until=Step.PROPOSAL)
    assert "85 điểm chỉ đạt mức" in exc.value.errors[0][2]


def test_a_correction_after_a_decision_is_a_new_superseding_decision(officer, campaign, members_a1):
    member = members_a1[0]
    first = run_flow(officer, campaign, [member], ["good"])[0]
    with pytest.raises(DomainError, match="phải nêu lý do"):
        services.step_record(
            actor=officer,
            campaign=campaign,
            step=Step.DECISION,
            member=member,
            grade="satisfactory",
            total=65,
            on=DECIDE_ON,
        )
    second = services.step_record(
        actor=officer,
        campaign=campaign,
        step=Step.DECISION,
        member=member,
        grade="satisfactory",
        total=65,
        on=DECIDE_ON,
        reason="Phát hiện vi phạm",
    )
    first.refresh_from_db()
    assert second.supersedes == first and first.grade == "good"
    grading_events = MemberEvent.objects.effective().filter(member=member, type=EventType.YEARLY_GRADING)
    assert [e.payload["grade"] for e in grading_events] == ["satisfactory"]
    with pytest.raises(DomainError, match="đã có quyết định"):
        services.step_record(
            actor=officer, campaign=campaign, step=Step.PROPOSAL, member=member, grade="good", total=80, on=DECIDE_ON
        )
    with pytest.raises(RuntimeError):
        first.save()


def test_rule_r072_excellent_above_20_percent_of_good_cannot_be_finalized(officer, campaign, members_a1):
    with pytest.raises(RuleViolation) as exc:
        run_flow(officer, campaign, members_a1[:5], ["excellent", "good", "good", "good", "good"])
    assert exc.value.rule == "R-072" and "vượt quá 20%" in exc.value.message
    assert not GradingRecord.objects.filter(step=Step.DECISION).exists()
    assert not MemberEvent.objects.filter(type=EventType.YEARLY_GRADING).exists()


def test_rule_r072_one_excellent_for_five_good_is_allowed(officer, campaign, members_a1):
    run_flow(officer, campaign, members_a1, ["excellent", "good", "good", "good", "good", "good"])
    assert GradingRecord.objects.current().filter(step=Step.DECISION).count() == 6


def test_rule_r072_an_exception_record_allows_more(officer, commune_officer, campaign, members_a1, tree):
    grassroots = selectors.grassroots_of(
        selectors.version_on(tree["cell_a1"].pk, date(2025, 12, 31)), date(2025, 12, 31)
    )
    from dangbo.orgs.models import Organization

    services.cap_exception_record(
        actor=officer,
        campaign=campaign,
        grassroots_org=Organization.objects.get(pk=grassroots),
        max_excellent=2,
        decision_number="20-QĐ/TU",
        reason="Tập thể tiêu biểu",
        decided_on=date(2025, 12, 1),
    )
    run_flow(officer, campaign, members_a1[:5], ["excellent", "excellent", "good", "good", "good"])
    assert GradingRecord.objects.current().filter(step=Step.DECISION, grade="excellent").count() == 2


def test_rule_r075_exempt_member_is_not_graded_and_leaves_the_denominator(
    system_user, officer, campaign, members_a1, tree
):
    exempt = members_a1[0]
    member_record_event(
        actor=system_user, member=exempt, data=EventInput(type=EventType.ACTIVITY_EXEMPTION, on=date(2025, 3, 1))
    )
    with pytest.raises(GradingRefused) as exc:
        run_flow(officer, campaign, [exempt], ["good"], step_until=Step.PROPOSAL)
    assert "miễn công tác" in exc.value.errors[0][2]
    run_flow(officer, campaign, [exempt], ["not_graded"], totals=[None])
    res = selectors.grading_results(org_id=tree["province"].pk, year=2025)
    assert res.population == 6 and res.not_graded == 1 and res.denominator == 5


def test_rule_r075_probationary_member_admitted_late_in_the_year_is_not_graded(officer, campaign, admit, tree):
    newcomer = admit(tree["cell_a1"], "Lý Thị Mới", ceremony=date(2025, 8, 1), born=2000)
    with pytest.raises(GradingRefused) as exc:
        run_flow(officer, campaign, [newcomer], ["good"], step_until=Step.PROPOSAL)
    assert "chưa đủ 6 tháng" in exc.value.errors[0][2]


def test_member_disciplined_in_the_year_cannot_get_the_top_levels(system_user, officer, campaign, members_a1):
    member = members_a1[0]
    member_record_event(
        actor=system_user, member=member, data=EventInput(type=EventType.DISCIPLINE_REPRIMAND, on=date(2025, 5, 2))
    )
    with pytest.raises(GradingRefused) as exc:
        run_flow(officer, campaign, [member], ["good"], step_until=Step.PROPOSAL)
    assert "bị kỷ luật trong năm 2025" in exc.value.errors[0][2]
    run_flow(officer, campaign, [member], ["satisfactory"])


def test_rule_r040_two_consecutive_unsatisfactory_years_are_flagged(officer, members_a1, tree):
    c2024 = open_campaign(officer, tree["province"], year=2024)
    c2025 = open_campaign(officer, tree["province"], year=2025)
    run_flow(officer, c2024, members_a1[:2], ["unsatisfactory", "good"], totals=[None, None])
    for step, on in ((Step.PROPOSAL, PROPOSE_ON), (Step.DECISION, DECIDE_ON)):
        services.member_steps_record(
            actor=officer,
            campaign=c2025,
            step=step,
            on=on,
            rows=[
                StepInput(member=members_a1[0], grade="unsatisfactory", total=40),
                StepInput(member=members_a1[1], grade="unsatisfactory", total=45),
            ],
        )
    assert selectors.removal_review_flags(org_id=tree["province"].pk, year=2025) == [members_a1[0]]


def test_a_cell_outside_the_scope_cannot_be_proposed(outsider, campaign, members_a1):
    with pytest.raises(GradingRefused) as exc:
        run_flow(outsider, campaign, members_a1[:1], ["good"], step_until=Step.PROPOSAL)
    assert "không có quyền" in exc.value.errors[0][2]


def test_a_batch_with_one_bad_row_writes_nothing(officer, campaign, members_a1):
    rows = [
        StepInput(member=members_a1[0], grade="good", total=80),
        StepInput(member=members_a1[1], grade="excellent", total=70),
    ]
    with pytest.raises(GradingRefused) as exc:
        services.member_steps_record(actor=officer, campaign=campaign, step=Step.PROPOSAL, rows=rows, on=PROPOSE_ON)
    assert [e[0] for e in exc.value.errors] == [1]
    assert not GradingRecord.objects.exists()


# --- organizations, progress, results --------------------------------------------------------


def test_org_flow_self_assessment_proposal_and_decision_by_the_superior(commune_officer, outsider, campaign, tree):
    cell = tree["cell_a1"]
    services.step_record(
        actor=commune_officer, campaign=campaign, step=Step.SELF, org=cell, grade="good", total=85, on=SELF_ON
    )
    with pytest.raises(DomainError, match="không có quyền"):
        services.step_record(
            actor=outsider, campaign=campaign, step=Step.PROPOSAL, org=cell, grade="good", total=85, on=PROPOSE_ON
        )
    services.step_record(
        actor=commune_officer, campaign=campaign, step=Step.PROPOSAL, org=cell, grade="good", total=85, on=PROPOSE_ON
    )
    services.step_record(
        actor=commune_officer, campaign=campaign, step=Step.DECISION, org=cell, grade="good", total=85, on=DECIDE_ON
    )
    res = selectors.grading_results(org_id=tree["province"].pk, year=2025)
    assert res.orgs["total"] == 1 and res.orgs["share"] == 100.0
    assert res.by_org_type[0]["org_type"] == "subordinate_cell"


def test_an_org_with_a_disciplined_member_cannot_be_graded_excellent(
    system_user, commune_officer, campaign, members_a1, tree
):
    member_record_event(
        actor=system_user, member=members_a1[0], data=EventInput(type=EventType.DISCIPLINE_WARNING, on=date(2025, 4, 2))
    )
    with pytest.raises(RuleViolation, match="bị kỷ luật"):
        services.step_record(
            actor=commune_officer,
            campaign=campaign,
            step=Step.PROPOSAL,
            org=tree["cell_a1"],
            grade="excellent",
            total=95,
            on=PROPOSE_ON,
        )


def test_results_count_and_share_each_level_against_the_target(officer, campaign, members_a1, tree):
    run_flow(officer, campaign, members_a1[:5], ["excellent", "good", "good", "good", "good"][1:] + ["satisfactory"])
    res = selectors.grading_results(org_id=tree["province"].pk, year=2025)
    assert res.denominator == 6 and res.pending == 1
    assert res.count("good") == 4 and res.count("satisfactory") == 1
    assert res.good_or_better_share == round(4 * 100 / 6, 1)
    assert not res.target_met


def test_progress_and_reminders_to_late_organizations(officer, campaign, members_a1, admit, tree):
    admit(tree["cell_b1"], "Cao Văn Muộn")
    run_flow(officer, campaign, members_a1, ["good"] * 6)
    rows = {r.org_id: r for r in selectors.campaign_progress(campaign=campaign, today=date(2025, 12, 20))}
    # The province's only child is the district; its subtree holds both communes.
    assert list(rows) == [tree["district"].pk]
    assert rows[tree["district"].pk].status == selectors.IN_PROGRESS
    late = services.campaign_remind_late(actor=officer, campaign=campaign, today=date(2026, 1, 5))
    assert [n.org_id for n in late] == [tree["district"].pk]
    assert "quá hạn" in late[0].message
    assert services.campaign_remind_late(actor=officer, campaign=campaign, today=date(2026, 1, 5)) == []
    assert Notification.objects.count() == 1


def test_progress_of_a_commune_campaign_by_cell(commune_officer, members_a1, tree):
    campaign = open_campaign(commune_officer, tree["commune_a"])
    run_flow(commune_officer, campaign, members_a1, ["good"] * 6)
    rows = {r.org_id: r for r in selectors.campaign_progress(campaign=campaign, today=date(2025, 12, 20))}
    assert rows[tree["cell_a1"].pk].status == selectors.DECIDED
    assert rows[tree["cell_a2"].pk].status == selectors.NOT_STARTED


def test_names_fixture_is_vietnamese_and_nfc():
    import unicodedata

    assert all(unicodedata.normalize("NFC", n) == n for n in NAMES)


def test_rule_r075_results_keep_exempt_and_late_probationary_members_out_of_the_denominator(
    system_user, officer, campaign, members_a1, admit, tree
):
    member_record_event(
        actor=system_user, member=members_a1[5], data=EventInput(type=EventType.ACTIVITY_EXEMPTION, on=date(2025, 3, 1))
    )
    admit(tree["cell_a2"], "Lý Thị Mới", ceremony=date(2025, 7, 1), born=2000)
    admit(tree["cell_a2"], "Mai Văn Đủ", ceremony=date(2025, 6, 30), born=2000)
    run_flow(officer, campaign, members_a1[:5], ["excellent", "good", "good", "good", "good"][1:] + ["good"])
    fast = selectors.grading_results(org_id=tree["province"].pk, year=2025)
    full = selectors.grading_results(org_id=tree["province"].pk, year=2025, keep_ids=True)
    assert [(c.key, c.count, c.share) for c in fast.levels] == [(c.key, c.count, c.share) for c in full.levels]
    assert (fast.population, fast.not_graded, fast.denominator, fast.pending) == (8, 2, 6, 1)
    assert len(full.member_ids["not_graded"]) == 2
