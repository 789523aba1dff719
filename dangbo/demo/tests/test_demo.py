"""`dangbo demo` on a small scale (300 members): the 2025 reform in the tree, consistent member
histories (spans == replay of events), synthetic NFC names, and the demo accounts.

The demo is built once for the module through the command itself (it flushes the database
first) and flushed again at the end; each test runs in its own rolled-back transaction.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import audit_verify
from dangbo.demo.builder import DEMO_ACCOUNTS
from dangbo.demo.names import REFUSED_NAMES
from dangbo.members.lifecycle import Profile, replay
from dangbo.members.models import ACTIVE_STATUSES, EventType, Member, MemberEvent, MembershipSpan
from dangbo.members.services import MEMBER_ORG_TYPES
from dangbo.orgs.models import OrgEvent, OrgLineage, OrgVersion

BEFORE, REFORM = date(2025, 6, 30), date(2025, 7, 1)
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _flush() -> None:
    call_command("flush", interactive=False, verbosity=0)
    ContentType.objects.clear_cache()


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        out = StringIO()
        try:
            call_command("demo", "--members", "300", stdout=out)
            ContentType.objects.clear_cache()
            yield out.getvalue()
        finally:
            _flush()


@pytest.fixture
def demo(demo_output, db):
    return demo_output


def versions_on(at: date, **filters):
    return OrgVersion.objects.valid_on(at).filter(**filters)


def test_the_tree_on_30_06_2025_has_the_two_former_provinces_with_their_districts(demo):
    provinces = {v.org_id: v.name for v in versions_on(BEFORE, org_type="provincial_party_org")}
    assert sorted(provinces.values()) == ["Đảng bộ tỉnh Kim Giang", "Đảng bộ tỉnh Sơn Hà"]
    for org_id in provinces:
        districts = versions_on(BEFORE, org_type="district_party_org", parent_id=org_id)
        assert districts.count() == 3
        for district in districts:
            assert versions_on(BEFORE, org_type="commune_party_org", parent_id=district.org_id).exists()


def test_on_01_07_2025_the_new_province_has_communes_directly_under_it_and_no_districts(demo):
    province = versions_on(REFORM, org_type="provincial_party_org").get()
    assert province.name == "Đảng bộ tỉnh Sơn Giang"
    assert not versions_on(REFORM, org_type="district_party_org").exists()
    communes = versions_on(REFORM, org_type="commune_party_org")
    assert communes.count() < versions_on(BEFORE, org_type="commune_party_org").count()  # some merged
    assert {v.parent_id for v in communes} == {province.org_id}
    assert all(v.depth == 1 and v.path == f"{province.path}{v.org_id}/" for v in communes)
    assert set(OrgVersion.objects.filter(org_type="district_party_org").values_list("valid_to", flat=True)) == {BEFORE}


def test_the_merger_is_recorded_with_the_politburo_decision_and_lineage(demo):
    province = versions_on(REFORM, org_type="provincial_party_org").get()
    established = OrgEvent.objects.get(org_id=province.org_id, type="org.established")
    assert established.decision_number.endswith("-QĐ/TW")
    assert established.decision_body == "Bộ Chính trị"
    predecessors = OrgLineage.objects.filter(successor_id=province.org_id, on=REFORM)
    assert {v.name for v in OrgVersion.objects.filter(org_id__in=predecessors.values("predecessor_id"))} == {
        "Đảng bộ tỉnh Sơn Hà",
        "Đảng bộ tỉnh Kim Giang",
    }
    changes = OrgEvent.objects.exclude(type="org.established").filter(on__gte=date(2020, 1, 1))
    assert changes.exists()
    assert not changes.filter(decision_number="").exists()
    assert not changes.filter(decision_body="").exists()


def test_every_active_member_belongs_to_a_cell_valid_that_day(demo):
    today = timezone.localdate()
    for at in (date(2015, 1, 1), date(2019, 12, 31), date(2020, 1, 1), BEFORE, REFORM, today):
        spans = MembershipSpan.objects.valid_on(at).filter(status__in=ACTIVE_STATUSES)
        assert spans.count() > 200
        cells = set(versions_on(at, org_type__in=MEMBER_ORG_TYPES).values_list("org_id", flat=True))
        assert set(spans.values_list("org_id", flat=True)) <= cells, at
        temp = set(spans.exclude(temp_org=None).values_list("temp_org_id", flat=True))
        assert temp <= cells, at
        # One span per member on any day.
        assert spans.count() == spans.values("member_id").distinct().count()


def test_current_state_of_members_matches_their_span_today(demo):
    today = timezone.localdate()
    spans = {s.member_id: s for s in MembershipSpan.objects.valid_on(today)}
    for m in Member.objects.all():
        span = spans.get(m.pk)
        assert (m.current_status, m.current_org_id) == ((span.status, span.org_id) if span else ("", None))


def test_replay_of_the_events_equals_the_stored_spans_for_a_sample(demo):
    reassigned = set(MemberEvent.objects.filter(type=EventType.ORG_REASSIGNED).values_list("member_id", flat=True))
    sample = set(Member.objects.order_by("pk").values_list("pk", flat=True)[::7]) | reassigned
    assert reassigned, "the 2020 cell merge moved members through org_merge"
    for member in Member.objects.filter(pk__in=sample):
        events = list(member.events.effective().exclude(type=EventType.CORRECTION))
        timeline = replay(events, Profile(member.birth_date, member.birth_year, member.general_education))
        expected = [
            (
                s.facts.org_id,
                s.facts.status,
                s.facts.exempt,
                s.facts.temp_org_id,
                s.facts.in_transfer,
                s.valid_from,
                s.valid_to,
            )
            for s in timeline.spans
            if s.facts.org_id is not None
        ]
        stored = list(
            member.spans.order_by("valid_from").values_list(
                "org_id", "status", "exempt", "temp_org_id", "in_transfer", "valid_from", "valid_to"
            )
        )
        assert stored == expected, member.full_name
        assert (member.admitted_on, member.ceremony_on, member.full_on) == (
            timeline.admitted_on,
            timeline.ceremony_on,
            timeline.full_on,
        )


def test_ten_years_of_history_has_every_kind_of_change(demo):
    kinds = set(MemberEvent.objects.values_list("type", flat=True))
    assert {
        EventType.OFFICIAL_TRANSFER_IN,
        EventType.ADMISSION_DECISION,
        EventType.ADMISSION_CEREMONY,
        EventType.FULL_RECOGNITION,
        EventType.DEATH,
        EventType.OFFICIAL_TRANSFER_OUT,
        EventType.BADGE_AWARDED,
        EventType.ACTIVITY_EXEMPTION,
        EventType.ORG_REASSIGNED,
    } <= kinds
    years = {d.year for d in MemberEvent.objects.filter(type=EventType.ADMISSION_DECISION).values_list("on", flat=True)}
    assert set(range(2015, 2026)) <= years
    assert not MemberEvent.objects.filter(on__gt=timezone.localdate()).exists()


def test_names_and_places_are_synthetic_and_nfc(demo):
    def nfc(text: str) -> bool:
        return unicodedata.normalize("NFC", text) == text

    for name, hometown in Member.objects.values_list("full_name", "hometown"):
        assert nfc(name) and nfc(hometown)
        assert len(name.split()) >= 3
        assert name not in REFUSED_NAMES
    assert all(nfc(n) for n in OrgVersion.objects.values_list("name", flat=True))
    assert all(nfc(n) for n in MemberEvent.objects.values_list("note", flat=True))
    assert Member.objects.filter(full_name__startswith="Nguyễn").count() > Member.objects.count() // 5


def test_citizen_ids_have_the_province_sex_and_birth_year_digits(demo):
    rows = Member.objects.exclude(citizen_id=None).values_list("citizen_id", "sex", "birth_year")
    assert rows
    for cid, sex, year in rows:
        assert re.fullmatch(r"\d{12}", cid)
        assert cid[4:6] == f"{year % 100:02d}"
        assert int(cid[3]) == (0 if year < 2000 else 2) + (0 if sex == "M" else 1)
    assert Member.objects.filter(birth_date=None).exists()  # old records known by year only


def test_demo_accounts_have_their_roles_and_are_printed(demo):
    User = get_user_model()
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(username=account.username)
        assert user.check_password(account.password)
        assert len(account.password) >= 10
        assignment = RoleAssignment.objects.get(user=user)
        assert assignment.role == account.role
        assert account.username in demo and account.password in demo
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert RoleAssignment.objects.get(user=admin).org_id is None
    member_role = RoleAssignment.objects.get(role=Role.MEMBER)
    assert member_role.member.current_status == "chinh_thuc"
    # The demo's grading campaign covers the member account: it can self-assess.
    from dangbo.grading.selectors import own_campaigns

    assert [o.member for o in own_campaigns(member_ids=[member_role.member_id])] == [member_role.member]
    assert "Tên đăng nhập" in demo and "Phạm vi" in demo and "Đảng bộ tỉnh Sơn Giang" in demo


def test_accounts_command_prints_the_table(demo):
    out = StringIO()
    call_command("accounts", stdout=out)
    text = out.getvalue()
    for header in ("Tên đăng nhập", "Mật khẩu", "Vai trò", "Phạm vi"):
        assert header in text
    assert "Toàn hệ thống" in text and "Lãnh đạo (chỉ xem)" in text


def test_admin_and_officers_get_a_totp_device_whose_current_code_is_printed(demo):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    with_device = set(TOTPDevice.objects.filter(confirmed=True).values_list("user__username", flat=True))
    assert with_device == {"admin", "canbo_tinh", "canbo_xa"}
    out = StringIO()
    call_command("accounts", stdout=out)
    text = out.getvalue()
    device = TOTPDevice.objects.get(user__username="canbo_tinh")
    current = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    previous = f"{totp(device.bin_key, step=device.step, t0=device.t0 + device.step, digits=device.digits):06d}"
    line = next(row for row in text.splitlines() if row.strip().startswith("canbo_tinh") and "mã hiện tại" in row)
    assert current in line or previous in line


def test_one_audit_entry_records_the_build_and_the_chain_holds(demo):
    assert AuditEntry.objects.filter(action="demo.built").count() == 1
    assert audit_verify().ok


def test_if_empty_does_nothing_when_organizations_exist(demo):
    counts = (
        OrgVersion.objects.count(),
        Member.objects.count(),
        MemberEvent.objects.count(),
        AuditEntry.objects.count(),
    )
    out = StringIO()
    call_command("demo", "--if-empty", stdout=out)
    assert "giữ nguyên" in out.getvalue()
    assert (
        OrgVersion.objects.count(),
        Member.objects.count(),
        MemberEvent.objects.count(),
        AuditEntry.objects.count(),
    ) == counts


def test_flush_empties_the_append_only_tables(demo):
    assert MemberEvent.objects.exists() and AuditEntry.objects.exists()
    try:
        call_command("flush", interactive=False, verbosity=0)
        assert not MemberEvent.objects.exists()
        assert not AuditEntry.objects.exists()
        assert not OrgVersion.objects.exists()
    finally:
        ContentType.objects.clear_cache()


def test_an_empty_database_is_not_said_to_be_cleared(demo_output):
    assert "Xóa dữ liệu hiện có" not in demo_output  # the demo ran on an empty test database


def test_counts_in_the_output_have_thousand_separators(demo_output):
    line = next(x for x in demo_output.splitlines() if "sự kiện." in x and "Đảng viên:" in x)
    events = re.search(r"hồ sơ, ([\d.]+) sự kiện", line).group(1)
    assert int(events.replace(".", "")) >= 1000 and re.fullmatch(r"\d{1,3}(\.\d{3})+", events), line


def test_town_cells_keep_thi_tran_whole(demo):
    names = set(OrgVersion.objects.filter(name__contains="Cơ quan thị").values_list("name", flat=True))
    assert names and all("Cơ quan thị trấn " in n for n in names), sorted(names)[:5]


def test_rule_r014_the_demo_reports_new_grassroots_organizations_in_the_non_state_sector(demo):
    from dangbo.reports.indicators import IndicatorContext, compute

    company = versions_on(date(2019, 12, 31), name__startswith="Chi bộ Công ty TNHH May").get()
    assert company.sector == "private_enterprise"
    province = int(company.path.strip("/").split("/")[0])
    ctx = IndicatorContext(org_id=province, at=date(2019, 12, 31))
    assert (
        compute("to_chuc_co_so_ngoai_nha_nuoc_moi", ctx).text
        == "phát triển 01 tổ chức cơ sở đảng trong khu vực ngoài nhà nước"
    )
    members = {c.key for c in compute("dv_theo_khu_vuc", ctx).breakdowns["khu_vuc"]}
    assert {"commune_ward", "state_agency", "public_service_unit"} <= members


def test_the_demo_cells_have_a_year_of_meetings_and_the_worklist_shows_absences(demo):
    from django.utils import timezone

    from dangbo.access.worklist import worklist
    from dangbo.meetings.models import Attendance, Meeting
    from dangbo.meetings.selectors import unexcused_months

    assert "Sinh hoạt chi bộ:" in demo
    secretary = get_user_model().objects.get(username="bithu_chibo")
    cell_id = secretary.assignments.get().org_id
    held = Meeting.objects.filter(org_id=cell_id, held_on__isnull=False)
    assert held.count() == 12 and len({(m.held_on.year, m.held_on.month) for m in held}) == 12
    assert Meeting.objects.filter(org_id=cell_id, held_on__isnull=True).count() == 1  # next month's invitation
    assert Attendance.objects.filter(meeting__in=held, presence="present").exists()
    assert any(n >= 3 for n in unexcused_months(year=held.first().held_on.year).values()) or any(
        n >= 3 for n in unexcused_months(year=held.last().held_on.year).values()
    )
    assert {i.key for i in worklist(secretary, timezone.localdate())} >= {"sinh_hoat_vang_2", "sinh_hoat_vang_3"}


def test_the_demo_has_cadre_work_with_titles_planning_votes_training_and_steps(demo):
    """#18: ~600 cadres with ten years of actions, a planning term with rounds (the district
    titles closed as abolished on 01/07/2025), a vote campaign, training and salary steps."""
    from dangbo.cadres.models import (
        Cadre,
        CadreAction,
        PlanningEntry,
        PositionHolding,
        SalaryEvent,
        Title,
        TrainingEnrolment,
        VoteCampaign,
    )
    from dangbo.cadres.votes import coverage

    assert 550 <= Cadre.objects.count() <= 650
    assert Title.objects.filter(valid_to=date(2025, 6, 30)).count() == 3
    # The catalogue went through the title services: each title audited as on the catalogue pages.
    from dangbo.audit.models import AuditEntry

    created = AuditEntry.objects.filter(action="title.created", object_type="cadres.title")
    assert {int(i) for i in created.values_list("object_id", flat=True)} == set(
        Title.objects.values_list("pk", flat=True)
    )
    assert AuditEntry.objects.filter(action="title.abolished").count() == 3
    years = {d.year for d in CadreAction.objects.values_list("on", flat=True)}
    assert min(years) == 2016 and len(years) >= 8
    assert PositionHolding.objects.count() >= Cadre.objects.count()
    rounds = set(PlanningEntry.objects.values_list("round", flat=True))
    assert rounds == {"Xây dựng mới", "Rà soát, bổ sung năm 2024"}
    abolished = PlanningEntry.objects.filter(title__code="BT-HU")
    assert abolished.exists() and all(e.removal_reason == "title_abolished" for e in abolished)
    campaign = VoteCampaign.objects.get()
    assert coverage(list(campaign.units.all())).vn() == "18/20 đơn vị"
    assert TrainingEnrolment.objects.filter(course__level="cao_cap").count() > 100
    assert (
        SalaryEvent.objects.filter(type="step_early").exists()
        and SalaryEvent.objects.filter(type="step_regular").count() > 500
    )
    assert "Công tác cán bộ:" in demo


def test_demo_has_a_year_of_dues_collected_closed_and_a_few_members_behind(demo):
    from dangbo.dues import selectors as dues_sel
    from dangbo.dues.models import DuesDeclaration, DuesMonthClose, DuesPayment

    assert DuesDeclaration.objects.exists() and DuesPayment.objects.filter(channel="portal").exists()
    payment = DuesPayment.objects.filter(channel="cash").first()
    assert dues_sel.obligation(payment.member_id, payment.from_month) == payment.amount  # the amount owed, no more
    assert DuesMonthClose.objects.filter(collected__gt=0).exists()
    assert DuesMonthClose.objects.filter(received__gt=0, remitted__gt=0).exists()  # a committee closed over its cells
    behind = dues_sel.unpaid_months(year=DuesPayment.objects.order_by("-to_month").first().to_month.year)
    assert behind  # the R-122 worklist has members to show
