"""Notices and documents sent to members with read receipts (issue 20): a committee sends to a
subtree or a list of members; members see them in their portal; officers see «x/y đã đọc»."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.notifications.models import Notice, NoticeRecipient, Notification, NotificationRead
from dangbo.notifications.notices import NoticeInput, notice_open, notice_send, receipts_label

pytestmark = pytest.mark.django_db


def test_a_notice_to_a_subtree_reaches_its_members_only_and_counts_receipts(commune_officer, tree, people):
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(
            org_id=tree["commune_a"].pk, audience_org_id=tree["commune_a"].pk, title="Lịch học tập nghị quyết"
        ),
    )
    got = set(NoticeRecipient.objects.filter(notice=notice).values_list("member_id", flat=True))
    assert got == {people["a1"].pk, people["a2"].pk} and notice.recipients_count == 2
    # the member with an account gets an in-app notification linking to the notice
    note = Notification.objects.get(user=people["user"], key=f"notice:{notice.pk}")
    assert note.message == "Thông báo: Lịch học tập nghị quyết"
    assert AuditEntry.objects.filter(action="notice.send", object_id=str(notice.pk)).exists()

    row = notice_open(actor=people["user"], notice_id=notice.pk)
    first = row.read_at
    assert first is not None
    assert notice_open(actor=people["user"], notice_id=notice.pk).read_at == first  # the first reading counts
    assert NotificationRead.objects.filter(notification=note, user=people["user"]).exists()
    assert AuditEntry.objects.filter(action="notice.read", subject_member_id=people["a1"].pk).count() == 1
    assert receipts_label(1, 2) == "1/2 đã đọc" and receipts_label(51602, 57012) == "51.602/57.012 đã đọc"


def test_a_notice_to_a_list_of_members_refuses_a_member_outside_the_scope(commune_officer, tree, people):
    with pytest.raises(DomainError) as err:
        notice_send(
            actor=commune_officer,
            data=NoticeInput(
                org_id=tree["commune_a"].pk, member_ids=[people["a1"].pk, people["b1"].pk], title="Mời họp"
            ),
        )
    assert err.value.field == "member_ids" and not Notice.objects.exists()
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(org_id=tree["commune_a"].pk, member_ids=[people["a2"].pk], title="Mời họp"),
    )
    assert list(notice.recipients.values_list("member_id", flat=True)) == [people["a2"].pk]


def test_bad_input_names_the_field_and_writes_nothing(commune_officer, outsider, tree, people):
    cases = [
        (
            commune_officer,
            NoticeInput(org_id=tree["commune_a"].pk, audience_org_id=tree["commune_a"].pk, title=" "),
            "title",
        ),
        (commune_officer, NoticeInput(org_id=tree["commune_a"].pk, title="Không có người nhận"), "audience_org_id"),
        (
            commune_officer,
            NoticeInput(
                org_id=tree["commune_a"].pk, audience_org_id=tree["commune_a"].pk, title="Văn bản", kind="document"
            ),
            "document_number",
        ),
        (outsider, NoticeInput(org_id=tree["commune_a"].pk, audience_org_id=tree["commune_a"].pk, title="X"), "org_id"),
        (
            commune_officer,
            NoticeInput(org_id=tree["commune_a"].pk, audience_org_id=tree["commune_b"].pk, title="X"),
            "audience_org_id",
        ),
    ]
    for actor, data, field in cases:
        with pytest.raises(DomainError) as err:
            notice_send(actor=actor, data=data)
        assert err.value.field == field, data
    assert not Notice.objects.exists() and not NoticeRecipient.objects.exists()


def test_a_member_sees_only_notices_sent_to_them(client, commune_officer, tree, people, django_user_model):
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(org_id=tree["commune_a"].pk, member_ids=[people["a2"].pk], title="Riêng đồng chí Bình"),
    )
    client.force_login(people["user"])
    assert client.get(reverse("notifications:my_notice", args=[notice.pk])).status_code == 404
    assert "Riêng đồng chí Bình" not in client.get(reverse("notifications:my_notices")).content.decode()
    assert client.get(reverse("notifications:notice_detail", args=[notice.pk])).status_code == 404
    assert NoticeRecipient.objects.get(notice=notice).read_at is None


def test_the_member_reads_in_the_portal_and_the_officer_sees_who_read(client, commune_officer, tree, people):
    client.force_login(commune_officer)
    response = client.post(
        reverse("notifications:notice_create"),
        {
            "org": tree["commune_a"].pk,
            "kind": "document",
            "title": "Nghị quyết Đại hội Đảng bộ xã",
            "document_number": "05-NQ/ĐU",
            "body": "Đề nghị đảng viên nghiên cứu.",
        },
    )
    notice = Notice.objects.get()
    assert response.status_code == 302
    page = client.get(reverse("notifications:notice_list")).content.decode()
    assert "0/2 đã đọc" in page

    client.force_login(people["user"])
    portal = client.get(reverse("notifications:my_notices")).content.decode()
    assert "Nghị quyết Đại hội Đảng bộ xã" in portal and "chưa đọc" in portal
    read = client.get(reverse("notifications:my_notice", args=[notice.pk])).content.decode()
    assert "Đề nghị đảng viên nghiên cứu." in read and "05-NQ/ĐU" in read

    client.force_login(commune_officer)
    detail = client.get(reverse("notifications:notice_detail", args=[notice.pk])).content.decode()
    assert "1/2 đã đọc" in detail and "Đã đọc" in detail and "Trần Thị Bình" in detail


def test_the_send_form_refuses_an_empty_title_in_vietnamese(client, commune_officer, tree, people):
    client.force_login(commune_officer)
    response = client.post(
        reverse("notifications:notice_create"), {"org": tree["commune_a"].pk, "kind": "notice", "title": ""}
    )
    assert response.status_code == 200 and "Phải nhập tiêu đề thông báo." in response.content.decode()
    assert not Notice.objects.exists()


def test_notice_email_goes_through_the_task_worker(commune_officer, tree, people, settings, mailoutbox):
    settings.NOTIFICATIONS_SEND_EMAIL = True
    from django.test import TestCase

    with TestCase.captureOnCommitCallbacks(execute=True):
        notice_send(
            actor=commune_officer,
            data=NoticeInput(
                org_id=tree["commune_a"].pk, audience_org_id=tree["cell_a1"].pk, title="Họp chi bộ tháng 5"
            ),
        )
    assert [m.to for m in mailoutbox] == [["an@example.vn"]]
    assert "Họp chi bộ tháng 5" in mailoutbox[0].subject
    assert Notification.objects.get(user=people["user"]).emailed
