"""Appending to the log: read and export entries (R-165), the member an entry is about, and
compatibility of the hash with entries written before `subject_member_id` existed."""

from __future__ import annotations

import json

import pytest

from dangbo.audit.context import RequestContext, current
from dangbo.audit.models import AuditEntry
from dangbo.audit.services import _canonical, audit_export, audit_read, audit_record, audit_verify
from dangbo.core.errors import DomainError


def test_reading_a_member_profile_appends_a_read_entry_about_that_member(member_a1, commune_officer, tree):
    token = current.set(RequestContext(ip="10.0.0.7"))
    try:
        entry = audit_read(actor=commune_officer, obj=member_a1, org_id=member_a1.current_org_id, what="member_profile")
    finally:
        current.reset(token)

    assert entry.action == "read.member_profile"
    assert entry.subject_member_id == member_a1.pk
    assert (entry.object_type, entry.object_id) == ("members.member", str(member_a1.pk))
    assert entry.org_id == tree["cell_a1"].pk
    assert entry.actor == commune_officer
    assert entry.ip == "10.0.0.7"
    assert entry.summary == "Xem hồ sơ đảng viên Nguyễn Văn Thử"
    assert AuditEntry.objects.order_by("-id").first() == entry
    assert audit_verify().ok


def test_a_read_of_another_kind_is_named_after_what_was_read(member_a1, officer):
    entry = audit_read(actor=officer, obj=member_a1, org_id=None, what="party_card")
    assert entry.action == "read.party_card"
    assert entry.subject_member_id == member_a1.pk


def test_an_export_records_its_purpose_rows_and_filters(officer, tree):
    entry = audit_export(
        actor=officer,
        what="member_list",
        purpose="Báo cáo quý IV cho Ban Tổ chức",
        org_id=tree["commune_a"].pk,
        rows=1234,
        filters={"status": "chinh_thuc"},
    )

    assert entry.action == "export.member_list"
    assert entry.after == {
        "purpose": "Báo cáo quý IV cho Ban Tổ chức",
        "rows": 1234,
        "filters": {"status": "chinh_thuc"},
    }
    assert entry.summary == "Xuất member_list (1.234 dòng) — mục đích: Báo cáo quý IV cho Ban Tổ chức"
    assert audit_verify().ok


def test_an_export_without_a_purpose_is_refused_and_writes_nothing(officer, tree):
    before = AuditEntry.objects.count()
    with pytest.raises(DomainError) as exc:
        audit_export(actor=officer, what="member_list", purpose="   ")
    assert exc.value.field == "purpose"
    assert AuditEntry.objects.count() == before


def test_entries_written_for_a_member_or_its_events_name_the_member(member_a1):
    admission_entries = AuditEntry.objects.filter(
        action__in=["member.created", "member.admission_decision", "member.admission_ceremony"]
    )
    assert admission_entries.count() == 3
    assert set(admission_entries.values_list("subject_member_id", flat=True)) == {member_a1.pk}


def test_an_explicit_subject_member_wins(member_a1, member_b1, officer):
    entry = audit_record(actor=officer, action="member.note", obj=member_a1, subject_member_id=member_b1.pk)
    assert entry.subject_member_id == member_b1.pk


def test_entries_about_no_member_keep_the_payload_they_had_before_the_field_existed(tree):
    entry = AuditEntry.objects.first()
    assert entry.subject_member_id is None
    assert "subject_member_id" not in json.loads(_canonical(entry))


def test_the_subject_member_is_part_of_the_hash_when_set(member_a1, officer, tree):
    entry = audit_read(actor=officer, obj=member_a1, org_id=None)
    assert json.loads(_canonical(entry))["subject_member_id"] == member_a1.pk

    from dangbo.audit.tests.conftest import tamper

    tamper("UPDATE audit_auditentry SET subject_member_id = %s WHERE id = %s", [member_a1.pk + 1000, entry.pk])
    report = audit_verify()
    assert report.first_broken_id == entry.pk


def test_the_diff_shows_changed_keys_and_dates_as_dd_mm_yyyy(officer):
    from dangbo.audit.selectors import DiffRow, entry_diff

    entry = audit_record(
        actor=officer,
        action="member.profile_updated",
        before={"birth_date": "1985-03-02", "phone": "0901"},
        after={"birth_date": "1985-03-12", "phone": "0901", "exempt": True},
    )

    assert entry_diff(entry) == [
        DiffRow("birth_date", "02/03/1985", "12/03/1985", True),
        DiffRow("phone", "0901", "0901", False),
        DiffRow("exempt", "", "có", True),
    ]
