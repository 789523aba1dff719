"""Resolution-study campaigns (issue 20, "học tập, quán triệt nghị quyết"): a committee sends a
resolution to a subtree with a deadline; the officer records who completed the study, or the
member confirms it in the portal; completion per organization and in all, members late after the
deadline. Scope: an officer records and counts only members they may see."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from dangbo.access import policy
from dangbo.audit.models import AuditEntry
from dangbo.core.errors import DomainError
from dangbo.notifications.models import NoticeKind, NoticeRecipient
from dangbo.notifications.notices import NoticeInput, notice_send, study_confirm, study_progress, study_record

pytestmark = pytest.mark.django_db


def _campaign(actor, tree, due=None):
    return notice_send(
        actor=actor,
        data=NoticeInput(
            org_id=tree["commune_a"].pk,
            audience_org_id=tree["commune_a"].pk,
            kind=NoticeKind.STUDY,
            title="Học tập Nghị quyết Đại hội Đảng bộ xã",
            study_due=due or policy.today() + timedelta(days=30),
        ),
    )


@pytest.mark.parametrize(
    ("due", "message"),
    [
        (None, "phải có hạn hoàn thành"),
        (date(2020, 1, 1), "Hạn hoàn thành học tập phải từ ngày gửi"),
    ],
)
def test_a_study_campaign_needs_a_deadline_from_today(commune_officer, tree, people, due, message):
    with pytest.raises(DomainError) as e:
        notice_send(
            actor=commune_officer,
            data=NoticeInput(
                org_id=tree["commune_a"].pk,
                audience_org_id=tree["commune_a"].pk,
                kind=NoticeKind.STUDY,
                title="Học tập nghị quyết",
                study_due=due,
            ),
        )
    assert e.value.field == "study_due" and message in e.value.message
    assert not NoticeRecipient.objects.exists()


def test_the_officer_records_completion_and_sees_it_per_cell(commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    today = policy.today()
    assert study_record(actor=commune_officer, notice=notice, member_ids=[people["a1"].pk], on=today) == 1
    assert study_record(actor=commune_officer, notice=notice, member_ids=[people["a1"].pk], on=today) == 0  # kept
    progress = study_progress(actor=commune_officer, notice=notice)
    assert (progress.done, progress.total, progress.overdue) == (1, 2, 0)
    assert [(r.name, r.done, r.total) for r in progress.rows] == [("Chi bộ thôn 1", 1, 1), ("Chi bộ thôn 2", 0, 1)]
    assert progress.pct == 50
    entry = AuditEntry.objects.get(action="notice.study_record")
    assert "1 đảng viên hoàn thành học tập" in entry.summary


@pytest.mark.parametrize("case", ["future", "before_sent", "outsider_member", "not_study"])
def test_bad_completion_is_refused_and_nothing_is_written(commune_officer, tree, people, case):
    notice = _campaign(commune_officer, tree)
    member, on = people["a1"].pk, policy.today()
    if case == "future":
        on = on + timedelta(days=1)
    elif case == "before_sent":
        on = on - timedelta(days=1)
    elif case == "outsider_member":
        member = people["b1"].pk  # commune B: not sent this campaign, not in the officer's scope
    else:
        notice.kind = NoticeKind.NOTICE
    with pytest.raises(DomainError) as e:
        study_record(actor=commune_officer, notice=notice, member_ids=[member], on=on)
    assert e.value.field in {"on", "member_ids", "kind"}
    assert not NoticeRecipient.objects.filter(studied_on__isnull=False).exists()


def test_members_late_after_the_deadline_are_counted(commune_officer, tree, people, monkeypatch):
    notice = _campaign(commune_officer, tree, due=policy.today() + timedelta(days=3))
    study_record(actor=commune_officer, notice=notice, member_ids=[people["a2"].pk], on=policy.today())
    later = policy.today() + timedelta(days=4)
    monkeypatch.setattr(policy, "today", lambda: later)
    assert study_progress(actor=commune_officer, notice=notice).overdue == 1


def test_the_member_confirms_in_the_portal_once(client, commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    client.force_login(people["user"])
    page = client.get(reverse("notifications:my_notice", args=[notice.pk]))
    assert "Tôi đã hoàn thành học tập" in page.content.decode()
    done = client.post(reverse("notifications:my_notice_studied", args=[notice.pk]), follow=True)
    assert "Đã ghi nhận đồng chí hoàn thành học tập ngày" in done.content.decode()
    row = NoticeRecipient.objects.get(notice=notice, member=people["a1"])
    assert row.studied_on == policy.today() and row.studied_recorded_by == people["user"]
    assert study_confirm(actor=people["user"], notice_id=notice.pk).studied_on == row.studied_on
    assert AuditEntry.objects.filter(action="notice.study_confirm").count() == 1


def test_a_plain_notice_has_no_study_confirmation(client, commune_officer, tree, people):
    notice = notice_send(
        actor=commune_officer,
        data=NoticeInput(org_id=tree["commune_a"].pk, audience_org_id=tree["commune_a"].pk, title="Lịch sinh hoạt"),
    )
    client.force_login(people["user"])
    assert client.post(reverse("notifications:my_notice_studied", args=[notice.pk])).status_code == 404
    assert not NoticeRecipient.objects.filter(studied_on__isnull=False).exists()


def test_the_officer_page_shows_progress_and_records_ticked_members(client, commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    client.force_login(commune_officer)
    url = reverse("notifications:notice_detail", args=[notice.pk])
    body = client.get(url).content.decode()
    assert 'id="hoc-tap-tong">0/2 (0,0%)<' in body and "Ghi nhận hoàn thành học tập" in body
    bad = client.post(url, {"on": "31/02/2026", "members": [people["a1"].pk]})
    assert bad.status_code == 200 and not NoticeRecipient.objects.filter(studied_on__isnull=False).exists()
    ok = client.post(
        url, {"on": policy.today().strftime("%d/%m/%Y"), "members": [people["a1"].pk, people["a2"].pk]}, follow=True
    )
    assert "Đã ghi nhận 2 đảng viên hoàn thành học tập." in ok.content.decode()
    assert 'id="hoc-tap-tong">2/2 (100,0%)<' in ok.content.decode()


def test_the_send_form_takes_the_deadline(client, commune_officer, tree, people):
    client.force_login(commune_officer)
    due = (policy.today() + timedelta(days=20)).strftime("%d/%m/%Y")
    response = client.post(
        reverse("notifications:notice_create"),
        {"org": tree["commune_a"].pk, "kind": "study", "title": "Quán triệt Nghị quyết", "study_due": due},
    )
    assert response.status_code == 302
    notice = NoticeRecipient.objects.filter(member=people["a1"]).get().notice
    assert notice.kind == "study" and notice.study_due.strftime("%d/%m/%Y") == due
    refused = client.post(
        reverse("notifications:notice_create"),
        {"org": tree["commune_a"].pk, "kind": "study", "title": "Quán triệt lần 2"},
    )
    assert "phải có hạn hoàn thành" in refused.content.decode()
