"""Reminders before a resolution-study deadline (issue 20): in the days before the deadline (rule
parameter `study_remind_days_before`, 3 by default, the deadline day included) each recipient
who has not studied yet is reminded once, through the path the notice itself took (an in-app
notification to the member's account linking to the notice, and its e-mail); the day is recorded
on the recipient and shown on the officer's notice page. After the deadline there is no reminder:
the members late are counted on the notice page instead."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import TestCase
from django.urls import reverse

from dangbo.access import policy
from dangbo.access.models import Role, RoleAssignment
from dangbo.audit.models import AuditEntry
from dangbo.core import rules
from dangbo.core.models import RuleParameter
from dangbo.notifications.models import Delivery, NoticeKind, NoticeRecipient, Notification
from dangbo.notifications.notices import (
    REMIND_KIND,
    NoticeInput,
    notice_open,
    notice_send,
    study_record,
    study_reminders_send,
)
from dangbo.notifications.selectors import link, unread_count
from tests.factories import secretary_of

pytestmark = pytest.mark.django_db

TITLE = "Học tập Nghị quyết Đại hội Đảng bộ xã"


@pytest.fixture(autouse=True)
def _fresh_rule_parameters():
    rules.clear_cache()
    yield
    rules.clear_cache()


@pytest.fixture
def second_account(people, django_user_model):
    """An account for the member of cell A2 too (the fixture gives one to the member of A1 only)."""
    user = django_user_model.objects.create_user("dangvien_binh", email="binh@example.vn")
    RoleAssignment.objects.create(user=user, role=Role.MEMBER, member=people["a2"], valid_from=date(2020, 1, 1))
    return user


def _campaign(actor, tree, *, due_in=10):
    return notice_send(
        actor=actor,
        data=NoticeInput(
            org_id=tree["commune_a"].pk,
            audience_org_id=tree["commune_a"].pk,
            kind=NoticeKind.STUDY,
            title=TITLE,
            study_due=policy.today() + timedelta(days=due_in),
        ),
    )


def _reminders():
    return Notification.objects.filter(kind=REMIND_KIND)


def test_members_who_have_not_studied_are_reminded_inside_the_window(commune_officer, tree, people, second_account):
    notice = _campaign(commune_officer, tree)
    day = notice.study_due - timedelta(days=3)
    assert study_reminders_send(today=day) == 2
    assert set(NoticeRecipient.objects.filter(notice=notice).values_list("member_id", "reminded_on")) == {
        (people["a1"].pk, day),
        (people["a2"].pk, day),
    }
    note = _reminders().get(user=people["user"])
    assert note.message == (
        f"Nhắc: hạn hoàn thành học tập, quán triệt “{TITLE}” là {notice.study_due:%d/%m/%Y} (còn 3 ngày)."
    )
    assert link(note) == reverse("notifications:my_notice", args=[notice.pk])  # the member's own notice
    assert _reminders().filter(user=second_account).exists() and _reminders().count() == 2
    entry = AuditEntry.objects.get(action="notice.study_remind")
    assert entry.object_id == str(notice.pk) and entry.org_id == tree["commune_a"].pk
    assert entry.summary == f"Nhắc hạn học tập «{TITLE}» ({notice.study_due:%d/%m/%Y}) đến 2 đảng viên chưa hoàn thành"


def test_a_member_who_studied_in_the_meantime_is_not_reminded(commune_officer, tree, people, second_account):
    notice = _campaign(commune_officer, tree)
    study_record(actor=commune_officer, notice=notice, member_ids=[people["a2"].pk], on=policy.today())
    assert study_reminders_send(today=notice.study_due - timedelta(days=2)) == 1
    assert list(_reminders().values_list("user_id", flat=True)) == [people["user"].pk]
    assert NoticeRecipient.objects.get(notice=notice, member=people["a2"]).reminded_on is None


@pytest.mark.parametrize(
    ("days_before_due", "reminded"),
    [
        (4, 0),  # before the window: nothing yet
        (3, 1),  # the window opens three days before the deadline
        (1, 1),
        (0, 1),  # the deadline day is in the window
        (-1, 0),  # after the deadline: no "before the deadline" reminder (the late are counted instead)
    ],
)
def test_the_reminder_window_runs_from_three_days_before_the_deadline_to_the_deadline_day(
    commune_officer, tree, people, days_before_due, reminded
):
    notice = _campaign(commune_officer, tree)
    assert study_reminders_send(today=notice.study_due - timedelta(days=days_before_due)) == reminded
    assert _reminders().count() == reminded
    assert NoticeRecipient.objects.filter(reminded_on__isnull=False).count() == reminded
    assert AuditEntry.objects.filter(action="notice.study_remind").count() == reminded


def test_the_deadline_day_reminder_says_it_is_today(commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    study_reminders_send(today=notice.study_due)
    assert _reminders().get().message.endswith(f"là {notice.study_due:%d/%m/%Y} (hôm nay là hạn).")


def test_each_member_is_reminded_once_per_campaign(commune_officer, tree, people, settings):
    settings.NOTIFICATIONS_SEND_EMAIL = True
    notice = _campaign(commune_officer, tree)
    first = notice.study_due - timedelta(days=3)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert study_reminders_send(today=first) == 1
        assert study_reminders_send(today=first) == 0  # the job run twice the same day
        for later in range(2, -1, -1):  # and every other day of the window
            assert study_reminders_send(today=notice.study_due - timedelta(days=later)) == 0
    assert _reminders().count() == 1
    assert NoticeRecipient.objects.get(notice=notice, member=people["a1"]).reminded_on == first
    assert AuditEntry.objects.filter(action="notice.study_remind").count() == 1
    assert Delivery.objects.filter(notification__kind=REMIND_KIND).count() == 1  # one e-mail


def test_the_reminder_email_goes_through_the_task_worker(commune_officer, tree, people, settings, mailoutbox):
    settings.NOTIFICATIONS_SEND_EMAIL = True
    notice = _campaign(commune_officer, tree)
    mailoutbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        study_reminders_send(today=notice.study_due - timedelta(days=1))
    assert [m.to for m in mailoutbox] == [["an@example.vn"]]
    assert mailoutbox[0].subject == f"[Đảng bộ số] Nhắc hạn học tập: {TITLE}"
    assert "(còn 1 ngày)" in mailoutbox[0].body


def test_members_without_an_account_or_who_left_and_other_notices_are_not_reminded(
    commune_officer, tree, people, second_account
):
    notice = _campaign(commune_officer, tree)
    RoleAssignment.objects.filter(user=second_account).update(valid_to=policy.today())  # account ended
    plain = notice_send(
        actor=commune_officer,
        data=NoticeInput(org_id=tree["commune_a"].pk, audience_org_id=tree["commune_a"].pk, title="Lịch sinh hoạt"),
    )
    assert study_reminders_send(today=notice.study_due - timedelta(days=3)) == 1
    assert NoticeRecipient.objects.get(notice=notice, member=people["a2"]).reminded_on is None
    assert not NoticeRecipient.objects.filter(notice=plain, reminded_on__isnull=False).exists()


def test_no_reminder_on_the_day_the_campaign_is_sent(commune_officer, tree, people):
    notice = _campaign(commune_officer, tree, due_in=2)  # sent inside the window
    assert study_reminders_send(today=notice.sent_on) == 0  # the notice itself has just reached them
    assert study_reminders_send(today=notice.sent_on + timedelta(days=1)) == 1


def test_the_window_is_a_versioned_rule_parameter(commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    RuleParameter.objects.create(
        name="study_remind_days_before", value=7, valid_from=policy.today(), source="Thử nghiệm: nhắc sớm hơn"
    )
    rules.clear_cache()
    assert study_reminders_send(today=notice.study_due - timedelta(days=8)) == 0
    assert study_reminders_send(today=notice.study_due - timedelta(days=7)) == 1


def test_the_officer_page_shows_how_many_were_reminded_and_when(client, commune_officer, tree, people, monkeypatch):
    notice = _campaign(commune_officer, tree)
    client.force_login(commune_officer)
    url = reverse("notifications:notice_detail", args=[notice.pk])
    opens = notice.study_due - timedelta(days=3)
    assert f'id="hoc-tap-nhac">Nhắc hạn tự động từ {opens:%d/%m/%Y} cho đảng viên chưa học tập' in (
        client.get(url).content.decode()
    )
    study_reminders_send(today=opens)
    monkeypatch.setattr(policy, "today", lambda: opens)
    body = client.get(url).content.decode()
    assert f'id="hoc-tap-nhac">Đã nhắc hạn ngày {opens:%d/%m/%Y}: 1 đảng viên chưa học tập.<' in body
    assert f"Chưa học tập · đã nhắc {opens:%d/%m/%Y}" in body
    # Trần Thị Bình (cell A2) has no account and has not studied: counted apart
    assert 'id="hoc-tap-khong-tai-khoan">1 đảng viên chưa học tập không có tài khoản' in body
    study_record(actor=commune_officer, notice=notice, member_ids=[people["a2"].pk], on=opens)
    assert "hoc-tap-khong-tai-khoan" not in client.get(url).content.decode()


def test_a_member_without_an_account_is_reminded_through_the_cell_secretary(commune_officer, tree, people):
    """Trần Thị Bình (cell A2) has no account: the secretary of A2 gets one notification naming her,
    without a link (the secretary may not see the commune's notice); she counts as reminded."""
    secretary = secretary_of(tree["cell_a2"], "bithu_a2")
    secretary_of(tree["cell_b1"], "bithu_b1")  # a secretary of a cell with no member waiting: nothing
    notice = _campaign(commune_officer, tree)
    day = notice.study_due - timedelta(days=1)
    assert study_reminders_send(today=day) == 2
    assert NoticeRecipient.objects.get(notice=notice, member=people["a2"]).reminded_on == day
    note = _reminders().get(user=secretary)
    assert note.message == (
        "Nhắc: 1 đảng viên của chi bộ chưa có tài khoản và chưa hoàn thành học tập, quán triệt "
        f"“{TITLE}” (hạn {notice.study_due:%d/%m/%Y} (còn 1 ngày)): Trần Thị Bình."
    )
    assert link(note) == ""
    assert set(_reminders().values_list("user_id", flat=True)) == {people["user"].pk, secretary.pk}
    entry = AuditEntry.objects.get(action="notice.study_remind")
    assert entry.summary.endswith("đến 2 đảng viên chưa hoàn thành (1 qua bí thư chi bộ)")
    assert study_reminders_send(today=notice.study_due) == 0  # once per campaign, as for accounts
    assert _reminders().count() == 2


def test_a_member_without_an_account_nor_a_cell_secretary_is_not_reminded(commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    assert study_reminders_send(today=notice.study_due) == 1  # Nguyễn Văn An, through his account
    assert NoticeRecipient.objects.get(notice=notice, member=people["a2"]).reminded_on is None


def test_the_member_api_gives_the_study_deadline_and_the_reminder_day(client, commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    day = notice.study_due - timedelta(days=2)
    study_reminders_send(today=day)
    client.force_login(people["user"])
    (mine,) = client.get("/api/v1/notices/mine").json()
    assert (mine["study_due"], mine["studied_on"], mine["reminded_on"]) == (str(notice.study_due), None, str(day))


def test_opening_the_notice_after_the_reminder_marks_the_reminder_read(client, commune_officer, tree, people):
    notice = _campaign(commune_officer, tree)
    member = people["user"]
    notice_open(actor=member, notice_id=notice.pk)  # the read receipt, before any reminder
    study_reminders_send(today=notice.study_due)
    assert unread_count(actor=member) == 1  # the reminder
    notice_open(actor=member, notice_id=notice.pk)
    assert unread_count(actor=member) == 0
    assert AuditEntry.objects.filter(action="notice.read").count() == 1  # the receipt stays the first opening's
