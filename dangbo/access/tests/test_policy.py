"""The access policy (access/policy.py): who acts, the one getter per object type, and rules that
used to be decided in several places (now each decided once, merge lineage included)."""

from __future__ import annotations

from datetime import date

import pytest
from django.http import Http404

from dangbo.access import policy
from dangbo.access.policy import SYSTEM, ActorError
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.members.models import EventType, Member, MemberEvent
from dangbo.members.services import EventInput, ProfileInput, member_admit, member_record_event
from dangbo.orgs.models import Organization
from dangbo.orgs.services import org_establish, org_merge

START = date(2015, 1, 1)


@pytest.fixture
def member(tree, system_user):
    return member_admit(
        actor=system_user,
        profile=ProfileInput(full_name="Lê Văn Thử", birth_year=1980, sex="M"),
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
    )


def _exempt(actor, member):
    return member_record_event(
        actor=actor, member=member, data=EventInput(type=EventType.ACTIVITY_EXEMPTION, on=date(2024, 5, 6))
    )


@pytest.mark.parametrize("call", ["record_event", "admit", "establish", "import", "require", "notify", "remind"])
def test_none_actor_is_refused(tree, member, tmp_path, call):
    """A caller that forgets the actor does not act as a superuser: every service refuses None."""
    _refuses(None, call, tree, member, tmp_path)


@pytest.mark.parametrize("call", ["record_event", "admit", "establish", "import", "require", "notify", "remind"])
def test_string_actor_is_refused(tree, member, tmp_path, call):
    """A label is not an actor either (it used to mean "the system": everything allowed)."""
    _refuses("hệ thống", call, tree, member, tmp_path)


def _refuses(actor, call, tree, member, tmp_path):
    before = (
        MemberEvent.objects.count(),
        Member.objects.count(),
        Organization.objects.count(),
        AuditEntry.objects.count(),
    )
    with pytest.raises(ActorError, match="người thực hiện"):
        if call == "record_event":
            _exempt(actor, member)
        elif call == "admit":
            member_admit(
                actor=actor,
                profile=ProfileInput(full_name="Người Mới", birth_year=1990, sex="F"),
                cell=tree["cell_a1"],
                decided_on=date(2024, 1, 2),
            )
        elif call == "establish":
            org_establish(
                actor=actor,
                code="T01-X09",
                name="Đảng bộ xã Mới",
                org_type="commune_party_org",
                parent=tree["district"],
                on=date(2024, 1, 2),
            )
        elif call == "import":
            from dangbo.imports.services import import_dry_run

            path = tmp_path / "ds.csv"
            path.write_text("Họ và tên,Năm sinh\nNgười Mới,1990\n", encoding="utf-8")
            import_dry_run(path, actor=actor)
        elif call == "require":
            policy.require(actor, "record", tree["cell_a1"])
        elif call == "notify":
            from dangbo.notifications.services import notify

            notify(kind="plans.due", key="k", message="Nhắc việc", org_id=tree["cell_a1"].pk, actor=actor)
        elif call == "remind":
            from dangbo.plans.services import plans_remind

            plans_remind(as_of=date(2024, 1, 2), actor=actor)
    after = (
        MemberEvent.objects.count(),
        Member.objects.count(),
        Organization.objects.count(),
        AuditEntry.objects.count(),
    )
    assert after == before


def test_the_system_actor_is_explicit_and_labelled(member):
    event = _exempt(SYSTEM.named("demo"), member)
    assert event.recorded_by is None
    assert AuditEntry.objects.filter(object_id=str(event.pk), actor_label="demo").exists()
    assert policy.can(SYSTEM, "restructure", member.current_org_id)


def test_the_one_record_rule_is_the_home_organization(member, tree, commune_officer, outsider, leader):
    assert policy.may_record_member(commune_officer, member)
    assert not policy.may_record_member(outsider, member)
    assert not policy.may_record_member(leader, member)  # sees it, may not write
    with pytest.raises(DomainError):
        policy.require(outsider, "record", member)
    policy.require(commune_officer, "record", member)


def test_the_getter_hides_what_is_out_of_scope(member, commune_officer, outsider):
    assert policy.get_in_scope_or_404(Member, commune_officer, member.pk) == member
    for pk in (member.pk, 10**9, "x"):
        with pytest.raises(Http404):
            policy.get_in_scope_or_404(Member, outsider, pk)


def test_grading_scope_follows_merge_lineage(tree, system_user, outsider):
    """Commune C of another district merges into commune B in 2025: commune B's officer inherits
    C's history, so the 2024 grading campaign of C's former district (which graded C's members)
    is theirs to see, like every other record of C (access/scope.py's lineage). A campaign of an
    unrelated district stays hidden."""
    from dangbo.grading.selectors import campaign_list
    from dangbo.grading.services import campaign_open

    def mk(code, name, org_type, parent):
        return org_establish(actor=system_user, code=code, name=name, org_type=org_type, parent=parent, on=START)

    district_2 = mk("T01-H02", "Đảng bộ huyện Núi Đỏ", "district_party_org", tree["province"])
    district_3 = mk("T01-H03", "Đảng bộ huyện Hồ Lam", "district_party_org", tree["province"])
    commune_c = mk("T01-H02-X01", "Đảng bộ xã Cẩm Lệ", "commune_party_org", district_2)
    dates = {
        "opens_on": date(2024, 11, 15),
        "self_assessment_due": date(2024, 11, 30),
        "cell_meeting_due": date(2024, 12, 10),
        "decision_due": date(2024, 12, 20),
        "deadline": date(2024, 12, 25),
    }
    of_district_2 = campaign_open(actor=system_user, year=2024, root_org=district_2, **dates)
    of_commune_c = campaign_open(actor=system_user, year=2024, root_org=commune_c, **dates)
    of_district_3 = campaign_open(actor=system_user, year=2024, root_org=district_3, **dates)
    org_merge(actor=system_user, sources=[commune_c], target=tree["commune_b"], on=date(2025, 7, 1))

    seen = set(campaign_list(actor=outsider))
    assert of_commune_c in seen
    assert of_district_2 in seen
    assert of_district_3 not in seen
