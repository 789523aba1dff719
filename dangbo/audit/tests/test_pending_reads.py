"""Sensitive reads staged outside the hash chain (settings.AUDIT_READS_STAGED): a profile read takes
no chain lock; the reads join the chain in order, with their own time, when drained (the periodic
job, `audit verify`, checkpoints, the audit log pages); the chain stays whole (R-165)."""

from __future__ import annotations

import pytest

from dangbo.audit.models import AuditEntry, PendingRead
from dangbo.audit.services import audit_record, audit_verify, drain_reads
from dangbo.audit.tests.conftest import run_verify
from dangbo.members.selectors import member_dossier_read
from dangbo.members.services import ProfileInput, member_admit

pytestmark = pytest.mark.django_db


@pytest.fixture
def staged(settings):
    settings.AUDIT_READS_STAGED = True


@pytest.fixture
def member(system_user, tree):
    from datetime import date

    return member_admit(
        actor=system_user,
        cell=tree["cell_a1"],
        decided_on=date(2020, 1, 6),
        ceremony_on=date(2020, 1, 20),
        decision_number="1-QĐ",
        profile=ProfileInput(full_name="Đinh Thị Xem", birth_year=1980, sex="F"),
    )


def test_rule_r165_a_staged_read_waits_outside_the_chain_then_joins_it_whole(staged, member, commune_officer):
    before = AuditEntry.objects.count()
    member_dossier_read(actor=commune_officer, pk=member.pk)
    member_dossier_read(actor=commune_officer, pk=member.pk)
    assert AuditEntry.objects.count() == before  # no chain append (and no chain lock) per read
    assert PendingRead.objects.count() == 2
    audit_record(actor=commune_officer, action="test.write", summary="một thao tác ghi giữa hai lần gom")
    assert drain_reads() == 2
    assert not PendingRead.objects.exists()
    reads = list(AuditEntry.objects.filter(action="read.member_profile", subject_member_id=member.pk))
    assert len(reads) == 2 and all(r.actor_id == commune_officer.pk for r in reads)
    assert "Đinh Thị Xem" in reads[0].summary
    report = audit_verify()
    assert report.first_broken_id is None and report.checked == AuditEntry.objects.count()
    assert drain_reads() == 0


def test_rule_r165_audit_verify_drains_the_pending_reads_first(staged, member, commune_officer):
    member_dossier_read(actor=commune_officer, pk=member.pk)
    output, code = run_verify()
    assert code == 0, output
    assert not PendingRead.objects.exists()
    assert AuditEntry.objects.filter(action="read.member_profile", subject_member_id=member.pk).exists()


def test_rule_r165_a_staged_read_shows_on_the_members_audit_trail(staged, client, member, officer):
    member_dossier_read(actor=officer, pk=member.pk)
    client.force_login(officer)
    response = client.get(f"/nhat-ky/dang-vien/{member.pk}/")
    assert response.status_code == 200
    assert "Xem hồ sơ đảng viên Đinh Thị Xem" in response.content.decode()


def test_draining_in_batches_keeps_the_order_and_the_chain(staged, member, commune_officer):
    for _ in range(7):
        member_dossier_read(actor=commune_officer, pk=member.pk)
    assert drain_reads(batch=3) == 7
    times = list(AuditEntry.objects.filter(action="read.member_profile").order_by("id").values_list("at", flat=True))
    assert times == sorted(times)
    assert audit_verify().first_broken_id is None
