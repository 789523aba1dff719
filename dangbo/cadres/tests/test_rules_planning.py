"""R-093 (planning structure, full term, automatic removal) and R-094 (planning counts)."""

from __future__ import annotations

from datetime import date

import pytest

from dangbo.access import policy
from dangbo.cadres.models import Cadre, PlanningEntry, RemovalReason
from dangbo.cadres.planning_rules import planning_structure, planning_sweep
from dangbo.cadres.political import PoliticalCaseInput, political_case_record
from dangbo.cadres.selectors import cadre_figures, planning_on
from dangbo.cadres.services import CadreInput, cadre_create, planning_add
from dangbo.core.errors import DomainError
from dangbo.core.models import RuleParameter

pytestmark = pytest.mark.django_db


def _cadre(actor, tree, name, birth, sex="M", ethnicity="Kinh", member_id=None):
    return cadre_create(
        actor=actor,
        data=CadreInput(
            full_name=name,
            birth_date=birth,
            sex=sex,
            ethnicity=ethnicity,
            managing_org_id=tree["province"].pk,
            member_id=member_id,
        ),
    )


# --- R-093 ----------------------------------------------------------------------------------------


def test_rule_r093_structure_young_women_and_ethnic_minority_shares(system_user, tree, titles, term):
    # 10 people on 01/01/2025: young (< 40) born 1986+ → 2 young (20,0%), 3 women (30,0%), 1 Tày.
    births = [date(1990, 1, 1), date(1986, 5, 5)] + [date(1975, 1, 1 + i) for i in range(8)]
    people = [
        _cadre(
            system_user,
            tree,
            f"Người {i}",
            b,
            sex="F" if i in (0, 3, 4) else "M",
            ethnicity="Tày" if i == 5 else "Kinh",
        )
        for i, b in enumerate(births)
    ]
    for i, c in enumerate(people):
        planning_add(
            actor=system_user,
            term=term,
            cadre=c,
            title=titles["dept_deputy"],
            on=date(2024, 6, 1),
            org_id=[tree["district"], tree["commune_a"], tree["commune_b"]][i % 3].pk,
        )
    s = planning_structure(actor=system_user, term_id=term.pk, at=date(2025, 1, 1))
    assert s.people == 10
    assert (s.young.percent, s.women.percent, s.minority.percent) == ("20,0%", "30,0%", "10,0%")
    assert s.young.meets is True and s.women.meets is True and s.minority.meets is None
    assert s.vn() == "10 người; trẻ (dưới 40 tuổi) 20,0%, nữ 30,0%, dân tộc thiểu số 10,0%"
    # The target is a versioned parameter: at 25% young the same list falls short.
    RuleParameter.objects.create(
        name="planning_min_young_pct", valid_from=date(2025, 1, 1), value=25, source="kiểm thử"
    )
    from dangbo.core import rules

    rules.clear_cache()
    assert planning_structure(actor=system_user, term_id=term.pk, at=date(2025, 1, 1)).young.meets is False
    assert planning_structure(actor=system_user, term_id=term.pk, at=date(2024, 12, 31)).young.meets is True


def test_rule_r093_structure_of_an_empty_list_never_meets_and_outside_scope_is_not_found(
    system_user, outsider, tree, term
):
    from django.http import Http404

    s = planning_structure(actor=system_user, term_id=term.pk, at=date(2025, 1, 1))
    assert s.people == 0 and s.young.meets is False and s.young.percent == "—"
    with pytest.raises(Http404):
        planning_structure(actor=outsider, term_id=term.pk, at=date(2025, 1, 1))


def test_rule_r093_a_planned_cadre_must_have_one_full_term_left(system_user, tree, titles, term):
    # Man born 15/03/1967 retires at 62 years… in 2029: from 01/01/2025 less than 60 months left.
    old = _cadre(system_user, tree, "Nguyễn Văn Già", date(1967, 3, 15))
    with pytest.raises(DomainError) as err:
        planning_add(actor=system_user, term=term, cadre=old, title=titles["dept_director"], on=date(2024, 6, 1))
    assert err.value.field == "cadre_id"
    assert "cần ít nhất 60 tháng (một nhiệm kỳ)" in str(err.value)
    assert not PlanningEntry.objects.filter(cadre=old).exists()
    # Five years younger: enough.
    young = _cadre(system_user, tree, "Nguyễn Văn Trẻ", date(1972, 3, 15))
    assert planning_add(actor=system_user, term=term, cadre=young, title=titles["dept_director"], on=date(2024, 6, 1))


def test_rule_r093_discipline_at_reprimand_removes_automatically_dated_at_the_discipline(
    system_user, tree, titles, term
):
    from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event

    actor = policy.SYSTEM.named("kiểm thử")
    m = member_admit(
        actor=actor,
        cell=tree["cell_a1"],
        decided_on=date(2019, 3, 4),
        ceremony_on=date(2019, 3, 18),
        decision_number="12-QĐ/ĐU",
        profile=ProfileInput(full_name="Trần Văn Kỷ", birth_year=1980, sex="M"),
    )
    c = _cadre(system_user, tree, "Trần Văn Kỷ", date(1980, 2, 2), member_id=m.pk)
    other = _cadre(system_user, tree, "Lê Thị Sạch", date(1981, 2, 2), sex="F")
    entry = planning_add(actor=system_user, term=term, cadre=c, title=titles["dept_director"], on=date(2024, 1, 10))
    kept = planning_add(actor=system_user, term=term, cadre=other, title=titles["dept_director"], on=date(2024, 1, 10))
    member_record_event(
        actor=actor,
        member=m,
        data=EventInput(
            type="discipline_reprimand",
            on=date(2024, 8, 20),
            decision_number="45-QĐ/ĐU",
            decision_date=date(2024, 8, 20),
            decision_body="Đảng ủy xã An Bình",
        ),
    )
    removed = planning_sweep(actor=system_user, on=date(2024, 12, 31))
    assert [e.pk for e in removed] == [entry.pk]
    entry.refresh_from_db()
    kept.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (date(2024, 8, 20), RemovalReason.DISCIPLINE)
    assert kept.removed_on is None
    assert entry in planning_on(actor=system_user, term_id=term.pk, at=date(2024, 8, 19))
    assert entry not in planning_on(actor=system_user, term_id=term.pk, at=date(2024, 8, 20))
    assert planning_sweep(actor=system_user, on=date(2025, 1, 31)) == []


def test_rule_r093_the_daily_job_removes_the_entries_an_event_made_invalid(settings, system_user, tree, titles, term):
    """Nobody has to run the sweep: the scheduler's daily job does, as the system, audited."""
    from dangbo.audit.models import AuditEntry
    from dangbo.jobs import periodic, schedule

    assert schedule.JOBS["cadres.planning_sweep"] is periodic.planning_sweep
    assert settings.DANGBO_PERIODIC["cadres.planning_sweep"] == 86400  # DANGBO_PLANNING_SWEEP_EVERY
    # Born 01/06/1972, she retires on 01/10/2030: enough when added, less than a full term from
    # 02/10/2025 (the over-age case of the test above), which is before today.
    old = _cadre(system_user, tree, "Hoàng Thị Tuổi", date(1972, 6, 1), sex="F")
    young = _cadre(system_user, tree, "Đỗ Thị Trẻ", date(1990, 5, 5), sex="F")
    gone = planning_add(actor=system_user, term=term, cadre=old, title=titles["dept_deputy"], on=date(2024, 2, 1))
    kept = planning_add(actor=system_user, term=term, cadre=young, title=titles["dept_deputy"], on=date(2024, 2, 1))
    settings.DANGBO_PERIODIC = {"cadres.planning_sweep": 86400}
    assert schedule.tick() == ["cadres.planning_sweep"]  # the tests run tasks inside their caller
    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.removed_on, gone.removal_reason) == (date(2025, 10, 2), RemovalReason.OVER_AGE)
    assert kept.removed_on is None
    assert AuditEntry.objects.filter(action="planning.remove", object_id=str(gone.pk)).count() == 1
    assert periodic.planning_sweep.enqueue("").return_value == 0  # idempotent


def test_rule_r093_political_standard_not_met_and_over_age_remove_automatically(system_user, tree, titles, term):
    from django.contrib.auth import get_user_model

    from dangbo.access.models import Role, RoleAssignment

    protector = get_user_model().objects.create_user("bvct_tinh", password="Kiemthu@2026x")
    RoleAssignment.objects.create(
        user=protector, role=Role.POLITICAL_PROTECTION, org=tree["province"], valid_from=date(2015, 1, 1)
    )
    c = _cadre(system_user, tree, "Phạm Văn Chưa", date(1978, 4, 4))
    entry = planning_add(actor=system_user, term=term, cadre=c, title=titles["dept_deputy"], on=date(2024, 2, 1))
    political_case_record(
        actor=protector,
        data=PoliticalCaseInput(
            org_id=tree["province"].pk,
            cadre_id=c.pk,
            purpose="planning",
            conclusion="not_meets",
            concluding_body="Ban Tổ chức Tỉnh ủy",
            concluded_on=date(2024, 9, 9),
        ),
    )
    # Over age: a woman born 01/06/1972 retires on 01/10/2030 (58 years 4 months): 69 months left
    # at the term's start, enough when added; from 02/10/2025 less than one full term is left.
    w = _cadre(system_user, tree, "Hoàng Thị Tuổi", date(1972, 6, 1), sex="F")
    aged = planning_add(actor=system_user, term=term, cadre=w, title=titles["dept_deputy"], on=date(2024, 2, 1))
    removed = planning_sweep(actor=system_user, on=date(2024, 12, 31))
    assert [e.pk for e in removed] == [entry.pk]
    entry.refresh_from_db()
    assert (entry.removed_on, entry.removal_reason) == (date(2024, 9, 9), RemovalReason.POLITICAL_STANDARD)
    # What everyone else reads on the planning list does not reveal the conclusion (only the
    # political-protection role sees political-standard cases).
    assert "chính trị" not in entry.get_removal_reason_display()
    removed = planning_sweep(actor=system_user, on=date(2027, 12, 31))
    aged.refresh_from_db()
    assert [e.pk for e in removed] == [aged.pk]
    assert (aged.removed_on, aged.removal_reason) == (date(2025, 10, 2), RemovalReason.OVER_AGE)


# --- R-094 ----------------------------------------------------------------------------------------


def test_rule_r094_at_most_four_people_per_title_at_one_post(system_user, tree, titles, term):
    people = [_cadre(system_user, tree, f"Ứng Viên {i}", date(1980, 1, 1 + i)) for i in range(6)]
    post = tree["district"].pk
    for c in people[:4]:
        planning_add(
            actor=system_user, term=term, cadre=c, title=titles["dept_director"], on=date(2024, 3, 1), org_id=post
        )
    with pytest.raises(DomainError) as err:
        planning_add(
            actor=system_user,
            term=term,
            cadre=people[4],
            title=titles["dept_director"],
            on=date(2024, 3, 1),
            org_id=post,
        )
    assert err.value.field == "title_id" and "tối đa 4 người" in str(err.value)
    assert PlanningEntry.objects.filter(cadre=people[4]).count() == 0
    # The same title at another post has its own four places.
    planning_add(
        actor=system_user,
        term=term,
        cadre=people[4],
        title=titles["dept_director"],
        on=date(2024, 3, 1),
        org_id=tree["commune_a"].pk,
    )
    # A place freed by a removal can be filled again.
    from dangbo.cadres.services import planning_remove

    planning_remove(
        actor=system_user, entry=PlanningEntry.objects.get(cadre=people[0]), on=date(2024, 4, 1), reason="own_request"
    )
    planning_add(
        actor=system_user, term=term, cadre=people[5], title=titles["dept_director"], on=date(2024, 4, 2), org_id=post
    )


def test_rule_r094_at_most_three_titles_per_person_at_the_same_level(system_user, tree, titles, term):
    c = _cadre(system_user, tree, "Đa Năng", date(1982, 1, 1))
    for org in ("province", "district", "commune_a"):
        planning_add(
            actor=system_user,
            term=term,
            cadre=c,
            title=titles["dept_director"],
            on=date(2024, 3, 1),
            org_id=tree[org].pk,
        )
    with pytest.raises(DomainError) as err:
        planning_add(
            actor=system_user,
            term=term,
            cadre=c,
            title=titles["dept_deputy"],
            on=date(2024, 3, 1),
            org_id=tree["commune_b"].pk,
        )
    assert err.value.field == "cadre_id" and "tối đa 3 chức danh" in str(err.value)
    # Another level (the commune titles) is not counted with the departments.
    planning_add(actor=system_user, term=term, cadre=c, title=titles["commune_secretary"], on=date(2024, 3, 1))


def test_rule_r094_yearly_review_counts_additions_and_removals_of_the_year(system_user, tree, titles, term):
    people = [_cadre(system_user, tree, f"Rà Soát {i}", date(1980, 1, 1 + i)) for i in range(5)]
    for i, c in enumerate(people):
        planning_add(
            actor=system_user,
            term=term,
            cadre=c,
            title=titles["dept_deputy"],
            on=date(2023, 5, 1),
            org_id=tree["district"].pk if i < 3 else tree["commune_a"].pk,
            round="Xây dựng mới",
        )
    from dangbo.cadres.services import planning_remove

    for c in people[:2]:
        planning_remove(
            actor=system_user, entry=PlanningEntry.objects.get(cadre=c), on=date(2024, 3, 1), reason="moved"
        )
    planning_add(
        actor=system_user,
        term=term,
        cadre=people[0],
        title=titles["dept_director"],
        on=date(2024, 3, 2),
        round="Rà soát, bổ sung năm 2024",
    )
    figs = cadre_figures(actor=system_user, org_id=tree["province"].pk, start=date(2024, 1, 1), end=date(2024, 12, 31))
    assert (figs["planning_removed"].vn(), figs["planning_added"].vn()) == (
        "00 cấp trưởng, 02 cấp phó",
        "01 cấp trưởng, 00 cấp phó",
    )
    assert Cadre.objects.count() == 5


def _title(actor, tree, code, start, group="Sở, ngành"):
    from dangbo.cadres.services import TitleInput, title_create

    return title_create(
        actor=actor,
        province_id=tree["province"].pk,
        data=TitleInput(code=code, name=f"Giám đốc {code}", is_head=True, group=group),
        valid_from=start,
    )


def test_rule_r094_the_people_per_title_follow_the_title_across_a_merger(system_user, tree, term):
    """Sở A and Sở B merged into Sở AB on 01/07/2025: the four people planned for A and B at the
    post still hold the four places of AB until their entries are closed (title abolished)."""
    from dangbo.cadres.services import planning_close_abolished, title_abolish

    a, b = _title(system_user, tree, "SO-A", date(2015, 1, 1)), _title(system_user, tree, "SO-B", date(2015, 1, 1))
    ab = _title(system_user, tree, "SO-AB", date(2025, 7, 1))
    post = tree["district"].pk
    people = [_cadre(system_user, tree, f"Sáp Nhập {i}", date(1980, 1, 1 + i)) for i in range(6)]
    for i, c in enumerate(people[:4]):
        planning_add(actor=system_user, term=term, cadre=c, title=(a, b)[i % 2], on=date(2025, 3, 1), org_id=post)
    title_abolish(actor=system_user, title=a, valid_to=date(2025, 6, 30), successor=ab)
    title_abolish(actor=system_user, title=b, valid_to=date(2025, 6, 30), successor=ab)
    with pytest.raises(DomainError) as err:
        planning_add(actor=system_user, term=term, cadre=people[4], title=ab, on=date(2025, 7, 1), org_id=post)
    assert err.value.field == "title_id" and "tối đa 4 người" in str(err.value)
    assert PlanningEntry.objects.filter(title=ab).count() == 0
    # Once the entries of the abolished titles are closed (on 01/07/2025), the places are free.
    assert planning_close_abolished(actor=system_user, on=date(2025, 7, 2)) == 4
    planning_add(actor=system_user, term=term, cadre=people[4], title=ab, on=date(2025, 7, 1), org_id=post)
    assert PlanningEntry.objects.filter(title=ab, removed_on__isnull=True).count() == 1


def test_rule_r094_the_people_per_title_count_every_version_of_the_title(system_user, tree, term):
    from dangbo.cadres.services import TitleInput, title_change

    v1 = _title(system_user, tree, "SO-X", date(2015, 1, 1))
    post = tree["district"].pk
    people = [_cadre(system_user, tree, f"Phiên Bản {i}", date(1981, 1, 1 + i)) for i in range(5)]
    for c in people[:3]:
        planning_add(actor=system_user, term=term, cadre=c, title=v1, on=date(2025, 2, 1), org_id=post)
    v2 = title_change(
        actor=system_user,
        title=v1,
        data=TitleInput(code="SO-X", name="Giám đốc Sở X (tên mới)", is_head=True, group="Sở, ngành"),
        valid_from=date(2025, 9, 1),
    )
    # A cadre planned for the first version is already planned for the title.
    with pytest.raises(DomainError) as err:
        planning_add(actor=system_user, term=term, cadre=people[0], title=v2, on=date(2025, 9, 2), org_id=post)
    assert err.value.field == "cadre_id" and "đã có trong quy hoạch" in str(err.value)
    planning_add(actor=system_user, term=term, cadre=people[3], title=v2, on=date(2025, 9, 2), org_id=post)
    with pytest.raises(DomainError) as err:
        planning_add(actor=system_user, term=term, cadre=people[4], title=v2, on=date(2025, 9, 2), org_id=post)
    assert err.value.field == "title_id" and "tối đa 4 người" in str(err.value)
    assert not PlanningEntry.objects.filter(cadre=people[4]).exists()
