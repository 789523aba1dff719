"""The title catalogue of a province (danh mục chức danh, issue 18): titles added, changed by a new
version from a date (history kept) and abolished with their successor, by the province's officers
only, audited; who sees which catalogue; holdings and planning follow a title across its versions."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from dangbo.access import policy
from dangbo.access.models import Role
from dangbo.audit.models import AuditEntry
from dangbo.cadres.models import PlanningEntry, PositionHolding, Title
from dangbo.cadres.selectors import title_history, titles_on
from dangbo.cadres.services import (
    ActionInput,
    DecisionInput,
    TitleInput,
    decision_record,
    planning_add,
    planning_close_abolished,
    title_abolish,
    title_change,
    title_create,
)
from dangbo.core.errors import DomainError
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

DIRECTOR = TitleInput(
    code=" gd-so-nv ",
    name="Giám  đốc Sở Nội vụ",
    is_head=True,
    group="Sở, ngành",
    sits_in="Sở, ban, ngành tỉnh",
    source="Quyết định 01-QĐ/TU",
)


@pytest.fixture
def other_province(system_user):
    return OrganizationFactory(
        actor=system_user, code="T02", name="Đảng bộ tỉnh Bên Cạnh", org_type="provincial_party_org"
    )


@pytest.fixture
def other_officer(other_province):
    return UserFactory(username="canbo_tinh_khac", role=Role.OFFICER, org=other_province)


def _create(actor, province, data=DIRECTOR, on=date(2020, 1, 1)):
    return title_create(actor=actor, province_id=province.pk, data=data, valid_from=on)


def test_an_officer_of_the_province_adds_a_title_with_its_audit_entry(officer, tree):
    title = _create(officer, tree["province"])
    assert (title.code, title.name, title.is_head, title.group, title.valid_from, title.valid_to) == (
        "GD-SO-NV",
        "Giám đốc Sở Nội vụ",
        True,
        "Sở, ngành",
        date(2020, 1, 1),
        None,
    )
    entry = AuditEntry.objects.get(action="title.created", object_id=str(title.pk))
    assert entry.actor == officer and entry.org_id == tree["province"].pk
    assert entry.after["code"] == "GD-SO-NV" and "Giám đốc Sở Nội vụ" in entry.summary


def test_a_change_closes_the_current_version_the_day_before_and_keeps_the_history(officer, tree):
    first = _create(officer, tree["province"])
    renamed = TitleInput(
        code="",
        name="Giám đốc Sở Nội vụ và Lao động",
        is_head=True,
        group="Sở, ngành",
        sits_in="Sở, ban, ngành tỉnh",
        source="Quyết định 15-QĐ/TU",
    )
    second = title_change(actor=officer, title=first, data=renamed, valid_from=date(2025, 3, 1))
    first.refresh_from_db()
    assert (first.name, first.valid_to) == ("Giám đốc Sở Nội vụ", date(2025, 2, 28))
    assert (second.code, second.name, second.valid_from, second.valid_to) == (
        "GD-SO-NV",
        "Giám đốc Sở Nội vụ và Lao động",
        date(2025, 3, 1),
        None,
    )
    history = title_history(actor=officer, pk=first.pk)
    assert [v.pk for v in history.versions] == [first.pk, second.pk]
    assert [t.name for t in titles_on(actor=officer, at=date(2025, 2, 28))] == ["Giám đốc Sở Nội vụ"]
    assert [t.name for t in titles_on(actor=officer, at=date(2025, 3, 1))] == ["Giám đốc Sở Nội vụ và Lao động"]
    entry = AuditEntry.objects.get(action="title.changed")
    assert entry.before["name"] == "Giám đốc Sở Nội vụ" and entry.after["name"] == "Giám đốc Sở Nội vụ và Lao động"
    assert "Tên chức danh" in entry.summary and "Văn bản" in entry.summary


def test_a_change_must_start_after_the_current_version_and_keep_the_code(officer, tree):
    first = _create(officer, tree["province"])
    changed = TitleInput(code="", name="Giám đốc Sở", is_head=True)
    for on in (date(2020, 1, 1), date(2019, 12, 31)):
        with pytest.raises(DomainError) as refused:
            title_change(actor=officer, title=first, data=changed, valid_from=on)
        assert refused.value.field == "valid_from" and "phải sau ngày 01/01/2020" in refused.value.message
    with pytest.raises(DomainError) as refused:
        title_change(
            actor=officer,
            title=first,
            data=TitleInput(code="GD-KHAC", name="Giám đốc Sở", is_head=True),
            valid_from=date(2024, 1, 1),
        )
    assert refused.value.field == "code"
    with pytest.raises(DomainError, match="Không có nội dung nào khác"):
        title_change(actor=officer, title=first, data=DIRECTOR, valid_from=date(2024, 1, 1))
    assert Title.objects.count() == 1 and not AuditEntry.objects.filter(action="title.changed").exists()


def test_a_code_in_force_on_overlapping_dates_is_refused_and_a_code_is_free_again_after_abolition(officer, tree):
    first = _create(officer, tree["province"])
    for on in (date(2019, 6, 1), date(2023, 1, 1)):  # before (open-ended: overlaps) and during
        with pytest.raises(DomainError) as refused:
            _create(officer, tree["province"], on=on)
        assert refused.value.field == "code" and "«GD-SO-NV» đã có trong danh mục" in refused.value.message
    title_abolish(actor=officer, title=first, valid_to=date(2024, 12, 31))
    with pytest.raises(DomainError):
        _create(officer, tree["province"], on=date(2024, 12, 31))
    again = _create(officer, tree["province"], on=date(2026, 1, 1))
    assert again.code == "GD-SO-NV" and Title.objects.filter(code="GD-SO-NV").count() == 2


def test_the_same_code_in_another_province_is_another_title(officer, tree, other_province, system_user):
    _create(officer, tree["province"])
    assert _create(system_user, other_province).province_id == other_province.pk


def test_abolishing_with_a_successor_records_the_lineage_of_the_merger(officer, tree, titles):
    district = titles["district_secretary"]
    district.valid_to = None  # still in force: abolished below, as on 01/07/2025
    district.save()
    commune = _create(
        officer,
        tree["province"],
        on=date(2025, 7, 1),
        data=TitleInput(
            code="BT-DU-XA-MOI",
            name="Bí thư Đảng ủy xã (mới)",
            is_head=True,
            group="Cấp xã",
            filled_by="elected",
            term_calendar="party",
        ),
    )
    ended = title_abolish(
        actor=officer, title=district, valid_to=date(2025, 6, 30), successor=commune, source="Kết luận 137-KL/TW"
    )
    assert (ended.valid_to, ended.successor) == (date(2025, 6, 30), commune)
    assert ended.source.endswith("Bãi bỏ: Kết luận 137-KL/TW")
    assert title_history(actor=officer, pk=commune.pk).predecessors == [district]
    assert district in titles_on(actor=officer, at=date(2025, 6, 30))
    assert district not in titles_on(actor=officer, at=date(2025, 7, 1))
    entry = AuditEntry.objects.get(action="title.abolished")
    assert entry.before["valid_to"] is None and entry.after["successor_id"] == commune.pk
    with pytest.raises(DomainError, match="đã bãi bỏ"):
        title_abolish(actor=officer, title=district, valid_to=date(2025, 12, 31))


def test_a_successor_must_be_of_the_same_province_and_in_force_the_next_day(
    officer, tree, titles, other_province, system_user
):
    director = titles["dept_director"]
    late = _create(
        officer,
        tree["province"],
        on=date(2025, 8, 1),
        data=TitleInput(code="GD-SO-MOI", name="Giám đốc Sở (mới)", is_head=True),
    )
    elsewhere = _create(system_user, other_province, on=date(2025, 7, 1))
    for successor, expected in (
        (late, "phải có hiệu lực ngày 01/07/2025"),
        (elsewhere, "cùng tỉnh"),
        (titles["dept_director"], "chức danh khác"),
    ):
        with pytest.raises(DomainError) as refused:
            title_abolish(actor=officer, title=director, valid_to=date(2025, 6, 30), successor=successor)
        assert refused.value.field == "successor" and expected in refused.value.message
    director.refresh_from_db()
    assert director.valid_to is None and director.successor is None


@pytest.mark.parametrize("who", ["commune_officer", "leader", "other_officer"])
def test_only_an_officer_of_the_province_writes_its_catalogue(request, who, tree, titles):
    actor = request.getfixturevalue(who)
    before = (Title.objects.count(), AuditEntry.objects.count())
    with pytest.raises(DomainError) as refused:
        _create(actor, tree["province"])
    assert refused.value.field == "province_id"
    for write in (
        lambda: title_change(
            actor=actor,
            title=titles["dept_director"],
            valid_from=date(2025, 1, 1),
            data=TitleInput(code="", name="Giám đốc Sở", is_head=True),
        ),
        lambda: title_abolish(actor=actor, title=titles["dept_director"], valid_to=date(2025, 1, 1)),
    ):
        with pytest.raises(DomainError) as refused:
            write()
        # who sees the catalogue (in the province) is told they may not write it; another province's
        # officer does not learn that the title exists
        expected = "Không tìm thấy chức danh" if who == "other_officer" else "không có quyền sửa danh mục"
        assert expected in refused.value.message
    assert (Title.objects.count(), AuditEntry.objects.count()) == before
    assert Title.objects.get(pk=titles["dept_director"].pk).valid_to is None


def test_a_catalogue_is_kept_for_a_province_only(system_user, tree):
    with pytest.raises(DomainError) as refused:
        _create(system_user, tree["commune_a"])
    assert refused.value.field == "province_id" and "không phải đảng bộ tỉnh" in refused.value.message


def test_the_catalogue_is_seen_in_its_province_and_not_in_another(
    titles, commune_officer, leader, other_officer, member_user
):
    director = titles["dept_director"]
    for user in (commune_officer, leader):
        assert policy.get_in_scope_or_404(Title, user, director.pk) == director
    with pytest.raises(Http404):
        policy.get_in_scope_or_404(Title, other_officer, director.pk)
    assert not policy.for_user(Title, member_user).exists()
    assert not policy.for_user(Title, commune_officer, "record").exists()  # reading is not writing


def test_a_holding_goes_on_across_a_change_and_ends_when_the_title_is_abolished(officer, system_user, cadre, titles):
    deputy = titles["dept_deputy"]
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="15-QĐ/TU",
            signed_on=date(2024, 3, 1),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            actions=[ActionInput(cadre_id=cadre.pk, type="appointment", on=date(2024, 3, 1), title_id=deputy.pk)],
        ),
    )
    renamed = title_change(
        actor=officer,
        title=deputy,
        valid_from=date(2025, 1, 1),
        data=TitleInput(code="", name="Phó Giám đốc sở, ngành", is_head=False, group="Sở, ngành"),
    )
    assert PositionHolding.objects.get(cadre=cadre).valid_to is None
    decision_record(
        actor=system_user,
        data=DecisionInput(  # a re-appointment to the new version: the same holding
            number="40-QĐ/TU",
            signed_on=date(2025, 3, 1),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            actions=[ActionInput(cadre_id=cadre.pk, type="reappointment", on=date(2025, 3, 1), title_id=renamed.pk)],
        ),
    )
    holding = PositionHolding.objects.get(cadre=cadre)
    assert (holding.valid_from, holding.valid_to) == (date(2024, 3, 1), None)
    title_abolish(actor=officer, title=renamed, valid_to=date(2025, 6, 30))
    assert PositionHolding.objects.get(cadre=cadre).valid_to == date(2025, 6, 30)


def test_abolishing_is_refused_while_a_decision_uses_the_title_later(officer, system_user, cadre, titles):
    decision_record(
        actor=system_user,
        data=DecisionInput(
            number="50-QĐ/TU",
            signed_on=date(2025, 8, 1),
            body="Ban Thường vụ Tỉnh ủy",
            org_id=cadre.managing_org_id,
            actions=[
                ActionInput(
                    cadre_id=cadre.pk, type="appointment", on=date(2025, 8, 1), title_id=titles["dept_deputy"].pk
                )
            ],
        ),
    )
    with pytest.raises(DomainError) as refused:
        title_abolish(actor=officer, title=titles["dept_deputy"], valid_to=date(2025, 6, 30))
    assert refused.value.field == "valid_to" and "01/08/2025" in refused.value.message


def test_planning_of_a_changed_title_is_not_closed_as_abolished(officer, system_user, cadre, titles, term):
    entry = planning_add(
        actor=system_user, term=term, cadre=cadre, title=titles["commune_secretary"], on=date(2024, 2, 1)
    )
    title_change(
        actor=officer,
        title=titles["commune_secretary"],
        valid_from=date(2025, 7, 1),
        data=TitleInput(
            code="",
            name="Bí thư Đảng ủy xã, phường",
            is_head=True,
            group="Cấp xã",
            filled_by="elected",
            term_calendar="party",
        ),
    )
    assert planning_close_abolished(actor=system_user, on=date(2025, 8, 1)) == 0
    assert PlanningEntry.objects.get(pk=entry.pk).removed_on is None
